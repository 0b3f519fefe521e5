/** "Exceptions · Shipwatch": the browser tab and the history say which page it is, most specific first. */
export function pageTitle(...parts: (string | null | undefined)[]): string {
  return [...parts.filter((p): p is string => !!p), "Shipwatch"].join(" · ");
}
