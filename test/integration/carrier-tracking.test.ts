import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { createCarrierPollRepository } from "~/.server/adapters/carrier-accounts";
import { startFakeCarrierApis, type FakeCarrier, type FakeCarrierApis, type FakeScan } from "../../scripts/local-services/fake-carrier-apis";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

const H = 3_600_000;
const D = 24 * H;

/**
 * Direct carrier tracking, end to end: a real server over a real SQLite file, the carriers' stand-in on its own port
 * (UPS_API_BASE, USPS_API_BASE, FEDEX_API_BASE, DHL_API_BASE), fulfillments arriving as signed webhooks, and the
 * poll job's work (pollDue) run on a held clock so the cadence can be read to the minute.
 */
describe("Direct carrier tracking (UPS, USPS, FedEx, DHL)", () => {
  let app: TestApp;
  let fake: FakeCarrierApis;
  const clock = fixedClock("2026-11-03T12:00:00Z");

  const carriers = () => app.container.services.carriers;
  const shipment = (shop: string, tracking: string) =>
    app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
  const schedule = (shop: string, tracking: string) => app.db.selectFrom("CarrierPoll").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirst();
  const account = (shop: string, carrier: string) => app.db.selectFrom("CarrierAccount").selectAll().where("shop", "=", shop).where("carrier", "=", carrier).executeTakeFirst();
  const trackCalls = (carrier: FakeCarrier, tracking?: string) => fake.calls.filter((c) => c.carrier === carrier && c.kind === "track" && (!tracking || c.trackingNumber === tracking));
  const tokenCalls = (carrier: FakeCarrier) => fake.calls.filter((c) => c.carrier === carrier && c.kind === "token");
  const events = (shop: string, fulfillmentId: string) => app.db.selectFrom("ShipmentEvent").selectAll().where("shop", "=", shop).where("fulfillmentId", "=", fulfillmentId).execute();
  const poll = async () => {
    const result = await carriers().pollDue(50);
    await app.settle();
    return result;
  };

  async function ship(shop: string, tracking: string, company: string) {
    const name = `#${newId() % 100_000}`;
    const order = orderPayload({ id: newId(), name });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: company, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: null, tracking_urls: [] });
    await app.sendWebhook("orders/create", order, { shop });
    await app.sendWebhook("fulfillments/create", f, { shop });
    await app.settle();
    return { order, f, fulfillmentId: String(f.id) };
  }
  const scan = (code: string, message: string, at: string, city = "Louisville", state = "KY", country = "US"): FakeScan => ({ code, message, at, city, state, country });

  beforeAll(async () => {
    fake = await startFakeCarrierApis();
    fake.accounts.ups.set("ups-alpha", "ups-secret");
    fake.accounts.usps.set("usps-alpha", "usps-secret");
    fake.accounts.fedex.set("fedex-alpha", "fedex-secret");
    fake.accounts.dhl.set("dhl-alpha", "");
    app = await startTestApp({ clock, worker: false, env: { UPS_API_BASE: fake.url, USPS_API_BASE: fake.url, FEDEX_API_BASE: fake.url, DHL_API_BASE: fake.url } });
    // the queue works webhooks and sweeps, but the recurring poll job is left out: the tests run its work on the held clock
    app.container.queue.start(app.container.jobs);
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });
  beforeEach(() => {
    fake.rateLimit("ups", null);
  });

  describe("connecting an account", () => {
    it("refuses credentials the carrier refuses, in the carrier's words, and stores nothing", async () => {
      const outcome = await carriers().connect(SHOP_A, "ups", { clientId: "ups-alpha", clientSecret: "wrong", polling: true });
      expect(outcome).toEqual({ ok: false, fieldErrors: { form: "UPS said (401 10401): ClientId is Invalid" } });
      expect(await account(SHOP_A, "ups")).toBeUndefined();
      expect(await carriers().connect(SHOP_A, "ups", { clientId: "", clientSecret: "", polling: true })).toEqual({
        ok: false,
        fieldErrors: { clientId: "Enter your UPS client ID", clientSecret: "Enter your UPS client secret" },
      });
      const dhl = await carriers().connect(SHOP_A, "dhl", { clientId: "not-a-key", clientSecret: "", polling: true });
      expect(dhl).toEqual({ ok: false, fieldErrors: { form: "DHL said (401 Unauthorized): Unauthorized for given resource." } });
    });

    it("stores accepted credentials sealed, never in clear", async () => {
      expect(await carriers().connect(SHOP_A, "ups", { clientId: "ups-alpha", clientSecret: "ups-secret", polling: true })).toEqual({ ok: true });
      const row = await account(SHOP_A, "ups");
      expect(row).toMatchObject({ status: "connected", polling: 1 });
      expect(row!.credentials).toMatch(/^v1:/);
      expect(row!.credentials).not.toContain("ups-secret");
      expect(row!.credentials).not.toContain("ups-alpha");
      const overview = await carriers().overview(SHOP_A);
      expect(overview.find((c) => c.carrier === "ups")!.account).toMatchObject({ status: "connected", clientIdEnding: "lpha" });
      expect(JSON.stringify(overview)).not.toContain("ups-secret");
      // the admin never loads the credentials back: blank fields keep them, and polling alone is saved without asking UPS
      const tokens = tokenCalls("ups").length;
      expect(await carriers().connect(SHOP_A, "ups", { clientId: "", clientSecret: "", polling: false })).toEqual({ ok: true });
      expect(await account(SHOP_A, "ups")).toMatchObject({ polling: 0, credentials: row!.credentials });
      expect(tokenCalls("ups").length).toBe(tokens);
      expect(await carriers().connect(SHOP_A, "ups", { clientId: "", clientSecret: "", polling: true })).toEqual({ ok: true });
      expect(await account(SHOP_A, "ups")).toMatchObject({ polling: 1 });
    });
  });

  describe("polling", () => {
    const UPS = "1Z999AA10123450001";
    let fulfillmentId: string;

    it("schedules a parcel when its fulfillment arrives on a connected carrier, polls it, and merges its scans", async () => {
      fake.parcel("ups", UPS, [
        scan("M/MP", "Shipper created a label, UPS has not received the package yet.", "2026-11-02T14:05:00-05:00", "Mississauga", "ON", "CA"),
        scan("I/OR", "Origin Scan", "2026-11-02T18:30:00-05:00", "Mississauga", "ON", "CA"),
        scan("I/AR", "Arrived at Facility", "2026-11-03T04:40:00-05:00", "Ottawa", "ON", "CA"),
      ], "2026-11-05");
      ({ fulfillmentId } = await ship(SHOP_A, UPS, "UPS"));
      // Shopify relays the arrival scan too: the same scan from two sources counts once
      const f = await shipment(SHOP_A, UPS);
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(Number(fulfillmentId), Number(f.orderId), { status: "in_transit", message: "Arrived at Facility", happened_at: "2026-11-03T04:41:00-05:00", city: "Ottawa", province: "Ontario", country: "Canada" }), { shop: SHOP_A });
      await app.settle();
      expect(await schedule(SHOP_A, UPS)).toMatchObject({ state: "active", nextPollAt: clock.now() });

      const result = await poll();
      expect(result.outcomes.polled).toBe(1);
      const s = await shipment(SHOP_A, UPS);
      expect(s.status).toBe("in_transit");
      expect(s.eventCount).toBe(3);
      const live = (await events(SHOP_A, fulfillmentId)).filter((e) => e.deletedAt === null);
      expect(live.map((e) => e.source).sort()).toEqual(["shopify_fulfillment_event", "ups_api", "ups_api"]);
      expect(live.find((e) => e.rawStatus === "i/or")).toMatchObject({ status: "picked_up", location: "Mississauga, ON, CA" });
      expect(await account(SHOP_A, "ups")).toMatchObject({ pollCount: 1, eventCount: 2, lastPollAt: clock.now() });
    });

    it("asks again every 6 h in transit, hourly once out for delivery, and lets go two days after delivery", async () => {
      expect((await schedule(SHOP_A, UPS))!.nextPollAt).toBe(clock.now() + 6 * H);
      clock.advance(5 * H);
      expect((await poll()).claimed).toBe(0);
      clock.advance(H);
      fake.parcel("ups", UPS, [scan("I/AR", "Arrived at Facility", "2026-11-03T04:40:00-05:00", "Ottawa", "ON", "CA"), scan("I/OT", "Out For Delivery Today", "2026-11-03T17:30:00Z", "Ottawa", "ON", "CA")]);
      expect((await poll()).outcomes.polled).toBe(1);
      expect((await shipment(SHOP_A, UPS)).status).toBe("out_for_delivery");
      expect((await schedule(SHOP_A, UPS))!.nextPollAt).toBe(clock.now() + H);

      clock.advance(H);
      const deliveredAt = Date.parse("2026-11-03T18:45:00Z");
      fake.parcel("ups", UPS, [scan("I/OT", "Out For Delivery Today", "2026-11-03T17:30:00Z", "Ottawa", "ON", "CA"), scan("D/KB", "Delivered", "2026-11-03T18:45:00Z", "Ottawa", "ON", "CA")]);
      await poll();
      expect((await shipment(SHOP_A, UPS)).status).toBe("delivered");
      expect((await schedule(SHOP_A, UPS))!.nextPollAt).toBe(clock.now() + 6 * H);
      // polled on until two days after the delivery scan, then never again
      for (let i = 0; i < 12 && (await schedule(SHOP_A, UPS))!.state === "active"; i++) {
        clock.set((await schedule(SHOP_A, UPS))!.nextPollAt!);
        await poll();
      }
      expect(await schedule(SHOP_A, UPS)).toMatchObject({ state: "done", nextPollAt: null, stopReason: "delivered two days ago" });
      expect(clock.now()).toBe(deliveredAt + 2 * D);
      const calls = trackCalls("ups", UPS).length;
      clock.advance(10 * D);
      await poll();
      expect(trackCalls("ups", UPS).length).toBe(calls);
    });

    it("lets go without a call of a parcel already delivered more than two days ago (as a history import brings them)", async () => {
      const n = "1Z999AA10123450009";
      fake.parcel("ups", n, [scan("D/KB", "Delivered", new Date(clock.now() - 5 * D).toISOString())]);
      const { order, fulfillmentId: fid } = await ship(SHOP_A, n, "UPS");
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(Number(fid), Number(order.id), { status: "delivered", message: "Delivered", happened_at: new Date(clock.now() - 5 * D).toISOString() }), { shop: SHOP_A });
      await app.settle();
      expect((await shipment(SHOP_A, n)).status).toBe("delivered");
      const budget = (await account(SHOP_A, "ups"))!.callBudget;
      const result = await poll();
      expect(result.outcomes.stopped).toBe(1);
      expect(trackCalls("ups", n)).toHaveLength(0);
      expect(await schedule(SHOP_A, n)).toMatchObject({ state: "done", nextPollAt: null, stopReason: "delivered two days ago" });
      // nothing spent from the account's shared budget either
      expect((await account(SHOP_A, "ups"))!.callBudget).toBe(budget);
    });

    it("stops a parcel that is still moving after 60 days", async () => {
      const n = "1Z999AA10123450002";
      fake.parcel("ups", n, [scan("I/AR", "Arrived at Facility", new Date(clock.now() - H).toISOString())]);
      await ship(SHOP_A, n, "UPS");
      const started = Number((await schedule(SHOP_A, n))!.startedAt);
      await poll();
      // weeks later, still in transit: the last poll is set for the 60th day, not past it
      clock.set(started + 60 * D - 2 * H);
      await poll();
      expect(await schedule(SHOP_A, n)).toMatchObject({ state: "active", nextPollAt: started + 60 * D });
      clock.set(started + 60 * D);
      await poll();
      expect(await schedule(SHOP_A, n)).toMatchObject({ state: "done", nextPollAt: null, stopReason: "tracked for 60 days" });
    });
  });

  describe("carrier trouble", () => {
    it("backs off on 429 as long as Retry-After asks, for the whole account", async () => {
      await carriers().connect(SHOP_A, "fedex", { clientId: "fedex-alpha", clientSecret: "fedex-secret", polling: true });
      const [one, two] = ["794600000001", "794600000002"];
      fake.parcel("fedex", one, [scan("PU", "Picked up", new Date(clock.now() - 2 * H).toISOString(), "Memphis", "TN", "US")]);
      fake.parcel("fedex", two, [scan("PU", "Picked up", new Date(clock.now() - 2 * H).toISOString(), "Memphis", "TN", "US")]);
      await ship(SHOP_A, one, "FedEx");
      await ship(SHOP_A, two, "FedEx");
      fake.failNext("fedex", { status: 429, retryAfter: 7200 });
      const before = trackCalls("fedex").length;
      const result = await carriers().pollDue(50);
      expect(result.outcomes.backoff).toBe(1);
      // the other parcel was not asked for either: the account waits as the carrier said
      expect(trackCalls("fedex").length - before).toBe(1);
      const now = clock.now();
      expect(Number((await account(SHOP_A, "fedex"))!.pausedUntil)).toBe(now + 2 * H);
      for (const n of [one, two]) expect(Number((await schedule(SHOP_A, n))!.nextPollAt)).toBeGreaterThanOrEqual(now + 2 * H);
      expect((await schedule(SHOP_A, one))!.lastError ?? (await schedule(SHOP_A, two))!.lastError).toMatch(/^FedEx said \(429 TOO\.MANY\.REQUESTS\.ERROR\)/);
      clock.advance(H);
      expect((await poll()).claimed).toBe(0);
      clock.advance(H);
      expect((await poll()).outcomes.polled).toBe(2);
      expect((await shipment(SHOP_A, one)).status).toBe("picked_up");
    });

    it("retries a 5xx after a short backoff, and the poll then goes through", async () => {
      await carriers().connect(SHOP_A, "usps", { clientId: "usps-alpha", clientSecret: "usps-secret", polling: true });
      const n = "9400111899223197428490";
      fake.parcel("usps", n, [scan("OA", "USPS in possession of item", new Date(clock.now() - 3 * H).toISOString(), "Brooklyn", "NY"), scan("10", "Arrived at USPS Regional Origin Facility", new Date(clock.now() - H).toISOString(), "Kearny", "NJ")]);
      await ship(SHOP_A, n, "USPS");
      fake.failNext("usps", { status: 503 });
      expect((await poll()).outcomes.backoff).toBe(1);
      expect(await schedule(SHOP_A, n)).toMatchObject({ attempts: 1, nextPollAt: clock.now() + 5 * 60_000 });
      expect((await schedule(SHOP_A, n))!.lastError).toMatch(/^USPS said \(503/);
      expect((await shipment(SHOP_A, n)).status).toBe("label_created");
      clock.advance(5 * 60_000);
      expect((await poll()).outcomes.polled).toBe(1);
      expect(await schedule(SHOP_A, n)).toMatchObject({ attempts: 0, lastError: null });
      expect((await shipment(SHOP_A, n)).status).toBe("in_transit");
    });

    it("asks for a new token once the old one expires, and once more when the carrier revoked it early", async () => {
      const n = "9400111899223197428491";
      fake.parcel("usps", n, [scan("OA", "USPS in possession of item", new Date(clock.now() - H).toISOString(), "Brooklyn", "NY")]);
      await ship(SHOP_A, n, "USPS");
      const tokens = tokenCalls("usps").length;
      await poll();
      // the token from the earlier polls is still good (8 h)
      expect(tokenCalls("usps").length).toBe(tokens);
      clock.advance(9 * H);
      await poll();
      expect(tokenCalls("usps").length).toBe(tokens + 1);
      fake.revokeTokens();
      clock.advance(6 * H);
      const outcome = await poll();
      expect(outcome.outcomes.refused).toBe(0);
      expect(tokenCalls("usps").length).toBe(tokens + 2);
      expect((await account(SHOP_A, "usps"))!.status).toBe("connected");
    });

    it("marks the account failing in the carrier's words and stops polling it until it is mended", async () => {
      const n = "1Z999AA10123450003";
      fake.parcel("ups", n, [scan("I/AR", "Arrived at Facility", new Date(clock.now() - H).toISOString())]);
      await ship(SHOP_A, n, "UPS");
      // the merchant's UPS app was deleted: its tokens stop working and no new one is given
      fake.accounts.ups.delete("ups-alpha");
      fake.revokeTokens();
      expect((await poll()).outcomes.refused).toBe(1);
      expect(await account(SHOP_A, "ups")).toMatchObject({ status: "failing", lastError: "UPS said (401 10401): ClientId is Invalid" });
      expect(await schedule(SHOP_A, n)).toMatchObject({ state: "held", nextPollAt: null });
      const calls = fake.calls.filter((c) => c.carrier === "ups").length;
      clock.advance(D);
      await poll();
      expect(fake.calls.filter((c) => c.carrier === "ups").length).toBe(calls);
      expect(await schedule(SHOP_A, n)).toMatchObject({ state: "held", nextPollAt: null });
      // mended: connected again, the held parcel is due at once
      fake.accounts.ups.set("ups-alpha", "ups-secret-2");
      expect(await carriers().connect(SHOP_A, "ups", { clientId: "ups-alpha", clientSecret: "ups-secret-2", polling: true })).toEqual({ ok: true });
      expect(await schedule(SHOP_A, n)).toMatchObject({ state: "active", nextPollAt: clock.now() });
      expect((await poll()).outcomes.polled).toBe(1);
      expect((await shipment(SHOP_A, n)).status).toBe("in_transit");
    });

    it("puts a code its table does not know in that source's unmapped-codes inbox, as unknown", async () => {
      await carriers().connect(SHOP_A, "dhl", { clientId: "dhl-alpha", clientSecret: "", polling: true });
      const n = "JD014600003828374651";
      fake.parcel("dhl", n, [scan("transit", "Arrived at DHL Sort Facility", new Date(clock.now() - 2 * H).toISOString(), "Leipzig", "", "DE"), scan("in-orbit", "Shipment left the planet", new Date(clock.now() - H).toISOString(), "Leipzig", "", "DE")]);
      await ship(SHOP_A, n, "DHL Express");
      await poll();
      const inbox = await app.db.selectFrom("UnmappedStatusCode").selectAll().where("shop", "=", SHOP_A).where("source", "=", "dhl_api").execute();
      expect(inbox.map((r) => [r.code, r.count, r.exampleMessage])).toEqual([["in-orbit", 1, "Shipment left the planet"]]);
      expect((await shipment(SHOP_A, n)).status).toBe("unknown");
      // a second poll resends the whole history: the scan is kept once and counted once
      clock.advance(6 * H);
      await poll();
      expect((await app.db.selectFrom("UnmappedStatusCode").select("count").where("shop", "=", SHOP_A).where("source", "=", "dhl_api").executeTakeFirstOrThrow()).count).toBe(1);
    });
  });

  describe("shops and workers", () => {
    it("never polls or touches another shop's parcels", async () => {
      const same = "1Z999AA10123450004";
      fake.parcel("ups", same, [scan("I/AR", "Arrived at Facility", new Date(clock.now() - H).toISOString())]);
      // shop B ships on UPS too (one parcel with the same number as shop A's) but has no UPS account
      await ship(SHOP_B, same, "UPS");
      await ship(SHOP_B, "1Z999AA10123450005", "UPS");
      expect(await app.db.selectFrom("CarrierPoll").selectAll().where("shop", "=", SHOP_B).execute()).toEqual([]);
      await ship(SHOP_A, same, "UPS");
      const calls = trackCalls("ups").length;
      await poll();
      expect(trackCalls("ups").length).toBe(calls + 1);
      expect((await shipment(SHOP_A, same)).status).toBe("in_transit");
      const b = await shipment(SHOP_B, same);
      expect(b).toMatchObject({ status: "label_created", eventCount: 0 });
      // shop B's disconnecting (it has nothing) or shop A's changes nothing of the other's
      await carriers().disconnect(SHOP_B, "ups");
      expect(await account(SHOP_A, "ups")).toMatchObject({ status: "connected" });
    });

    it("never polls a parcel twice when two workers claim at once", async () => {
      const numbers = Array.from({ length: 20 }, (_, i) => `7946000100${String(i).padStart(2, "0")}`);
      for (const n of numbers) fake.parcel("fedex", n, [scan("PU", "Picked up", new Date(clock.now() - H).toISOString(), "Memphis", "TN", "US")]);
      clock.advance(7 * D);
      const other = createCarrierPollRepository(app.container.database);
      await other.schedule(SHOP_A, "fedex", numbers, clock.now());
      // a second worker's claim, racing the first: the compare-and-set lets each parcel go to one of them
      const [mine, theirs] = await Promise.all([other.claimDue(clock.now(), 50, 60_000), createCarrierPollRepository(app.container.database).claimDue(clock.now(), 50, 60_000)]);
      const claimed = [...mine, ...theirs].map((r) => r.trackingNumber).filter((n) => numbers.includes(n));
      expect(claimed.sort()).toEqual([...numbers].sort());
      // and two whole poll runs at once ask the carrier once per parcel
      clock.advance(2 * 60_000);
      const before = trackCalls("fedex").length;
      await Promise.all([carriers().pollDue(50), carriers().pollDue(50)]);
      const asked = trackCalls("fedex").slice(before).map((c) => c.trackingNumber);
      expect(new Set(asked).size).toBe(asked.length);
      for (const n of numbers) expect(asked.filter((a) => a === n).length).toBeLessThanOrEqual(1);
    });
  });
});
