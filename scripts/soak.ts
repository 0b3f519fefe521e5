import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { openDatabase } from "~/.server/adapters/db/database";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { signAppProxy } from "~/.server/shopify/signatures";
import { percentile, startProcess, stopProcess } from "../bench/support";
import { launchChromium } from "../test/browser/support";
import { postWebhook } from "./demo/stack";
import { simulateStore, type SimulatedDelivery } from "./demo/simulated-store";
import { LOCAL_SHOPIFY_ENV, loadConfigForTools } from "./tool-config";
import { createDeliveryCursor } from "./soak-cursor";

/**
 * `npm run soak`: the production server fed for a long while at a steady rate of signed webhooks, with storefront
 * lookups and Support API reads mixed in, sampled every 10 s from the outside (the database and /proc). Not part of
 * CI: it takes half an hour by default. It writes a report (JSON and Markdown) and a PNG chart of lag and memory,
 * and exits 1 when a target is missed: RSS grows at most 10% after warm-up, and p95 lag stays under 500 ms in every
 * minute.
 *
 *   npm run soak                                  30 min at 200 deliveries/s, SQLite, one process (the default install)
 *   npm run soak -- --minutes 5 --rate 100        shorter, slower
 *   npm run soak -- --scaled --workers 2          PostgreSQL + Redis, a web process and two `npm run worker`
 *
 * Deliveries come from the demo's simulated stores, one shop per slice of the stream, so the run also spreads over
 * many shops as a host's would.
 */
const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    rate: { type: "string", default: "200" },
    lookups: { type: "string", default: "20" },
    "admin-reads": { type: "string", default: "5" },
    "warmup-minutes": { type: "string" },
    scaled: { type: "boolean", default: false },
    workers: { type: "string", default: "2" },
    out: { type: "string" },
    port: { type: "string", default: "3471" },
  },
});

const MINUTES = Number(args.minutes);
const RATE = Number(args.rate);
const LOOKUPS_PER_SECOND = Number(args.lookups);
const ADMIN_READS_PER_SECOND = Number(args["admin-reads"]);
// a sixth of the run, at most 5 minutes: the caches, the JIT and SQLite's page cache have filled by then
const WARMUP_MINUTES = args["warmup-minutes"] !== undefined ? Number(args["warmup-minutes"]) : Math.min(5, MINUTES / 6);
const PORT = Number(args.port);
const SAMPLE_MS = 10_000;
const GAP_MS = 30_000;
const SHIPMENTS_PER_SHOP = 800;
const TARGET = { rssGrowth: 0.1, p95LagMs: 500 };
const OUT = args.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-soak-"));
const REDIS_URL = "redis://127.0.0.1:6379/14";

interface Sample {
  /** seconds since the start */
  t: number;
  deliveriesSent: number;
  processed: number;
  backlog: number;
  p50LagMs: number;
  p95LagMs: number;
  maxLagMs: number;
  rssMb: number;
  errors: number;
}

const secret = LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET;
const base = `http://127.0.0.1:${PORT}`;
const errors: Record<string, number> = {};
const errorExamples: string[] = [];
let errorCount = 0;
function failed(kind: string, detail: string) {
  errors[kind] = (errors[kind] ?? 0) + 1;
  errorCount += 1;
  if (errorExamples.length < 20) errorExamples.push(`${kind}: ${detail}`);
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const topology = await prepare();
  const shops: { shop: string; key: string; parcels: { orderName: string; email: string; trackingNumber: string }[] }[] = [];
  const processes: ChildProcess[] = [];
  try {
    // migrate before the processes start, as a release does
    await (await createContainer(loadConfigForTools(topology.env), { migrate: true, logger: createLogger("silent") })).close();
    processes.push(await startProcess(["--import", "tsx", "server/main.ts"], { ...topology.env, ...(args.scaled ? { SHIPWATCH_WORKER: "off" } : {}) }, PORT));
    if (args.scaled) {
      for (let i = 0; i < Number(args.workers); i++) processes.push(await startWorker(topology.env));
    }
    const totalDeliveries = Math.round(RATE * MINUTES * 60);
    const started = performance.now();
    const sampler = startSampling(topology.databaseUrl, processes, started);
    let sent = 0;
    let slice = 0;
    const inFlight = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    const readers = startReaders(shops, track);
    while (sent < totalDeliveries) {
      const { shop, deliveries, parcels, key } = await nextShop(topology, slice++);
      shops.push({ shop, key, parcels });
      for (const d of deliveries) {
        if (sent >= totalDeliveries) break;
        const wait = started + (sent * 1000) / RATE - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        track(sendWebhook(shop, d));
        sent += 1;
        sampler.sent = sent;
      }
    }
    readers.stop();
    await Promise.all(inFlight);
    // the last deliveries' lag counts too: wait for the backlog to drain (a minute at most)
    await sampler.drain(60_000);
    const samples = sampler.stop();
    const report = summarise(samples, sent, (performance.now() - started) / 1000);
    fs.writeFileSync(path.join(OUT, "soak-report.json"), `${JSON.stringify({ ...report, samples }, null, 1)}\n`);
    fs.writeFileSync(path.join(OUT, "soak-report.md"), markdown(report));
    await chart(samples, report, path.join(OUT, "soak.png"));
    process.stdout.write(`${JSON.stringify({ soak: true, ...report, out: OUT })}\n`);
    process.exitCode = report.pass ? 0 : 1;
  } finally {
    for (const child of processes.reverse()) await stopProcess(child);
    await topology.cleanup();
  }
}

/** The database (a fresh SQLite file, or a fresh PostgreSQL database and Redis DB 14) and the processes' env. */
async function prepare() {
  const common = { ...LOCAL_SHOPIFY_ENV, NODE_ENV: "production", PORT: String(PORT), HOST: "127.0.0.1", LOG_LEVEL: "warn", LOOKUP_RATE_LIMIT: "0" };
  if (!args.scaled) {
    const databaseUrl = `file:${path.join(OUT, "soak.sqlite")}`;
    return { databaseUrl, env: { ...common, DATABASE_URL: databaseUrl }, cleanup: async () => {} };
  }
  const name = `shipwatch_soak_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  await redis.quit();
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${name}`;
  return {
    databaseUrl,
    env: { ...common, DATABASE_URL: databaseUrl, REDIS_URL },
    async cleanup() {
      const again = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
      const flush = new Redis(REDIS_URL);
      await flush.flushdb();
      await flush.quit();
    },
  };
}

async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker.ts"], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  await new Promise((r) => setTimeout(r, 2_000));
  if (child.exitCode !== null) throw new Error(`npm run worker exited with ${child.exitCode}`);
  return child;
}

/** The next shop of the stream: installed, given a Support API key, its simulated month of deliveries. */
async function nextShop(topology: { env: Record<string, string> }, index: number) {
  const shop = `soak-${String(index).padStart(3, "0")}.myshopify.com`;
  const container = await createContainer(loadConfigForTools(topology.env), { logger: createLogger("silent") });
  await container.installLocally(shop);
  const { key } = await container.services.supportApi.createKey(shop, "Soak");
  await container.close();
  const store = simulateStore({ seed: 1_000 + index, shipments: SHIPMENTS_PER_SHOP, shop, end: new Date() });
  const parcels = store.intended.map((i) => ({ orderName: i.orderName, email: i.email, trackingNumber: i.trackingNumber }));
  return { shop, key, deliveries: store.deliveries, parcels };
}

async function sendWebhook(shop: string, d: SimulatedDelivery) {
  const status = await postWebhook(base, d, shop);
  if (status !== 200) failed("webhook", status === null ? "no answer" : `HTTP ${status}`);
}

/** Storefront lookups (signed as Shopify's app proxy signs them) and Support API reads, each at its own rate. */
function startReaders(shops: { shop: string; key: string; parcels: { orderName: string; email: string; trackingNumber: string }[] }[], track: (p: Promise<void>) => void) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)]!;
  const read = async (kind: string, url: string, headers: Record<string, string> = {}) => {
    try {
      const res = await fetch(url, { headers });
      await res.arrayBuffer();
      // a parcel the worker has not reached yet is a 404 the shopper would see too: only errors count
      if (res.status >= 500 || res.status === 401 || res.status === 403 || res.status === 429) failed(kind, `HTTP ${res.status} ${url.split("?")[0]}`);
    } catch (error) {
      failed(kind, String(error));
    }
  };
  const lookup = () => {
    if (!shops.length) return;
    const { shop, parcels } = pick(shops);
    const parcel = pick(parcels);
    const params = new URLSearchParams({ shop, path_prefix: "/apps/track", timestamp: String(Math.floor(Date.now() / 1000)), logged_in_customer_id: "" });
    if (Math.random() < 0.5) params.set("tracking", parcel.trackingNumber);
    else {
      params.set("order", parcel.orderName);
      params.set("email", parcel.email);
    }
    params.set("signature", signAppProxy(params, secret));
    track(read("lookup", `${base}/proxy/lookup?${params.toString()}`));
  };
  const adminRead = () => {
    if (!shops.length) return;
    const { key, parcels } = pick(shops);
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const paths = [`/api/v1/exceptions?status=open`, `/api/v1/shipments?tracking=${encodeURIComponent(pick(parcels).trackingNumber)}`, `/api/v1/scorecard?from=${monthAgo}&to=${today}`];
    track(read("admin", `${base}${pick(paths)}`, { authorization: `Bearer ${key}` }));
  };
  const timers = [
    LOOKUPS_PER_SECOND > 0 ? setInterval(lookup, 1000 / LOOKUPS_PER_SECOND) : null,
    ADMIN_READS_PER_SECOND > 0 ? setInterval(adminRead, 1000 / ADMIN_READS_PER_SECOND) : null,
  ];
  return { stop: () => timers.forEach((t) => t && clearInterval(t)) };
}

/**
 * Every 10 s: the deliveries processed since the last sample (their lag, receipt → processed, read from the
 * database by id, so each is read once however late it is processed), the backlog, and the RSS of every process.
 */
function startSampling(databaseUrl: string, processes: ChildProcess[], started: number) {
  const database = openDatabase(databaseUrl.startsWith("file:") ? { dialect: "sqlite", path: databaseUrl.slice("file:".length) } : { dialect: "postgres", url: databaseUrl });
  const samples: Sample[] = [];
  const cursor = createDeliveryCursor({ gapMs: GAP_MS });
  let processedTotal = 0;
  const state = { sent: 0 };
  let busy: Promise<void> = Promise.resolve();
  const sample = async () => {
    const rows = await database.db.selectFrom("WebhookDelivery").select(["id", "status", "receivedAt", "processedAt"]).where("id", ">=", cursor.from).orderBy("id").execute();
    const { lags, backlog } = cursor.read(rows, performance.now());
    processedTotal += lags.length;
    lags.sort((a, b) => a - b);
    samples.push({
      t: Math.round((performance.now() - started) / 1000),
      deliveriesSent: state.sent,
      processed: processedTotal,
      backlog,
      p50LagMs: percentile(lags, 50),
      p95LagMs: percentile(lags, 95),
      maxLagMs: lags.at(-1) ?? 0,
      rssMb: Math.round(processes.reduce((sum, child) => sum + rssKb(child.pid), 0) / 1024),
      errors: errorCount,
    });
    const last = samples.at(-1)!;
    process.stderr.write(`t=${last.t}s sent=${last.deliveriesSent} backlog=${last.backlog} p95=${last.p95LagMs}ms rss=${last.rssMb}MB errors=${last.errors}\n`);
  };
  const timer = setInterval(() => {
    busy = busy.then(sample).catch((error) => failed("sample", String(error)));
  }, SAMPLE_MS);
  return {
    set sent(n: number) {
      state.sent = n;
    },
    async drain(timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const open = await database.db.selectFrom("WebhookDelivery").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "received").executeTakeFirstOrThrow();
        if (Number(open.n) === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await busy;
      await sample();
    },
    stop() {
      clearInterval(timer);
      void database.close();
      return samples;
    },
  };
}

function rssKb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

type Report = ReturnType<typeof summarise>;

/** Per minute: lag percentiles and RSS; the RSS growth after warm-up compares medians, so a GC's saw-tooth does not count. */
function summarise(samples: Sample[], sent: number, seconds: number) {
  const minutes = new Map<number, Sample[]>();
  for (const s of samples) minutes.set(Math.floor(Math.max(0, s.t - 1) / 60), [...(minutes.get(Math.floor(Math.max(0, s.t - 1) / 60)) ?? []), s]);
  const perMinute = [...minutes.entries()].map(([minute, list]) => ({
    minute: minute + 1,
    p50LagMs: Math.max(...list.map((s) => s.p50LagMs)),
    p95LagMs: Math.max(...list.map((s) => s.p95LagMs)),
    maxLagMs: Math.max(...list.map((s) => s.maxLagMs)),
    rssMb: Math.max(...list.map((s) => s.rssMb)),
    backlog: Math.max(...list.map((s) => s.backlog)),
  }));
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
  };
  const warm = samples.filter((s) => s.t >= WARMUP_MINUTES * 60);
  const window = Math.max(1, Math.round(120_000 / SAMPLE_MS));
  const rssAfterWarmup = median(warm.slice(0, window).map((s) => s.rssMb));
  const rssAtEnd = median(warm.slice(-window).map((s) => s.rssMb));
  const rssGrowth = rssAfterWarmup ? Number(((rssAtEnd - rssAfterWarmup) / rssAfterWarmup).toFixed(3)) : 0;
  const worstP95 = Math.max(0, ...samples.map((s) => s.p95LagMs));
  return {
    topology: args.scaled ? `PostgreSQL + Redis, 1 web + ${args.workers} workers` : "SQLite, one process (web + in-process worker)",
    minutes: MINUTES,
    rate: RATE,
    achievedRate: Math.round(sent / seconds),
    lookupsPerSecond: LOOKUPS_PER_SECOND,
    adminReadsPerSecond: ADMIN_READS_PER_SECOND,
    deliveries: sent,
    processed: samples.at(-1)?.processed ?? 0,
    warmupMinutes: WARMUP_MINUTES,
    rssAfterWarmupMb: rssAfterWarmup,
    rssAtEndMb: rssAtEnd,
    rssGrowth,
    worstP95LagMs: worstP95,
    errors,
    errorExamples,
    perMinute,
    target: TARGET,
    pass: rssGrowth <= TARGET.rssGrowth && worstP95 < TARGET.p95LagMs && errorCount === 0,
  };
}

function markdown(report: Report): string {
  const lines = [
    `# Soak: ${report.minutes} min at ${report.rate} deliveries/s (${report.topology})`,
    "",
    `- achieved ${report.achievedRate} deliveries/s; ${report.deliveries} sent, ${report.processed} processed (a webhook Shopify delivers twice is stored once); ${report.lookupsPerSecond} lookups/s and ${report.adminReadsPerSecond} Support API reads/s beside`,
    `- RSS after ${report.warmupMinutes} min warm-up ${report.rssAfterWarmupMb} MB, at the end ${report.rssAtEndMb} MB: growth ${(report.rssGrowth * 100).toFixed(1)}% (target ≤ ${report.target.rssGrowth * 100}%)`,
    `- worst p95 lag in any 10 s window ${report.worstP95LagMs} ms (target < ${report.target.p95LagMs} ms)`,
    `- errors: ${Object.keys(report.errors).length ? JSON.stringify(report.errors) : "none"}`,
    `- **${report.pass ? "pass" : "FAIL"}**`,
    "",
    "| minute | p50 lag ms | p95 lag ms | max lag ms | backlog | RSS MB |",
    "|---:|---:|---:|---:|---:|---:|",
    ...report.perMinute.map((m) => `| ${m.minute} | ${m.p50LagMs} | ${m.p95LagMs} | ${m.maxLagMs} | ${m.backlog} | ${m.rssMb} |`),
    "",
  ];
  return lines.join("\n");
}

/** Two panels, lag over time and RSS over time, drawn as SVG and photographed by Chromium. */
async function chart(samples: Sample[], report: Report, file: string) {
  const width = 1000;
  const height = 260;
  const pad = { left: 64, right: 20, top: 34, bottom: 34 };
  const tMax = Math.max(60, ...samples.map((s) => s.t));
  const x = (t: number) => pad.left + (t / tMax) * (width - pad.left - pad.right);
  const panel = (title: string, series: { label: string; color: string; values: number[] }[], unit: string, limit?: number, marks: number[] = []) => {
    // a round top (1, 2 or 5 × 10ⁿ), so the ticks read as round numbers
    const top = Math.max(1, limit ?? 0, ...series.flatMap((s) => s.values)) * 1.1;
    const step = 10 ** Math.floor(Math.log10(top));
    const yMax = [1, 2, 5, 10].map((m) => m * step).find((v) => v >= top)!;
    const y = (v: number) => height - pad.bottom - (v / yMax) * (height - pad.top - pad.bottom);
    const lines = series.map((s) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${samples.map((p, i) => `${x(p.t).toFixed(1)},${y(s.values[i]!).toFixed(1)}`).join(" ")}"/>`);
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${pad.left - 6}" y="${y(f * yMax) + 4}" text-anchor="end" font-size="11">${Math.round(f * yMax)}</text>`);
    const minutes = Array.from({ length: Math.floor(tMax / 60) + 1 }, (_, m) => m).filter((m) => m % Math.max(1, Math.ceil(tMax / 60 / 15)) === 0);
    const xTicks = minutes.map((m) => `<text x="${x(m * 60)}" y="${height - 12}" text-anchor="middle" font-size="11">${m} min</text>`);
    const legend = series.map((s, i) => `<text x="${pad.left + 10 + i * 150}" y="22" font-size="12" fill="${s.color}">■ ${s.label}</text>`);
    const limitLine = limit ? `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(limit)}" y2="${y(limit)}" stroke="#c00" stroke-dasharray="6 4"/><text x="${width - pad.right}" y="${y(limit) - 4}" text-anchor="end" font-size="11" fill="#c00">target ${limit} ${unit}</text>` : "";
    const markLines = marks.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#999" stroke-dasharray="3 3"/>`);
    return `<svg width="${width}" height="${height}" font-family="Liberation Sans, sans-serif"><text x="${width - pad.right}" y="22" text-anchor="end" font-size="13" font-weight="bold">${title}</text>${legend.join("")}<line x1="${pad.left}" x2="${pad.left}" y1="${pad.top}" y2="${height - pad.bottom}" stroke="#444"/><line x1="${pad.left}" x2="${width - pad.right}" y1="${height - pad.bottom}" y2="${height - pad.bottom}" stroke="#444"/>${ticks.join("")}${xTicks.join("")}${markLines.join("")}${limitLine}${lines.join("")}</svg>`;
  };
  const warmup = [WARMUP_MINUTES * 60];
  const html = `<html><body style="margin:0;background:#fff"><div style="padding:8px 12px;font:14px Liberation Sans, sans-serif">Shipwatch soak — ${report.minutes} min at ${report.rate} deliveries/s, ${report.topology}: RSS growth ${(report.rssGrowth * 100).toFixed(1)}%, worst p95 lag ${report.worstP95LagMs} ms — <b>${report.pass ? "pass" : "FAIL"}</b></div>${panel(
    "lag, receipt → processed (ms, per 10 s)",
    [
      { label: "p50", color: "#2a6ebb", values: samples.map((s) => s.p50LagMs) },
      { label: "p95", color: "#e07b00", values: samples.map((s) => s.p95LagMs) },
    ],
    "ms",
    TARGET.p95LagMs,
    warmup,
  )}${panel("RSS of the app's processes (MB)", [{ label: "RSS", color: "#2e8540", values: samples.map((s) => s.rssMb) }], "MB", undefined, warmup)}</body></html>`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width, height: 2 * height + 40 } });
    await page.setContent(html);
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await browser.close();
  }
}

await main();
