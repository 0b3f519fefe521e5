/**
 * Shipwatch's operating vocabulary: one status and, separately, one reason.
 * Keeping them apart is what lets escalation rules say "delayed because of weather"
 * (see docs/decisions/0002-status-and-reason.md). The values are part of the public
 * contract (storefront lookup, Support API): never rename one.
 */

export const SHIPMENT_STATUSES = [
  "unknown",
  "label_created",
  "picked_up",
  "in_transit",
  "delayed",
  "out_for_delivery",
  "available_for_pickup",
  "attempted_delivery",
  "delivered",
  "exception",
  "returning_to_sender",
  "returned_to_sender",
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const STATUS_REASONS = [
  "weather",
  "address_issue",
  "damaged",
  "lost",
  "refused",
  "customs",
  "held_at_facility",
  "recipient_unavailable",
  "business_closed",
  "carrier_delay",
  "other",
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

export function isShipmentStatus(value: unknown): value is ShipmentStatus {
  return typeof value === "string" && (SHIPMENT_STATUSES as readonly string[]).includes(value);
}

export function isStatusReason(value: unknown): value is StatusReason {
  return typeof value === "string" && (STATUS_REASONS as readonly string[]).includes(value);
}

/** Words a shopper reads. Support sees the same words. */
export const STATUS_LABELS: Record<ShipmentStatus, string> = {
  unknown: "Status unavailable",
  label_created: "Packed, waiting for the carrier",
  picked_up: "Picked up by the carrier",
  in_transit: "On its way",
  delayed: "Delayed",
  out_for_delivery: "Out for delivery",
  available_for_pickup: "Ready for pickup",
  attempted_delivery: "Delivery attempted",
  delivered: "Delivered",
  exception: "Problem with delivery",
  returning_to_sender: "Returning to sender",
  returned_to_sender: "Returned to sender",
};

export const REASON_LABELS: Record<StatusReason, string> = {
  weather: "Weather",
  address_issue: "Address problem",
  damaged: "Damaged",
  lost: "Lost",
  refused: "Refused",
  customs: "Customs",
  held_at_facility: "Held at a carrier facility",
  recipient_unavailable: "Nobody available to receive it",
  business_closed: "Business closed",
  carrier_delay: "Carrier delay",
  other: "Other",
};

/**
 * Statuses that say the carrier physically has the package. `label_created` is not movement:
 * a label can sit in a warehouse for days, and silence detection depends on telling the two apart.
 */
export const CARRIER_SCAN_STATUSES: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>([
  "picked_up",
  "in_transit",
  "delayed",
  "out_for_delivery",
  "available_for_pickup",
  "attempted_delivery",
  "delivered",
  "exception",
  "returning_to_sender",
  "returned_to_sender",
]);

/** A shipment in one of these states needs no more watching. */
export const TERMINAL_STATUSES: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>([
  "delivered",
  "returned_to_sender",
]);

/** The progress bar's milestones, in order. */
export const MILESTONES = ["label_created", "in_transit", "out_for_delivery", "delivered"] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Where a status sits on the progress bar (index into MILESTONES), or null when it is off the happy path. */
export function milestoneOf(status: ShipmentStatus): number | null {
  switch (status) {
    case "label_created":
      return 0;
    case "picked_up":
    case "in_transit":
    case "delayed":
      return 1;
    case "out_for_delivery":
    case "available_for_pickup":
    case "attempted_delivery":
      return 2;
    case "delivered":
      return 3;
    default:
      return null;
  }
}
