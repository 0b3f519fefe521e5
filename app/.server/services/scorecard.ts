import type { CarrierCode } from "~/domain/carriers";
import { SHIPMENT_STATUSES } from "~/domain/status";
import { zoneForDestination } from "~/domain/time-zones";
import { normalizeService, regionKey } from "~/domain/transit-model";
import {
  buildDashboard,
  buildScorecard,
  DAILY_METRICS,
  dayOfInstant,
  dimensionKey,
  judgeDelivery,
  keyPart,
  METRIC,
  previousRange,
  SCORECARD_METRICS,
  TRANSIT_STEP,
  transitBucket,
  transitDaysOf,
  type Dashboard,
  type RollUpIncrement,
  type Scorecard,
  type ScorecardRange,
} from "~/domain/scorecard";
import {
  ROLLED_UP,
  ROLLED_UP_STATUS_MASK,
  ROLLED_UP_STATUS_SHIFT,
  SCORECARD_BITS,
  STATUS_WITHDRAWN,
  type EvaluationSubscriber,
  type ScorecardStore,
  type ShipmentRecord,
  type ShipmentRollUp,
} from "../ports";

export type ScorecardService = ReturnType<typeof createScorecard>;

/**
 * The scorecard: answers from the daily roll-ups (never a scan of shipments), and keeps the shipments' part of
 * them up to date as the exception desk evaluates them (`subscriber`). Cases, messages and lookups are counted
 * where they are written (the evaluation store, the case repository, the outbox, the lookup counter).
 */
export function createScorecard(deps: { store: ScorecardStore; zoneOf: (shop: string) => Promise<string> }) {
  const { store, zoneOf } = deps;

  /**
   * Told of every evaluated batch: counts each shipment's facts not yet counted (fulfilled, its state in the
   * by-day series, delivered), one transaction for the batch, nothing written for a shipment already counted.
   */
  const subscriber: EvaluationSubscriber = async (shop, evaluated) => {
    let zone: string | null = null;
    const rollUps: ShipmentRollUp[] = [];
    for (const { shipment } of evaluated) {
      if (!needsCounting(shipment)) continue;
      zone ??= await zoneOf(shop);
      const rollUp = rollUpOf(shipment, zone);
      if (rollUp) rollUps.push(rollUp);
    }
    if (rollUps.length) await store.countShipments(shop, rollUps);
    return async () => {};
  };

  return {
    subscriber,
    async scorecard(shop: string, range: ScorecardRange): Promise<Scorecard> {
      return buildScorecard(range, await store.sums(shop, range, SCORECARD_METRICS));
    },
    /** the Home page: this range, the same number of days before it, the daily series and the breakdowns */
    async dashboard(shop: string, range: ScorecardRange): Promise<Dashboard> {
      const [rows, previousRows, dailyRows] = await Promise.all([store.sums(shop, range), store.sums(shop, previousRange(range), SCORECARD_METRICS), store.daily(shop, range, DAILY_METRICS)]);
      return buildDashboard(range, rows, previousRows, dailyRows);
    },
    /** a helpdesk ticket, WISMO or not (the tickets issue calls this where it records one) */
    async countTicket(shop: string, ticket: { at: number; wismo: boolean; shipmentIds: readonly number[] }) {
      const day = dayOfInstant(ticket.at, await zoneOf(shop));
      await store.countTicket(shop, { ...ticket, day });
    },
  };
}

const statusCodeOf = (status: string) => SHIPMENT_STATUSES.indexOf(status as (typeof SHIPMENT_STATUSES)[number]) + 1;
const withdrawn = (s: ShipmentRecord) => s.cancelledAt !== null || s.supersededAt !== null;

/** The scorecard bits the shipment should have now (all it takes to see that nothing is to be written). */
function targetBits(s: ShipmentRecord): number {
  const mine = s.rolledUp & SCORECARD_BITS;
  const delivered = mine & ROLLED_UP.delivered;
  if (withdrawn(s)) return (mine & ROLLED_UP.shipped) === 0 && (mine & ROLLED_UP_STATUS_MASK) === 0 ? mine : delivered | (STATUS_WITHDRAWN << ROLLED_UP_STATUS_SHIFT);
  const nowDelivered = s.status === "delivered" && s.deliveredAt !== null ? ROLLED_UP.delivered : 0;
  return ROLLED_UP.shipped | delivered | nowDelivered | (statusCodeOf(s.status) << ROLLED_UP_STATUS_SHIFT);
}

function needsCounting(s: ShipmentRecord): boolean {
  return targetBits(s) !== (s.rolledUp & SCORECARD_BITS);
}

/**
 * What counting a shipment now takes: the move of its bits and the increments that go with it.
 * - fulfilled: "shipped" on its fulfillment day, taken back if it is cancelled or superseded (a new tracking
 *   number is a new shipment, so the parcel is not counted twice);
 * - its state: the by-day "status" series holds every counted shipment once, under the state last counted (kept
 *   in the bits), moved -1/+1 when the state changes;
 * - delivered, once: transit days (and their histograms by carrier, service and lane), on time against the
 *   promise or the first estimate, and the first estimate's accuracy.
 */
export function rollUpOf(s: ShipmentRecord, shopZone: string): ShipmentRollUp | null {
  const from = s.rolledUp & SCORECARD_BITS;
  const to = targetBits(s);
  if (to === from) return null;
  const day = dayOfInstant(s.shippedAt, shopZone);
  const carrier = keyPart(s.carrierCode);
  const service = normalizeService(s.carrierCode as CarrierCode, s.service);
  const lane = regionKey({ country: s.destinationCountry, province: s.destinationProvince });
  const dim = dimensionKey(carrier, service, lane);
  const increments: RollUpIncrement[] = [];
  const add = (metric: string, key: string, count: number, total = 0) => increments.push({ day, metric, key, count, total });

  const wasShipped = (from & ROLLED_UP.shipped) !== 0;
  const isShipped = (to & ROLLED_UP.shipped) !== 0;
  if (!wasShipped && isShipped) add(METRIC.shipped, dim, 1);
  if (wasShipped && !isShipped) add(METRIC.shipped, dim, -1);
  const oldCode = (from & ROLLED_UP_STATUS_MASK) >> ROLLED_UP_STATUS_SHIFT;
  const newCode = (to & ROLLED_UP_STATUS_MASK) >> ROLLED_UP_STATUS_SHIFT;
  if (oldCode !== newCode) {
    if (oldCode > 0 && oldCode !== STATUS_WITHDRAWN) add(METRIC.status, SHIPMENT_STATUSES[oldCode - 1]!, -1);
    if (newCode > 0 && newCode !== STATUS_WITHDRAWN) add(METRIC.status, SHIPMENT_STATUSES[newCode - 1]!, 1);
  }
  if ((from & ROLLED_UP.delivered) === 0 && (to & ROLLED_UP.delivered) !== 0 && s.deliveredAt !== null) {
    const days = transitDaysOf(s.shippedAt, s.deliveredAt);
    add(METRIC.delivered, dim, 1, days);
    add(METRIC.transit, `${carrier}|${transitBucket(days, TRANSIT_STEP.carrier)}`, 1);
    add(METRIC.transitService, `${carrier}|${keyPart(service)}|${transitBucket(days, TRANSIT_STEP.service)}`, 1);
    add(METRIC.transitLane, `${carrier}|${keyPart(lane)}|${transitBucket(days, TRANSIT_STEP.lane)}`, 1);
    // the delivered day as the recipient counts days, like the estimate shown to them
    const recipientZone = zoneForDestination({ country: s.destinationCountry, region: s.destinationProvince }, shopZone);
    const judged = judgeDelivery({ deliveredAt: s.deliveredAt, deliveredDay: dayOfInstant(s.deliveredAt, recipientZone), promisedBy: s.promisedBy, firstEstimate: s.firstEstimate });
    if (judged.onTime !== null) add(METRIC.onTime, dim, 1, judged.onTime ? 1 : 0);
    if (judged.estimate) add(METRIC.estimate, judged.estimate.inside ? "inside" : "outside", 1, judged.estimate.errorDays);
  }
  return { shipmentId: s.id, from, to, increments };
}
