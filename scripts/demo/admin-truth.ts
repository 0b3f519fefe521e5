import type { AdminNode } from "../local-services/fake-shopify-admin";
import type { SimulatedDelivery } from "./simulated-store";

/**
 * What Shopify holds at the end of the simulated month, as its Admin GraphQL API answers it (Order, Fulfillment,
 * FulfillmentEvent; https://shopify.dev/docs/api/admin-graphql): the last version of each order and fulfillment
 * the webhooks carried, and every event not deleted. Reconciliation reads this from the Admin API stand-in.
 */
export function adminTruth(deliveries: readonly SimulatedDelivery[]): AdminNode[] {
  const orders = new Map<string, Record<string, unknown>>();
  const fulfillments = new Map<string, Record<string, unknown>>();
  const events = new Map<string, Record<string, unknown>>();
  const newer = (a: Record<string, unknown> | undefined, b: Record<string, unknown>) => !a || Date.parse(String(b.updated_at)) >= Date.parse(String(a.updated_at));
  for (const { topic, payload } of deliveries) {
    const id = String(payload.id);
    if (topic.startsWith("orders/")) {
      if (newer(orders.get(id), payload)) orders.set(id, payload);
    } else if (topic.startsWith("fulfillments/")) {
      if (newer(fulfillments.get(id), payload)) fulfillments.set(id, payload);
    } else if (topic === "fulfillment_events/create") events.set(id, payload);
    else if (topic === "fulfillment_events/delete") events.delete(id);
  }
  const eventsOf = new Map<string, Record<string, unknown>[]>();
  for (const e of events.values()) eventsOf.set(String(e.fulfillment_id), [...(eventsOf.get(String(e.fulfillment_id)) ?? []), e]);
  const fulfillmentsOf = new Map<string, Record<string, unknown>[]>();
  for (const f of fulfillments.values()) fulfillmentsOf.set(String(f.order_id), [...(fulfillmentsOf.get(String(f.order_id)) ?? []), f]);

  return [...orders.values()].map((o) => {
    const shipped = fulfillmentsOf.get(String(o.id)) ?? [];
    return {
      ...order(o, shipped.length ? "FULFILLED" : "UNFULFILLED"),
      fulfillments: shipped.map((f) => fulfillment(f, (eventsOf.get(String(f.id)) ?? []).sort((a, b) => Number(a.id) - Number(b.id)))),
    };
  });
}

const list = (csv: unknown) => (typeof csv === "string" && csv ? csv.split(",").map((t) => t.trim()) : []);
const upper = (v: unknown) => (typeof v === "string" ? v.toUpperCase() : null);

function order(o: Record<string, unknown>, displayFulfillmentStatus: string): AdminNode {
  const customer = o.customer as Record<string, unknown> | null;
  const a = o.shipping_address as Record<string, unknown> | null;
  const line = (o.shipping_lines as Record<string, unknown>[] | undefined)?.[0];
  return {
    id: `gid://shopify/Order/${o.id}`,
    name: o.name,
    email: o.email ?? null,
    phone: o.phone ?? null,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
    cancelledAt: o.cancelled_at ?? null,
    closedAt: null,
    currencyCode: o.currency ?? "USD",
    customerLocale: o.customer_locale ?? null,
    tags: list(o.tags),
    displayFulfillmentStatus,
    totalPriceSet: { shopMoney: { amount: o.total_price, currencyCode: o.currency ?? "USD" } },
    customer: customer
      ? { id: `gid://shopify/Customer/${customer.id}`, email: customer.email ?? null, phone: customer.phone ?? null, firstName: customer.first_name ?? null, lastName: customer.last_name ?? null, tags: list(customer.tags) }
      : null,
    shippingAddress: a
      ? { firstName: a.first_name, lastName: a.last_name, name: a.name, address1: a.address1, city: a.city, province: a.province, provinceCode: a.province_code, zip: a.zip, country: a.country, countryCodeV2: a.country_code, phone: a.phone ?? null }
      : null,
    shippingLine: line ? { code: line.code, title: line.title, source: line.source } : null,
  };
}

function fulfillment(f: Record<string, unknown>, events: Record<string, unknown>[]): AdminNode {
  const numbers = (f.tracking_numbers as string[] | undefined) ?? [];
  const urls = (f.tracking_urls as string[] | undefined) ?? [];
  const origin = f.origin_address as Record<string, unknown> | null | undefined;
  return {
    id: `gid://shopify/Fulfillment/${f.id}`,
    name: f.name,
    status: upper(f.status),
    displayStatus: upper(f.shipment_status),
    createdAt: f.created_at,
    updatedAt: f.updated_at,
    service: { handle: f.service ?? "manual" },
    trackingInfo: numbers.map((number, i) => ({ company: f.tracking_company ?? null, number, url: urls[i] ?? null })),
    originAddress: origin ? { address1: origin.address1 ?? null, city: origin.city ?? null, zip: origin.zip ?? null, provinceCode: origin.province_code ?? null, countryCode: origin.country_code ?? null } : null,
    fulfillmentLineItems: { nodes: ((f.line_items as Record<string, unknown>[] | undefined) ?? []).map((l) => ({ quantity: l.quantity, lineItem: { name: l.title, title: l.title } })) },
    events: {
      nodes: events.map((e) => ({
        id: `gid://shopify/FulfillmentEvent/${e.id}`,
        status: upper(e.status),
        message: e.message ?? null,
        happenedAt: e.happened_at,
        createdAt: e.created_at ?? e.happened_at,
        estimatedDeliveryAt: e.estimated_delivery_at ?? null,
        city: e.city ?? null,
        province: e.province ?? null,
        country: e.country ?? null,
        zip: e.zip ?? null,
      })),
    },
  };
}
