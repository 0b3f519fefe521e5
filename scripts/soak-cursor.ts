/**
 * The soak's reading of processed deliveries, every sample, from the database. Rows from the lowest still-open id up
 * are read each time; those already counted are remembered until the cursor passes them, so each delivery's lag
 * (receipt → processed) is counted once however late it is processed.
 *
 * PostgreSQL hands ids out before the insert commits, so a row can appear after rows with higher ids: an id missing
 * below the highest read is waited for (the cursor stays on it) for `gapMs`, then let go (an id that a duplicate's
 * insert took and never used, or a rollback's, never appears). On SQLite ids appear in order.
 */
export interface DeliveryRow {
  id: number;
  status: string;
  receivedAt: number;
  processedAt: number | null;
}

export function createDeliveryCursor(options: { gapMs: number }) {
  let lowestOpen = 1;
  const counted = new Set<number>();
  const missingSince = new Map<number, number>();
  return {
    /** the lowest id the next read must start from */
    get from() {
      return lowestOpen;
    },
    /** this read's rows (ids from `from` up, in order) at `now` (ms): the lags of those newly processed, and the backlog */
    read(rows: readonly DeliveryRow[], now: number): { lags: number[]; backlog: number } {
      const lags: number[] = [];
      let nextLowest: number | null = null;
      let backlog = 0;
      let expected = lowestOpen;
      for (const row of rows) {
        for (; expected < row.id; expected++) {
          const since = missingSince.get(expected) ?? now;
          missingSince.set(expected, since);
          if (now - since < options.gapMs) nextLowest ??= expected;
        }
        expected = row.id + 1;
        missingSince.delete(row.id);
        if (row.status === "received") {
          backlog += 1;
          nextLowest ??= row.id;
          continue;
        }
        if (counted.has(row.id)) continue;
        counted.add(row.id);
        lags.push((row.processedAt ?? row.receivedAt) - row.receivedAt);
      }
      lowestOpen = nextLowest ?? (rows.at(-1)?.id ?? lowestOpen - 1) + 1;
      for (const id of counted) if (id < lowestOpen) counted.delete(id);
      for (const id of missingSince.keys()) if (id < lowestOpen) missingSince.delete(id);
      return { lags, backlog };
    },
  };
}
