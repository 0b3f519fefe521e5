/**
 * The scorecard: what proves WISMO is falling, read from daily roll-ups (ScorecardDay) and never from a scan of
 * shipments.
 *
 * `Scorecard` is the `GET /api/v1/scorecard` contract of ARCHITECTURE.md, field for field. `Dashboard` is what
 * the admin's Home page shows: the same figures plus the series, breakdowns and accuracy the API leaves out.
 *
 * Days are "YYYY-MM-DD" in the shop's time zone. Shipments count by their fulfillment day; every other figure
 * (cases opened, cases resolved, messages sent, lookups, tickets) counts on the day it happened.
 */

import { localParts } from "./business-time";

/** `GET /api/v1/scorecard` — exactly the contract. */
export interface Scorecard {
  from: string;
  to: string;
  shipments: { total: number; delivered: number; inFlight: number };
  carriers: CarrierScore[];
  exceptions: { opened: number; resolved: number; byType: Record<string, number>; medianHoursToResolve: number };
  messages: { sent: number; byMoment: Record<string, number> };
  asks: { lookups: number; tickets: number; wismoTickets: number; shipmentsAsked: number; caseBeforeAskRate: number };
}

export interface CarrierScore {
  carrier: string;
  shipments: number;
  delivered: number;
  /** delivered no later than the promise (or, without one, the first estimate given), of those that had one; 0 when none */
  onTimeRate: number;
  /** calendar days, as a decimal, from the fulfillment's creation to the delivered event */
  transitDaysP50: number;
  transitDaysP90: number;
}

/** One row of a breakdown by carrier service or by lane ("US-CA → US-NY"). */
export interface TransitScore extends CarrierScore {
  /** the carrier service ("ground"), or the lane "<origin> → <destination>" */
  label: string;
}

/** One day of the series the charts draw. */
export interface ScorecardDaySeries {
  day: string;
  /** shipments fulfilled that day, by the class of state they are in now ("in_transit", "delivered", …: ShipmentStatus) */
  byStatus: Record<string, number>;
  casesOpened: number;
  casesResolved: number;
  messagesSent: number;
  lookups: number;
  tickets: number;
}

export interface Dashboard {
  scorecard: Scorecard;
  /** the same length of time just before `from`, for the comparison */
  previous: Scorecard;
  days: ScorecardDaySeries[];
  services: TransitScore[];
  lanes: TransitScore[];
  exceptions: {
    /** hours from the problem showing (the state that opened the case) to an owned case */
    medianHoursToOwner: number;
    byOwner: Record<string, number>;
  };
  /** proactive messages by moment and channel */
  messages: { moment: string; channel: string; sent: number }[];
  /** the first estimate each delivered parcel was given, against the day it came */
  accuracy: { estimated: number; insideWindow: number; insideRate: number; meanErrorDays: number };
  /** of the troubled parcels that had an ask, the share with a case first (asks.caseBeforeAskRate) and the counts */
  caseBeforeAsk: { both: number; caseFirst: number };
}

/** Why a range is refused (400 with the reason). */
export const MAX_SCORECARD_DAYS = 400;

// ---------------------------------------------------------------------------------------------------------------
// The roll-ups' vocabulary. One ScorecardDay row = (shop, day, metric, key) with a count and a total; a range is a
// SUM of rows, so every figure below is built from sums (histograms are rows, one per bucket).

/**
 * Metrics and their keys. Shipments count on their fulfillment day; everything else on the day it happened.
 * `dim` is "<carrier>|<service>|<lane>" (service: the canonical service name or "*"; lane: the destination
 * region "US-NY", "US" or "*").
 */
export const METRIC = {
  /** key dim; count: shipments fulfilled (taken back if the shipment is cancelled or superseded) */
  shipped: "shipped",
  /** key <ShipmentStatus>; count: shipments of the day in that state now (moved -1/+1 when it changes) */
  status: "status",
  /** key dim; count: delivered; total: transit days */
  delivered: "delivered",
  /** key dim; count: deliveries that had a promise or a first estimate; total: of them, on time */
  onTime: "on_time",
  /** key "<carrier>|<bucket>"; count: deliveries whose transit days round to bucket / 10 */
  transit: "transit",
  /** key "<carrier>|<service>|<bucket>" (half days, in tenths) */
  transitService: "transit_service",
  /** key "<carrier>|<lane>|<bucket>" (whole days, in tenths) */
  transitLane: "transit_lane",
  /** key "inside" | "outside": delivered parcels that had a first estimate; total: error days */
  estimate: "estimate",
  /** key "<type>|<owner>"; count: cases opened */
  caseOpened: "case_opened",
  /** key "<bucket>": hours from the problem showing to the owned case (count; total: hours) */
  hoursToOwner: "hours_to_owner",
  /** key "<type>"; count: cases resolved (taken back if reopened); total: hours open */
  caseResolved: "case_resolved",
  /** key "<bucket>": hours to resolve, histogram */
  hoursToResolve: "hours_to_resolve",
  /** key "<moment>|<channel>"; count: messages sent */
  messageSent: "message_sent",
  /** count: storefront lookups */
  lookup: "lookup",
  /** key "wismo" | "other"; count: helpdesk tickets */
  ticket: "ticket",
  /** count: shipments asked about for the first time */
  asked: "asked",
  /** key "both" | "case_first": shipments that came to have both a case and an ask, counted when the second came */
  caseBeforeAsk: "case_before_ask",
} as const;

/** One row as the adapter hands it over: a metric and key summed over days (or one day, with `day`). */
export interface RollUpRow {
  day?: string;
  metric: string;
  key: string;
  count: number;
  total: number;
}

/** A roll-up increment, before it is written. */
export interface RollUpIncrement {
  day: string;
  metric: string;
  key: string;
  count: number;
  total: number;
}

export interface ScorecardRange {
  from: string;
  to: string;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Day number (days since 1970-01-01) of a real calendar date, or null. */
function dayNumber(value: string): number | null {
  const m = ISO_DAY.exec(value);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  if (back.getUTCFullYear() !== Number(m[1]) || back.getUTCMonth() !== Number(m[2]) - 1 || back.getUTCDate() !== Number(m[3])) return null;
  return Math.round(ms / DAY_MS);
}

function isoOf(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** `?from&to` as the API takes them: real "YYYY-MM-DD" days, from ≤ to, at most MAX_SCORECARD_DAYS days. */
export function parseScorecardRange(from: unknown, to: unknown): { ok: true; range: ScorecardRange } | { ok: false; error: string } {
  if (typeof from !== "string" || from === "") return { ok: false, error: "from is required (YYYY-MM-DD)" };
  if (typeof to !== "string" || to === "") return { ok: false, error: "to is required (YYYY-MM-DD)" };
  const a = dayNumber(from);
  if (a === null) return { ok: false, error: `from is not a date (YYYY-MM-DD): ${from.slice(0, 40)}` };
  const b = dayNumber(to);
  if (b === null) return { ok: false, error: `to is not a date (YYYY-MM-DD): ${to.slice(0, 40)}` };
  if (a > b) return { ok: false, error: "from is after to" };
  if (b - a + 1 > MAX_SCORECARD_DAYS) return { ok: false, error: `the range is ${b - a + 1} days; at most ${MAX_SCORECARD_DAYS}` };
  return { ok: true, range: { from, to } };
}

/** Every day of a range, in order. */
export function daysOf(range: ScorecardRange): string[] {
  const a = dayNumber(range.from)!;
  const b = dayNumber(range.to)!;
  const days: string[] = [];
  for (let n = a; n <= b; n++) days.push(isoOf(n));
  return days;
}

/** The same number of days just before `from` (the dashboard's comparison). */
export function previousRange(range: ScorecardRange): ScorecardRange {
  const a = dayNumber(range.from)!;
  const b = dayNumber(range.to)!;
  return { from: isoOf(a - (b - a + 1)), to: isoOf(a - 1) };
}

/** A roll-up key part: "|" separates parts, so it never appears inside one. */
export function keyPart(value: string | null | undefined): string {
  const cleaned = (value ?? "").replace(/\|/g, "/").trim();
  return cleaned === "" ? "*" : cleaned.slice(0, 60);
}

/** "<carrier>|<service>|<lane>" */
export function dimensionKey(carrier: string, service: string, lane: string): string {
  return `${keyPart(carrier)}|${keyPart(service)}|${keyPart(lane)}`;
}

/**
 * Transit days as a histogram bucket, in tenths of a day, capped at 120 days so a lost parcel is one bucket.
 * `step` is the precision kept: a tenth of a day by carrier (the contract's decimals), coarser where the rows
 * multiply (TRANSIT_STEP): a shop with many lanes would otherwise write thousands of rows a day.
 */
export function transitBucket(days: number, step = 0.1): number {
  return Math.min(1200, Math.max(0, Math.round(Math.round(days / step) * step * 10)));
}

/** The precision of each transit histogram, in days: p50/p90 by service to half a day, by lane to the day. */
export const TRANSIT_STEP = { carrier: 0.1, service: 0.5, lane: 1 } as const;

/**
 * Hours kept in buckets that are fine where it matters: tenths of an hour under 10 h, whole hours under
 * 10 days, then whole days. The key is the bucket's value in hours.
 */
export function hoursBucket(hours: number): number {
  const h = Math.max(0, hours);
  if (h < 10) return Math.round(h * 10) / 10;
  if (h < 240) return Math.round(h);
  return Math.min(24 * 400, Math.round(h / 24) * 24);
}

/** The smallest value whose cumulative count reaches the share p (nearest rank); 0 with no data. */
export function histogramQuantile(entries: readonly (readonly [number, number])[], p: number): number {
  const sorted = entries.filter(([, c]) => c > 0).sort((x, y) => x[0] - y[0]);
  const n = sorted.reduce((s, [, c]) => s + c, 0);
  if (n <= 0) return 0;
  const rank = Math.max(1, Math.ceil(p * n - 1e-9));
  let seen = 0;
  for (const [value, c] of sorted) {
    seen += c;
    if (seen >= rank) return value;
  }
  return sorted[sorted.length - 1]![0];
}

/** A share, 0 when there is nothing to share out; kept to four decimals. */
export function rate(part: number, whole: number): number {
  return whole > 0 ? round(part / whole, 4) : 0;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Of the shipments that had both a case and an ask, the share whose case opened first. */
export function caseBeforeAskRate(both: number, caseFirst: number): number {
  return rate(caseFirst, both);
}

export interface DeliveryJudgement {
  /** null: it had neither a promise nor an estimate to be judged by */
  onTime: boolean | null;
  /** null: it was given no estimate */
  estimate: { inside: boolean; errorDays: number } | null;
}

/**
 * On time: delivered no later than the promise (its last millisecond, `promisedBy`), or, without one, no later
 * than the last day of the first estimate given. Estimate accuracy: was the delivered day (in the recipient's
 * zone, `deliveredDay`) inside the first estimate's window, and how many days from the nearer end (0 inside).
 */
export function judgeDelivery(input: { deliveredAt: number; deliveredDay: string; promisedBy: number | null; firstEstimate: { earliest: string; latest: string } | null }): DeliveryJudgement {
  const { deliveredAt, deliveredDay, promisedBy, firstEstimate } = input;
  const day = dayNumber(deliveredDay);
  const earliest = firstEstimate ? dayNumber(firstEstimate.earliest) : null;
  const latest = firstEstimate ? dayNumber(firstEstimate.latest) : null;
  const estimate = day !== null && earliest !== null && latest !== null && earliest <= latest ? { inside: day >= earliest && day <= latest, errorDays: day < earliest ? earliest - day : day > latest ? day - latest : 0 } : null;
  let onTime: boolean | null = null;
  if (promisedBy !== null) onTime = deliveredAt <= promisedBy;
  else if (estimate && day !== null && latest !== null) onTime = day <= latest;
  return { onTime, estimate };
}

/** Calendar days, as a decimal, from the fulfillment's creation to the delivered event (never negative). */
export function transitDaysOf(shippedAt: number, deliveredAt: number): number {
  return Math.max(0, (deliveredAt - shippedAt) / DAY_MS);
}

/** States a parcel no longer moves from: not "in flight". */
const SETTLED = new Set(["delivered", "returned_to_sender"]);

interface Tally {
  shipments: number;
  delivered: number;
  judged: number;
  onTime: number;
  transit: [number, number][];
}

const newTally = (): Tally => ({ shipments: 0, delivered: 0, judged: 0, onTime: 0, transit: [] });

function score(carrier: string, t: Tally): CarrierScore {
  return {
    carrier,
    shipments: t.shipments,
    delivered: t.delivered,
    onTimeRate: rate(t.onTime, t.judged),
    transitDaysP50: histogramQuantile(t.transit, 0.5),
    transitDaysP90: histogramQuantile(t.transit, 0.9),
  };
}

function split(key: string): string[] {
  return key.split("|");
}

function add(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = newTally()));
  return t;
}

/** The hours histograms' rows as [hours, count]. */
function hoursEntries(rows: readonly RollUpRow[], metric: string): [number, number][] {
  return rows.filter((r) => r.metric === metric).map((r) => [Number(r.key), r.count] as [number, number]).filter(([h]) => Number.isFinite(h));
}

/** `GET /api/v1/scorecard` from the range's summed rows (metric, key). Empty rows: zeros and empty lists. */
export function buildScorecard(range: ScorecardRange, rows: readonly RollUpRow[]): Scorecard {
  const carriers = new Map<string, Tally>();
  let total = 0;
  let delivered = 0;
  let settled = 0;
  let statusSeen = 0;
  const exceptions = { opened: 0, resolved: 0, byType: {} as Record<string, number>, medianHoursToResolve: 0 };
  const messages = { sent: 0, byMoment: {} as Record<string, number> };
  const asks = { lookups: 0, tickets: 0, wismoTickets: 0, shipmentsAsked: 0, caseBeforeAskRate: 0 };
  let both = 0;
  let caseFirst = 0;
  for (const r of rows) {
    const parts = split(r.key);
    switch (r.metric) {
      case METRIC.shipped:
        total += r.count;
        add(carriers, parts[0]!).shipments += r.count;
        break;
      case METRIC.delivered:
        delivered += r.count;
        add(carriers, parts[0]!).delivered += r.count;
        break;
      case METRIC.onTime: {
        const t = add(carriers, parts[0]!);
        t.judged += r.count;
        t.onTime += r.total;
        break;
      }
      case METRIC.transit:
        add(carriers, parts[0]!).transit.push([Number(parts[1]) / 10, r.count]);
        break;
      case METRIC.status:
        statusSeen += r.count;
        if (SETTLED.has(r.key)) settled += r.count;
        break;
      case METRIC.caseOpened:
        exceptions.opened += r.count;
        exceptions.byType[parts[0]!] = (exceptions.byType[parts[0]!] ?? 0) + r.count;
        break;
      case METRIC.caseResolved:
        exceptions.resolved += r.count;
        break;
      case METRIC.messageSent:
        messages.sent += r.count;
        messages.byMoment[parts[0]!] = (messages.byMoment[parts[0]!] ?? 0) + r.count;
        break;
      case METRIC.lookup:
        asks.lookups += r.count;
        break;
      case METRIC.ticket:
        asks.tickets += r.count;
        if (r.key === "wismo") asks.wismoTickets += r.count;
        break;
      case METRIC.asked:
        asks.shipmentsAsked += r.count;
        break;
      case METRIC.caseBeforeAsk:
        if (r.key === "both") both += r.count;
        if (r.key === "case_first") caseFirst += r.count;
        break;
      default:
        break;
    }
  }
  exceptions.medianHoursToResolve = histogramQuantile(hoursEntries(rows, METRIC.hoursToResolve), 0.5);
  asks.caseBeforeAskRate = caseBeforeAskRate(both, caseFirst);
  // the status series holds every counted shipment in exactly one state: those not settled are in flight
  const inFlight = Math.max(0, statusSeen - settled);
  return {
    from: range.from,
    to: range.to,
    shipments: { total, delivered, inFlight },
    carriers: [...carriers].filter(([, t]) => t.shipments > 0 || t.delivered > 0).sort(([a, x], [b, y]) => y.shipments - x.shipments || a.localeCompare(b)).map(([c, t]) => score(c, t)),
    exceptions,
    messages,
    asks,
  };
}

/** The breakdowns by service or lane: dims picked by `pick` from "<carrier>|<service>|<lane>". */
function breakdown(rows: readonly RollUpRow[], pick: 1 | 2, histogram: string): TransitScore[] {
  const by = new Map<string, Tally>();
  const keyOf = (parts: string[]) => `${parts[0]}|${parts[pick]}`;
  for (const r of rows) {
    const parts = split(r.key);
    if (r.metric === METRIC.shipped) add(by, keyOf(parts)).shipments += r.count;
    else if (r.metric === METRIC.delivered) add(by, keyOf(parts)).delivered += r.count;
    else if (r.metric === METRIC.onTime) {
      const t = add(by, keyOf(parts));
      t.judged += r.count;
      t.onTime += r.total;
    } else if (r.metric === histogram) add(by, `${parts[0]}|${parts[1]}`).transit.push([Number(parts[2]) / 10, r.count]);
  }
  return [...by]
    .sort(([a, x], [b, y]) => y.shipments - x.shipments || a.localeCompare(b))
    .map(([key, t]) => {
      const [carrier, label] = split(key);
      return { ...score(carrier!, t), label: label! };
    });
}

/**
 * The Home page's figures: the scorecard of the range and of the period before it, the daily series (rows with
 * `day`: status, cases, messages, lookups, tickets), breakdowns by service and lane, and the rest.
 */
export function buildDashboard(range: ScorecardRange, rows: readonly RollUpRow[], previousRows: readonly RollUpRow[], dailyRows: readonly RollUpRow[]): Dashboard {
  const days = new Map<string, ScorecardDaySeries>(daysOf(range).map((day) => [day, { day, byStatus: {}, casesOpened: 0, casesResolved: 0, messagesSent: 0, lookups: 0, tickets: 0 }]));
  for (const r of dailyRows) {
    const d = r.day ? days.get(r.day) : undefined;
    if (!d) continue;
    if (r.metric === METRIC.status) {
      if (r.count !== 0) d.byStatus[r.key] = (d.byStatus[r.key] ?? 0) + r.count;
    } else if (r.metric === METRIC.caseOpened) d.casesOpened += r.count;
    else if (r.metric === METRIC.caseResolved) d.casesResolved += r.count;
    else if (r.metric === METRIC.messageSent) d.messagesSent += r.count;
    else if (r.metric === METRIC.lookup) d.lookups += r.count;
    else if (r.metric === METRIC.ticket) d.tickets += r.count;
  }
  const byOwner: Record<string, number> = {};
  const byMomentChannel = new Map<string, number>();
  let estimated = 0;
  let inside = 0;
  let errorDays = 0;
  let both = 0;
  let caseFirst = 0;
  for (const r of rows) {
    const parts = split(r.key);
    if (r.metric === METRIC.caseOpened && parts[1]) byOwner[parts[1]] = (byOwner[parts[1]] ?? 0) + r.count;
    else if (r.metric === METRIC.messageSent) byMomentChannel.set(r.key, (byMomentChannel.get(r.key) ?? 0) + r.count);
    else if (r.metric === METRIC.estimate) {
      estimated += r.count;
      errorDays += r.total;
      if (r.key === "inside") inside += r.count;
    } else if (r.metric === METRIC.caseBeforeAsk) {
      if (r.key === "both") both += r.count;
      if (r.key === "case_first") caseFirst += r.count;
    }
  }
  return {
    scorecard: buildScorecard(range, rows),
    previous: buildScorecard(previousRange(range), previousRows),
    days: [...days.values()],
    services: breakdown(rows, 1, METRIC.transitService),
    lanes: breakdown(rows, 2, METRIC.transitLane),
    exceptions: { medianHoursToOwner: histogramQuantile(hoursEntries(rows, METRIC.hoursToOwner), 0.5), byOwner },
    messages: [...byMomentChannel]
      .map(([key, sent]) => {
        const [moment, channel] = split(key);
        return { moment: moment!, channel: channel ?? "*", sent };
      })
      .sort((a, b) => b.sent - a.sent || a.moment.localeCompare(b.moment)),
    accuracy: { estimated, insideWindow: inside, insideRate: rate(inside, estimated), meanErrorDays: estimated > 0 ? round(errorDays / estimated, 2) : 0 },
    caseBeforeAsk: { both, caseFirst },
  };
}

/** The shop-zone day of an instant ("YYYY-MM-DD"), the day every roll-up is counted on. */
export function dayOfInstant(at: number, zone: string): string {
  return localParts(at, zone).isoDate;
}

/** Lookups a worried shopper makes in WORRIED_WINDOW_MS ("looked up 3+ times in 24 h"). */
export const WORRIED_LOOKUPS = 3;
export const WORRIED_WINDOW_MS = 24 * 3_600_000;
/** Lookup times a shipment keeps (`recentLookups`). */
export const RECENT_LOOKUPS_KEPT = 10;

/**
 * A shipment's latest lookup times with `count` more at `at` (oldest first, at most RECENT_LOOKUPS_KEPT), and
 * whether this made it reach WORRIED_LOOKUPS within WORRIED_WINDOW_MS (it is then evaluated at once).
 */
export function appendLookups(previous: readonly number[], count: number, at: number): { recent: number[]; becameWorried: boolean } {
  const within = (list: readonly number[]) => list.filter((t) => t > at - WORRIED_WINDOW_MS && t <= at).length;
  const added = Array.from({ length: Math.max(0, Math.min(count, RECENT_LOOKUPS_KEPT)) }, () => at);
  const recent = [...previous.filter((t) => Number.isFinite(t)), ...added].sort((a, b) => a - b).slice(-RECENT_LOOKUPS_KEPT);
  return { recent, becameWorried: within(previous) < WORRIED_LOOKUPS && within(recent) >= WORRIED_LOOKUPS };
}

/** Metrics the API's scorecard reads (the dashboard reads them all). */
export const SCORECARD_METRICS: readonly string[] = [
  METRIC.shipped,
  METRIC.status,
  METRIC.delivered,
  METRIC.onTime,
  METRIC.transit,
  METRIC.caseOpened,
  METRIC.caseResolved,
  METRIC.hoursToResolve,
  METRIC.messageSent,
  METRIC.lookup,
  METRIC.ticket,
  METRIC.asked,
  METRIC.caseBeforeAsk,
];

/** Metrics the dashboard draws day by day. */
export const DAILY_METRICS: readonly string[] = [METRIC.status, METRIC.caseOpened, METRIC.caseResolved, METRIC.messageSent, METRIC.lookup, METRIC.ticket];

/** States that are the problem themselves: a case on one of them is owed from the moment the state showed. */
const PROBLEM_STATES = new Set(["exception", "attempted_delivery", "delayed", "returning_to_sender", "returned_to_sender", "unknown"]);

/**
 * When the problem behind a case showed, for "time to owner": the carrier's time of a problem state (the
 * event that put the shipment in it); for a case of silence or lateness, the moment the shipment came due for
 * the check that found it (its next check), never after the case opened.
 */
export function problemSince(s: { status: string; statusChangedAt: number | null; nextCheckAt: number | null }, openedAt: number): number {
  if (PROBLEM_STATES.has(s.status) && s.statusChangedAt !== null) return Math.min(s.statusChangedAt, openedAt);
  return s.nextCheckAt !== null ? Math.min(s.nextCheckAt, openedAt) : openedAt;
}
