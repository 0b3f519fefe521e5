import { describe, expect, it } from "vitest";
import { createDeliveryCursor, type DeliveryRow } from "./soak-cursor";

const done = (id: number, receivedAt: number, processedAt: number): DeliveryRow => ({ id, status: "processed", receivedAt, processedAt });
const waiting = (id: number, receivedAt: number): DeliveryRow => ({ id, status: "received", receivedAt, processedAt: null });
/** what the database would answer: the rows visible now, from the cursor up */
const visible = (rows: DeliveryRow[], from: number) => rows.filter((r) => r.id >= from);

describe("the soak's delivery cursor", () => {
  it("counts each processed delivery once, and stays on the first one still waiting", () => {
    const cursor = createDeliveryCursor({ gapMs: 30_000 });
    const table = [done(1, 0, 5), waiting(2, 1), done(3, 2, 9)];
    expect(cursor.read(visible(table, cursor.from), 10_000)).toEqual({ lags: [5, 7], backlog: 1 });
    expect(cursor.from).toBe(2);
    table[1] = done(2, 1, 40);
    expect(cursor.read(visible(table, cursor.from), 20_000)).toEqual({ lags: [39], backlog: 0 });
    expect(cursor.from).toBe(4);
  });

  it("waits for an id committed after higher ones (PostgreSQL hands ids out before the commit)", () => {
    const cursor = createDeliveryCursor({ gapMs: 30_000 });
    // id 3's insert has not committed yet; 4 has, and both are processed by the next read
    const table = [done(1, 0, 3), done(2, 1, 4), done(4, 3, 8)];
    expect(cursor.read(visible(table, cursor.from), 10_000).lags).toEqual([3, 3, 5]);
    expect(cursor.from).toBe(3);
    table.splice(2, 0, done(3, 2, 12));
    expect(cursor.read(visible(table, cursor.from), 20_000).lags).toEqual([10]);
    expect(cursor.from).toBe(5);
  });

  it("lets go of an id that never appears (a duplicate's insert took it) after the gap time", () => {
    const cursor = createDeliveryCursor({ gapMs: 30_000 });
    const table = [done(1, 0, 2), done(3, 1, 3)];
    expect(cursor.read(visible(table, cursor.from), 0).lags).toEqual([2, 2]);
    expect(cursor.from).toBe(2);
    expect(cursor.read(visible(table, cursor.from), 20_000).lags).toEqual([]);
    expect(cursor.from).toBe(2);
    table.push(done(4, 2, 6));
    expect(cursor.read(visible(table, cursor.from), 31_000).lags).toEqual([4]);
    expect(cursor.from).toBe(5);
  });
});
