import { DEFAULT_STATUS_CLASSES, type StatusClass } from "./status-classes";
import type { ShipmentStatus } from "./status";
import { describe, expect, it } from "vitest";
import {
  capDeferral,
  channelsFor,
  currentMoments,
  DEFAULT_POLICY,
  delayMoment,
  isFresh,
  isOrderMoment,
  maskRecipient,
  MOMENT_LABELS,
  MOMENTS,
  momentEnabled,
  momentTime,
  NotificationPolicySchema,
  orderMessageCurrent,
  orderSendKey,
  outsideQuietHours,
  pickLocale,
  sendKey,
  sendTime,
  silencedByClass,
  smsEligible,
  stillCurrent,
  toE164,
  type Channel,
  type NotifyFacts,
} from "./notifications";
import { zoneForDestination } from "./time-zones";

const facts = (over: Partial<NotifyFacts> = {}): NotifyFacts => ({
  status: "in_transit",
  reason: null,
  firstCarrierScanAt: 1,
  deliveredAt: null,
  cancelled: false,
  openCaseTypes: [],
  ...over,
});
const at = (iso: string) => Date.parse(iso);

describe("moments", () => {
  it("GIVEN each stage THEN only the current moment is due, worded by stage", () => {
    expect(currentMoments(facts({ status: "label_created", firstCarrierScanAt: null }))).toEqual(["packed"]);
    expect(currentMoments(facts({ status: "picked_up" }))).toEqual(["first_scan"]);
    expect(currentMoments(facts({ status: "in_transit" }))).toEqual(["first_scan"]);
    expect(currentMoments(facts({ status: "out_for_delivery" }))).toEqual(["out_for_delivery"]);
    expect(currentMoments(facts({ status: "available_for_pickup" }))).toEqual(["ready_for_pickup"]);
    expect(currentMoments(facts({ status: "delivered", deliveredAt: 5 }))).toEqual(["delivered", "post_delivery"]);
    expect(currentMoments(facts({ status: "unknown", firstCarrierScanAt: null }))).toEqual([]);
  });

  it("GIVEN a cancelled order THEN nothing is due, whatever the parcel does", () => {
    for (const status of ["label_created", "in_transit", "delivered", "exception"] as const) {
      expect(currentMoments(facts({ status, cancelled: true }))).toEqual([]);
    }
    expect(stillCurrent("delivered", facts({ status: "delivered", cancelled: true }))).toBe(false);
    expect(stillCurrent("rule:4", facts({ cancelled: true }))).toBe(false);
    expect(stillCurrent("rule:4", facts())).toBe(true);
  });

  it("GIVEN a delay THEN one moment per reason, and the delay replaces 'on its way'", () => {
    const cases: [Partial<NotifyFacts>, string][] = [
      [{ status: "delayed", reason: "weather" }, "delay_weather"],
      [{ status: "exception", reason: "address_issue" }, "delay_address"],
      [{ status: "attempted_delivery", reason: null }, "delay_failed_attempt"],
      [{ status: "exception", reason: "recipient_unavailable" }, "delay_failed_attempt"],
      [{ status: "exception", reason: "held_at_facility" }, "delay_held"],
      [{ status: "delayed", reason: "customs" }, "delay_held"],
      [{ status: "exception", reason: "lost" }, "delay_lost"],
      [{ status: "in_transit", openCaseTypes: ["lost"] }, "delay_lost"],
      [{ status: "returning_to_sender" }, "delay_returned"],
      [{ status: "exception", reason: "refused" }, "delay_returned"],
      [{ status: "delayed", reason: "carrier_delay" }, "delay_other"],
      [{ status: "in_transit", openCaseTypes: ["late"] }, "delay_late"],
      [{ status: "delayed", reason: "carrier_delay", openCaseTypes: ["late"] }, "delay_late"],
      [{ status: "exception", reason: null, openCaseTypes: ["late"] }, "delay_late"],
    ];
    for (const [over, moment] of cases) {
      expect(delayMoment(facts(over)), JSON.stringify(over)).toBe(moment);
      expect(currentMoments(facts(over))).toEqual([moment]);
    }
    expect(currentMoments(facts({ status: "out_for_delivery", reason: "weather" }))).toEqual(["out_for_delivery", "delay_weather"]);
    expect(delayMoment(facts({ status: "delivered", reason: "damaged" }))).toBeNull();
    expect(delayMoment(facts({ status: "in_transit", openCaseTypes: ["stalled"] }))).toBeNull();
  });

  it("GIVEN a late parcel THEN its own delay moment; a more specific trouble still wins", () => {
    expect(currentMoments(facts({ status: "in_transit", openCaseTypes: ["late"] }))).toEqual(["delay_late"]);
    expect(delayMoment(facts({ status: "delayed", reason: "weather", openCaseTypes: ["late"] }))).toBe("delay_weather");
    expect(delayMoment(facts({ status: "in_transit", openCaseTypes: ["late", "lost"] }))).toBe("delay_lost");
    expect(stillCurrent("delay_other", facts({ status: "delayed", reason: null, openCaseTypes: ["late"] }))).toBe(false);
  });

  it("GIVEN a parcel waiting at a pickup point THEN 'ready for pickup', never 'out for delivery', and lateness is behind it", () => {
    expect(currentMoments(facts({ status: "available_for_pickup" }))).toEqual(["ready_for_pickup"]);
    expect(currentMoments(facts({ status: "available_for_pickup", openCaseTypes: ["late"] }))).toEqual(["ready_for_pickup"]);
    expect(stillCurrent("out_for_delivery", facts({ status: "available_for_pickup" }))).toBe(false);
    expect(currentMoments(facts({ status: "out_for_delivery" }))).toEqual(["out_for_delivery"]);
  });

  it("GIVEN the new moments THEN merchants can switch them off like any other", () => {
    const policy = NotificationPolicySchema.parse({ moments: { delay_late: false, ready_for_pickup: false } });
    expect(momentEnabled(policy, "delay_late")).toBe(false);
    expect(momentEnabled(policy, "ready_for_pickup")).toBe(false);
    expect(momentEnabled(DEFAULT_POLICY, "delay_late")).toBe(true);
    expect(MOMENT_LABELS.delay_late).toMatch(/late/i);
    expect(MOMENT_LABELS.ready_for_pickup).toMatch(/pickup/i);
  });

  it("GIVEN a message waiting to go WHEN the parcel moved on THEN it is no longer current", () => {
    expect(stillCurrent("packed", facts({ status: "in_transit" }))).toBe(false);
    expect(stillCurrent("out_for_delivery", facts({ status: "delivered", deliveredAt: 1 }))).toBe(false);
    expect(stillCurrent("delay_weather", facts({ status: "in_transit", reason: null }))).toBe(false);
    expect(stillCurrent("delivered", facts({ status: "delivered", deliveredAt: 1 }))).toBe(true);
  });
});

describe("channels and segments", () => {
  const all = new Set<Channel>(["email", "sms", "klaviyo", "slack", "webhook", "shopify"]);
  const recipient = { email: "a@example.test", phone: "+15551230000", orderValue: 40, shippingMethod: "Standard" };

  it("GIVEN a cheap standard order THEN no SMS; above the threshold or express THEN SMS", () => {
    expect(channelsFor("first_scan", all, DEFAULT_POLICY, recipient)).toEqual(["email", "klaviyo", "webhook", "shopify"]);
    expect(channelsFor("first_scan", all, DEFAULT_POLICY, { ...recipient, orderValue: 100 })).toContain("sms");
    expect(smsEligible(DEFAULT_POLICY, { ...recipient, shippingMethod: "UPS Next Day Air" })).toBe(true);
    expect(smsEligible({ ...DEFAULT_POLICY, sms: { minOrderValue: 100, express: false } }, { ...recipient, shippingMethod: "Express" })).toBe(false);
  });

  it("GIVEN no email or phone THEN those channels are skipped; Slack never carries customer moments", () => {
    expect(channelsFor("delivered", all, DEFAULT_POLICY, { ...recipient, email: null, phone: null })).toEqual(["webhook", "shopify"]);
    expect(channelsFor("post_delivery", new Set<Channel>(["shopify", "slack"]), DEFAULT_POLICY, recipient)).toEqual([]);
  });

  it("GIVEN an invalid policy THEN it is refused with the field", () => {
    const bad = NotificationPolicySchema.safeParse({ quietHours: { enabled: true, start: "25:00", end: "08:00" }, postDeliveryHoldHours: 6 });
    expect(bad.success).toBe(false);
    const paths = bad.success ? [] : bad.error.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["quietHours.start", "postDeliveryHoldHours"]));
    expect(NotificationPolicySchema.safeParse({ quietHours: { enabled: true, start: "08:00", end: "08:00" } }).success).toBe(false);
  });
});

describe("when messages go", () => {
  const quiet = { enabled: true, start: "21:00", end: "08:00" };

  it("GIVEN an evening in the recipient's zone THEN the message waits for 08:00 there, not in the shop's zone", () => {
    // 04:30 UTC = 23:30 in New York (the day before), 20:30 in Los Angeles
    const t = at("2026-11-20T04:30:00Z");
    expect(new Date(outsideQuietHours(t, "America/New_York", quiet)).toISOString()).toBe("2026-11-20T13:00:00.000Z");
    expect(outsideQuietHours(t, "America/Los_Angeles", quiet)).toBe(t);
    // early morning side of the window: same local day
    expect(new Date(outsideQuietHours(at("2026-11-20T10:00:00Z"), "America/New_York", quiet)).toISOString()).toBe("2026-11-20T13:00:00.000Z");
  });

  it("GIVEN quiet hours across a DST change THEN the end is 08:00 local on the new offset", () => {
    // New York falls back on 2026-11-01: 23:00 EDT on Oct 31 → 08:00 EST on Nov 1 = 13:00Z
    expect(new Date(outsideQuietHours(at("2026-11-01T03:00:00Z"), "America/New_York", quiet)).toISOString()).toBe("2026-11-01T13:00:00.000Z");
    // Berlin springs forward on 2026-03-29: 22:00 CET → 08:00 CEST = 06:00Z
    expect(new Date(outsideQuietHours(at("2026-03-28T21:00:00Z"), "Europe/Berlin", quiet)).toISOString()).toBe("2026-03-29T06:00:00.000Z");
  });

  it("GIVEN a daytime window or quiet hours off THEN the window is respected or ignored", () => {
    const lunch = { enabled: true, start: "12:00", end: "13:30" };
    expect(new Date(outsideQuietHours(at("2026-11-20T12:15:00Z"), "UTC", lunch)).toISOString()).toBe("2026-11-20T13:30:00.000Z");
    expect(outsideQuietHours(at("2026-11-20T23:00:00Z"), "UTC", { ...quiet, enabled: false })).toBe(at("2026-11-20T23:00:00Z"));
  });

  it("GIVEN a delivery THEN the check-in waits the hold window and then quiet hours; merchant channels go at once", () => {
    const delivered = at("2026-11-20T15:00:00Z"); // 10:00 in New York
    const policy = { ...DEFAULT_POLICY, postDeliveryHoldHours: 12 };
    const check = sendTime({ moment: "post_delivery", channel: "email", now: delivered, deliveredAt: delivered, policy, zone: "America/New_York" });
    // +12 h = 22:00 local, inside quiet hours → next 08:00 local
    expect(new Date(check).toISOString()).toBe("2026-11-21T13:00:00.000Z");
    expect(sendTime({ moment: "delivered", channel: "webhook", now: delivered, deliveredAt: delivered, policy, zone: "America/New_York" })).toBe(delivered);
    expect(sendTime({ moment: "delivered", channel: "email", now: delivered, deliveredAt: delivered, policy, zone: "America/New_York" })).toBe(delivered + 5 * 60_000);
  });

  it("GIVEN the daily cap reached THEN a new moment waits for the next local day; the same moment on another channel does not", () => {
    const zone = "Europe/Paris";
    const now = at("2026-11-20T15:00:00Z");
    const sent = [
      { moment: "first_scan", at: at("2026-11-20T08:00:00Z") },
      { moment: "delay_weather", at: at("2026-11-20T09:00:00Z") },
      { moment: "out_for_delivery", at: at("2026-11-20T10:00:00Z") },
    ];
    const next = capDeferral({ at: now, zone, sentAt: sent, moment: "delay_other", cap: 3, policy: DEFAULT_POLICY });
    expect(next && new Date(next).toISOString()).toBe("2026-11-21T07:00:00.000Z"); // 08:00 Paris
    expect(capDeferral({ at: now, zone, sentAt: sent, moment: "out_for_delivery", cap: 3, policy: DEFAULT_POLICY })).toBeNull();
    expect(capDeferral({ at: now, zone, sentAt: sent, moment: "delivered", cap: 3, policy: DEFAULT_POLICY })).toBeNull();
    expect(capDeferral({ at: now, zone, sentAt: sent.slice(0, 2), moment: "delay_other", cap: 3, policy: DEFAULT_POLICY })).toBeNull();
    // yesterday's messages do not count today
    expect(capDeferral({ at: at("2026-11-21T12:00:00Z"), zone, sentAt: sent, moment: "delay_other", cap: 3, policy: DEFAULT_POLICY })).toBeNull();
  });
});

describe("recipients", () => {
  it("GIVEN a destination THEN its zone; a multi-zone country by region; unknown THEN the shop's", () => {
    expect(zoneForDestination({ country: "US", region: "CA" }, "UTC")).toBe("America/Los_Angeles");
    expect(zoneForDestination({ country: "US", region: "NY" }, "UTC")).toBe("America/New_York");
    expect(zoneForDestination({ country: "CA", region: "BC" }, "UTC")).toBe("America/Vancouver");
    expect(zoneForDestination({ country: "AU", region: "WA" }, "UTC")).toBe("Australia/Perth");
    expect(zoneForDestination({ country: "FR", region: null }, "UTC")).toBe("Europe/Paris");
    expect(zoneForDestination({ country: "ZZ", region: null }, "Europe/Madrid")).toBe("Europe/Madrid");
    expect(zoneForDestination({ country: null, region: null }, "Asia/Tokyo")).toBe("Asia/Tokyo");
  });

  it("GIVEN a recipient THEN the Outbox shows a recognisable, unharvestable mask", () => {
    expect(maskRecipient("jane.doe@example.com")).toBe("j••••••@example.com");
    expect(maskRecipient("+15551234567")).toBe("+1••••••••67");
    expect(maskRecipient("https://hooks.example.com/secret/path")).toBe("https://hooks.example.com/…");
    expect(maskRecipient(null)).toBe("—");
  });

  it("GIVEN phone numbers as shoppers type them THEN E.164, or none when it cannot be one", () => {
    expect(toE164("+1 416-555-0104", "CA")).toBe("+14165550104");
    expect(toE164("(416) 555 0104", "CA")).toBe("+14165550104");
    expect(toE164("1-416-555-0104", "US")).toBe("+14165550104");
    expect(toE164("0044 20 7946 0958", "FR")).toBe("+442079460958");
    expect(toE164("06 12 34 56 78", "FR")).toBe("+33612345678");
    expect(toE164("12345", "ZZ")).toBeNull();
    expect(toE164("call me", "US")).toBeNull();
    expect(toE164(null, "US")).toBeNull();
  });

  it("GIVEN a shopper locale THEN a template language we have, else the shop's default", () => {
    expect(pickLocale("fr-CA", "en")).toBe("fr");
    expect(pickLocale("DE", "en")).toBe("de");
    expect(pickLocale("ja", "es")).toBe("es");
    expect(pickLocale(null, "en")).toBe("en");
    expect(sendKey(7, "delivered", "email")).toBe("7|delivered|email");
  });
});

describe("freshness", () => {
  const times = { shippedAt: at("2026-11-01T10:00:00Z"), firstCarrierScanAt: at("2026-11-02T10:00:00Z"), statusChangedAt: at("2026-11-20T10:00:00Z"), lastEventAt: at("2026-11-20T10:00:00Z"), deliveredAt: at("2026-11-20T10:00:00Z") };
  const now = at("2026-11-21T10:00:00Z");

  it("GIVEN a moment that happened weeks ago THEN it is history: no message; a recent one is news", () => {
    expect(isFresh("packed", momentTime("packed", times), now, DEFAULT_POLICY, false)).toBe(false);
    expect(isFresh("first_scan", momentTime("first_scan", times), now, DEFAULT_POLICY, false)).toBe(false);
    expect(isFresh("delivered", momentTime("delivered", times), now, DEFAULT_POLICY, false)).toBe(true);
    expect(isFresh("delivered", momentTime("delivered", times), now + 47 * 3_600_000, DEFAULT_POLICY, false)).toBe(false);
    // the check-in's window adds its hold
    expect(isFresh("delivered", momentTime("delivered", times), now + 30 * 3_600_000, DEFAULT_POLICY, false)).toBe(false);
    expect(isFresh("post_delivery", momentTime("post_delivery", times), now + 30 * 3_600_000, DEFAULT_POLICY, false)).toBe(true);
    expect(isFresh("post_delivery", momentTime("post_delivery", times), now + 40 * 3_600_000, DEFAULT_POLICY, false)).toBe(false);
  });

  it("GIVEN a delay a case found (silence) THEN it is news even though the last scan is old", () => {
    expect(isFresh("delay_lost", at("2026-10-01T00:00:00Z"), now, DEFAULT_POLICY, true)).toBe(true);
    expect(isFresh("delay_lost", at("2026-10-01T00:00:00Z"), now, DEFAULT_POLICY, false)).toBe(false);
  });
});

describe("status classes and messages", () => {
  const classes = (over: Partial<Record<ShipmentStatus, StatusClass>>) => (status: ShipmentStatus) => over[status] ?? DEFAULT_STATUS_CLASSES[status];
  it("with the default classes no moment is silenced (only In transit is informational, and no moment is about it)", () => {
    expect(MOMENTS.filter((m) => silencedByClass(m, classes({})))).toEqual([]);
  });
  it("a progress moment whose status the shop classes informational is not sent; delay moments follow cases, not classes", () => {
    const quiet = classes({ picked_up: "informational", out_for_delivery: "informational", delayed: "informational", exception: "informational" });
    expect(MOMENTS.filter((m) => silencedByClass(m, quiet))).toEqual(["first_scan", "out_for_delivery"]);
  });
});

describe("order-level moments (fulfillment_delayed)", () => {
  it("is off until the shop switches it on", () => {
    expect(momentEnabled(DEFAULT_POLICY, "fulfillment_delayed")).toBe(false);
    expect(momentEnabled(NotificationPolicySchema.parse({ moments: { fulfillment_delayed: true } }), "fulfillment_delayed")).toBe(true);
  });

  it("is keyed by the order, not a shipment, and is never a parcel's current moment", () => {
    expect(orderSendKey("5550001", "fulfillment_delayed", "email")).toBe("order:5550001|fulfillment_delayed|email");
    expect(isOrderMoment("fulfillment_delayed")).toBe(true);
    expect(isOrderMoment("delay_late")).toBe(false);
    for (const status of ["label_created", "in_transit", "delayed", "delivered"] as const) expect(currentMoments(facts({ status }))).not.toContain("fulfillment_delayed");
  });

  it.each([
    [{ cancelled: false, redacted: false, anyShipped: false, caseOpen: true }, true],
    [{ cancelled: true, redacted: false, anyShipped: false, caseOpen: true }, false],
    [{ cancelled: false, redacted: true, anyShipped: false, caseOpen: true }, false],
    [{ cancelled: false, redacted: false, anyShipped: true, caseOpen: true }, false],
    [{ cancelled: false, redacted: false, anyShipped: false, caseOpen: false }, false],
  ])("goes only while the order still waits: %o → %s", (f, expected) => {
    expect(orderMessageCurrent(f)).toBe(expected);
  });
});
