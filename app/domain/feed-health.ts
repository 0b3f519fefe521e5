/**
 * A tracking feed's freshness, per shop × source × carrier: when it last sent an event and how many it sends an hour
 * against its norm. The figure is kept small and rolled forward as each event is stored (never by reading history
 * back), and a quiet feed is judged against its own norm: a feed that sends several events an hour and has sent
 * none for 6 h is quiet; one that sends a few a day is given longer (docs/decisions/0017-quiet-feeds.md).
 */

export const HOUR_MS = 3_600_000;

/** The norm is a plain average of closed hours until a day of them, then a moving average with a day's memory. */
export const NORM_HOURS = 24;
/** Before this many events and hours a feed's norm is still being learned: it is never called quiet. */
export const LEARNING_EVENTS = 10;
export const LEARNING_HOURS = 24;
/** Quiet after this many of its usual gaps between events, but never sooner than 6 h nor later than 48 h. */
export const QUIET_GAPS = 6;
export const QUIET_MIN_MS = 6 * HOUR_MS;
export const QUIET_MAX_MS = 48 * HOUR_MS;

export interface FeedRate {
  firstEventAt: number;
  lastEventAt: number;
  eventCount: number;
  /** the hour being counted (its start) and its events so far */
  hourStart: number;
  hourCount: number;
  /** closed hours folded into the norm */
  hoursSeen: number;
  /** events per hour, the norm */
  normPerHour: number;
}

const hourOf = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS;

/** Folds one hour's count into the norm (a plain average at first, then the day-long moving average). */
function closeHour(norm: number, hoursSeen: number, count: number): number {
  const weight = Math.max(1 / NORM_HOURS, 1 / (hoursSeen + 1));
  return norm + (count - norm) * weight;
}

/**
 * The figure after one more event at `at`. Hours that passed with no event count as hours of zero; an event that
 * arrives late (its hour already closed) counts in the current hour: the norm is about arrivals, not scan times.
 */
export function recordFeedEvent(rate: FeedRate | null, at: number): FeedRate {
  if (!rate) return { firstEventAt: at, lastEventAt: at, eventCount: 1, hourStart: hourOf(at), hourCount: 1, hoursSeen: 0, normPerHour: 0 };
  let { hourStart, hourCount, hoursSeen, normPerHour } = rate;
  if (at >= hourStart + HOUR_MS) {
    const passed = Math.floor((at - hourStart) / HOUR_MS);
    normPerHour = closeHour(normPerHour, hoursSeen, hourCount);
    hoursSeen += 1;
    // the empty hours between: at most a few days of them matter, the norm has forgotten anything older
    for (let i = 1; i < Math.min(passed, 10 * NORM_HOURS); i++) {
      normPerHour = closeHour(normPerHour, hoursSeen, 0);
      hoursSeen += 1;
    }
    hourStart += passed * HOUR_MS;
    hourCount = 0;
  }
  return { ...rate, lastEventAt: Math.max(rate.lastEventAt, at), eventCount: rate.eventCount + 1, hourStart, hourCount: hourCount + 1, hoursSeen, normPerHour };
}

/** How long this feed may stay silent before it is quiet; null while its norm is still being learned. */
export function quietAfterMs(rate: FeedRate): number | null {
  if (rate.eventCount < LEARNING_EVENTS || rate.hoursSeen < LEARNING_HOURS || rate.normPerHour <= 0) return null;
  const usualGapMs = HOUR_MS / rate.normPerHour;
  return Math.min(QUIET_MAX_MS, Math.max(QUIET_MIN_MS, QUIET_GAPS * usualGapMs));
}

export type FeedFreshness =
  | { state: "learning" }
  | { state: "fresh"; quietAfterMs: number }
  | { state: "quiet"; quietAfterMs: number; silentForMs: number };

/** Whether the feed is quiet now: silent for longer than its norm allows. */
export function feedFreshness(rate: FeedRate, now: number): FeedFreshness {
  const limit = quietAfterMs(rate);
  if (limit === null) return { state: "learning" };
  const silentForMs = now - rate.lastEventAt;
  return silentForMs > limit ? { state: "quiet", quietAfterMs: limit, silentForMs } : { state: "fresh", quietAfterMs: limit };
}

/**
 * A quiet feed as silence judgement sees it: the carrier its figure is kept for (a parcel's first carrier), its last
 * event, and whether the shop registers that carrier's parcels with it (`chosen`). A feed follows a handed-off
 * parcel's next leg whatever its first carrier (the feed that reported the hand-off, and the shop's other feeds).
 */
export interface QuietFeed {
  carrier: string;
  lastEventAt: number;
  chosen: boolean;
}

/**
 * Whether a parcel's silence depends on a quiet feed: the feed follows it (the shop registers its carrier with the
 * feed, or it was handed off, and the feed follows its next leg), and nothing has been heard of it since the feed's
 * last event (a parcel another source, such as Shopify, still reports on is judged as usual).
 */
export function waitsOnQuietFeed(parcel: { carrierCode: string; lastEventAt: number | null; handedOff: boolean }, quiet: readonly QuietFeed[]): boolean {
  return quiet.some((f) => f.carrier === parcel.carrierCode && (f.chosen || parcel.handedOff) && (parcel.lastEventAt === null || parcel.lastEventAt <= f.lastEventAt));
}

/** "7 h", "2 days": how long a feed has been silent, in the words an alert and the admin use. */
export function silenceWords(ms: number): string {
  const hours = Math.max(1, Math.round(ms / HOUR_MS));
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

/** An operations alert about one feed: its words only (the feed, the carrier, figures), never a customer's data. */
export function feedAlertWords(input: {
  kind: "quiet" | "recovered";
  feed: string;
  carrier: string;
  silentForMs: number;
  normPerHour: number;
  feedsUrl: string;
}): { title: string; text: string } {
  const norm = input.normPerHour >= 1 ? `${Math.round(input.normPerHour)} events an hour` : `about ${Math.max(1, Math.round(input.normPerHour * 24))} events a day`;
  if (input.kind === "quiet") {
    const title = `${input.feed} has gone quiet for ${input.carrier}`;
    return {
      title,
      text: [
        `:warning: *${title}*`,
        `No event for ${silenceWords(input.silentForMs)}; it usually sends ${norm}. Stalled, lost and not-picked-up checks are paused for the ${input.carrier} parcels that depend on it until it sends again.`,
        `<${input.feedsUrl}|Check the feed in Shipwatch>`,
      ].join("\n"),
    };
  }
  const title = `${input.feed} is sending again for ${input.carrier}`;
  return {
    title,
    text: [`:white_check_mark: *${title}*`, `It was quiet for ${silenceWords(input.silentForMs)}. Silence checks have resumed for its parcels.`, `<${input.feedsUrl}|Open tracking feeds in Shipwatch>`].join(
      "\n",
    ),
  };
}
