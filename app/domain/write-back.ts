/**
 * Write-back: scans Shipwatch learned from a tracking feed or a carrier's API, written to Shopify as fulfillment
 * events (Admin GraphQL `fulfillmentEventCreate`), so the order status page and the Shop app show them too.
 * Only what Shopify does not already have goes back: never an event Shopify sent (the loop), never a feed's copy
 * of a scan Shopify already relayed (retired as a second copy), never a scan too old to matter to a shopper.
 */
import type { ShipmentStatus } from "./status";

/** Shopify's FulfillmentEventStatus for each of Shipwatch's statuses; null: nothing Shopify could show truthfully. */
const SHOPIFY_EVENT_STATUS: Readonly<Record<ShipmentStatus, string | null>> = {
  unknown: null,
  label_created: "LABEL_PRINTED",
  picked_up: "CARRIER_PICKED_UP",
  in_transit: "IN_TRANSIT",
  delayed: "DELAYED",
  out_for_delivery: "OUT_FOR_DELIVERY",
  available_for_pickup: "READY_FOR_PICKUP",
  attempted_delivery: "ATTEMPTED_DELIVERY",
  delivered: "DELIVERED",
  exception: "FAILURE",
  // Shopify has no return statuses, and its echo of a stand-in status would read back as another status
  returning_to_sender: null,
  returned_to_sender: null,
};

/** A scan older than this is history: Shopify's timeline would show it out of place, and no shopper waits on it. */
export const WRITE_BACK_MAX_AGE_MS = 14 * 24 * 3_600_000;

export interface WriteBackScan {
  source: string;
  status: ShipmentStatus;
  rawMessage: string | null;
  happenedAt: number;
  estimatedDeliveryAt: number | null;
  location: string | null;
  /** set when the scan was deleted, or retired as a second copy of a scan another source (Shopify) already gave */
  deletedAt: number | null;
}

export type WriteBackDecision =
  | { write: true; status: string }
  | { write: false; why: "from_shopify" | "retired" | "too_old" | "no_shopify_status" };

/** Whether one stored scan goes back to Shopify. */
export function writeBackDecision(scan: WriteBackScan, now: number): WriteBackDecision {
  // the loop guard: Shopify's own events, and anything Shopify relayed, never go back
  if (scan.source.startsWith("shopify")) return { write: false, why: "from_shopify" };
  if (scan.deletedAt !== null) return { write: false, why: "retired" };
  if (now - scan.happenedAt > WRITE_BACK_MAX_AGE_MS) return { write: false, why: "too_old" };
  const status = SHOPIFY_EVENT_STATUS[scan.status];
  if (!status) return { write: false, why: "no_shopify_status" };
  return { write: true, status };
}

export interface FulfillmentEventInput {
  fulfillmentId: string;
  status: string;
  happenedAt: string;
  message: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
  estimatedDeliveryAt: string | null;
}

/**
 * The mutation's input. The place goes back in the parts it came in ("Ottawa, ON, CA"), so Shopify's echo of the
 * event (its fulfillment_events/create webhook) reads as the same place and is retired as a second copy.
 */
export function fulfillmentEventInput(fulfillmentId: string, scan: WriteBackScan, status: string): FulfillmentEventInput {
  const parts = (scan.location ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  const [city, province, country] = parts.length >= 3 ? [parts[0]!, parts[1]!, parts.slice(2).join(", ")] : parts.length === 2 ? [parts[0]!, null, parts[1]!] : [parts[0] ?? null, null, null];
  return {
    fulfillmentId: /^gid:/.test(fulfillmentId) ? fulfillmentId : `gid://shopify/Fulfillment/${fulfillmentId}`,
    status,
    happenedAt: new Date(scan.happenedAt).toISOString(),
    message: scan.rawMessage?.slice(0, 255) ?? null,
    city,
    province,
    country,
    estimatedDeliveryAt: scan.estimatedDeliveryAt === null ? null : new Date(scan.estimatedDeliveryAt).toISOString(),
  };
}
