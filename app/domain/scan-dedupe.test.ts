import { describe, expect, it } from "vitest";
import { repeatedScans, samePlace, SAME_SCAN_WINDOW_MS, sameScan, type SourcedScan } from "./scan-dedupe";

const T = Date.parse("2026-11-03T13:00:00Z");
const scan = (over: Partial<SourcedScan>): SourcedScan => ({
  eventKey: "k",
  source: "shopify_fulfillment_event",
  status: "in_transit",
  happenedAt: T,
  location: "Toronto, Ontario, Canada",
  receivedAt: T,
  deleted: false,
  ...over,
});

describe("one scan from two sources", () => {
  it("is the same scan: other source, same status, within minutes, same city however written", () => {
    const shopify = scan({ eventKey: "fe:1" });
    const feed = scan({ eventKey: "easypost:1", source: "easypost", happenedAt: T + 4 * 60_000, location: "TORONTO, ON, CA" });
    expect(sameScan(shopify, feed)).toBe(true);
    expect(sameScan(shopify, { ...feed, status: "out_for_delivery" })).toBe(false);
    expect(sameScan(shopify, { ...feed, happenedAt: T + SAME_SCAN_WINDOW_MS + 1 })).toBe(false);
    expect(sameScan(shopify, { ...feed, location: "Ottawa, ON, CA" })).toBe(false);
    // one source's two scans are never merged: a carrier may really scan twice
    expect(sameScan(shopify, { ...shopify, eventKey: "fe:2" })).toBe(false);
  });

  it("an unknown place contradicts nothing", () => {
    expect(samePlace(null, "Toronto, ON, CA")).toBe(true);
    expect(samePlace("Toronto", null)).toBe(true);
    expect(samePlace("Montréal, QC", "montreal, qc")).toBe(false);
    expect(samePlace("Montréal, QC", "MONTRÉAL")).toBe(true);
  });

  it("retires the copy received later, whichever source it is", () => {
    const shopifyFirst = [scan({ eventKey: "fe:1", receivedAt: T }), scan({ eventKey: "easypost:1", source: "easypost", receivedAt: T + 1000, happenedAt: T + 60_000 })];
    expect(repeatedScans(shopifyFirst)).toEqual(["easypost:1"]);
    const feedFirst = [scan({ eventKey: "fe:1", receivedAt: T + 1000 }), scan({ eventKey: "easypost:1", source: "easypost", receivedAt: T })];
    expect(repeatedScans(feedFirst)).toEqual(["fe:1"]);
  });

  it("two real scans minutes apart at one facility stay two when both sources report both", () => {
    const events = [
      scan({ eventKey: "fe:arrived", happenedAt: T, receivedAt: T }),
      scan({ eventKey: "fe:departed", happenedAt: T + 5 * 60_000, receivedAt: T + 1 }),
      scan({ eventKey: "easypost:arrived", source: "easypost", happenedAt: T, receivedAt: T + 2 }),
      scan({ eventKey: "easypost:departed", source: "easypost", happenedAt: T + 5 * 60_000, receivedAt: T + 3 }),
    ];
    expect(repeatedScans(events).sort()).toEqual(["easypost:arrived", "easypost:departed"]);
  });

  it("ignores deleted events and single-source timelines", () => {
    expect(repeatedScans([scan({ eventKey: "a" }), scan({ eventKey: "b" })])).toEqual([]);
    expect(repeatedScans([scan({ eventKey: "fe:1", deleted: true }), scan({ eventKey: "easypost:1", source: "easypost" })])).toEqual([]);
  });
});
