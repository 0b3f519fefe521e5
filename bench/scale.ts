import { randomBytes, randomUUID } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { sql } from "kysely";
import pg from "pg";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { createContainer, POSTGRES_SWEEP } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { ROLLED_UP, ROLLED_UP_STATUS_SHIFT } from "~/.server/ports";
import { SHIPMENT_STATUSES } from "~/domain/status";
import { LOCAL_SHOPIFY_ENV, loadConfigForTools } from "../scripts/tool-config";
import { postWebhook } from "../scripts/demo/stack";
import { simulateStore } from "../scripts/demo/simulated-store";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { countWrong } from "./pipeline";
import { emit, ensureBuild, isBuilt, percentile, productionArgs, tempDir } from "./support";

/**
 * scale: the scale-out deployment on this machine, against the embedded default, the same stream each time.
 * - sqlite: `npm start` alone (SQLite, jobs in a worker thread of the web process);
 * - pg1, pg2: `npm start` with PostgreSQL and REDIS_URL (it only ingests: each delivery and its job row are committed
 *   together, the job row an outbox) and one, then two `npm run worker` processes (relay the outbox into BullMQ, work it).
 * The stream is a simulated store's signed webhooks (orders, fulfillments, carrier events, out of order, some twice),
 * POSTed over HTTP by CONNECTIONS senders at once, as fast as the web process answers. Each phase gets a fresh database.
 * Figures per phase: deliveries per second to the final state (first receipt → last delivery processed, from the
 * database's own timestamps), p95 lag receipt → processed (the transaction that updates the shipment; the stream
 * arrives faster than it is worked, so this is mostly the wait in the backlog), the shipments left in a wrong state,
 * where the CPU went (the app's processes, the database's backends, Redis, the whole machine) and what the database's
 * backends waited on; from those, the bottleneck (bottleneckOf). Then the silence sweep on PostgreSQL among
 * SCALE_SWEEP_SHIPMENTS (1,000,000) active shipments, seeded with SQL.
 *
 * SCALE_DELIVERIES (default 3,000: about 5 minutes in all on 2 cores shared with other work) sets the stream's size; SCALE_SWEEP_SHIPMENTS
 * the sweep's; SCALE_ROUNDS (default 2) how often each setup is run.
 */
const CONNECTIONS = 8;
/** due shipments one sweep job takes on PostgreSQL (container.ts) */
const SWEEP_JOB_LIMIT = POSTGRES_SWEEP.batch * POSTGRES_SWEEP.concurrency;
const REDIS_URL = "redis://127.0.0.1:6379/12";
const PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
/** deliveries per shipment in the simulated store, about (orders, fulfillments, updates and events) */
const DELIVERIES_PER_SHIPMENT = 19.5;
const TICKS_PER_SECOND = 100; // Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times

export async function scaleBenchmark(options: { deliveries?: number; sweepShipments?: number } = {}) {
  const wanted = options.deliveries ?? Number(process.env.SCALE_DELIVERIES ?? 3_000);
  const sweepShipments = options.sweepShipments ?? Number(process.env.SCALE_SWEEP_SHIPMENTS ?? 1_000_000);
  ensureBuild();
  const store = simulateStore({ seed: 23, shipments: Math.max(10, Math.round(wanted / DELIVERIES_PER_SHIPMENT)), shop: PREVIEW_SHOP, end: new Date() });
  const unique = new Set(store.deliveries.map((d) => d.webhookId)).size;
  // other programs share this machine: each setup runs SCALE_ROUNDS times, interleaved, and its best round counts
  const rounds = Math.max(1, Number(process.env.SCALE_ROUNDS ?? 2));
  const runs: Record<"sqlite" | "pg1" | "pg2", Awaited<ReturnType<typeof streamPhase>>[]> = { sqlite: [], pg1: [], pg2: [] };
  for (let round = 0; round < rounds; round++) {
    runs.sqlite.push(await streamPhase("sqlite", 0, store));
    runs.pg1.push(await streamPhase("postgres", 1, store));
    runs.pg2.push(await streamPhase("postgres", 2, store));
  }
  const best = (list: Awaited<ReturnType<typeof streamPhase>>[]) => ({
    ...list.reduce((a, b) => (b.deliveriesPerSecond > a.deliveriesPerSecond ? b : a)),
    rounds: list.map((r) => r.deliveriesPerSecond),
  });
  const [sqlite, pg1, pg2] = [best(runs.sqlite), best(runs.pg1), best(runs.pg2)];
  const sweep = await sweepOnPostgres(sweepShipments);
  const ratio = Number((pg2.deliveriesPerSecond / pg1.deliveriesPerSecond).toFixed(3));
  // like for like: one process working the jobs on each side (the worker thread of `npm start`, one `npm run worker`)
  const postgresVsSqlite = Number((pg1.deliveriesPerSecond / sqlite.deliveriesPerSecond).toFixed(3));
  const line = {
    bench: "scale",
    sent: store.deliveries.length,
    uniqueWebhookIds: unique,
    shipments: store.intended.length,
    cpus: os.cpus().length,
    sqlite,
    pg1,
    pg2,
    sweep,
    ratio,
    ratioMeaning: "deliveries/s to the final state, two workers / one (PostgreSQL + Redis)",
    postgresVsSqlite,
    postgresVsSqliteMeaning: "deliveries/s, PostgreSQL + Redis + one worker / SQLite embedded (one process)",
    bottleneck: pg2.bottleneck,
    // The targets: scaling out must not make it slower (two workers ≥ one), every shipment ends right, and
    // the sweep on PostgreSQL stays within the SQLite sweep's target (≤ 2 s for 10,000 due among 1,000,000 active).
    target: { ratio: 1, sweepMs: 2000, wrongShipments: 0 },
    pass: ratio >= 1 && sweep.ms <= 2000 && sweep.stillDueAfter === 0 && sweep.casesOpened === Math.ceil(sweep.due / 2) && [...runs.sqlite, ...runs.pg1, ...runs.pg2].every((p) => p.wrongShipments === 0 && p.processed === p.stored && p.ingest.non2xx === 0),
  };
  emit(line);
  return line;
}

type Store = ReturnType<typeof simulateStore>;

/** What a phase must undo even when it fails: processes, its database, Redis DB 12, its temp folder. Last added runs first. */
class Cleanup {
  /** the phases running: a bench stopped by a signal (Ctrl-C, a timeout) still undoes what they made */
  static readonly active = new Set<Cleanup>();
  private readonly steps: (() => Promise<unknown>)[] = [];
  constructor() {
    Cleanup.active.add(this);
    if (Cleanup.active.size === 1 && !process.listenerCount("SIGINT")) {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
          void Promise.all([...Cleanup.active].map((c) => c.run())).finally(() => process.exit(130));
        });
      }
    }
  }
  add(step: () => Promise<unknown>) {
    this.steps.push(step);
  }
  async run() {
    Cleanup.active.delete(this);
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`scale bench cleanup: ${String(error)}\n`);
      }
    }
  }
}

async function pgAdmin(statement: string) {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function freshPostgres(cleanup: Cleanup): Promise<{ name: string; url: string }> {
  const name = `bench_scale_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await pgAdmin(`CREATE DATABASE ${name}`);
  cleanup.add(() => pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { name, url: `postgresql://postgres@127.0.0.1:5432/${name}` };
}

async function flushRedis() {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

interface Proc {
  child: ChildProcess;
  name: string;
  stderr: () => string;
}

/** A Shipwatch process of this checkout; resolves once `ready` says so. Killed by the cleanup if still running. */
/** `npm start` (`main`) or `npm run worker` (`worker`), as the scripts run them: compiled, with the same flags */
async function startProc(name: string, script: "main" | "worker", env: Record<string, string>, ready: (proc: Proc, stdout: () => string) => Promise<boolean>, cleanup: Cleanup): Promise<Proc> {
  const child = spawn(process.execPath, productionArgs(script), { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  // keep only the tail: a worker logs little, but a failing one may log much
  child.stdout!.on("data", (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr!.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-20_000)));
  const proc = { child, name, stderr: () => err };
  cleanup.add(() => stopProc(proc));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${err.slice(-2000)}`);
    if (await ready(proc, () => out)) return proc;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} was not ready within 60 s: ${err.slice(-2000)}`);
}

async function stopProc(proc: Proc) {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 35_000);
  await exited;
  clearTimeout(timer);
}

/** The production server loads build/: if someone is rebuilding it right now, wait (2 minutes at most) rather than fail. */
async function buildInPlace() {
  for (const deadline = Date.now() + 120_000; !isBuilt(); ) {
    if (Date.now() > deadline) throw new Error("build/server/index.js or build/runtime/ is missing: npm run build");
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** a TCP port nothing listens on right now (the OS picks it) */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const answers = (port: number) => async () => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  } catch {
    return false;
  }
};

/** CPU seconds a process has used so far (user + system), or null once it is gone */
function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** the whole machine's busy and total CPU time so far, from /proc/stat */
function machineCpu(): { busy: number; total: number } {
  const [, ...values] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
  const n = values.map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const value = (key: string) => Number(new RegExp(`^${key}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
  return value("used_cpu_user") + value("used_cpu_sys");
}

/**
 * Samples, while a phase runs, what its CPU goes to and how busy the database is: the app's processes, the
 * PostgreSQL backends serving the phase's database (a backend's CPU is read until it goes; the pool keeps them open),
 * Redis, the machine; and how many of the database's backends are running a query, and on what they wait.
 */
class Meter {
  private readonly appStart = new Map<number, number>();
  private readonly appLast = new Map<number, number>();
  private readonly backends = new Map<number, number>();
  private readonly machineStart = machineCpu();
  private readonly started = performance.now();
  private redisStart = 0;
  private samples = 0;
  private activeSum = 0;
  private readonly waits: Record<string, number> = {};

  constructor(
    private readonly pids: number[],
    private readonly pgDatabase: string | null,
    private readonly redis: Redis | null,
  ) {
    for (const pid of pids) this.appStart.set(pid, cpuSecondsOf(pid) ?? 0);
  }

  private commitsStart = 0;

  async begin(admin: pg.Client | null) {
    if (this.redis) this.redisStart = await redisCpuSeconds(this.redis);
    if (admin && this.pgDatabase) this.commitsStart = await commitsOf(admin, this.pgDatabase);
  }

  async sample(admin: pg.Client | null) {
    for (const pid of this.pids) {
      const s = cpuSecondsOf(pid);
      if (s !== null) this.appLast.set(pid, s);
    }
    if (!admin || !this.pgDatabase) return;
    const { rows } = await admin.query<{ pid: number; state: string | null; wait_event_type: string | null; wait_event: string | null }>(
      `SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [this.pgDatabase],
    );
    this.samples += 1;
    for (const row of rows) {
      const s = cpuSecondsOf(row.pid);
      if (s !== null) this.backends.set(row.pid, s);
      if (row.state !== "active") continue;
      this.activeSum += 1;
      // no wait event: running on a CPU
      const wait = row.wait_event_type ? `${row.wait_event_type}:${row.wait_event}` : "CPU";
      this.waits[wait] = (this.waits[wait] ?? 0) + 1;
    }
  }

  async finish(admin: pg.Client | null, deliveries: number) {
    const commits = admin && this.pgDatabase ? (await commitsOf(admin, this.pgDatabase)) - this.commitsStart : null;
    const wall = (performance.now() - this.started) / 1000;
    const machine = machineCpu();
    const appCpu = [...this.appLast].reduce((sum, [pid, s]) => sum + s - (this.appStart.get(pid) ?? 0), 0);
    const databaseCpu = [...this.backends.values()].reduce((a, b) => a + b, 0);
    const redisCpu = this.redis ? (await redisCpuSeconds(this.redis)) - this.redisStart : 0;
    const cores = os.cpus().length;
    const round = (n: number) => Number(n.toFixed(2));
    return {
      wallSeconds: round(wall),
      // CPU seconds per wall second: 1.0 is one core kept busy
      appCores: round(appCpu / wall),
      databaseCores: round(databaseCpu / wall),
      redisCores: round(redisCpu / wall),
      /** the machine, other programs included (other benchmarks and tests may run beside this one) */
      machineBusy: round((machine.busy - this.machineStart.busy) / Math.max(1e-9, machine.total - this.machineStart.total)),
      cores,
      /** database backends running a query, on average over the samples */
      databaseActive: this.samples ? round(this.activeSum / this.samples) : null,
      /** transactions committed in the phase's database per delivery stored (read-only ones and this benchmark's polling included) */
      commitsPerDelivery: commits === null ? null : round(commits / Math.max(1, deliveries)),
      databaseWaits: this.pgDatabase ? Object.fromEntries(Object.entries(this.waits).map(([k, v]) => [k, round(v / Math.max(1, this.samples))])) : null,
    };
  }
}

/** transactions committed in a database so far (pg_stat_database, as the statistics collector last reported) */
async function commitsOf(admin: pg.Client, database: string): Promise<number> {
  // the statistics are a snapshot per transaction: read them fresh
  await admin.query("SELECT pg_stat_clear_snapshot()");
  const { rows } = await admin.query<{ n: string }>("SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1", [database]);
  return Number(rows[0]?.n ?? 0);
}

type Usage = Awaited<ReturnType<Meter["finish"]>>;

/**
 * The bottleneck, from the measurements, in this order:
 * - the database, when on average at least one of its backends was waiting inside it (Lock, LWLock or IO wait
 *   events: a commit waiting for the WAL flush, a row or advisory lock) rather than running: more workers only queue
 *   up there;
 * - the CPU, when the machine's cores were busy nearly all the time (a second worker has no core to run on; `why`
 *   says how much of it this benchmark's processes took and how much other programs did);
 * - the queue, when Redis took most of a core;
 * - else the CPU of the app's own processes (a worker is one thread).
 */
function bottleneckOf(usage: Usage): { name: "cpu" | "database" | "queue"; why: string } {
  const waits = Object.entries(usage.databaseWaits ?? {}).filter(([wait]) => /^(Lock|LWLock|IO):/.test(wait));
  const waiting = waits.reduce((sum, [, n]) => sum + n, 0);
  const ours = usage.appCores + usage.databaseCores + usage.redisCores;
  const others = Math.max(0, usage.machineBusy * usage.cores - ours);
  const cpu = `machine ${Math.round(usage.machineBusy * 100)}% busy on ${usage.cores} cores: app ${usage.appCores}, database ${usage.databaseCores}, redis ${usage.redisCores}, other programs ${others.toFixed(2)} cores`;
  if (waiting >= 1) {
    const top = waits
      .sort((x, y) => y[1] - x[1])
      .slice(0, 3)
      .map(([wait, n]) => `${wait} ${n}`)
      .join(", ");
    return { name: "database", why: `${waiting.toFixed(2)} of ${usage.databaseActive} active backends waiting on average (${top}); ${usage.commitsPerDelivery ?? "?"} commits per delivery; ${cpu}` };
  }
  if (usage.machineBusy >= 0.9) return { name: "cpu", why: cpu };
  if (usage.redisCores >= 0.75) return { name: "queue", why: `redis used ${usage.redisCores} cores; ${cpu}` };
  return { name: "cpu", why: `the app's processes used ${usage.appCores} cores; ${cpu}` };
}

/** POSTs every delivery, signed, CONNECTIONS at a time, as fast as the web process answers. */
async function sendStream(port: number, store: Store) {
  let next = 0;
  let failed = 0;
  const statuses: Record<number, number> = {};
  const started = performance.now();
  const sender = async () => {
    for (;;) {
      const i = next++;
      if (i >= store.deliveries.length) return;
      // signed with the local app secret, as the demo sends its month; null: nothing answered
      const status = await postWebhook(`http://127.0.0.1:${port}`, store.deliveries[i]!, PREVIEW_SHOP);
      if (status === null || status < 200 || status >= 300) {
        failed += 1;
        statuses[status ?? 0] = (statuses[status ?? 0] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, sender));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, failed, statuses, perSecond: Math.round(store.deliveries.length / seconds) };
}

/**
 * Waits for the final state: every stored delivery worked (none left `received`; a 200 means stored, and the stream
 * has been sent) and every shipment as the store intends. Gives up after 5 minutes, or 30 s after the deliveries
 * are all worked with shipments still wrong.
 */
async function untilFinal(database: Database, store: Store, meter: Meter, admin: pg.Client | null, label: string) {
  const deadline = Date.now() + 5 * 60_000;
  let workedAt: number | null = null;
  let wrong = -1;
  let said = 0;
  while (Date.now() < deadline && (workedAt === null || Date.now() - workedAt < 30_000)) {
    await meter.sample(admin);
    const row = await database.db
      .selectFrom("WebhookDelivery")
      .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.sum<number>(sql<number>`CASE WHEN "status" = 'received' THEN 1 ELSE 0 END`).as("pending")])
      .executeTakeFirstOrThrow();
    if (Date.now() - said > 10_000) {
      said = Date.now();
      process.stderr.write(`scale ${label}: ${Number(row.pending)} of ${Number(row.n)} deliveries still to work\n`);
    }
    if (Number(row.pending) === 0) {
      workedAt ??= Date.now();
      wrong = await countWrong(database.db, store.intended);
      if (wrong === 0) return wrong;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return wrong === -1 ? await countWrong(database.db, store.intended) : wrong;
}

async function streamPhase(dialect: "sqlite" | "postgres", workers: number, store: Store) {
  const local = new Cleanup();
  try {
    const dir = tempDir("scale");
    local.add(async () => fs.rmSync(dir, { recursive: true, force: true }));
    const pgDb = dialect === "postgres" ? await freshPostgres(local) : null;
    const databaseUrl = pgDb ? pgDb.url : `file:${path.join(dir, "scale.sqlite")}`;
    const seeder = await createContainer(loadConfigForTools({ DATABASE_URL: databaseUrl, REDIS_URL: undefined }), { migrate: true, logger: createLogger("silent") });
    await seeder.installLocally(PREVIEW_SHOP);
    await seeder.close();

    const redis = pgDb ? new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }) : null;
    if (redis) {
      local.add(async () => redis.disconnect());
      await flushRedis();
      local.add(flushRedis);
    }
    const port = await freePort();
    const env: Record<string, string> = {
      ...LOCAL_SHOPIFY_ENV,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "info",
      // one key for every process: they read each other's encrypted settings
      SHIPWATCH_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ...(pgDb ? { REDIS_URL } : {}),
    };
    await buildInPlace();
    const web = await startProc("web", "main", env, answers(port), local);
    const procs = [web];
    for (let i = 0; i < workers; i++) {
      procs.push(await startProc(`worker ${i + 1}`, "worker", env, async (_p, out) => out().includes('"msg":"worker started"'), local));
    }

    const database = openDatabase(pgDb ? { dialect: "postgres", url: databaseUrl } : { dialect: "sqlite", path: databaseUrl.slice("file:".length) });
    local.add(() => database.close());
    const admin = pgDb ? new pg.Client({ connectionString: PG_ADMIN_URL }) : null;
    if (admin) {
      await admin.connect();
      local.add(() => admin.end());
    }
    const meter = new Meter(
      procs.map((p) => p.child.pid!),
      pgDb?.name ?? null,
      redis,
    );
    await meter.begin(admin);
    const sampling = setInterval(() => void meter.sample(admin).catch(() => undefined), 250);
    const sent = await sendStream(port, store);
    const label = dialect === "sqlite" ? "sqlite" : `pg${workers}`;
    process.stderr.write(`scale ${label}: ${store.deliveries.length} deliveries sent in ${sent.seconds.toFixed(1)} s (${sent.failed} not 2xx)\n`);
    const wrong = await untilFinal(database, store, meter, admin, label);
    clearInterval(sampling);
    const stored = await database.db.selectFrom("WebhookDelivery").select(["receivedAt", "processedAt"]).execute();
    const usage = await meter.finish(admin, stored.length);

    const rows = stored.filter((r) => r.processedAt !== null);
    const firstReceived = Math.min(...rows.map((r) => Number(r.receivedAt)));
    const lastProcessed = Math.max(...rows.map((r) => Number(r.processedAt)));
    const lags = rows.map((r) => Number(r.processedAt) - Number(r.receivedAt)).sort((a, b) => a - b);
    const seconds = (lastProcessed - firstReceived) / 1000;
    const crashed = procs.filter((p) => p.child.exitCode !== null).map((p) => `${p.name}: ${p.stderr().slice(-500)}`);
    return {
      setup: dialect === "sqlite" ? "npm start (SQLite, jobs in-process)" : `npm start + ${workers} × npm run worker (PostgreSQL, Redis)`,
      stored: stored.length,
      processed: rows.length,
      wrongShipments: wrong,
      deliveriesPerSecond: Math.round(rows.length / Math.max(0.001, seconds)),
      seconds: Number(seconds.toFixed(2)),
      ingest: { perSecond: sent.perSecond, seconds: Number(sent.seconds.toFixed(2)), non2xx: sent.failed, ...(sent.failed ? { statuses: sent.statuses } : {}), connections: CONNECTIONS },
      p50LagMs: percentile(lags, 50),
      p95LagMs: percentile(lags, 95),
      maxLagMs: lags.at(-1) ?? 0,
      usage,
      bottleneck: bottleneckOf(usage),
      ...(crashed.length ? { crashed } : {}),
    };
  } finally {
    await local.run();
  }
}

/** this process's CPU (ms), the CPU (s) of each backend serving `database`, and its commits so far */
async function sweepCpu(database: string) {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);
    const backends = new Map(rows.map((r) => [r.pid, cpuSecondsOf(r.pid) ?? 0]));
    const usage = process.cpuUsage();
    return { node: (usage.user + usage.system) / 1000, backends, commits: await commitsOf(admin, database) };
  } finally {
    await admin.end();
  }
}

/**
 * The silence sweep on PostgreSQL among `active` shipments in flight, every 100th due (as bench/sweep.ts on SQLite:
 * half silent for three days, a stalled case opens; half scanned hours ago, only their next check moves), seeded by
 * one INSERT … SELECT generate_series. Timed as the sweep bench times it (desk.sweep of all the due at once), then
 * as the worker runs it: another 10,000 made due, and the sweep job's use case (sweep.run, as many at a time as the
 * job takes on PostgreSQL, with its housekeeping) until a batch comes back short.
 */
async function sweepOnPostgres(active: number) {
  const local = new Cleanup();
  try {
    const pgDb = await freshPostgres(local);
    const config = loadConfigForTools({ DATABASE_URL: pgDb.url, REDIS_URL: undefined, SILENCE_GRACE_MINUTES: "0" });
    const container = await createContainer(config, { migrate: true, logger: createLogger("silent") });
    local.add(() => container.close());
    const now = Date.parse("2026-11-25T17:00:00Z"); // a Wednesday
    const hour = 3_600_000;
    const shopCount = 100;
    const dueCount = Math.max(1, Math.floor(active / 100));
    const every = Math.floor(active / dueCount);
    const rolledUp = ROLLED_UP.shipped | ((SHIPMENT_STATUSES.indexOf("in_transit") + 1) << ROLLED_UP_STATUS_SHIFT);
    const firstEstimate = JSON.stringify({ earliest: "2026-11-26", latest: "2026-11-28", source: "learned" });
    const started = performance.now();
    // i from 0: due when i % every = 0; silent when due and (i / every) is even
    await sql
      .raw(
        `INSERT INTO "Shipment" ("shop","shipmentKey","fulfillmentId","orderId","orderName","trackingNumber","carrierCode","carrierName","carrierSource","status","lastEventAt","lastCarrierScanAt","firstCarrierScanAt","shippedAt","nextCheckAt","createdAt","updatedAt","rolledUp","firstEstimate")
         SELECT 'bench-' || (i % ${shopCount}) || '.myshopify.com', '1ZBENCH' || lpad(i::text, 10, '0'), 'f' || i, 'o' || i, '#' || (100000 + i), '1ZBENCH' || i, 'ups', 'UPS', 'named', 'in_transit',
                s.last, s.last, s.last - ${24 * hour}, s.last - ${30 * hour},
                CASE WHEN i % ${every} = 0 THEN ${now - 60_000}::bigint ELSE ${now}::bigint + (1 + i % 47) * ${hour}::bigint END,
                ${now - 96 * hour}, ${now - 96 * hour}, ${rolledUp}, '${firstEstimate}'
         FROM generate_series(0, ${active - 1}) AS i,
              LATERAL (SELECT CASE WHEN i % ${every} = 0 AND (i / ${every}) % 2 = 0 THEN ${now - 72 * hour}::bigint ELSE ${now}::bigint - (2 + i % 20) * ${hour}::bigint END AS last) AS s`,
      )
      .execute(container.database.db);
    await sql.raw(`ANALYZE "Shipment"`).execute(container.database.db);
    const setupSeconds = (performance.now() - started) / 1000;

    const shops = Array.from({ length: shopCount }, (_, i) => `bench-${i}.myshopify.com`);
    for (const shop of shops) await container.services.profile.get(shop);
    const count = async (where: string) =>
      Number((await sql.raw<{ n: string }>(`SELECT count(*) AS n FROM ${where}`).execute(container.database.db)).rows[0]!.n);
    // the container's clock is the system clock: hold it at `now` through Date.now
    const realNow = Date.now;
    Date.now = () => now;
    let ms: number;
    let workerMs: number;
    let batches = 0;
    let workerEvaluated = 0;
    let usage: { nodeCpuMs: number; databaseCpuMs: number; transactions: number };
    try {
      let t = performance.now();
      const before = await sweepCpu(pgDb.name);
      const { evaluated } = await container.services.desk.sweep(dueCount);
      ms = performance.now() - t;
      const after = await sweepCpu(pgDb.name);
      usage = {
        nodeCpuMs: Math.round(after.node - before.node),
        databaseCpuMs: Math.round([...after.backends].reduce((sum, [pid, cpu]) => sum + cpu - (before.backends.get(pid) ?? 0), 0) * 1000),
        transactions: after.commits - before.commits,
      };
      if (evaluated !== dueCount) throw new Error(`swept ${evaluated}, expected ${dueCount}`);
      // as the worker runs it: another set due (offset half a stride: none of them swept above)
      await sql.raw(`UPDATE "Shipment" SET "nextCheckAt" = ${now - 60_000} WHERE "id" % ${every} = ${Math.floor(every / 2)}`).execute(container.database.db);
      t = performance.now();
      for (;;) {
        const { evaluated: n } = await container.services.sweep.run(SWEEP_JOB_LIMIT);
        batches += 1;
        workerEvaluated += n;
        if (n < SWEEP_JOB_LIMIT) break;
      }
      workerMs = performance.now() - t;
    } finally {
      Date.now = realNow;
    }
    const line = {
      active,
      due: dueCount,
      setupSeconds: Number(setupSeconds.toFixed(1)),
      ms: Math.round(ms),
      /** where the timed sweep's time went: this process's CPU (the app's code), its database backends' CPU, transactions */
      usage,
      // what the rest of the wall time is: waiting on the database's answers (round trips, commits) or on a busy machine
      waitingMs: Math.max(0, Math.round(ms - usage.nodeCpuMs - usage.databaseCpuMs)),
      // two batches at once (POSTGRES_SWEEP): the app's CPU on one and the database's on the other overlap, so their
      // sum can pass the wall time; what is left is the wait between them
      bottleneck:
        usage.nodeCpuMs + usage.databaseCpuMs >= 0.7 * ms
          ? `cpu: app ${usage.nodeCpuMs} ms and database ${usage.databaseCpuMs} ms in ${Math.round(ms)} ms, ${POSTGRES_SWEEP.concurrency} batches at once`
          : `database round trips: ${usage.transactions} transactions, ${Math.round(ms - usage.nodeCpuMs - usage.databaseCpuMs)} ms of ${Math.round(ms)} ms waiting`,
      casesOpened: await count(`"ExceptionCase" WHERE "type" = 'stalled'`),
      asWorker: { ms: Math.round(workerMs), evaluated: workerEvaluated, batches, note: `sweep.run(${SWEEP_JOB_LIMIT}) until a short batch, as the sweep job does on PostgreSQL` },
      stillDueAfter: await count(`"Shipment" WHERE "nextCheckAt" <= ${now}`),
    };
    return line;
  } finally {
    await local.run();
  }
}
