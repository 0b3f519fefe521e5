import { describe, expect, it } from "vitest";
import { normalizeShopifyStatus } from "~/domain/normalize";
import { normalizeUps } from "~/domain/ups-track";
import { asUpsScan, upsParcels } from "./carrier-account";
import { deletedEventIds } from "./feed-only";
import { simulateStore } from "./simulated-store";

const SHOP = "carrier-account-test.myshopify.com";
const END = new Date("2026-11-30T18:00:00Z");

describe("the demo's UPS account", () => {
  it("UPS's copy of each scan reads as the same status and reason as Shopify's", () => {
    const store = simulateStore({ seed: 42, shipments: 400, shop: SHOP, end: END });
    const scans = store.deliveries.filter((d) => d.topic === "fulfillment_events/create").map((d) => d.payload as { status: string; message: string | null });
    expect(new Set(scans.map((s) => s.status)).size).toBeGreaterThan(8);
    const differing = scans.flatMap((s) => {
      const shopify = normalizeShopifyStatus({ source: "shopify_fulfillment_event", code: s.status, message: s.message });
      const ups = normalizeUps({ code: asUpsScan(s.status, s.message), message: s.message });
      return shopify.status === ups.status && shopify.reason === ups.reason && ups.mapped ? [] : [`${s.status} "${s.message}": ${shopify.status}/${shopify.reason} vs ${ups.status}/${ups.reason}`];
    });
    expect(differing).toEqual([]);
  });

  it("holds every UPS number with its fulfillment's scans, once each, none that Shopify deleted", () => {
    const store = simulateStore({ seed: 7, shipments: 600, shop: SHOP, end: END });
    const parcels = upsParcels(store);
    const ups = store.intended.filter((i) => i.carrierCode === "ups");
    expect(ups.length).toBeGreaterThan(50);
    expect([...parcels.keys()].sort()).toEqual(ups.map((i) => i.trackingNumber).sort());
    const deleted = deletedEventIds(store);
    for (const i of ups) {
      const events = new Map(
        store.deliveries
          .filter((d) => d.topic === "fulfillment_events/create" && d.payload.fulfillment_id === i.fulfillmentId && !deleted.has(String(d.payload.id)))
          .map((d) => [String(d.payload.id), d.payload as { happened_at: string }]),
      );
      const scans = parcels.get(i.trackingNumber)!;
      expect(scans, i.trackingNumber).toHaveLength(events.size);
      expect(scans.map((s) => Date.parse(s.at))).toEqual([...events.values()].map((e) => Date.parse(e.happened_at)));
      for (const s of scans) expect(s.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    }
  });
});
