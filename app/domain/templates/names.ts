/**
 * The names a template can read (the shape of TemplateContext, see ./context) and what a misspelt one
 * probably meant, so an error says "Did you mean …" both when a template is saved and when one breaks at
 * send time.
 */

export type Schema = "leaf" | { [key: string]: Schema } | [Schema];
const SHIPMENT_SCHEMA: Schema = Object.fromEntries(
  [
    "carrier",
    "tracking_number",
    "tracking_url",
    "status",
    "status_label",
    "reason",
    "reason_label",
    "eta",
    "delivered_at",
    "location",
    "service",
    "pickup_location",
    "headline",
    "explanation",
    "next",
    "attention",
  ].map((k) => [k, "leaf" as const]),
);
const leaves = (...keys: string[]): Schema => Object.fromEntries(keys.map((k) => [k, "leaf" as const]));
export const CONTEXT_SCHEMA: { [key: string]: Schema } = {
  shop: leaves("name", "url", "tracking_page_url", "support_email"),
  customer: leaves("first_name", "name", "returning"),
  order: leaves("name", "total", "currency", "status_url", "tracking_link"),
  shipment: SHIPMENT_SCHEMA,
  shipments: [SHIPMENT_SCHEMA],
  shipment_count: "leaf",
  moment: "leaf",
  moment_label: "leaf",
  locale: "leaf",
  alert: leaves("title", "detail", "case_url"),
};
const KNOWN_PATHS: string[] = (() => {
  const out: string[] = [];
  const walk = (schema: Schema, prefix: string) => {
    if (prefix) out.push(prefix);
    if (schema === "leaf" || Array.isArray(schema)) return;
    for (const [k, v] of Object.entries(schema)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(CONTEXT_SCHEMA, "");
  return out;
})();
const FIELD_NAMES = [...new Set(KNOWN_PATHS.map((p) => p.split(".").pop()!))];

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d <= bestD && c !== word) {
      best = c;
      bestD = d;
      if (d === 0) break;
    }
  }
  return best;
}

export function suggestVariable(path: string): string | null {
  const whole = closest(path, KNOWN_PATHS);
  if (whole) return whole;
  const parts = path.split(".");
  if (parts.length < 2) return null;
  const field = closest(parts[parts.length - 1]!, FIELD_NAMES);
  return field ? [...parts.slice(0, -1), field].join(".") : null;
}

export function unknownVariable(path: string, suggestion: string | null = suggestVariable(path)): string {
  return `Unknown variable "${path}".${suggestion ? ` Did you mean "${suggestion}"?` : ""} The variables you can use are listed next to the editor.`;
}
