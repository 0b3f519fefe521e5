import { calendarFor, carrierHolidays, localParts, zonedTimeToUtc, type BusinessCalendar } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import type { Clock } from "~/domain/clock";
import type { EstimatedDelivery } from "~/domain/estimate";
import { zoneForDestination } from "~/domain/time-zones";
import { countsOf, learnedWindow, trendingLate, type TrendingLate, type TransitModel } from "~/domain/transit-model";
import { ROLLED_UP, type EvaluatedShipment, type EvaluationSubscriber, type ShipmentRecord, type ShopSettingsRecord, type TransitModelRepository } from "../ports";
import { estimateOf, learnedWindowApplies, recipientZone, type LearnedEstimator, type ShipmentFacts as ViewFacts } from "./shipment-views";
import type { ShopProfile } from "./shop-profile";

export type Transit = ReturnType<typeof createTransit>;

/** A carrier's published holidays from the year before `now` to the year after (parcels in flight, history learned). */
export function carrierHolidaysAround(carrier: CarrierCode, now: number, zone: string): string[] {
  const year = localParts(now, zone).year;
  return carrierHolidays(carrier, year - 1, year + 1);
}

/** A learned window in instants, as the estimate (app/domain/estimate.ts) takes it. */
export interface LearnedSpan {
  earliest: number;
  latest: number;
}

/**
 * How long a process trusts its copy of a shop's model. What this process learns drops its copy at once; what
 * another worker learns shows up within this long. A minute: one delivery more or less moves a window by
 * nothing a shopper could see, and a storefront lookup then costs no read of the model.
 */
export const TRANSIT_MODEL_TTL_MS = 60_000;
const SHOPS_KEPT = 5_000;
/** Readings remembered per model (windows and "trending late" verdicts); past this the memory starts again. */
const READINGS_KEPT = 20_000;

/** Shipments the model may not learn from: called off, or replaced by another copy of the parcel. */
const gone = (s: ShipmentRecord) => s.cancelledAt !== null || s.supersededAt !== null;
const delivered = (s: ShipmentRecord) => s.deliveredAt !== null && s.status === "delivered";

/**
 * The shop's transit-time model in use: learning from its deliveries once each, the learned window shown to
 * shoppers, the "trending late" reading the rules see, and the first estimate each parcel was given (the
 * scorecard judges on-time and accuracy by it).
 *
 * Origin region: no table holds the shop's own address yet, so the origin is unknown (null) and the model's
 * lanes read "*" on that side; its domestic scope covers it (transit-model.ts, `laneOf`).
 */
export function createTransit(deps: {
  counts: TransitModelRepository;
  profile: Pick<ShopProfile, "get">;
  clock: Clock;
  /** how long a copy of a shop's model is trusted (TRANSIT_MODEL_TTL_MS); a monotonic timer, not the business clock */
  cacheMs?: number;
}) {
  const { counts, profile, clock } = deps;
  const cacheMs = deps.cacheMs ?? TRANSIT_MODEL_TTL_MS;
  const cache = new Map<string, { model: Promise<TransitModel>; expires: number }>();
  // one calendar object per settings object and carrier: the domain compiles each once (a WeakMap on it)
  const calendars = new WeakMap<ShopSettingsRecord, Map<string, BusinessCalendar>>();
  /**
   * A model's readings, remembered while that copy of the model is in use (a re-read model starts afresh). A
   * window or a verdict costs a few hundred microseconds (time-zone arithmetic), and the same parcel is read
   * again and again the same day (every lookup, every evaluation): it depends on the clock only through the
   * date, so the key holds the date, not the instant.
   */
  const readings = new WeakMap<TransitModel, Map<string, unknown>>();
  const fingerprints = new WeakMap<ShopSettingsRecord, string>();
  function remembered<T>(m: TransitModel, key: string, read: () => T): T {
    let known = readings.get(m);
    if (!known) readings.set(m, (known = new Map()));
    if (known.has(key)) return known.get(key) as T;
    const value = read();
    if (known.size >= READINGS_KEPT) known.clear();
    known.set(key, value);
    return value;
  }
  /** what of the settings a reading depends on: the zone, holidays, carrier working days and cut-off */
  function fingerprintOf(settings: ShopSettingsRecord): string {
    let known = fingerprints.get(settings);
    if (known === undefined) fingerprints.set(settings, (known = JSON.stringify([settings.timezone, settings.holidays, settings.carrierWorkdays, cutoffOf(settings)])));
    return known;
  }
  // an answer or a batch asks the date of one instant for every parcel: the last one is kept
  let lastDay = { now: NaN, zone: "", day: "" };
  function dayOf(now: number, zone: string): string {
    if (lastDay.now !== now || lastDay.zone !== zone) lastDay = { now, zone, day: localParts(now, zone).isoDate };
    return lastDay.day;
  }
  const laneText = (s: ShipmentRecord) => `${s.carrierCode}|${s.service ?? ""}|${s.originCountry ?? ""}|${s.originProvince ?? ""}|${s.destinationCountry ?? ""}|${s.destinationProvince ?? ""}`;
  /**
   * A reading depends on the ship time only through its date on the carrier's calendar and whether it came before
   * the shop's cut-off (the model counts whole days from the day the carrier has the parcel; a window's first day
   * starts no earlier than the ship time, which the caller puts back): readings are remembered per ship date and
   * side of the cut-off, worked out from the start of that date or the cut-off hour, so a sweep of thousands of
   * parcels shipped on a few dates works out a few readings.
   */
  const shipDates = new Map<string, { day: string; start: number }>();
  function shipDateOf(shippedAt: number, zone: string, cutoffHour: number | null): { day: string; start: number } {
    const key = `${zone}|${cutoffHour}|${Math.floor(shippedAt / 3_600_000)}`;
    let known = shipDates.get(key);
    if (!known) {
      const { isoDate, hour, minute } = localParts(shippedAt, zone);
      const [year, month, day] = isoDate.split("-").map(Number) as [number, number, number];
      const late = cutoffHour !== null && hour + minute / 60 >= cutoffHour;
      const at = late ? { year, month, day, hour: Math.floor(cutoffHour), minute: Math.round((cutoffHour - Math.floor(cutoffHour)) * 60) } : { year, month, day };
      known = { day: `${isoDate}${late ? "+" : ""}`, start: Math.max(zonedTimeToUtc({ year, month, day }, zone), Math.min(shippedAt, zonedTimeToUtc(at, zone))) };
      if (shipDates.size >= READINGS_KEPT) shipDates.clear();
      shipDates.set(key, known);
    }
    return known;
  }

  /**
   * The shop's cut-off for the model (transit-model.ts, `handoverAt`): the hour from which its catch-all shipping
   * promise says an order ships the next business day, which is when the day's pickup has gone.
   */
  function cutoffOf(settings: ShopSettingsRecord): number | null {
    const policy = settings.promisePolicies.find((p) => p.match.trim() === "*") ?? settings.promisePolicies[0];
    return policy && Number.isFinite(policy.cutoffHour) ? policy.cutoffHour : null;
  }

  /** The shop's model, read at most once per TTL per process; concurrent askers share the read. */
  function model(shop: string): Promise<TransitModel> {
    const cached = cache.get(shop);
    if (cached && cached.expires > performance.now()) return cached.model;
    const read = counts.load(shop);
    if (cache.size >= SHOPS_KEPT) cache.delete(cache.keys().next().value!);
    cache.set(shop, { model: read, expires: performance.now() + cacheMs });
    // a failed read is forgotten at once, so the next asker tries again
    read.catch(() => cache.get(shop)?.model === read && cache.delete(shop));
    return read;
  }

  function calendarOf(settings: ShopSettingsRecord, carrier: string): BusinessCalendar {
    let byCarrier = calendars.get(settings);
    if (!byCarrier) calendars.set(settings, (byCarrier = new Map()));
    let calendar = byCarrier.get(carrier);
    if (!calendar) {
      calendar = calendarFor({
        timezone: settings.timezone,
        carrier: carrier as CarrierCode,
        // the carrier's published holidays too: a week with Thanksgiving in it is not a slow week
        holidays: [...settings.holidays, ...carrierHolidaysAround(carrier as CarrierCode, clock.now(), settings.timezone)],
        carrierWorkdays: settings.carrierWorkdays as Partial<Record<CarrierCode, readonly number[]>>,
      });
      byCarrier.set(carrier, calendar);
    }
    return calendar;
  }

  const laneOfShipment = (s: ShipmentRecord) => ({
    carrier: s.carrierCode as CarrierCode,
    service: s.service,
    origin: s.originCountry ? { country: s.originCountry, province: s.originProvince } : null,
    destination: { country: s.destinationCountry, province: s.destinationProvince },
  });

  /**
   * The learned window for a shipment, in the recipient's zone: for a parcel still travelling, the days
   * already passed without delivery are ruled out (`now`). Null when the model has nothing usable.
   */
  function windowFor(m: TransitModel, shipment: ShipmentRecord, settings: ShopSettingsRecord, now: number, zone: string): LearnedSpan | null {
    const calendar = calendarOf(settings, shipment.carrierCode);
    const travelling = shipment.deliveredAt === null;
    const today = travelling ? dayOf(now, calendar.timezone) : "";
    const cutoffHour = cutoffOf(settings);
    const shipped = shipDateOf(shipment.shippedAt, calendar.timezone, cutoffHour);
    const span = remembered(m, `w|${laneText(shipment)}|${shipped.day}|${zone}|${fingerprintOf(settings)}|${today}`, () => {
      const window = learnedWindow(m, { ...laneOfShipment(shipment), shippedAt: shipped.start, calendar, zone, cutoffHour, ...(travelling ? { now } : {}) });
      return window ? { earliest: window.earliest, latest: window.latest } : null;
    });
    // the window never opens before the parcel shipped
    return span ? { earliest: Math.max(shipment.shippedAt, span.earliest), latest: span.latest } : null;
  }

  /** What the model says of the promise: null when there is nothing to predict (no promise, passed, delivered). */
  function trendingFor(m: TransitModel, shipment: ShipmentRecord, promisedBy: number | null, settings: ShopSettingsRecord, now: number): TrendingLate | null {
    // the instant matters only against the promise; the rest of the reading depends on the date
    if (promisedBy === null || now > promisedBy) return null;
    const calendar = calendarOf(settings, shipment.carrierCode);
    const today = dayOf(now, calendar.timezone);
    const cutoffHour = cutoffOf(settings);
    const shipped = shipDateOf(shipment.shippedAt, calendar.timezone, cutoffHour);
    const key = `t|${laneText(shipment)}|${shipped.day}|${promisedBy}|${shipment.status}|${shipment.lastCarrierScanAt === null}|${fingerprintOf(settings)}|${today}`;
    return remembered(m, key, () =>
      trendingLate(m, {
        ...laneOfShipment(shipment),
        shippedAt: shipped.start,
        cutoffHour,
        calendar,
        promisedBy,
        now,
        lastScanAt: shipment.lastCarrierScanAt,
        status: shipment.status,
      }),
    );
  }

  /** Counts a delivered shipment into the model once (the adapter's bit guard makes it exactly once). */
  async function learnFrom(shop: string, shipment: ShipmentRecord, settings: ShopSettingsRecord): Promise<boolean> {
    if (!delivered(shipment) || gone(shipment) || (shipment.rolledUp & ROLLED_UP.learned) !== 0) return false;
    const calendar = calendarOf(settings, shipment.carrierCode);
    // counted from the day the carrier had it to the date the recipient had it
    const zone = zoneForDestination({ country: shipment.destinationCountry, region: shipment.destinationProvince }, settings.timezone);
    const counted = countsOf({ ...laneOfShipment(shipment), shippedAt: shipment.shippedAt, deliveredAt: shipment.deliveredAt!, calendar, cutoffHour: cutoffOf(settings), zone });
    // delivered before it shipped (clock skew in the data): nothing true to learn
    if (!counted.length) return false;
    const learned = await counts.learn(shop, shipment.id, counted.map((c) => ({ histogram: c.key, bucket: c.bucket })));
    if (learned) cache.delete(shop);
    return learned;
  }

  /** The estimate a shopper would be shown now, for a parcel still on its way that has no first estimate yet. */
  function firstEstimateOf(m: TransitModel, e: EvaluatedShipment, settings: ShopSettingsRecord, now: number): EstimatedDelivery | null {
    const s = e.shipment;
    const facts: ViewFacts = { shipment: s, events: [], fulfillment: null, order: e.order, cases: [], shopZone: settings.timezone, now };
    const zone = recipientZone(facts);
    const learned = learnedWindowApplies(s, e.openCaseTypes) ? windowFor(m, s, settings, now, zone) : null;
    return estimateOf({ ...facts, learned }, zone).estimate.estimatedDelivery;
  }

  /**
   * Told of each evaluated batch, before the evaluation is written: learns from the delivered shipments not yet
   * learned from, and gives the ones still on their way their first estimate. Both writes are idempotent (a bit,
   * a write only where empty), so a crash before the evaluation is written and the evaluation again are harmless.
   */
  const subscriber: EvaluationSubscriber = async (shop, evaluated) => {
    const learnable = evaluated.filter((e) => delivered(e.shipment) && !gone(e.shipment) && (e.shipment.rolledUp & ROLLED_UP.learned) === 0);
    const unestimated = evaluated.filter((e) => e.shipment.firstEstimate === null && e.shipment.deliveredAt === null && e.shipment.status !== "delivered" && !gone(e.shipment));
    if (learnable.length || unestimated.length) {
      const { settings } = await profile.get(shop);
      const now = clock.now();
      if (unestimated.length) {
        const m = await model(shop);
        const first: { id: number; estimate: EstimatedDelivery }[] = [];
        for (const e of unestimated) {
          const estimate = firstEstimateOf(m, e, settings, now);
          if (estimate) first.push({ id: e.shipment.id, estimate });
        }
        await counts.setFirstEstimates(shop, first);
      }
      for (const e of learnable) await learnFrom(shop, e.shipment, settings);
    }
    return async () => undefined;
  };

  return {
    model,
    windowFor,
    trendingFor,
    subscriber,
    /** the "trending late" reading for one evaluated batch: the model is read (from the cache) once */
    async trending(shop: string): Promise<(shipment: ShipmentRecord, promisedBy: number | null, settings: ShopSettingsRecord, now: number) => { late: boolean; why: string } | null> {
      const m = await model(shop);
      return (shipment, promisedBy, settings, now) => trendingFor(m, shipment, promisedBy, settings, now);
    },
    /**
     * The learned-window function for one answer: the model and the settings are read (from the caches) once,
     * whatever the number of parcels in it.
     */
    async estimator(shop: string): Promise<LearnedEstimator> {
      const [m, setup] = await Promise.all([model(shop), profile.get(shop)]);
      return (shipment, zone, now) => windowFor(m, shipment, setup.settings, now, zone);
    },
    /** drops this process's copy of a shop's model (uninstall, redact) */
    forget(shop: string) {
      cache.delete(shop);
    },
  };
}
