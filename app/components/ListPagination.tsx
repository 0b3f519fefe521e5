import type { IndexTableProps } from "@shopify/polaris";
import { setOrDelete, useUrlFilters } from "./embedded-url";

/**
 * The pager under a list's IndexTable: the page lives in the URL as `?page=` (absent on page 1, so the first page
 * has one address), moving keeps every filter, and the label says which rows these are: "26–30 of 30".
 *
 * IndexTable draws the pagination bar itself (sticky, in its own footer); this gives it the props, so every list
 * pages the same way.
 */
/** Where a list stands: the page, its size, the rows in all and on this page. */
export interface ListPage {
  page: number;
  pageSize: number;
  total: number;
  /** rows on this page */
  shown: number;
  /** plural, for the empty label: "shipments" → "No shipments" */
  noun: string;
}

export function useListPagination(list: ListPage): NonNullable<IndexTableProps["pagination"]> {
  const change = useUrlFilters();
  return listPagination(list, (target) => change((p) => setOrDelete(p, "page", target > 1 ? String(target) : null), { keepPage: true }));
}

/** The label and the moves, apart from the URL: what the hook above returns. */
export function listPagination({ page, pageSize, total, shown, noun }: ListPage, goTo: (page: number) => void): NonNullable<IndexTableProps["pagination"]> {
  const first = (page - 1) * pageSize + 1;
  const label = shown ? `${first}–${first + shown - 1} of ${total}` : total ? `No ${noun} on this page` : `No ${noun}`;
  return {
    hasPrevious: page > 1,
    hasNext: page * pageSize < total,
    onPrevious: () => goTo(page - 1),
    onNext: () => goTo(page + 1),
    label,
  };
}
