import { describe, expect, it } from "vitest";
import { backoffUntil, nextPoll, POLL_CADENCE, takeToken } from "./carrier-polling";

const H = 3_600_000;
const D = 24 * H;
const start = Date.parse("2026-11-01T00:00:00Z");

describe("carrier polling cadence", () => {
  it.each([
    ["label_created", 6 * H],
    ["picked_up", 6 * H],
    ["in_transit", 6 * H],
    ["delayed", 6 * H],
    ["exception", 6 * H],
    ["out_for_delivery", H],
  ] as const)("polls a parcel %s again after %i ms", (status, every) => {
    const now = start + 3 * D;
    expect(nextPoll({ status, finishedAt: null, startedAt: start, now })).toEqual({ next: now + every });
  });

  it("keeps asking for two days after delivery, then stops", () => {
    const delivered = start + 5 * D;
    expect(nextPoll({ status: "delivered", finishedAt: delivered, startedAt: start, now: delivered + H })).toEqual({ next: delivered + 7 * H });
    // the last poll lands exactly on the two days, not after
    expect(nextPoll({ status: "delivered", finishedAt: delivered, startedAt: start, now: delivered + 2 * D - H })).toEqual({ next: delivered + 2 * D });
    expect(nextPoll({ status: "delivered", finishedAt: delivered, startedAt: start, now: delivered + 2 * D })).toEqual({ stop: "delivered" });
    expect(nextPoll({ status: "returned_to_sender", finishedAt: delivered, startedAt: start, now: delivered + 3 * D })).toEqual({ stop: "delivered" });
  });

  it("stops after 60 days of tracking, whatever the status", () => {
    expect(nextPoll({ status: "in_transit", finishedAt: null, startedAt: start, now: start + 60 * D - 2 * H })).toEqual({ next: start + 60 * D });
    expect(nextPoll({ status: "in_transit", finishedAt: null, startedAt: start, now: start + 60 * D })).toEqual({ stop: "expired" });
  });

  it("backs off 5, 10, 20 minutes … up to 6 h, or longer when the carrier says so", () => {
    expect(backoffUntil({ attempts: 1, retryAfterMs: null, now: 0 })).toBe(5 * 60_000);
    expect(backoffUntil({ attempts: 2, retryAfterMs: null, now: 0 })).toBe(10 * 60_000);
    expect(backoffUntil({ attempts: 3, retryAfterMs: null, now: 0 })).toBe(20 * 60_000);
    expect(backoffUntil({ attempts: 30, retryAfterMs: null, now: 0 })).toBe(POLL_CADENCE.backoffMaxMs);
    expect(backoffUntil({ attempts: 1, retryAfterMs: 2 * H, now: 0 })).toBe(2 * H);
  });

  it("lets a token bucket's burst through, then one call per interval", () => {
    const bucket = { tokens: 2, at: 0 };
    const limit = { capacity: 2, intervalMs: 1000 };
    expect(takeToken(bucket, limit, 0)).toEqual({ ok: true });
    expect(takeToken(bucket, limit, 0)).toEqual({ ok: true });
    expect(takeToken(bucket, limit, 0)).toEqual({ ok: false, retryAt: 1000 });
    expect(takeToken(bucket, limit, 500)).toEqual({ ok: false, retryAt: 1000 });
    expect(takeToken(bucket, limit, 1000)).toEqual({ ok: true });
    // idle time refills no more than the burst
    expect(takeToken(bucket, limit, 60_000)).toEqual({ ok: true });
    expect(takeToken(bucket, limit, 60_000)).toEqual({ ok: true });
    expect(takeToken(bucket, limit, 60_000).ok).toBe(false);
  });

  it("a worker whose clock is behind neither turns the shared bucket's time back nor earns a second refill", () => {
    const limit = { capacity: 2, intervalMs: 1000 };
    const bucket = { tokens: 0, at: 10_000 };
    // read at 9,000 by a worker 1 s behind: nothing to take, and the bucket still reads as of 10,000
    expect(takeToken(bucket, limit, 9_000).ok).toBe(false);
    expect(bucket).toEqual({ tokens: 0, at: 10_000 });
    // one interval after 10,000 there is one call, not two
    expect(takeToken(bucket, limit, 11_000)).toEqual({ ok: true });
    expect(takeToken(bucket, limit, 11_000).ok).toBe(false);
  });
});
