import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import type { Scorecard } from "~/domain/scorecard";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { freshPostgresDatabase } from "../support/postgres";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";
import { startMessageRig, type MessageRig } from "./message-support";

/**
 * The scorecard's roll-ups through the real app: signed webhooks in, the desk evaluating, cases, messages and
 * lookups; the figures read from ScorecardDay only, and checked against the raw tables.
 */
const ZONE = "America/New_York"; // the shops' zone (default settings)
const HOUR = 3_600_000;
const localDay = (ms: number, zone = ZONE) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(ms));

let rig: MessageRig;
const app = () => rig.app;
const card = (shop: string, from: string, to: string) => app().container.services.scorecard.scorecard(shop, { from, to });
const settle = async () => {
  app().container.queue.wake?.();
  await app().settle();
  await app().container.services.lookup.flushLookupCounts();
};
const setClock = async (iso: string | number) => {
  app().clock.set(iso);
  for (let i = 0; i < 2; i++) await settle();
};

async function ship(opts: { shop?: string; tracking: string; fulfilledAt: string; company?: string }) {
  const shop = opts.shop ?? SHOP_A;
  const order = orderPayload({ id: newId(), name: `#${newId() % 100000}`, created_at: opts.fulfilledAt, updated_at: opts.fulfilledAt });
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, tracking_company: opts.company ?? "UPS", tracking_number: opts.tracking, tracking_numbers: [opts.tracking], tracking_urls: [], tracking_url: null, created_at: opts.fulfilledAt, updated_at: opts.fulfilledAt });
  expect((await app().sendWebhook("orders/create", order, { shop })).status).toBe(200);
  expect((await app().sendWebhook("fulfillments/create", f, { shop })).status).toBe(200);
  await settle();
  const event = async (status: string, happenedAt: string, extra: { webhookId?: string; id?: number; message?: string } = {}) => {
    const payload = fulfillmentEventPayload(f.id, order.id, { status, message: extra.message ?? status, happened_at: happenedAt, ...(extra.id ? { id: extra.id } : {}) });
    expect((await app().sendWebhook("fulfillment_events/create", payload, { shop, ...(extra.webhookId ? { webhookId: extra.webhookId } : {}) })).status).toBe(200);
    await settle();
    return payload;
  };
  const row = () => app().db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", opts.tracking).executeTakeFirstOrThrow();
  return { order, fulfillment: f, event, row };
}

const lookUp = async (tracking: string, shop = SHOP_A) => {
  const res = await fetch(app().proxyUrl({ tracking }, { shop }));
  expect(res.status).toBe(200);
  await app().container.services.lookup.flushLookupCounts();
};

describe("scorecard roll-ups (integration, real SQLite)", () => {
  beforeAll(async () => {
    rig = await startMessageRig({ clock: "2026-11-18T15:00:00Z", channels: ["email"] });
  });
  afterAll(async () => rig?.close());

  it("a delivery moves the figures; the same webhook twice and evaluating again count once", async () => {
    const p = await ship({ tracking: "1Z999AA10000000018", fulfilledAt: "2026-11-18T09:00:00-05:00" });
    await p.event("in_transit", "2026-11-18T14:30:00Z");
    let c = await card(SHOP_A, "2026-11-18", "2026-11-18");
    expect(c.shipments).toEqual({ total: 1, delivered: 0, inFlight: 1 });
    await setClock("2026-11-20T15:00:00Z");
    const delivered = await p.event("delivered", "2026-11-20T13:00:00Z", { webhookId: "delivered-once" });
    c = await card(SHOP_A, "2026-11-18", "2026-11-18");
    expect(c.shipments).toEqual({ total: 1, delivered: 1, inFlight: 0 });
    // 18 Nov 14:00Z → 20 Nov 13:00Z: 1.96 days, kept to a tenth
    expect(c.carriers).toEqual([{ carrier: "ups", shipments: 1, delivered: 1, onTimeRate: 1, transitDaysP50: 2, transitDaysP90: 2 }]);
    expect(((await p.row()).rolledUp & 3)).toBe(3);

    // the same delivery again (Shopify's retry, and the same event under another webhook id), then two evaluations
    expect((await app().sendWebhook("fulfillment_events/create", delivered, { webhookId: "delivered-once" })).status).toBe(200);
    expect((await app().sendWebhook("fulfillment_events/create", delivered)).status).toBe(200);
    await settle();
    const id = (await p.row()).id;
    await app().container.services.desk.evaluateShipments(SHOP_A, [id]);
    await app().container.services.desk.evaluateShipment(SHOP_A, id);
    const again = await card(SHOP_A, "2026-11-18", "2026-11-18");
    expect(again.shipments).toEqual(c.shipments);
    expect(again.carriers).toEqual(c.carriers);
    // messages: as the outbox says it sent them (on the day they were sent)
    const sent = await app().db.selectFrom("Notification").select(["moment", "sentAt"]).where("shop", "=", SHOP_A).where("status", "=", "sent").execute();
    expect(sent.length).toBeGreaterThan(0);
    const m = await card(SHOP_A, "2026-11-01", "2026-11-30");
    expect(m.messages.sent).toBe(sent.length);
    expect(Object.values(m.messages.byMoment).reduce((a, b) => a + b, 0)).toBe(sent.length);
  });

  it("cases opened, resolved by a person and reopened; a lookup after the case is 'case before ask'", async () => {
    await setClock("2026-11-21T15:00:00Z");
    const p = await ship({ tracking: "1Z999AA10000000027", fulfilledAt: "2026-11-21T08:00:00-05:00" });
    const before = await card(SHOP_A, "2026-11-21", "2026-11-21");
    await p.event("failure", "2026-11-21T14:00:00Z", { message: "Incorrect address - unable to deliver" });
    const cases = await app().db.selectFrom("ExceptionCase").selectAll().where("shop", "=", SHOP_A).where("shipmentId", "=", (await p.row()).id).where("status", "=", "open").execute();
    expect(cases.length).toBeGreaterThan(0);
    let c = await card(SHOP_A, "2026-11-21", "2026-11-21");
    expect(c.exceptions.opened).toBe(before.exceptions.opened + cases.length);
    for (const x of cases) expect(c.exceptions.byType[x.type]).toBeGreaterThanOrEqual(1);
    // the carrier's failure at 14:00Z, the owned case at 15:00Z: one hour to owner
    const dash = await app().container.services.scorecard.dashboard(SHOP_A, { from: "2026-11-21", to: "2026-11-21" });
    expect(dash.exceptions.medianHoursToOwner).toBe(1);
    expect(Object.values(dash.exceptions.byOwner).reduce((a, b) => a + b, 0)).toBe(c.exceptions.opened);

    // the shopper asks after the case opened
    await lookUp("1Z999AA10000000027");
    c = await card(SHOP_A, "2026-11-21", "2026-11-21");
    expect(c.asks).toMatchObject({ lookups: before.asks.lookups + 1, shipmentsAsked: before.asks.shipmentsAsked + 1, caseBeforeAskRate: 1 });

    // three hours later support resolves one; reopening takes the resolution back
    await setClock(Date.parse("2026-11-21T15:00:00Z") + 3 * HOUR);
    const target = cases[0]!;
    const desk = app().container.services.desk;
    expect(await desk.resolve(SHOP_A, target.id, "contacted_customer", "maya@alpha-goods.test")).toMatchObject({ ok: true });
    c = await card(SHOP_A, "2026-11-21", "2026-11-21");
    expect(c.exceptions.resolved).toBe(before.exceptions.resolved + 1);
    const hours = (app().clock.now() - target.openedAt) / HOUR;
    expect(Math.abs(c.exceptions.medianHoursToResolve - hours)).toBeLessThanOrEqual(0.05);
    // resolving twice (a stale tab) changes nothing
    expect((await desk.resolve(SHOP_A, target.id, "contacted_customer", "maya@alpha-goods.test")).ok).toBe(false);
    expect((await card(SHOP_A, "2026-11-21", "2026-11-21")).exceptions.resolved).toBe(c.exceptions.resolved);
    expect(await desk.reopen(SHOP_A, target.id, "maya@alpha-goods.test")).toMatchObject({ ok: true });
    expect((await card(SHOP_A, "2026-11-21", "2026-11-21")).exceptions.resolved).toBe(before.exceptions.resolved);
  });

  it("three lookups within 24 h make the parcel due now; the last ten lookup times are kept", async () => {
    await setClock("2026-11-22T15:00:00Z");
    const p = await ship({ tracking: "1Z999AA10000000036", fulfilledAt: "2026-11-22T08:00:00-05:00" });
    await p.event("in_transit", "2026-11-22T14:00:00Z");
    await lookUp("1Z999AA10000000036");
    app().clock.advance(HOUR);
    await lookUp("1Z999AA10000000036");
    expect((await p.row()).nextCheckAt).not.toBe(app().clock.now());
    app().clock.advance(HOUR);
    await lookUp("1Z999AA10000000036");
    const row = await p.row();
    expect(row.nextCheckAt).toBe(app().clock.now());
    expect(JSON.parse(row.recentLookups!)).toHaveLength(3);
    expect(row.lookupCount).toBe(3);
    expect(row.firstAskedAt).toBe(app().clock.now() - 2 * HOUR);
    for (let i = 0; i < 9; i++) await lookUp("1Z999AA10000000036");
    expect(JSON.parse((await p.row()).recentLookups!)).toHaveLength(10);
    const c = await card(SHOP_A, "2026-11-22", "2026-11-22");
    expect(c.asks.lookups).toBe(12);
    // asked once, however often
    expect(c.asks.shipmentsAsked).toBe(1);
  });

  it("a helpdesk ticket counts as a ticket, a WISMO one also as an ask about its shipments (ready for the tickets issue)", async () => {
    await setClock("2026-11-22T18:00:00Z");
    const p = await ship({ tracking: "1Z999AA10000000081", fulfilledAt: "2026-11-22T09:00:00-05:00" });
    const before = await card(SHOP_A, "2026-11-22", "2026-11-22");
    const scorecard = app().container.services.scorecard;
    await scorecard.countTicket(SHOP_A, { at: app().clock.now(), wismo: true, shipmentIds: [(await p.row()).id] });
    await scorecard.countTicket(SHOP_A, { at: app().clock.now(), wismo: false, shipmentIds: [] });
    // the same shipment asked about again is still one shipment asked
    await scorecard.countTicket(SHOP_A, { at: app().clock.now(), wismo: true, shipmentIds: [(await p.row()).id] });
    const after = await card(SHOP_A, "2026-11-22", "2026-11-22");
    expect(after.asks).toMatchObject({ tickets: before.asks.tickets + 3, wismoTickets: before.asks.wismoTickets + 2, shipmentsAsked: before.asks.shipmentsAsked + 1, lookups: before.asks.lookups });
    expect((await p.row()).firstAskedAt).toBe(app().clock.now());
  });

  it("shop B's figures are its own: shop A's work leaves them untouched", async () => {
    await setClock("2026-11-23T15:00:00Z");
    const b = await ship({ shop: SHOP_B, tracking: "1Z999AA10000000045", fulfilledAt: "2026-11-23T08:00:00-05:00" });
    await b.event("in_transit", "2026-11-23T14:00:00Z");
    const bBefore = await card(SHOP_B, "2026-11-01", "2026-11-30");
    expect(bBefore.shipments).toEqual({ total: 1, delivered: 0, inFlight: 1 });
    const aBefore = await card(SHOP_A, "2026-11-01", "2026-11-30");
    const a = await ship({ tracking: "1Z999AA10000000054", fulfilledAt: "2026-11-23T09:00:00-05:00" });
    await a.event("failure", "2026-11-23T14:30:00Z", { message: "Damaged" });
    await lookUp("1Z999AA10000000054");
    expect(await card(SHOP_B, "2026-11-01", "2026-11-30")).toEqual(bBefore);
    const aAfter = await card(SHOP_A, "2026-11-01", "2026-11-30");
    expect(aAfter.shipments.total).toBe(aBefore.shipments.total + 1);
    expect(aAfter.asks.lookups).toBe(aBefore.asks.lookups + 1);
  });

  it("on a small generated month, the figures equal numbers computed from the raw tables", async () => {
    // a seeded month of December: fulfilments every day, journeys of 1–6 days, some failures, some shoppers asking
    let seed = 20261201;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    type Action = { at: number; run: () => Promise<unknown> };
    const actions: Action[] = [];
    const parcels: Awaited<ReturnType<typeof ship>>[] = [];
    const base = Date.parse("2026-12-01T14:00:00Z");
    for (let i = 0; i < 24; i++) {
      const fulfilledAt = base + Math.floor(i * 1.1) * 24 * HOUR + Math.floor(rand() * 6) * HOUR;
      const tracking = `1Z999AA1${String(200000 + i).padStart(10, "0")}`;
      const kind = rand();
      const transitHours = 24 + Math.floor(rand() * 120);
      actions.push({
        at: fulfilledAt,
        run: async () => {
          const p = await ship({ tracking, fulfilledAt: new Date(fulfilledAt).toISOString() });
          parcels.push(p);
          actions.push({ at: fulfilledAt + 2 * HOUR, run: () => p.event("in_transit", new Date(fulfilledAt + 2 * HOUR).toISOString()) });
          if (kind < 0.2) actions.push({ at: fulfilledAt + 20 * HOUR, run: () => p.event("failure", new Date(fulfilledAt + 20 * HOUR).toISOString(), { message: "Damaged in transit" }) });
          else if (kind < 0.85) actions.push({ at: fulfilledAt + transitHours * HOUR, run: () => p.event("delivered", new Date(fulfilledAt + transitHours * HOUR).toISOString()) });
          const asks = Math.floor(rand() * 3);
          for (let k = 0; k < asks; k++) actions.push({ at: fulfilledAt + (10 + 15 * k) * HOUR, run: () => lookUp(tracking) });
        },
      });
    }
    while (actions.length) {
      actions.sort((x, y) => x.at - y.at);
      const next = actions.shift()!;
      if (next.at > app().clock.now()) await setClock(next.at + 60_000);
      await next.run();
    }
    await setClock(Date.parse("2027-01-05T15:00:00Z"));
    const from = "2026-12-01";
    const to = "2026-12-31";
    const inRange = (ms: number | null) => ms !== null && localDay(ms) >= from && localDay(ms) <= to;
    const scorecard: Scorecard = await card(SHOP_A, from, to);

    // ---- computed from the raw tables, independently of the roll-ups
    const shipments = (await app().db.selectFrom("Shipment").selectAll().where("shop", "=", SHOP_A).execute()).filter((s) => s.cancelledAt === null && s.supersededAt === null && inRange(s.shippedAt));
    const delivered = shipments.filter((s) => s.status === "delivered" && s.deliveredAt !== null);
    const nearestRank = (values: number[], p: number) => {
      const sorted = [...values].sort((a, b) => a - b);
      return sorted.length ? sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]! : 0;
    };
    const transit = delivered.map((s) => Math.round(((s.deliveredAt! - s.shippedAt) / 86_400_000) * 10) / 10);
    const onTime = delivered.filter((s) => s.promisedBy !== null);
    expect(scorecard.shipments).toEqual({ total: shipments.length, delivered: delivered.length, inFlight: shipments.filter((s) => !["delivered", "returned_to_sender"].includes(s.status)).length });
    expect(scorecard.carriers).toEqual([
      {
        carrier: "ups",
        shipments: shipments.length,
        delivered: delivered.length,
        onTimeRate: onTime.length ? Math.round((onTime.filter((s) => s.deliveredAt! <= s.promisedBy!).length / onTime.length) * 10_000) / 10_000 : 0,
        transitDaysP50: nearestRank(transit, 0.5),
        transitDaysP90: nearestRank(transit, 0.9),
      },
    ]);
    const cases = (await app().db.selectFrom("ExceptionCase").selectAll().where("shop", "=", SHOP_A).execute());
    const opened = cases.filter((x) => inRange(x.openedAt));
    const resolved = cases.filter((x) => x.status === "resolved" && inRange(x.resolvedAt));
    const byType: Record<string, number> = {};
    for (const x of opened) byType[x.type] = (byType[x.type] ?? 0) + 1;
    expect(scorecard.exceptions.opened).toBe(opened.length);
    expect(scorecard.exceptions.byType).toEqual(byType);
    expect(scorecard.exceptions.resolved).toBe(resolved.length);
    const medianHours = nearestRank(resolved.map((x) => (x.resolvedAt! - x.openedAt) / HOUR), 0.5);
    expect(Math.abs(scorecard.exceptions.medianHoursToResolve - medianHours)).toBeLessThanOrEqual(medianHours < 10 ? 0.05 : medianHours < 240 ? 0.5 : 12);
    const sent = (await app().db.selectFrom("Notification").select(["moment", "sentAt"]).where("shop", "=", SHOP_A).where("status", "=", "sent").execute()).filter((n) => inRange(n.sentAt));
    const byMoment: Record<string, number> = {};
    for (const n of sent) byMoment[n.moment] = (byMoment[n.moment] ?? 0) + 1;
    expect(scorecard.messages).toEqual({ sent: sent.length, byMoment });
    const all = await app().db.selectFrom("Shipment").selectAll().where("shop", "=", SHOP_A).execute();
    const asked = all.filter((s) => inRange(s.firstAskedAt));
    const firstCase = new Map<number, number>();
    for (const x of cases) if (x.shipmentId !== null) firstCase.set(x.shipmentId, Math.min(firstCase.get(x.shipmentId) ?? Infinity, x.openedAt));
    const both = all.filter((s) => s.firstAskedAt !== null && firstCase.has(s.id) && inRange(Math.max(s.firstAskedAt, firstCase.get(s.id)!)));
    const caseFirst = both.filter((s) => firstCase.get(s.id)! < s.firstAskedAt!);
    expect(scorecard.asks).toEqual({
      // every lookup of these parcels happened in December
      lookups: all.filter((s) => inRange(s.lastLookedUpAt)).reduce((n, s) => n + s.lookupCount, 0),
      tickets: 0,
      wismoTickets: 0,
      shipmentsAsked: asked.length,
      caseBeforeAskRate: both.length ? Math.round((caseFirst.length / both.length) * 10_000) / 10_000 : 0,
    });
    // the month had something of each
    expect(delivered.length).toBeGreaterThan(5);
    expect(opened.length).toBeGreaterThan(0);
    expect(asked.length).toBeGreaterThan(0);
    expect(sent.length).toBeGreaterThan(0);
    expect(parcels).toHaveLength(24);
    // the dashboard agrees with the API and carries a day per date
    const dash = await app().container.services.scorecard.dashboard(SHOP_A, { from, to });
    expect(dash.scorecard).toEqual(scorecard);
    expect(dash.days).toHaveLength(31);
    expect(dash.days.reduce((n, d) => n + Object.values(d.byStatus).reduce((a, b) => a + b, 0), 0)).toBe(shipments.length);
    expect(dash.days.reduce((n, d) => n + d.casesOpened, 0)).toBe(opened.length);
  }, 120_000);

  it("shop/redact deletes the shop's roll-ups", async () => {
    const rows = () => app().db.selectFrom("ScorecardDay").select("shop").where("shop", "=", SHOP_B).execute();
    expect((await rows()).length).toBeGreaterThan(0);
    // Shopify sends shop/redact after app/uninstalled
    expect((await app().sendWebhook("app/uninstalled", { id: 2, name: "Bravo", domain: SHOP_B }, { shop: SHOP_B })).status).toBe(200);
    await settle();
    expect((await app().sendWebhook("shop/redact", { shop_id: 1, shop_domain: SHOP_B }, { shop: SHOP_B })).status).toBe(200);
    await settle();
    expect(await rows()).toEqual([]);
    expect((await card(SHOP_A, "2026-11-01", "2026-11-30")).shipments.total).toBeGreaterThan(0);
  });
});

describe("scorecard roll-ups on PostgreSQL (127.0.0.1:5432)", () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let pgApp: TestApp;
  let smtp: SmtpCapture;

  beforeAll(async () => {
    database = await freshPostgresDatabase("shipwatch_scorecard");
    smtp = await startSmtpCapture();
    pgApp = await startTestApp({ clock: fixedClock("2026-11-18T15:00:00Z"), env: { DATABASE_URL: database.url, SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>" } });
    const n = pgApp.container.services.notifications;
    expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0 })).ok).toBe(true);
    expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
  });
  afterAll(async () => {
    await pgApp?.close();
    await smtp?.close();
    await database?.drop();
  });

  it("counts deliveries, cases, resolutions, messages and lookups once, as on SQLite", async () => {
    const go = async () => {
      pgApp.container.queue.wake?.();
      await pgApp.settle();
      await pgApp.container.services.lookup.flushLookupCounts();
      // the clock stands still here, so a job waiting for its retry would wait for good: none may, and if one
      // does, its error says why (a message due later waits as it should)
      const retrying = await pgApp.db.selectFrom("Job").select(["name", "status", "attempts", "lastError"]).where("status", "!=", "done").where("lastError", "is not", null).execute();
      expect(retrying).toEqual([]);
    };
    const order = orderPayload({ id: newId(), name: "#7001", created_at: "2026-11-18T08:00:00-05:00" });
    const f = fulfillmentPayload(order.id, { name: "#7001.1", tracking_number: "1Z999AA10000000063", tracking_numbers: ["1Z999AA10000000063"], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });
    const other = fulfillmentPayload(order.id, { name: "#7001.2", tracking_number: "1Z999AA10000000072", tracking_numbers: ["1Z999AA10000000072"], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });
    await pgApp.sendWebhook("orders/create", order);
    await pgApp.sendWebhook("fulfillments/create", f);
    await pgApp.sendWebhook("fulfillments/create", other);
    await pgApp.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", happened_at: "2026-11-18T14:30:00Z" }));
    await pgApp.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(other.id, order.id, { status: "failure", message: "Damaged", happened_at: "2026-11-18T14:40:00Z" }));
    await go();
    expect((await fetch(pgApp.proxyUrl({ tracking: "1Z999AA10000000072" }))).status).toBe(200);
    pgApp.clock.set("2026-11-20T15:00:00Z");
    const delivered = fulfillmentEventPayload(f.id, order.id, { status: "delivered", message: "Delivered", happened_at: "2026-11-20T13:00:00Z" });
    await pgApp.sendWebhook("fulfillment_events/create", delivered, { webhookId: "pg-delivered" });
    await pgApp.sendWebhook("fulfillment_events/create", delivered, { webhookId: "pg-delivered" });
    await go();
    await go();
    const open = await pgApp.db.selectFrom("ExceptionCase").selectAll().where("shop", "=", SHOP_A).where("status", "=", "open").where("trackingNumber", "=", "1Z999AA10000000072").execute();
    expect(open.length).toBeGreaterThan(0);
    expect((await pgApp.container.services.desk.resolve(SHOP_A, open[0]!.id, "contacted_customer", "maya@alpha-goods.test")).ok).toBe(true);

    const c = await pgApp.container.services.scorecard.scorecard(SHOP_A, { from: "2026-11-01", to: "2026-11-30" });
    expect(c.shipments).toEqual({ total: 2, delivered: 1, inFlight: 1 });
    expect(c.carriers).toEqual([{ carrier: "ups", shipments: 2, delivered: 1, onTimeRate: 1, transitDaysP50: 2, transitDaysP90: 2 }]);
    const cases = await pgApp.db.selectFrom("ExceptionCase").selectAll().where("shop", "=", SHOP_A).execute();
    expect(c.exceptions.opened).toBe(cases.length);
    expect(c.exceptions.resolved).toBe(cases.filter((x) => x.status === "resolved").length);
    expect(c.asks).toEqual({ lookups: 1, tickets: 0, wismoTickets: 0, shipmentsAsked: 1, caseBeforeAskRate: 1 });
    const sent = await pgApp.db.selectFrom("Notification").select("id").where("shop", "=", SHOP_A).where("status", "=", "sent").execute();
    expect(sent.length).toBeGreaterThan(0);
    expect(c.messages.sent).toBe(sent.length);
    const dash = await pgApp.container.services.scorecard.dashboard(SHOP_A, { from: "2026-11-18", to: "2026-11-18" });
    expect(dash.days[0]!.byStatus).toEqual({ delivered: 1, exception: 1 });
  }, 60_000);
});
