import fs from "node:fs";
import path from "node:path";
import { createContainer, type Container } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "../scripts/tool-config";
import { easyPostEventsFor } from "../scripts/demo/feed-only";
import { simulateStore, type SimulatedDelivery } from "../scripts/demo/simulated-store";
import { easyPostSignature, startFakeEasyPost } from "../scripts/local-services/fake-easypost";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { emit, ingestAll, tempDir } from "./support";

/**
 * feeds: the same carrier scans merged into the same shipments twice in one run, as Shopify's
 * `fulfillment_events/create` webhooks (the baseline) and as signed EasyPost `tracker.updated` events through the
 * feed's receive and merge (each event carries the tracker's whole history so far, as EasyPost sends it).
 * Both start from the same orders and fulfillments, already worked; the clock runs from the first scan stored to
 * the queue going idle. Events per second of each, their ratio, and the shipments whose final status or reason differs.
 */
export async function feedsBenchmark(options: { shipments?: number } = {}) {
  const shipments = options.shipments ?? 400;
  const dir = tempDir("feeds");
  const store = simulateStore({ seed: 7, shipments, shop: PREVIEW_SHOP, end: new Date() });
  const unique = [...new Map(store.deliveries.map((d) => [d.webhookId, d])).values()];
  const setup = unique.filter((d) => !d.topic.startsWith("fulfillment_events/"));
  const scans = unique.filter((d) => d.topic === "fulfillment_events/create");
  const easypost = await startFakeEasyPost({ keys: ["EZAK_bench"] });

  try {
    // baseline: Shopify's webhooks
    const shopify = await freshContainer(dir, "webhooks", {});
    await ingestAll(shopify, PREVIEW_SHOP, setup);
    await work(shopify);
    await ingestAll(shopify, PREVIEW_SHOP, scans);
    const webhookSeconds = await work(shopify);
    const viaWebhooks = await statuses(shopify);
    await shopify.close();

    // the feed: the same scans as EasyPost events
    const feed = await freshContainer(dir, "feed", { EASYPOST_API_BASE: easypost.url });
    await ingestAll(feed, PREVIEW_SHOP, setup);
    await work(feed);
    const secret = "whsec-bench";
    const connected = await feed.services.feeds.connect(PREVIEW_SHOP, { apiKey: "EZAK_bench", webhookSecret: secret }, "easypost");
    if (!connected.ok) throw new Error(`the EasyPost stand-in refused the bench key: ${connected.message}`);
    const bodies = asEasyPostEvents(setup, scans);
    let refused = 0;
    const started = performance.now();
    for (const body of bodies) {
      const receipt = await feed.services.feeds.receive(connected.id, Buffer.from(body), easyPostSignature(body, secret), "easypost");
      if (receipt.outcome !== "stored") refused++;
    }
    const feedSeconds = (performance.now() - started) / 1000 + (await work(feed));
    const viaFeed = await statuses(feed);
    await feed.close();

    const differ = [...viaWebhooks].filter(([key, status]) => viaFeed.get(key) !== status).length;
    const webhookRate = Math.round(scans.length / webhookSeconds);
    const feedRate = Math.round(bodies.length / feedSeconds);
    const line = {
      bench: "feeds",
      scans: scans.length,
      shipments: viaWebhooks.size,
      app: { feedEventsPerSecond: feedRate, note: "EasyPost tracker.updated events: signature checked, stored, merged (whole history each)", refused },
      baseline: { webhookEventsPerSecond: webhookRate, note: "the same scans as Shopify fulfillment_events/create webhooks" },
      ratio: Number((feedRate / webhookRate).toFixed(3)),
      shipmentsWhoseStateDiffers: differ,
      target: { ratio: 0.5, note: "a feed event carries the whole history, so at least half the webhook path's rate; the same final status and reason" },
      pass: feedRate >= webhookRate * 0.5 && differ === 0 && refused === 0,
    };
    emit(line);
    return line;
  } finally {
    await easypost.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function freshContainer(dir: string, name: string, env: Record<string, string>): Promise<Container> {
  const config = loadConfigForTools({ DATABASE_URL: `file:${path.join(dir, `${name}.sqlite`)}`, ...env });
  const container = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  await container.installLocally(PREVIEW_SHOP);
  return container;
}

/** Works the queue to idle; the seconds it took. */
async function work(container: Container): Promise<number> {
  const started = performance.now();
  container.queue.start(container.jobs);
  await container.queue.idle(10 * 60_000);
  await container.queue.stop();
  return (performance.now() - started) / 1000;
}

async function statuses(container: Container): Promise<Map<string, string>> {
  const rows = await container.database.db.selectFrom("Shipment").select(["shipmentKey", "status", "reason"]).where("supersededAt", "is", null).execute();
  return new Map(rows.map((r) => [r.shipmentKey, `${r.status}/${r.reason ?? "-"}`]));
}

/** One EasyPost Event per Shopify scan, in the same order, each with the tracker's history up to that scan. */
function asEasyPostEvents(setup: readonly SimulatedDelivery[], scans: readonly SimulatedDelivery[]): string[] {
  const trackingOf = new Map<string, string>();
  for (const d of setup) {
    const tracking = d.payload.tracking_number;
    if (d.topic.startsWith("fulfillments/") && typeof tracking === "string") trackingOf.set(String(d.payload.id), tracking);
  }
  const eventOf = easyPostEventsFor(trackingOf);
  return scans.flatMap((d) => eventOf(d)?.body ?? []);
}
