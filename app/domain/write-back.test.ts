import { describe, expect, it } from "vitest";
import { normalizeShopifyStatus } from "./normalize";
import { SHIPMENT_STATUSES } from "./status";
import { fulfillmentEventInput, WRITE_BACK_MAX_AGE_MS, writeBackDecision, type WriteBackScan } from "./write-back";

const NOW = Date.parse("2026-12-06T12:00:00Z");
const scan = (over: Partial<WriteBackScan> = {}): WriteBackScan => ({
  source: "easypost",
  status: "in_transit",
  rawMessage: "Departed facility",
  happenedAt: NOW - 3_600_000,
  estimatedDeliveryAt: null,
  location: "Ottawa, ON, CA",
  deletedAt: null,
  ...over,
});

describe("write-back decision", () => {
  it("never writes Shopify's own events back (the loop guard)", () => {
    expect(writeBackDecision(scan({ source: "shopify_fulfillment_event" }), NOW)).toEqual({ write: false, why: "from_shopify" });
    expect(writeBackDecision(scan({ source: "shopify_shipment_status" }), NOW)).toEqual({ write: false, why: "from_shopify" });
  });

  it("skips a retired scan (a second copy of one Shopify already gave) and history older than two weeks", () => {
    expect(writeBackDecision(scan({ deletedAt: NOW }), NOW)).toEqual({ write: false, why: "retired" });
    expect(writeBackDecision(scan({ happenedAt: NOW - WRITE_BACK_MAX_AGE_MS - 1 }), NOW)).toEqual({ write: false, why: "too_old" });
    expect(writeBackDecision(scan({ happenedAt: NOW - WRITE_BACK_MAX_AGE_MS + 60_000 }), NOW)).toEqual({ write: true, status: "IN_TRANSIT" });
  });

  it("writes only statuses whose Shopify echo reads back as the same status", () => {
    for (const status of SHIPMENT_STATUSES) {
      const decision = writeBackDecision(scan({ status, rawMessage: null }), NOW);
      if (!decision.write) {
        expect(["unknown", "returning_to_sender", "returned_to_sender"]).toContain(status);
        continue;
      }
      // Shopify sends the event back as fulfillment_events/create with the enum lower-cased: it must read as what was written
      expect(normalizeShopifyStatus({ source: "shopify_fulfillment_event", code: decision.status.toLowerCase(), message: null }).status).toBe(status);
    }
  });
});

describe("fulfillmentEventCreate input", () => {
  it("names the fulfillment by gid and gives the place back in its parts", () => {
    const input = fulfillmentEventInput("5123", scan({ estimatedDeliveryAt: Date.parse("2026-12-08T00:00:00Z") }), "IN_TRANSIT");
    expect(input).toEqual({
      fulfillmentId: "gid://shopify/Fulfillment/5123",
      status: "IN_TRANSIT",
      happenedAt: "2026-12-06T11:00:00.000Z",
      message: "Departed facility",
      city: "Ottawa",
      province: "ON",
      country: "CA",
      estimatedDeliveryAt: "2026-12-08T00:00:00.000Z",
    });
    expect(fulfillmentEventInput("gid://shopify/Fulfillment/9", scan({ location: "Memphis, US" }), "DELIVERED")).toMatchObject({ fulfillmentId: "gid://shopify/Fulfillment/9", city: "Memphis", province: null, country: "US" });
    expect(fulfillmentEventInput("9", scan({ location: null }), "DELIVERED")).toMatchObject({ city: null, province: null, country: null });
  });
});
