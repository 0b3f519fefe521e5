/**
 * Shopify signs a webhook's body, not its headers: a body signed for one shop and topic verifies just as well
 * under another X-Shopify-Shop-Domain or X-Shopify-Topic. Before a delivery is acted on, its body must agree
 * with its headers: the shop it names (the compliance topics' `shop_domain`, the uninstalled shop's
 * `myshopify_domain`) is the header's shop, and its fields are those of the topic, not of another one.
 */

/** Fields only the compliance topics carry, each naming what it asks for. */
const COMPLIANCE_FIELDS = ["shop_domain", "orders_to_redact", "orders_requested", "data_request"] as const;

interface Shape {
  /** fields the topic's body always has */
  required: readonly string[];
  /** fields that belong to other topics: a body carrying them was signed for one of those */
  foreign: readonly string[];
  /** the field that names the shop, when the body has one */
  shopField?: "shop_domain" | "myshopify_domain";
}

const SHAPES: Record<string, Shape> = {
  "shop/redact": { required: ["shop_domain"], foreign: ["customer", "orders_to_redact", "orders_requested", "data_request"], shopField: "shop_domain" },
  "customers/redact": { required: ["shop_domain", "customer"], foreign: ["orders_requested", "data_request"], shopField: "shop_domain" },
  "customers/data_request": { required: ["shop_domain", "customer"], foreign: ["orders_to_redact"], shopField: "shop_domain" },
  // a Shop object
  "app/uninstalled": { required: ["id"], foreign: [...COMPLIANCE_FIELDS, "customer", "order_id", "fulfillment_id"], shopField: "myshopify_domain" },
  // an Order: it is the order, so it names no order_id; events name their fulfillment
  orders: { required: ["id"], foreign: [...COMPLIANCE_FIELDS, "order_id", "fulfillment_id"] },
  fulfillments: { required: ["id", "order_id"], foreign: [...COMPLIANCE_FIELDS, "fulfillment_id"] },
  fulfillment_events: { required: ["id", "fulfillment_id"], foreign: [...COMPLIANCE_FIELDS] },
};

function shapeOf(topic: string): Shape | null {
  return SHAPES[topic] ?? SHAPES[topic.split("/")[0]!] ?? null;
}

const sameDomain = (a: unknown, b: string) => typeof a === "string" && a.trim().toLowerCase() === b.toLowerCase();

/** Why the body does not agree with the delivery's shop and topic, in words; null when it does. */
export function disagreement(topic: string, shop: string, body: unknown): string | null {
  const shape = shapeOf(topic);
  if (!shape) return null;
  if (!body || typeof body !== "object" || Array.isArray(body)) return `a ${topic} body is a JSON object`;
  const fields = body as Record<string, unknown>;
  if (shape.shopField && shape.shopField in fields && !sameDomain(fields[shape.shopField], shop)) {
    return `the body's ${shape.shopField} (${described(fields[shape.shopField])}) is not X-Shopify-Shop-Domain (${shop})`;
  }
  // an uninstall's `domain` is the shop's primary domain: only a myshopify.com one can be compared
  if (topic === "app/uninstalled" && typeof fields.domain === "string" && /\.myshopify\.com$/i.test(fields.domain) && !sameDomain(fields.domain, shop)) {
    return `the body's domain (${fields.domain.slice(0, 100)}) is not X-Shopify-Shop-Domain (${shop})`;
  }
  const foreign = shape.foreign.filter((f) => f in fields);
  if (foreign.length) return `the body carries ${foreign.join(", ")}, which no ${topic} body has: it was signed for another topic`;
  const missing = shape.required.filter((f) => fields[f] === undefined || fields[f] === null);
  if (missing.length) return `the body lacks ${missing.join(", ")}, which every ${topic} body has`;
  return null;
}

/** A body's value in a few words: a string as itself (cut), anything else by its kind, never by walking into it. */
function described(value: unknown): string {
  if (typeof value === "string") return value.slice(0, 100);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value).slice(0, 100);
}
