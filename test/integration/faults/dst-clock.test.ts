import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { DEFAULT_SETTINGS } from "~/.server/services/shop-profile";
import { startSmtpCapture, type SmtpCapture } from "../../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../../support/test-app";

/**
 * Fault: the clock crosses a daylight-saving change in the shop's zone (America/New_York; the customers are in
 * Ottawa, on Toronto time, which changes at the same instants). What is zone-sensitive: quiet hours (a local end
 * time, here one that falls in the skipped or the repeated hour), silence (business hours counted on local
 * days, 23 or 25 hours long on the change), an order's handling time (ship by the end of a local business day),
 * SLA due dates, and the daily roll-ups (local days). The clock is
 * walked across the change in small steps, with the recurring sweep running at each, and on the fall-back night
 * it is also stepped back an hour (a host clock corrected backwards) and walked forward again. Asserted from the
 * database: no case opened twice, no message sent twice, none skipped, due dates as configured.
 */
const ZONE = "America/New_York";
const HOUR = 3_600_000;
const MINUTE = 60_000;

let smtp: SmtpCapture;
let app: TestApp | null = null;

beforeAll(async () => {
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp.close();
});
afterEach(async () => {
  await app?.close();
  app = null;
});

async function start(at: string, quietEnd: string) {
  smtp.reset();
  app = await startTestApp({
    clock: fixedClock(at),
    shops: [SHOP_A],
    env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>", NOTIFY_TIMEOUT_MS: "3000" },
    notifications: { retryBaseMs: 1_000, leaseMs: 60_000 },
  });
  // the shop's zone, set as the Settings page does; UPS scanning every day, so the 23- and 25-hour Sundays count
  await app.container.services.profile.saveSettings(SHOP_A, { ...DEFAULT_SETTINGS, timezone: ZONE, carrierWorkdays: { ups: [0, 1, 2, 3, 4, 5, 6] } });
  const n = app.container.services.notifications;
  expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: true, start: "22:00", end: quietEnd }, combineWindowMinutes: 0 })).ok).toBe(true);
  expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
  return app;
}

/** moves the clock to `to` in steps of `stepMs`, letting the worker (and the recurring sweep) run at each */
async function walk(to: string, stepMs: number) {
  const target = Date.parse(to);
  while (app!.clock.now() < target) {
    app!.clock.set(Math.min(target, app!.clock.now() + stepMs));
    app!.container.queue.wake?.();
    await app!.settle();
    app!.container.queue.wake?.();
    await app!.settle();
  }
}

async function ship(i: number, at: string, opts: { scanAt?: string } = {}) {
  const email = `dst-${i}@example.com`;
  const order = orderPayload({ id: newId(), name: `#60${i}`, email, customer: { id: 7_100_000_600 + i, email, first_name: "Ana", last_name: `Lee${i}`, phone: null, tags: "" }, created_at: at, updated_at: at });
  const tracking = `1Z999AA1${String(600_000 + i).padStart(10, "0")}`;
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, email, tracking_number: tracking, tracking_numbers: [tracking], created_at: at, updated_at: at });
  expect((await app!.sendWebhook("orders/create", order)).status).toBe(200);
  expect((await app!.sendWebhook("fulfillments/create", f)).status).toBe(200);
  await app!.settle();
  if (opts.scanAt) {
    const scan = fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed from facility", happened_at: opts.scanAt, created_at: opts.scanAt, updated_at: opts.scanAt });
    expect((await app!.sendWebhook("fulfillment_events/create", scan)).status).toBe(200);
  }
  await app!.settle();
  const shipment = await app!.db.selectFrom("Shipment").select(["id", "status"]).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
  return { email, tracking, shipmentId: shipment.id, status: shipment.status };
}

/** an order placed at `at` and never fulfilled: its handling time (two business days, Mon–Fri, in the shop's zone) runs out */
async function orderWaiting(i: number, at: string) {
  const line = { id: newId(), title: "Trail Runner 2", name: "Trail Runner 2 - 42", quantity: 1, fulfillable_quantity: 1, fulfillment_status: null, requires_shipping: true, gift_card: false };
  const order = orderPayload({ id: newId(), name: `#61${i}`, email: `dst-wait-${i}@example.com`, created_at: at, updated_at: at, fulfillment_status: null, closed_at: null, line_items: [line] });
  expect((await app!.sendWebhook("orders/create", order)).status).toBe(200);
  await app!.settle();
  return { orderId: String(order.id) };
}

/** the local date of an instant in the shop's zone, by the platform's own zone rules */
const localDay = (ms: number) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(ms);

/** the invariants, from the database and the relay: each message once, each case once, due dates as configured, roll-ups once */
async function checkOnceEach() {
  const db = app!.db;
  const rows = await db.selectFrom("Notification").selectAll().where("shop", "=", SHOP_A).execute();
  expect(new Set(rows.map((r) => r.sendKey)).size).toBe(rows.length);
  const sent = rows.filter((r) => r.status === "sent");
  const bare = (id: string | null) => (id ?? "").replace(/^<|>$/g, "");
  // every email the relay got is one sent outbox row, and the other way round
  expect(smtp.messages.map((m) => bare(m.messageId)).sort()).toEqual(sent.map((r) => bare(r.providerId)).sort());
  const cases = await db.selectFrom("ExceptionCase").selectAll().where("shop", "=", SHOP_A).execute();
  const caseKeys = cases.map((c) => `${c.shipmentKey}|${c.type}`);
  expect(new Set(caseKeys).size, caseKeys.join(", ")).toBe(cases.length);
  for (const c of cases) {
    // SLA due dates: exactly the rule's hours after opening, in elapsed time (24 h for these built-in rules), whatever the wall clock did
    expect(c.dueAt! - c.openedAt, `${c.type} due`).toBe(24 * HOUR);
  }
  // SLA alerts: at most one per case and step
  const alerts = await db.selectFrom("SlaAlert").select(["caseId", "seq"]).where("shop", "=", SHOP_A).execute();
  expect(new Set(alerts.map((a) => `${a.caseId}|${a.seq}`)).size).toBe(alerts.length);
  // the daily roll-ups count each sent message, each opened case and each shipment once, on its local day in the shop's zone
  const shipments = await db.selectFrom("Shipment").select(["shippedAt"]).where("shop", "=", SHOP_A).execute();
  const rollUps = await db.selectFrom("ScorecardDay").select(["day", "metric", "count"]).where("shop", "=", SHOP_A).execute();
  const counted = (metric: string) => {
    const perDay: Record<string, number> = {};
    for (const r of rollUps.filter((u) => u.metric === metric)) perDay[r.day] = (perDay[r.day] ?? 0) + Number(r.count);
    return perDay;
  };
  const byLocalDay = (instants: number[]) => {
    const perDay: Record<string, number> = {};
    for (const at of instants) perDay[localDay(at)] = (perDay[localDay(at)] ?? 0) + 1;
    return perDay;
  };
  expect(counted("message_sent")).toEqual(byLocalDay(sent.map((r) => r.sentAt!)));
  expect(counted("case_opened")).toEqual(byLocalDay(cases.map((c) => c.openedAt)));
  expect(counted("shipped")).toEqual(byLocalDay(shipments.map((s) => s.shippedAt)));
  return { rows, sent, cases };
}

/** one fulfillment_delayed case for the order, opened on the first look after its ship-by time, not an hour off */
async function expectDelayedOnce(cases: { orderId: string; type: string; openedAt: number }[], orderId: string, shipBy: number) {
  const opened = cases.filter((c) => c.orderId === orderId && c.type === "fulfillment_delayed");
  expect(opened).toHaveLength(1);
  expect(opened[0]!.openedAt).toBeGreaterThan(shipBy);
  expect(opened[0]!.openedAt).toBeLessThanOrEqual(shipBy + 1 + 10 * MINUTE);
  // and no other case of any type for the order
  expect(await app!.db.selectFrom("ExceptionCase").select("id").where("orderId", "=", orderId).execute()).toHaveLength(1);
}

describe("fault: a clock that crosses a daylight-saving change", () => {
  it("GIVEN spring forward (2026-03-08 02:00 → 03:00 in New York) THEN a message whose quiet hours end in the skipped hour goes once at 03:00, silence opens each case once on time, due dates are 24 elapsed hours", async () => {
    // Saturday 2026-03-07 10:00 EST; quiet hours end at 02:30, which does not exist on the Sunday
    await start("2026-03-07T15:00:00Z", "02:30");
    // scanned Saturday 10:00 EST: its packed and first-scan emails go at once (no quiet hours then)
    const scanned = await ship(1, "2026-03-07T10:00:00-05:00", { scanAt: "2026-03-07T10:00:00-05:00" });
    // placed Friday 10:00 EST, never fulfilled: it should ship by the end of Tuesday (2 business days), which is on EDT
    const unshipped = await orderWaiting(1, "2026-03-06T10:00:00-05:00");
    expect(smtp.messages.filter((m) => m.to.includes(scanned.email))).toHaveLength(2);

    // Saturday 23:00 EST, in quiet hours: its packed email waits for 02:30, which does not exist on Sunday
    await walk("2026-03-08T04:00:00Z", HOUR);
    const night = await ship(2, "2026-03-07T23:00:00-05:00");
    expect(smtp.messages.filter((m) => m.to.includes(night.email))).toHaveLength(0);
    const [waiting] = await app!.db.selectFrom("Notification").selectAll().where("recipient", "=", night.email).execute();
    expect(waiting).toMatchObject({ status: "pending", moment: "packed" });
    // the first instant after the gap: 03:00 EDT = 07:00Z
    expect(new Date(waiting!.sendAt).toISOString()).toBe("2026-03-08T07:00:00.000Z");

    // through the night in ten-minute steps, across the change
    await walk("2026-03-08T06:50:00Z", 10 * MINUTE);
    expect(smtp.messages.filter((m) => m.to.includes(night.email))).toHaveLength(0);
    await walk("2026-03-08T10:00:00Z", 10 * MINUTE);
    const nightMail = smtp.messages.filter((m) => m.to.includes(night.email));
    expect(nightMail).toHaveLength(1);
    const [sentRow] = await app!.db.selectFrom("Notification").selectAll().where("recipient", "=", night.email).execute();
    expect(sentRow).toMatchObject({ status: "sent" });
    expect(sentRow!.sentAt).toBe(Date.parse("2026-03-08T07:00:00Z"));

    // on to Monday afternoon, hour by hour, in ten-minute steps around the moments silence should be noticed
    await walk("2026-03-09T03:30:00Z", HOUR);
    await walk("2026-03-09T05:00:00Z", 10 * MINUTE);
    await walk("2026-03-09T14:30:00Z", HOUR);
    await walk("2026-03-09T16:00:00Z", 10 * MINUTE);
    await walk("2026-03-11T03:30:00Z", HOUR);
    await walk("2026-03-11T05:00:00Z", 10 * MINUTE);

    const { cases } = await checkOnceEach();
    // the end of Tuesday in New York is 23:59:59.999 EDT (not EST): the order is looked at, and its case opened, just after
    const shipBy = Date.parse("2026-03-10T23:59:59.999-04:00");
    await expectDelayedOnce(cases, unshipped.orderId, shipBy);
    // the scanned parcel went silent Saturday 10:00 EST: 48 business hours (every day a workday, Sunday 23 hours
    // long) end Monday 11:00 EDT = 15:00Z, not an hour early or late
    const stalled = cases.filter((c) => c.shipmentId === scanned.shipmentId && c.type === "stalled");
    expect(stalled).toHaveLength(1);
    expect(stalled[0]!.openedAt).toBeGreaterThanOrEqual(Date.parse("2026-03-09T15:00:00Z"));
    expect(stalled[0]!.openedAt).toBeLessThanOrEqual(Date.parse("2026-03-09T15:10:00Z"));
    // the label with no scan, created Saturday 23:00 EST (04:00Z): 24 business hours (1 on Saturday, the 23-hour
    // Sunday) end Monday 00:00 EDT = 04:00Z
    expect(night.status).toBe("label_created");
    {
      const notPicked = cases.filter((c) => c.shipmentId === night.shipmentId && c.type === "not_picked_up");
      expect(notPicked).toHaveLength(1);
      expect(notPicked[0]!.openedAt).toBeGreaterThanOrEqual(Date.parse("2026-03-09T04:00:00Z"));
      expect(notPicked[0]!.openedAt).toBeLessThanOrEqual(Date.parse("2026-03-09T04:10:00Z"));
    }
  }, 180_000);

  it("GIVEN fall back (2026-11-01 02:00 → 01:00 in New York) and a host clock stepped back an hour THEN a message whose quiet hours end in the repeated hour goes once, and no case opens twice", async () => {
    // Saturday 2026-10-31 10:00 EDT; quiet hours end at 01:30, which happens twice on the Sunday
    await start("2026-10-31T14:00:00Z", "01:30");
    const scanned = await ship(3, "2026-10-31T10:00:00-04:00", { scanAt: "2026-10-31T10:00:00-04:00" });
    // placed Friday 10:00 EDT, never fulfilled: it should ship by the end of Tuesday (2 business days), which is on EST
    const unshipped = await orderWaiting(2, "2026-10-30T10:00:00-04:00");
    expect(smtp.messages.filter((m) => m.to.includes(scanned.email))).toHaveLength(2);

    // Saturday 23:00 EDT, in quiet hours: its packed email waits for 01:30, which happens twice on Sunday
    await walk("2026-11-01T03:00:00Z", HOUR);
    const night = await ship(4, "2026-10-31T23:00:00-04:00");
    const [waiting] = await app!.db.selectFrom("Notification").selectAll().where("recipient", "=", night.email).execute();
    expect(waiting).toMatchObject({ status: "pending", moment: "packed" });
    // the first 01:30 (EDT) = 05:30Z
    expect(new Date(waiting!.sendAt).toISOString()).toBe("2026-11-01T05:30:00.000Z");

    await walk("2026-11-01T05:20:00Z", 10 * MINUTE);
    expect(smtp.messages.filter((m) => m.to.includes(night.email))).toHaveLength(0);
    // through both 01:30s (05:30Z EDT and 06:30Z EST)
    await walk("2026-11-01T06:40:00Z", 10 * MINUTE);
    expect(smtp.messages.filter((m) => m.to.includes(night.email))).toHaveLength(1);
    const sentAt = (await app!.db.selectFrom("Notification").select("sentAt").where("recipient", "=", night.email).executeTakeFirstOrThrow()).sentAt;
    expect(sentAt).toBe(Date.parse("2026-11-01T05:30:00Z"));

    // the host clock is stepped back an hour (a wall clock corrected by the change), and time runs on from there
    app!.clock.set("2026-11-01T05:40:00Z");
    await walk("2026-11-01T08:00:00Z", 10 * MINUTE);
    expect(smtp.messages.filter((m) => m.to.includes(night.email))).toHaveLength(1);

    await walk("2026-11-02T02:30:00Z", HOUR);
    await walk("2026-11-02T04:00:00Z", 10 * MINUTE);
    await walk("2026-11-02T13:30:00Z", HOUR);
    await walk("2026-11-02T15:00:00Z", 10 * MINUTE);
    await walk("2026-11-04T04:30:00Z", HOUR);
    await walk("2026-11-04T06:00:00Z", 10 * MINUTE);

    const { cases } = await checkOnceEach();
    // the end of Tuesday in New York is 23:59:59.999 EST (not EDT): the order is looked at, and its case opened, just after
    const shipBy = Date.parse("2026-11-03T23:59:59.999-05:00");
    await expectDelayedOnce(cases, unshipped.orderId, shipBy);
    // silent since Saturday 10:00 EDT: 48 business hours (Sunday 25 hours long) end Monday 09:00 EST = 14:00Z
    const stalled = cases.filter((c) => c.shipmentId === scanned.shipmentId && c.type === "stalled");
    expect(stalled).toHaveLength(1);
    expect(stalled[0]!.openedAt).toBeGreaterThanOrEqual(Date.parse("2026-11-02T14:00:00Z"));
    expect(stalled[0]!.openedAt).toBeLessThanOrEqual(Date.parse("2026-11-02T14:10:00Z"));
    // the label with no scan, created Saturday 23:00 EDT (03:00Z): 24 business hours (1 on Saturday, then 23 of the
    // 25-hour Sunday) end Sunday 22:00 EST = Monday 03:00Z
    expect(night.status).toBe("label_created");
    {
      const notPicked = cases.filter((c) => c.shipmentId === night.shipmentId && c.type === "not_picked_up");
      expect(notPicked).toHaveLength(1);
      expect(notPicked[0]!.openedAt).toBeGreaterThanOrEqual(Date.parse("2026-11-02T03:00:00Z"));
      expect(notPicked[0]!.openedAt).toBeLessThanOrEqual(Date.parse("2026-11-02T03:10:00Z"));
    }
  }, 180_000);
});
