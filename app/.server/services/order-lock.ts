/** Runs work for one key (a shop's order) at a time in this process. */
export type KeyedLock = <T>(key: string, work: () => Promise<T>) => Promise<T>;

/**
 * A worker runs several jobs at once; two deliveries (or a delivery and a carrier poll) of one order must not
 * interleave their read-recompute-write of its shipments (the later write could carry the earlier read). One
 * order at a time, per process: the delivery processor and the carrier poller share one lock.
 */
export function createOrderLock(): KeyedLock {
  const busy = new Map<string, Promise<unknown>>();
  return async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = busy.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    const settled = mine.catch(() => undefined);
    busy.set(key, settled);
    try {
      return await mine;
    } finally {
      if (busy.get(key) === settled) busy.delete(key);
    }
  };
}
