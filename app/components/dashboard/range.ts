/**
 * The dashboard's date range, as Shopify's own analytics offer it: a few preset ranges ending today in the shop's
 * time zone, or any two days the merchant picks. Days are "YYYY-MM-DD" in the shop's zone (as the scorecard counts
 * them); the arithmetic runs on UTC midnights so no daylight-saving change can move a day.
 */

export interface DayRange {
  from: string;
  to: string;
}

export const PRESETS = [
  { id: "last7", label: "Last 7 days", days: 7 },
  { id: "last30", label: "Last 30 days", days: 30 },
  { id: "last90", label: "Last 90 days", days: 90 },
] as const;
export type PresetId = (typeof PRESETS)[number]["id"];

/** The range Home opens on. */
export const DEFAULT_PRESET: PresetId = "last30";

const DAY_MS = 86_400_000;

/** The calendar day an instant falls on in a time zone. */
export function dayIn(at: number, timeZone: string): string {
  // en-CA writes dates as YYYY-MM-DD
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

export function dayToUtc(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, days: number): string {
  return new Date(dayToUtc(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days in the range, both ends counted. */
export function rangeLength(range: DayRange): number {
  return Math.round((dayToUtc(range.to) - dayToUtc(range.from)) / DAY_MS) + 1;
}

export function presetRange(id: PresetId, today: string): DayRange {
  const days = PRESETS.find((p) => p.id === id)!.days;
  return { from: addDays(today, -(days - 1)), to: today };
}

/** Which preset a range is, if any ("custom" otherwise). */
export function presetOf(range: DayRange, today: string): PresetId | "custom" {
  return PRESETS.find((p) => {
    const r = presetRange(p.id, today);
    return r.from === range.from && r.to === range.to;
  })?.id ?? "custom";
}

const DAY_FORMAT = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const DAY_YEAR_FORMAT = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/** "Nov 6" — a chart's axis. */
export function shortDay(day: string): string {
  return DAY_FORMAT.format(dayToUtc(day));
}

/** "Nov 6 – Dec 5, 2026", or the preset's name when the range is one. */
export function rangeLabel(range: DayRange, today: string): string {
  const preset = presetOf(range, today);
  if (preset !== "custom") return PRESETS.find((p) => p.id === preset)!.label;
  if (range.from === range.to) return DAY_YEAR_FORMAT.format(dayToUtc(range.from));
  const sameYear = range.from.slice(0, 4) === range.to.slice(0, 4);
  return `${(sameYear ? DAY_FORMAT : DAY_YEAR_FORMAT).format(dayToUtc(range.from))} – ${DAY_YEAR_FORMAT.format(dayToUtc(range.to))}`;
}

/** "previous 30 days": what the comparison is against, in the words under each figure. */
export function previousLabel(range: DayRange): string {
  const days = rangeLength(range);
  return days === 1 ? "the day before" : `previous ${days} days`;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day written YYYY-MM-DD (not "2026-02-30"). */
export function isDay(text: string): boolean {
  return DAY_PATTERN.test(text) && new Date(dayToUtc(text)).toISOString().slice(0, 10) === text;
}

/**
 * Why a range from a link cannot be shown, in the merchant's words (the API's reasons are for developers). Checked
 * in the order a person would fix them.
 */
export function rangeProblemInWords(from: string | null, to: string | null, maxDays: number): string {
  if (!from || !to) return "a start and an end date are both needed";
  for (const [name, value] of [["start", from], ["end", to]] as const) {
    if (!isDay(value)) return `the ${name} date "${value.slice(0, 40)}" is not a date written as YYYY-MM-DD`;
  }
  if (from > to) return "the start date is after the end date";
  const days = rangeLength({ from, to });
  if (days > maxDays) return `the range is ${days} days long, and Home shows at most ${maxDays}`;
  return "it is not a range Home can show";
}
