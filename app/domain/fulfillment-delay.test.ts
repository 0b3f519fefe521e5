import { describe, expect, it } from "vitest";
import {
  DEFAULT_HANDLING_TIME,
  HandlingTimeSchema,
  handlingFor,
  handlingTimeOf,
  lateReason,
  planOrderCase,
  readFulfillment,
  shipByOf,
  waitingLinesOf,
  type HandlingTime,
  type OrderFulfillmentFacts,
  type OrderLineFacts,
  type WaitingLine,
} from "./fulfillment-delay";

const NY = { timezone: "America/New_York", holidays: [] as string[] };
const HOUR = 3_600_000;
/** the end (23:59:59.999) of a New York day in November (UTC-5) */
const endOfNyDay = (day: string) => Date.parse(`${day}T23:59:59.999-05:00`);

const line = (over: Partial<OrderLineFacts> = {}): OrderLineFacts => ({
  lineId: "1",
  title: "Trail Runner 2",
  quantity: 1,
  fulfillable: 1,
  fulfillmentStatus: null,
  requiresShipping: true,
  giftCard: false,
  ...over,
});

describe("waitingLinesOf: the lines that hold an order", () => {
  const cases: [string, OrderLineFacts[], WaitingLine[]][] = [
    ["an unfulfilled line waits", [line()], [{ lineId: "1", title: "Trail Runner 2", quantity: 1, waiting: 1 }]],
    ["a line that needs no shipping never holds an order", [line({ requiresShipping: false })], []],
    ["a gift card never holds an order", [line({ giftCard: true, title: "Gift card" })], []],
    ["a fulfilled line does not wait", [line({ fulfillable: 0, fulfillmentStatus: "fulfilled" })], []],
    ["a line Shopify says is fulfilled does not wait, whatever its count says", [line({ fulfillable: 1, fulfillmentStatus: "fulfilled" })], []],
    ["a line not eligible for fulfilment (removed) does not wait", [line({ fulfillmentStatus: "not_eligible" })], []],
    ["a line whose payload omits fulfillable_quantity is not judged", [line({ fulfillable: null })], []],
    [
      "a line shipped in part (the rest backordered) waits for the rest",
      [line({ quantity: 3, fulfillable: 2, fulfillmentStatus: "partial" })],
      [{ lineId: "1", title: "Trail Runner 2", quantity: 3, waiting: 2 }],
    ],
    [
      "a mixed order keeps only what ships and still waits",
      [line({ lineId: "1" }), line({ lineId: "2", title: "E-book", requiresShipping: false }), line({ lineId: "3", title: "Socks", quantity: 2, fulfillable: 0, fulfillmentStatus: "fulfilled" })],
      [{ lineId: "1", title: "Trail Runner 2", quantity: 1, waiting: 1 }],
    ],
  ];
  it.each(cases)("%s", (_, lines, expected) => {
    expect(waitingLinesOf(lines)).toEqual(expected);
  });
});

describe("shipByOf: business days from the order, in the shop's zone", () => {
  const cases: [string, string, number, number, string[], string][] = [
    // [what, ordered at, business days, cut-off hour, holidays, ship by the end of]
    ["Monday morning, 2 days: Wednesday", "2026-11-16T10:00:00-05:00", 2, 24, [], "2026-11-18"],
    ["Thursday, 2 days: over the weekend to Monday", "2026-11-19T10:00:00-05:00", 2, 24, [], "2026-11-23"],
    ["Friday, 2 days: Tuesday", "2026-11-20T10:00:00-05:00", 2, 24, [], "2026-11-24"],
    ["Saturday counts from Monday: Wednesday", "2026-11-21T10:00:00-05:00", 2, 24, [], "2026-11-25"],
    ["Thanksgiving a shop holiday: Wednesday order ships by Friday, not Thursday", "2026-11-25T10:00:00-05:00", 1, 24, ["2026-11-26"], "2026-11-27"],
    ["after the 14:00 cut-off the order counts from the next business day", "2026-11-16T15:00:00-05:00", 2, 14, [], "2026-11-19"],
    ["before the cut-off it counts from today", "2026-11-16T13:59:00-05:00", 2, 14, [], "2026-11-18"],
    ["0 days: the same business day", "2026-11-16T10:00:00-05:00", 0, 24, [], "2026-11-16"],
    // 23:30 in New York is already Tuesday in UTC: the shop's zone decides the day
    ["late evening counts in the shop's zone, not UTC", "2026-11-16T23:30:00-05:00", 1, 24, [], "2026-11-17"],
  ];
  it.each(cases)("%s", (_, orderedAt, days, cutoff, holidays, expected) => {
    expect(shipByOf(Date.parse(orderedAt), days, cutoff, { timezone: "America/New_York", holidays })).toBe(endOfNyDay(expected));
  });
});

describe("handlingFor: the shipping method's handling time, or the shop's", () => {
  const handling: HandlingTime = {
    businessDays: 2,
    cutoffHour: 24,
    methods: [
      { match: "express", businessDays: 1 },
      { match: "FREIGHT", businessDays: 5 },
      { match: "exp", businessDays: 9 },
    ],
  };
  const cases: [string, { title: string | null; code: string | null }[], { businessDays: number; method: string | null }][] = [
    ["matched on the title, any case", [{ title: "Express Shipping", code: null }], { businessDays: 1, method: "express" }],
    ["matched on the code", [{ title: "Heavy goods", code: "freight_ltl" }], { businessDays: 5, method: "FREIGHT" }],
    ["the first match wins", [{ title: "Express", code: "exp" }], { businessDays: 1, method: "express" }],
    ["no match: the shop's default", [{ title: "Standard", code: "STANDARD" }], { businessDays: 2, method: null }],
    ["no shipping line: the default", [], { businessDays: 2, method: null }],
  ];
  it.each(cases)("%s", (_, lines, expected) => {
    expect(handlingFor(handling, lines)).toEqual(expected);
  });
});

describe("handling time settings", () => {
  it("the default is two business days, no cut-off, no overrides", () => {
    expect(DEFAULT_HANDLING_TIME).toEqual({ businessDays: 2, cutoffHour: 24, methods: [] });
    expect(handlingTimeOf({})).toEqual(DEFAULT_HANDLING_TIME);
    expect(handlingTimeOf("garbage")).toEqual(DEFAULT_HANDLING_TIME);
  });
  it("refuses bad input field by field", () => {
    const bad = HandlingTimeSchema.safeParse({ businessDays: -1, cutoffHour: 25, methods: [{ match: " ", businessDays: 1.5 }] });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["businessDays", "cutoffHour", "methods.0.match", "methods.0.businessDays"]));
  });
  it("keeps what is valid", () => {
    const good = { businessDays: 3, cutoffHour: 14, methods: [{ match: "Express", businessDays: 1 }] };
    expect(handlingTimeOf(good)).toEqual(good);
  });
});

describe("readFulfillment and planOrderCase: late, since when, which lines", () => {
  // ordered Monday 16 November 10:00 New York, Standard: ships by the end of Wednesday 18 November
  const order = (over: Partial<OrderFulfillmentFacts> = {}): OrderFulfillmentFacts => ({
    name: "#1001",
    createdAt: Date.parse("2026-11-16T10:00:00-05:00"),
    cancelledAt: null,
    closedAt: null,
    fulfillmentStatus: null,
    waitingLines: [{ lineId: "1", title: "Trail Runner 2", quantity: 1, waiting: 1 }],
    shippingLines: [{ title: "Standard Shipping", code: "STANDARD" }],
    ...over,
  });
  const handling: HandlingTime = { businessDays: 2, cutoffHour: 24, methods: [{ match: "express", businessDays: 1 }] };
  const thursday = Date.parse("2026-11-19T09:00:00-05:00");
  const words = { timezone: "America/New_York", system: "shipwatch" };

  it("within the handling time it waits, and is looked at again just after its deadline", () => {
    const reading = readFulfillment(order(), handling, NY, Date.parse("2026-11-18T20:00:00-05:00"));
    expect(reading).toEqual({ state: "waiting", shipBy: endOfNyDay("2026-11-18"), businessDays: 2, method: null });
    expect(planOrderCase(reading, null, words, Date.parse("2026-11-18T20:00:00-05:00"))).toEqual({ open: null, resolve: null, nextCheckAt: endOfNyDay("2026-11-18") + 1 });
  });

  it("past it, one case opens: owner fulfillment's words say which lines, how many, by when, which handling time", () => {
    const reading = readFulfillment(order(), handling, NY, thursday);
    expect(reading).toMatchObject({ state: "late", shipBy: endOfNyDay("2026-11-18"), units: 1, partly: false });
    const plan = planOrderCase(reading, null, words, thursday);
    expect(plan.open).toEqual({
      priority: "normal",
      dueAt: thursday + 24 * HOUR,
      reason: "1 item not shipped: Trail Runner 2 (1 of 1). Due to ship by Wed 18 Nov (handling time 2 business days).",
    });
    expect(plan.nextCheckAt).toBeNull();
  });

  it("the shipping method's handling time applies (Express: 1 day, late on Wednesday already)", () => {
    const express = order({ shippingLines: [{ title: "Express", code: "EXP" }] });
    const wednesday = Date.parse("2026-11-18T09:00:00-05:00");
    expect(readFulfillment(order(), handling, NY, wednesday).state).toBe("waiting");
    const reading = readFulfillment(express, handling, NY, wednesday);
    expect(reading).toMatchObject({ state: "late", shipBy: endOfNyDay("2026-11-17"), businessDays: 1, method: "express" });
    expect(planOrderCase(reading, null, words, wednesday).open?.reason).toContain("(handling time 1 business day, express)");
  });

  it("a holiday pushes the deadline: no case on the holiday's next morning", () => {
    const reading = readFulfillment(order(), handling, { timezone: "America/New_York", holidays: ["2026-11-17"] }, thursday);
    expect(reading).toMatchObject({ state: "waiting", shipBy: endOfNyDay("2026-11-19") });
  });

  it("a partly fulfilled order with a backordered line is late for what still waits", () => {
    const partly = order({
      fulfillmentStatus: "partial",
      waitingLines: [{ lineId: "2", title: "Wool Socks", quantity: 3, waiting: 2 }],
    });
    const reading = readFulfillment(partly, handling, NY, thursday);
    expect(reading).toMatchObject({ state: "late", units: 2, partly: true });
    expect(planOrderCase(reading, null, words, thursday).open?.reason).toBe(
      "2 items still not shipped (partly fulfilled): Wool Socks (2 of 3). Due to ship by Wed 18 Nov (handling time 2 business days).",
    );
  });

  it("an open case stays open, with nothing new, while lines still wait", () => {
    const reading = readFulfillment(order(), handling, NY, thursday);
    expect(planOrderCase(reading, { id: 7, status: "open", resolvedBy: null }, words, thursday)).toEqual({ open: null, resolve: null, nextCheckAt: null });
    expect(planOrderCase(reading, { id: 7, status: "snoozed", resolvedBy: null }, words, thursday)).toEqual({ open: null, resolve: null, nextCheckAt: null });
  });

  const settled: [string, Partial<OrderFulfillmentFacts>, string][] = [
    ["everything shipped", { waitingLines: [], fulfillmentStatus: "fulfilled" }, "Every item has shipped."],
    ["the order was cancelled", { cancelledAt: thursday }, "The order was cancelled."],
    ["the order was closed", { closedAt: thursday }, "The order was closed (archived)."],
    ["only no-shipping lines are left", { waitingLines: [], fulfillmentStatus: "partial" }, "Nothing is left to ship."],
  ];
  it.each(settled)("the case resolves itself once %s", (_, over, why) => {
    const reading = readFulfillment(order(over), handling, NY, thursday);
    expect(reading.state).toBe("settled");
    expect(planOrderCase(reading, { id: 7, status: "open", resolvedBy: null }, words, thursday)).toEqual({ open: null, resolve: { caseId: 7, why }, nextCheckAt: null });
  });

  it("a case a person resolved stands while the same wait goes on; after it resolved itself, a new wait opens one", () => {
    const reading = readFulfillment(order(), handling, NY, thursday);
    expect(planOrderCase(reading, { id: 7, status: "resolved", resolvedBy: "staff:42" }, words, thursday).open).toBeNull();
    expect(planOrderCase(reading, { id: 7, status: "resolved", resolvedBy: "shipwatch" }, words, thursday).open).not.toBeNull();
  });

  it("an order waiting more than its handling time again past the deadline opens as high priority", () => {
    const late = Date.parse("2026-11-23T09:00:00-05:00");
    const reading = readFulfillment(order(), handling, NY, late);
    expect(planOrderCase(reading, null, words, late).open?.priority).toBe("high");
  });

  it("names at most five lines, and counts the rest", () => {
    const lines = Array.from({ length: 7 }, (_, i) => ({ lineId: String(i), title: `Item ${i}`, quantity: 1, waiting: 1 }));
    const reading = readFulfillment(order({ waitingLines: lines }), handling, NY, thursday);
    if (reading.state !== "late") throw new Error("expected late");
    expect(lateReason(reading, "America/New_York")).toBe(
      "7 items not shipped: Item 0 (1 of 1), Item 1 (1 of 1), Item 2 (1 of 1), Item 3 (1 of 1), Item 4 (1 of 1), and 2 more lines. Due to ship by Wed 18 Nov (handling time 2 business days).",
    );
  });
});
