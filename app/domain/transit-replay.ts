/**
 * How good the learned estimates and the "trending late" flag would have been, replayed in time order over a
 * shop's real history: each parcel gets the window the model had learned by the moment it shipped (only from
 * parcels delivered before then), and is checked for "trending late" at each of its scans and each evening
 * until it was delivered or its promise passed. Nothing from the future leaks into a parcel's estimate. With
 * `scoreFrom`, what shipped before it only teaches: the history a shop imports when it installs.
 *
 * The demo uses it on its month (the live app learns as webhooks arrive, which in the demo is all at once, so
 * the live estimates cannot show how the model does over time); tests use it on simulated lanes.
 *
 * Pure: the parcels come in, figures go out.
 */
import { localParts, type BusinessCalendar } from "./business-time";
import { emptyModel, learnedWindow, observeInPlace, trendingLate, type Counting, type LaneInput } from "./transit-model";

export interface ReplayParcel extends LaneInput, Counting {
  shippedAt: number;
  /** null: not delivered (still travelling, lost, returned): it teaches nothing and is not scored */
  deliveredAt: number | null;
  /** the end of the promised day, when the shop promised one */
  promisedBy: number | null;
  /** the carrier's scan times, any order */
  scans: readonly number[];
  /** it had an exception case (other than lateness itself) */
  exception: boolean;
  calendar: BusinessCalendar;
  /** the recipient's zone, in which the window's dates are read */
  zone: string;
}

export interface ReplayFigures {
  /** delivered parcels that had a window when they shipped */
  scored: number;
  inside: number;
  clean: { scored: number; inside: number };
  /**
   * The same, for parcels shipped once the shop had a history: at least `warmAfterDays` after the first scored
   * parcel shipped (a new shop starts from published defaults and learns as it goes)
   */
  warm: { scored: number; inside: number; clean: { scored: number; inside: number } };
  /**
   * What the windows could hold at best on this history: the share of the clean scored parcels inside the window
   * of a model that already knew every one of them (in-sample). The gap to `clean` is the price of learning as you go.
   */
  ceiling: number;
  /** mean width of the windows, in calendar dates */
  meanWidthDays: number;
  /** mean distance in days from the delivery date to the window (0 inside) */
  meanErrorDays: number;
  /** parcels delivered after their promise, and those flagged trending late before the promise passed */
  late: number;
  lateFlagged: number;
  /** parcels delivered on time, and those flagged anyway (false alarms) */
  onTime: number;
  onTimeFlagged: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

export interface ReplayOptions {
  /**
   * Parcels shipped before this instant teach the model and are not scored: the history a shop imported when it
   * installed (Settings → Import). Default: every parcel is scored.
   */
  scoreFrom?: number;
  /** days after the first scored parcel from which parcels count as `warm` (default 10) */
  warmAfterDays?: number;
}

export function replayEstimates(parcels: readonly ReplayParcel[], options: ReplayOptions = {}): ReplayFigures {
  type Moment = { at: number; kind: 0 | 1; parcel: ReplayParcel };
  // deliveries before shipments at the same instant: a parcel shipped at t may use what was delivered at t
  const moments: Moment[] = [];
  for (const parcel of parcels) {
    if (!Number.isFinite(parcel.shippedAt)) continue;
    moments.push({ at: parcel.shippedAt, kind: 1, parcel });
    if (parcel.deliveredAt !== null && parcel.deliveredAt >= parcel.shippedAt) moments.push({ at: parcel.deliveredAt, kind: 0, parcel });
  }
  moments.sort((a, b) => a.at - b.at || a.kind - b.kind);
  const scoreFrom = options.scoreFrom ?? -Infinity;
  const firstScored = moments.find((m) => m.kind === 1 && m.at >= scoreFrom)?.at ?? 0;
  const warmFrom = firstScored + (options.warmAfterDays ?? 10) * DAY_MS;

  const model = emptyModel();
  const figures: ReplayFigures = { scored: 0, inside: 0, clean: { scored: 0, inside: 0 }, warm: { scored: 0, inside: 0, clean: { scored: 0, inside: 0 } }, ceiling: 0, meanWidthDays: 0, meanErrorDays: 0, late: 0, lateFlagged: 0, onTime: 0, onTimeFlagged: 0 };
  let widthSum = 0;
  let errorSum = 0;
  for (const { kind, parcel } of moments) {
    if (kind === 0) {
      observeInPlace(model, { ...parcel, shippedAt: parcel.shippedAt, deliveredAt: parcel.deliveredAt!, calendar: parcel.calendar });
      continue;
    }
    if (parcel.deliveredAt === null || parcel.shippedAt < scoreFrom) continue;
    // the window shown when it shipped
    const window = learnedWindow(model, { ...parcel, now: undefined });
    if (window) {
      const from = dayNumber(localParts(window.earliest, parcel.zone).isoDate);
      const to = dayNumber(localParts(window.latest, parcel.zone).isoDate);
      const day = dayNumber(localParts(parcel.deliveredAt, parcel.zone).isoDate);
      const inside = from <= day && day <= to;
      figures.scored++;
      if (inside) figures.inside++;
      if (!parcel.exception) {
        figures.clean.scored++;
        if (inside) figures.clean.inside++;
      }
      if (parcel.shippedAt >= warmFrom) {
        figures.warm.scored++;
        if (inside) figures.warm.inside++;
        if (!parcel.exception) {
          figures.warm.clean.scored++;
          if (inside) figures.warm.clean.inside++;
        }
      }
      widthSum += to - from + 1;
      errorSum += day < from ? from - day : day > to ? day - to : 0;
    }
    if (parcel.promisedBy !== null) {
      const flagged = flaggedBeforePromise(model, parcel);
      if (parcel.deliveredAt > parcel.promisedBy) {
        figures.late++;
        if (flagged) figures.lateFlagged++;
      } else {
        figures.onTime++;
        if (flagged) figures.onTimeFlagged++;
      }
    }
  }
  figures.ceiling = ceiling(parcels.filter((p) => p.shippedAt >= scoreFrom && !p.exception && p.deliveredAt !== null && p.deliveredAt >= p.shippedAt));
  figures.meanWidthDays = figures.scored ? widthSum / figures.scored : 0;
  figures.meanErrorDays = figures.scored ? errorSum / figures.scored : 0;
  return figures;
}

function ceiling(clean: readonly ReplayParcel[]): number {
  const all = emptyModel();
  for (const p of clean) observeInPlace(all, { ...p, deliveredAt: p.deliveredAt! });
  let inside = 0;
  for (const p of clean) {
    const window = learnedWindow(all, { ...p, now: undefined });
    const day = localParts(p.deliveredAt!, p.zone).isoDate;
    if (window && localParts(window.earliest, p.zone).isoDate <= day && day <= localParts(window.latest, p.zone).isoDate) inside++;
  }
  return clean.length ? inside / clean.length : 0;
}

/**
 * Whether the flag would have gone up before the promise passed: looked at when each scan came in and every
 * 24 hours from shipping, while the parcel was still travelling. Uses the model as it stood when the parcel
 * shipped (a few days' more learning changes little and would cost a replay per look).
 */
function flaggedBeforePromise(model: ReturnType<typeof emptyModel>, parcel: ReplayParcel): boolean {
  const until = Math.min(parcel.deliveredAt ?? Infinity, parcel.promisedBy!);
  const looks = new Set<number>();
  for (let at = parcel.shippedAt + DAY_MS; at < until; at += DAY_MS) looks.add(at);
  for (const scan of parcel.scans) if (scan > parcel.shippedAt && scan < until) looks.add(scan);
  const scans = [...parcel.scans].sort((a, b) => a - b);
  for (const now of [...looks].sort((a, b) => a - b)) {
    let lastScanAt: number | null = null;
    for (const scan of scans) if (scan <= now) lastScanAt = scan;
    const verdict = trendingLate(model, {
      ...parcel,
      promisedBy: parcel.promisedBy,
      now,
      lastScanAt,
      status: lastScanAt === null ? "label_created" : "in_transit",
    });
    if (verdict?.late) return true;
  }
  return false;
}
