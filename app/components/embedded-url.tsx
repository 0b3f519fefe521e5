import { useLocation, useSearchParams } from "@remix-run/react";

/**
 * The parameters the Shopify admin adds when it opens the embedded app. A document request needs them
 * (authenticate.admin reads the shop, host and session token from them), so in-app links carry them along:
 * a reload or an "open in new tab" then lands on the same page instead of the login screen.
 */
const SHOPIFY_PARAMS = ["embedded", "shop", "host", "id_token", "locale"] as const;

export function shopifyParamsOf(search: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams();
  for (const name of SHOPIFY_PARAMS) {
    const value = search.get(name);
    if (value !== null) kept.set(name, value);
  }
  return kept;
}

export function hrefWith(pathname: string, search: URLSearchParams): string {
  const query = search.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/**
 * A link to another admin page that keeps Shopify's parameters and drops this page's own (filters, page).
 * The target may carry its own query ("/app/notifications/outbox?status=failed").
 */
export function useAdminHref(): (target: string) => string {
  const { search } = useLocation();
  return (target) => {
    const [pathname, query] = target.split("?", 2) as [string, string | undefined];
    const params = shopifyParamsOf(new URLSearchParams(search));
    for (const [name, value] of new URLSearchParams(query ?? "")) params.set(name, value);
    return hrefWith(pathname, params);
  };
}

export type ParamsEdit = (params: URLSearchParams) => void;

export function setOrDelete(params: URLSearchParams, name: string, value: string | null | undefined) {
  if (value) params.set(name, value);
  else params.delete(name);
}

/**
 * A list page's filters live in its URL: each change keeps every other parameter (Shopify's embedded, shop,
 * host and id_token survive, and a reload or a shared link opens the same list) and starts again at page 1
 * unless told to keep the page.
 */
export function useUrlFilters(): (edit: ParamsEdit, options?: { replace?: boolean; keepPage?: boolean }) => void {
  const [, setSearchParams] = useSearchParams();
  return (edit, options = {}) =>
    setSearchParams(
      (current) => {
        const next = new URLSearchParams(current);
        edit(next);
        if (!options.keepPage) next.delete("page");
        return next;
      },
      { preventScrollReset: true, replace: options.replace ?? false },
    );
}
