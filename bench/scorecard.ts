import type { AddressInfo } from "node:net";
import path from "node:path";
import { localDayBounds } from "~/domain/business-time";
import { dayOfInstant, hoursBucket, METRIC, type RollUpIncrement, type Scorecard } from "~/domain/scorecard";
import { openingIncrements, resolutionIncrements } from "~/.server/adapters/scorecard";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { mintSessionToken } from "~/.server/shopify/session-token";
import type { ShipmentRecord } from "~/.server/ports";
import { rollUpOf } from "~/.server/services/scorecard";
import { loadConfigForTools } from "../scripts/tool-config";
import { simulateStore } from "../scripts/demo/simulated-store";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { createHttpServer } from "../server/http";
import { createRemixHandler } from "../server/remix";
import { emit, ensureBuild, ingestAll, tempDir } from "./support";

const SHOP = "bench-scorecard.myshopify.com";
const ZONE = "America/New_York"; // the shop's zone (default settings)
const DAY = 86_400_000;
const HOUR = 3_600_000;

/**
 * scorecard, two measurements:
 * - read: a 30-day scorecard of a shop with 1,000,000 shipments (a year of them, with cases and asks) answered
 *   from the daily roll-ups, beside a raw SQL GROUP BY over the shipments (and cases) computing the same figures
 *   in the same run; the two answers must agree. Target: ≤ 300 ms from the roll-ups on SQLite.
 * - cost: the pipeline's throughput (a simulated store's deliveries worked to the end) with the scorecard's
 *   roll-ups on and off, alternated. Target: the roll-ups cost ≤ 10%.
 */
export async function scorecardBenchmark(options: { shipments?: number; rounds?: number } = {}) {
  const read = await readBenchmark(options.shipments ?? 1_000_000);
  const cost = await pipelineCost(options.rounds ?? 5);
  const line = {
    bench: "scorecard",
    shipments: read.shipments,
    rollUpRows: read.rollUpRows,
    range: read.range,
    app: { scorecardMs: read.scorecardMs, dashboardMs: read.dashboardMs, dashboardHttpMs: read.dashboardHttpMs, note: "services.scorecard over ScorecardDay; dashboardHttpMs: GET /app.data (Home's loader, authenticated) over HTTP; medians of 7, warm" },
    baseline: { rawGroupByMs: read.rawMs, note: "GROUP BY over Shipment (+ window functions for p50/p90) and ExceptionCase, same figures" },
    ratio: Number((read.scorecardMs / read.rawMs).toFixed(4)),
    agree: read.agree,
    compared: read.compared,
    pipeline: cost,
    setupSeconds: read.setupSeconds,
    target: { scorecardMs: 300, dashboardHttpMs: 300, pipelineCost: 0.1 },
    pass: read.agree && read.scorecardMs <= 300 && read.dashboardHttpMs <= 300 && cost.cost <= 0.1,
  };
  emit(line);
  return line;
}

// ---------------------------------------------------------------------------------------------------------------

async function readBenchmark(count: number) {
  const dir = tempDir("scorecard");
  const config = loadConfigForTools({ DATABASE_URL: `file:${path.join(dir, "scorecard.sqlite")}` });
  const container = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  const sqlite = container.database.sqlite!;
  const started = performance.now();

  // a year of shipments (2026), deterministic; "now" is 2027-01-02
  // mulberry32: 32-bit integer steps, so the sequence does not collapse into a short cycle as doubles would
  let seed = 4242;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
  const carriers = [
    { code: "ups", name: "UPS", services: ["UPS Ground", "UPS 2nd Day Air", "UPS Next Day Air"] },
    { code: "usps", name: "USPS", services: ["Priority Mail", "Ground Advantage"] },
    { code: "fedex", name: "FedEx", services: ["FedEx Ground", "FedEx Express Saver"] },
    { code: "dhl", name: "DHL Express", services: ["Express Worldwide"] },
  ] as const;
  const provinces = ["NY", "CA", "TX", "FL", "IL", "WA", "MA", "GA", "OH", "CO"];
  const yearStart = Date.parse("2026-01-01T05:00:00Z");
  const now = Date.parse("2027-01-02T17:00:00Z");
  const insertShipment = sqlite.prepare(
    `INSERT INTO "Shipment" ("shop","shipmentKey","fulfillmentId","orderId","orderName","trackingNumber","carrierCode","carrierName","carrierSource","service","status","deliveredAt","destinationCountry","destinationProvince","shippedAt","promisedBy","lookupCount","lastLookedUpAt","firstAskedAt","firstCaseAt","rolledUp","createdAt","updatedAt")
     VALUES (?,?,?,?,?,?,?,?,'named',?,?,?,'US',?,?,?,?,?,?,?,?,?,?)`,
  );
  const insertCase = sqlite.prepare(
    `INSERT INTO "ExceptionCase" ("shop","shipmentId","shipmentKey","orderId","orderName","trackingNumber","type","owner","priority","status","openSlot","openedAt","resolvedAt","ruleName","reason","explanation","updatedAt")
     VALUES (?,?,?,?,?,?,?,?,'normal',?,?,?,?,'bench','bench','[]',?)`,
  );
  const increments = new Map<string, RollUpIncrement>();
  const add = (list: readonly RollUpIncrement[]) => {
    for (const i of list) {
      const id = `${i.day}\u0000${i.metric}\u0000${i.key}`;
      const row = increments.get(id);
      if (row) {
        row.count += i.count;
        row.total += i.total;
      } else increments.set(id, { ...i });
    }
  };
  const caseTypes = [
    ["stalled", "operations"],
    ["late", "support"],
    ["damaged", "support"],
    ["lost", "finance"],
  ] as const;
  const dayOf = (at: number) => dayOfInstant(at, ZONE);

  sqlite.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const carrier = pick(carriers);
      const service = pick(carrier.services);
      // whole seconds plus 17 s: no transit lands on a tie between two tenths of a day
      const shippedAt = yearStart + Math.floor(rand() * 364 * DAY / 1000) * 1000 + 17_000;
      const transit = (1 + rand() * 5 + (rand() < 0.1 ? rand() * 6 : 0)) * DAY;
      const promisedBy = rand() < 0.8 ? shippedAt + Math.round((3 + rand() * 4) * DAY) : null;
      const roll = rand();
      let status: string;
      let deliveredAt: number | null = null;
      if (shippedAt + transit < now && roll < 0.93) {
        status = "delivered";
        deliveredAt = Math.round(shippedAt + transit) + 13;
      } else if (roll < 0.95) status = "exception";
      else if (roll < 0.96) status = "returned_to_sender";
      else status = pick(["in_transit", "out_for_delivery", "delayed", "picked_up"]);
      const hasCase = status === "exception" || rand() < 0.03;
      const firstCaseAt = hasCase ? shippedAt + Math.round((1 + rand() * 3) * DAY) : null;
      const asks = rand() < 0.12 ? 1 + Math.floor(rand() * 4) : 0;
      const firstAskedAt = asks ? shippedAt + Math.round((0.5 + rand() * 4) * DAY) : null;
      const lastLookedUpAt = firstAskedAt === null ? null : firstAskedAt + Math.round(rand() * 3 * HOUR);
      const province = pick(provinces);
      const record = {
        id: i,
        shop: SHOP,
        carrierCode: carrier.code,
        service,
        status,
        deliveredAt,
        destinationCountry: "US",
        destinationProvince: province,
        shippedAt,
        promisedBy,
        firstEstimate: null,
        cancelledAt: null,
        supersededAt: null,
        rolledUp: 0,
      } as unknown as ShipmentRecord;
      // the shipment's own roll-ups, as the evaluation subscriber counts them
      const rollUp = rollUpOf(record, ZONE)!;
      add(rollUp.increments);
      insertShipment.run(SHOP, `B${i}`, `f${i}`, `o${i}`, `#${i}`, `B${i}`, carrier.code, carrier.name, service, status, deliveredAt, province, shippedAt, promisedBy, asks, lastLookedUpAt, firstAskedAt, firstCaseAt, rollUp.to, shippedAt, shippedAt);
      // lookups and first asks, as the lookup counter counts them
      if (firstAskedAt !== null) {
        add([
          { day: dayOf(lastLookedUpAt!), metric: METRIC.lookup, key: "", count: asks, total: 0 },
          { day: dayOf(firstAskedAt), metric: METRIC.asked, key: "", count: 1, total: 0 },
        ]);
      }
      if (firstAskedAt !== null && firstCaseAt !== null) {
        const day = dayOf(Math.max(firstAskedAt, firstCaseAt));
        add([{ day, metric: METRIC.caseBeforeAsk, key: "both", count: 1, total: 0 }]);
        if (firstCaseAt < firstAskedAt) add([{ day, metric: METRIC.caseBeforeAsk, key: "case_first", count: 1, total: 0 }]);
      }
      // its case, as the evaluation store counts it
      if (firstCaseAt !== null) {
        const [type, owner] = status === "exception" ? (["damaged", "support"] as const) : pick(caseTypes);
        const resolvedAt = rand() < 0.7 ? firstCaseAt + Math.round((0.2 + rand() * 72) * HOUR) : null;
        insertCase.run(SHOP, i, `B${i}`, `o${i}`, `#${i}`, `B${i}`, type, owner, resolvedAt === null ? "open" : "resolved", resolvedAt === null ? "open" : `closed:${i}`, firstCaseAt, resolvedAt, firstCaseAt);
        add(openingIncrements(dayOf(firstCaseAt), { type, owner, openedAt: firstCaseAt }, shippedAt));
        if (resolvedAt !== null) add(resolutionIncrements(dayOf(resolvedAt), type, firstCaseAt, resolvedAt, 1));
      }
      // the messages the outbox would have sent (for the roll-ups' volume; there is no Notification row to compare)
      add([{ day: dayOf(shippedAt), metric: METRIC.messageSent, key: "first_scan|email", count: 1, total: 0 }]);
      if (deliveredAt !== null) add([{ day: dayOf(deliveredAt), metric: METRIC.messageSent, key: `delivered|${rand() < 0.3 ? "sms" : "email"}`, count: 1, total: 0 }]);
    }
    const insertRollUp = sqlite.prepare(`INSERT INTO "ScorecardDay" ("shop","day","metric","key","count","total") VALUES (?,?,?,?,?,?)`);
    for (const r of increments.values()) insertRollUp.run(SHOP, r.day, r.metric, r.key, r.count, r.total);
  })();
  sqlite.pragma("optimize");
  const setupSeconds = Math.round((performance.now() - started) / 100) / 10;

  const range = { from: "2026-11-01", to: "2026-11-30" };
  const scorecard = container.services.scorecard;
  const times = async (run: () => Promise<unknown>, n: number) => {
    await run();
    const ms: number[] = [];
    for (let k = 0; k < n; k++) {
      const t = performance.now();
      await run();
      ms.push(performance.now() - t);
    }
    return Math.round(ms.sort((a, b) => a - b)[Math.floor(n / 2)]! * 10) / 10;
  };
  const fromRollUps = await scorecard.scorecard(SHOP, range);
  const scorecardMs = await times(() => scorecard.scorecard(SHOP, range), 7);
  const dashboardMs = await times(() => scorecard.dashboard(SHOP, range), 7);
  let raw: Scorecard | null = null;
  const rawMs = await times(async () => (raw = rawScorecard(sqlite, range)), 3);
  // messages have no rows of their own here: taken as the roll-ups say, the rest must match
  const rawAnswer = { ...raw!, messages: fromRollUps.messages };
  const agree = JSON.stringify(rawAnswer) === JSON.stringify(fromRollUps);
  if (!agree) emit({ bench: "scorecard", disagreement: { rollUps: fromRollUps, raw: rawAnswer } });
  const rollUpRows = increments.size;
  const dashboardHttpMs = await homeOverHttp(container, range, times);
  await container.close();
  return { shipments: count, rollUpRows, range, scorecardMs, dashboardMs, dashboardHttpMs, rawMs, agree, compared: ["shipments", "carriers", "exceptions", "asks"], setupSeconds };
}

/**
 * The Home dashboard as the admin asks for it: the built Remix app behind the app's own server, the loader's data
 * (`/app.data`, what a client-side navigation fetches) with a real session token, for the 30-day range. The whole
 * server response: authentication, the needs-attention strip's reads and the dashboard, serialised.
 */
async function homeOverHttp(container: Awaited<ReturnType<typeof createContainer>>, range: { from: string; to: string }, times: (run: () => Promise<unknown>, n: number) => Promise<number>) {
  ensureBuild();
  await container.installLocally(SHOP);
  const remix = await createRemixHandler(container);
  const server = createHttpServer(container, remix.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/app.data?from=${range.from}&to=${range.to}`;
  const { apiKey, apiSecret } = container.config.shopify;
  const get = async () => {
    const token = mintSessionToken({ shop: SHOP, apiKey, apiSecret, nowMs: Date.now() }).token;
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET /app.data answered ${res.status}: ${body.slice(0, 200)}`);
  };
  try {
    return await times(get, 7);
  } finally {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await remix.close();
  }
}

/** The same figures by scanning: what answering without roll-ups costs (days in the shop's zone, as the roll-ups). */
function rawScorecard(sqlite: NonNullable<Awaited<ReturnType<typeof createContainer>>["database"]["sqlite"]>, range: { from: string; to: string }): Scorecard {
  const start = localDayBounds(Date.parse(`${range.from}T12:00:00Z`), ZONE).start;
  const end = localDayBounds(Date.parse(`${range.to}T12:00:00Z`), ZONE).end;
  const live = `"shop" = ? AND "cancelledAt" IS NULL AND "supersededAt" IS NULL`;
  const byCarrier = sqlite
    .prepare(
      `SELECT "carrierCode" AS carrier, COUNT(*) AS shipments,
              SUM("status" = 'delivered' AND "deliveredAt" IS NOT NULL) AS delivered,
              SUM("status" NOT IN ('delivered', 'returned_to_sender')) AS inFlight,
              SUM("status" = 'delivered' AND "deliveredAt" IS NOT NULL AND "promisedBy" IS NOT NULL) AS judged,
              SUM("status" = 'delivered' AND "deliveredAt" IS NOT NULL AND "promisedBy" IS NOT NULL AND "deliveredAt" <= "promisedBy") AS onTime
       FROM "Shipment" WHERE ${live} AND "shippedAt" >= ? AND "shippedAt" < ? GROUP BY "carrierCode"`,
    )
    .all(SHOP, start, end) as { carrier: string; shipments: number; delivered: number; inFlight: number; judged: number; onTime: number }[];
  const quantiles = sqlite
    .prepare(
      `WITH t AS (SELECT "carrierCode" AS carrier, ROUND(("deliveredAt" - "shippedAt") / 8640000.0) / 10.0 AS days
                  FROM "Shipment" WHERE ${live} AND "shippedAt" >= ? AND "shippedAt" < ? AND "status" = 'delivered' AND "deliveredAt" IS NOT NULL),
            r AS (SELECT carrier, days, ROW_NUMBER() OVER (PARTITION BY carrier ORDER BY days) AS rn, COUNT(*) OVER (PARTITION BY carrier) AS n FROM t)
       SELECT carrier, MAX(CASE WHEN rn = (n + 1) / 2 THEN days END) AS p50, MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN days END) AS p90 FROM r GROUP BY carrier`,
    )
    .all(SHOP, start, end) as { carrier: string; p50: number; p90: number }[];
  const q = new Map(quantiles.map((x) => [x.carrier, x]));
  const opened = sqlite.prepare(`SELECT "type", COUNT(*) AS n FROM "ExceptionCase" WHERE "shop" = ? AND "openedAt" >= ? AND "openedAt" < ? GROUP BY "type"`).all(SHOP, start, end) as { type: string; n: number }[];
  const resolved = sqlite
    .prepare(
      `WITH t AS (SELECT ("resolvedAt" - "openedAt") / 3600000.0 AS hours FROM "ExceptionCase" WHERE "shop" = ? AND "status" = 'resolved' AND "resolvedAt" >= ? AND "resolvedAt" < ?),
            r AS (SELECT hours, ROW_NUMBER() OVER (ORDER BY hours) AS rn, COUNT(*) OVER () AS n FROM t)
       SELECT MAX(n) AS n, MAX(CASE WHEN rn = (n + 1) / 2 THEN hours END) AS median FROM r`,
    )
    .get(SHOP, start, end) as { n: number | null; median: number | null };
  // each bound once per use: better-sqlite3 binds positional parameters only
  const inRange = (column: string) => `(${column} >= ${Number(start)} AND ${column} < ${Number(end)})`;
  const both = `"firstAskedAt" IS NOT NULL AND "firstCaseAt" IS NOT NULL AND ${inRange(`MAX("firstAskedAt", "firstCaseAt")`)}`;
  const asks = sqlite
    .prepare(
      `SELECT SUM(CASE WHEN ${inRange(`"lastLookedUpAt"`)} THEN "lookupCount" ELSE 0 END) AS lookups,
              SUM(${inRange(`"firstAskedAt"`)}) AS asked,
              SUM(${both}) AS both,
              SUM(${both} AND "firstCaseAt" < "firstAskedAt") AS caseFirst
       FROM "Shipment" WHERE "shop" = ? AND ("firstAskedAt" IS NOT NULL OR "lastLookedUpAt" IS NOT NULL)`,
    )
    .get(SHOP) as { lookups: number | null; asked: number | null; both: number | null; caseFirst: number | null };
  const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0);
  const byType: Record<string, number> = {};
  for (const o of opened) byType[o.type] = o.n;
  return {
    from: range.from,
    to: range.to,
    shipments: {
      total: byCarrier.reduce((n, c) => n + c.shipments, 0),
      delivered: byCarrier.reduce((n, c) => n + c.delivered, 0),
      inFlight: byCarrier.reduce((n, c) => n + c.inFlight, 0),
    },
    carriers: byCarrier
      .sort((a, b) => b.shipments - a.shipments || a.carrier.localeCompare(b.carrier))
      .map((c) => ({ carrier: c.carrier, shipments: c.shipments, delivered: c.delivered, onTimeRate: rate(c.onTime, c.judged), transitDaysP50: q.get(c.carrier)?.p50 ?? 0, transitDaysP90: q.get(c.carrier)?.p90 ?? 0 })),
    // the median to the roll-ups' precision (their hour buckets)
    exceptions: { opened: opened.reduce((n, o) => n + o.n, 0), resolved: resolved.n ?? 0, byType, medianHoursToResolve: resolved.median === null ? 0 : hoursBucket(resolved.median) },
    messages: { sent: 0, byMoment: {} },
    asks: { lookups: asks.lookups ?? 0, tickets: 0, wismoTickets: 0, shipmentsAsked: asks.asked ?? 0, caseBeforeAskRate: rate(asks.caseFirst ?? 0, asks.both ?? 0) },
  };
}

// ---------------------------------------------------------------------------------------------------------------

/** The pipeline bench's throughput path (stored deliveries worked to the end), roll-ups on and off, alternated. */
async function pipelineCost(rounds: number) {
  const store = simulateStore({ seed: 7, shipments: 600, shop: PREVIEW_SHOP, end: new Date() });
  const unique = [...new Map(store.deliveries.map((d) => [d.webhookId, d])).values()];
  const run = async (rollUps: boolean) => {
    const dir = tempDir("scorecard-pipeline");
    const config = loadConfigForTools({ DATABASE_URL: `file:${path.join(dir, "app.sqlite")}` });
    const container = await createContainer(config, { migrate: true, logger: createLogger("silent"), scorecardRollUps: rollUps });
    await container.installLocally(PREVIEW_SHOP);
    await ingestAll(container, PREVIEW_SHOP, unique);
    const started = performance.now();
    container.queue.start(container.jobs);
    await container.queue.idle(10 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const counted = await container.database.db.selectFrom("ScorecardDay").select((eb) => eb.fn.sum<number>("count").as("n")).where("metric", "=", METRIC.shipped).executeTakeFirst();
    await container.close();
    return { perSecond: unique.length / seconds, shippedCounted: Number(counted?.n ?? 0) };
  };
  const on: number[] = [];
  const off: number[] = [];
  let shippedCounted = 0;
  // a first run to warm the process (module loading, JIT), not counted
  await run(false);
  for (let r = 0; r < rounds; r++) {
    // alternate which goes first, so warm-up and the machine's drift fall on both
    const order = r % 2 === 0 ? [false, true] : [true, false];
    for (const rollUps of order) {
      const result = await run(rollUps);
      (rollUps ? on : off).push(result.perSecond);
      if (rollUps) shippedCounted = result.shippedCounted;
    }
  }
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const onRate = median(on);
  const offRate = median(off);
  return {
    deliveries: unique.length,
    rollUpsOn: { deliveriesPerSecond: Math.round(onRate), runs: on.map(Math.round), shipmentsCounted: shippedCounted },
    rollUpsOff: { deliveriesPerSecond: Math.round(offRate), runs: off.map(Math.round) },
    throughputRatio: Number((onRate / offRate).toFixed(3)),
    cost: Number(Math.max(0, 1 - onRate / offRate).toFixed(3)),
  };
}
