import { describe, expect, it } from "vitest";
import { calendarFor } from "./business-time";
import {
  DEFAULT_RULES,
  evaluate,
  nextCheckAt,
  planActions,
  reconcileCases,
  recoveredSince,
  stateStamp,
  validateRule,
  type Condition,
  type Rule,
  type ShipmentFacts,
} from "./rules";
import { statusClassOf } from "./status-classes";

const NY = "America/New_York";
const t = (iso: string) => Date.parse(iso);
const calendar = calendarFor({ timezone: NY, carrier: "canada_post" }); // Mon–Fri
const rules: Rule[] = DEFAULT_RULES.map((r, i) => ({ ...r, id: i + 1, position: i + 1, enabled: true, stopAfter: false }));

const facts = (over: Partial<ShipmentFacts> = {}): ShipmentFacts => ({
  status: "in_transit",
  // the default class of the status the test chose, unless it names one (a merchant's Status mapping choice)
  statusClass: over.statusClass ?? statusClassOf(over.status ?? "in_transit", {}),
  reason: null,
  carrierCode: "canada_post",
  service: null,
  destinationCountry: "CA",
  destinationProvince: "ON",
  shippedAt: t("2026-11-16T14:00:00Z"),
  firstCarrierScanAt: t("2026-11-16T20:00:00Z"),
  lastCarrierScanAt: t("2026-11-17T15:00:00Z"),
  lastEventAt: t("2026-11-17T15:00:00Z"),
  deliveryAttempts: 0,
  promisedBy: null,
  estimatedDeliveryAt: null,
  deliveredAt: null,
  cancelled: false,
  silenceJudgedFrom: t("2026-11-16T14:00:00Z"),
  order: { totalPrice: 80, currency: "CAD", customerTags: [], orderTags: [], shippingLines: [{ title: "Standard Shipping", code: "STANDARD" }] },
  ...over,
});

const fired = (f: ShipmentFacts, now: string) =>
  planActions(evaluate(rules, f, calendar, t(now))).cases.map((c) => `${c.type}/${c.owner}/${c.priority}`);

describe("default rules", () => {
  it.each([
    ["a parcel moving normally", facts(), "2026-11-17T18:00:00Z", []],
    ["label created 20 business hours ago", facts({ status: "label_created", firstCarrierScanAt: null, lastCarrierScanAt: null, shippedAt: t("2026-11-16T14:00:00Z") }), "2026-11-17T10:00:00Z", []],
    ["label created, no scan for 24+ business hours", facts({ status: "label_created", firstCarrierScanAt: null, lastCarrierScanAt: null }), "2026-11-17T15:00:00Z", ["not_picked_up/fulfillment/normal"]],
    // Friday 18:00 New York to Monday 10:00 is 16 business hours: a weekend is not silence
    ["scanned Friday evening, Monday morning", facts({ lastCarrierScanAt: t("2026-11-20T23:00:00Z") }), "2026-11-23T15:00:00Z", []],
    ["no scan for 48+ business hours", facts({ lastCarrierScanAt: t("2026-11-17T15:00:00Z") }), "2026-11-19T16:00:00Z", ["stalled/support/normal"]],
    ["no scan for 10 days: stalled and likely lost", facts({ lastCarrierScanAt: t("2026-11-05T15:00:00Z") }), "2026-11-16T16:00:00Z", ["stalled/support/normal", "lost/support/high"]],
    ["the carrier says lost", facts({ status: "exception", reason: "lost" }), "2026-11-17T18:00:00Z", ["lost/support/high"]],
    ["failed attempt", facts({ status: "attempted_delivery", reason: "recipient_unavailable", deliveryAttempts: 1 }), "2026-11-17T18:00:00Z", ["failed_attempt/support/normal"]],
    ["address problem: urgent, and the generic carrier exception steps aside", facts({ status: "exception", reason: "address_issue" }), "2026-11-17T18:00:00Z", ["address_issue/support/urgent"]],
    ["damaged", facts({ status: "exception", reason: "damaged" }), "2026-11-17T18:00:00Z", ["damaged/fulfillment/high"]],
    ["an exception nothing else explains", facts({ status: "exception", reason: null }), "2026-11-17T18:00:00Z", ["carrier_exception/support/normal"]],
    // the shop's Status mapping classes drive the catch-all: a status it calls an exception gets a case…
    ["a delay the shop classes as an exception", facts({ status: "delayed", statusClass: "exception" }), "2026-11-17T18:00:00Z", ["carrier_exception/support/normal"]],
    ["a delay with the default class", facts({ status: "delayed" }), "2026-11-17T18:00:00Z", []],
    // …and one it does not call an exception gets none
    ["an exception the shop classes as customer-facing", facts({ status: "exception", statusClass: "customer_facing" }), "2026-11-17T18:00:00Z", []],
    // a more specific case replaces the catch-all (a failed attempt is classed exception by default)
    ["a failed attempt is a failed attempt, not a carrier exception too", facts({ status: "attempted_delivery" }), "2026-11-17T18:00:00Z", ["failed_attempt/support/normal"]],
    ["returned to sender", facts({ status: "returned_to_sender" }), "2026-11-17T18:00:00Z", ["returned_to_sender/fulfillment/normal"]],
    ["customs", facts({ status: "delayed", reason: "customs" }), "2026-11-17T18:00:00Z", ["customs_hold/support/normal"]],
    ["unknown carrier status", facts({ status: "unknown" }), "2026-11-17T18:00:00Z", ["unknown_status/operations/low"]],
    // promised by the end of Friday 20 November (New York): the weekend is not late, Monday is
    ["promised by Friday, Saturday", facts({ promisedBy: t("2026-11-21T04:59:59Z"), lastCarrierScanAt: t("2026-11-20T15:00:00Z") }), "2026-11-21T16:00:00Z", []],
    ["promised by Friday, Monday", facts({ promisedBy: t("2026-11-21T04:59:59Z"), lastCarrierScanAt: t("2026-11-23T13:00:00Z") }), "2026-11-23T16:00:00Z", ["late/support/normal"]],
    ["a failed attempt on a 150+ order is high", facts({ status: "attempted_delivery", order: { ...facts().order!, totalPrice: 150 } }), "2026-11-17T18:00:00Z", ["failed_attempt/support/high"]],
    ["an address problem on a 150+ order stays urgent", facts({ status: "exception", reason: "address_issue", order: { ...facts().order!, totalPrice: 900 } }), "2026-11-17T18:00:00Z", ["address_issue/support/urgent"]],
    ["a cancelled order's parcel fires nothing", facts({ status: "exception", reason: "damaged", cancelled: true }), "2026-11-17T18:00:00Z", []],
    ["delivered fires nothing", facts({ status: "delivered", deliveredAt: t("2026-11-17T15:00:00Z") }), "2026-11-30T18:00:00Z", []],
  ])("%s", (_name, f, now, expected) => {
    expect(fired(f, now).sort()).toEqual([...expected].sort());
  });
});

describe("conditions explain what they saw", () => {
  const rule = (conditions: Rule["conditions"]): Rule => ({
    id: 99,
    position: 1,
    name: "probe",
    enabled: true,
    stopAfter: false,
    builtIn: null,
    conditions,
    actions: [{ kind: "tag_order", tag: "probe" }],
  });
  it.each<[Condition, boolean, string]>([
    [{ kind: "carrier_in", carriers: ["ups", "canada_post"] }, true, "carrier canada_post"],
    [{ kind: "shipping_method_matches", pattern: "standard" }, true, 'shipping method "Standard Shipping", "STANDARD"'],
    [{ kind: "shipping_method_matches", pattern: "express" }, false, 'shipping method "Standard Shipping", "STANDARD"'],
    [{ kind: "destination_in", countries: ["CA"], regions: ["ON"] }, true, "destination CA-ON"],
    [{ kind: "destination_in", countries: ["US"] }, false, "destination CA-ON"],
    [{ kind: "order_value_at_least", amount: 80 }, true, "order total 80.00 CAD"],
    [{ kind: "order_value_at_most", amount: 79.99 }, false, "order total 80.00 CAD"],
    [{ kind: "customer_tag_has", tag: "vip" }, false, "customer tags []"],
    [{ kind: "delivery_attempts_at_least", count: 1 }, false, "0 delivery attempts"],
    [{ kind: "business_hours_since_last_scan_at_least", hours: 3 }, true, "last carrier scan 3 business hours ago"],
  ])("%j", (condition, passed, saw) => {
    const [decision] = evaluate([rule([condition])], facts(), calendar, t("2026-11-17T18:00:00Z"));
    expect(decision!.checks[0]).toEqual({ condition, passed, saw });
    expect(decision!.fired).toBe(passed);
  });

  it("a VIP tag matches without regard to case", () => {
    const vip = facts({ order: { ...facts().order!, customerTags: ["VIP"] } });
    const [decision] = evaluate([rule([{ kind: "customer_tag_has", tag: "vip" }])], vip, calendar, t("2026-11-17T18:00:00Z"));
    expect(decision!.fired).toBe(true);
  });

  it("stopAfter ends the evaluation at the first rule that fires; disabled rules are skipped", () => {
    const a = { ...rule([{ kind: "status_in", statuses: ["in_transit"] }]), id: 1, name: "a", stopAfter: true };
    const b = { ...rule([{ kind: "status_in", statuses: ["in_transit"] }]), id: 2, name: "b", position: 2 };
    const off = { ...rule([{ kind: "status_in", statuses: ["in_transit"] }]), id: 3, name: "off", position: 0, enabled: false };
    expect(evaluate([b, a, off], facts(), calendar, t("2026-11-17T18:00:00Z")).map((d) => d.rule.name)).toEqual(["a"]);
  });
});

describe("validateRule", () => {
  it("accepts a valid rule", () => {
    expect(validateRule({ name: "VIP late", conditions: [{ kind: "customer_tag_has", tag: "VIP" }], actions: [{ kind: "open_case", type: "late", owner: "support", priority: "high", slaHours: 4 }] }).ok).toBe(true);
  });
  it("gives field-level errors", () => {
    const result = validateRule({ name: " ", conditions: [{ kind: "business_hours_since_last_scan_at_least", hours: -3 }], actions: [] });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        name: "give the rule a name",
        "conditions.0.hours": "must be more than 0",
        actions: "add at least one action",
      },
    });
  });
  it("rejects unknown condition kinds and values", () => {
    const result = validateRule({ name: "x", conditions: [{ kind: "moon_phase" }, { kind: "status_in", statuses: ["lost"] }], actions: [{ kind: "open_case", type: "late", owner: "marketing", priority: "high", slaHours: 4 }] });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors).sort()).toEqual(["actions.0.owner", "conditions.0.kind", "conditions.1.statuses.0"]);
  });
});

describe("next check and recovery", () => {
  it("the next check is when the earliest time condition can start to hold, at most a day away", () => {
    const f = facts({ lastCarrierScanAt: t("2026-11-20T23:00:00Z") }); // Friday 18:00 New York
    // 48 business hours after Friday 18:00 with Mon–Fri workdays: Tuesday 18:00 New York (23:00Z); a day away first
    const now = t("2026-11-21T12:00:00Z");
    expect(nextCheckAt(rules, f, calendar, now)).toBe(now + 86_400_000);
    expect(nextCheckAt(rules, f, calendar, t("2026-11-24T12:00:00Z"))).toBe(t("2026-11-24T23:00:00Z"));
  });
  it("silence is not judged during the grace period after a shipment is first seen, and is checked right after it", () => {
    const f = facts({ status: "label_created", firstCarrierScanAt: null, lastCarrierScanAt: null, silenceJudgedFrom: t("2026-11-17T15:10:00Z") });
    expect(fired(f, "2026-11-17T15:00:00Z")).toEqual([]);
    expect(evaluate(rules, f, calendar, t("2026-11-17T15:00:00Z"))[0]!.checks[1]!.saw).toMatch(/waiting for late carrier events/);
    expect(nextCheckAt(rules, f, calendar, t("2026-11-17T15:00:00Z"))).toBe(t("2026-11-17T15:10:00Z"));
    expect(fired(f, "2026-11-17T15:10:00Z")).toEqual(["not_picked_up/fulfillment/normal"]);
  });

  it("delivered, returned and cancelled parcels need no more watching", () => {
    expect(nextCheckAt(rules, facts({ status: "delivered" }), calendar, t("2026-11-17T18:00:00Z"))).toBeNull();
    expect(nextCheckAt(rules, facts({ status: "returned_to_sender" }), calendar, t("2026-11-17T18:00:00Z"))).toBeNull();
    expect(nextCheckAt(rules, facts({ cancelled: true }), calendar, t("2026-11-17T18:00:00Z"))).toBeNull();
  });
  it("recovered: the shipment's state changed since the case opened, to movement or delivery", () => {
    const opened = stateStamp(facts());
    expect(recoveredSince(facts(), opened)).toBe(false);
    // a new scan, even one that happened before the case opened and arrived late
    expect(recoveredSince(facts({ lastEventAt: t("2026-11-17T16:00:00Z") }), opened)).toBe(true);
    expect(recoveredSince(facts({ status: "delivered" }), opened)).toBe(true);
    expect(recoveredSince(facts({ status: "unknown", lastEventAt: t("2026-11-18T16:00:00Z") }), opened)).toBe(false);
  });
  it("planActions: first rule wins per type, intents kept, hold flag raised", () => {
    const plan = planActions([
      { rule: { id: 1, name: "one" }, fired: true, checks: [], actions: [{ kind: "open_case", type: "late", owner: "support", priority: "normal", slaHours: 24 }, { kind: "message_customer", template: "delay" }] },
      { rule: { id: 2, name: "two" }, fired: true, checks: [], actions: [{ kind: "open_case", type: "late", owner: "finance", priority: "urgent", slaHours: 1 }, { kind: "hold_messages" }] },
      { rule: { id: 3, name: "three" }, fired: false, checks: [], actions: [{ kind: "tag_order", tag: "never" }] },
    ]);
    expect(plan.cases.map((c) => [c.type, c.owner, c.rule.name])).toEqual([["late", "support", "one"]]);
    expect(plan.intents).toEqual([{ kind: "message_customer", ruleId: 1, payload: { template: "delay" } }]);
    expect(plan.holdMessages).toBe(true);
  });
});

describe("reconcileCases", () => {
  const now = t("2026-11-19T16:00:00Z");
  const stalledPlan = () => planActions(evaluate(rules, facts({ lastCarrierScanAt: t("2026-11-17T15:00:00Z") }), calendar, now));
  const base = { rules, calendar, autoResolve: true, now };

  it("opens what is missing, remembering the state it was opened on", () => {
    const f = facts({ lastCarrierScanAt: t("2026-11-17T15:00:00Z") });
    const changes = reconcileCases({ ...base, plan: stalledPlan(), open: [], facts: f });
    expect(changes.open.map((c) => [c.type, c.openedOnState, c.dueAt])).toEqual([["stalled", stateStamp(f), now + 24 * 3_600_000]]);
    expect(changes.resolve).toEqual([]);
  });

  it("leaves an open case of the same type alone, and raises it when a rule now ranks it higher", () => {
    const f = facts({ lastCarrierScanAt: t("2026-11-17T15:00:00Z") });
    const open = [{ id: 7, type: "stalled" as const, priority: "normal" as const, holdMessages: false, openedOnState: stateStamp(f) }];
    expect(reconcileCases({ ...base, plan: stalledPlan(), open, facts: f })).toMatchObject({ open: [], raise: [], resolve: [] });
    const vip = facts({ lastCarrierScanAt: t("2026-11-17T15:00:00Z"), status: "delayed", order: { ...facts().order!, totalPrice: 500 } });
    const plan = planActions(evaluate(rules, vip, calendar, now));
    expect(reconcileCases({ ...base, plan, open, facts: vip }).raise).toMatchObject([{ caseId: 7, priority: "high" }]);
  });

  it("resolves a case no rule holds open once the shipment's state changed, and only if the shop allows it", () => {
    const before = facts({ lastCarrierScanAt: t("2026-11-17T15:00:00Z") });
    const open = [{ id: 9, type: "stalled" as const, priority: "normal" as const, holdMessages: false, openedOnState: stateStamp(before) }];
    const moved = facts({ lastCarrierScanAt: t("2026-11-19T14:00:00Z"), lastEventAt: t("2026-11-19T14:00:00Z") });
    const plan = planActions(evaluate(rules, moved, calendar, now));
    expect(reconcileCases({ ...base, plan, open, facts: moved }).resolve).toEqual([{ caseId: 9, why: "Resolved by itself: the carrier scanned the parcel again." }]);
    expect(reconcileCases({ ...base, autoResolve: false, plan, open, facts: moved }).resolve).toEqual([]);
    // nothing changed (say, the merchant turned the rule off): the case stays open
    expect(reconcileCases({ ...base, plan: planActions([]), open, facts: before }).resolve).toEqual([]);
  });
});
