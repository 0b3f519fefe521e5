/**
 * Business time: how much carrier-working time has passed, in the shop's time zone.
 *
 * Silence detection ("no scan for N business hours") must not fire because a weekend or a holiday went by,
 * and promise dates ("deliver in 3 business days") must skip the days the shop does not ship. Both need local
 * calendar dates in an IANA zone, correct across DST. Everything here is pure: instants come in as epoch
 * milliseconds, and zone math uses only the built-in `Intl.DateTimeFormat` (no Date.now(), no I/O).
 *
 * Counting rules (the decisions behind every function below):
 * - A local day runs from local midnight to the next local midnight. It is a business day when its weekday is in
 *   `workdays` and its "YYYY-MM-DD" date is not in `holidays`.
 * - Business hours are real elapsed time (ms / 3,600,000) that falls inside business days, fractional. A partial
 *   day counts only the part inside [from, to). A DST day counts what actually elapses: the spring-forward day
 *   is 23 hours long, the fall-back day 25 (so "24 business hours" is elapsed time, not wall-clock arithmetic).
 * - Business days count local dates, ignoring the time of day: the business dates d with date(from) < d ≤ date(to).
 * - A nonexistent local time (spring-forward gap) resolves to the first instant after the gap; an ambiguous one
 *   (fall-back overlap) to its first occurrence. Zones whose midnight falls in a gap (America/Santiago) therefore
 *   start the day at 01:00.
 */
import type { CarrierCode } from "./carriers";
import type { ShipmentStatus } from "./status";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Far enough to cover any realistic holiday list; past it a calendar that never opens is reported, not looped on. */
const MAX_DAYS_SCANNED = 366 * 50;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days of the week a carrier scans parcels; 0 = Sunday … 6 = Saturday. Most carriers do not scan on Sundays.
 *
 * These are the product's working assumptions, not figures checked against each carrier's current service pages
 * (coverage varies by area and service level); merchants override them per carrier in settings (`carrierWorkdays`):
 * - UPS: Mon–Fri, plus Saturday pickup and delivery in many areas → Mon–Sat.
 * - USPS: scans Mon–Sat; Sunday only for Priority Mail Express and Amazon parcels → Mon–Sat.
 * - FedEx: FedEx Ground/Home runs Saturdays in many areas → Mon–Sat.
 * - DHL Express: Mon–Fri (Saturday is a limited, paid service) → Mon–Fri.
 * - Canada Post: Mon–Fri.
 * - Amazon Logistics: delivers every day of the week.
 * - Everyone else (OnTrac, Royal Mail, Australia Post, Purolator, LaserShip, other): Mon–Fri, the conservative
 *   choice for silence detection (counting a day a carrier does not scan would raise false "stalled" alerts).
 */
export const DEFAULT_CARRIER_WORKDAYS: Record<CarrierCode, readonly number[]> = {
  ups: Object.freeze([1, 2, 3, 4, 5, 6]),
  usps: Object.freeze([1, 2, 3, 4, 5, 6]),
  fedex: Object.freeze([1, 2, 3, 4, 5, 6]),
  dhl: Object.freeze([1, 2, 3, 4, 5]),
  canada_post: Object.freeze([1, 2, 3, 4, 5]),
  ontrac: Object.freeze([1, 2, 3, 4, 5]),
  amazon: Object.freeze([0, 1, 2, 3, 4, 5, 6]),
  royal_mail: Object.freeze([1, 2, 3, 4, 5]),
  australia_post: Object.freeze([1, 2, 3, 4, 5]),
  purolator: Object.freeze([1, 2, 3, 4, 5]),
  lasership: Object.freeze([1, 2, 3, 4, 5]),
  other: Object.freeze([1, 2, 3, 4, 5]),
};

/** The shop's own shipping days, for promise dates: Monday to Friday. */
export const SHOP_WORKDAYS: readonly number[] = Object.freeze([1, 2, 3, 4, 5]);

export interface BusinessCalendar {
  /** IANA zone of the shop (for holidays and cut-offs). */
  timezone: string;
  /** The carrier's scanning days, 0 = Sunday … 6 = Saturday. */
  workdays: readonly number[];
  /** "YYYY-MM-DD" local dates with no scans (shop holidays + carrier holidays). */
  holidays: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Zones

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    // Throws RangeError for an unknown zone.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** True for a zone `Intl` knows ("America/New_York", "UTC"); false for "", "EST5", "Mars/Base" … */
export function isValidTimeZone(timezone: string): boolean {
  if (typeof timezone !== "string" || timezone.trim() === "") return false;
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

function assertFiniteInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite epoch-millisecond number, got ${ms}`);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** per zone, UTC hour → the zone's offset through that whole hour, or null where it changes within the hour */
const hourOffsets = new Map<string, Map<number, number | null>>();
const HOUR_OFFSETS_KEPT = 100_000;
const MAX_INSTANT_MS = 8.64e15;

/**
 * The wall clock of an instant in a zone. `Intl` answers in microseconds, and the sweep asks it thousands of
 * times per batch (business hours between scans, local days), so the zone's offset is kept per UTC hour: read
 * at the hour's first and last second, and used for every instant of the hour only when both agree (an hour
 * holding a transition is read from `Intl` each time).
 */
function wallClock(ms: number, timezone: string): WallClock {
  // the hour's ends must be instants Date can hold (±8.64e15 ms): at the edges of time, Intl alone
  if (Math.abs(ms) > MAX_INSTANT_MS - HOUR_MS) return wallClockFromIntl(ms, timezone);
  const hour = Math.floor(ms / HOUR_MS);
  let byHour = hourOffsets.get(timezone);
  if (!byHour) hourOffsets.set(timezone, (byHour = new Map()));
  let offset = byHour.get(hour);
  if (offset === undefined) {
    const first = intlOffsetAt(hour * HOUR_MS, timezone);
    offset = first === intlOffsetAt((hour + 1) * HOUR_MS - 1_000, timezone) ? first : null;
    if (byHour.size >= HOUR_OFFSETS_KEPT) byHour.clear();
    byHour.set(hour, offset);
  }
  if (offset === null) return wallClockFromIntl(ms, timezone);
  const local = new Date(ms + offset);
  if (Number.isNaN(local.getTime())) return wallClockFromIntl(ms, timezone);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

/** how far the zone's wall clock is ahead of UTC at a whole second, as `Intl` reads it */
function intlOffsetAt(ms: number, timezone: string): number {
  const w = wallClockFromIntl(ms, timezone);
  return utcFromFields(w.year, w.month, w.day, w.hour, w.minute, w.second) - ms;
}

function wallClockFromIntl(ms: number, timezone: string): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  let bc = false;
  for (const part of formatterFor(timezone).formatToParts(new Date(ms))) {
    switch (part.type) {
      case "era":
        bc = part.value.startsWith("B");
        break;
      case "year":
      case "month":
      case "day":
      case "hour":
      case "minute":
      case "second":
        wall[part.type] = Number.parseInt(part.value, 10);
        break;
      default:
        break;
    }
  }
  if (bc) wall.year = 1 - wall.year;
  if (wall.hour === 24) wall.hour = 0; // engines that still render midnight as 24 under h23
  return wall;
}

/** Date.UTC without its 0–99 → 1900–1999 year mapping. Fields roll over like Date.UTC. */
function utcFromFields(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at an instant (local wall clock minus UTC), in ms. */
function offsetAt(ms: number, timezone: string): number {
  const wall = wallClock(ms, timezone);
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return utcFromFields(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second) - wholeSecond;
}

// Local dates as day numbers (days since 1970-01-01), so calendar stepping is plain integer arithmetic.

function dayNumberOf(year: number, month: number, day: number): number {
  return Math.round(utcFromFields(year, month, day) / DAY_MS);
}

function weekdayOf(dayNumber: number): number {
  return (((dayNumber + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function isoDateOf(dayNumber: number): string {
  const date = new Date(dayNumber * DAY_MS);
  const year = date.getUTCFullYear();
  const yyyy = year >= 0 && year <= 9999 ? String(year).padStart(4, "0") : String(year);
  return `${yyyy}-${String(date.getUTCMonth() + 1).padStart(2, "0")}-${String(date.getUTCDate()).padStart(2, "0")}`;
}

function localDayNumber(ms: number, timezone: string): number {
  const wall = wallClock(ms, timezone);
  return dayNumberOf(wall.year, wall.month, wall.day);
}

/** Local calendar parts of an instant in a zone. weekday: 0 = Sunday … 6 = Saturday. */
export function localParts(
  ms: number,
  timezone: string,
): { year: number; month: number; day: number; hour: number; minute: number; weekday: number; isoDate: string } {
  assertFiniteInstant(ms, "ms");
  const wall = wallClock(ms, timezone);
  const dayNumber = dayNumberOf(wall.year, wall.month, wall.day);
  return {
    year: wall.year,
    month: wall.month,
    day: wall.day,
    hour: wall.hour,
    minute: wall.minute,
    weekday: weekdayOf(dayNumber),
    isoDate: isoDateOf(dayNumber),
  };
}

/**
 * The instant of a local wall-clock time in a zone. DST-aware: a time that does not exist (spring-forward gap)
 * gives the first instant after the gap (New York 2026-03-08 02:30 → 03:00 EDT); a time that happens twice
 * (fall-back overlap) gives the first occurrence (New York 2026-11-01 01:30 → 01:30 EDT). Out-of-range fields
 * roll over like Date.UTC (day 32 is the first of the next month).
 */
export function zonedTimeToUtc(
  parts: { year: number; month: number; day: number; hour?: number; minute?: number },
  timezone: string,
): number {
  const { year, month, day, hour = 0, minute = 0 } = parts;
  for (const [name, value] of [["year", year], ["month", month], ["day", day], ["hour", hour], ["minute", minute]] as const) {
    if (!Number.isInteger(value)) throw new RangeError(`zonedTimeToUtc: ${name} must be an integer, got ${value}`);
  }
  const wall = utcFromFields(year, month, day, hour, minute);
  // The offsets in force a day either side bracket any single transition near this wall time.
  const before = offsetAt(wall - DAY_MS, timezone);
  const after = offsetAt(wall + DAY_MS, timezone);
  const candidates = new Set([before, after, offsetAt(wall, timezone)]);
  let best: number | null = null;
  for (const offset of candidates) {
    const instant = wall - offset;
    if (offsetAt(instant, timezone) === offset && (best === null || instant < best)) best = instant;
  }
  if (best !== null) return best;
  // In a gap: the transition lies between the instant the old offset would give and the one the new offset gives.
  let lo = wall - after; // still on the old offset (local time before the gap)
  let hi = wall - before; // already on the new offset
  if (!(lo < hi) || offsetAt(lo, timezone) !== before) return wall - after;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid, timezone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

// A local midnight depends only on the zone and the date, and resolving one takes several Intl calls:
// remembered (bounded), it made the silence sweep several times faster.
const dayStarts = new Map<string, number>();
const DAY_STARTS_KEPT = 100_000;

function startOfLocalDay(dayNumber: number, timezone: string): number {
  const key = `${timezone}|${dayNumber}`;
  const known = dayStarts.get(key);
  if (known !== undefined) return known;
  const date = new Date(dayNumber * DAY_MS);
  const start = zonedTimeToUtc({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }, timezone);
  if (dayStarts.size >= DAY_STARTS_KEPT) dayStarts.clear();
  dayStarts.set(key, start);
  return start;
}

// ---------------------------------------------------------------------------------------------------------------
// Calendars

function sanitizeWorkdays(days: readonly number[] | undefined): number[] {
  if (!Array.isArray(days)) return [];
  return [...new Set(days.filter((d): d is number => Number.isInteger(d) && d >= 0 && d <= 6))].sort((a, b) => a - b);
}

function isIsoDate(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const dayNumber = dayNumberOf(Number(m[1]), Number(m[2]), Number(m[3]));
  return isoDateOf(dayNumber) === value; // rejects 2026-02-30
}

/**
 * The calendar a shipment's silence is measured on: the shop's zone, the carrier's scanning days (the merchant's
 * override when it names at least one valid day, else DEFAULT_CARRIER_WORKDAYS — an empty override would mute every
 * silence alert, so it is not honoured), and the holidays (malformed dates dropped, duplicates removed).
 * Throws RangeError for a zone `Intl` does not know.
 */
export function calendarFor(input: {
  timezone: string;
  carrier: CarrierCode;
  holidays?: readonly string[];
  carrierWorkdays?: Partial<Record<CarrierCode, readonly number[]>>;
}): BusinessCalendar {
  if (!isValidTimeZone(input.timezone)) throw new RangeError(`calendarFor: unknown time zone "${input.timezone}"`);
  const override = sanitizeWorkdays(input.carrierWorkdays?.[input.carrier]);
  const workdays = override.length > 0 ? override : [...(DEFAULT_CARRIER_WORKDAYS[input.carrier] ?? DEFAULT_CARRIER_WORKDAYS.other)];
  const holidays = [...new Set((input.holidays ?? []).filter(isIsoDate))].sort();
  return { timezone: input.timezone, workdays, holidays };
}

interface CompiledCalendar {
  timezone: string;
  workdays: ReadonlySet<number>;
  holidays: ReadonlySet<number>;
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();

function compile(calendar: BusinessCalendar): CompiledCalendar {
  let known = compiled.get(calendar);
  if (!known) {
    known = compileAnew(calendar);
    compiled.set(calendar, known);
  }
  return known;
}

function compileAnew(calendar: BusinessCalendar): CompiledCalendar {
  formatterFor(calendar.timezone); // fail early on an unknown zone
  const holidays = new Set<number>();
  for (const h of calendar.holidays) {
    if (!isIsoDate(h)) continue;
    const m = ISO_DATE.exec(h)!;
    holidays.add(dayNumberOf(Number(m[1]), Number(m[2]), Number(m[3])));
  }
  return { timezone: calendar.timezone, workdays: new Set(sanitizeWorkdays(calendar.workdays)), holidays };
}

function isBusinessDay(dayNumber: number, cal: CompiledCalendar): boolean {
  return cal.workdays.has(weekdayOf(dayNumber)) && !cal.holidays.has(dayNumber);
}

function assertOpens(cal: CompiledCalendar, fn: string): void {
  if (cal.workdays.size === 0) throw new RangeError(`${fn}: the calendar has no workdays, so it never opens`);
}

// ---------------------------------------------------------------------------------------------------------------
// Business hours

/** Business milliseconds in [fromMs, toMs): whole integers when the inputs are. */
function businessMsBetween(fromMs: number, toMs: number, cal: CompiledCalendar): number {
  if (!(toMs > fromMs) || cal.workdays.size === 0) return 0;
  let dayNumber = localDayNumber(fromMs, cal.timezone);
  let dayStart = startOfLocalDay(dayNumber, cal.timezone);
  let elapsed = 0;
  while (dayStart < toMs) {
    const dayEnd = startOfLocalDay(dayNumber + 1, cal.timezone);
    if (isBusinessDay(dayNumber, cal)) {
      const overlap = Math.min(toMs, dayEnd) - Math.max(fromMs, dayStart);
      if (overlap > 0) elapsed += overlap;
    }
    dayNumber += 1;
    dayStart = dayEnd;
  }
  return elapsed;
}

/**
 * Business hours elapsed between two instants: only the hours of days that are workdays and not holidays count
 * (whole local days; a partial day counts its partial hours; DST days count their real 23 or 25 hours).
 * Fractional. 0 when toMs is not after fromMs (a clock that runs backwards is no silence).
 */
export function businessHoursBetween(fromMs: number, toMs: number, calendar: BusinessCalendar): number {
  assertFiniteInstant(fromMs, "fromMs");
  assertFiniteInstant(toMs, "toMs");
  return businessMsBetween(fromMs, toMs, compile(calendar)) / HOUR_MS;
}

/**
 * The earliest instant at which `hours` business hours will have elapsed after fromMs (the inverse of
 * businessHoursBetween), rounded up to the whole millisecond — used to schedule the next silence check.
 * When the count runs out exactly at the end of a business day, that is the next local midnight; from a
 * non-business day the count starts at the next business day's midnight. hours = 0 returns fromMs.
 * Throws RangeError for negative hours or a calendar with no workdays.
 */
export function addBusinessHours(fromMs: number, hours: number, calendar: BusinessCalendar): number {
  assertFiniteInstant(fromMs, "fromMs");
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`addBusinessHours: hours must be a finite number ≥ 0, got ${hours}`);
  if (hours === 0) return fromMs;
  const cal = compile(calendar);
  assertOpens(cal, "addBusinessHours");
  let remaining = hours * HOUR_MS;
  let dayNumber = localDayNumber(fromMs, cal.timezone);
  let dayStart = startOfLocalDay(dayNumber, cal.timezone);
  let idleDays = 0;
  for (;;) {
    const dayEnd = startOfLocalDay(dayNumber + 1, cal.timezone);
    if (isBusinessDay(dayNumber, cal)) {
      idleDays = 0;
      const segmentStart = Math.max(fromMs, dayStart);
      const available = dayEnd - segmentStart;
      if (available > 0) {
        if (remaining <= available) return Math.min(dayEnd, Math.ceil(segmentStart + remaining));
        remaining -= available;
      }
    } else if (++idleDays > MAX_DAYS_SCANNED) {
      throw new RangeError("addBusinessHours: no business day within 50 years (check workdays and holidays)");
    }
    dayNumber += 1;
    dayStart = dayEnd;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Business days

/**
 * Whole business days from a to b, counting local dates and ignoring the time of day: the business dates d with
 * date(a) < d ≤ date(b). Friday → next Tuesday with Monday a holiday = 1. Signed: negative when b's date is before
 * a's (b before a), so "days remaining" reads naturally.
 */
export function businessDaysBetween(fromMs: number, toMs: number, calendar: BusinessCalendar): number {
  assertFiniteInstant(fromMs, "fromMs");
  assertFiniteInstant(toMs, "toMs");
  const cal = compile(calendar);
  const a = localDayNumber(fromMs, cal.timezone);
  const b = localDayNumber(toMs, cal.timezone);
  const [lo, hi, sign] = a <= b ? [a, b, 1] : [b, a, -1];
  if (cal.workdays.size === 0) return 0;
  let count = 0;
  for (let d = lo + 1; d <= hi; d++) if (isBusinessDay(d, cal)) count++;
  return sign * count;
}

function endOfLocalDay(dayNumber: number, timezone: string): number {
  return startOfLocalDay(dayNumber + 1, timezone) - 1;
}

function nthBusinessDayFrom(dayNumber: number, days: number, cal: CompiledCalendar, fn: string): number {
  let d = dayNumber;
  let counted = 0;
  let scanned = 0;
  if (days === 0) {
    while (!isBusinessDay(d, cal)) {
      d++;
      if (++scanned > MAX_DAYS_SCANNED) throw new RangeError(`${fn}: no business day within 50 years`);
    }
    return d;
  }
  while (counted < days) {
    d++;
    if (isBusinessDay(d, cal)) counted++;
    else if (++scanned > MAX_DAYS_SCANNED) throw new RangeError(`${fn}: no business day within 50 years`);
  }
  return d;
}

function assertWholeDays(days: number, fn: string): void {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`${fn}: days must be a whole number ≥ 0, got ${days}`);
}

/**
 * The end (23:59:59.999 local) of the business day that is `days` business days after fromMs's local date.
 * days = 0 means fromMs's own date when it is a business day, else the next business day (the result is always a
 * business day). Throws RangeError for a negative or fractional `days`, or a calendar with no workdays.
 */
export function addBusinessDays(fromMs: number, days: number, calendar: BusinessCalendar): number {
  assertFiniteInstant(fromMs, "fromMs");
  assertWholeDays(days, "addBusinessDays");
  const cal = compile(calendar);
  assertOpens(cal, "addBusinessDays");
  const target = nthBusinessDayFrom(localDayNumber(fromMs, cal.timezone), days, cal, "addBusinessDays");
  return endOfLocalDay(target, cal.timezone);
}

// ---------------------------------------------------------------------------------------------------------------
// Promises to the customer

export interface PromisePolicy {
  /** Case-insensitive substring of the shipping line title or code, or "*" for any order. */
  match: string;
  /** Business days (shop calendar, Mon–Fri minus holidays) from the ship date to delivery. */
  businessDays: number;
  /** Local hour (shop zone) from which orders ship the next business day; 14 means 14:00 and later. */
  cutoffHour: number;
}

/**
 * The first policy (in the merchant's order) whose `match` is "*" or a case-insensitive substring of any shipping
 * line's title or code; null when none matches. A blank `match` matches nothing. "*" matches every order, even one
 * without shipping lines.
 */
export function findPromisePolicy(
  policies: readonly PromisePolicy[],
  shippingLines: readonly { title: string | null; code: string | null }[],
): PromisePolicy | null {
  for (const policy of policies) {
    const needle = policy.match.trim().toLowerCase();
    if (needle === "*") return policy;
    if (needle === "") continue;
    const hit = shippingLines.some(
      (line) => (line.title ?? "").toLowerCase().includes(needle) || (line.code ?? "").toLowerCase().includes(needle),
    );
    if (hit) return policy;
  }
  return null;
}

/**
 * The promise (deliver by the end, 23:59:59.999 local, of the returned instant's day) for an order placed at
 * orderedAtMs. The ship date is the order's local date in the SHOP's zone when that is a business day (Mon–Fri,
 * not a shop holiday) and the order came before the cut-off (local hour < cutoffHour); otherwise the next business
 * day. The promise is `businessDays` business days after the ship date (0 = the ship date itself).
 * Throws RangeError for a fractional or negative businessDays or a cutoffHour outside 0–24.
 */
export function promisedBy(
  orderedAtMs: number,
  policy: PromisePolicy,
  shop: { timezone: string; holidays: readonly string[] },
): number {
  assertFiniteInstant(orderedAtMs, "orderedAtMs");
  assertWholeDays(policy.businessDays, "promisedBy");
  if (!Number.isFinite(policy.cutoffHour) || policy.cutoffHour < 0 || policy.cutoffHour > 24) {
    throw new RangeError(`promisedBy: cutoffHour must be between 0 and 24, got ${policy.cutoffHour}`);
  }
  const cal = compile({ timezone: shop.timezone, workdays: SHOP_WORKDAYS, holidays: shop.holidays });
  const wall = wallClock(orderedAtMs, cal.timezone);
  const orderDay = dayNumberOf(wall.year, wall.month, wall.day);
  const minuteOfDay = wall.hour * 60 + wall.minute + wall.second / 60;
  const beforeCutoff = minuteOfDay < policy.cutoffHour * 60;
  const shipDay =
    beforeCutoff && isBusinessDay(orderDay, cal) ? orderDay : nthBusinessDayFrom(orderDay, 1, cal, "promisedBy");
  const deliverDay = nthBusinessDayFrom(shipDay, policy.businessDays, cal, "promisedBy");
  return endOfLocalDay(deliverDay, cal.timezone);
}

export type PromiseStanding = "on_track" | "at_risk" | "late" | "delivered_on_time" | "delivered_late" | "no_promise";

/** Less than this much carrier business time left before the promise, and not out for delivery: at risk. */
const AT_RISK_WITHIN_MS = 24 * HOUR_MS;

/**
 * Where a shipment stands against its promise. Checked in this order:
 * - no_promise: promisedBy is null.
 * - delivered_on_time / delivered_late: deliveredAt (or, for status "delivered" without a time, `now`, the latest
 *   it can have happened) is at or before / after promisedBy. businessDaysLate counts business dates after the
 *   promise date up to the delivery date on `calendar`.
 * - late: now is past promisedBy and it is not delivered; businessDaysLate as above up to now's date (0 when only
 *   non-business days have passed, e.g. a Friday promise seen on Saturday).
 * - at_risk: the carrier's ETA is later than the promise, or less than 1 business day (24 business hours on
 *   `calendar`, the promise day counting through 23:59:59.999) remains and the status is not out_for_delivery.
 * - on_track otherwise.
 */
export function promiseStanding(input: {
  promisedBy: number | null;
  estimatedDeliveryAt: number | null;
  deliveredAt: number | null;
  status: ShipmentStatus;
  now: number;
  calendar: BusinessCalendar;
}): { standing: PromiseStanding; businessDaysLate: number } {
  const { promisedBy: promise, estimatedDeliveryAt, deliveredAt, status, now, calendar } = input;
  assertFiniteInstant(now, "now");
  if (promise === null) return { standing: "no_promise", businessDaysLate: 0 };
  const deliveredWhen = deliveredAt ?? (status === "delivered" ? now : null);
  if (deliveredWhen !== null) {
    if (deliveredWhen <= promise) return { standing: "delivered_on_time", businessDaysLate: 0 };
    return { standing: "delivered_late", businessDaysLate: Math.max(0, businessDaysBetween(promise, deliveredWhen, calendar)) };
  }
  if (now > promise) return { standing: "late", businessDaysLate: Math.max(0, businessDaysBetween(promise, now, calendar)) };
  if (estimatedDeliveryAt !== null && estimatedDeliveryAt > promise) return { standing: "at_risk", businessDaysLate: 0 };
  if (status !== "out_for_delivery") {
    // The promise instant is the last millisecond of its day, so the day runs until promise + 1.
    const remainingMs = businessMsBetween(now, promise + 1, compile(calendar));
    if (remainingMs < AT_RISK_WITHIN_MS) return { standing: "at_risk", businessDaysLate: 0 };
  }
  return { standing: "on_track", businessDaysLate: 0 };
}

/** Exposed for tests and callers that need the span of a local day (23, 24 or 25 hours). */
export function localDayBounds(ms: number, timezone: string): { start: number; end: number } {
  assertFiniteInstant(ms, "ms");
  const dayNumber = localDayNumber(ms, timezone);
  return { start: startOfLocalDay(dayNumber, timezone), end: startOfLocalDay(dayNumber + 1, timezone) };
}

// ---------------------------------------------------------------------------------------------------------------
// Carrier holidays

/**
 * The days a carrier neither picks up, scans nor delivers, as the carriers publish them: UPS, FedEx and DHL
 * Express in the US close for New Year's Day, Memorial Day, Independence Day, Labor Day, Thanksgiving and
 * Christmas; USPS for every federal holiday (Martin Luther King Jr. Day, Presidents' Day, Juneteenth, Columbus Day
 * and Veterans Day too); Canada Post for the national statutory holidays (Good Friday, Victoria Day, Canada Day,
 * Labour Day, Thanksgiving, Remembrance Day, Christmas, Boxing Day). A fixed date on a Sunday is observed the
 * Monday after; on a Saturday, the Friday before for the US parcel carriers and the Monday after for Canada Post
 * (USPS simply does not deliver that Saturday). Other carriers: none known; merchants add theirs in settings.
 *
 * Not part of `calendarFor`'s answer (silence detection keeps the merchant's list); the transit model counts on
 * calendars with them added, so a week with Thanksgiving in it does not look a day slow. "YYYY-MM-DD", sorted.
 */
export function carrierHolidays(carrier: CarrierCode, fromYear: number, toYear: number = fromYear): string[] {
  const days = new Set<number>();
  for (let year = fromYear; year <= toYear; year++) for (const d of carrierHolidaysOf(carrier, year)) days.add(d);
  return [...days].sort((a, b) => a - b).map(isoDateOf);
}

const US_PARCEL_CARRIERS: ReadonlySet<CarrierCode> = new Set<CarrierCode>(["ups", "fedex", "dhl"]);

function carrierHolidaysOf(carrier: CarrierCode, year: number): number[] {
  const date = (month: number, day: number) => dayNumberOf(year, month, day);
  /** the nth given weekday (0 = Sunday) of a month; n = -1: the last */
  const nth = (month: number, weekday: number, n: number) => {
    if (n < 0) {
      const last = dayNumberOf(year, month + 1, 0);
      return last - ((weekdayOf(last) - weekday + 7) % 7);
    }
    const first = dayNumberOf(year, month, 1);
    return first + ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1);
  };
  const observed = (d: number, saturdayBack: boolean) => (weekdayOf(d) === 0 ? d + 1 : weekdayOf(d) === 6 && saturdayBack ? d - 1 : d);
  if (US_PARCEL_CARRIERS.has(carrier) || carrier === "usps") {
    const back = carrier !== "usps";
    const days = [observed(date(1, 1), back), nth(5, 1, -1), observed(date(7, 4), back), nth(9, 1, 1), nth(11, 4, 4), observed(date(12, 25), back)];
    if (carrier === "usps") days.push(nth(1, 1, 3), nth(2, 1, 3), observed(date(6, 19), false), nth(10, 1, 2), observed(date(11, 11), false));
    return days;
  }
  if (carrier === "canada_post") {
    // a statutory holiday on a weekend moves to the next weekday (Boxing Day to the one after Christmas's)
    const weekday = (d: number) => {
      while (weekdayOf(d) === 0 || weekdayOf(d) === 6) d++;
      return d;
    };
    const may24 = date(5, 24);
    const christmas = weekday(date(12, 25));
    return [
      weekday(date(1, 1)),
      easterSunday(year) - 2,
      may24 - ((weekdayOf(may24) + 6) % 7),
      weekday(date(7, 1)),
      nth(9, 1, 1),
      nth(10, 1, 2),
      weekday(date(11, 11)),
      christmas,
      weekday(Math.max(date(12, 26), christmas + 1)),
    ];
  }
  return [];
}

/** Easter Sunday of a Gregorian year, as a day number (the anonymous Gregorian computus). */
function easterSunday(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const g = Math.floor((b - Math.floor((b + 8) / 25) + 1) / 3);
  const h = (19 * a + b - Math.floor(b / 4) - g + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumberOf(year, month, day);
}
