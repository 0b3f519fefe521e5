import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Card,
  ChoiceList,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  InlineStack,
  Link,
  Modal,
  Page,
  Select,
  Text,
  TextField,
  useIndexResourceState,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { CheckCircleIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { pageTitle } from "~/components/page-title";
import { EmptyState } from "~/components/EmptyState";
import { useListPagination } from "~/components/ListPagination";
import { useEffect, useState } from "react";
import { z } from "zod";
import type { CaseQuery } from "~/.server/ports";
import {
  actorLabel,
  CASE_STATUS_LABELS,
  EXCEPTION_TYPE_LABELS,
  OWNER_LABELS,
  PRIORITY_LABELS,
  PriorityBadge,
  RESOLUTION_CODES,
  RESOLUTION_LABELS,
  SlaBadge,
  type ResolutionCode,
} from "~/components/case-words";
import { hrefWith, setOrDelete, useUrlFilters } from "~/components/embedded-url";
import { formatAge } from "~/components/format";
import { staffMemberOf } from "~/components/staff";
import { CASE_TYPES, OWNERS, PRIORITIES, type ExceptionType, type Owner, type Priority } from "~/domain/rules";

const PAGE_SIZE = 25;
const DAY = 86_400_000;

/** Saved views, as tabs: each is a fixed query a team works from. */
const VIEWS = [
  { id: "all", content: "All open" },
  { id: "mine", content: "Mine" },
  { id: "support", content: "Support" },
  { id: "fulfillment", content: "Fulfillment" },
  { id: "finance", content: "Finance" },
  { id: "operations", content: "Operations" },
  { id: "overdue", content: "Overdue" },
] as const;
type View = (typeof VIEWS)[number]["id"];

const STATUS_CHOICES = [
  { value: "open", label: "Open or snoozed" },
  { value: "snoozed", label: "Snoozed" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "Any status" },
] as const;

const AGE_CHOICES = [
  { value: "1", label: "Older than 1 day" },
  { value: "3", label: "Older than 3 days" },
  { value: "7", label: "Older than 7 days" },
] as const;

/**
 * Polaris's sort choices ("key direction"), each with the queue's own word for it in the URL (urgency: none).
 * Polaris draws a key's ascending choice on its first direction button and the descending one on the second.
 */
const SORTS = [
  { label: "Urgency", value: "urgency asc", directionLabel: "Most urgent first", param: "urgency" },
  { label: "Urgency", value: "urgency desc", directionLabel: "Least urgent first", param: "least_urgent" },
  { label: "Opened", value: "opened asc", directionLabel: "Oldest first", param: "oldest" },
  { label: "Opened", value: "opened desc", directionLabel: "Newest first", param: "newest" },
] as const;
type Sort = (typeof SORTS)[number]["param"];

const CaseFilters = z.object({
  view: z.enum(VIEWS.map((v) => v.id) as [View, ...View[]]).catch("all"),
  type: z.enum(CASE_TYPES).optional().catch(undefined),
  owner: z.enum(OWNERS).optional().catch(undefined),
  priority: z.enum(PRIORITIES).optional().catch(undefined),
  status: z.enum(["open", "snoozed", "resolved", "all"]).catch("open"),
  age: z.enum(["1", "3", "7"]).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  sort: z.enum(SORTS.map((s) => s.param) as [Sort, ...Sort[]]).catch("urgency"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** What a view asks of the queue, before the filter bar narrows it. */
function viewQuery(view: View, me: string, now: number): CaseQuery {
  switch (view) {
    case "mine":
      return { assignee: me };
    case "support":
    case "fulfillment":
    case "finance":
    case "operations":
      return { owner: view };
    case "overdue":
      return { overdueAt: now };
    default:
      return {};
  }
}

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const auth = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = auth.session.shop;
  const me = staffMemberOf(auth);
  const now = context.shipwatch.clock.now();
  const params = new URL(request.url).searchParams;
  const f = CaseFilters.parse(Object.fromEntries(params));
  const { desk } = context.shipwatch.services;

  const query: CaseQuery = {
    status: f.status,
    ...(f.type ? { type: f.type } : {}),
    ...(f.owner ? { owner: f.owner } : {}),
    ...(f.priority ? { priority: f.priority } : {}),
    ...(f.age ? { openedBefore: now - Number(f.age) * DAY } : {}),
    ...(f.q ? { search: f.q } : {}),
    sort: f.sort,
    // the view wins over the filter bar where both speak (the Support tab is Support's cases)
    ...viewQuery(f.view, me, now),
    limit: PAGE_SIZE,
    offset: (f.page - 1) * PAGE_SIZE,
  };
  const [page, ...viewTotals] = await Promise.all([
    desk.queue(shop, query),
    ...VIEWS.map((v) =>
      desk.queue(shop, {
        status: "open",
        ...viewQuery(v.id, me, now),
        limit: 0,
      })
    ),
  ]);
  // assignees by name, where the shop's staff sessions know them
  const names = await desk.staffNames(shop, [...new Set(page.cases.map((c) => c.assignee))]);
  return {
    now,
    me,
    names,
    page: f.page,
    pageSize: PAGE_SIZE,
    total: page.total,
    viewCounts: Object.fromEntries(VIEWS.map((v, i) => [v.id, viewTotals[i]!.total])) as Record<View, number>,
    cases: page.cases.map((c) => ({
      id: c.id,
      orderName: c.orderName,
      trackingNumber: c.trackingNumber,
      // a case about the order itself (fulfillment_delayed): nothing has shipped, so there is no parcel to name
      orderLevel: c.shipmentId === null,
      type: c.type,
      owner: c.owner,
      assignee: c.assignee,
      priority: c.priority,
      status: c.status,
      dueAt: c.dueAt,
      openedAt: c.openedAt,
    })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: pageTitle("Exceptions") }];

const BulkAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("assign_to_me"), ids: z.string() }),
  z.object({
    intent: z.literal("resolve"),
    ids: z.string(),
    resolution: z.enum(RESOLUTION_CODES as [ResolutionCode, ...ResolutionCode[]]),
    note: z.string().trim().max(2000).optional(),
  }),
]);
const CaseIds = z.array(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(100);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const auth = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = auth.session.shop;
  const me = staffMemberOf(auth);
  const parsed = BulkAction.safeParse(Object.fromEntries(await request.formData()));
  const ids = parsed.success ? CaseIds.safeParse(parsed.data.ids.split(",")) : null;
  if (!parsed.success || !ids?.success)
    return {
      ok: false as const,
      error: "Choose at least one case, and a resolution to resolve with.",
    };
  const { desk } = context.shipwatch.services;
  let done = 0;
  for (const id of ids.data) {
    // another shop's id is simply not found: desk calls are scoped to the signed-in shop
    const outcome =
      parsed.data.intent === "assign_to_me"
        ? await desk.assign(shop, id, me, me)
        : await desk.resolve(shop, id, parsed.data.resolution, me, parsed.data.note || undefined);
    if (outcome.ok) done++;
  }
  return {
    ok: true as const,
    intent: parsed.data.intent,
    done,
    skipped: ids.data.length - done,
  };
};

export default function Exceptions() {
  const { now, me, names, page, pageSize, total, viewCounts, cases } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const bulk = useFetcher<typeof action>();
  const shopify = useAppBridge();

  const filters = CaseFilters.parse(Object.fromEntries(searchParams));
  const viewIndex = VIEWS.findIndex((v) => v.id === filters.view);
  const filtering = !!(filters.type || filters.owner || filters.priority || filters.age || filters.status !== "open");

  const change = useUrlFilters();

  // the search field is typed into locally and reaches the URL (and the loader) once typing pauses
  const [query, setQuery] = useState(filters.q ?? "");
  useEffect(() => setQuery(filters.q ?? ""), [filters.q]);
  useEffect(() => {
    if (query.trim() === (filters.q ?? "")) return;
    const timer = setTimeout(() => change((p) => setOrDelete(p, "q", query.trim()), { replace: true }), 300);
    return () => clearTimeout(timer);
  }, [query]);

  const { mode, setMode } = useSetIndexFiltersMode(filtering || filters.q ? IndexFiltersMode.Filtering : IndexFiltersMode.Default);
  const clearAll = () => change((p) => ["type", "owner", "priority", "status", "age"].forEach((name) => p.delete(name)));

  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(cases.map((c) => ({ id: String(c.id) })));
  const [resolveOpen, setResolveOpen] = useState(false);
  const [resolution, setResolution] = useState<ResolutionCode>("contacted_customer");
  const [note, setNote] = useState("");

  // a finished bulk action says what it did, once, and clears the selection it acted on
  useEffect(() => {
    if (bulk.state !== "idle" || !bulk.data) return;
    if (bulk.data.ok) {
      const verb = bulk.data.intent === "resolve" ? "resolved" : "assigned to you";
      shopify.toast.show(`${bulk.data.done} ${bulk.data.done === 1 ? "case" : "cases"} ${verb}`);
      clearSelection();
      setResolveOpen(false);
      setNote("");
    } else {
      shopify.toast.show(bulk.data.error, { isError: true });
    }
    // only a new answer from the action matters
  }, [bulk.state, bulk.data]);

  const submitBulk = (intent: "assign_to_me" | "resolve") => {
    const ids = selectedResources.join(",");
    bulk.submit(intent === "resolve" ? { intent, ids, resolution, note } : { intent, ids }, { method: "post" });
  };

  const choiceFilter = <T extends string>(key: string, label: string, choices: readonly { value: T; label: string }[], selected: string | undefined) => ({
    key,
    label,
    pinned: true,
    filter: (
      <ChoiceList
        title={label}
        titleHidden
        choices={choices.map((c) => ({ value: c.value, label: c.label }))}
        selected={selected ? [selected] : []}
        onChange={([value]) => change((p) => setOrDelete(p, key, value))}
      />
    ),
  });
  const labelled = <T extends string>(values: readonly T[], labels: Record<T, string>) => values.map((value) => ({ value, label: labels[value] }));
  const filterBar = [
    choiceFilter("type", "Problem", labelled(CASE_TYPES, EXCEPTION_TYPE_LABELS), filters.type),
    choiceFilter("owner", "Owner", labelled(OWNERS, OWNER_LABELS), filters.owner),
    choiceFilter("priority", "Priority", labelled(PRIORITIES, PRIORITY_LABELS), filters.priority),
    choiceFilter("status", "Status", STATUS_CHOICES, filters.status === "open" ? undefined : filters.status),
    choiceFilter("age", "Age", AGE_CHOICES, filters.age),
  ];
  const remove = (key: string) => () => change((p) => p.delete(key));
  const appliedFilters = [
    ...(filters.type
      ? [
          {
            key: "type",
            label: `Problem: ${EXCEPTION_TYPE_LABELS[filters.type as ExceptionType]}`,
            onRemove: remove("type"),
          },
        ]
      : []),
    ...(filters.owner
      ? [
          {
            key: "owner",
            label: `Owner: ${OWNER_LABELS[filters.owner as Owner]}`,
            onRemove: remove("owner"),
          },
        ]
      : []),
    ...(filters.priority
      ? [
          {
            key: "priority",
            label: `Priority: ${PRIORITY_LABELS[filters.priority as Priority]}`,
            onRemove: remove("priority"),
          },
        ]
      : []),
    ...(filters.status !== "open"
      ? [
          {
            key: "status",
            label: `Status: ${STATUS_CHOICES.find((c) => c.value === filters.status)!.label}`,
            onRemove: remove("status"),
          },
        ]
      : []),
    ...(filters.age
      ? [
          {
            key: "age",
            label: AGE_CHOICES.find((c) => c.value === filters.age)!.label,
            onRemove: remove("age"),
          },
        ]
      : []),
  ];

  const loading = navigation.state === "loading" && navigation.location.pathname === location.pathname;
  const pagination = useListPagination({
    page,
    pageSize,
    total,
    shown: cases.length,
    noun: "cases",
  });
  const selectedCount = allResourcesSelected ? cases.length : selectedResources.length;

  if (viewCounts.all === 0 && filters.view === "all" && !filtering && !filters.q) {
    return (
      <Page title="Exceptions">
        <EmptyState icon={CheckCircleIcon} tone="success" title="No open exceptions">
          When a parcel gets into trouble — a failed delivery, an address problem, a label nobody scanned — your rules open a case here with an owner and a
          deadline, before the customer has to ask.
        </EmptyState>
      </Page>
    );
  }

  return (
    <Page title="Exceptions" subtitle="Shipments that need a person, most urgent first. Each case says which rule opened it and why." fullWidth>
      <Card padding="0">
        <IndexFilters
          tabs={VIEWS.map((v, i) => ({
            id: v.id,
            content: v.content,
            index: i,
            badge: String(viewCounts[v.id]),
            isLocked: true,
          }))}
          selected={viewIndex < 0 ? 0 : viewIndex}
          onSelect={(index) => change((p) => setOrDelete(p, "view", index === 0 ? null : VIEWS[index]!.id))}
          canCreateNewView={false}
          queryValue={query}
          queryPlaceholder="Search by order, tracking number or customer email"
          onQueryChange={setQuery}
          onQueryClear={() => {
            setQuery("");
            change((p) => p.delete("q"));
          }}
          sortOptions={SORTS.map(({ label, value, directionLabel }) => ({ label, value, directionLabel }))}
          sortSelected={[SORTS.find((o) => o.param === filters.sort)!.value]}
          onSort={([value]) => change((p) => setOrDelete(p, "sort", SORTS.find((o) => o.value === value && o.param !== "urgency")?.param))}
          filters={filterBar}
          appliedFilters={appliedFilters}
          onClearAll={clearAll}
          cancelAction={{
            onAction: () => {
              setQuery("");
              change((p) => ["type", "owner", "priority", "status", "age", "q"].forEach((name) => p.delete(name)));
            },
          }}
          mode={mode}
          setMode={setMode}
          loading={loading}
        />
        <IndexTable
          resourceName={{ singular: "case", plural: "cases" }}
          itemCount={cases.length}
          selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
          onSelectionChange={handleSelectionChange}
          loading={loading || bulk.state !== "idle"}
          promotedBulkActions={[
            {
              content: "Assign to me",
              onAction: () => submitBulk("assign_to_me"),
            },
            { content: "Resolve…", onAction: () => setResolveOpen(true) },
          ]}
          headings={[
            { title: "Order" },
            { title: "Tracking number" },
            { title: "Problem" },
            { title: "Owner" },
            { title: "Assignee" },
            { title: "Priority" },
            { title: "SLA" },
            { title: "Age", alignment: "end" },
          ]}
          pagination={pagination}
        >
          {cases.map((c, index) => (
            <IndexTable.Row id={String(c.id)} key={c.id} position={index} selected={selectedResources.includes(String(c.id))}>
              <IndexTable.Cell>
                <Link dataPrimaryLink monochrome removeUnderline url={hrefWith(`/app/exceptions/${c.id}`, searchParams)}>
                  <Text as="span" fontWeight="semibold">
                    {c.orderName}
                  </Text>
                </Link>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" numeric>
                  {c.trackingNumber ?? (c.orderLevel ? "Not shipped yet" : "No tracking number")}
                </Text>
              </IndexTable.Cell>
              <IndexTable.Cell>
                <InlineStack gap="200" blockAlign="center" wrap={false}>
                  <Text as="span">{EXCEPTION_TYPE_LABELS[c.type]}</Text>
                  {c.status !== "open" ? <Badge tone={c.status === "resolved" ? "success" : undefined}>{CASE_STATUS_LABELS[c.status]}</Badge> : null}
                </InlineStack>
              </IndexTable.Cell>
              <IndexTable.Cell>{OWNER_LABELS[c.owner]}</IndexTable.Cell>
              <IndexTable.Cell>
                {c.assignee ? (
                  <Text as="span">{actorLabel(c.assignee, me, names)}</Text>
                ) : (
                  <Text as="span" tone="subdued">
                    Unassigned
                  </Text>
                )}
              </IndexTable.Cell>
              <IndexTable.Cell>
                <PriorityBadge priority={c.priority} />
              </IndexTable.Cell>
              <IndexTable.Cell>
                <SlaBadge status={c.status} dueAt={c.dueAt} now={now} />
              </IndexTable.Cell>
              <IndexTable.Cell>
                <Text as="span" alignment="end" numeric>
                  {formatAge(c.openedAt, now)}
                </Text>
              </IndexTable.Cell>
            </IndexTable.Row>
          ))}
        </IndexTable>
      </Card>

      <Modal
        open={resolveOpen}
        onClose={() => setResolveOpen(false)}
        title={`Resolve ${selectedCount} ${selectedCount === 1 ? "case" : "cases"}`}
        primaryAction={{
          content: "Resolve",
          onAction: () => submitBulk("resolve"),
          loading: bulk.state !== "idle",
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setResolveOpen(false) }]}
      >
        <Modal.Section>
          <BlockStack gap="400">
            <Select
              label="Resolution"
              options={RESOLUTION_CODES.map((code) => ({
                value: code,
                label: RESOLUTION_LABELS[code],
              }))}
              value={resolution}
              onChange={(value) => setResolution(value as ResolutionCode)}
            />
            <TextField label="Note (optional)" value={note} onChange={setNote} multiline={2} autoComplete="off" helpText="Added to each case's audit trail." />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
