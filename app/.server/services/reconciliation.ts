import type { Clock } from "~/domain/clock";
import type { JobDefinition, JobRequest, ReconciliationStore, ShopifyAdminApi } from "../ports";
import type { ApplyPayload } from "./backfill";
import { eventPayloads, fulfillmentPayload, fulfillmentsOf, legacyId, orderPayload } from "./shopify-graphql-payloads";

export const RECONCILE_ALL_JOB = "reconcile-shops";
export const RECONCILE_SHOP_JOB = "reconcile-shop";
/**
 * Asked again each run, behind the watermark: an order whose updated_at Shopify wrote a moment before the last
 * run's newest (a write in flight, clocks a little apart) is not skipped.
 */
export const RECONCILE_OVERLAP_MS = 5 * 60_000;
/**
 * How long a run holds its shop: a second run asked meanwhile (the next hour's, another worker's, a slow Admin API)
 * is skipped rather than spending the shop's Admin API rate limit on the same orders; a run whose worker died lets
 * go after this. Far longer than a run takes (MAX_PAGES pages).
 */
export const RECONCILE_LEASE_MS = 15 * 60_000;
/** pages of 25 orders per run at most: a shop with more changes catches up on the next runs, oldest first */
const MAX_PAGES = 40;

export type Reconciliation = ReturnType<typeof createReconciliation>;

/**
 * Repairs what a dropped webhook left wrong: each run asks the Admin API for the shop's orders updated since its
 * watermark (with a small overlap), with their fulfillments and events, and applies them through the webhook
 * pipeline. What was already known changes nothing; what was missed is stored, and counted as repaired (the
 * shipments it changed). The watermark moves to the newest updated_at read, only when the run succeeds.
 */
export function createReconciliation(deps: {
  store: ReconciliationStore;
  admin: ShopifyAdminApi;
  accessToken: (shop: string) => Promise<string | null>;
  /** the shops to reconcile: installed, their history imported */
  shops: () => Promise<string[]>;
  /** when the shop's last import read Shopify: a first run starts there */
  importedUntil: (shop: string) => Promise<number | null>;
  /** a shop importing its history is left to the import */
  importing: (shop: string) => Promise<boolean>;
  apply: ApplyPayload;
  /** whether the app has any parcel of this fulfillment already */
  knows?: (shop: string, fulfillmentId: string) => Promise<boolean>;
  /** a fulfillment the webhooks never brought, now applied with its events: the tracking feeds follow its parcels */
  found?: (shop: string, fulfillmentId: string) => Promise<void>;
  enqueue: (job: JobRequest) => Promise<void>;
  clock: Clock;
  logger: { info(details: object, message: string): void; warn(details: object, message: string): void };
}) {
  const { store, admin, clock, logger } = deps;

  async function run(shop: string): Promise<{ ordersSeen: number; repaired: number } | { skipped: string }> {
    const token = await deps.accessToken(shop);
    if (!token) return { skipped: "no Admin API token" };
    if (await deps.importing(shop)) return { skipped: "importing its history" };
    const from = (await store.watermark(shop)) ?? (await deps.importedUntil(shop));
    if (from === null) return { skipped: "its history is not imported yet" };
    const runId = await store.start(shop, clock.now(), RECONCILE_LEASE_MS);
    if (runId === null) return { skipped: "another run of this shop is in progress" };
    let watermark = from;
    let ordersSeen = 0;
    const repaired = new Set<number>();
    const count = (outcome: Awaited<ReturnType<ApplyPayload>>) => {
      if (outcome.outcome === "processed") for (const id of outcome.shipmentIds ?? []) repaired.add(id);
    };
    try {
      let after: string | null = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await admin.ordersUpdatedSince(shop, token, from - RECONCILE_OVERLAP_MS, after);
        if (!answer.ok) throw new Error(answer.error);
        for (const order of answer.data.orders) {
          ordersSeen += 1;
          const orderId = legacyId(order.id);
          if (!orderId) continue;
          // an order's own changes (tags, value) re-evaluate its parcels but are not a parcel repaired
          await deps.apply(shop, "orders/updated", orderPayload(order));
          for (const f of fulfillmentsOf(order)) {
            const fulfillmentId = legacyId(f.id);
            const isNew = fulfillmentId !== null && deps.knows !== undefined && !(await deps.knows(shop, fulfillmentId));
            count(await deps.apply(shop, "fulfillments/update", fulfillmentPayload(f, orderId, order.shippingAddress)));
            for (const event of eventPayloads(f, orderId)) count(await deps.apply(shop, "fulfillment_events/create", event));
            if (isNew) await deps.found?.(shop, fulfillmentId);
          }
          const updated = typeof order.updatedAt === "string" ? Date.parse(order.updatedAt) : NaN;
          if (Number.isFinite(updated) && updated > watermark) watermark = updated;
        }
        after = answer.data.next;
        if (!after) break;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await store.finish(shop, runId, { at: clock.now(), ordersSeen, repaired: repaired.size, watermark: null, error: message });
      logger.warn({ shop, ordersSeen, repaired: repaired.size, error: message }, "reconciliation failed; the next run asks again from the same watermark");
      throw error;
    }
    await store.finish(shop, runId, { at: clock.now(), ordersSeen, repaired: repaired.size, watermark, error: null });
    if (repaired.size) logger.info({ shop, ordersSeen, repaired: repaired.size }, "reconciliation repaired shipments a webhook had missed");
    return { ordersSeen, repaired: repaired.size };
  }

  const jobs: JobDefinition[] = [
    {
      // the recurring one: one job per shop, so a shop whose Admin API fails is retried alone
      name: RECONCILE_ALL_JOB,
      async handle() {
        for (const shop of await deps.shops()) await deps.enqueue({ name: RECONCILE_SHOP_JOB, shop, payload: {}, maxAttempts: 3 });
      },
    },
    {
      name: RECONCILE_SHOP_JOB,
      async handle(_payload, ctx) {
        await run(ctx.shop);
      },
    },
  ];

  return {
    run,
    jobs,
    summary: (shop: string) => store.summary(shop, clock.now() - 24 * 3_600_000),
  };
}
