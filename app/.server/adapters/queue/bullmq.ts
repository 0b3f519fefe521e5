import { randomUUID } from "node:crypto";
import { Queue, UnrecoverableError, Worker, type Job, type JobsOptions, type JobType } from "bullmq";
import { Redis } from "ioredis";
import type { Clock } from "~/domain/clock";
import type { Database } from "../db/database";
import type { Logger } from "../../logger";
import { retryDelayMs } from "~/domain/retry";
import {
  UnrecoverableJobError,
  type JobContext,
  type JobDefinition,
  type JobQueue,
  type JobRequest,
  type ParkedJob,
  type QueueCounts,
  type QueueDepth,
  type RecurringJob,
} from "../../ports";

/** One BullMQ queue carries every job; a job's BullMQ name is its JobDefinition's name. */
export const BULLMQ_QUEUE_NAME = "jobs";
/** Redis keys are `<prefix>:jobs:…`; tests use a prefix of their own. */
export const BULLMQ_DEFAULT_PREFIX = "shipwatch";
const BACKOFF_TYPE = "shipwatch";
/** Finished jobs kept for counts(): a day, at most this many; parked (failed) jobs are kept until replayed or purged. */
const KEEP_DONE = { age: 24 * 3600, count: 10_000 };
/** shop-filtered reads go through the jobs this many at a time */
const PAGE = 500;

interface JobData {
  shop: string;
  payload: unknown;
}

export interface BullmqQueueOptions {
  redisUrl: string;
  prefix?: string;
  /** jobs this process runs at once (default 8, as WORKER_CONCURRENCY) */
  concurrency?: number;
  /**
   * How long a worker's lock on a running job lasts without renewal: a killed worker's jobs run again after
   * about this long (BullMQ's lockDuration; the stalled-job check runs as often). Default 30 s.
   */
  leaseMs?: number;
  /** turns runAt into a delay; BullMQ itself runs on the machines' clocks, so this is the system clock outside tests */
  clock: Clock;
  logger: Logger;
  random?: () => number;
  /** the first retry's delay ceiling (retryDelayMs); only tests shorten it */
  retryBaseMs?: number;
  /**
   * The app database, whose `Job` table some writers use as an outbox: the webhook ingest commits a delivery
   * and its processing job in one transaction. A worker relays those rows into BullMQ (and deletes them).
   */
  outbox?: Database;
  /** how often the outbox is read when nothing wakes the relay (default 250 ms) */
  pollIntervalMs?: number;
  /**
   * Work the app database says is still owed, which Redis may have lost (a Redis restarted without persistence
   * forgets its jobs; the outbox rows were deleted once relayed): `find` lists it, by a key per piece of work. A
   * started worker asks every `everyMs`, and at once (`afterDataLoss`) when it finds Redis came back empty; each is
   * added as a job named by its key, so while that job is kept (waiting, running, or finished) asking again adds nothing.
   * `keyOf` names the outbox's jobs the same way when relayed: a delivery's relayed job and its job queued again are one.
   */
  owed?: {
    everyMs: number;
    find: (afterDataLoss: boolean) => Promise<{ key: string; job: JobRequest }[]>;
    keyOf: (name: string, payload: unknown) => string | null;
  };
}

/**
 * The JobQueue port on BullMQ (Redis), for scale-out: web processes enqueue, `npm run worker` processes work.
 * Semantics match the embedded adapter:
 * - attempts = maxAttempts (default 8); retries wait `retryDelayMs(attempt)` (a custom backoff strategy);
 * - a handler's UnrecoverableJobError, or a failure on the last attempt, parks the job (BullMQ's failed set)
 *   after `onParked` has run, once, while the job is still held;
 * - JobContext.attempt counts starts (1 on the first run; a run lost with a crashed worker counts, as a lease does);
 * - enqueueOnce: BullMQ deduplication on `once:<name>` with keepLastIfActive: while one is waiting or delayed,
 *   another is dropped; while one runs, one more is kept and queued when it finishes (so a sweep asked for during
 *   a sweep is not lost), as the embedded adapter only looks at queued jobs;
 * - recurring jobs are BullMQ job schedulers (`every`), upserted at start; schedulers no longer listed are removed;
 * - with `outbox`, a started worker relays the Job rows other writers commit to the app database (see the option).
 * Limits: counts(shop), listParked(shop), replay(shop) and purgeShop read the jobs' data page by page (Redis keeps no
 * index by shop), so their cost follows the jobs held, finished ones included (bounded by KEEP_DONE). A job that
 * crashes its worker twice is failed by BullMQ's stall check without onParked.
 */
export function createBullmqQueue(options: BullmqQueueOptions): JobQueue & { wake(): void; ping(): Promise<void>; obliterate(): Promise<void> } {
  const { clock, logger } = options;
  const prefix = options.prefix ?? BULLMQ_DEFAULT_PREFIX;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const random = options.random ?? Math.random;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  // ESM: BullMQ cannot load ioredis itself, it is handed a client. null: a command waits out a Redis restart
  // instead of failing after 20 retries (BullMQ requires it for workers).
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (error: Error) => logger.warn({ err: error.message }, "redis connection error"));
  const queue = new Queue<JobData>(BULLMQ_QUEUE_NAME, { connection, prefix });
  queue.on("error", (error) => logger.error({ err: error.message }, "job queue error"));

  let definitions = new Map<string, JobDefinition>();
  let worker: Worker<JobData> | null = null;
  let relayLoop: Promise<void> | null = null;
  let relaying = false;
  let wakeUp: (() => void) | null = null;
  let scheduling: Promise<void> | null = null;
  let stopped: Promise<void> | null = null;
  let recurringJobs: readonly RecurringJob[] | null = null;
  let owedLoop: Promise<void> | null = null;
  let owedWake: (() => void) | null = null;
  let dataLost = false;

  function jobOptions(maxAttempts: number): JobsOptions {
    return { attempts: maxAttempts, backoff: { type: BACKOFF_TYPE }, removeOnComplete: KEEP_DONE, removeOnFail: false };
  }

  function delayUntil(runAt: number | undefined): number {
    return runAt === undefined ? 0 : Math.max(0, Math.round(runAt - clock.now()));
  }

  async function run(job: Job<JobData>): Promise<void> {
    const definition = definitions.get(job.name);
    const ctx: JobContext = {
      id: String(job.id),
      name: job.name,
      shop: job.data.shop,
      attempt: Math.max(job.attemptsStarted, job.attemptsMade + 1),
      maxAttempts: job.opts.attempts ?? 1,
    };
    try {
      if (!definition) throw new UnrecoverableJobError(`no handler for job "${job.name}"`);
      await definition.handle(job.data.payload, ctx);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const park = error instanceof UnrecoverableJobError || ctx.attempt >= ctx.maxAttempts;
      if (!park) {
        logger.info({ job: ctx, err: error.message }, "job failed; will retry");
        throw error;
      }
      logger.warn({ job: ctx, err: error.message }, "job parked as failed");
      try {
        await definition?.onParked?.(job.data.payload, ctx, error);
      } catch (hookError) {
        logger.error({ job: ctx, err: String(hookError) }, "onParked hook failed");
      }
      // parked now, whatever BullMQ's own count says (a stalled run counted as an attempt here)
      throw new UnrecoverableError(describe(error));
    }
  }

  /** Reads every job in these states, page by page (each state paged on its own: getJobs pages per state). */
  async function* jobsIn(states: JobType[], newestFirst = false): AsyncGenerator<Job<JobData>> {
    for (const state of states) {
      for (let start = 0; ; start += PAGE) {
        const page = await queue.getJobs([state], start, start + PAGE - 1, !newestFirst);
        // a job removed between the range read and its fetch leaves a short page: only an empty one ends the state
        if (!page.length) break;
        for (const job of page) if (job) yield job;
      }
    }
  }

  // ---- the outbox relay: Job rows committed to the app database become BullMQ jobs ----
  const relayId = `bullmq-relay-${randomUUID()}`;

  async function relayOnce(): Promise<number> {
    const database = options.outbox;
    if (!database) return 0;
    const { db } = database;
    const now = clock.now();
    const due = db
      .selectFrom("Job")
      .select("id")
      .where((eb) => eb.or([eb("status", "=", "queued"), eb.and([eb("status", "=", "running"), eb("lockedUntil", "<", now)])]))
      .orderBy("id")
      .limit(PAGE);
    const claimable = database.dialect === "postgres" ? due.forUpdate().skipLocked() : due;
    const rows = await db
      .updateTable("Job")
      .set({ status: "running", lockedBy: relayId, lockedUntil: now + (options.leaseMs ?? 60_000) })
      .where("id", "in", claimable)
      .returningAll()
      .execute();
    if (!rows.length) return 0;
    // the row's id and creation time name the BullMQ job: relaying twice (a crash before the delete) adds it once;
    // owed work is named by its key instead (see `owed`)
    await queue.addBulk(
      rows.map((row) => {
        const payload = parsePayload(row.payload);
        const key = options.owed?.keyOf(row.name, payload);
        return { name: row.name, data: { shop: row.shop, payload }, opts: { ...jobOptions(row.maxAttempts), delay: delayUntil(row.runAt), jobId: key ? owedJobId(key) : `db-${row.id}-${row.createdAt}` } };
      }),
    );
    await db
      .deleteFrom("Job")
      .where("id", "in", rows.map((r) => r.id))
      .where("lockedBy", "=", relayId)
      .execute();
    return rows.length;
  }

  async function relayForever() {
    let failures = 0;
    while (relaying) {
      let relayed = 0;
      try {
        relayed = await relayOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        logger.error({ err: String(error), failures }, "relaying jobs from the database failed");
      }
      if (relayed === PAGE || !relaying) continue;
      // a full page means more are waiting; a failing database is retried less and less often (at most every 10 s)
      const waitMs = failures ? Math.min(10_000, pollIntervalMs * 2 ** failures) : pollIntervalMs;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        setTimeout(resolve, waitMs).unref();
      });
      wakeUp = null;
    }
  }

  async function outboxPending(): Promise<number> {
    if (!options.outbox) return 0;
    const now = clock.now();
    const row = await options.outbox.db
      .selectFrom("Job")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where((eb) => eb.or([eb.and([eb("status", "=", "queued"), eb("runAt", "<=", now)]), eb("status", "=", "running")]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** jobs waiting, running, or delayed and due now (BullMQ scores a delayed job by its due time × 4096) */
  async function dueCount(): Promise<number> {
    const counts = await queue.getJobCounts("wait", "prioritized", "active");
    const delayedDue = await connection.zcount(queue.keys.delayed!, 0, (Date.now() + 1) * 0x1000 - 1);
    return Object.values(counts).reduce((a, b) => a + b, 0) + delayedDue + (await outboxPending());
  }

  /** upserts the recurring jobs' schedulers (`null`: none listed, none retired) */
  async function schedule(recurring: readonly RecurringJob[] | null) {
    try {
      for (const r of recurring ?? []) {
        await queue.upsertJobScheduler(r.name, { every: r.everyMs }, { name: r.name, data: { shop: "*", payload: {} }, opts: jobOptions(3) });
      }
      // schedulers outlive workers in Redis: a recurring job no longer listed is retired (only when a list is given)
      if (recurring) {
        const names = new Set(recurring.map((r) => r.name));
        for (const scheduler of await queue.getJobSchedulers()) {
          if (!names.has(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
        }
      }
    } catch (error) {
      logger.error({ err: String(error) }, "scheduling recurring jobs failed");
    }
  }

  // A Redis that restarted without persistence (or failed over to an empty replica) has lost every job and scheduler.
  // A started worker marks the Redis it works on; back on a connection without the mark, it schedules the recurring
  // jobs again and queues again, at once, all the work the database still owes. The first "ready" is the opening.
  const keptKey = `${prefix}:${BULLMQ_QUEUE_NAME}:worked-on`;
  let connectedOnce = false;
  connection.on("ready", () => {
    if (!connectedOnce) {
      connectedOnce = true;
      return;
    }
    if (!worker || stopped) return;
    void connection.set(keptKey, String(Date.now()), "NX").then(
      (set) => {
        // set now: no worker had marked this Redis since it came back, so it kept nothing
        if (set !== "OK") return;
        logger.warn("redis came back empty (restarted without persistence?): scheduling the recurring jobs again and queueing again the work the database still owes");
        scheduling = Promise.resolve(scheduling).then(() => schedule(recurringJobs));
        dataLost = true;
        owedWake?.();
      },
      (error: unknown) => logger.error({ err: String(error) }, "checking whether redis kept its jobs failed"),
    );
  });

  async function owedOnce(owed: NonNullable<BullmqQueueOptions["owed"]>, afterDataLoss: boolean): Promise<number> {
    const found = await owed.find(afterDataLoss);
    // a job id per piece of work: one already kept (waiting, running, finished) is left as it is
    const missing: typeof found = [];
    for (const item of found) if ((await queue.getJobState(owedJobId(item.key))) === "unknown") missing.push(item);
    if (!missing.length) return 0;
    await queue.addBulk(
      missing.map(({ key, job }) => ({
        name: job.name,
        data: { shop: job.shop, payload: job.payload ?? null },
        opts: { ...jobOptions(job.maxAttempts ?? 8), jobId: owedJobId(key) },
      })),
    );
    return missing.length;
  }

  async function owedForever(owed: NonNullable<BullmqQueueOptions["owed"]>) {
    while (worker && !stopped) {
      const afterDataLoss = dataLost;
      dataLost = false;
      try {
        const queued = await owedOnce(owed, afterDataLoss);
        if (queued) logger.warn({ jobs: queued, afterDataLoss }, "queued again work the database still owes (stored, never processed: its job was lost with Redis's data)");
      } catch (error) {
        logger.error({ err: String(error) }, "looking for work the database still owes failed");
      }
      // stop() may have come while this looked: it woke no one
      if (stopped) break;
      await new Promise<void>((resolve) => {
        owedWake = resolve;
        setTimeout(resolve, owed.everyMs).unref();
      });
      owedWake = null;
    }
  }

  async function add(job: JobRequest, extra: JobsOptions = {}) {
    await queue.add(job.name, { shop: job.shop, payload: job.payload ?? null }, { ...jobOptions(job.maxAttempts ?? 8), delay: delayUntil(job.runAt), ...extra });
  }

  return {
    wake() {
      wakeUp?.();
    },
    /** Redis answers a PING now. A command sent while disconnected waits for the reconnection (see `connection`), so this does not. */
    async ping() {
      // a process that has just started is still making its first connection: wait for it (the health check bounds
      // the wait), rather than report as down a Redis that answers a moment later; one lost is down at once
      if (connection.status === "connecting" || connection.status === "wait") {
        // the first connection settles (ready, or a failed attempt) or this ask gives up: its listeners go either way
        await new Promise<void>((resolve) => {
          const settle = () => {
            clearTimeout(timer);
            connection.off("ready", settle);
            connection.off("error", settle);
            connection.off("end", settle);
            resolve();
          };
          const timer = setTimeout(settle, 2_000);
          connection.once("ready", settle);
          connection.once("error", settle);
          connection.once("end", settle);
        });
      }
      if (connection.status !== "ready") throw new Error(`redis connection is ${connection.status}`);
      await connection.ping();
    },
    async enqueue(job) {
      await add(job);
    },
    async enqueueOnce(job) {
      await add(job, { deduplication: { id: `once:${job.name}`, keepLastIfActive: true } });
    },
    start(defs, startOptions) {
      definitions = new Map(defs.map((d) => [d.name, d]));
      recurringJobs = startOptions?.recurring ?? null;
      scheduling = schedule(recurringJobs);
      if (worker) return;
      worker = new Worker<JobData>(BULLMQ_QUEUE_NAME, run, {
        connection,
        prefix,
        concurrency,
        ...(options.leaseMs ? { lockDuration: options.leaseMs, stalledInterval: options.leaseMs } : {}),
        // a job whose worker died mid-run goes again (handlers are idempotent); several crashes in a row are
        // tolerated before BullMQ gives up on it
        maxStalledCount: 5,
        settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade, random, retryBaseMs) },
      });
      worker.on("error", (error) => logger.error({ err: error.message }, "job worker error"));
      if (options.outbox) {
        relaying = true;
        relayLoop = relayForever();
      }
      // the mark a reconnection looks for (above)
      void connection.set(keptKey, String(Date.now()), "NX").catch((error: unknown) => logger.error({ err: String(error) }, "marking redis failed"));
      if (options.owed) owedLoop = owedForever(options.owed);
    },
    stop() {
      // the worker finishes the jobs in hand (they may enqueue more), then the connections close
      stopped ??= (async () => {
        relaying = false;
        wakeUp?.();
        owedWake?.();
        await scheduling;
        await relayLoop;
        await owedLoop;
        await worker?.close();
        await queue.close();
        await connection.quit().catch(() => connection.disconnect());
      })();
      return stopped;
    },
    async idle(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      // two quiet reads in a row: a job in hand can enqueue another
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs} ms`);
        if ((await dueCount()) === 0) quiet += 1;
        else quiet = 0;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async depth(): Promise<QueueDepth> {
      const c = await queue.getJobCounts("wait", "prioritized", "delayed", "active", "failed");
      // the wait list's far end is its oldest job; a job that waited out a delay has been due since then
      const [oldest] = await queue.getJobs(["wait"], 0, 0, true);
      const oldestInRedis = oldest ? oldest.timestamp + (oldest.opts.delay ?? 0) : null;
      // deliveries committed with their job to the database and not yet relayed to Redis wait too
      let owed = { n: 0, oldest: null as number | null };
      if (options.outbox) {
        const row = await options.outbox.db
          .selectFrom("Job")
          .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("runAt").as("oldest")])
          .where("status", "=", "queued")
          .where("runAt", "<=", clock.now())
          .executeTakeFirstOrThrow();
        owed = { n: Number(row.n), oldest: row.oldest === null ? null : Number(row.oldest) };
      }
      const dues = [oldestInRedis, owed.oldest].filter((at): at is number => at !== null);
      return {
        queued: (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0) + owed.n,
        due: (c.wait ?? 0) + (c.prioritized ?? 0) + owed.n,
        running: c.active ?? 0,
        parked: c.failed ?? 0,
        oldestDueAt: dues.length ? Math.min(...dues) : null,
      };
    },
    async counts(shop?: string): Promise<QueueCounts> {
      if (!shop) {
        const c = await queue.getJobCounts("wait", "prioritized", "delayed", "active", "failed", "completed");
        return {
          queued: (c.wait ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0),
          running: c.active ?? 0,
          failed: c.failed ?? 0,
          done: c.completed ?? 0,
        };
      }
      const counts: QueueCounts = { queued: 0, running: 0, failed: 0, done: 0 };
      const bucket: [JobType, keyof QueueCounts][] = [
        ["wait", "queued"],
        ["prioritized", "queued"],
        ["delayed", "queued"],
        ["active", "running"],
        ["failed", "failed"],
        ["completed", "done"],
      ];
      for (const [state, key] of bucket) {
        for await (const job of jobsIn([state])) if (job.data.shop === shop) counts[key] += 1;
      }
      return counts;
    },
    async listParked({ shop, limit = 100 } = {}): Promise<ParkedJob[]> {
      const parked: ParkedJob[] = [];
      for await (const job of jobsIn(["failed"], true)) {
        if (shop && job.data.shop !== shop) continue;
        parked.push({
          id: String(job.id),
          shop: job.data.shop,
          name: job.name,
          payload: job.data.payload,
          attempts: Math.max(job.attemptsMade, job.attemptsStarted),
          lastError: job.failedReason || null,
          finishedAt: job.finishedOn ?? null,
        });
        if (parked.length >= limit) break;
      }
      return parked;
    },
    async replay({ shop, ids }) {
      const candidates: Job<JobData>[] = [];
      if (ids) {
        for (const id of new Set(ids)) {
          const job = await queue.getJob(id);
          if (job && (await job.isFailed())) candidates.push(job);
        }
      } else {
        for await (const job of jobsIn(["failed"])) candidates.push(job);
      }
      let replayed = 0;
      for (const job of candidates) {
        if (shop && job.data.shop !== shop) continue;
        await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
        replayed += 1;
      }
      return replayed;
    },
    async purgeShop(shop) {
      // a running job cannot be removed (its worker holds it): it finishes, as in the embedded adapter
      const ids: string[] = [];
      for await (const job of jobsIn(["wait", "prioritized", "delayed", "failed", "completed"])) {
        if (job.data.shop === shop && job.id) ids.push(job.id);
      }
      for (const id of ids) await queue.remove(id);
      await options.outbox?.db.deleteFrom("Job").where("shop", "=", shop).execute();
    },
    /** Deletes every key under this queue's prefix (tests: an isolated prefix, removed after). */
    async obliterate() {
      const client = stopped ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1 }) : connection;
      try {
        let cursor = "0";
        do {
          const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
          cursor = next;
          if (keys.length) await client.unlink(...keys);
        } while (cursor !== "0");
      } finally {
        if (client !== connection) await client.quit();
      }
    },
  };
}

/** BullMQ refuses ids with ":" (its key separator) and integer ids */
const owedJobId = (key: string) => `work-${key.replace(/:/g, "-")}`;

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload) as unknown;
  } catch {
    return payload;
  }
}

function describe(error: Error): string {
  return (error.message || error.name).slice(0, 2_000);
}
