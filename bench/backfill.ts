import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { getHeapStatistics } from "node:v8";
import { pathToFileURL } from "node:url";
import { Session } from "@shopify/shopify-api";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "../scripts/tool-config";
import { startFakeShopifyAdmin } from "../scripts/local-services/fake-shopify-admin";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { emit, ingestAll, tempDir } from "./support";

/**
 * backfill: a history import of `lines` orders (one line each in the bulk file, one parcel with two carrier events
 * each) from the Admin API stand-in, in a process of its own so its peak RSS is the import's; beside it, in the same
 * process and run, the webhook path working the same kind of parcels (orders/create, fulfillments/create, two
 * fulfillment_events/create). Ratio: objects applied per second by the import ÷ deliveries per second by webhooks.
 * `npm run bench -- backfill` (BENCH_BACKFILL_LINES to change the size; 100,000 by default; BENCH_BACKFILL_CONTAINER_MB
 * to run the import a second time in a memory cgroup of that size).
 */
export async function backfillBenchmark(options: { lines?: number } = {}) {
  const lines = options.lines ?? Number(process.env.BENCH_BACKFILL_LINES ?? 100_000);
  // the stand-in lives here, so the child's memory is the import's alone
  const admin = await startFakeShopifyAdmin({ maximumAvailable: 1_000_000, restoreRate: 1_000_000, pollsToComplete: 0 });
  const now = Date.now();
  admin.addShop(PREVIEW_SHOP, TOKEN);
  admin.setOrders(PREVIEW_SHOP, {
    count: lines,
    make: (i) => orderAt(i, now),
    fulfillment: (gid) => {
      const i = Number(/\/(\d+)$/.exec(gid)?.[1] ?? NaN) - FIRST_ORDER;
      return i >= 0 && i < lines ? ((orderAt(i, now).fulfillments as Record<string, unknown>[])[0] ?? null) : null;
    },
  });
  // BENCH_BACKFILL_HEAP_MB caps the child's heap: an import that held its file would then fail, one that streams does not
  const heap = process.env.BENCH_BACKFILL_HEAP_MB ? [`--max-old-space-size=${Number(process.env.BENCH_BACKFILL_HEAP_MB)}`] : [];
  const childArgs = ["--import", "tsx", path.resolve("bench/backfill.ts"), "--child", String(lines), admin.url, String(now)];
  try {
    const line = await runChild([...heap, ...childArgs]);
    // BENCH_BACKFILL_CONTAINER_MB: the same import again in a memory cgroup of that size, as a container runs it (Node
    // sizes its heap from the limit it finds there); where this machine lets no cgroup be made, the reason is reported
    const containerMb = Number(process.env.BENCH_BACKFILL_CONTAINER_MB ?? 0);
    if (containerMb > 0) {
      line.container = await inMemoryCgroup(containerMb, (wrap) => runChild(childArgs, wrap))
        .then((l) => ({ limitMb: containerMb, ...(l.app as object) }))
        .catch((error: unknown) => ({ limitMb: containerMb, error: String(error instanceof Error ? error.message : error) }));
    }
    emit(line);
    return line;
  } finally {
    await admin.close();
  }
}

type BenchLine = Record<string, unknown> & { ratio: number; pass: boolean; bench: string };

/** runs the import's process (through `wrap`, a command that puts it in a cgroup, when given) and reads its JSON line */
async function runChild(args: string[], wrap?: string[]): Promise<BenchLine> {
  const [command, ...rest] = wrap ? [...wrap, process.execPath, ...args] : [process.execPath, ...args];
  const child = spawn(command!, rest, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the backfill bench process exited with ${code}`);
  return JSON.parse(out.trim().split("\n").pop()!) as BenchLine;
}

/** a memory cgroup (v2, else v1) limited to `mb`, for the time of `work`; `work` gets the command that enters it */
async function inMemoryCgroup<T>(mb: number, work: (wrap: string[]) => Promise<T>): Promise<T> {
  const v2 = fs.existsSync("/sys/fs/cgroup/cgroup.controllers");
  const dir = v2 ? `/sys/fs/cgroup/shipwatch-bench-${process.pid}` : `/sys/fs/cgroup/memory/shipwatch-bench-${process.pid}`;
  fs.mkdirSync(dir);
  try {
    fs.writeFileSync(path.join(dir, v2 ? "memory.max" : "memory.limit_in_bytes"), String(mb * 1_048_576));
    return await work(["sh", "-c", `echo $$ > ${path.join(dir, "cgroup.procs")} && exec "$0" "$@"`]);
  } finally {
    fs.rmdirSync(dir);
  }
}

const DAY = 86_400_000;
const TOKEN = "shpat_bench_backfill";
const FIRST_ORDER = 1_000_000;

function orderAt(i: number, now: number) {
  const shipped = new Date(now - (1 + (i % 50)) * DAY).toISOString();
  const scan = (h: number) => new Date(Date.parse(shipped) + h * 3_600_000).toISOString();
  const n = FIRST_ORDER + i;
  return {
    id: `gid://shopify/Order/${n}`,
    name: `#${n}`,
    email: `buyer${i}@example.com`,
    phone: null,
    createdAt: shipped,
    updatedAt: scan(30),
    cancelledAt: null,
    closedAt: null,
    currencyCode: "USD",
    customerLocale: "en",
    tags: [],
    displayFulfillmentStatus: "FULFILLED",
    totalPriceSet: { shopMoney: { amount: "84.00" } },
    customer: null,
    shippingAddress: { city: "Ottawa", province: "Ontario", provinceCode: "ON", zip: "K1P 5K9", country: "Canada", countryCodeV2: "CA" },
    shippingLine: { code: "STANDARD", title: "Standard", source: "shopify" },
    fulfillments: [
      {
        id: `gid://shopify/Fulfillment/${n}`,
        name: `#${n}.1`,
        status: "SUCCESS",
        displayStatus: "DELIVERED",
        createdAt: shipped,
        updatedAt: scan(30),
        service: { handle: "manual" },
        trackingInfo: [{ company: "UPS", number: `1ZBENCH${String(n).padStart(11, "0")}`, url: null }],
        fulfillmentLineItems: { nodes: [{ quantity: 1, lineItem: { name: "Trail Runner 2", title: "Trail Runner 2" } }] },
        events: {
          nodes: [
            { id: `gid://shopify/FulfillmentEvent/${2 * n}`, status: "IN_TRANSIT", message: "Departed from Facility", happenedAt: scan(6), createdAt: scan(6), estimatedDeliveryAt: null, city: "Toronto", province: "Ontario", country: "Canada", zip: null },
            { id: `gid://shopify/FulfillmentEvent/${2 * n + 1}`, status: "DELIVERED", message: "Delivered", happenedAt: scan(30), createdAt: scan(30), estimatedDeliveryAt: null, city: "Ottawa", province: "Ontario", country: "Canada", zip: null },
          ],
        },
      },
    ],
  };
}

/** the same kind of parcel as webhooks (REST shapes), ids apart from the import's */
function webhooksAt(i: number, now: number) {
  const n = 9_000_000 + i;
  const shipped = new Date(now - (1 + (i % 50)) * DAY).toISOString();
  const scan = (h: number) => new Date(Date.parse(shipped) + h * 3_600_000).toISOString();
  const base = { triggeredAt: shipped };
  const destination = { city: "Ottawa", province: "Ontario", province_code: "ON", zip: "K1P 5K9", country: "Canada", country_code: "CA" };
  return [
    { ...base, topic: "orders/create", webhookId: `o${n}`, eventId: `o${n}`, payload: { id: n, name: `#${n}`, email: `buyer${i}@example.com`, created_at: shipped, updated_at: shipped, currency: "USD", total_price: "84.00", shipping_address: destination, shipping_lines: [] } },
    { ...base, topic: "fulfillments/create", webhookId: `f${n}`, eventId: `f${n}`, payload: { id: n, order_id: n, status: "success", created_at: shipped, updated_at: scan(30), name: `#${n}.1`, service: "manual", tracking_company: "UPS", shipment_status: "delivered", tracking_numbers: [`1ZHOOK${String(n).padStart(12, "0")}`], tracking_urls: [], destination, line_items: [] } },
    ...[
      ["in_transit", "Departed from Facility", scan(6)],
      ["delivered", "Delivered", scan(30)],
    ].map(([status, message, at], k) => ({ ...base, topic: "fulfillment_events/create", webhookId: `e${n}-${k}`, eventId: `e${n}-${k}`, payload: { id: 2 * n + k, fulfillment_id: n, order_id: n, status, message, happened_at: at, created_at: at } })),
  ];
}

async function child(lines: number, adminUrl: string, now: number) {
  const dir = tempDir("backfill");
  const config = loadConfigForTools({ DATABASE_URL: `file:${path.join(dir, "app.sqlite")}`, SHOPIFY_ADMIN_API_BASE: adminUrl, BACKFILL_POLL_SECONDS: "0", RECONCILE_INTERVAL_MINUTES: "0", SWEEP_INTERVAL_SECONDS: "3600" });
  const container = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  await container.installLocally(PREVIEW_SHOP);
  await container.shopify.sessionStorage!.storeSession(new Session({ id: `offline_${PREVIEW_SHOP}`, shop: PREVIEW_SHOP, state: "bench", isOnline: false, scope: "read_orders", accessToken: TOKEN }));
  // the app as it stands before the import (tsx, the container, the database open): the import's own cost is above it
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 50);
  container.queue.start(container.jobs, { recurring: container.recurring });

  // the import
  let started = performance.now();
  const run = await container.services.backfill.start(PREVIEW_SHOP, { days: 60, trigger: "manual" });
  if (!run.ok) throw new Error(`the import did not start: ${run.reason}`);
  let finished = await container.services.backfill.latest(PREVIEW_SHOP);
  while (finished && finished.status !== "done" && finished.status !== "failed") {
    await new Promise((r) => setTimeout(r, 200));
    finished = await container.services.backfill.latest(PREVIEW_SHOP);
  }
  await container.queue.idle(30 * 60_000);
  const importSeconds = (performance.now() - started) / 1000;
  const importPeakRss = peakRss;
  const importPeakHeap = peakHeap;
  const objects = (finished?.ordersImported ?? 0) + (finished?.fulfillmentsImported ?? 0) + (finished?.eventsImported ?? 0);

  // the webhook path, same process, same run: a tenth as many parcels (each four deliveries)
  const parcels = Math.max(200, Math.round(lines / 10));
  const deliveries = Array.from({ length: parcels }, (_, i) => webhooksAt(i, now)).flat();
  await container.queue.stop();
  await ingestAll(container, PREVIEW_SHOP, deliveries);
  started = performance.now();
  container.queue.start(container.jobs);
  await container.queue.idle(30 * 60_000);
  const hookSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await container.close();

  const importRate = Math.round(objects / importSeconds);
  const hookRate = Math.round(deliveries.length / hookSeconds);
  const rssMb = Math.round(importPeakRss / 1_048_576);
  emit({
    bench: "backfill",
    lines,
    app: { status: finished?.status, error: finished?.error ?? null, seconds: Number(importSeconds.toFixed(1)), objectsPerSecond: importRate, eventsPerSecond: Math.round((finished?.eventsImported ?? 0) / importSeconds), eventsImported: finished?.eventsImported ?? 0, peakRssMb: rssMb, rssBeforeImportMb: Math.round(startRss / 1_048_576), peakHeapUsedMb: Math.round(importPeakHeap / 1_048_576), heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1_048_576) },
    baseline: { deliveriesPerSecond: hookRate, deliveries: deliveries.length, note: "the webhook path: stored deliveries worked by the queue (orders/create, fulfillments/create, 2 × fulfillment_events/create per parcel)" },
    ratio: Number((importRate / hookRate).toFixed(3)),
    target: { peakRssMb: 300 },
    pass: finished?.status === "done" && finished.ordersImported === lines && rssMb <= 300,
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === "--child") {
  await child(Number(process.argv[3] ?? 100_000), process.argv[4]!, Number(process.argv[5]));
  process.exit(0);
}
