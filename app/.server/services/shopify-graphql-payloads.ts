import type { AdminObject } from "../ports";

/**
 * The Admin GraphQL API's orders, fulfillments and events read back into the webhook payloads Shopify sends for
 * the same objects (orders/updated, fulfillments/update, fulfillment_events/create), so an import and a webhook
 * go through one parser and one pipeline, and meet on the same keys: the numeric ids inside the gids, the same
 * updated_at, the same event id. Field names: https://shopify.dev/docs/api/admin-graphql (Order, Fulfillment,
 * FulfillmentEvent); the enums (IN_TRANSIT, SUCCESS…) are the REST values in capitals.
 */
const rec = (v: unknown): AdminObject | null => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as AdminObject) : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const list = (v: unknown): AdminObject[] => (Array.isArray(v) ? v.map(rec).filter((x): x is AdminObject => x !== null) : []);
const nodes = (v: unknown): AdminObject[] => list(rec(v)?.nodes);
const lower = (v: unknown): string | null => str(v)?.toLowerCase() ?? null;

/** "gid://shopify/Order/450789469" → "450789469" (a webhook's id); anything else as it is */
export function legacyId(gid: unknown): string | null {
  const s = str(gid);
  if (!s) return null;
  const m = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)/.exec(s);
  return m ? m[1]! : s;
}

/** the order's status as REST's fulfillment_status says it (null: nothing shipped) */
const ORDER_FULFILLMENT_STATUS: Record<string, string | null> = {
  FULFILLED: "fulfilled",
  PARTIALLY_FULFILLED: "partial",
  RESTOCKED: "restocked",
  UNFULFILLED: null,
  SCHEDULED: null,
  ON_HOLD: null,
  IN_PROGRESS: null,
  PENDING_FULFILLMENT: null,
  OPEN: null,
  REQUEST_DECLINED: null,
};

/**
 * Fulfillment.displayStatus as REST's shipment_status: the carrier's word on the parcel. The others (FULFILLED,
 * MARKED_AS_FULFILLED, SUBMITTED, CANCELED…) say nothing of the parcel's journey: null, as the webhook has it.
 */
const SHIPMENT_STATUS = new Set(["LABEL_PRINTED", "LABEL_PURCHASED", "LABEL_VOIDED", "CONFIRMED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "ATTEMPTED_DELIVERY", "READY_FOR_PICKUP", "PICKED_UP", "DELIVERED", "FAILURE", "NOT_DELIVERED"]);

function address(a: AdminObject | null) {
  if (!a) return null;
  return {
    first_name: str(a.firstName),
    last_name: str(a.lastName),
    name: str(a.name),
    address1: str(a.address1),
    city: str(a.city),
    province: str(a.province),
    province_code: str(a.provinceCode),
    zip: str(a.zip),
    country: str(a.country),
    country_code: str(a.countryCodeV2) ?? str(a.countryCode),
    phone: str(a.phone),
  };
}

export function orderPayload(o: AdminObject): Record<string, unknown> {
  const customer = rec(o.customer);
  const shippingLine = rec(o.shippingLine);
  const tags = Array.isArray(o.tags) ? o.tags.filter((t): t is string => typeof t === "string").join(", ") : str(o.tags);
  const status = str(o.displayFulfillmentStatus);
  return {
    id: legacyId(o.id),
    name: o.name,
    email: str(o.email),
    phone: str(o.phone),
    created_at: o.createdAt,
    updated_at: o.updatedAt ?? undefined,
    cancelled_at: str(o.cancelledAt),
    closed_at: str(o.closedAt),
    currency: str(o.currencyCode) ?? undefined,
    total_price: str(rec(rec(o.totalPriceSet)?.shopMoney)?.amount),
    customer_locale: str(o.customerLocale),
    tags,
    customer: customer
      ? { id: legacyId(customer.id), email: str(customer.email), phone: str(customer.phone), first_name: str(customer.firstName), last_name: str(customer.lastName), tags: Array.isArray(customer.tags) ? customer.tags.join(", ") : null }
      : null,
    shipping_address: address(rec(o.shippingAddress)),
    shipping_lines: shippingLine ? [{ code: str(shippingLine.code), title: str(shippingLine.title), source: str(shippingLine.source) }] : [],
    fulfillment_status: status ? (ORDER_FULFILLMENT_STATUS[status] ?? null) : null,
  };
}

/** The fulfillments listed on an order line of the export (their events come from fulfillmentDetails). */
export function fulfillmentsOf(order: AdminObject): AdminObject[] {
  return list(order.fulfillments);
}

/**
 * A fulfillment as fulfillments/update carries it. `shippingAddress` is the order's: Shopify's REST fulfillment
 * names the order's shipping address as its destination, so the two paths store the same parcel.
 */
export function fulfillmentPayload(f: AdminObject, orderId: string, shippingAddress: unknown): Record<string, unknown> {
  const tracking = list(f.trackingInfo);
  const display = str(f.displayStatus);
  return {
    id: legacyId(f.id),
    order_id: orderId,
    status: lower(f.status) ?? "success",
    created_at: f.createdAt,
    updated_at: f.updatedAt ?? undefined,
    name: str(f.name),
    service: str(rec(f.service)?.handle),
    tracking_company: str(tracking[0]?.company),
    shipment_status: display && SHIPMENT_STATUS.has(display) ? display.toLowerCase() : null,
    tracking_numbers: tracking.map((t) => str(t.number)).filter((n): n is string => !!n),
    tracking_urls: tracking.map((t) => str(t.url)).filter((u): u is string => !!u),
    destination: address(rec(shippingAddress)),
    // the warehouse's region, for the transit model's lane (FulfillmentOriginAddress; nothing else of it is read)
    origin_address: rec(f.originAddress) ? { country_code: str(rec(f.originAddress)!.countryCode), province_code: str(rec(f.originAddress)!.provinceCode) } : null,
    line_items: nodes(f.fulfillmentLineItems).map((l) => ({ name: str(rec(l.lineItem)?.name), title: str(rec(l.lineItem)?.title), quantity: l.quantity })),
  };
}

export function eventPayloads(f: AdminObject, orderId: string): Record<string, unknown>[] {
  const fulfillmentId = legacyId(f.id);
  return nodes(f.events).map((e) => ({
    id: legacyId(e.id),
    fulfillment_id: fulfillmentId,
    order_id: orderId,
    status: lower(e.status),
    message: str(e.message),
    happened_at: str(e.happenedAt),
    created_at: str(e.createdAt),
    estimated_delivery_at: str(e.estimatedDeliveryAt),
    city: str(e.city),
    province: str(e.province),
    country: str(e.country),
    zip: str(e.zip),
  }));
}
