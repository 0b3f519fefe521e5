const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "{": "&#123;", "}": "&#125;", "%": "&#37;" };

/**
 * Text for a page Shopify renders as Liquid (`application/liquid`): HTML-escaped, and with every brace (and
 * percent sign) written as a character reference, so no `{{`, `}}`, `{%` or `%}` can reach Liquid from an order
 * name, a carrier's message, a place or an item title. The browser shows the same characters. Safe in element
 * content and in quoted attribute values alike.
 */
export function escapeText(value: unknown): string {
  return String(value ?? "").replace(/[&<>"'{}%]/g, (ch) => ENTITIES[ch]!);
}

/** Fills `{name}` placeholders, then escapes the whole: the template and the values alike. */
export function fillEscaped(template: string, values: Record<string, string | number>): string {
  return escapeText(template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole)));
}
