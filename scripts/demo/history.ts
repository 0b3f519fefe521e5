import { FEED_ONLY_CARRIERS } from "~/domain/easypost";
import type { AdminNode } from "../local-services/fake-shopify-admin";
import { adminTruth } from "./admin-truth";
import { simulateStore, type SimulatedDelivery } from "./simulated-store";

const DAY = 86_400_000;

export interface StoreHistory {
  /** what the Admin API holds for the history's orders (its stand-in serves them to Settings → Import) */
  orders: AdminNode[];
  /** parcels in it, all delivered */
  shipments: number;
  /** the number the month's first order takes: the store's numbering goes on */
  nextOrderNumber: number;
  /** when its last order could have been placed: the month starts after it */
  end: number;
}

/**
 * The store's month before the demo's month, as Shopify's Admin API holds it when the merchant installs: the
 * history Settings → Import brings in (the last 60 days, install's default), from which the shop's transit model
 * starts warm. Simulated like the month, with a seed of its own, ending a day before the month begins.
 *
 * Only its orders whose every parcel was delivered by then, on carriers whose scans Shopify relays, are kept. The
 * others would be last month's open cases, or parcels whose scans only EasyPost holds; the demo's checks account
 * for the month's parcels, and the stand-ins know only the month's feed events. A delivered parcel is also all a
 * transit model learns from.
 */
export function storeHistory(options: { seed: number; shipments: number; shop: string; monthStart: number }): StoreHistory {
  const end = options.monthStart - DAY;
  // days: 29, so that the whole history falls inside the import's 60 days however long the month takes to send
  const store = simulateStore({ seed: historySeed(options.seed), shipments: options.shipments, shop: options.shop, end: new Date(end), days: 29 });
  const unfinished = new Set(store.intended.filter((i) => i.status !== "delivered" || FEED_ONLY_CARRIERS.includes(i.carrierCode)).map((i) => i.orderName));
  const keptNames = new Set(store.intended.map((i) => i.orderName).filter((name) => !unfinished.has(name)));
  const keptIds = new Set<string>();
  for (const d of store.deliveries) if (d.topic === "orders/create" && keptNames.has(String(d.payload.name))) keptIds.add(String(d.payload.id));
  const orderIdOf = (d: SimulatedDelivery) => String(d.topic.startsWith("orders/") ? d.payload.id : d.payload.order_id);
  const kept = store.deliveries.filter((d) => keptIds.has(orderIdOf(d)));
  return {
    orders: adminTruth(kept),
    shipments: store.intended.filter((i) => keptNames.has(i.orderName)).length,
    nextOrderNumber: 1001 + store.orders,
    end,
  };
}

/** A seed of the history's own, fixed by the month's: the same demo seed always has the same past. */
function historySeed(seed: number): number {
  return (Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) >>> 0) % 2_147_483_647;
}
