import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { calendarFor } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import { evaluate, type ShipmentFacts } from "~/domain/rules";
import { SHIPMENT_STATUSES, type ShipmentStatus } from "~/domain/status";
import { createContainer } from "~/.server/container";
import { ROLLED_UP, ROLLED_UP_STATUS_SHIFT } from "~/.server/ports";
import { statusClassOf } from "~/domain/status-classes";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "../scripts/tool-config";
import { simulateStore } from "../scripts/demo/simulated-store";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { emit, percentile, signedDelivery, startProductionServer, stopProcess, tempDir } from "./support";

/**
 * sweep: find and evaluate the 10,000 due shipments among 1,000,000 active ones (target ≤ 2 s on SQLite),
 * beside the baseline of a full scan in the same run: every active shipment streamed and run through the
 * same rules (the baseline writes nothing; the app opens cases, writes their activity and next checks).
 */
export async function sweepBenchmark(options: { active?: number; due?: number; shops?: number } = {}) {
  const active = options.active ?? 1_000_000;
  const dueCount = options.due ?? 10_000;
  const shopCount = options.shops ?? 100;
  const dir = tempDir("sweep");
  const config = loadConfigForTools({ DATABASE_URL: `file:${path.join(dir, "sweep.sqlite")}`, SILENCE_GRACE_MINUTES: "0" });
  const container = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  const sqlite = container.database.sqlite!;
  const now = Date.parse("2026-11-25T17:00:00Z"); // a Wednesday
  const hour = 3_600_000;
  const shops = Array.from({ length: shopCount }, (_, i) => `bench-${i}.myshopify.com`);

  // 1,000,000 shipments in flight; every 100th is due now. Half of the due ones have been silent for three
  // days (a stalled case opens), half were scanned hours ago (evaluated, nothing opens, next check moves).
  // They came through the pipeline: their first evaluation (at ingest, not in a silence sweep) counted them in
  // the scorecard's roll-ups as fulfilled and in transit, and gave them their first estimate.
  const rolledUp = ROLLED_UP.shipped | ((SHIPMENT_STATUSES.indexOf("in_transit") + 1) << ROLLED_UP_STATUS_SHIFT);
  const firstEstimate = JSON.stringify({ earliest: "2026-11-26", latest: "2026-11-28", source: "learned" });
  const insert = sqlite.prepare(
    `INSERT INTO "Shipment" ("shop","shipmentKey","fulfillmentId","orderId","orderName","trackingNumber","carrierCode","carrierName","carrierSource","status","lastEventAt","lastCarrierScanAt","firstCarrierScanAt","shippedAt","nextCheckAt","createdAt","updatedAt","rolledUp","firstEstimate")
     VALUES (?,?,?,?,?,?,'ups','UPS','named','in_transit',?,?,?,?,?,?,?,${rolledUp},'${firstEstimate}')`,
  );
  const started = performance.now();
  const every = Math.floor(active / dueCount);
  sqlite.transaction(() => {
    for (let i = 0; i < active; i++) {
      const due = i % every === 0;
      const silent = due && (i / every) % 2 === 0;
      const lastScan = silent ? now - 72 * hour : now - (2 + (i % 20)) * hour;
      const nextCheck = due ? now - 60_000 : now + (1 + (i % 47)) * hour;
      insert.run(shops[i % shopCount], `1ZBENCH${String(i).padStart(10, "0")}`, `f${i}`, `o${i}`, `#${100000 + i}`, `1ZBENCH${i}`, lastScan, lastScan, lastScan - 24 * hour, lastScan - 30 * hour, nextCheck, now - 96 * hour, now - 96 * hour);
    }
  })();
  sqlite.pragma("optimize");
  const setupSeconds = (performance.now() - started) / 1000;

  const desk = container.services.desk;
  for (const shop of shops) await container.services.profile.get(shop);
  // the container's clock is the system clock: hold the benchmark at `now` through Date.now
  const realNow = Date.now;
  Date.now = () => now;
  let appMs: number;
  let findMs: number;
  try {
    let t = performance.now();
    const found = sqlite.prepare(`SELECT "shop","id" FROM "Shipment" WHERE "nextCheckAt" <= ? ORDER BY "nextCheckAt" LIMIT ?`).all(now, dueCount).length;
    findMs = performance.now() - t;
    if (found !== dueCount) throw new Error(`expected ${dueCount} due, found ${found}`);
    t = performance.now();
    const { evaluated } = await desk.sweep(dueCount);
    appMs = performance.now() - t;
    if (evaluated !== dueCount) throw new Error(`swept ${evaluated}, expected ${dueCount}`);
  } finally {
    Date.now = realNow;
  }
  const opened = Number((sqlite.prepare(`SELECT count(*) AS n FROM "ExceptionCase" WHERE "type" = 'stalled'`).get() as { n: number }).n);
  const stillDue = Number((sqlite.prepare(`SELECT count(*) AS n FROM "Shipment" WHERE "nextCheckAt" <= ?`).get(now) as { n: number }).n);

  // baseline: a full scan through every active shipment, same rules, same calendar, no writes
  const { rules } = await container.services.profile.get(shops[0]!);
  const calendar = calendarFor({ timezone: "America/New_York", carrier: "ups" as CarrierCode });
  const t = performance.now();
  let fired = 0;
  const scan = sqlite.prepare(`SELECT * FROM "Shipment" NOT INDEXED WHERE "supersededAt" IS NULL AND "cancelledAt" IS NULL`);
  for (const row of scan.iterate() as Iterable<Record<string, number | string | null>>) {
    const facts: ShipmentFacts = {
      status: row.status as ShipmentStatus,
      statusClass: statusClassOf(row.status as ShipmentStatus, {}),
      reason: null,
      carrierCode: String(row.carrierCode),
      service: null,
      destinationCountry: null,
      destinationProvince: null,
      shippedAt: Number(row.shippedAt),
      firstCarrierScanAt: row.firstCarrierScanAt as number | null,
      lastCarrierScanAt: row.lastCarrierScanAt as number | null,
      lastEventAt: row.lastEventAt as number | null,
      deliveryAttempts: 0,
      promisedBy: null,
      estimatedDeliveryAt: null,
      deliveredAt: null,
      cancelled: false,
      silenceJudgedFrom: 0,
      order: null,
    };
    if (evaluate(rules, facts, calendar, now).some((d) => d.fired)) fired += 1;
  }
  const baselineMs = performance.now() - t;
  const underIngest = await sweepWhileIngesting({ container, file: path.join(dir, "sweep.sqlite"), now, every, dueCount });
  await container.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const line = {
    bench: "sweep",
    active,
    due: dueCount,
    setupSeconds: Number(setupSeconds.toFixed(1)),
    app: { ms: Math.round(appMs), findDueMs: Number(findMs.toFixed(1)), casesOpened: opened, stillDueAfter: stillDue },
    baseline: { ms: Math.round(baselineMs), note: "full scan of every active shipment through the same rules, no writes", fired },
    ratio: Number((baselineMs / appMs).toFixed(2)),
    ratioMeaning: "baseline time / app time (how many times faster the indexed sweep is)",
    underIngest,
    target: { ms: 2000, underIngestMs: 2000 },
    pass: appMs <= 2000 && stillDue === 0 && opened === dueCount / 2 && underIngest.ms <= 2000 && underIngest.stillDueAfter === 0 && underIngest.casesOpened === dueCount / 2 && underIngest.ingest.non2xx === 0,
  };
  emit(line);
  return line;
}

/**
 * The sweep again while webhooks arrive: another 10,000 of the 1,000,000 made due (half of them silent for three
 * days), then the production web process (`npm start` with `SHIPWATCH_WORKER=off`, as a web process of the scaled
 * topology runs: it stores each signed delivery and its job, and works none) takes a steady stream of signed webhooks
 * of another shop on the same SQLite file while this process sweeps. SQLite has one writer at a time, so the sweep's
 * batches and the web process's inserts take turns: the sweep's time, and the web answers' times during it, show
 * what each costs the other. (The deliveries are not worked here: the sweep's clock is held on the seeded day.)
 */
async function sweepWhileIngesting(input: { container: Awaited<ReturnType<typeof createContainer>>; file: string; now: number; every: number; dueCount: number; rate?: number }) {
  const { container, file, now, every, dueCount } = input;
  const rate = input.rate ?? 200;
  const sqlite = container.database.sqlite!;
  const hour = 3_600_000;
  // offset half a stride from the first sweep's, so none of these was swept; silent: every other one, as there
  const silent = `("id" / ${every}) % 2 = 0`;
  sqlite
    .prepare(
      `UPDATE "Shipment" SET "nextCheckAt" = ?,
         "lastCarrierScanAt" = CASE WHEN ${silent} THEN ? ELSE "lastCarrierScanAt" END, "lastEventAt" = CASE WHEN ${silent} THEN ? ELSE "lastEventAt" END,
         "firstCarrierScanAt" = CASE WHEN ${silent} THEN ? ELSE "firstCarrierScanAt" END, "shippedAt" = CASE WHEN ${silent} THEN ? ELSE "shippedAt" END
       WHERE "id" % ${every} = ${Math.floor(every / 2)}`,
    )
    .run(now - 60_000, now - 72 * hour, now - 72 * hour, now - 96 * hour, now - 102 * hour);
  const stalledBefore = Number((sqlite.prepare(`SELECT count(*) AS n FROM "ExceptionCase" WHERE "type" = 'stalled'`).get() as { n: number }).n);

  await container.installLocally(PREVIEW_SHOP);
  const port = 3404;
  const server = await startProductionServer(port, `file:${file}`, { SHIPWATCH_WORKER: "off" });
  // the stream is sent from a thread of its own: this thread's SQLite calls hold its event loop while the sweep runs
  const requests = simulateStore({ seed: 13, shipments: 400, shop: PREVIEW_SHOP, end: new Date() }).deliveries.map((d) => signedDelivery(d, PREVIEW_SHOP));
  const sender = new Worker(SENDER, { eval: true, workerData: { url: `http://127.0.0.1:${port}/webhooks`, rate, requests } });
  const answers = new Promise<{ at: number; ms: number; status: number }[]>((resolve, reject) => {
    sender.once("message", resolve);
    sender.once("error", reject);
  });
  const clock = () => performance.timeOrigin + performance.now();
  let sweptMs: number;
  let window: { from: number; to: number };
  try {
    // a second of the stream first, so the sweep starts into a steady flow
    await new Promise((r) => setTimeout(r, 1_000));
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const from = clock();
      const { evaluated } = await container.services.desk.sweep(dueCount);
      window = { from, to: clock() };
      sweptMs = window.to - from;
      if (evaluated !== dueCount) throw new Error(`swept ${evaluated} under ingest, expected ${dueCount}`);
    } finally {
      Date.now = realNow;
    }
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    sender.postMessage("stop");
  }
  const answered = await answers;
  await sender.terminate();
  await stopProcess(server);
  const during = answered.filter((a) => a.at >= window.from && a.at <= window.to).map((a) => a.ms).sort((a, b) => a - b);
  const stalledAfter = Number((sqlite.prepare(`SELECT count(*) AS n FROM "ExceptionCase" WHERE "type" = 'stalled'`).get() as { n: number }).n);
  return {
    ms: Math.round(sweptMs),
    casesOpened: stalledAfter - stalledBefore,
    stillDueAfter: Number((sqlite.prepare(`SELECT count(*) AS n FROM "Shipment" WHERE "nextCheckAt" <= ?`).get(now) as { n: number }).n),
    ingest: {
      rate,
      answered: answered.length,
      non2xx: answered.filter((a) => a.status !== 200).length,
      duringSweep: during.length,
      p50Ms: Number(percentile(during, 50).toFixed(1)),
      p95Ms: Number(percentile(during, 95).toFixed(1)),
      maxMs: Number((during.at(-1) ?? 0).toFixed(1)),
      note: "web answers to signed webhooks sent while the sweep ran (SHIPWATCH_WORKER=off: stored, not worked)",
    },
  };
}

/** The web stream's sender, a thread of its own: signed requests at a steady rate until told to stop; answers back. */
const SENDER = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, rate, requests } = workerData;
const clock = () => performance.timeOrigin + performance.now();
let sending = true;
parentPort.on("message", () => (sending = false));
(async () => {
  const answers = [];
  const inFlight = [];
  const started = performance.now();
  for (let i = 0; sending && i < requests.length; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = clock();
    inFlight.push(
      fetch(url, { method: "POST", headers: requests[i].headers, body: requests[i].body })
        .then(async (r) => { await r.arrayBuffer(); answers.push({ at, ms: clock() - at, status: r.status }); })
        .catch(() => answers.push({ at, ms: clock() - at, status: 0 })),
    );
  }
  await Promise.all(inFlight);
  parentPort.postMessage(answers);
})();
`;
