import type { EstimatedDelivery } from "~/domain/estimate";
import type { TransitModel } from "~/domain/transit-model";

/** Ports — the shop's transit-time model (app/domain/transit-model.ts) as stored: additive counts, one row per bucket. */

/** One histogram bucket a delivery counts into. */
export interface TransitCountIncrement {
  histogram: string;
  /** 0 … TRANSIT_BUCKETS - 1 */
  bucket: number;
}

export interface TransitModelRepository {
  /** the shop's model as counted so far (an empty model for a shop with no deliveries learned) */
  load(shop: string): Promise<TransitModel>;
  /**
   * Counts one delivered shipment into the shop's model, exactly once: in one transaction, the shipment's
   * `ROLLED_UP.learned` bit is set only where it was clear, and only then is each histogram's bucket counted up
   * by one (`countsOf` in transit-model.ts: the lane and its roll-ups, on each clock, each with its own bucket).
   * Two workers learning the same shipment at once, or a retry, count it once. True when counted now.
   */
  learn(shop: string, shipmentId: number, counts: readonly TransitCountIncrement[]): Promise<boolean>;
  /** the first estimate each shipment was given, written only where none is stored yet; how many were written */
  setFirstEstimates(shop: string, estimates: readonly { id: number; estimate: EstimatedDelivery }[]): Promise<number>;
}
