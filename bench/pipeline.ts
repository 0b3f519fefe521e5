import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { openDatabase } from "~/.server/adapters/db/database";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "../scripts/tool-config";
import { simulateStore } from "../scripts/demo/simulated-store";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { emit, ingestAll, percentile, signedDelivery, startProductionServer, stopProcess, tempDir } from "./support";

/**
 * pipeline, two measurements:
 * - throughput: a simulated store's deliveries, already stored, worked to the end by the app's worker,
 *   beside a baseline worker that does the least any worker must (read, parse, one upsert, mark done) on the
 *   same deliveries in the same run;
 * - lag: the production server fed at a steady 200 deliveries/s over HTTP; p95 of receipt → shipment updated.
 */
export async function pipelineBenchmark(options: { shipments?: number; rate?: number; seconds?: number } = {}) {
  const shipments = options.shipments ?? 600;
  const dir = tempDir("pipeline");
  const store = simulateStore({ seed: 7, shipments, shop: PREVIEW_SHOP, end: new Date() });
  const unique = [...new Map(store.deliveries.map((d) => [d.webhookId, d])).values()];

  // app worker
  const config = loadConfigForTools({ DATABASE_URL: `file:${path.join(dir, "app.sqlite")}` });
  const container = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  await container.installLocally(PREVIEW_SHOP);
  await ingestAll(container, PREVIEW_SHOP, unique);
  let started = performance.now();
  container.queue.start(container.jobs);
  await container.queue.idle(10 * 60_000);
  const appSeconds = (performance.now() - started) / 1000;
  const wrong = await countWrong(container.database.db, store.intended);
  await container.close();

  // baseline worker: read, parse, one upsert, mark done — per delivery, same SQLite settings
  const base = new BetterSqlite3(path.join(dir, "base.sqlite"));
  base.pragma("journal_mode = WAL");
  base.pragma("synchronous = NORMAL");
  base.exec(`CREATE TABLE delivery (id INTEGER PRIMARY KEY, body TEXT, status TEXT);
             CREATE TABLE latest (fulfillment_id TEXT PRIMARY KEY, status TEXT, happened_at TEXT)`);
  const insert = base.prepare("INSERT INTO delivery (body, status) VALUES (?, 'received')");
  for (const d of unique) insert.run(JSON.stringify(d.payload));
  const read = base.prepare("SELECT id, body FROM delivery WHERE id = ?");
  const upsert = base.prepare(
    "INSERT INTO latest VALUES (?,?,?) ON CONFLICT (fulfillment_id) DO UPDATE SET status = excluded.status, happened_at = excluded.happened_at WHERE excluded.happened_at >= latest.happened_at",
  );
  const done = base.prepare("UPDATE delivery SET status = 'processed' WHERE id = ?");
  started = performance.now();
  for (let id = 1; id <= unique.length; id++) {
    const row = read.get(id) as { id: number; body: string };
    const payload = JSON.parse(row.body) as { fulfillment_id?: number; id: number; status?: string; happened_at?: string };
    upsert.run(String(payload.fulfillment_id ?? payload.id), payload.status ?? null, payload.happened_at ?? null);
    done.run(row.id);
    if (id % 100 === 0) await new Promise((r) => setImmediate(r)); // a worker yields to its event loop
  }
  const baseSeconds = (performance.now() - started) / 1000;
  base.close();

  const appRate = Math.round(unique.length / appSeconds);
  const baseRate = Math.round(unique.length / baseSeconds);
  const lag = await lagAtSteadyRate(dir, options.rate ?? 200, options.seconds ?? 10);
  const line = {
    bench: "pipeline",
    deliveries: unique.length,
    app: { deliveriesPerSecond: appRate, wrongShipments: wrong },
    baseline: { deliveriesPerSecond: baseRate, note: "read, parse, one upsert, mark done per delivery" },
    ratio: Number((appRate / baseRate).toFixed(3)),
    lag,
    // issue 15's single-machine target
    target: { deliveriesPerSecond: 2000, p95LagMs: 500, atRate: 200 },
    pass: appRate >= 2000 && lag.p95Ms <= 500 && wrong === 0,
  };
  emit(line);
  return line;
}

export async function countWrong(db: ReturnType<typeof openDatabase>["db"], intended: { trackingNumber: string; status: string; reason: string | null }[]) {
  const rows = await db.selectFrom("Shipment").select(["shipmentKey", "status", "reason"]).where("supersededAt", "is", null).execute();
  const byKey = new Map(rows.map((r) => [r.shipmentKey, r]));
  return intended.filter((i) => {
    const r = byKey.get(i.trackingNumber.toUpperCase());
    return !r || r.status !== i.status || r.reason !== i.reason;
  }).length;
}

/** The production server fed at a steady rate; lag = processedAt - receivedAt of each delivery. */
async function lagAtSteadyRate(dir: string, rate: number, seconds: number) {
  const port = 3403;
  const file = path.join(dir, "lag.sqlite");
  const config = loadConfigForTools({ DATABASE_URL: `file:${file}` });
  const seeder = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  await seeder.installLocally(PREVIEW_SHOP);
  await seeder.close();
  const server = await startProductionServer(port, `file:${file}`);
  const store = simulateStore({ seed: 11, shipments: Math.ceil((rate * seconds) / 15) + 50, shop: PREVIEW_SHOP, end: new Date() });
  const deliveries = store.deliveries.slice(0, rate * seconds);
  const started = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < deliveries.length; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(fetch(`http://127.0.0.1:${port}/webhooks`, { method: "POST", ...signedDelivery(deliveries[i]!, PREVIEW_SHOP) }).then((r) => r.arrayBuffer()));
  }
  await Promise.all(inFlight);
  const sendSeconds = (performance.now() - started) / 1000;
  // wait for the worker to finish, then read the lags
  const database = openDatabase({ dialect: "sqlite", path: file });
  for (let i = 0; i < 300; i++) {
    const pending = await database.db.selectFrom("WebhookDelivery").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "received").executeTakeFirstOrThrow();
    if (Number(pending.n) === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const lags = (await database.db.selectFrom("WebhookDelivery").select(["receivedAt", "processedAt"]).where("processedAt", "is not", null).execute())
    .map((d) => d.processedAt! - d.receivedAt)
    .sort((a, b) => a - b);
  await database.close();
  await stopProcess(server);
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    rate,
    achievedRate: Math.round(deliveries.length / sendSeconds),
    processed: lags.length,
    p50Ms: percentile(lags, 50),
    p95Ms: percentile(lags, 95),
    maxMs: lags.at(-1) ?? 0,
  };
}
