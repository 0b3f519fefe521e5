import path from "node:path";
import { calendarFor } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import { evaluate, type ShipmentFacts } from "~/domain/rules";
import { SHIPMENT_STATUSES, type ShipmentStatus } from "~/domain/status";
import { createContainer } from "~/.server/container";
import { ROLLED_UP, ROLLED_UP_STATUS_SHIFT } from "~/.server/ports";
import { statusClassOf } from "~/domain/status-classes";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "../scripts/tool-config";
import { emit, tempDir } from "./support";

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
  await container.close();

  const line = {
    bench: "sweep",
    active,
    due: dueCount,
    setupSeconds: Number(setupSeconds.toFixed(1)),
    app: { ms: Math.round(appMs), findDueMs: Number(findMs.toFixed(1)), casesOpened: opened, stillDueAfter: stillDue },
    baseline: { ms: Math.round(baselineMs), note: "full scan of every active shipment through the same rules, no writes", fired },
    ratio: Number((baselineMs / appMs).toFixed(2)),
    ratioMeaning: "baseline time / app time (how many times faster the indexed sweep is)",
    target: { ms: 2000 },
    pass: appMs <= 2000 && stillDue === 0 && opened === dueCount / 2,
  };
  emit(line);
  return line;
}
