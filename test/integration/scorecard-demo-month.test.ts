import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Scorecard } from "~/domain/scorecard";
import { signWebhook } from "~/.server/shopify/signatures";
import { simulateStore, type SimulatedDelivery, type SimulatedStore } from "../../scripts/demo/simulated-store";
import { SHOP_A, SHOP_B, TEST_SECRET } from "../support/test-app";
import { startMessageRig, type MessageRig } from "./message-support";

/**
 * The demo's month replayed through the real app, twice with different seeds: every signed delivery as the
 * simulated store sends it (duplicates and out of order included), then the scorecard read through
 * `GET /api/v1/scorecard` and checked against figures computed here from the raw webhook bodies and raw rows —
 * never through the roll-ups or the code that writes them.
 */
const ZONE = "America/New_York"; // the shop's zone (default settings)
const DAY = 86_400_000;
const END = "2026-11-30T17:00:00Z";
const SHIPMENTS = 250;
const LOOKED_UP = 12;
/** Hours from UTC a recipient in each country the store ships to can be, summer or winter. */
const UTC_OFFSETS: Record<string, [number, number]> = { US: [-10, -4], CA: [-8, -2.5], GB: [0, 1], DE: [1, 2], AU: [8, 11] };

/** "YYYY-MM-DD" of an instant in a zone, by the platform's own calendar (not the app's). */
const localDay = (ms: number, zone = ZONE) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));

/** Nearest rank: the smallest value whose cumulative share reaches p (the definition the scorecard uses). */
function nearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length - 1e-9)) - 1]!;
}

const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
};

interface ExpectedShipment {
  tracking: string;
  carrier: string;
  fulfilledDay: string;
  delivered: boolean;
  settled: boolean;
  transitDays: number | null;
}

/** Each shipment's facts from the store's raw webhook bodies: fulfillment created_at, the delivered event's happened_at. */
function shipmentsFromRawEvents(store: SimulatedStore): ExpectedShipment[] {
  const fulfilledAt = new Map<number, number>();
  const deleted = new Set<number>();
  const deliveredAt = new Map<number, number>();
  for (const d of store.deliveries) {
    const p = d.payload as Record<string, unknown>;
    if (d.topic === "fulfillments/create") fulfilledAt.set(p["id"] as number, Date.parse(p["created_at"] as string));
    if (d.topic === "fulfillment_events/delete") deleted.add(p["id"] as number);
  }
  for (const d of store.deliveries) {
    const p = d.payload as Record<string, unknown>;
    if (d.topic !== "fulfillment_events/create" || p["status"] !== "delivered" || deleted.has(p["id"] as number)) continue;
    const f = p["fulfillment_id"] as number;
    const at = Date.parse(p["happened_at"] as string);
    deliveredAt.set(f, Math.max(deliveredAt.get(f) ?? -Infinity, at));
  }
  return store.intended.map((s) => {
    const shipped = fulfilledAt.get(s.fulfillmentId);
    if (shipped === undefined) throw new Error(`no fulfillments/create for ${s.trackingNumber}`);
    const delivered = s.status === "delivered";
    const at = deliveredAt.get(s.fulfillmentId);
    if (delivered && at === undefined) throw new Error(`no delivered event for ${s.trackingNumber}`);
    return {
      tracking: s.trackingNumber,
      carrier: s.carrierCode,
      fulfilledDay: localDay(shipped),
      delivered,
      settled: delivered || s.status === "returned_to_sender",
      transitDays: delivered ? Math.max(0, (at! - shipped) / DAY) : null,
    };
  });
}

/** Sends one delivery as Shopify does: signed, with its own webhook id, event id and trigger time. */
async function send(url: string, d: SimulatedDelivery): Promise<number> {
  const body = JSON.stringify(d.payload);
  const res = await fetch(`${url}/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": d.topic,
      "x-shopify-shop-domain": SHOP_A,
      "x-shopify-webhook-id": d.webhookId,
      "x-shopify-event-id": d.eventId,
      "x-shopify-triggered-at": d.triggeredAt,
      "x-shopify-api-version": "2026-07",
      "x-shopify-hmac-sha256": signWebhook(body, TEST_SECRET),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe.each([7, 42])("the demo's month, seed %i, against the raw events", (seed) => {
  let rig: MessageRig;
  let store: SimulatedStore;
  let expected: ExpectedShipment[];
  let card: Scorecard;
  let range: { from: string; to: string };
  const looked: string[] = [];

  beforeAll(async () => {
    const end = Date.parse(END);
    store = simulateStore({ seed, shipments: SHIPMENTS, shop: SHOP_A, end: new Date(end) });
    expected = shipmentsFromRawEvents(store);
    range = { from: localDay(end - 30 * DAY), to: localDay(end) };
    rig = await startMessageRig({ clock: END, channels: ["email"] });
    const app = rig.app;

    // the month's deliveries in their arrival order, four at a time (a duplicate keeps its webhook id)
    let next = 0;
    const statuses: number[] = [];
    const worker = async () => {
      while (next < store.deliveries.length) statuses.push(await send(app.url, store.deliveries[next++]!));
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const settle = async () => {
      app.container.queue.wake?.();
      await app.settle();
      await app.container.services.lookup.flushLookupCounts();
    };
    for (let i = 0; i < 3; i++) await settle();

    // storefront lookups: some parcels asked about once, some twice
    const picks = store.intended.filter((_, i) => i % Math.floor(store.intended.length / LOOKED_UP) === 0).slice(0, LOOKED_UP);
    for (const [i, s] of picks.entries()) {
      for (let n = 0; n < (i % 3 === 0 ? 2 : 1); n++) {
        const res = await fetch(app.proxyUrl({ tracking: s.trackingNumber }));
        expect(res.status, s.trackingNumber).toBe(200);
        await res.arrayBuffer();
        looked.push(s.trackingNumber);
      }
    }
    for (let i = 0; i < 2; i++) await settle();

    const key = (await app.container.services.supportApi.createKey(SHOP_A, "BI")).key;
    const res = await fetch(`${app.url}/api/v1/scorecard?from=${range.from}&to=${range.to}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    card = (await res.json()) as Scorecard;
  }, 120_000);
  afterAll(async () => rig?.close());

  it("shipments: total, delivered and in flight as the raw events and the store's truth have them", () => {
    const inRange = expected.filter((s) => s.fulfilledDay >= range.from && s.fulfilledDay <= range.to);
    expect(inRange.length).toBe(store.intended.length);
    const delivered = inRange.filter((s) => s.delivered).length;
    expect(delivered).toBeGreaterThan(0);
    expect(card.shipments).toEqual({ total: inRange.length, delivered, inFlight: inRange.filter((s) => !s.settled).length });
  });

  it("by carrier: shipments, delivered, transit p50/p90 (to one 0.1-day bucket)", () => {
    const carriers = [...new Set(expected.map((s) => s.carrier))].sort();
    expect(card.carriers.map((c) => c.carrier).sort()).toEqual(carriers);
    for (const carrier of carriers) {
      const mine = expected.filter((s) => s.carrier === carrier);
      const transit = mine.filter((s) => s.delivered).map((s) => s.transitDays!);
      const got = card.carriers.find((c) => c.carrier === carrier)!;
      expect({ carrier, shipments: got.shipments, delivered: got.delivered }).toEqual({ carrier, shipments: mine.length, delivered: transit.length });
      expect(Math.abs(got.transitDaysP50 - nearestRank(transit, 0.5)), `${carrier} p50`).toBeLessThanOrEqual(0.1 + 1e-9);
      expect(Math.abs(got.transitDaysP90 - nearestRank(transit, 0.9)), `${carrier} p90`).toBeLessThanOrEqual(0.1 + 1e-9);
    }
  });

  it("by carrier: on-time rate as the shipment rows' promise or first estimate judge the delivered instant", async () => {
    const rows = await rig.app.db
      .selectFrom("Shipment")
      .select(["carrierCode", "deliveredAt", "promisedBy", "firstEstimate", "destinationCountry"])
      .where("shop", "=", SHOP_A)
      .where("status", "=", "delivered")
      .where("cancelledAt", "is", null)
      .where("supersededAt", "is", null)
      .execute();
    for (const got of card.carriers) {
      // judged: had a promise or a first estimate; on time counted at both ends of the recipient's possible zones
      let judged = 0;
      let low = 0;
      let high = 0;
      for (const r of rows.filter((x) => x.carrierCode === got.carrier && x.deliveredAt !== null)) {
        const at = Number(r.deliveredAt);
        const estimate = r.firstEstimate ? (JSON.parse(r.firstEstimate) as { earliest: string; latest: string }) : null;
        if (r.promisedBy !== null) {
          judged++;
          const onTime = at <= Number(r.promisedBy) ? 1 : 0;
          low += onTime;
          high += onTime;
        } else if (estimate && estimate.earliest <= estimate.latest) {
          judged++;
          const [west, east] = UTC_OFFSETS[r.destinationCountry ?? ""] ?? [-12, 14];
          const dayAt = (hours: number) => new Date(at + hours * 3_600_000).toISOString().slice(0, 10);
          if (dayAt(east) <= estimate.latest) low++;
          if (dayAt(west) <= estimate.latest) high++;
        }
      }
      expect(judged, got.carrier).toBeGreaterThan(0);
      expect(got.onTimeRate, got.carrier).toBeGreaterThanOrEqual(low / judged - 5e-5);
      expect(got.onTimeRate, got.carrier).toBeLessThanOrEqual(high / judged + 5e-5);
    }
  });

  it("exceptions: opened, resolved and by type as the case rows have them", async () => {
    const cases = await rig.app.db.selectFrom("ExceptionCase").select(["type", "status", "openedAt", "resolvedAt"]).where("shop", "=", SHOP_A).execute();
    const inside = (ms: number | null) => ms !== null && localDay(Number(ms)) >= range.from && localDay(Number(ms)) <= range.to;
    const opened = cases.filter((c) => inside(c.openedAt));
    expect(opened.length).toBeGreaterThan(0);
    expect(card.exceptions.opened).toBe(opened.length);
    expect(card.exceptions.byType).toEqual(countBy(opened, (c) => c.type));
    const resolved = cases.filter((c) => c.status === "resolved" && inside(c.resolvedAt));
    expect(card.exceptions.resolved).toBe(resolved.length);
    // hours to resolve: nearest rank of the raw hours, to the precision the hours are kept at there
    const median = nearestRank(resolved.map((c) => (Number(c.resolvedAt) - Number(c.openedAt)) / 3_600_000), 0.5);
    expect(Math.abs(card.exceptions.medianHoursToResolve - median)).toBeLessThanOrEqual(median < 10 ? 0.05 + 1e-9 : median < 240 ? 0.5 : 12);
  });

  it("messages: sent and by moment as the outbox rows have them", async () => {
    const sent = await rig.app.db.selectFrom("Notification").select(["moment", "sentAt"]).where("shop", "=", SHOP_A).where("status", "=", "sent").execute();
    const inside = sent.filter((n) => n.sentAt !== null && localDay(Number(n.sentAt)) >= range.from && localDay(Number(n.sentAt)) <= range.to);
    expect(inside.length).toBeGreaterThan(0);
    expect(card.messages).toEqual({ sent: inside.length, byMoment: countBy(inside, (n) => n.moment) });
  });

  it("the Home page's figures are the API's, and its by-day states hold each shipment once, in the store's intended state", async () => {
    const dash = await rig.app.container.services.scorecard.dashboard(SHOP_A, range);
    expect(dash.scorecard).toEqual(card);
    const byStatus: Record<string, number> = {};
    for (const d of dash.days) for (const [status, n] of Object.entries(d.byStatus)) byStatus[status] = (byStatus[status] ?? 0) + n;
    expect(byStatus).toEqual(countBy(store.intended, (s) => s.status));
  });

  it("asks: the lookups made and the shipments they were about", () => {
    expect(card.asks.lookups).toBe(looked.length);
    expect(card.asks.shipmentsAsked).toBe(new Set(looked).size);
    expect(card.asks.tickets).toBe(0);
  });

  it("asks: case before the ask, from the case rows of the parcels looked up (every lookup came after the replay)", async () => {
    const withCase = await rig.app.db.selectFrom("ExceptionCase").select("trackingNumber").distinct().where("shop", "=", SHOP_A).where("trackingNumber", "in", [...new Set(looked)]).execute();
    expect(card.asks.caseBeforeAskRate).toBe(withCase.length > 0 ? 1 : 0);
  });

  it("another shop's key sees none of the month", async () => {
    const key = (await rig.app.container.services.supportApi.createKey(SHOP_B, "BI")).key;
    const res = await fetch(`${rig.app.url}/api/v1/scorecard?from=${range.from}&to=${range.to}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const other = (await res.json()) as Scorecard;
    expect(other.shipments).toEqual({ total: 0, delivered: 0, inFlight: 0 });
    expect(other.carriers).toEqual([]);
    expect(other.exceptions.opened).toBe(0);
    expect(other.messages.sent).toBe(0);
    expect(other.asks.lookups).toBe(0);
  });
});
