import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import pg from "pg";
import { fixedClock } from "~/domain/clock";
import { freePort, spawnWorkerProcess, type AppProcess } from "../../support/app-process";
import { freshPostgresDatabase } from "../../support/postgres";
import { startTestApp, type TestApp } from "../../support/test-app";

/**
 * The scaled topology of the fault tests: a PostgreSQL database of the test's own (dropped after), a private
 * `redis-server` on a free port (killed after: the shared Redis is never touched), the test app as the web side
 * (its webhook ingest stores deliveries and their jobs in PostgreSQL; its own worker is off) and real
 * `npm run worker` processes (server/worker.ts) that relay the jobs into BullMQ and work them.
 */

/** a redis-server of the test's own, without persistence: a restart loses every job, as a real one configured so would */
export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILLs it and waits for it to be gone */
  kill(): Promise<void>;
  /** starts it again, empty, on the same port; resolves once it answers PING */
  start(): Promise<void>;
  running(): boolean;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let server: ChildProcess | null = null;
  const redis: PrivateRedis = {
    port,
    running: () => server !== null,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const s = server;
      server = null;
      if (!s || s.exitCode !== null || s.signalCode !== null) return;
      const gone = new Promise((resolve) => s.once("exit", resolve));
      s.kill("SIGKILL");
      await gone;
    },
    async start() {
      server = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: "ignore" });
      const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on("error", () => undefined);
      try {
        for (const deadline = Date.now() + 15_000; ; ) {
          const answered = await probe.connect().then(
            () => probe.ping().then(() => true),
            () => false,
          );
          if (answered) return;
          if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer`);
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        probe.disconnect();
      }
    },
  };
  await redis.start();
  return redis;
}

export async function waitFor(condition: () => Promise<boolean>, what: string | (() => Promise<string>), timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : await what()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ScaledTopology {
  databaseUrl: string;
  redis: PrivateRedis;
  /** the web side: its ingest writes to PostgreSQL; no worker of its own */
  app: TestApp;
  workers: AppProcess[];
  spawnWorker(env?: Record<string, string>): Promise<AppProcess>;
  /** a direct connection to the test's database (locks, pg_terminate_backend) */
  sql(text: string, values?: unknown[]): Promise<pg.QueryResult>;
  close(): Promise<void>;
}

/**
 * Starts the topology. The app's clock is the system clock held in a fixed-clock shape (its ingest stamps
 * deliveries with real times, as the workers' clocks are real).
 */
export async function startScaledTopology(prefix: string, options: { appEnv?: Record<string, string>; workerEnv?: Record<string, string> } = {}): Promise<ScaledTopology> {
  const database = await freshPostgresDatabase(prefix);
  const redis = await startPrivateRedis();
  const clock = fixedClock(Date.now());
  const moving = Object.assign(clock, { now: () => Date.now() });
  let app: TestApp;
  try {
    app = await startTestApp({ worker: false, clock: moving, env: { DATABASE_URL: database.url, REDIS_URL: redis.url, ...options.appEnv } });
  } catch (error) {
    await redis.kill();
    await database.drop();
    throw error;
  }
  const admin = new pg.Pool({ connectionString: database.url, max: 2 });
  // a test that ends every connection to the database ends this pool's idle ones too: the pool opens others
  admin.on("error", () => undefined);
  const workers: AppProcess[] = [];
  return {
    databaseUrl: database.url,
    redis,
    app,
    workers,
    async spawnWorker(env = {}) {
      const worker = spawnWorkerProcess({
        DATABASE_URL: database.url,
        REDIS_URL: redis.url,
        WORKER_CONCURRENCY: "4",
        SWEEP_INTERVAL_SECONDS: "3600",
        SILENCE_GRACE_MINUTES: "0",
        // a SIGKILLed worker's jobs go again after this (BullMQ's lock and stall check)
        JOB_LEASE_SECONDS: "2",
        // a Redis restart or dropped database connections are waited out, never a reason to exit here
        WORKER_UNREACHABLE_EXIT_SECONDS: "300",
        ...options.workerEnv,
        ...env,
      });
      workers.push(worker);
      await worker.waitForLog("worker started", 60_000);
      return worker;
    },
    sql: (text, values) => admin.query(text, values),
    async close() {
      for (const w of workers) w.kill();
      await Promise.all(workers.map((w) => w.exited));
      // the app's BullMQ connection quits cleanly only while Redis answers
      if (!redis.running()) await redis.start().catch(() => undefined);
      await app.close().catch(() => undefined);
      await redis.kill();
      await admin.end();
      await database.drop();
    },
  };
}

/** rows of `table` that share `columns` with another row (the database's own view of "stored twice") */
export async function duplicates(topology: ScaledTopology, table: string, columns: string[]): Promise<number> {
  const cols = columns.map((c) => `"${c}"`).join(", ");
  const { rows } = await topology.sql(`SELECT count(*)::int AS n FROM (SELECT ${cols} FROM "${table}" GROUP BY ${cols} HAVING count(*) > 1) d`);
  return (rows[0] as { n: number }).n;
}

export async function count(topology: ScaledTopology, table: string, where = "true", values: unknown[] = []): Promise<number> {
  const { rows } = await topology.sql(`SELECT count(*)::int AS n FROM "${table}" WHERE ${where}`, values);
  return (rows[0] as { n: number }).n;
}
