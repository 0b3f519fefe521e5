import type { ShipmentStatus } from "./status";

/**
 * What each state means for the people around a parcel (docs/decisions/0007-status-classes.md):
 * - informational: it only goes on the timeline; the shopper gets no message for reaching it;
 * - customer_facing: a moment the shopper hears about (when the notification policy has it on);
 * - exception: someone has to act; the built-in "Carrier exception" rule opens a case for it when no
 *   more specific rule does.
 */
export const STATUS_CLASSES = ["informational", "customer_facing", "exception"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** Until the merchant says otherwise (Status mapping page). */
export const DEFAULT_STATUS_CLASSES: Record<ShipmentStatus, StatusClass> = {
  unknown: "exception",
  label_created: "customer_facing",
  picked_up: "customer_facing",
  in_transit: "informational",
  delayed: "customer_facing",
  out_for_delivery: "customer_facing",
  available_for_pickup: "customer_facing",
  attempted_delivery: "exception",
  delivered: "customer_facing",
  exception: "exception",
  returning_to_sender: "exception",
  returned_to_sender: "exception",
};

export const isStatusClass = (value: unknown): value is StatusClass => (STATUS_CLASSES as readonly unknown[]).includes(value);

/** A status's class for a shop: the merchant's choice where they made one, the default otherwise. */
export function statusClassOf(status: ShipmentStatus, chosen: Readonly<Partial<Record<string, string>>>): StatusClass {
  const value = chosen[status];
  return isStatusClass(value) ? value : DEFAULT_STATUS_CLASSES[status];
}
