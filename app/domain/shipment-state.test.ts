import { describe, expect, it } from "vitest";
import {
  compareEvents,
  deriveShipmentState,
  normalizeOrderName,
  orderNameFromFulfillmentName,
  shipmentKeyFor,
  type FulfillmentSnapshot,
  type TimelineEvent,
} from "./shipment-state";

const t = (iso: string) => Date.parse(iso);
const ev = (eventKey: string, status: TimelineEvent["status"], at: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({
  eventKey,
  status,
  reason: null,
  happenedAt: t(at),
  estimatedDeliveryAt: null,
  deleted: false,
  ...extra,
});
const fulfillment = (extra: Partial<FulfillmentSnapshot> = {}): FulfillmentSnapshot => ({
  status: "success",
  shipmentStatus: null,
  createdAt: t("2026-11-02T10:00:00Z"),
  updatedAt: t("2026-11-02T10:00:00Z"),
  ...extra,
});

describe("deriveShipmentState", () => {
  const journey = [
    ev("fe:1", "label_created", "2026-11-02T10:05:00Z"),
    ev("fe:2", "picked_up", "2026-11-02T18:00:00Z"),
    ev("fe:3", "in_transit", "2026-11-03T02:00:00Z", { estimatedDeliveryAt: t("2026-11-05T00:00:00Z") }),
    ev("fe:4", "in_transit", "2026-11-03T09:00:00Z"),
    ev("fe:5", "out_for_delivery", "2026-11-04T08:00:00Z"),
  ];

  it.each([
    ["no fulfillment and no events", null, [], { status: "label_created", eventCount: 0 }],
    ["a fulfillment with no events is a label nobody scanned", fulfillment(), [], { status: "label_created", statusChangedAt: t("2026-11-02T10:00:00Z") }],
    [
      "the fulfillment's own shipment_status stands in while no event exists",
      fulfillment({ shipmentStatus: { status: "in_transit", reason: null } }),
      [],
      { status: "in_transit", lastCarrierScanAt: null },
    ],
    [
      "events win over the fulfillment's shipment_status",
      fulfillment({ shipmentStatus: { status: "delivered", reason: null } }),
      journey.slice(0, 3),
      { status: "in_transit" },
    ],
    [
      "the latest event by happened-at, not by arrival",
      fulfillment(),
      [journey[4]!, journey[0]!, journey[2]!],
      { status: "out_for_delivery", lastEventAt: t("2026-11-04T08:00:00Z"), eventCount: 3 },
    ],
    [
      "label created is not a carrier scan",
      fulfillment(),
      [journey[0]!],
      { status: "label_created", firstCarrierScanAt: null, lastCarrierScanAt: null },
    ],
    [
      "first and last carrier scans",
      fulfillment(),
      journey,
      { firstCarrierScanAt: t("2026-11-02T18:00:00Z"), lastCarrierScanAt: t("2026-11-04T08:00:00Z"), estimatedDeliveryAt: t("2026-11-05T00:00:00Z") },
    ],
    [
      "status changed when the final run of that status began",
      fulfillment(),
      journey.slice(0, 4),
      { status: "in_transit", statusChangedAt: t("2026-11-03T02:00:00Z") },
    ],
    [
      "delivered: delivered-at set, ETA cleared",
      fulfillment(),
      [...journey, ev("fe:6", "delivered", "2026-11-04T13:00:00Z")],
      { status: "delivered", deliveredAt: t("2026-11-04T13:00:00Z"), estimatedDeliveryAt: null },
    ],
    [
      "delivery attempts are counted",
      fulfillment(),
      [
        ev("fe:7", "attempted_delivery", "2026-11-04T14:00:00Z", { reason: "recipient_unavailable" }),
        ev("fe:8", "attempted_delivery", "2026-11-05T14:00:00Z", { reason: "recipient_unavailable" }),
      ],
      { status: "attempted_delivery", reason: "recipient_unavailable", deliveryAttempts: 2 },
    ],
    [
      "a deleted event leaves the timeline, whichever copy arrived first",
      fulfillment(),
      [...journey, ev("fe:5", "out_for_delivery", "2026-11-04T08:00:00Z", { deleted: true })],
      { status: "in_transit", eventCount: 4 },
    ],
    [
      "a cancelled fulfillment is flagged",
      fulfillment({ status: "cancelled" }),
      journey.slice(0, 2),
      { cancelled: true, status: "picked_up" },
    ],
  ])("%s", (_name, f, events, expected) => {
    expect(deriveShipmentState(f, events)).toMatchObject(expected);
  });

  it("keeps, for each event, the status it followed", () => {
    const state = deriveShipmentState(fulfillment(), [journey[2]!, journey[0]!, journey[1]!]);
    expect([...state.previousStatusByEvent]).toEqual([
      ["fe:1", null],
      ["fe:2", "label_created"],
      ["fe:3", "picked_up"],
    ]);
  });

  it("orders ties on happened-at by stage of the journey, then key: the order is total", () => {
    const same = "2026-11-04T13:00:00Z";
    const delivered = ev("fe:b", "delivered", same);
    const ofd = ev("fe:a", "out_for_delivery", same);
    expect(deriveShipmentState(fulfillment(), [delivered, ofd]).status).toBe("delivered");
    expect(deriveShipmentState(fulfillment(), [ofd, delivered]).status).toBe("delivered");
    expect(compareEvents(ev("fe:1", "in_transit", same), ev("fe:2", "in_transit", same))).toBeLessThan(0);
    expect(compareEvents(ev("fe:2", "in_transit", same), ev("fe:1", "in_transit", same))).toBeGreaterThan(0);
  });
});

describe("names and keys", () => {
  it.each([
    ["1001", "#1001"],
    ["#1001", "#1001"],
    ["  #1001 ", "#1001"],
  ])("normalizeOrderName(%j) = %j", (input, expected) => expect(normalizeOrderName(input)).toBe(expected));

  it.each([
    ["#1001.1", "#1001"],
    ["#1001.12", "#1001"],
    ["SW-1001.2", "SW-1001"],
    ["#1001", "#1001"],
    [null, null],
  ])("orderNameFromFulfillmentName(%j) = %j", (input, expected) => expect(orderNameFromFulfillmentName(input)).toBe(expected));

  it.each([
    ["1z999aa1 0123456784", "9", "1Z999AA10123456784"],
    [null, "55", "fulfillment:55"],
    ["   ", "56", "fulfillment:56"],
  ])("shipmentKeyFor(%j, %j) = %j", (number, fulfillmentId, expected) => expect(shipmentKeyFor(number, fulfillmentId)).toBe(expected));
});
