import { describe, expect, it } from "vitest";
import { feedFreshness, HOUR_MS, quietAfterMs, recordFeedEvent, waitsOnQuietFeed, type FeedRate } from "./feed-health";

const T0 = Date.parse("2026-11-02T00:00:00Z");

/** `perHour` events an hour, evenly spread, for `hours` hours from T0 */
function steady(perHour: number, hours: number): FeedRate {
  let rate: FeedRate | null = null;
  const gap = HOUR_MS / perHour;
  for (let at = T0; at < T0 + hours * HOUR_MS; at += gap) rate = recordFeedEvent(rate, at);
  return rate!;
}

describe("feed health: the rolling figure", () => {
  it("learns a steady feed's events per hour without reading history back", () => {
    const rate = steady(4, 30);
    expect(rate.eventCount).toBe(120);
    expect(rate.hoursSeen).toBe(29);
    expect(rate.normPerHour).toBeCloseTo(4, 5);
    expect(rate.lastEventAt).toBe(T0 + 30 * HOUR_MS - HOUR_MS / 4);
  });

  it("counts the empty hours of a gap as zeros, and forgets slowly (a day's memory)", () => {
    const busy = steady(4, 48);
    const after = recordFeedEvent(busy, busy.lastEventAt + 12 * HOUR_MS);
    // the last busy hour closes, then 11 empty hours fold in with weight 1/24 each: (23/24)^11 of the norm is left
    expect(after.normPerHour).toBeCloseTo(4 * (23 / 24) ** 11, 5);
    expect(after.hourCount).toBe(1);
  });

  it("is still learning before a day and ten events: never quiet", () => {
    const young = steady(4, 10);
    expect(quietAfterMs(young)).toBeNull();
    expect(feedFreshness(young, young.lastEventAt + 100 * HOUR_MS)).toEqual({ state: "learning" });
  });

  it("a busy feed is quiet after 6 h; a slow one is given six of its usual gaps, at most 48 h", () => {
    const busy = steady(4, 30);
    expect(quietAfterMs(busy)).toBe(6 * HOUR_MS);
    expect(feedFreshness(busy, busy.lastEventAt + 5 * HOUR_MS).state).toBe("fresh");
    expect(feedFreshness(busy, busy.lastEventAt + 7 * HOUR_MS)).toMatchObject({ state: "quiet", silentForMs: 7 * HOUR_MS });
    const slow = steady(0.5, 48);
    expect(quietAfterMs(slow)! / HOUR_MS).toBeCloseTo(12, 0);
    const trickle = steady(1 / 12, 240);
    expect(quietAfterMs(trickle)).toBe(48 * HOUR_MS);
  });
});

describe("feed health: which parcels wait on a quiet feed", () => {
  const quiet = [{ carrier: "ontrac", lastEventAt: T0, chosen: true }];
  const parcel = (carrierCode: string, lastEventAt: number | null, handedOff = false) => ({ carrierCode, lastEventAt, handedOff });
  it("parcels on the feed's carrier not heard of since its last event", () => {
    expect(waitsOnQuietFeed(parcel("ontrac", T0 - HOUR_MS), quiet)).toBe(true);
    expect(waitsOnQuietFeed(parcel("ontrac", null), quiet)).toBe(true);
  });
  it("not a parcel on another carrier, nor one another source reported on since", () => {
    expect(waitsOnQuietFeed(parcel("ups", T0 - HOUR_MS), quiet)).toBe(false);
    expect(waitsOnQuietFeed(parcel("ontrac", T0 + HOUR_MS), quiet)).toBe(false);
    expect(waitsOnQuietFeed(parcel("ontrac", null), [])).toBe(false);
  });
  it("a feed the shop does not register the carrier with: only the parcels handed off, whose next leg it follows", () => {
    const ups = [{ carrier: "ups", lastEventAt: T0, chosen: false }];
    expect(waitsOnQuietFeed(parcel("ups", T0 - HOUR_MS, true), ups)).toBe(true);
    expect(waitsOnQuietFeed(parcel("ups", T0 - HOUR_MS, false), ups)).toBe(false);
    // handed off, and heard of since the feed's last event (another source follows it too)
    expect(waitsOnQuietFeed(parcel("ups", T0 + HOUR_MS, true), ups)).toBe(false);
  });
});
