import path from "node:path";
import { pathToFileURL } from "node:url";
import { getHeapStatistics } from "node:v8";
import { Session } from "@shopify/shopify-api";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "../scripts/tool-config";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { emit, ingestAll, tempDir } from "./support";

/**
 * The process of `npm run bench -- backfill` (bench/backfill.ts) that imports the shop's history: alone in its process,
 * so that its peak RSS is the import's. It holds nothing of the Admin API stand-in, which runs in the parent.
 */
export const BENCH_TOKEN = "shpat_bench_backfill";
const TOKEN = BENCH_TOKEN;
const DAY = 86_400_000;

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
