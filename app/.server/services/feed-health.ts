import { CARRIERS } from "~/domain/carriers";
import type { Clock } from "~/domain/clock";
import { FEED_ONLY_CARRIERS } from "~/domain/easypost";
import { feedAlertWords, feedFreshness, QUIET_MIN_MS, recordFeedEvent, type QuietFeed } from "~/domain/feed-health";
import type { FeedConnectionRepository, FeedHealthStore, FeedProvider, JobRequest, TeamAlertSender, TeamAlertTarget } from "../ports";

export type FeedHealth = ReturnType<typeof createFeedHealth>;

export const FEED_HEALTH_ALERT_JOB = "feed-health-alert";

/** Feeds silent longer than this are no longer judged (the connection is idle or gone): they stop costing the sweep. */
const JUDGE_WINDOW_MS = 30 * 24 * 3_600_000;
/** Parcels shipped longer ago than this are not what keeps a feed busy (one forgotten parcel must not raise alarms). */
const IN_FLIGHT_WINDOW_MS = 30 * 24 * 3_600_000;

export interface FeedAlertPayload {
  source: FeedProvider;
  carrier: string;
  kind: "quiet" | "recovered";
  silentForMs: number;
  normPerHour: number;
}

export type FeedAlertResult = { outcome: "sent" | "skipped" } | { outcome: "retry" | "refused"; error: string };

const FEED_LABELS: Record<FeedProvider, string> = { easypost: "EasyPost", aftership: "AfterShip", shipengine: "ShipEngine" };
const carrierName = (code: string) => CARRIERS[code as keyof typeof CARRIERS]?.name ?? code;

/**
 * The feeds a shop's silence judgement waits on: quiet and still connected (a feed the merchant disconnected holds
 * nothing back). `chosen`: the shop registers that carrier's parcels with the feed; one it no longer registers still
 * holds the parcels handed off to another carrier, whose next leg the feed follows. Used by the exception desk per batch.
 */
export function quietFeedsOf(deps: { store: Pick<FeedHealthStore, "quietForShop">; connections: Pick<FeedConnectionRepository, "forShop"> }) {
  return async (shop: string): Promise<QuietFeed[]> => {
    const quiet = await deps.store.quietForShop(shop);
    const held: QuietFeed[] = [];
    for (const f of quiet) {
      const connection = await deps.connections.forShop(shop, f.source);
      if (!connection) continue;
      const carriers = connection.carriers === "default" ? FEED_ONLY_CARRIERS : connection.carriers;
      held.push({ carrier: f.carrier, lastEventAt: f.lastEventAt, chosen: carriers.includes(f.carrier) });
    }
    return held;
  };
}

/**
 * Feed health (issue 11, item 8): each feed event rolls its source × carrier figure forward; the sweep finds feeds
 * silent well past their norm while parcels still wait on them, marks them quiet (which pauses silence rules for
 * those parcels: exception-desk `quietFeeds`) and alerts operations once; the feed's next event marks it fresh
 * again and alerts once more.
 */
export function createFeedHealth(deps: {
  store: FeedHealthStore;
  connections: Pick<FeedConnectionRepository, "forShop">;
  /** the operations team's alert destination (sla-alerts' routes: its own Slack webhook, else the shop's Slack) */
  target: (shop: string) => Promise<TeamAlertTarget | null>;
  senders: Readonly<Record<string, TeamAlertSender>>;
  enqueue: (job: JobRequest) => Promise<void>;
  /** the app's handle in the Shopify admin, for the link to the feeds page */
  appHandle?: string;
  clock: Clock;
}) {
  const { store, clock } = deps;
  const feedsUrl = (shop: string, source: FeedProvider) =>
    `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/apps/${deps.appHandle ?? "shipwatch"}/app/settings/feeds?feed=${source}`;
  const alert = (shop: string, payload: FeedAlertPayload) =>
    deps.enqueue({ name: FEED_HEALTH_ALERT_JOB, shop, payload: { ...payload }, maxAttempts: 8 });

  return {
    /** One feed event about a parcel on `carrier`: the figure rolled forward; a quiet feed is fresh again (alerted once). */
    async recordEvent(shop: string, source: FeedProvider, carrier: string): Promise<void> {
      const now = clock.now();
      const before = await store.get(shop, source, carrier);
      await store.save(shop, source, carrier, recordFeedEvent(before, now), now);
      if (before?.quietSince != null && (await store.markRecovered(shop, source, carrier, now))) {
        // the parcels it held are looked at again by themselves (exception-desk QUIET_FEED_RECHECK_MS)
        await alert(shop, { source, carrier, kind: "recovered", silentForMs: now - before.lastEventAt, normPerHour: before.normPerHour });
      }
    },

    /** The sweep's part: feeds silent well past their norm, with parcels still waiting on them, become quiet (alerted once). */
    async check(limit = 500): Promise<number> {
      const now = clock.now();
      let marked = 0;
      for (const f of await store.silentSince(now - QUIET_MIN_MS, now - JUDGE_WINDOW_MS, limit)) {
        const freshness = feedFreshness(f, now);
        if (freshness.state !== "quiet") continue;
        // nothing on its way on that carrier: the feed has nothing to say, which is not quiet
        if ((await store.parcelsInFlight(f.shop, f.carrier, now - IN_FLIGHT_WINDOW_MS)) === 0) continue;
        if (!(await deps.connections.forShop(f.shop, f.source))) continue;
        if (await store.markQuiet(f.shop, f.source, f.carrier, f.lastEventAt + freshness.quietAfterMs, now)) {
          marked++;
          await alert(f.shop, { source: f.source, carrier: f.carrier, kind: "quiet", silentForMs: freshness.silentForMs, normPerHour: f.normPerHour });
        }
      }
      return marked;
    },

    /** The alert job: to the operations team's destination; nowhere to send it is not a failure. */
    async sendAlert(shop: string, payload: FeedAlertPayload): Promise<FeedAlertResult> {
      const target = await deps.target(shop);
      const sender = target ? deps.senders[target.kind] : undefined;
      if (!target || !sender) return { outcome: "skipped" };
      const words = feedAlertWords({ kind: payload.kind, feed: FEED_LABELS[payload.source], carrier: carrierName(payload.carrier), silentForMs: payload.silentForMs, normPerHour: payload.normPerHour, feedsUrl: feedsUrl(shop, payload.source) });
      const outcome = await sender.send(
        {
          shop,
          caseId: 0,
          owner: "operations",
          idempotencyKey: `feed|${shop}|${payload.source}|${payload.carrier}|${payload.kind}|${payload.silentForMs}`,
          title: words.title,
          text: words.text,
          caseUrl: feedsUrl(shop, payload.source),
        },
        target,
      );
      if (outcome.ok) return { outcome: "sent" };
      return outcome.retryable ? { outcome: "retry", error: outcome.error } : { outcome: "refused", error: outcome.error };
    },

    /** The admin's view: each source × carrier with its freshness. */
    async overview(shop: string) {
      const now = clock.now();
      return (await store.forShop(shop)).map((f) => {
        const freshness = feedFreshness(f, now);
        return {
          source: f.source,
          sourceLabel: FEED_LABELS[f.source],
          carrier: f.carrier,
          carrierName: carrierName(f.carrier),
          lastEventAt: f.lastEventAt,
          eventCount: f.eventCount,
          normPerHour: f.normPerHour,
          quietSince: f.quietSince,
          state: f.quietSince !== null ? ("quiet" as const) : freshness.state === "learning" ? ("learning" as const) : ("fresh" as const),
        };
      });
    },
  };
}
