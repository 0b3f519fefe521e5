import { describe, expect, it } from "vitest";
import { detectCarriers } from "~/domain/carriers";
import { easyPostCode, normalizeEasyPost } from "~/domain/easypost";
import { normalizeShopifyStatus } from "~/domain/normalize";
import { asEasyPostScan, routeThroughFeeds } from "./feed-only";
import { simulateStore } from "./simulated-store";

const SHOP = "feed-only-test.myshopify.com";
const END = new Date("2026-11-30T18:00:00Z");

describe("the demo's feed-only carriers", () => {
  it("EasyPost's copy of each scan reads as the same status and reason as Shopify's", () => {
    const store = simulateStore({ seed: 42, shipments: 400, shop: SHOP, end: END });
    const scans = store.deliveries.filter((d) => d.topic === "fulfillment_events/create").map((d) => d.payload as { status: string; message: string | null });
    expect(scans.length).toBeGreaterThan(1000);
    const differing = scans.flatMap((s) => {
      const shopify = normalizeShopifyStatus({ source: "shopify_fulfillment_event", code: s.status, message: s.message });
      const easypost = normalizeEasyPost({ code: easyPostCode(...asEasyPostScan(s.status, s.message)), message: s.message });
      return shopify.status === easypost.status && shopify.reason === easypost.reason ? [] : [`${s.status} "${s.message}": ${shopify.status}/${shopify.reason} vs ${easypost.status}/${easypost.reason}`];
    });
    expect(differing).toEqual([]);
  });

  it("OnTrac parcels get no Shopify scans; their scans come as cumulative EasyPost events; mirrored parcels keep Shopify's too", () => {
    const store = simulateStore({ seed: 7, shipments: 600, shop: SHOP, end: END });
    const before = new Map(store.intended.map((i) => [i.fulfillmentId, i.trackingNumber]));
    const routing = routeThroughFeeds(store);
    expect(routing.feedOnly.size).toBeGreaterThan(15);
    expect(routing.mirrored.size).toBeGreaterThan(3);

    const onTrac = store.intended.filter((i) => routing.feedOnly.has(i.trackingNumber.toUpperCase()));
    expect(onTrac).toHaveLength(routing.feedOnly.size);
    const onTracFulfillments = new Set(onTrac.map((i) => String(i.fulfillmentId)));
    for (const i of onTrac) {
      expect(i.carrierCode).toBe("ontrac");
      expect(i.trackingNumber).toMatch(/^C\d{14}$/);
      // a real OnTrac number ends in OnTrac's check digit, so it reads as OnTrac wherever it is quoted (a ticket)
      expect(detectCarriers(i.trackingNumber).filter((c) => c.score >= 70).map((c) => c.carrier.code), i.trackingNumber).toContain("ontrac");
    }
    const oldNumbers = onTrac.map((i) => before.get(i.fulfillmentId)!);
    const shopify = routing.deliveries.flatMap((d) => (d.kind === "shopify" ? [d.delivery] : []));
    for (const d of shopify) {
      const text = JSON.stringify(d.payload);
      expect(oldNumbers.filter((n) => text.includes(n))).toEqual([]);
      if (d.topic.startsWith("fulfillment_events/")) expect(onTracFulfillments.has(String(d.payload.fulfillment_id))).toBe(false);
      if (d.topic.startsWith("fulfillments/") && onTracFulfillments.has(String(d.payload.id))) {
        expect(d.payload).toMatchObject({ tracking_company: "OnTrac", shipment_status: null, tracking_urls: [] });
      }
    }

    const events = routing.deliveries.flatMap((d) => (d.kind === "easypost" ? [d] : []));
    expect(events).toHaveLength(routing.easypostEvents);
    const lengths = new Map<string, number>();
    for (const e of events) {
      const body = JSON.parse(e.body) as { description: string; result: { tracking_code: string; tracking_details: unknown[] } };
      expect(body.description).toBe("tracker.updated");
      expect(body.result.tracking_code).toBe(e.tracking);
      // each event carries the whole history so far: one more scan than the tracker's last event
      expect(body.result.tracking_details).toHaveLength((lengths.get(e.tracking) ?? 0) + 1);
      lengths.set(e.tracking, body.result.tracking_details.length);
      expect(routing.feedOnly.has(e.tracking.toUpperCase()) || routing.mirrored.has(e.tracking.toUpperCase())).toBe(true);
    }
    // a mirrored parcel's Shopify scans are all still sent
    const mirrored = store.intended.find((i) => routing.mirrored.has(i.trackingNumber.toUpperCase()))!;
    const shopifyScans = shopify.filter((d) => d.topic === "fulfillment_events/create" && String(d.payload.fulfillment_id) === String(mirrored.fulfillmentId));
    expect(shopifyScans.length).toBeGreaterThan(0);
    expect(lengths.get(mirrored.trackingNumber)).toBeGreaterThan(0);
  });
});
