import type { RollUpIncrement, RollUpRow, ScorecardRange } from "~/domain/scorecard";

/** Ports — the scorecard's roll-ups and the facts of a shipment they have counted. */

/**
 * Bits of `Shipment.rolledUp`: a fact is counted (into ScorecardDay, or into the transit model) in the same
 * transaction that sets its bit, and only when the bit was clear, so retries and two workers count it once.
 */
export const ROLLED_UP = {
  /** counted as fulfilled on its fulfillment day */
  shipped: 1,
  /** counted as delivered (transit time, on time, estimate accuracy) */
  delivered: 2,
  /** learned from by the shop's transit model */
  learned: 4,
} as const;

/**
 * The state last counted in the status-by-day series, kept in `rolledUp` too: bits 4–7 hold the index of the
 * ShipmentStatus counted + 1 (0: none counted; STATUS_WITHDRAWN: counted, then cancelled or superseded). A change
 * is a compare-and-set on these bits, so the -1/+1 move happens once whoever evaluates the shipment.
 */
export const ROLLED_UP_STATUS_SHIFT = 4;
export const ROLLED_UP_STATUS_MASK = 0xf0;
export const STATUS_WITHDRAWN = 15;
/** every bit of `rolledUp` the scorecard owns (the transit model owns `learned`) */
export const SCORECARD_BITS = ROLLED_UP.shipped | ROLLED_UP.delivered | ROLLED_UP_STATUS_MASK;

/** The day ("YYYY-MM-DD" in the shop's zone) of an instant, for one shop: adapters count on that day. */
export type ShopDays = (shop: string) => Promise<(at: number) => string>;

/** A shipment's facts to count: its scorecard bits go from `from` to `to` (a compare-and-set) with the increments. */
export interface ShipmentRollUp {
  shipmentId: number;
  from: number;
  to: number;
  increments: RollUpIncrement[];
}

export interface ScorecardStore {
  /** the range's rows summed by metric and key (only these metrics, when given) */
  sums(shop: string, range: ScorecardRange, metrics?: readonly string[]): Promise<RollUpRow[]>;
  /** the rows of these metrics summed by day, metric and key */
  daily(shop: string, range: ScorecardRange, metrics: readonly string[]): Promise<RollUpRow[]>;
  /**
   * Counts shipments' facts in one transaction: each shipment's increments are written only if its scorecard
   * bits were still `from` (and then set to `to`), so retries and two workers count a fact once. Returns how
   * many shipments were counted.
   */
  countShipments(shop: string, rollUps: readonly ShipmentRollUp[]): Promise<number>;
  /** a helpdesk ticket (WISMO or not) on its day, and the shipments it asks about as asked (ready for the tickets issue) */
  countTicket(shop: string, ticket: { at: number; day: string; wismo: boolean; shipmentIds: readonly number[] }): Promise<void>;
  /** adds increments as they are (bulk loads: the bench, a backfill) */
  addIncrements(shop: string, increments: readonly RollUpIncrement[]): Promise<void>;
}
