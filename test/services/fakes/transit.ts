import { ROLLED_UP, type TransitModelRepository } from "~/.server/ports";
import type { EstimatedDelivery } from "~/domain/estimate";
import { TRANSIT_BUCKETS, type TransitModel } from "~/domain/transit-model";
import type { FakeStorage } from "./storage";

/**
 * An in-memory TransitModelRepository that keeps the adapter's promises (adapters/transit-counts.ts): counts only
 * add up, a shipment is learned from once (its ROLLED_UP.learned bit, checked and set in one step, as the adapter's
 * conditional UPDATE does), a first estimate is written only where none is, and every call is scoped by the shop.
 */
export function createFakeTransitCounts(storage: FakeStorage) {
  const counts = new Map<string, Map<string, number[]>>();
  const learned = new Set<string>();
  const firstEstimates = new Map<string, EstimatedDelivery>();
  let loads = 0;
  const key = (shop: string, id: number) => `${shop}\n${id}`;

  const repository: TransitModelRepository = {
    async load(shop) {
      loads++;
      const model: TransitModel = { version: 1, histograms: {} };
      for (const [histogram, list] of counts.get(shop) ?? []) model.histograms[histogram] = [...list];
      return model;
    },
    async learn(shop, shipmentId, increments) {
      for (const { bucket } of increments) if (!Number.isInteger(bucket) || bucket < 0 || bucket >= TRANSIT_BUCKETS) throw new RangeError(`bucket ${bucket}`);
      const row = storage.tables.shipment(shop, shipmentId);
      if (!row || (row.rolledUp & ROLLED_UP.learned) !== 0 || learned.has(key(shop, shipmentId))) return false;
      learned.add(key(shop, shipmentId));
      const byHistogram = counts.get(shop) ?? new Map<string, number[]>();
      counts.set(shop, byHistogram);
      for (const [histogram, bucket] of new Map(increments.map((c) => [c.histogram, c.bucket]))) {
        const list = byHistogram.get(histogram) ?? [];
        while (list.length <= bucket) list.push(0);
        list[bucket]! += 1;
        byHistogram.set(histogram, list);
      }
      return true;
    },
    async setFirstEstimates(shop, estimates) {
      let written = 0;
      for (const { id, estimate } of estimates) {
        const row = storage.tables.shipment(shop, id);
        if (!row || row.firstEstimate !== null || firstEstimates.has(key(shop, id))) continue;
        firstEstimates.set(key(shop, id), { ...estimate });
        written++;
      }
      return written;
    },
  };
  return {
    repository,
    /** the count in one histogram bucket */
    count: (shop: string, histogram: string, bucket: number) => counts.get(shop)?.get(histogram)?.[bucket] ?? 0,
    /** every count of a shop, summed */
    total: (shop: string) => [...(counts.get(shop)?.values() ?? [])].reduce((sum, list) => sum + list.reduce((a, b) => a + b, 0), 0),
    firstEstimate: (shop: string, id: number) => firstEstimates.get(key(shop, id)) ?? null,
    loads: () => loads,
  };
}
