import { randomUUID } from "node:crypto";
import { sql } from "kysely";
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
  type RecurringJob,
  type QueueCounts,
  type QueueDepth,
} from "../../ports";

export interface EmbeddedQueueOptions {
  /** how long a claimed job is held before another worker may take it (a crashed worker's jobs run again) */
  leaseMs?: number;
  pollIntervalMs?: number;
  batchSize?: number;
  /** how many claimed jobs run at once (default 1: one after another) */
  concurrency?: number;
  random?: () => number;
  /** the first retry's delay ceiling (retryDelayMs); only tests shorten it */
  retryBaseMs?: number;
}

/**
 * Jobs in the app database, worked in this process. Claims take a batch at a time and hold a lease;
 * a job whose lease ran out (its worker died) is claimed again. No job is one transaction (on SQLite one
 * connection is shared by the whole process): handlers are idempotent instead. On SQLite the writes of jobs
 * that share commits are grouped (adapters/db/write-group.ts); such a job is marked done only once its writes
 * are committed.
 */
export function createEmbeddedQueue(
  database: Database,
  clock: Clock,
  logger: Logger,
  options: EmbeddedQueueOptions = {},
): JobQueue & { wake(): void } {
  const { db } = database;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 100;
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const random = options.random ?? Math.random;
  const retryBaseMs = options.retryBaseMs ?? 1_000;
  const workerId = randomUUID();
  const group = database.writeGroup;

  let definitions = new Map<string, JobDefinition>();
  let recurring: { job: RecurringJob; nextAt: number }[] = [];

  /** Queues each recurring job when its time comes, unless one is already queued or running. */
  async function scheduleRecurring() {
    const now = clock.now();
    for (const entry of recurring) {
      if (now < entry.nextAt) continue;
      entry.nextAt = now + entry.job.everyMs;
      const pending = await db.selectFrom("Job").select("id").where("name", "=", entry.job.name).where("status", "in", ["queued", "running"]).executeTakeFirst();
      if (!pending) {
        await db.insertInto("Job").values({ shop: "*", name: entry.job.name, payload: "{}", status: "queued", runAt: now, maxAttempts: 3, createdAt: now }).execute();
      }
    }
  }
  let running = false;
  let loop: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;

  function wake() {
    wakeUp?.();
  }

  // where the last claim stopped going round the shops, when there were more of them than places in a batch
  let shopCursor = "";

  /**
   * Which due jobs to claim, fairly: one shop's burst (a backfill, a flood of webhooks) must not hold every
   * other shop's jobs back until it is worked through. A dead worker's jobs (their lease ran out) come first.
   * If the oldest due jobs do not fill the batch, they are all there is. Otherwise the batch is shared
   * between the shops with jobs due: an equal share each (places a shop cannot use go to the oldest jobs
   * of any shop), and the order alternates between shops. Within a shop: first queued, first run.
   */
  async function pickFairly(limit: number, now: number): Promise<number[]> {
    const expired = await db
      .selectFrom("Job")
      .select("id")
      .where("status", "=", "running")
      .where("lockedUntil", "<", now)
      .orderBy("lockedUntil")
      .limit(limit)
      .execute();
    const room = limit - expired.length;
    if (room <= 0) return expired.map((j) => j.id);
    const oldest = await db.selectFrom("Job").select(["id", "shop"]).where("status", "=", "queued").where("runAt", "<=", now).orderBy("runAt").orderBy("id").limit(room).execute();
    let picked: { id: number; shop: string }[] = oldest;
    if (oldest.length === room) {
      // the batch is full: more may be due behind it, perhaps of other shops. This read costs what the due
      // jobs number (about 0.5 ms per 1,000 on SQLite), and only while there is a backlog.
      const shops = (await db.selectFrom("Job").select("shop").distinct().where("status", "=", "queued").where("runAt", "<=", now).execute()).map((r) => r.shop);
      if (shops.length > 1) picked = await shareBetween(shops.sort(), room, now, oldest);
    }
    return [...expired.map((j) => j.id), ...alternateShops(picked).map((j) => j.id)];
  }

  /** Up to an equal share of the batch from each shop, going round the shops when they outnumber the places. */
  async function shareBetween(shops: string[], room: number, now: number, oldest: { id: number; shop: string }[]) {
    let start = shops.findIndex((s) => s > shopCursor);
    if (start < 0) start = 0;
    const turn = [...shops.slice(start), ...shops.slice(0, start)].slice(0, room);
    if (turn.length < shops.length) shopCursor = turn[turn.length - 1]!;
    const share = Math.ceil(room / turn.length);
    const picked: { id: number; shop: string }[] = [];
    for (const shop of turn) {
      const jobs = await db
        .selectFrom("Job")
        .select(["id", "shop"])
        .where("shop", "=", shop)
        .where("status", "=", "queued")
        // a unary + keeps SQLite on the (shop, status) index, whose entries run in id order: no sort, the
        // share read and no more (on the (status, runAt) index it would step over every other shop's jobs)
        .where(sql<number>`+${sql.ref("runAt")}`, "<=", now)
        .orderBy("id")
        .limit(share)
        .execute();
      picked.push(...jobs);
    }
    // the places a shop could not use go to the oldest due jobs
    const taken = new Set(picked.map((j) => j.id));
    for (const job of oldest) {
      if (picked.length >= room) break;
      if (!taken.has(job.id)) picked.push(job);
    }
    return picked.slice(0, room);
  }

  async function claim(limit: number) {
    const now = clock.now();
    const ids = await pickFairly(limit, now);
    if (!ids.length) return [];
    // claimed only if still claimable: another worker may have taken a job since it was picked
    const claimed = await db
      .updateTable("Job")
      .set((eb) => ({
        status: "running",
        lockedBy: workerId,
        lockedUntil: now + leaseMs,
        attempts: eb("attempts", "+", 1),
      }))
      .where("id", "in", ids)
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "queued"), eb("runAt", "<=", now)]),
          eb.and([eb("status", "=", "running"), eb("lockedUntil", "<", now)]),
        ]),
      )
      .returningAll()
      .execute();
    // run in the order picked (RETURNING promises none)
    const position = new Map(ids.map((id, i) => [id, i]));
    return claimed.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  }

  type Claimed = Awaited<ReturnType<typeof claim>>[number];

  async function runOne(job: Claimed): Promise<boolean> {
    const definition = definitions.get(job.name);
    const ctx = contextOf(job);
    let payload: unknown;
    try {
      payload = JSON.parse(job.payload);
      if (!definition) throw new UnrecoverableJobError(`no handler for job "${job.name}"`);
      const handle = () => definition.handle(payload, ctx);
      await (definition.sharesCommits && group ? group.run(handle) : handle());
      return true;
    } catch (caught) {
      await recordFailure(job, caught instanceof Error ? caught : new Error(String(caught)), payload, definition);
      return false;
    }
  }

  function contextOf(job: Claimed): JobContext {
    return { id: String(job.id), name: job.name, shop: job.shop, attempt: job.attempts, maxAttempts: job.maxAttempts };
  }

  /** a failed attempt: the job is retried later, or parked once it is out of attempts (or cannot succeed) */
  async function recordFailure(job: Claimed, error: Error, payload: unknown, definition: JobDefinition | undefined) {
    const ctx = contextOf(job);
    const park = error instanceof UnrecoverableJobError || job.attempts >= job.maxAttempts;
    const now = clock.now();
    await db
      .updateTable("Job")
      .set(
        park
          ? { status: "failed", finishedAt: now, lockedBy: null, lockedUntil: null, lastError: describe(error) }
          : {
              status: "queued",
              runAt: now + retryDelayMs(job.attempts, random, retryBaseMs),
              lockedBy: null,
              lockedUntil: null,
              lastError: describe(error),
            },
      )
      .where("id", "=", job.id)
      .execute();
    if (park) {
      logger.warn({ job: ctx, err: error.message }, "job parked as failed");
      try {
        await definition?.onParked?.(payload, ctx, error);
      } catch (hookError) {
        logger.error({ job: ctx, err: String(hookError) }, "onParked hook failed");
      }
    } else {
      logger.info({ job: ctx, err: error.message }, "job failed; will retry");
    }
  }

  /**
   * A batch's finished jobs are marked done in one statement: one commit instead of one per job. If the
   * process dies first they run again, which idempotent handlers allow.
   */
  async function markDone(ids: number[]) {
    if (!ids.length) return;
    await db
      .updateTable("Job")
      .set({ status: "done", finishedAt: clock.now(), lockedBy: null, lockedUntil: null, lastError: null })
      .where("id", "in", ids)
      .where("lockedBy", "=", workerId)
      .execute();
  }

  /** Puts a claimed job that was never started back in the queue (stopping), as if it had not been claimed. */
  async function release(job: Claimed) {
    await db.updateTable("Job").set((eb) => ({ status: "queued", lockedBy: null, lockedUntil: null, attempts: eb("attempts", "-", 1) })).where("id", "=", job.id).execute();
  }

  /**
   * Claims a batch, then runs its jobs up to `concurrency` at a time; a lane that frees up while the batch
   * is not yet all started takes the next claimed job, and once every claimed job has started, free lanes
   * claim again. With a concurrency of 1 this is one batch after another, one job after another.
   */
  async function work() {
    const inFlight = new Set<Promise<void>>();
    /** finished jobs not yet marked done; one that shares commits, with the write group's losses when it started */
    const done: { job: Claimed; losses: number | null }[] = [];
    let pending: Claimed[] = [];
    let lastClaimFull = false;
    const flushDone = async () => {
      const batch = done.splice(0);
      if (!batch.length) return;
      try {
        // the group these jobs wrote in is committed before they are marked done; if a group was lost since one
        // of them started, its writes may be gone: it is a failed attempt, and runs again
        await group?.settle();
        const lost = group?.losses() ?? 0;
        const kept = batch.filter((d) => d.losses === null || d.losses === lost);
        await markDone(kept.map((d) => d.job.id));
        for (const d of batch) {
          if (kept.includes(d)) continue;
          const error = new Error("its writes were rolled back before they were committed (the database failed under them); it runs again");
          await recordFailure(d.job, error, payloadOf(d.job), definitions.get(d.job.name));
        }
      } catch (error) {
        logger.error({ err: String(error) }, "marking jobs done failed");
      }
    };
    const launch = (job: Claimed) => {
      const task = (async () => {
        try {
          const losses = group && definitions.get(job.name)?.sharesCommits ? group.losses() : null;
          if (await runOne(job)) done.push({ job, losses });
        } catch (error) {
          // runOne records a handler's failure itself; this is the database failing under it (the lease expires
          // and the job runs again)
          logger.error({ err: String(error), job: job.id }, "recording a job's outcome failed");
        }
        // better-sqlite3 answers synchronously, so awaits alone never let I/O in: yield to the event loop
        // between jobs, or a batch would hold back the web requests that share this thread
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (done.length >= 25) await flushDone();
      })().finally(() => {
        inFlight.delete(task);
        // a lane is free: if the loop is waiting for work, let it record this one and claim more
        wake();
      });
      inFlight.add(task);
    };
    while (running) {
      if (!pending.length && inFlight.size < concurrency) {
        if (done.length) await flushDone();
        try {
          if (recurring.length) await scheduleRecurring();
          pending = await claim(batchSize);
        } catch (error) {
          pending = [];
          logger.error({ err: String(error) }, "claiming jobs failed");
        }
        lastClaimFull = pending.length === batchSize;
      }
      while (running && pending.length && inFlight.size < concurrency) launch(pending.shift()!);
      if (!running) break;
      if (pending.length || inFlight.size >= concurrency) {
        // every lane is busy: wait for one to free up
        await Promise.race(inFlight);
        continue;
      }
      // a free lane and nothing claimed in hand: a full batch means more are due, otherwise wait a little
      if (lastClaimFull) continue;
      await flushDone();
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, pollIntervalMs);
      });
      wakeUp = null;
      if (timer) clearTimeout(timer);
    }
    // stopping: a job claimed but not started goes back to the queue; the jobs in hand finish
    for (const job of pending) await release(job);
    await Promise.all(inFlight);
    await flushDone();
  }

  async function dueCount(): Promise<number> {
    const now = clock.now();
    const row = await db
      .selectFrom("Job")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "=", "queued"), eb("runAt", "<=", now)]),
          eb("status", "=", "running"),
        ]),
      )
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  return {
    wake,
    async enqueueOnce(job: JobRequest) {
      const now = clock.now();
      const waiting = await db.selectFrom("Job").select("id").where("name", "=", job.name).where("status", "=", "queued").limit(1).executeTakeFirst();
      if (waiting) return;
      await db
        .insertInto("Job")
        .values({ shop: job.shop, name: job.name, payload: JSON.stringify(job.payload ?? null), status: "queued", runAt: job.runAt ?? now, maxAttempts: job.maxAttempts ?? 8, createdAt: now })
        .execute();
      wake();
    },
    async enqueue(job: JobRequest) {
      const now = clock.now();
      await db
        .insertInto("Job")
        .values({
          shop: job.shop,
          name: job.name,
          payload: JSON.stringify(job.payload ?? null),
          status: "queued",
          runAt: job.runAt ?? now,
          maxAttempts: job.maxAttempts ?? 8,
          createdAt: now,
        })
        .execute();
      wake();
    },
    start(defs, startOptions) {
      definitions = new Map(defs.map((d) => [d.name, d]));
      recurring = (startOptions?.recurring ?? []).map((job) => ({ job, nextAt: 0 }));
      if (running) return;
      running = true;
      loop = work();
    },
    async stop() {
      running = false;
      wake();
      await loop;
      loop = null;
    },
    async idle(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      // two quiet reads in a row: a job in hand can enqueue another
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs} ms`);
        if ((await dueCount()) === 0) quiet += 1;
        else {
          quiet = 0;
          wake();
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async depth(): Promise<QueueDepth> {
      const now = clock.now();
      // one status at a time, so each count is a range of the (status, runAt) index, never a pass over the done jobs
      const count = async (status: string) =>
        Number((await db.selectFrom("Job").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", status).executeTakeFirstOrThrow()).n);
      const due = await db
        .selectFrom("Job")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("runAt").as("oldest")])
        .where("status", "=", "queued")
        .where("runAt", "<=", now)
        .executeTakeFirstOrThrow();
      return { queued: await count("queued"), due: Number(due.n), running: await count("running"), parked: await count("failed"), oldestDueAt: due.oldest === null ? null : Number(due.oldest) };
    },
    async counts(shop?: string): Promise<QueueCounts> {
      let query = db.selectFrom("Job").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("status");
      if (shop) query = query.where("shop", "=", shop);
      const rows = await query.execute();
      const counts: QueueCounts = { queued: 0, running: 0, failed: 0, done: 0 };
      for (const r of rows) if (r.status in counts) counts[r.status as keyof QueueCounts] = Number(r.n);
      return counts;
    },
    async listParked({ shop, limit = 100 } = {}): Promise<ParkedJob[]> {
      let query = db.selectFrom("Job").selectAll().where("status", "=", "failed").orderBy("id", "desc").limit(limit);
      if (shop) query = query.where("shop", "=", shop);
      return (await query.execute()).map((j) => ({
        id: String(j.id),
        shop: j.shop,
        name: j.name,
        payload: JSON.parse(j.payload) as unknown,
        attempts: j.attempts,
        lastError: j.lastError,
        finishedAt: j.finishedAt,
      }));
    },
    async replay({ shop, ids }) {
      let query = db
        .updateTable("Job")
        .set({ status: "queued", attempts: 0, runAt: clock.now(), finishedAt: null })
        .where("status", "=", "failed");
      if (shop) query = query.where("shop", "=", shop);
      if (ids) query = query.where("id", "in", ids.map(Number).filter(Number.isInteger));
      const result = await query.executeTakeFirst();
      wake();
      return Number(result.numUpdatedRows);
    },
    async purgeShop(shop) {
      await db.deleteFrom("Job").where("shop", "=", shop).execute();
    },
  };
}

/** Round robin between shops, each shop's jobs in the order given: A1 B1 C1 A2 B2 A3 … */
function alternateShops<T extends { shop: string }>(jobs: readonly T[]): T[] {
  const byShop = new Map<string, T[]>();
  for (const job of jobs) byShop.set(job.shop, [...(byShop.get(job.shop) ?? []), job]);
  const lanes = [...byShop.values()];
  const out: T[] = [];
  for (let i = 0; out.length < jobs.length; i++) for (const lane of lanes) if (i < lane.length) out.push(lane[i]!);
  return out;
}

function payloadOf(job: { payload: string }): unknown {
  try {
    return JSON.parse(job.payload);
  } catch {
    return null;
  }
}

function describe(error: Error): string {
  return (error.message || error.name).slice(0, 2_000);
}
