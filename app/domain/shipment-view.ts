import type { EstimatedDelivery } from "./estimate";
import type { ShipmentStatus, StatusReason } from "./status";

/**
 * The shipment object of the storefront lookup, the tracking page, the order status extension and the Support
 * API (ARCHITECTURE.md, "Storefront lookup" and "Shipment object, added fields"). One shape, read by shoppers
 * and support alike: the same truth for both.
 */
export interface ShipmentView {
  trackingNumber: string | null;
  carrier: { code: string; name: string };
  trackingUrl: string | null;
  status: ShipmentStatus;
  /** never plain progress ("On its way") while `attention` is set */
  statusLabel: string;
  reason: StatusReason | null;
  /** the end of `estimatedDelivery.latest` in the recipient's zone; never passed for a parcel still coming */
  estimatedDeliveryAt: string | null;
  lastEventAt: string | null;
  events: ShipmentEventView[];
  estimatedDelivery: EstimatedDelivery | null;
  /** set while the shipment has an open case the shopper would notice */
  attention: null | { since: string; message: string };
  items: { title: string; quantity: number }[];
  /** where it goes, never the street */
  destination: { city: string | null; province: string | null; country: string | null };
  /** the story's words (app/domain/story.ts), in the shopper's language: what the page and messages show */
  story: { headline: string; explanation: string; next: string };
}

export interface ShipmentEventView {
  status: ShipmentStatus;
  reason: StatusReason | null;
  happenedAt: string;
  message: string | null;
  location: string | null;
}

export type LookupResult = { found: true; order: { name: string }; shipments: ShipmentView[] } | { found: false };
