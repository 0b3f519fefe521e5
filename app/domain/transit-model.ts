/**
 * How long this shop's parcels take: a per-shop transit-time model learned from its own deliveries.
 *
 * One histogram of transit times per lane (carrier × service × origin region → destination region, the region
 * being the country and the province where known), plus roll-ups per carrier service, per carrier and per shop, each
 * split into domestic and international. Transit time is counted in BUSINESS DAYS on the carrier's calendar
 * (`businessDaysBetween`: the carrier's working dates after the ship date up to the delivery date, holidays
 * skipped), because that is how carriers sell their services and how a weekend in the middle stops looking slow.
 *
 * Decisions someone might undo by accident:
 * - Whole business days, one bucket each, 0–30 and "31 or more": a delivery day is a date, so the count is
 *   whole; half-day buckets would stay half empty. Updating is one increment per level (O(1)); a lane's state is a
 *   list of at most 32 counts, so a shop's model is a small JSON object that two workers can merge by adding.
 * - Thin data is shrunk toward broader figures by credibility weight w = n / (n + k): the service toward its
 *   published default (transit-defaults.ts) with k = 20; the lane toward the other carriers' verdict on its region
 *   (`regionPrior`) and its carrier service, with k from the shop's own lanes of that service (`laneCredibility`,
 *   Bühlmann–Straub, 2…20): ground lanes are tight and far apart, so a few deliveries already say more than the
 *   service's mixture of near and far. A service we have no figure for ("*" or a name we do not know) goes lane →
 *   carrier service → carrier → shop → the carrier's default instead; a known service skips the carrier and shop
 *   roll-ups because they mix overnight with ground.
 * - Days are counted from the day the carrier has the parcel (`handoverAt`: the next working day when it shipped
 *   after the shop's cut-off) to the date the recipient had it, in the recipient's zone.
 * - What is blended is the distribution (mass per business day), not three quantiles: the window has to pick the
 *   days that hold the most deliveries, and lateness needs "of the parcels still travelling after 3 days, how
 *   many arrived after the promise" — both are questions about mass. p10/p50/p90 are read off the blend.
 * - The window shown is at most LEARNED_WINDOW_MAX_DAYS CALENDAR dates, both ends counted (estimate.ts checks
 *   exactly that on the recipient's dates): the run of delivery days that holds the most mass (the p50 need not
 *   be in it), with end days that hold almost nothing trimmed off. Calendar, not business, days: "Fri–Mon" would read as a
 *   four-day window to the shopper.
 *
 * Pure: instants come in as epoch ms, the calendar comes in, nothing reads the clock.
 */
import { z } from "zod";
import { businessDaysBetween, localParts, SHOP_WORKDAYS, zonedTimeToUtc, type BusinessCalendar } from "./business-time";
import { CARRIERS, type CarrierCode } from "./carriers";
import { LEARNED_WINDOW_MAX_DAYS } from "./estimate";
import type { ShipmentStatus } from "./status";
import { cleanServiceName, FALLBACK_TRANSIT, SERVICE_ALIASES, TRANSIT_DEFAULTS, type TransitRange } from "./transit-defaults";

/** Buckets 0…30 business days, then one for 31 or more. */
export const TRANSIT_BUCKETS = 32;
const OVERFLOW = TRANSIT_BUCKETS - 1;
/** Deliveries a figure needs before it counts as much as the figure it is shrunk toward. */
export const CREDIBILITY_K = 20;
/** A window's end day holding less than this share of the deliveries is not worth widening the window for. */
const END_DAY_MIN_MASS = 0.03;
/** Lanes a stored model may hold; a shop has a few hundred at most, so more is garbage, not data. */
const MAX_HISTOGRAMS = 50_000;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// Lanes

export interface Region {
  /** ISO 3166-1 alpha-2 ("US"); null when unknown */
  country: string | null;
  /** the province or state code ("ON", "CA"); null when unknown */
  province?: string | null;
}

export interface LaneInput {
  carrier: CarrierCode;
  /** the service as written anywhere ("UPS® Ground", "priority_mail", "Xpresspost"); null when not given */
  service: string | null;
  origin: Region | null;
  destination: Region | null;
}

export type Scope = "domestic" | "international";

export interface Lane {
  carrier: CarrierCode;
  /** canonical service name, or "*" when unknown */
  service: string;
  /** "US-CA", "US" or "*" */
  origin: string;
  destination: string;
  scope: Scope;
}

/** Placeholders Shopify and merchants use for "no particular service". */
const NO_SERVICE = new Set(["", "manual", "custom", "other", "none", "n a", "na", "shipping", "standard shipping", "default"]);
const MAX_SERVICE_LENGTH = 40;

/**
 * The service's canonical name for a carrier: cleaned ("UPS® GROUND" → "ground"), the carrier's own name dropped
 * from the front, mapped through the alias table; "*" when missing or a placeholder ("manual").
 */
export function normalizeService(carrier: CarrierCode, raw: string | null | undefined): string {
  if (typeof raw !== "string") return "*";
  let name = cleanServiceName(raw);
  for (const prefix of carrierPrefixes(carrier)) {
    if (name === prefix) return "*";
    if (name.startsWith(`${prefix} `)) {
      name = name.slice(prefix.length + 1);
      break;
    }
  }
  if (NO_SERVICE.has(name)) return "*";
  const canonical = SERVICE_ALIASES.get(name) ?? name.slice(0, MAX_SERVICE_LENGTH).trim();
  // the same word means different services at different carriers
  if (carrier === "usps" && canonical === "priority") return "priority mail";
  if (carrier === "usps" && canonical === "express") return "priority mail express";
  if (carrier === "dhl" && canonical === "express") return "express worldwide";
  return canonical === "" ? "*" : canonical;
}

function carrierPrefixes(carrier: CarrierCode): string[] {
  const extra: Partial<Record<CarrierCode, string[]>> = {
    usps: ["usps", "us postal service", "united states postal service"],
    ups: ["ups", "united parcel service"],
    fedex: ["fedex", "fed ex", "federal express"],
    dhl: ["dhl express", "dhl"],
    canada_post: ["canada post", "postes canada"],
  };
  return extra[carrier] ?? [cleanServiceName(CARRIERS[carrier]?.name ?? "")].filter((p) => p !== "");
}

/** "US-CA", "US", or "*" when the country is unknown (a province without its country names nothing). */
export function regionKey(region: Region | null | undefined): string {
  const country = (region?.country ?? "").trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) return "*";
  const province = (region?.province ?? "").trim().toUpperCase().replace(/[^A-Z0-9]/g, "");
  return province !== "" && province.length <= 6 ? `${country}-${province}` : country;
}

export function laneOf(input: LaneInput): Lane {
  const carrier: CarrierCode = input.carrier in CARRIERS ? input.carrier : "other";
  const origin = regionKey(input.origin);
  const destination = regionKey(input.destination);
  const from = origin.slice(0, 2);
  const to = destination.slice(0, 2);
  // unknown on either side: assume the common case, a domestic parcel
  const scope: Scope = from !== "*" && to !== "*" && from !== to ? "international" : "domestic";
  return { carrier, service: normalizeService(carrier, input.service), origin, destination, scope };
}

// Histogram keys. "|" and ">" cannot occur in a cleaned service name or a region key.
const laneKeyOf = (l: Lane) => `lane|${l.carrier}|${l.service}|${l.origin}>${l.destination}`;
const serviceKeyOf = (l: Lane) => `service|${l.carrier}|${l.service}|${l.scope}`;
const carrierKeyOf = (l: Lane) => `carrier|${l.carrier}|${l.scope}`;
const shopKeyOf = (l: Lane) => `shop|${l.scope}`;

// ---------------------------------------------------------------------------------------------------------------
// The model: state, learning, merging, storage

/**
 * A shop's transit model. `histograms[key][d]` = deliveries that took d business days (the last bucket: 31 or
 * more). Arrays may be shorter than TRANSIT_BUCKETS (missing tail = zeros). Treat as immutable except through
 * `observeInPlace`.
 */
export interface TransitModel {
  version: 1;
  histograms: Record<string, number[]>;
}

/** How a parcel's days are counted, beyond its calendar. */
export interface Counting {
  /**
   * The shop's cut-off, a local hour: a parcel shipped at or after it, or on a day the shop or the carrier does
   * not work, leaves with the next working day's pickup (`handoverAt`). Absent or null: counted from the ship date.
   */
  cutoffHour?: number | null;
}

export interface Delivery extends LaneInput, Counting {
  /** when the shop shipped the parcel (the fulfillment's creation) */
  shippedAt: number;
  deliveredAt: number;
  /** the carrier's calendar in the shop's zone (calendarFor) */
  calendar: BusinessCalendar;
  /**
   * the recipient's zone: the delivery's date is the one the shopper saw (a parcel delivered on a Tuesday
   * afternoon in Sydney arrived on Tuesday, though it was still Monday in New York). Default: the calendar's.
   */
  zone?: string;
}

export function emptyModel(): TransitModel {
  return { version: 1, histograms: {} };
}

/**
 * Business days a delivery took on its carrier's calendar, from the day the carrier had it (`handoverAt`) to the
 * date the recipient had it; null when the times make no sense.
 */
export function transitDays(delivery: Pick<Delivery, "shippedAt" | "deliveredAt" | "calendar" | "cutoffHour" | "zone">): number | null {
  return daysOnClock(delivery, delivery.calendar);
}

function daysOnClock(delivery: Pick<Delivery, "shippedAt" | "deliveredAt" | "calendar" | "cutoffHour" | "zone">, clock: BusinessCalendar): number | null {
  const { shippedAt, deliveredAt, calendar } = delivery;
  if (!Number.isFinite(shippedAt) || !Number.isFinite(deliveredAt) || deliveredAt < shippedAt || calendar.workdays.length === 0) return null;
  const from = handoverAt(shippedAt, calendar, delivery.cutoffHour);
  const to = sameDateIn(deliveredAt, delivery.zone, calendar.timezone);
  return Math.max(0, businessDaysBetween(from, to, clock));
}

/** An instant in zone `to` on the date `at` has in zone `from` (midday, clear of any DST gap). */
function sameDateIn(at: number, from: string | undefined, to: string): number {
  if (from === undefined || from === to) return at;
  const [year, month, day] = localParts(at, from).isoDate.split("-").map(Number) as [number, number, number];
  return zonedTimeToUtc({ year, month, day, hour: 12 }, to);
}

/**
 * When the carrier has the parcel, as far as counting days goes: the ship time itself when it is on a day the
 * shop and the carrier both work, before the cut-off; else the start of the next such day (a label printed
 * Friday evening and one printed Monday morning both leave with Monday's pickup, and take alike from there).
 * Without a cut-off, the ship time.
 */
export function handoverAt(shippedAt: number, calendar: BusinessCalendar, cutoffHour: number | null | undefined): number {
  if (cutoffHour === null || cutoffHour === undefined || !Number.isFinite(cutoffHour) || !Number.isFinite(shippedAt)) return shippedAt;
  const local = localParts(shippedAt, calendar.timezone);
  const holidays = new Set(calendar.holidays);
  const works = (d: number) => SHOP_WORKDAYS.includes(weekdayOf(d)) && calendar.workdays.includes(weekdayOf(d)) && !holidays.has(isoOfDayNumber(d));
  let day = dayNumberOfIso(local.isoDate);
  if (works(day) && local.hour + local.minute / 60 < cutoffHour) return shippedAt;
  for (let tries = 0; tries < 366; tries++) if (works(++day)) return dayBounds(day, calendar.timezone).start;
  return shippedAt; // a calendar the shop never ships on: counted from the ship date
}

/**
 * The clocks a lane's transit is counted on. Most carriers rest at weekends, so transit is counted in business
 * days on the carrier's calendar; some lanes run all week (USPS delivers Sundays in many places, regional and
 * last-mile carriers often do), and counted in business days their parcels look far less regular than they are.
 * Every delivery is counted on both clocks, and each parcel's window is read off the one that has proved
 * sharper for its lane (`clockFor`). Histograms of the all-week clock carry the prefix "7d:".
 */
export type TransitClock = "business" | "calendar";
const CALENDAR_PREFIX = "7d:";
const ALL_WEEK = [0, 1, 2, 3, 4, 5, 6];

/** Every date a working day, no holidays: the calendar-days clock, in the carrier calendar's zone. */
function allWeek(calendar: BusinessCalendar): BusinessCalendar {
  return { timezone: calendar.timezone, workdays: ALL_WEEK, holidays: [] };
}

/**
 * The histogram buckets one delivery is counted into: its lane and roll-ups on both clocks. Empty when the times
 * make no sense. Storage adds one to each (the model is additive, so workers counting at once add up).
 */
export function countsOf(delivery: Delivery): { key: string; bucket: number }[] {
  const business = transitDays(delivery);
  if (business === null) return [];
  const calendarDays = daysOnClock(delivery, allWeek(delivery.calendar)) ?? business;
  const keys = keysOf(laneOf(delivery));
  return [
    ...keys.map((key) => ({ key, bucket: transitBucket(business) })),
    ...keys.map((key) => ({ key: `${CALENDAR_PREFIX}${key}`, bucket: transitBucket(calendarDays) })),
  ];
}

/** The model with one more delivery counted (a new object; the histograms it did not touch are shared). */
export function observe(model: TransitModel, delivery: Delivery): TransitModel {
  const counts = countsOf(delivery);
  if (!counts.length) return model;
  const histograms = { ...model.histograms };
  for (const { key, bucket } of counts) histograms[key] = increment(histograms[key], bucket);
  return { version: 1, histograms };
}

/**
 * Counts one delivery into `model` itself, for training in bulk where copying the key table per parcel would
 * dominate. Returns whether it was counted (false: delivered before shipped, or times not finite).
 */
export function observeInPlace(model: TransitModel, delivery: Delivery): boolean {
  const counted = countsOf(delivery);
  if (!counted.length) return false;
  for (const { key, bucket } of counted) {
    const counts = model.histograms[key] ?? (model.histograms[key] = []);
    bump(counts, bucket);
  }
  return true;
}

function keysOf(lane: Lane): string[] {
  return [laneKeyOf(lane), serviceKeyOf(lane), carrierKeyOf(lane), shopKeyOf(lane)];
}

/** The histograms one delivery on this lane is counted into: the lane and its roll-ups (storage counts them up one by one). */
export function histogramKeysOf(input: LaneInput): string[] {
  return keysOf(laneOf(input));
}

/** The bucket a transit time of `days` business days is counted in (the last one: 31 or more). */
export function transitBucket(days: number): number {
  return Math.min(Math.max(0, Math.floor(days)), OVERFLOW);
}

function increment(counts: readonly number[] | undefined, days: number): number[] {
  const next = counts ? [...counts] : [];
  bump(next, days);
  return next;
}

function bump(counts: number[], days: number): void {
  const bucket = transitBucket(days);
  while (counts.length <= bucket) counts.push(0);
  counts[bucket] = (counts[bucket] ?? 0) + 1;
}

/** Two models counted as one (two workers' or two periods' deliveries): counts add, so the order never matters. */
export function merge(a: TransitModel, b: TransitModel): TransitModel {
  const histograms: Record<string, number[]> = { ...a.histograms };
  for (const [key, counts] of Object.entries(b.histograms)) {
    const mine = histograms[key];
    if (!mine) {
      histograms[key] = [...counts];
      continue;
    }
    const sum = new Array<number>(Math.max(mine.length, counts.length)).fill(0);
    for (let i = 0; i < sum.length; i++) sum[i] = (mine[i] ?? 0) + (counts[i] ?? 0);
    histograms[key] = sum;
  }
  return { version: 1, histograms };
}

/** The stored form: the same shape, trailing zero buckets and empty histograms dropped, keys sorted. */
export function toJSON(model: TransitModel): TransitModel {
  const histograms: Record<string, number[]> = {};
  for (const key of Object.keys(model.histograms).sort()) {
    const counts = model.histograms[key]!;
    let end = counts.length;
    while (end > 0 && !counts[end - 1]) end--;
    if (end > 0) histograms[key] = counts.slice(0, end);
  }
  return { version: 1, histograms };
}

const scopeName = z.enum(["domestic", "international"]);
const carrierName = z.string().refine((c) => c in CARRIERS, "unknown carrier");
const serviceName = z.string().regex(/^(\*|[a-z0-9]+( [a-z0-9]+)*)$/, "not a cleaned service name").max(MAX_SERVICE_LENGTH);
const regionName = z.string().regex(/^(\*|[A-Z]{2}(-[A-Z0-9]{1,6})?)$/, "not a region");

function validKey(key: string): boolean {
  const parts = (key.startsWith(CALENDAR_PREFIX) ? key.slice(CALENDAR_PREFIX.length) : key).split("|");
  const ok = (schema: z.ZodTypeAny, value: string | undefined) => schema.safeParse(value).success;
  switch (parts[0]) {
    case "lane": {
      if (parts.length !== 4) return false;
      const ends = (parts[3] ?? "").split(">");
      return ok(carrierName, parts[1]) && ok(serviceName, parts[2]) && ends.length === 2 && ends.every((e) => ok(regionName, e));
    }
    case "service":
      return parts.length === 4 && ok(carrierName, parts[1]) && ok(serviceName, parts[2]) && ok(scopeName, parts[3]);
    case "carrier":
      return parts.length === 3 && ok(carrierName, parts[1]) && ok(scopeName, parts[2]);
    case "shop":
      return parts.length === 2 && ok(scopeName, parts[1]);
    default:
      return false;
  }
}

const storedModel = z
  .object({
    version: z.literal(1),
    histograms: z
      .record(
        z.string().refine(validKey, "not a transit-model key"),
        z.array(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)).max(TRANSIT_BUCKETS),
      )
      .refine((h) => Object.keys(h).length <= MAX_HISTOGRAMS, `more than ${MAX_HISTOGRAMS} histograms`),
  })
  .strict();

/** A stored model read back, or why it cannot be (a model that fails here is rebuilt, never half-trusted). */
export function fromJSON(raw: unknown): { ok: true; model: TransitModel } | { ok: false; error: string } {
  const parsed = storedModel.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: issue ? `${issue.path.join(".") || "model"}: ${issue.message}` : "invalid transit model" };
  }
  const histograms: Record<string, number[]> = {};
  for (const [key, counts] of Object.entries(parsed.data.histograms)) histograms[key] = [...counts];
  return { ok: true, model: { version: 1, histograms } };
}

// ---------------------------------------------------------------------------------------------------------------
// What the model expects for a parcel

export type Basis = "lane" | "region" | "service" | "carrier" | "shop" | "defaults";

export interface TransitView {
  lane: Lane;
  /** share of deliveries per business day (index = days; the last bucket is "31 or more"); sums to 1 */
  mass: number[];
  p10: number;
  p50: number;
  p90: number;
  /** deliveries on this very lane */
  samples: number;
  /** the weight of the shop's own deliveries in the blend, 0 (defaults only) … 1 */
  confidence: number;
  /** the figure that weighs most in the blend */
  basis: Basis;
}

/**
 * The blended transit distribution for a lane, from the shop's deliveries and the defaults, on one clock (the
 * published defaults are in business days; on the all-week clock they only stand in until the shop's own
 * deliveries outweigh them).
 */
export function transitView(model: TransitModel, input: LaneInput, clock: TransitClock = "business"): TransitView {
  const lane = laneOf(input);
  const prefix = clock === "calendar" ? CALENDAR_PREFIX : "";
  const { range, known } = defaultRange(lane);
  let mass = rangeMass(range);
  const weights: { basis: Basis; weight: number }[] = [];
  const levels: { basis: Basis; key: string }[] = known
    ? [
        { basis: "service", key: serviceKeyOf(lane) },
        { basis: "lane", key: laneKeyOf(lane) },
      ]
    : [
        { basis: "shop", key: shopKeyOf(lane) },
        { basis: "carrier", key: carrierKeyOf(lane) },
        { basis: "service", key: serviceKeyOf(lane) },
        { basis: "lane", key: laneKeyOf(lane) },
      ];
  let samples = 0;
  const blend = (basis: Basis, counts: readonly number[], n: number, k: number) => {
    const w = n / (n + k);
    for (const earlier of weights) earlier.weight *= 1 - w;
    weights.push({ basis, weight: w });
    mass = mass.map((m, d) => (1 - w) * m + (w * (counts[d] ?? 0)) / n);
  };
  for (const level of levels) {
    if (level.basis === "lane") {
      // before the lane itself: what other carriers' and services' parcels to the same region say of its distance
      const region = regionPrior(model, prefix, lane);
      if (region) blend("region", region.mass, 1, (1 - region.weight) / region.weight);
    }
    const counts = model.histograms[prefix + level.key];
    const n = counts ? total(counts) : 0;
    if (level.basis === "lane") samples = n;
    if (n === 0) continue;
    blend(level.basis, counts!, n, level.basis === "lane" ? laneCredibility(model, prefix, lane) : CREDIBILITY_K);
  }
  const ownWeight = weights.reduce((sum, level) => sum + level.weight, 0);
  const heaviest = weights.reduce<{ basis: Basis; weight: number }>((best, level) => (level.weight > best.weight ? level : best), {
    basis: "defaults",
    weight: 1 - ownWeight,
  });
  return {
    lane,
    mass,
    p10: quantile(mass, 0.1),
    p50: quantile(mass, 0.5),
    p90: quantile(mass, 0.9),
    samples,
    confidence: ownWeight,
    basis: heaviest.basis,
  };
}

/** Bounds on a lane's credibility constant: never trust one delivery outright, never trust twenty less than the default. */
export const LANE_K_MIN = 2;
/** Lanes of a service, with at least two deliveries each, needed before their spread says how far to trust a lane. */
const LANES_FOR_CREDIBILITY = 3;

/**
 * How many deliveries a lane needs to count as much as its carrier service (the k of n / (n + k)), from the
 * shop's own lanes of that service (Bühlmann–Straub): the spread of parcels within a lane over the spread between
 * the lanes' means. Where lanes are tight and differ from one another (ground across a continent: one zone 2
 * days, the next 5), a few deliveries already say more about a lane than the whole service does; where lanes are
 * loose and alike, it takes many. CREDIBILITY_K while fewer than LANES_FOR_CREDIBILITY lanes have two
 * deliveries; clamped to [LANE_K_MIN, CREDIBILITY_K].
 */
export function laneCredibility(model: TransitModel, prefix: string, lane: Lane): number {
  const serviceKey = prefix + serviceKeyOf(lane);
  const serviceTotal = total(model.histograms[serviceKey] ?? []);
  let memo = credibilityMemo.get(model.histograms);
  if (!memo) credibilityMemo.set(model.histograms, (memo = new Map()));
  const known = memo.get(serviceKey);
  // every delivery counted on a lane is counted on its service too: the same total, the same lanes
  if (known && known.total === serviceTotal) return known.k;
  const k = credibilityOf(lanesOf(model, prefix, lane));
  memo.set(serviceKey, { total: serviceTotal, k });
  return k;
}

const credibilityMemo = new WeakMap<Record<string, number[]>, Map<string, { total: number; k: number }>>();

/** The histograms of the lanes of `lane`'s carrier service and scope. */
function lanesOf(model: TransitModel, prefix: string, lane: Lane): number[][] {
  const head = `${prefix}lane|${lane.carrier}|${lane.service}|`;
  const lanes: number[][] = [];
  for (const [key, counts] of Object.entries(model.histograms)) {
    if (!key.startsWith(head)) continue;
    const [origin = "*", destination = "*"] = key.slice(head.length).split(">");
    const from = origin.slice(0, 2);
    const to = destination.slice(0, 2);
    const scope: Scope = from !== "*" && to !== "*" && from !== to ? "international" : "domestic";
    if (scope === lane.scope) lanes.push(counts);
  }
  return lanes;
}

/** Bühlmann–Straub's k = (expected variance within a lane) / (variance of the lanes' true means), clamped. */
export function credibilityOf(lanes: readonly (readonly number[])[]): number {
  const stats = lanes
    .map((counts) => {
      let n = 0;
      let sum = 0;
      let squares = 0;
      counts.forEach((c, d) => {
        n += c;
        sum += c * d;
        squares += c * d * d;
      });
      return { n, mean: n ? sum / n : 0, within: squares - (n ? (sum * sum) / n : 0) };
    })
    .filter((l) => l.n >= 2);
  if (stats.length < LANES_FOR_CREDIBILITY) return CREDIBILITY_K;
  const n = stats.reduce((a, l) => a + l.n, 0);
  const within = stats.reduce((a, l) => a + l.within, 0) / stats.reduce((a, l) => a + l.n - 1, 0);
  const mean = stats.reduce((a, l) => a + l.n * l.mean, 0) / n;
  const spread = stats.reduce((a, l) => a + l.n * (l.mean - mean) ** 2, 0);
  const between = (spread - within * (stats.length - 1)) / (n - stats.reduce((a, l) => a + l.n * l.n, 0) / n);
  if (!(between > 0)) return CREDIBILITY_K;
  return Math.min(CREDIBILITY_K, Math.max(LANE_K_MIN, within / between));
}

/** Deliveries to a region (with other carriers and services) that count as much as the carrier service's own mixture. */
export const REGION_K = 5;

interface LaneStats {
  key: string;
  service: string;
  region: string;
  n: number;
  mean: number;
}
interface ServiceStats {
  /** the n-weighted mean and standard deviation of its lanes' means */
  mean: number;
  sd: number;
  /** deliveries by distance in days from their own lane's (rounded) mean, index RESIDUAL_SPAN = on the mean */
  residuals: number[];
}
interface RegionSummary {
  version: number;
  lanes: LaneStats[];
  services: Map<string, ServiceStats>;
}
const RESIDUAL_SPAN = 6;
const regionMemo = new WeakMap<Record<string, number[]>, Map<string, RegionSummary>>();

/**
 * What the rest of the shop's deliveries say about a lane it has seen little of. Transit grows with distance in
 * much the same way for every carrier and service, so a lane's region is far or near alike for all of them:
 * each lane's mean sits some number of its service's between-lane standard deviations above or below the service's
 * mean, and the other lanes to the same region (same origin) say how many, on average (z). The prior is then this
 * service's own spread (its lanes' residuals about their means) placed at the service mean + z × its standard
 * deviation: a ground parcel to a region where every carrier is slow is expected to be slow, with a ground lane's
 * tightness, rather than anywhere in the service's 1–5 days. Weighted by the region's deliveries, n / (n + REGION_K).
 * Null when no other lane to the region, or this service, has enough to say.
 */
export function regionPrior(model: TransitModel, prefix: string, lane: Lane): { mass: number[]; weight: number } | null {
  const summary = summaryOf(model, prefix);
  const own = summary.services.get(`${lane.carrier}|${lane.service}|${lane.scope}`);
  if (!own || !(own.sd > 0)) return null;
  const region = `${lane.origin}>${lane.destination}`;
  const self = laneKeyOf(lane);
  let n = 0;
  let z = 0;
  for (const other of summary.lanes) {
    if (other.region !== region || other.key === self) continue;
    const service = summary.services.get(other.service);
    if (!service || !(service.sd > 0)) continue;
    n += other.n;
    z += other.n * ((other.mean - service.mean) / service.sd);
  }
  if (n === 0) return null;
  const centre = Math.round(own.mean + (z / n) * own.sd);
  const mass = new Array<number>(TRANSIT_BUCKETS).fill(0);
  own.residuals.forEach((m, i) => {
    mass[Math.min(OVERFLOW, Math.max(0, centre + i - RESIDUAL_SPAN))]! += m;
  });
  const sum = mass.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return null;
  return { mass: mass.map((m) => m / sum), weight: n / (n + REGION_K) };
}

/** Every lane's mean and every service's spread, worked out once per state of the model (a delivery changes it). */
function summaryOf(model: TransitModel, prefix: string): RegionSummary {
  const version = total(model.histograms[`${prefix}shop|domestic`] ?? []) + total(model.histograms[`${prefix}shop|international`] ?? []);
  let memo = regionMemo.get(model.histograms);
  if (!memo) regionMemo.set(model.histograms, (memo = new Map()));
  const known = memo.get(prefix);
  if (known && known.version === version) return known;
  const lanes: LaneStats[] = [];
  const byService = new Map<string, { lanes: LaneStats[]; counts: number[][] }>();
  for (const [key, counts] of Object.entries(model.histograms)) {
    if (!key.startsWith(`${prefix}lane|`)) continue;
    const [, carrier, service, ends = ""] = key.slice(prefix.length).split("|");
    const [origin = "*", destination = "*"] = ends.split(">");
    const from = origin.slice(0, 2);
    const to = destination.slice(0, 2);
    const scope: Scope = from !== "*" && to !== "*" && from !== to ? "international" : "domestic";
    let n = 0;
    let sum = 0;
    counts.forEach((c, d) => {
      n += c;
      sum += c * d;
    });
    if (n === 0) continue;
    const stats: LaneStats = { key: key.slice(prefix.length), service: `${carrier}|${service}|${scope}`, region: ends, n, mean: sum / n };
    lanes.push(stats);
    const group = byService.get(stats.service) ?? { lanes: [], counts: [] };
    group.lanes.push(stats);
    group.counts.push(counts);
    byService.set(stats.service, group);
  }
  const services = new Map<string, ServiceStats>();
  for (const [key, group] of byService) {
    if (group.lanes.length < 2) continue;
    const n = group.lanes.reduce((a, l) => a + l.n, 0);
    const mean = group.lanes.reduce((a, l) => a + l.n * l.mean, 0) / n;
    const sd = Math.sqrt(group.lanes.reduce((a, l) => a + l.n * (l.mean - mean) ** 2, 0) / n);
    const residuals = new Array<number>(2 * RESIDUAL_SPAN + 1).fill(0);
    group.counts.forEach((counts, i) => {
      const centre = Math.round(group.lanes[i]!.mean);
      counts.forEach((c, d) => {
        residuals[Math.min(2 * RESIDUAL_SPAN, Math.max(0, d - centre + RESIDUAL_SPAN))]! += c;
      });
    });
    services.set(key, { mean, sd, residuals });
  }
  const summary = { version, lanes, services };
  memo.set(prefix, summary);
  return summary;
}

/** The smallest d whose cumulative share reaches p (the inverse of the step CDF). */
export function quantile(mass: readonly number[], p: number): number {
  let cumulative = 0;
  const sum = mass.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) return 0;
  for (let d = 0; d < mass.length; d++) {
    cumulative += mass[d]! / sum;
    if (cumulative >= p - 1e-9) return d;
  }
  return mass.length - 1;
}

/** Quantiles of a raw histogram of counts (what a lane alone says). */
export function histogramQuantiles(counts: readonly number[]): { p10: number; p50: number; p90: number; n: number } {
  return { p10: quantile(counts, 0.1), p50: quantile(counts, 0.5), p90: quantile(counts, 0.9), n: total(counts) };
}

function total(counts: readonly number[]): number {
  let n = 0;
  for (const c of counts) n += c;
  return n;
}

/** The published range for the lane's service and scope; `known` when it is the service's own figure. */
function defaultRange(lane: Lane): { range: TransitRange; known: boolean } {
  const carrier = TRANSIT_DEFAULTS[lane.carrier] ?? TRANSIT_DEFAULTS.other;
  const own = lane.service !== "*" ? carrier[lane.service]?.[lane.scope] : undefined;
  if (own) return { range: own, known: true };
  return { range: carrier["*"]?.[lane.scope] ?? FALLBACK_TRANSIT[lane.scope] ?? FALLBACK_TRANSIT.domestic!, known: false };
}

/**
 * A published range as a distribution whose p10 is `min`, p50 `typical` and p90 `max`: 12% on each end day, 40% on
 * the typical day, the rest spread evenly over the days between (an end day that is also the typical day holds both).
 */
export function rangeMass(range: TransitRange): number[] {
  const mass = new Array<number>(TRANSIT_BUCKETS).fill(0);
  const at = (d: number) => Math.min(Math.max(0, d), OVERFLOW);
  if (range.min >= range.max) {
    mass[at(range.min)] = 1;
    return mass;
  }
  mass[at(range.min)]! += 0.12;
  mass[at(range.max)]! += 0.12;
  mass[at(range.typical)]! += 0.4;
  const between: number[] = [];
  for (let d = range.min + 1; d < range.max; d++) if (d !== range.typical) between.push(d);
  for (const d of between) mass[at(d)]! += 0.36 / between.length;
  const sum = mass.reduce((a, b) => a + b, 0);
  return mass.map((m) => m / sum);
}

// ---------------------------------------------------------------------------------------------------------------
// Business dates, stepped without a zone lookup per day

interface DateStepper {
  /** the local date (day number: days since 1970-01-01) on which a parcel that took `days` business days arrives */
  dayOf(days: number): number;
}

/**
 * Matches business-time's counting: `days` = 0 is the start's own date; d > 0 is the d-th business date after it
 * (the inverse of businessDaysBetween for a delivery on a business date; tested against addBusinessDays).
 */
function stepper(startMs: number, calendar: BusinessCalendar): DateStepper {
  const start = dayNumberOfIso(localParts(startMs, calendar.timezone).isoDate);
  const workdays = new Set(calendar.workdays);
  const holidays = new Set(calendar.holidays);
  const found: number[] = [start];
  let cursor = start;
  let idle = 0;
  return {
    dayOf(days: number): number {
      if (workdays.size === 0) return start + days;
      while (found.length <= days) {
        cursor++;
        if (workdays.has(weekdayOf(cursor)) && !holidays.has(isoOfDayNumber(cursor))) {
          found.push(cursor);
          idle = 0;
        } else if (++idle > 3660) {
          // a calendar whose every day is a holiday: count calendar days rather than loop
          found.push(cursor);
        }
      }
      return found[days]!;
    },
  };
}

const dayNumberOfIso = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
const isoOfDayNumber = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const weekdayOf = (day: number) => (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday

function dayBounds(day: number, zone: string): { start: number; end: number } {
  const [year, month, date] = isoOfDayNumber(day).split("-").map(Number) as [number, number, number];
  return { start: zonedTimeToUtc({ year, month, day: date }, zone), end: zonedTimeToUtc({ year, month, day: date + 1 }, zone) - 1 };
}

// ---------------------------------------------------------------------------------------------------------------
// The learned window

export interface WindowInput extends LaneInput, Counting {
  shippedAt: number;
  /** the carrier's calendar in the shop's zone */
  calendar: BusinessCalendar;
  /** the recipient's zone, in which the window's dates are meant (estimate.ts reads them there); default the calendar's */
  zone?: string;
  /** for a parcel still travelling: days already passed without delivery rule themselves out */
  now?: number;
}

export interface LearnedWindow {
  /** the start of the first day (never before shippedAt) */
  earliest: number;
  /** the last millisecond of the last day */
  latest: number;
  /** share of the shop's own deliveries in the figures, 0 … 1 */
  confidence: number;
  /** deliveries on this very lane */
  samples: number;
  /** share of parcels like this one that arrive inside the window, as the model sees it */
  coverage: number;
  /** the clock the window was counted on (p10/p50/p90 are in its days) */
  clock: TransitClock;
  p10: number;
  p50: number;
  p90: number;
  basis: Basis;
}

/**
 * When a parcel shipped at `shippedAt` will most likely arrive: at most LEARNED_WINDOW_MAX_DAYS calendar dates,
 * containing the p50 day, chosen to hold the most deliveries. Null when the inputs are not usable (no finite
 * ship time, a calendar with no working days).
 */
export function learnedWindow(model: TransitModel, input: WindowInput): LearnedWindow | null {
  if (!Number.isFinite(input.shippedAt) || input.calendar.workdays.length === 0) return null;
  const clock = clockFor(model, input);
  const calendar = clock === "calendar" ? allWeek(input.calendar) : input.calendar;
  const view = transitView(model, input, clock);
  const start = handoverAt(input.shippedAt, input.calendar, input.cutoffHour);
  const steps = stepper(start, calendar);
  let mass = view.mass;
  if (input.now !== undefined && Number.isFinite(input.now) && input.now > start) {
    const elapsed = Math.max(0, businessDaysBetween(start, input.now, calendar));
    mass = conditionalOn(mass, elapsed);
  }
  const p50 = quantile(mass, 0.5);
  const best = bestWindow(mass, p50, steps);
  const zone = input.zone ?? input.calendar.timezone;
  return {
    earliest: Math.max(input.shippedAt, dayBounds(steps.dayOf(best.from), zone).start),
    latest: dayBounds(steps.dayOf(best.to), zone).end,
    confidence: view.confidence,
    samples: view.samples,
    coverage: best.mass,
    clock,
    p10: quantile(mass, 0.1),
    p50,
    p90: quantile(mass, 0.9),
    basis: view.basis,
  };
}

/**
 * Deliveries a lane needs of its own before its all-week clock may be chosen: on a few, one clock or the other
 * holds them better by chance, and the service's mixture of lanes says nothing about the days a lane runs on.
 */
const CLOCK_SAMPLES = CREDIBILITY_K;
/** An all-week window must hold this much more of a lane's deliveries than a business-day one to be chosen. */
const CLOCK_MARGIN = 0.02;

/**
 * The clock a parcel's window is counted on: business days, unless the shop's own deliveries like this one
 * (weighing at least as much as the published defaults) fall into a window of calendar days more sharply — the
 * lane runs all week. Decided from the parcel's ship date alone, so it does not change while the parcel travels.
 */
export function clockFor(model: TransitModel, input: LaneInput & Counting & { shippedAt: number; calendar: BusinessCalendar }): TransitClock {
  const calendarView = transitView(model, input, "calendar");
  if (calendarView.samples < CLOCK_SAMPLES || !Number.isFinite(input.shippedAt) || input.calendar.workdays.length === 0) return "business";
  const start = handoverAt(input.shippedAt, input.calendar, input.cutoffHour);
  const held = (view: TransitView, calendar: BusinessCalendar) => bestWindow(view.mass, quantile(view.mass, 0.5), stepper(start, calendar)).mass;
  const business = held(transitView(model, input, "business"), input.calendar);
  return held(calendarView, allWeek(input.calendar)) > business + CLOCK_MARGIN ? "calendar" : "business";
}

/** The distribution given the parcel has not arrived before business day `elapsed`. */
function conditionalOn(mass: readonly number[], elapsed: number): number[] {
  const from = Math.min(elapsed, OVERFLOW);
  const rest = mass.reduce((sum, m, d) => (d >= from ? sum + m : sum), 0);
  // slower than every parcel seen: the next business day is the earliest honest guess
  if (!(rest > 1e-12)) return mass.map((_, d) => (d === Math.min(from + 1, OVERFLOW) ? 1 : 0));
  return mass.map((m, d) => (d >= from ? m / rest : 0));
}

/**
 * The run of business days [from, to] spanning at most LEARNED_WINDOW_MAX_DAYS calendar dates that holds the most
 * mass (ties: the narrower, then the one centred nearer the p50, then the earlier). It need not hold the p50: a
 * lane that delivers on its day or the day after, never before, is best told "Tue–Thu" when Wednesday is its p50
 * and Tuesday is empty only if the dates allow nothing better. Then ends holding less than END_DAY_MIN_MASS are
 * dropped, so a sure lane gets a one-day window rather than a padded one.
 */
function bestWindow(mass: readonly number[], p50: number, steps: DateStepper): { from: number; to: number; mass: number } {
  const span = LEARNED_WINDOW_MAX_DAYS - 1;
  let best = { from: p50, to: p50, mass: mass[p50] ?? 0 };
  const score = (w: { from: number; to: number }) => Math.abs((w.from + w.to) / 2 - p50);
  let last = OVERFLOW;
  while (last > 0 && !(mass[last]! > 0)) last--;
  for (let from = 0; from <= last; from++) {
    if (!(mass[from]! > 0)) continue;
    let held = 0;
    for (let to = from; to <= last && steps.dayOf(to) - steps.dayOf(from) <= span; to++) {
      held += mass[to] ?? 0;
      if (!(mass[to]! > 0)) continue;
      const better =
        held > best.mass + 1e-12 ||
        (Math.abs(held - best.mass) <= 1e-12 &&
          (to - from < best.to - best.from || (to - from === best.to - best.from && score({ from, to }) < score(best))));
      if (better) best = { from, to, mass: held };
    }
  }
  while (best.from < best.to && (mass[best.from] ?? 0) < END_DAY_MIN_MASS) best = { ...best, from: best.from + 1, mass: best.mass - (mass[best.from] ?? 0) };
  while (best.to > best.from && (mass[best.to] ?? 0) < END_DAY_MIN_MASS) best = { ...best, to: best.to - 1, mass: best.mass - (mass[best.to] ?? 0) };
  return best;
}

// ---------------------------------------------------------------------------------------------------------------
// Trending late

export interface TrendingLateInput extends LaneInput, Counting {
  shippedAt: number;
  calendar: BusinessCalendar;
  /** the end of the promised day (promisedBy) */
  promisedBy: number | null;
  now: number;
  /** the carrier's latest scan; null when the carrier has not scanned the parcel yet */
  lastScanAt: number | null;
  status: ShipmentStatus;
}

export interface TrendingLate {
  late: boolean;
  /** the end of the day the parcel is most likely delivered (the median of what is left) */
  expectedBy: number;
  /** the model's reading in plain words, for the case and the merchant */
  why: string;
  /** the share of parcels like this one, still travelling at this point, that arrived after the promised day */
  chanceLate: number;
}

const NOTHING_TO_PREDICT: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>([
  "delivered",
  "available_for_pickup",
  "returning_to_sender",
  "returned_to_sender",
]);
const NOT_WITH_CARRIER: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["unknown", "label_created"]);

/**
 * Whether the promise will likely be missed, said before it is: of the parcels like this one that were still on
 * their way after as many business days as this one has travelled, more than half arrived after the promised day.
 * A parcel the carrier has not scanned yet starts its transit today, not on the ship date. Null when there is
 * nothing to predict: no promise, the promise already passed (that is plain "late"), or the parcel is delivered,
 * waiting at a pickup point or going back.
 */
export function trendingLate(model: TransitModel, input: TrendingLateInput): TrendingLate | null {
  const { promisedBy, now, calendar, status } = input;
  if (promisedBy === null || !Number.isFinite(promisedBy) || !Number.isFinite(now) || !Number.isFinite(input.shippedAt)) return null;
  if (now > promisedBy || NOTHING_TO_PREDICT.has(status) || calendar.workdays.length === 0) return null;
  const zone = calendar.timezone;
  const promiseDay = dayNumberOfIso(localParts(promisedBy, zone).isoDate);
  const dateText = (day: number) => formatDay(day);
  if (status === "out_for_delivery") {
    const today = dayNumberOfIso(localParts(now, zone).isoDate);
    return {
      late: false,
      expectedBy: dayBounds(today, zone).end,
      chanceLate: 0,
      why: `Out for delivery today, ${dateText(today)}; the promise is ${dateText(promiseDay)}.`,
    };
  }
  const notPickedUp = NOT_WITH_CARRIER.has(status) || input.lastScanAt === null;
  const start = handoverAt(notPickedUp ? Math.max(now, input.shippedAt) : input.shippedAt, calendar, input.cutoffHour);
  const clock = clockFor(model, input);
  const counting = clock === "calendar" ? allWeek(calendar) : calendar;
  const view = transitView(model, input, clock);
  const elapsed = notPickedUp ? 0 : Math.max(0, businessDaysBetween(start, now, counting));
  const mass = conditionalOn(view.mass, elapsed);
  const steps = stepper(start, counting);
  const median = quantile(mass, 0.5);
  const expectedDay = steps.dayOf(median);
  let chanceLate = 0;
  for (let d = 0; d < mass.length; d++) if (steps.dayOf(d) > promiseDay) chanceLate += mass[d]!;
  const late = expectedDay > promiseDay;
  const service = view.lane.service === "*" ? "" : ` ${view.lane.service}`;
  const lane = `${CARRIERS[view.lane.carrier].name}${service}, ${view.lane.origin} to ${view.lane.destination}`;
  const basis = view.basis === "lane" ? `${view.samples} of the shop's deliveries on this lane` : BASIS_WORDS[view.basis];
  const progress = notPickedUp
    ? "The carrier has not scanned it yet, so its transit starts today"
    : `It has travelled ${elapsed} business day${elapsed === 1 ? "" : "s"}`;
  const verdict = late
    ? `likely to arrive ${dateText(expectedDay)}, after the promised ${dateText(promiseDay)}`
    : `likely to arrive by ${dateText(expectedDay)}, within the promised ${dateText(promiseDay)}`;
  return {
    late,
    expectedBy: dayBounds(expectedDay, zone).end,
    chanceLate,
    why:
      `Parcels like this (${lane}) take ${view.p50} business day${view.p50 === 1 ? "" : "s"} at the median, going by ${basis}. ` +
      `${progress}; ${Math.round(chanceLate * 100)}% of parcels at this point arrived after the promised day, so it is ${verdict}.`,
  };
}

const BASIS_WORDS: Record<Basis, string> = {
  lane: "the shop's deliveries on this lane",
  region: "the shop's deliveries to this region with other carriers and services, against this service's usual days",
  service: "the shop's deliveries with this carrier service",
  carrier: "the shop's deliveries with this carrier",
  shop: "all the shop's deliveries",
  defaults: "the carrier's published transit times (the shop has too few deliveries like it)",
};

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

function formatDay(day: number): string {
  const date = new Date(day * DAY_MS);
  return `${WEEKDAYS[date.getUTCDay()]} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}
