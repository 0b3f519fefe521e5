import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "~/domain/clock";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";
import { createDeliveryStore } from "~/.server/adapters/delivery-store";
import { createBullmqQueue } from "~/.server/adapters/queue/bullmq";
import { createEmbeddedQueue } from "~/.server/adapters/queue/embedded";
import { PROCESS_DELIVERY_JOB, UnrecoverableJobError, type JobContext, type JobDefinition, type JobQueue } from "~/.server/ports";
import { createLogger } from "~/.server/logger";

/**
 * One behavioural contract, run against both JobQueue adapters: the embedded one on a temporary SQLite file and
 * BullMQ on the local Redis (127.0.0.1:6379; CI starts it), each test under a key prefix of its own that is
 * deleted after. Both run on the system clock with short real delays, so they are held to the same timings.
 * Without Redis the BullMQ half fails: it is not skipped.
 */
const REDIS_URL = "redis://127.0.0.1:6379";
const SHOP_A = "alpha-goods.myshopify.com";
const SHOP_B = "bravo-outfitters.myshopify.com";
/** the first retry's delay in these tests (production: retryDelayMs's 1 s) */
const RETRY_BASE_MS = 40;
const logger = createLogger("silent");

interface MakeOptions {
  concurrency?: number;
  /** "production": the adapter's own default backoff */
  retryBaseMs?: number | "production";
  random?: () => number;
}

interface Harness {
  /** fails the suite when the adapter's backing store is missing */
  check(): Promise<void>;
  setup(): Promise<void>;
  make(options?: MakeOptions): JobQueue;
  teardown(): Promise<void>;
}

const retryBase = (o: MakeOptions) => (o.retryBaseMs === "production" ? undefined : (o.retryBaseMs ?? RETRY_BASE_MS));

function embeddedHarness(): Harness {
  let dir = "";
  let database: Database | null = null;
  let made: JobQueue[] = [];
  return {
    async check() {},
    async setup() {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-contract-"));
      database = openDatabase({ dialect: "sqlite", path: path.join(dir, "q.sqlite") });
      await migrate(database);
      made = [];
    },
    make(o = {}) {
      const queue = createEmbeddedQueue(database!, systemClock, logger, {
        pollIntervalMs: 5,
        concurrency: o.concurrency ?? 4,
        retryBaseMs: retryBase(o),
        random: o.random ?? (() => 1),
      });
      made.push(queue);
      return queue;
    },
    async teardown() {
      for (const queue of made) await queue.stop();
      await database?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function bullmqHarness(): Harness {
  let prefix = "";
  let made: ReturnType<typeof createBullmqQueue>[] = [];
  return {
    async check() {
      const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        expect(await client.ping()).toBe("PONG");
      } catch (error) {
        throw new Error(`Redis is not reachable at ${REDIS_URL} (start redis-server; CI does): ${String(error)}`);
      } finally {
        client.disconnect();
      }
    },
    async setup() {
      prefix = `shipwatch-test-${randomUUID()}`;
      made = [];
    },
    make(o = {}) {
      const queue = createBullmqQueue({
        redisUrl: REDIS_URL,
        prefix,
        clock: systemClock,
        logger,
        concurrency: o.concurrency ?? 4,
        retryBaseMs: retryBase(o),
        random: o.random ?? (() => 1),
      });
      made.push(queue);
      return queue;
    },
    async teardown() {
      try {
        for (const queue of made) await queue.stop();
      } finally {
        await made[0]?.obliterate();
      }
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

interface Run {
  payload: unknown;
  ctx: JobContext;
  at: number;
}

/** a job definition that records its runs and does what `behave` says */
function recording(name: string, behave: (ctx: JobContext, payload: unknown) => Promise<void> | void = () => {}) {
  const runs: Run[] = [];
  const parked: { ctx: JobContext; error: string; payload: unknown }[] = [];
  const definition: JobDefinition = {
    name,
    async handle(payload, ctx) {
      runs.push({ payload, ctx, at: Date.now() });
      await behave(ctx, payload);
    },
    async onParked(payload, ctx, error) {
      parked.push({ payload, ctx, error: error.message });
    },
  };
  return { definition, runs, parked };
}

describe.each([
  ["embedded (SQLite)", embeddedHarness],
  ["BullMQ (Redis)", bullmqHarness],
] as const)("JobQueue contract: %s", (_label, createHarness) => {
  const harness = createHarness();
  beforeAll(() => harness.check());
  beforeEach(() => harness.setup());
  afterEach(() => harness.teardown());

  it("runs a job once, with its shop, name, payload and attempt 1", async () => {
    const queue = harness.make();
    const job = recording("hello");
    await queue.enqueue({ name: "hello", shop: SHOP_A, payload: { n: 1, text: "ü" } });
    expect(await queue.counts(SHOP_A)).toMatchObject({ queued: 1, done: 0 });
    queue.start([job.definition]);
    await waitFor(() => job.runs.length === 1, "the run");
    await queue.idle(5_000);
    await sleep(50);
    expect(job.runs).toHaveLength(1);
    expect(job.runs[0]!.payload).toEqual({ n: 1, text: "ü" });
    expect(job.runs[0]!.ctx).toMatchObject({ name: "hello", shop: SHOP_A, attempt: 1, maxAttempts: 8 });
    expect(await queue.counts(SHOP_A)).toEqual({ queued: 0, running: 0, failed: 0, done: 1 });
    expect(await queue.counts(SHOP_B)).toEqual({ queued: 0, running: 0, failed: 0, done: 0 });
    expect(await queue.counts()).toMatchObject({ queued: 0, failed: 0, done: 1 });
  });

  it("retries a failing job with growing delays, then succeeds once", async () => {
    const queue = harness.make();
    const job = recording("flaky", (ctx) => {
      if (ctx.attempt < 3) throw new Error(`timeout #${ctx.attempt}`);
    });
    await queue.enqueue({ name: "flaky", shop: SHOP_A, payload: {} });
    queue.start([job.definition]);
    await waitFor(() => job.runs.length === 3, "three attempts");
    await queue.idle(5_000);
    expect(job.runs.map((r) => r.ctx.attempt)).toEqual([1, 2, 3]);
    // random() = 1: the delay ceilings, RETRY_BASE_MS then twice it
    const gaps = [job.runs[1]!.at - job.runs[0]!.at, job.runs[2]!.at - job.runs[1]!.at];
    expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_BASE_MS);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
    expect(job.parked).toEqual([]);
    expect(await queue.counts(SHOP_A)).toEqual({ queued: 0, running: 0, failed: 0, done: 1 });
  });

  it("by default backs off as retryDelayMs does: the first retry waits at least half a second", async () => {
    const queue = harness.make({ retryBaseMs: "production", random: () => 0 });
    const job = recording("flaky", (ctx) => {
      if (ctx.attempt === 1) throw new Error("503");
    });
    await queue.enqueue({ name: "flaky", shop: SHOP_A, payload: {} });
    queue.start([job.definition]);
    await waitFor(() => job.runs.length === 1, "the first attempt");
    await sleep(300);
    expect(job.runs).toHaveLength(1);
    expect(await queue.counts(SHOP_A)).toMatchObject({ queued: 1, failed: 0, done: 0 });
    await waitFor(() => job.runs.length === 2, "the retry", 3_000);
    expect(job.runs[1]!.at - job.runs[0]!.at).toBeGreaterThanOrEqual(500);
  });

  it("parks a job after maxAttempts: onParked runs once with the error, listParked and counts show it", async () => {
    const queue = harness.make();
    const job = recording("send", () => {
      throw new Error("503 from provider");
    });
    await queue.enqueue({ name: "send", shop: SHOP_A, payload: { to: "maya" }, maxAttempts: 3 });
    queue.start([job.definition]);
    await waitFor(() => job.parked.length === 1, "the job to be parked");
    await queue.idle(5_000);
    await sleep(100);
    expect(job.runs.map((r) => r.ctx.attempt)).toEqual([1, 2, 3]);
    expect(job.parked).toHaveLength(1);
    expect(job.parked[0]).toMatchObject({ error: "503 from provider", payload: { to: "maya" }, ctx: { attempt: 3, maxAttempts: 3, shop: SHOP_A } });
    const parked = await queue.listParked({ shop: SHOP_A });
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ shop: SHOP_A, name: "send", payload: { to: "maya" }, attempts: 3, lastError: "503 from provider" });
    expect(parked[0]!.id).toBe(job.runs[0]!.ctx.id);
    expect(parked[0]!.finishedAt).toBeGreaterThan(0);
    expect(await queue.listParked({ shop: SHOP_B })).toEqual([]);
    expect(await queue.counts(SHOP_A)).toEqual({ queued: 0, running: 0, failed: 1, done: 0 });
  });

  it("parks a job at once when its handler throws UnrecoverableJobError", async () => {
    const queue = harness.make();
    const job = recording("parse", () => {
      throw new UnrecoverableJobError("payload is not JSON");
    });
    await queue.enqueue({ name: "parse", shop: SHOP_A, payload: {} });
    queue.start([job.definition]);
    await waitFor(() => job.parked.length === 1, "the job to be parked");
    await queue.idle(5_000);
    await sleep(100);
    expect(job.runs).toHaveLength(1);
    expect(job.parked).toHaveLength(1);
    expect(await queue.listParked({ shop: SHOP_A })).toMatchObject([{ attempts: 1, lastError: "payload is not JSON" }]);
  });

  it("replay runs a parked job again with a fresh attempt budget, only for the shop asked", async () => {
    const queue = harness.make();
    let healthy = false;
    const job = recording("send", () => {
      if (!healthy) throw new Error("provider down");
    });
    await queue.enqueue({ name: "send", shop: SHOP_A, payload: { n: 1 }, maxAttempts: 2 });
    queue.start([job.definition]);
    await waitFor(() => job.parked.length === 1, "the job to be parked");
    const [parked] = await queue.listParked({ shop: SHOP_A });
    healthy = true;
    expect(await queue.replay({ shop: SHOP_B })).toBe(0);
    expect(await queue.replay({ shop: SHOP_B, ids: [parked!.id] })).toBe(0);
    expect(await queue.replay({ shop: SHOP_A, ids: [parked!.id] })).toBe(1);
    await waitFor(() => job.runs.length === 3, "the replayed run");
    await queue.idle(5_000);
    expect(job.runs.map((r) => r.ctx.attempt)).toEqual([1, 2, 1]);
    expect(job.runs[2]!.payload).toEqual({ n: 1 });
    expect(await queue.listParked({ shop: SHOP_A })).toEqual([]);
    expect(await queue.counts(SHOP_A)).toEqual({ queued: 0, running: 0, failed: 0, done: 1 });
    // nothing left to replay
    expect(await queue.replay({ shop: SHOP_A })).toBe(0);
  });

  it("enqueueOnce keeps one waiting job of a name; one asked for while it runs is not lost", async () => {
    // one lane: what is asked for while the first runs stays waiting (with free lanes the embedded queue starts it)
    const queue = harness.make({ concurrency: 1 });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = recording("sweep", async (ctx) => {
      if (ctx.attempt === 1 && job.runs.length === 1) await gate;
    });
    for (let i = 0; i < 3; i++) await queue.enqueueOnce({ name: "sweep", shop: "*", payload: { i } });
    expect(await queue.counts()).toMatchObject({ queued: 1 });
    queue.start([job.definition]);
    await waitFor(() => job.runs.length === 1, "the first sweep to start");
    for (let i = 3; i < 5; i++) await queue.enqueueOnce({ name: "sweep", shop: "*", payload: { i } });
    release();
    await waitFor(() => job.runs.length === 2, "the sweep asked for during the first");
    await queue.idle(5_000);
    await sleep(150);
    expect(job.runs).toHaveLength(2);
    expect(job.runs[0]!.payload).toEqual({ i: 0 });
    // plain enqueue is not de-duplicated
    await queue.enqueue({ name: "sweep", shop: "*", payload: {} });
    await queue.enqueue({ name: "sweep", shop: "*", payload: {} });
    await waitFor(() => job.runs.length === 4, "two plain enqueues");
  });

  it("purgeShop removes that shop's queued and parked jobs; another shop's still run", async () => {
    const queue = harness.make();
    const work = recording("work");
    const fail = recording("fail", () => {
      throw new UnrecoverableJobError("bad");
    });
    queue.start([work.definition, fail.definition]);
    await queue.enqueue({ name: "fail", shop: SHOP_A, payload: {} });
    await queue.enqueue({ name: "fail", shop: SHOP_B, payload: {} });
    await waitFor(() => fail.parked.length === 2, "both shops' failing jobs to be parked");
    await queue.idle(5_000);
    const runAt = Date.now() + 400;
    for (let i = 0; i < 3; i++) await queue.enqueue({ name: "work", shop: SHOP_A, payload: { i }, runAt });
    for (let i = 0; i < 2; i++) await queue.enqueue({ name: "work", shop: SHOP_B, payload: { i }, runAt });
    expect(await queue.counts(SHOP_A)).toMatchObject({ queued: 3, failed: 1 });

    await queue.purgeShop(SHOP_A);
    expect(await queue.counts(SHOP_A)).toEqual({ queued: 0, running: 0, failed: 0, done: 0 });
    expect(await queue.listParked({ shop: SHOP_A })).toEqual([]);
    expect(await queue.counts(SHOP_B)).toMatchObject({ queued: 2, failed: 1 });
    expect(await queue.listParked({ shop: SHOP_B })).toHaveLength(1);

    await waitFor(() => work.runs.length === 2, "shop B's jobs");
    await sleep(Math.max(0, runAt + 200 - Date.now()));
    await queue.idle(5_000);
    expect(work.runs.map((r) => r.ctx.shop)).toEqual([SHOP_B, SHOP_B]);
    expect(await queue.counts(SHOP_B)).toEqual({ queued: 0, running: 0, failed: 1, done: 2 });
  });

  it("does not run a delayed job before its runAt; idle() does not wait for it", async () => {
    const queue = harness.make();
    const job = recording("later");
    const runAt = Date.now() + 400;
    await queue.enqueue({ name: "later", shop: SHOP_A, payload: {}, runAt });
    queue.start([job.definition]);
    await queue.idle(1_000);
    await sleep(200);
    expect(job.runs).toEqual([]);
    expect(await queue.counts(SHOP_A)).toMatchObject({ queued: 1, running: 0, done: 0 });
    await waitFor(() => job.runs.length === 1, "the delayed job");
    expect(job.runs[0]!.at).toBeGreaterThanOrEqual(runAt);
  });

  it("depth() tells an operator what waits, all shops together: due, not yet due, running, parked, and since when", async () => {
    const queue = harness.make();
    expect(await queue.depth()).toEqual({ queued: 0, due: 0, running: 0, parked: 0, oldestDueAt: null });
    const before = Date.now();
    await queue.enqueue({ name: "now", shop: SHOP_A, payload: {} });
    await queue.enqueue({ name: "now", shop: SHOP_B, payload: {} });
    await queue.enqueue({ name: "later", shop: SHOP_A, payload: {}, runAt: Date.now() + 60_000 });
    const waiting = await queue.depth();
    expect(waiting).toMatchObject({ queued: 3, due: 2, running: 0, parked: 0 });
    expect(waiting.oldestDueAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(waiting.oldestDueAt).toBeLessThanOrEqual(Date.now());

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const now = recording("now", async (ctx) => {
      if (ctx.shop === SHOP_B) throw new UnrecoverableJobError("refused");
      await held;
    });
    queue.start([now.definition, recording("later").definition]);
    await waitFor(async () => (await queue.depth()).running === 1 && (await queue.depth()).parked === 1, "one running, one parked");
    expect(await queue.depth()).toEqual({ queued: 1, due: 0, running: 1, parked: 1, oldestDueAt: null });
    release();
    await queue.idle(5_000);
    expect(await queue.depth()).toMatchObject({ queued: 1, due: 0, running: 0, parked: 1 });
  });

  it("runs up to `concurrency` jobs at once, never more", async () => {
    const queue = harness.make({ concurrency: 3 });
    let active = 0;
    let most = 0;
    const job = recording("slow", async () => {
      active += 1;
      most = Math.max(most, active);
      await sleep(120);
      active -= 1;
    });
    for (let i = 0; i < 7; i++) await queue.enqueue({ name: "slow", shop: SHOP_A, payload: { i } });
    queue.start([job.definition]);
    await waitFor(() => job.runs.length === 7, "all seven jobs");
    await queue.idle(5_000);
    expect(most).toBe(3);
    expect(await queue.counts(SHOP_A)).toMatchObject({ done: 7 });
  });

  it("stop() lets the job in hand finish and starts no other", async () => {
    const queue = harness.make({ concurrency: 1 });
    let finished = 0;
    const job = recording("slow", async () => {
      await sleep(300);
      finished += 1;
    });
    await queue.enqueue({ name: "slow", shop: SHOP_A, payload: { n: 1 } });
    await queue.enqueue({ name: "slow", shop: SHOP_A, payload: { n: 2 } });
    queue.start([job.definition]);
    await waitFor(() => job.runs.length === 1, "the first job to start");
    await queue.stop();
    expect(finished).toBe(1);
    await sleep(100);
    expect(job.runs).toHaveLength(1);
  });

  it("runs a recurring job again and again", async () => {
    const queue = harness.make();
    const tick = recording("tick");
    const started = Date.now();
    queue.start([tick.definition], { recurring: [{ name: "tick", everyMs: 100 }] });
    await waitFor(() => tick.runs.length >= 3, "three ticks", 3_000);
    // ticks keep coming at their pace
    await new Promise((r) => setTimeout(r, 500));
    expect(tick.runs.every((r) => r.ctx.shop === "*")).toBe(true);
    // never a burst: one is queued at a time, so a worker held up (a busy machine) runs at most the one tick that
    // came due meanwhile, not one for every interval it missed
    const elapsed = tick.runs.at(-1)!.at - started;
    expect(tick.runs.length).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 2);
    const gaps = tick.runs.slice(1).map((r, i) => r.at - tick.runs[i]!.at);
    expect(gaps.filter((g) => g < 50).length).toBeLessThanOrEqual(Math.ceil(gaps.length / 3));
  });
});

describe("BullMQ adapter: the database outbox", () => {
  let dir: string;
  let database: Database;
  let queue: ReturnType<typeof createBullmqQueue>;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-outbox-"));
    database = openDatabase({ dialect: "sqlite", path: path.join(dir, "q.sqlite") });
    await migrate(database);
    queue = createBullmqQueue({ redisUrl: REDIS_URL, prefix: `shipwatch-test-${randomUUID()}`, clock: systemClock, logger, outbox: database, pollIntervalMs: 20 });
  });
  afterEach(async () => {
    try {
      await queue.stop();
    } finally {
      await queue.obliterate();
    }
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("relays the jobs the webhook ingest commits with its deliveries into BullMQ, once", async () => {
    const store = createDeliveryStore(database);
    const stored = await store.storeNew({
      shop: SHOP_A,
      topic: "orders/create",
      webhookId: randomUUID(),
      eventId: randomUUID(),
      triggeredAt: Date.now(),
      apiVersion: "2026-07",
      body: "{}",
      receivedAt: Date.now(),
    });
    expect(stored.stored).toBe(true);
    const job = recording(PROCESS_DELIVERY_JOB);
    expect(await queue.idle(200).then(() => "idle", () => "pending")).toBe("pending");
    queue.start([job.definition]);
    await waitFor(() => job.runs.length === 1, "the relayed job");
    await queue.idle(5_000);
    expect(job.runs[0]!.payload).toEqual({ deliveryId: stored.stored ? stored.id : -1 });
    expect(job.runs[0]!.ctx).toMatchObject({ shop: SHOP_A, attempt: 1, maxAttempts: 8 });
    expect(await database.db.selectFrom("Job").selectAll().execute()).toEqual([]);
    await sleep(100);
    expect(job.runs).toHaveLength(1);
  });
});
