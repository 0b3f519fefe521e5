import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

/** GET /api/v1/scorecard through the real server: Support API auth, the contract's keys, 400 reasons, one shop per credential. */
describe("GET /api/v1/scorecard (contract)", () => {
  let app: TestApp;
  let keyA: string;
  let keyB: string;
  const get = (path: string, token?: string) => fetch(`${app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const rollUpRows = () => app.db.selectFrom("ScorecardDay").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();

  beforeAll(async () => {
    app = await startTestApp({ clock: fixedClock("2026-11-06T15:00:00Z") });
    // shop A: two UPS parcels fulfilled on 2 November (New York), one delivered; shop B: one parcel, in transit
    const ship = async (shop: string, tracking: string, delivered: boolean) => {
      const order = orderPayload({ id: newId(), name: `#${newId() % 10000}` });
      const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, tracking_number: tracking, tracking_numbers: [tracking] });
      await app.sendWebhook("orders/create", order, { shop });
      await app.sendWebhook("fulfillments/create", f, { shop });
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", happened_at: "2026-11-03T08:00:00-05:00" }), { shop });
      if (delivered) await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "delivered", message: "Delivered", happened_at: "2026-11-04T14:00:00-05:00" }), { shop });
    };
    await ship(SHOP_A, "1Z999AA10123456784", true);
    await ship(SHOP_A, "1Z12345E0205271688", false);
    await ship(SHOP_B, "1ZX4A0W10300022104", false);
    await app.settle();
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Looker")).key;
    keyB = (await app.container.services.supportApi.createKey(SHOP_B, "Metabase")).key;
  });
  afterAll(async () => app?.close());

  it("401 without a token or with a bad one", async () => {
    for (const token of [undefined, "not-a-key", `${keyA}x`]) {
      const res = await get("/api/v1/scorecard?from=2026-11-01&to=2026-11-30", token);
      expect(res.status).toBe(401);
      expect((await res.json()).error).toBe("unauthorized");
    }
  });

  it("400 with the reason for each bad input, and nothing changed", async () => {
    const before = await rollUpRows();
    const cases: [string, string][] = [
      ["", "from is required"],
      ["?from=2026-11-01", "to is required"],
      ["?from=2026-11-31&to=2026-12-01", "from is not a date"],
      ["?from=yesterday&to=2026-12-01", "from is not a date"],
      ["?from=2026-11-01&to=2026-11-01T10:00", "to is not a date"],
      ["?from=2026-12-01&to=2026-11-01", "from is after to"],
      ["?from=2025-10-01&to=2026-11-30", "the range is 426 days; at most 400"],
    ];
    for (const [query, reason] of cases) {
      const res = await get(`/api/v1/scorecard${query}`, keyA);
      expect(res.status, query).toBe(400);
      const body = await res.json();
      expect(body.error).toBe("bad_request");
      expect(body.message, query).toContain(reason);
    }
    expect(await rollUpRows()).toEqual(before);
  });

  it("200 with exactly the contract's keys, from the shop's roll-ups", async () => {
    const res = await get("/api/v1/scorecard?from=2026-11-01&to=2026-11-30", keyA);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(["asks", "carriers", "exceptions", "from", "messages", "shipments", "to"]);
    expect(Object.keys(body.shipments).sort()).toEqual(["delivered", "inFlight", "total"]);
    expect(Object.keys(body.exceptions).sort()).toEqual(["byType", "medianHoursToResolve", "opened", "resolved"]);
    expect(Object.keys(body.messages).sort()).toEqual(["byMoment", "sent"]);
    expect(Object.keys(body.asks).sort()).toEqual(["caseBeforeAskRate", "lookups", "shipmentsAsked", "tickets", "wismoTickets"]);
    expect(body).toMatchObject({ from: "2026-11-01", to: "2026-11-30", shipments: { total: 2, delivered: 1, inFlight: 1 } });
    expect(body.carriers).toHaveLength(1);
    expect(Object.keys(body.carriers[0]).sort()).toEqual(["carrier", "delivered", "onTimeRate", "shipments", "transitDaysP50", "transitDaysP90"]);
    // fulfilled 2 Nov 14:00, delivered 4 Nov 14:00 (New York): two days
    expect(body.carriers[0]).toMatchObject({ carrier: "ups", shipments: 2, delivered: 1, transitDaysP50: 2, transitDaysP90: 2 });
    // a range with nothing in it: zeros and empty lists
    const empty = await (await get("/api/v1/scorecard?from=2026-10-01&to=2026-10-31", keyA)).json();
    expect(empty).toEqual({
      from: "2026-10-01",
      to: "2026-10-31",
      shipments: { total: 0, delivered: 0, inFlight: 0 },
      carriers: [],
      exceptions: { opened: 0, resolved: 0, byType: {}, medianHoursToResolve: 0 },
      messages: { sent: 0, byMoment: {} },
      asks: { lookups: 0, tickets: 0, wismoTickets: 0, shipmentsAsked: 0, caseBeforeAskRate: 0 },
    });
  });

  it("another shop's key (or session token) sees only its own shop", async () => {
    const b = await (await get("/api/v1/scorecard?from=2026-11-01&to=2026-11-30", keyB)).json();
    expect(b.shipments).toEqual({ total: 1, delivered: 0, inFlight: 1 });
    expect(b.carriers.map((c: { shipments: number }) => c.shipments)).toEqual([1]);
    const { token } = mintSessionToken({ shop: SHOP_B, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: app.clock.now() });
    expect(await (await get("/api/v1/scorecard?from=2026-11-01&to=2026-11-30", token)).json()).toEqual(b);
  });
});
