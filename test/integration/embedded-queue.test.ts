import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";
import { createEmbeddedQueue } from "~/.server/adapters/queue/embedded";
import { retryDelayMs } from "~/domain/retry";
import { UnrecoverableJobError, type JobDefinition } from "~/.server/ports";
import { createLogger } from "~/.server/logger";

describe("embedded job queue", () => {
  let dir: string;
  let database: Database;
  const clock = fixedClock("2026-11-22T12:00:00Z");
  const logger = createLogger("silent");

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-queue-"));
    database = openDatabase({ dialect: "sqlite", path: path.join(dir, "q.sqlite") });
    await migrate(database);
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const job = (id: number) => database.db.selectFrom("Job").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  it("GIVEN jobs that share commits and one that does not THEN only the former's writes are held in an open group, and every job ends done once with its write", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5 });
    const sqlite = database.sqlite!;
    const seen: { name: string; inTransaction: boolean }[] = [];
    const writer = (name: string, sharesCommits: boolean): JobDefinition => ({
      name,
      sharesCommits,
      async handle(payload) {
        await database.db.insertInto("Job").values({ shop: "a.myshopify.com", name: `${name}-wrote`, payload: JSON.stringify(payload), status: "done", runAt: 0, maxAttempts: 1, createdAt: 0 }).execute();
        // a grouped job's write is still open; the other job's was committed when its statement returned
        seen.push({ name, inTransaction: sqlite.inTransaction });
      },
    });
    for (let n = 0; n < 3; n++) await queue.enqueue({ name: "grouped", shop: "a.myshopify.com", payload: { n } });
    await queue.enqueue({ name: "alone", shop: "a.myshopify.com", payload: { n: 9 } });
    queue.start([writer("grouped", true), writer("alone", false)]);
    await queue.idle();
    await queue.stop();
    expect(seen).toHaveLength(4);
    expect(seen.filter((s) => s.name === "grouped").every((s) => s.inTransaction)).toBe(true);
    expect(seen.find((s) => s.name === "alone")!.inTransaction).toBe(false);
    // every job ends done, each once, with its write
    const rows = await database.db.selectFrom("Job").select(["name", "status"]).execute();
    expect(rows.filter((r) => r.name === "grouped" || r.name === "alone").map((r) => r.status)).toEqual(["done", "done", "done", "done"]);
    expect(rows.filter((r) => r.name === "grouped-wrote")).toHaveLength(3);
    expect(rows.filter((r) => r.name === "alone-wrote")).toHaveLength(1);
  });

  it("GIVEN a handler that fails twice THEN it is retried with growing delays and then succeeds once", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5, random: () => 0.5 });
    const runs: number[] = [];
    const flaky: JobDefinition = {
      name: "flaky",
      async handle(_payload, ctx) {
        runs.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`timeout #${ctx.attempt}`);
      },
    };
    await queue.enqueue({ name: "flaky", shop: "a.myshopify.com", payload: { n: 1 } });
    queue.start([flaky]);
    await queue.idle();
    const afterFirst = await job(1);
    expect(afterFirst).toMatchObject({ status: "queued", attempts: 1, lastError: "timeout #1" });
    expect(afterFirst.runAt - clock.now()).toBe(retryDelayMs(1, () => 0.5));
    clock.advance(afterFirst.runAt - clock.now());
    queue.wake();
    await queue.idle();
    const afterSecond = await job(1);
    expect(afterSecond.runAt - clock.now()).toBe(retryDelayMs(2, () => 0.5));
    expect(retryDelayMs(2, () => 0.5)).toBeGreaterThan(retryDelayMs(1, () => 0.5));
    clock.advance(afterSecond.runAt - clock.now());
    queue.wake();
    await queue.idle();
    await queue.stop();
    expect(runs).toEqual([1, 2, 3]);
    expect(await job(1)).toMatchObject({ status: "done", attempts: 3, lastError: null });
  });

  it("GIVEN a job that keeps failing THEN after maxAttempts it is parked with its error, onParked runs once, and replay runs it again", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5 });
    let parkedWith: string | null = null;
    let healthy = false;
    const def: JobDefinition = {
      name: "send",
      async handle() {
        if (!healthy) throw new Error("503 from provider");
      },
      async onParked(_p, _c, error) {
        parkedWith = error.message;
      },
    };
    await queue.enqueue({ name: "send", shop: "a.myshopify.com", payload: {}, maxAttempts: 3 });
    queue.start([def]);
    for (let i = 0; i < 3; i++) {
      await queue.idle();
      clock.advance(3_600_000);
      queue.wake();
    }
    await queue.idle();
    expect(await job(1)).toMatchObject({ status: "failed", attempts: 3, lastError: "503 from provider" });
    expect(parkedWith).toBe("503 from provider");
    expect((await queue.listParked({ shop: "a.myshopify.com" })).map((j) => j.id)).toEqual(["1"]);
    expect(await queue.counts("a.myshopify.com")).toMatchObject({ failed: 1, queued: 0 });

    healthy = true;
    expect(await queue.replay({ shop: "b.myshopify.com" })).toBe(0);
    expect(await queue.replay({ shop: "a.myshopify.com", ids: ["1"] })).toBe(1);
    await queue.idle();
    await queue.stop();
    expect(await job(1)).toMatchObject({ status: "done", attempts: 1 });
  });

  it("GIVEN an unrecoverable error THEN the job is parked at once, without retries", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5 });
    let runs = 0;
    await queue.enqueue({ name: "parse", shop: "a.myshopify.com", payload: {} });
    queue.start([
      {
        name: "parse",
        async handle() {
          runs += 1;
          throw new UnrecoverableJobError("payload is not JSON");
        },
      },
    ]);
    await queue.idle();
    await queue.stop();
    expect(runs).toBe(1);
    expect(await job(1)).toMatchObject({ status: "failed", attempts: 1, lastError: "payload is not JSON" });
  });

  it("GIVEN a worker that died holding a job THEN another worker runs it once its lease has run out, not before", async () => {
    // the dead worker's claim, exactly as claim() leaves it
    await database.db
      .insertInto("Job")
      .values({ shop: "a.myshopify.com", name: "work", payload: "{}", status: "running", attempts: 1, runAt: clock.now(), createdAt: clock.now(), lockedBy: "dead-worker", lockedUntil: clock.now() + 60_000 })
      .execute();
    const ran: number[] = [];
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5, leaseMs: 60_000 });
    queue.start([{ name: "work", handle: async (_p, ctx) => void ran.push(ctx.attempt) }]);
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).toEqual([]);
    clock.advance(60_001);
    queue.wake();
    await new Promise((r) => setTimeout(r, 50));
    await queue.stop();
    expect(ran).toEqual([2]);
    expect(await job(1)).toMatchObject({ status: "done" });
  });

  it("stop() lets the job in hand finish", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5 });
    let finished = false;
    let started!: () => void;
    const startedPromise = new Promise<void>((r) => (started = r));
    await queue.enqueue({ name: "slow", shop: "a.myshopify.com", payload: {} });
    queue.start([
      {
        name: "slow",
        async handle() {
          started();
          await new Promise((r) => setTimeout(r, 100));
          finished = true;
        },
      },
    ]);
    await startedPromise;
    await queue.stop();
    expect(finished).toBe(true);
    expect(await job(1)).toMatchObject({ status: "done" });
  });

  it("GIVEN shop A's burst of 2,000 jobs and then one job of shop B THEN B's job runs in the first claimed batch, not after A's burst", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5, batchSize: 100 });
    for (let i = 0; i < 2_000; i++) await queue.enqueue({ name: "work", shop: "a.myshopify.com", payload: { i } });
    await queue.enqueue({ name: "work", shop: "b.myshopify.com", payload: { i: 0 } });
    const ran: string[] = [];
    queue.start([{ name: "work", handle: async (_p, ctx) => void ran.push(ctx.shop) }]);
    await queue.idle();
    await queue.stop();
    expect(ran).toHaveLength(2_001);
    expect(await queue.counts()).toMatchObject({ done: 2_001, queued: 0, running: 0 });
    // round robin across the shops with due jobs: B's only job is among the first of the first batch
    expect(ran.indexOf("b.myshopify.com")).toBeLessThan(2);
  });

  it("GIVEN bursts from three shops THEN every claimed batch shares its places between them while each has jobs due", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5, batchSize: 30 });
    for (const [shop, count] of [["a.myshopify.com", 300], ["b.myshopify.com", 100], ["c.myshopify.com", 10]] as const) {
      for (let i = 0; i < count; i++) await queue.enqueue({ name: "work", shop, payload: { i } });
    }
    const ran: { shop: string; i: number }[] = [];
    queue.start([{ name: "work", handle: async (payload, ctx) => void ran.push({ shop: ctx.shop, i: (payload as { i: number }).i }) }]);
    await queue.idle();
    await queue.stop();
    const firstBatch = ran.slice(0, 30).map((r) => r.shop);
    expect(firstBatch.filter((s) => s === "c.myshopify.com")).toHaveLength(10);
    expect(firstBatch.filter((s) => s === "b.myshopify.com")).toHaveLength(10);
    // C is done within the first batch; B's 100 are done while A has run about as many of its 300
    expect(ran.findLastIndex((r) => r.shop === "c.myshopify.com")).toBeLessThan(30);
    const bDoneAt = ran.findLastIndex((r) => r.shop === "b.myshopify.com");
    expect(ran.slice(0, bDoneAt).filter((r) => r.shop === "a.myshopify.com").length).toBeLessThanOrEqual(110);
    // within a shop, first queued, first run
    for (const shop of ["a.myshopify.com", "b.myshopify.com", "c.myshopify.com"]) {
      const order = ran.filter((r) => r.shop === shop).map((r) => r.i);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
  });

  it("GIVEN more shops with jobs due than places in a batch THEN the claims go round all of them", async () => {
    const queue = createEmbeddedQueue(database, clock, logger, { pollIntervalMs: 5, batchSize: 4 });
    const shops = Array.from({ length: 10 }, (_, i) => `shop-${i}.myshopify.com`);
    for (let round = 0; round < 3; round++) for (const shop of shops) await queue.enqueue({ name: "work", shop, payload: {} });
    const ran: string[] = [];
    queue.start([{ name: "work", handle: async (_p, ctx) => void ran.push(ctx.shop) }]);
    await queue.idle();
    await queue.stop();
    expect(ran).toHaveLength(30);
    // every shop's first job runs before any shop's second: three claims of four places serve all ten
    expect(new Set(ran.slice(0, 10)).size).toBe(10);
  });

  it("retryDelayMs: exponential with full jitter, capped", () => {
    expect(retryDelayMs(1, () => 0)).toBe(500);
    expect(retryDelayMs(1, () => 1)).toBe(1_000);
    expect(retryDelayMs(4, () => 1)).toBe(8_000);
    expect(retryDelayMs(40, () => 1)).toBe(3_600_000);
  });
});
