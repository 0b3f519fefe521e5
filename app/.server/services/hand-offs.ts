import type { Clock } from "~/domain/clock";
import type { HandOff } from "~/domain/hand-offs";
import type { ShipmentLegRecord, ShipmentLegRepository, ShipmentRecord, ShipmentRepository } from "../ports";

export type HandOffs = ReturnType<typeof createHandOffs>;

/**
 * Multi-leg parcels: a feed or a carrier's Track API says the parcel went on to another carrier under a new number.
 * The number becomes a leg of the same shipment, so that number's scans (from any source) land on the one timeline
 * and a shopper looking it up finds the same parcel; the sources the shop has connected are asked to follow it.
 */
export function createHandOffs(deps: {
  legs: ShipmentLegRepository;
  shipments: Pick<ShipmentRepository, "getShipmentByTracking">;
  clock: Clock;
  /** the new leg is followed by the shop's other sources (feeds' trackers, carrier polling); `reportedBy` follows it already */
  track?: (shop: string, leg: ShipmentLegRecord, reportedBy: string) => Promise<void>;
}) {
  return {
    /** Adds the hand-offs a source reported for this shipment; returns the legs that are new (none for a repeat). */
    async record(shop: string, shipment: ShipmentRecord, handOffs: readonly HandOff[], source: string): Promise<ShipmentLegRecord[]> {
      const added: ShipmentLegRecord[] = [];
      for (const h of handOffs) {
        if (h.trackingNumber === shipment.trackingNumber) continue;
        // a number the shop already knows (this parcel's leg, or another parcel of its own) is not taken over
        if (await deps.shipments.getShipmentByTracking(shop, h.trackingNumber)) continue;
        const leg = await deps.legs.add(shop, {
          shipmentId: shipment.id,
          carrierCode: h.carrierCode,
          carrierName: h.carrierName,
          trackingNumber: h.trackingNumber,
          source,
          addedAt: deps.clock.now(),
        });
        if (!leg) continue;
        added.push(leg);
        await deps.track?.(shop, leg, source);
      }
      return added;
    },
  };
}
