import { createHash } from "node:crypto";
import type { openDatabase } from "~/.server/adapters/db/database";
import type { AdminNode, FakeShopifyAdmin } from "../local-services/fake-shopify-admin";
import { adminTruth } from "./admin-truth";
import { postAdminForm } from "./shopper-truth";
import type { SimulatedDelivery } from "./simulated-store";

type Db = ReturnType<typeof openDatabase>["db"];

/** about 1 in 80 of the month's fulfillment events never reach the app: Shopify gave up on them */
const DROP_PER_256 = 3;
/** orders Shopify reports as changed beside the ones whose webhook was lost: reading them again must change nothing */
const UNCHANGED_SAMPLE = 100;

/**
 * The webhooks the demo loses on purpose: a seeded ~1% of fulfillment_events/create, every copy of each (Shopify
 * retried it for 4 hours and gave up). What they carried is still Shopify's truth, which reconciliation reads.
 */
export function dropSomeWebhooks(deliveries: readonly SimulatedDelivery[], seed: number): Set<string> {
  const dropped = new Set<string>();
  for (const d of deliveries) {
    if (d.topic !== "fulfillment_events/create") continue;
    if (createHash("sha256").update(`${seed}:${d.webhookId}`).digest()[0]! < DROP_PER_256) dropped.add(d.webhookId);
  }
  return dropped;
}

/** The shop's history imported (the month before the demo's; the month is then sent as webhooks), as Settings → Import runs it. */
export async function importHistory(options: { base: string; shop: string; apiKey: string; secret: string; db: Db }): Promise<{ orders: number; parcels: number; events: number; seconds: number }> {
  const started = Date.now();
  const res = await postAdminForm(options, "/app/settings/import", { intent: "import", days: "60" });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`Settings → Import answered ${res.status}`);
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const run = await options.db.selectFrom("BackfillRun").select(["status", "error", "ordersImported", "fulfillmentsImported", "eventsImported"]).where("shop", "=", options.shop).orderBy("id", "desc").executeTakeFirst();
    if (run?.status === "done") return { orders: run.ordersImported, parcels: run.fulfillmentsImported, events: run.eventsImported, seconds: (Date.now() - started) / 1000 };
    if (run?.status === "failed") throw new Error(`the history import failed: ${run.error}`);
    if (Date.now() > deadline) throw new Error(`the history import did not finish within 5 minutes (${run?.status ?? "not started"})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * After the month: the Admin API stand-in answers with Shopify's truth, the orders whose webhook was lost (and a
 * sample of others) changed since the last run; then two reconciliation runs are awaited: the first repairs, the
 * second finds nothing left to repair.
 */
export async function reconcileAfterTheMonth(options: { admin: FakeShopifyAdmin; shop: string; deliveries: readonly SimulatedDelivery[]; dropped: Set<string>; seed: number; db: Db; history?: readonly AdminNode[] }) {
  const { db, shop } = options;
  const droppedOrders = new Set(options.deliveries.filter((d) => options.dropped.has(d.webhookId)).map((d) => String((d.payload as { order_id?: unknown }).order_id)));
  const droppedParcels = new Set(options.deliveries.filter((d) => options.dropped.has(d.webhookId)).map((d) => String((d.payload as { fulfillment_id?: unknown }).fulfillment_id)));
  const truth = adminTruth(options.deliveries);
  const others = truth.map((o) => String(o.id).split("/").pop()!).filter((id) => !droppedOrders.has(id));
  const rank = (id: string) => createHash("sha256").update(`${options.seed}:sample:${id}`).digest("hex");
  const sample = new Set([...others].sort((a, b) => rank(a).localeCompare(rank(b))).slice(0, UNCHANGED_SAMPLE));
  const now = new Date().toISOString();
  const changed = (id: string) => droppedOrders.has(id) || sample.has(id);
  // the history's orders stay where they were, unchanged since the import
  options.admin.setOrders(shop, [...(options.history ?? []), ...truth.map((o) => (changed(String(o.id).split("/").pop()!) ? { ...o, updatedAt: now } : o))]);
  const before = (await db.selectFrom("ReconciliationRun").select((eb) => eb.fn.max("id").as("id")).where("shop", "=", shop).executeTakeFirst())?.id ?? 0;
  const runs = async () =>
    db.selectFrom("ReconciliationRun").select(["id", "ordersSeen", "repaired", "error", "finishedAt"]).where("shop", "=", shop).where("id", ">", Number(before)).where("finishedAt", "is not", null).orderBy("id").execute();
  const deadline = Date.now() + 3 * 60_000;
  for (;;) {
    const done = await runs();
    const first = done.findIndex((r) => r.ordersSeen > 0);
    // the run that read the changes, and one after it (the same orders again, behind the watermark's overlap)
    if (first >= 0 && done.length > first + 1) {
      return {
        dropped: options.dropped.size,
        droppedParcels: droppedParcels.size,
        ordersChanged: droppedOrders.size + sample.size,
        first: done[first]!,
        second: done[first + 1]!,
        errors: done.filter((r) => r.error).map((r) => r.error!),
      };
    }
    if (Date.now() > deadline) throw new Error(`reconciliation did not run twice within 3 minutes (${done.length} runs finished)`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function reconciliationLines(r: Awaited<ReturnType<typeof reconcileAfterTheMonth>>): string[] {
  return [
    `reconciliation ${r.dropped} webhooks dropped on purpose (fulfillment events of ${r.droppedParcels} parcels); Shopify's Admin API (stand-in) lists ${r.ordersChanged} orders as changed`,
    `               first run read ${r.first.ordersSeen} orders and repaired ${r.first.repaired} shipments; the next read ${r.second.ordersSeen} and repaired ${r.second.repaired}${r.errors.length ? `; errors: ${r.errors.join("; ")}` : ""}`,
  ];
}
