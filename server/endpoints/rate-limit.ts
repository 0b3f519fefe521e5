export interface RateLimiter {
  take(key: string, nowMs: number): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

/**
 * A fixed one-minute window per key, in memory. Per process: behind several web processes each one
 * allows the limit, which is fine for a limit meant to stop scraping, not to meter.
 */
export function createRateLimiter(perMinute: number, maxKeys = 100_000): RateLimiter {
  if (perMinute <= 0) return { take: () => ({ allowed: true }) };
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(key, now) {
      let w = windows.get(key);
      if (!w || now - w.start >= 60_000) {
        if (windows.size >= maxKeys) {
          for (const [k, v] of windows) if (now - v.start >= 60_000) windows.delete(k);
          if (windows.size >= maxKeys) windows.clear();
        }
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count += 1;
      if (w.count <= perMinute) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000)) };
    },
  };
}
