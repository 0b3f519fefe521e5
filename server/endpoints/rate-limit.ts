export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  /** the most a key may take per window; 0 means the limiter is off */
  readonly limit: number;
  /** counts one against the key */
  take(key: string, nowMs: number): RateDecision;
  /** whether the key has used up its window, without counting anything */
  check(key: string, nowMs: number): RateDecision;
}

/**
 * A fixed window per key, in memory. Per process: behind several web processes each one allows the limit,
 * which is fine for a limit meant to stop scraping and guessing, not to meter.
 */
export function createRateLimiter(limit: number, options: { windowMs?: number; maxKeys?: number } = {}): RateLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 100_000;
  if (limit <= 0) return { limit: 0, take: () => ({ allowed: true }), check: () => ({ allowed: true }) };
  const windows = new Map<string, { start: number; count: number }>();
  const decide = (w: { start: number; count: number }, now: number): RateDecision =>
    w.count <= limit ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) };
  return {
    limit,
    take(key, now) {
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        if (windows.size >= maxKeys) {
          for (const [k, v] of windows) if (now - v.start >= windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.clear();
        }
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      return decide(w, now);
    },
    check(key, now) {
      const w = windows.get(key);
      if (!w || now - w.start >= windowMs) return { allowed: true };
      // used up means the next one would be refused
      return decide({ start: w.start, count: w.count + 1 }, now);
    },
  };
}

/** What the storefront lookup allows when the environment does not say otherwise (README, Configuration). */
export const LOOKUP_LIMIT_DEFAULTS = {
  /** all shoppers of one shop together, per minute: stops enumeration spread over many addresses */
  perShopPerMinute: 600,
  /** not-found answers one shopper may get in a quarter of an hour before "too many attempts" */
  failedAttempts: 10,
  /**
   * not-found answers for one order name (all shoppers together) in the same quarter of an hour: guessing one
   * order's email stays limited however the guesser's address rotates. Above the per-shopper allowance, so one
   * shopper's own typos never lock the order for anyone else.
   */
  failedAttemptsPerOrder: 20,
  failedWindowMs: 15 * 60_000,
} as const;

/** The four limits of the storefront lookup, each its own limiter. A per-shopper limit of 0 turns all of them off (load tests). */
export function createLookupLimiters(limits: {
  perShopperPerMinute: number;
  perShopPerMinute?: number;
  failedAttempts?: number;
  failedAttemptsPerOrder?: number;
}) {
  const off = limits.perShopperPerMinute <= 0;
  const failedWindow = { windowMs: LOOKUP_LIMIT_DEFAULTS.failedWindowMs };
  return {
    shopper: createRateLimiter(limits.perShopperPerMinute),
    shop: createRateLimiter(off ? 0 : (limits.perShopPerMinute ?? LOOKUP_LIMIT_DEFAULTS.perShopPerMinute), { maxKeys: 10_000 }),
    failures: createRateLimiter(off ? 0 : (limits.failedAttempts ?? LOOKUP_LIMIT_DEFAULTS.failedAttempts), failedWindow),
    orderFailures: createRateLimiter(off ? 0 : (limits.failedAttemptsPerOrder ?? LOOKUP_LIMIT_DEFAULTS.failedAttemptsPerOrder), failedWindow),
  };
}
