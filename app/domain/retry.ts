/** Exponential backoff with full jitter: spreads retries of a failing dependency instead of synchronizing them. */
export function retryDelayMs(attempt: number, random: () => number = Math.random, baseMs = 1_000, capMs = 3_600_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
