import { describe, expect, it } from "vitest";
import { createExceptionDesk } from "~/.server/services/exception-desk";
import { createShopProfile } from "~/.server/services/shop-profile";
import { createTransit } from "~/.server/services/transit";
import type { ShipmentRecord } from "~/.server/ports";
import { addBusinessDays, calendarFor, carrierHolidays, localParts } from "~/domain/business-time";
import { fixedClock } from "~/domain/clock";
import { DEFAULT_RULES, validateRule } from "~/domain/rules";
import { histogramKeysOf } from "~/domain/transit-model";
import { factsOf } from "~/.server/services/notifications/planner";
import { currentMoments, DEFAULT_POLICY, LOCALES, momentEnabled, NotificationPolicySchema, stillCurrent } from "~/domain/notifications";
import { defaultTemplate, renderMessage, sampleContext } from "~/domain/templates";
import { aShipmentRecord, createFakeStorage } from "./fakes/storage";
import { createFakeTransitCounts } from "./fakes/transit";

/**
 * The transit service (learning, the model cache, first estimates) and the rule conditions it feeds
 * (trending_late, looked_up_at_least), over in-memory fakes with the clock held still.
 * test/integration/learned-estimates.test.ts runs the same promises on a real database through signed webhooks.
 *
 * Canada Post works Monday to Friday, so business days read as plain weekdays here.
 */
const SHOP_A = "alpha-goods.myshopify.com";
const SHOP_B = "bravo-outfitters.myshopify.com";
// Wednesday 18 November 2026, 12:00 New York (the shop's default zone)
const NOW = Date.parse("2026-11-18T17:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// Canada Post's calendar as the model counts on it: its published holidays (Thanksgiving, 12 October) included
const CALENDAR = calendarFor({ timezone: "America/New_York", carrier: "canada_post", holidays: carrierHolidays("canada_post", 2026) });
// Monday 16 November, 09:00 New York: the parcels under test shipped then
const SHIPPED = Date.parse("2026-11-16T14:00:00Z");
// the end of Monday 23 November in New York: five business days after shipping
const PROMISED_BY = Date.parse("2026-11-24T04:59:59.999Z");

function transitOverFakes(options: { cacheMs?: number } = {}) {
  const clock = fixedClock(NOW);
  const storage = createFakeStorage();
  const profile = createShopProfile({ settings: storage.settings, rules: storage.rules, clock });
  const counts = createFakeTransitCounts(storage);
  const transit = createTransit({ counts: counts.repository, profile, clock, cacheMs: options.cacheMs });
  const desk = createExceptionDesk({
    shipments: storage.shipments,
    orders: storage.orders,
    cases: storage.cases,
    profile,
    evaluations: storage.evaluations,
    clock,
    subscribers: [transit.subscriber],
    trending: (shop) => transit.trending(shop),
  });
  let tracking = 1_000;
  const parcel = (shop: string, fields: Partial<ShipmentRecord> = {}) => storage.tables.addShipment(aShipmentRecord(shop, `CP${tracking++}`, NOW, fields));

  /** `n` parcels to Ontario (or `province`) that each took `days` business days, shipped on weekdays in October, evaluated */
  async function deliveries(shop: string, n: number, days: number, province = "ON") {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      // Monday 5 October 2026 plus i weekdays, 10:00 New York (addBusinessDays gives the day's last moment):
      // before the shop's 14:00 cut-off, so the parcel leaves that day
      const shippedAt = addBusinessDays(Date.parse("2026-10-05T14:00:00Z"), i % 10, CALENDAR) - 14 * HOUR;
      // addBusinessDays lands on the last moment of that business day: delivered that afternoon
      const deliveredAt = addBusinessDays(shippedAt, days, CALENDAR) - 8 * HOUR;
      ids.push(parcel(shop, { status: "delivered", destinationProvince: province, shippedAt, deliveredAt, firstCarrierScanAt: shippedAt + 8 * HOUR, lastCarrierScanAt: deliveredAt, lastEventAt: deliveredAt }).id);
    }
    await desk.evaluateShipments(shop, ids);
    return ids;
  }
  /** a parcel shipped Monday 16 November, scanned since, promised by Monday 23 November */
  const travelling = (shop: string, province: string, fields: Partial<ShipmentRecord> = {}) =>
    parcel(shop, { destinationProvince: province, shippedAt: SHIPPED, firstCarrierScanAt: SHIPPED + 8 * HOUR, lastCarrierScanAt: NOW - 4 * HOUR, lastEventAt: NOW - 4 * HOUR, promisedBy: PROMISED_BY, ...fields });
  const laneKey = (province: string) => histogramKeysOf({ carrier: "canada_post", service: null, origin: null, destination: { country: "CA", province } })[0]!;
  return { clock, storage, counts, transit, desk, parcel, deliveries, travelling, laneKey };
}

describe("transit service: learning from deliveries (in-memory ports)", () => {
  it("counts a delivered parcel once, however often and however concurrently it is evaluated", async () => {
    const { desk, counts, deliveries, laneKey } = transitOverFakes();
    const [id] = await deliveries(SHOP_A, 1, 3);
    // the lane, its carrier service, the carrier and the shop, on both clocks (business and all-week days): one count each
    expect(counts.total(SHOP_A)).toBe(8);
    expect(counts.count(SHOP_A, laneKey("ON"), 3)).toBe(1);
    await desk.evaluateShipment(SHOP_A, id!);
    await Promise.all([desk.evaluateShipment(SHOP_A, id!), desk.evaluateShipment(SHOP_A, id!), desk.evaluateShipment(SHOP_A, id!)]);
    expect(counts.total(SHOP_A)).toBe(8);
  });

  it("learns nothing from a parcel on its way, cancelled, replaced, or already learned", async () => {
    const { desk, counts, parcel } = transitOverFakes();
    const delivered = { status: "delivered" as const, shippedAt: NOW - 4 * DAY, deliveredAt: NOW - DAY };
    const ids = [
      parcel(SHOP_A).id,
      parcel(SHOP_A, { ...delivered, cancelledAt: NOW - 2 * DAY }).id,
      parcel(SHOP_A, { ...delivered, supersededAt: NOW - 2 * DAY }).id,
      parcel(SHOP_A, { ...delivered, rolledUp: 4 }).id,
      // delivered before it shipped: nothing true to learn
      parcel(SHOP_A, { status: "delivered", shippedAt: NOW - DAY, deliveredAt: NOW - 2 * DAY }).id,
    ];
    await desk.evaluateShipments(SHOP_A, ids);
    expect(counts.total(SHOP_A)).toBe(0);
  });

  it("one shop's deliveries never move another shop's model", async () => {
    const { transit, deliveries } = transitOverFakes();
    await deliveries(SHOP_A, 30, 7);
    expect(Object.keys((await transit.model(SHOP_A)).histograms)).toHaveLength(8);
    expect((await transit.model(SHOP_B)).histograms).toEqual({});
  });

  it("reads a shop's model once per TTL, drops it when this process learns, and sees another process's learning after the TTL", async () => {
    const { transit, counts, deliveries, storage, clock } = transitOverFakes();
    await transit.model(SHOP_A);
    await transit.model(SHOP_A);
    expect(counts.loads()).toBe(1);
    await deliveries(SHOP_A, 1, 3);
    const after = counts.loads();
    expect((await transit.model(SHOP_A)).histograms).not.toEqual({});
    expect(counts.loads()).toBe(after + 1);

    // a second worker over the same storage, trusting its copy 30 ms
    const profile = createShopProfile({ settings: storage.settings, rules: storage.rules, clock });
    const other = createTransit({ counts: counts.repository, profile, clock, cacheMs: 30 });
    const before = await other.model(SHOP_A);
    await deliveries(SHOP_A, 1, 3);
    expect(await other.model(SHOP_A)).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const fresh = await other.model(SHOP_A);
    expect(fresh).not.toBe(before);
    const total = (m: typeof fresh) => Object.values(m.histograms).flat().reduce((a, b) => a + b, 0);
    expect(total(fresh)).toBe(total(before) + 8);
  });
});

describe("transit service: first estimates and learned windows", () => {
  it("gives a parcel on its way its first estimate once, and never overwrites it", async () => {
    const { desk, counts, deliveries, travelling, storage, clock } = transitOverFakes();
    await deliveries(SHOP_A, 30, 7);
    const shipment = travelling(SHOP_A, "ON");
    await desk.evaluateShipment(SHOP_A, shipment.id);
    const first = counts.firstEstimate(SHOP_A, shipment.id);
    // no carrier date: the shop's own history, around seven business days after Monday 16 November
    expect(first).toMatchObject({ source: "learned" });
    const expected = localParts(addBusinessDays(SHIPPED, 7, CALENDAR), "America/New_York").isoDate;
    expect(first!.earliest <= expected && expected <= first!.latest).toBe(true);

    // the carrier gives a date now, and the model has learned more: the first estimate stays
    clock.advance(HOUR);
    storage.tables.updateShipment(SHOP_A, shipment.id, { estimatedDeliveryAt: Date.parse("2026-11-20T00:00:00Z") }, clock.now());
    await deliveries(SHOP_A, 30, 2);
    await desk.evaluateShipment(SHOP_A, shipment.id);
    expect(counts.firstEstimate(SHOP_A, shipment.id)).toEqual(first);
  });

  it("gives a delivered parcel no first estimate, and a parcel with one keeps it", async () => {
    const { desk, counts, deliveries, travelling } = transitOverFakes();
    const [delivered] = await deliveries(SHOP_A, 1, 3);
    expect(counts.firstEstimate(SHOP_A, delivered!)).toBeNull();
    const given = travelling(SHOP_A, "ON", { firstEstimate: { earliest: "2026-11-19", latest: "2026-11-19", source: "promise" } });
    await desk.evaluateShipment(SHOP_A, given.id);
    expect(counts.firstEstimate(SHOP_A, given.id)).toBeNull();
  });

  it("windowFor: a lane's history moves the window; a parcel past it is not shown a date in the past", async () => {
    const { transit, deliveries, travelling, storage } = transitOverFakes();
    await deliveries(SHOP_A, 30, 7);
    await deliveries(SHOP_A, 30, 2, "BC");
    const settings = (await storage.settings.get(SHOP_A))!;
    const model = await transit.model(SHOP_A);
    const slow = transit.windowFor(model, travelling(SHOP_A, "ON"), settings, NOW, "America/Toronto")!;
    const fast = transit.windowFor(model, travelling(SHOP_A, "BC"), settings, NOW, "America/Vancouver")!;
    const day = (ms: number, zone: string) => localParts(ms, zone).isoDate;
    expect(day(slow.earliest, "America/Toronto") <= "2026-11-25" && "2026-11-25" <= day(slow.latest, "America/Toronto")).toBe(true);
    // two business days after Monday is today, Wednesday: the days already passed are ruled out
    expect(day(fast.earliest, "America/Vancouver")).toBe("2026-11-18");
    expect(slow.latest - slow.earliest).toBeLessThan(3 * DAY);

    // the readings are remembered per day: tomorrow rules out today, and a holiday the merchant adds counts at once
    const fastParcel = travelling(SHOP_A, "BC");
    expect(day(transit.windowFor(model, fastParcel, settings, NOW, "America/Vancouver")!.earliest, "America/Vancouver")).toBe("2026-11-18");
    // Thursday it has outlived its lane's two days: what is left of the blend (the slower lanes) speaks
    expect(day(transit.windowFor(model, fastParcel, settings, NOW + DAY, "America/Vancouver")!.earliest, "America/Vancouver") >= "2026-11-19").toBe(true);
    const slowParcel = travelling(SHOP_A, "ON");
    const holiday = { ...settings, holidays: ["2026-11-20"] };
    const before = transit.windowFor(model, slowParcel, settings, NOW, "America/Toronto")!;
    const after = transit.windowFor(model, slowParcel, holiday, NOW, "America/Toronto")!;
    expect(day(after.latest, "America/Toronto") > day(before.latest, "America/Toronto")).toBe(true);
  });
});

describe("rules fed by the model and by lookups", () => {
  it("trending_late opens a predicted late case for a parcel slower than its lane, before the promise, and none for one on pace", async () => {
    const { desk, deliveries, travelling, storage } = transitOverFakes();
    await deliveries(SHOP_A, 30, 7);
    await deliveries(SHOP_A, 30, 2, "BC");
    const slow = travelling(SHOP_A, "ON");
    const onPace = travelling(SHOP_A, "BC");
    const { opened } = await desk.evaluateShipment(SHOP_A, slow.id);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ type: "late", owner: "support", priority: "normal", ruleName: "Trending late: predicted to miss the promise" });
    expect(opened[0]!.reason).toMatch(/^Trending late: predicted to miss the promise: Parcels like this \(Canada Post, \* to CA-ON\) take 7 business days at the median/);
    expect(opened[0]!.reason).toContain("after the promised Monday 23 November");
    expect((await desk.evaluateShipment(SHOP_A, onPace.id)).opened).toEqual([]);
    expect(storage.tables.cases(SHOP_A).map((c) => [c.shipmentId, c.type])).toEqual([[slow.id, "late"]]);
  });

  it("trending_late stays quiet once the promise has passed (that is plain late), without a promise, and in a shop with no such history", async () => {
    const { desk, deliveries, travelling, clock } = transitOverFakes();
    await deliveries(SHOP_A, 30, 7);
    const noPromise = travelling(SHOP_A, "ON", { promisedBy: null });
    expect((await desk.evaluateShipment(SHOP_A, noPromise.id)).opened).toEqual([]);
    // shop B has only the carrier's published figures (2–9 days, typically 4 or so): on pace
    const elsewhere = travelling(SHOP_B, "ON");
    expect((await desk.evaluateShipment(SHOP_B, elsewhere.id)).opened).toEqual([]);
    clock.set(PROMISED_BY + HOUR);
    const preview = await desk.preview(SHOP_A, travelling(SHOP_A, "ON").id);
    const trending = preview!.decisions.find((d) => d.rule.name.startsWith("Trending late"))!;
    expect(trending.fired).toBe(false);
    expect(trending.checks[0]!.saw).toBe("the promise has passed");
  });

  it("worried shopper: 3 lookups in 24 hours raise a stalled parcel's case to high; 2, or older ones, do not", async () => {
    const { desk, parcel } = transitOverFakes();
    // last scanned Friday 13 November: more than 48 business hours of silence (a stalled case, support's)
    const stalled = (recentLookups: number[]) => parcel(SHOP_A, { lastCarrierScanAt: Date.parse("2026-11-13T15:00:00Z"), lastEventAt: Date.parse("2026-11-13T15:00:00Z"), recentLookups });
    const worried = stalled([NOW - 20 * HOUR, NOW - 5 * HOUR, NOW - HOUR]);
    const calm = stalled([NOW - 30 * HOUR, NOW - 5 * HOUR, NOW - HOUR]);
    const [a] = (await desk.evaluateShipment(SHOP_A, worried.id)).opened;
    const [b] = (await desk.evaluateShipment(SHOP_A, calm.id)).opened;
    expect(a).toMatchObject({ type: "stalled", owner: "support", priority: "high" });
    expect(b).toMatchObject({ type: "stalled", owner: "support", priority: "normal" });
    const preview = await desk.preview(SHOP_A, calm.id);
    const rule = preview!.decisions.find((d) => d.rule.name.startsWith("Worried shopper"))!;
    expect(rule.checks[0]!.saw).toBe("looked up 2 times in the last 24 hours");
  });

  it("worried shopper: lookups on a parcel with no case raise nothing", async () => {
    const { desk, parcel } = transitOverFakes();
    const fine = parcel(SHOP_A, { recentLookups: [NOW - 3 * HOUR, NOW - 2 * HOUR, NOW - HOUR] });
    expect((await desk.evaluateShipment(SHOP_A, fine.id)).opened).toEqual([]);
  });

  it("the two new default rules are valid, and installed for a new shop", async () => {
    const { storage } = transitOverFakes();
    for (const builtIn of ["trending_late", "worried_shopper"]) {
      const rule = DEFAULT_RULES.find((r) => r.builtIn === builtIn)!;
      expect(validateRule({ ...rule, enabled: true }).ok, builtIn).toBe(true);
    }
    const profile = createShopProfile({ settings: storage.settings, rules: storage.rules, clock: fixedClock(NOW) });
    const { rules } = await profile.get(SHOP_B);
    expect(rules.filter((r) => r.builtIn === "trending_late" || r.builtIn === "worried_shopper").map((r) => r.builtIn)).toEqual(["trending_late", "worried_shopper"]);
  });

  it.each([
    [{ count: 0, hours: 24 }, "conditions.0.count", "at least 1 lookup"],
    [{ count: 11, hours: 24 }, "conditions.0.count", "at most 10 lookups (the most a shipment remembers)"],
    [{ count: 2.5, hours: 24 }, "conditions.0.count", "enter a whole number of lookups"],
    [{ count: null, hours: 24 }, "conditions.0.count", "enter a number of lookups"],
    [{ count: 3, hours: 0 }, "conditions.0.hours", "must be more than 0"],
    [{ count: 3, hours: 24 * 31 }, "conditions.0.hours", "at most 30 days"],
  ])("rejects a lookup condition %j with a clear error", (fields, path, message) => {
    const result = validateRule({ name: "Worried", conditions: [{ kind: "looked_up_at_least", ...fields }], actions: [{ kind: "raise_priority", priority: "high" }] });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.fieldErrors[path]).toBe(message);
  });
});

describe("the optional shopper message: delay_trending", () => {
  const withLate = (promisedBy: number | null) => aShipmentRecord(SHOP_A, "CP1", NOW, { promisedBy });

  it("a late case before the promise is the prediction's moment, after it plain late; no delay_late before the promise", () => {
    const predicted = factsOf({ ...withLate(PROMISED_BY), id: 1 }, null, ["late"], NOW);
    expect(currentMoments(predicted)).toEqual(["delay_trending"]);
    const late = factsOf({ ...withLate(PROMISED_BY), id: 1 }, null, ["late"], PROMISED_BY + HOUR);
    expect(currentMoments(late)).toEqual(["delay_late"]);
    // a predicted message still waiting when the promise passes is not sent as if nothing changed
    expect(stillCurrent("delay_trending", late)).toBe(false);
    expect(stillCurrent("delay_late", predicted)).toBe(false);
    // without a promise (or without the time), a late case is plain late, as before
    expect(currentMoments(factsOf({ ...withLate(null), id: 1 }, null, ["late"], NOW))).toEqual(["delay_late"]);
    expect(currentMoments(factsOf({ ...withLate(PROMISED_BY), id: 1 }, null, ["late"]))).toEqual(["delay_late"]);
  });

  it("is off by default, and a shop can switch it on (and the rest stay on)", () => {
    expect(momentEnabled(DEFAULT_POLICY, "delay_trending")).toBe(false);
    expect(momentEnabled(DEFAULT_POLICY, "delay_late")).toBe(true);
    const on = NotificationPolicySchema.parse({ moments: { delay_trending: true } });
    expect(momentEnabled(on, "delay_trending")).toBe(true);
    expect(momentEnabled(NotificationPolicySchema.parse({ moments: { delay_late: false } }), "delay_trending")).toBe(false);
  });

  it.each(LOCALES)("has default email and SMS words in %s: may arrive a day later than promised", (locale) => {
    const phrase = { en: "may arrive a day later than promised", fr: "pourrait arriver un jour plus tard", es: "podría llegar un día más tarde", de: "einen tag später als versprochen" }[locale];
    for (const channel of ["email", "sms"] as const) {
      const template = defaultTemplate("delay_trending", channel, locale)!;
      const out = renderMessage({ channel, subject: template.subject, body: template.body, context: sampleContext(locale, { moment: "delay_trending" }) });
      expect(`${out.subject ?? ""}\n${out.text}`.toLowerCase(), `${locale} ${channel}`).toContain(phrase.toLowerCase());
      expect(out.text).not.toMatch(/\{\{|\{%/);
    }
  });
});
