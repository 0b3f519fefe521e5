import { z } from "zod";
import type { Clock } from "~/domain/clock";
import type { AdminObject, BackfillRunRecord, BackfillStore, BackfillTrigger, JobDefinition, JobRequest, ReconciliationSummary, ShopifyAdminApi } from "../ports";
import { UnrecoverableJobError } from "../ports";
import type { ProcessOutcome, SHOP_DATA_TOPICS } from "./delivery-processor";
import { eventPayloads, fulfillmentPayload, fulfillmentsOf, legacyId, orderPayload } from "./shopify-graphql-payloads";

export const BACKFILL_JOB = "backfill-import";
/** what an install imports, and the range the merchant may pick in Settings → Import */
export const BACKFILL_DEFAULT_DAYS = 60;
export const BACKFILL_MIN_DAYS = 7;
export const BACKFILL_MAX_DAYS = 365;
const DAY_MS = 86_400_000;
/** orders applied between two checkpoints (their fulfillments' events are asked for in one call) */
const CHUNK_ORDERS = 25;
const JobPayload = z.object({ runId: z.number().int().positive() });

export type Backfill = ReturnType<typeof createBackfill>;
export type ApplyPayload = (shop: string, topic: (typeof SHOP_DATA_TOPICS)[number], body: unknown) => Promise<ProcessOutcome>;

export type StartOutcome = { ok: true; run: BackfillRunRecord } | { ok: false; reason: "already_running"; run: BackfillRunRecord } | { ok: false; reason: "bad_days"; message: string };

/**
 * The import of a shop's recent history: a Shopify bulk operation for the orders of the last N days with their
 * fulfillments, the JSONL read line by line, each order, fulfillment and event applied through the webhook
 * pipeline (the same parser, the same keys, so a webhook before or after changes nothing). What the import
 * reads is marked as history first: no customer message and no Flow trigger for moments that already passed
 * (docs/decisions/0015-history-import.md). While it runs, silence is not judged for the shop.
 *
 * One job per run, idempotent: it starts the operation, polls it (queued again after `pollMs`), then imports a
 * slice at a time, keeping its place (the byte after the last line applied) so a retried or resumed job asks the
 * file for the rest only: each byte is downloaded once, however many jobs a large shop's import takes.
 */
export function createBackfill(deps: {
  store: BackfillStore;
  admin: ShopifyAdminApi;
  accessToken: (shop: string) => Promise<string | null>;
  apply: ApplyPayload;
  /** an imported fulfillment, with its events applied: the tracking feeds follow the parcels still on their way */
  imported?: (shop: string, fulfillmentId: string) => Promise<void>;
  enqueue: (job: JobRequest) => Promise<void>;
  clock: Clock;
  logger: { info(details: object, message: string): void; warn(details: object, message: string): void };
  /** how long between two looks at a running operation */
  pollMs: number;
  /** how long one job imports before it hands over to the next (a lease is never held for an hour) */
  sliceMs?: number;
}) {
  const { store, admin, clock, logger } = deps;
  const sliceMs = deps.sliceMs ?? 20_000;
  const job = (shop: string, runId: number, runAt?: number): JobRequest => ({ name: BACKFILL_JOB, shop, payload: { runId }, maxAttempts: 8, ...(runAt === undefined ? {} : { runAt }) });

  async function start(shop: string, input: { days: number; trigger: BackfillTrigger }): Promise<StartOutcome> {
    if (!Number.isInteger(input.days) || input.days < BACKFILL_MIN_DAYS || input.days > BACKFILL_MAX_DAYS) {
      return { ok: false, reason: "bad_days", message: `Choose between ${BACKFILL_MIN_DAYS} and ${BACKFILL_MAX_DAYS} days` };
    }
    const active = await store.active(shop);
    if (active) return { ok: false, reason: "already_running", run: active };
    const now = clock.now();
    const run = await store.create(shop, { trigger: input.trigger, days: input.days, historyUntil: now, at: now });
    await deps.enqueue(job(shop, run.id));
    logger.info({ shop, runId: run.id, days: run.days, trigger: run.trigger }, "history import queued");
    return { ok: true, run };
  }

  async function fail(run: BackfillRunRecord, error: string, operationStatus?: string) {
    await store.update(run.shop, run.id, { status: "failed", error, finishedAt: clock.now(), updatedAt: clock.now(), ...(operationStatus ? { operationStatus } : {}) });
    logger.warn({ shop: run.shop, runId: run.id, error }, "history import failed");
  }

  /** a failure Shopify may get over (429, 5xx, no answer) is thrown for the job to retry; any other ends the run */
  async function failed(run: BackfillRunRecord, result: { retryable: boolean; error: string }): Promise<void> {
    if (result.retryable) throw new Error(result.error);
    await fail(run, result.error);
  }

  async function step(shop: string, runId: number): Promise<void> {
    const run = await store.get(shop, runId);
    if (!run || run.status === "done" || run.status === "failed") return;
    const token = await deps.accessToken(shop);
    if (!token) return fail(run, "The shop has no Admin API access token: reinstall the app to import its orders");
    if (run.status === "queued") {
      const started = await admin.startOrdersExport(shop, token, run.historyUntil - run.days * DAY_MS);
      if (!started.ok) return failed(run, started);
      await store.update(shop, run.id, { status: "running", operationId: started.data.id, operationStatus: started.data.status, updatedAt: clock.now() });
      logger.info({ shop, runId, operationId: started.data.id }, "history import: bulk operation started");
      await deps.enqueue(job(shop, run.id, clock.now() + deps.pollMs));
      return;
    }
    if (run.status === "running") {
      const state = await admin.bulkOperation(shop, token, run.operationId!);
      if (!state.ok) return failed(run, state);
      if (!state.data) return fail(run, `Shopify no longer knows bulk operation ${run.operationId}`);
      const op = state.data;
      if (["FAILED", "CANCELED", "EXPIRED"].includes(op.status)) {
        return fail(run, `Shopify: the bulk operation ${op.status.toLowerCase()}${op.errorCode ? ` (${op.errorCode})` : ""}`, op.status);
      }
      if (op.status !== "COMPLETED") {
        await store.update(shop, run.id, { operationStatus: op.status, objectCount: op.objectCount, updatedAt: clock.now() });
        await deps.enqueue(job(shop, run.id, clock.now() + deps.pollMs));
        return;
      }
      await store.update(shop, run.id, { status: "importing", operationStatus: op.status, objectCount: op.objectCount, updatedAt: clock.now() });
      if (!op.url) return finish({ ...run, objectCount: op.objectCount });
      return importSlice({ ...run, status: "importing", objectCount: op.objectCount }, token, op.url);
    }
    // importing: Shopify keeps the file a week; its URL is asked for again (a signed URL expires)
    const state = await admin.bulkOperation(shop, token, run.operationId!);
    if (!state.ok) return failed(run, state);
    if (!state.data?.url) return state.data?.status === "COMPLETED" ? finish(run) : fail(run, "Shopify no longer has the import file: import again");
    return importSlice(run, token, state.data.url);
  }

  async function finish(run: BackfillRunRecord) {
    const at = clock.now();
    await store.update(run.shop, run.id, { status: "done", finishedAt: at, updatedAt: at });
    const done = await store.get(run.shop, run.id);
    logger.info({ shop: run.shop, runId: run.id, ...(done ? countsOf(done) : {}) }, "history import done");
  }

  async function importSlice(run: BackfillRunRecord, token: string, url: string): Promise<void> {
    const began = performance.now();
    const counts = countsOf(run);
    let line = run.linesRead;
    let bytes = run.bytesRead;
    // a run begun before byte offsets were kept goes on by lines: the file from its start, what was read skipped
    let skip = run.bytesRead === 0 ? run.linesRead : 0;
    let chunk: AdminObject[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      await importOrders(run, token, chunk, counts);
      chunk = [];
      counts.linesRead = line;
      counts.bytesRead = bytes;
      await store.update(run.shop, run.id, { ...counts, updatedAt: clock.now() });
    };
    for await (const { text, end } of admin.resultLines(url, run.bytesRead)) {
      if (skip > 0) {
        skip -= 1;
        continue;
      }
      line += 1;
      bytes = end;
      let object: unknown;
      try {
        object = JSON.parse(text);
      } catch {
        logger.warn({ shop: run.shop, runId: run.id, line }, "history import: a line of the file is not JSON; skipped");
        continue;
      }
      // child objects (a nested connection's lines, with __parentId) are not asked for; an order is a top-level line
      if (typeof object !== "object" || object === null || "__parentId" in object) continue;
      chunk.push(object as AdminObject);
      if (chunk.length < CHUNK_ORDERS) continue;
      await flush();
      if (performance.now() - began >= sliceMs) {
        // the rest is the next job's, from the byte this one stopped at: this one's lease is not held for the whole file
        await deps.enqueue(job(run.shop, run.id));
        return;
      }
    }
    await flush();
    counts.linesRead = line;
    counts.bytesRead = bytes;
    await store.update(run.shop, run.id, { ...counts, updatedAt: clock.now() });
    await finish(run);
  }

  async function importOrders(run: BackfillRunRecord, token: string, orders: AdminObject[], counts: ReturnType<typeof countsOf>) {
    const { shop } = run;
    const fulfillmentGids = orders.flatMap((o) => fulfillmentsOf(o).map((f) => f.id)).filter((id): id is string => typeof id === "string");
    // marked before anything is applied: no evaluation can see these parcels before it knows they are history
    await store.markImported(shop, fulfillmentGids.map((gid) => legacyId(gid)!), run.historyUntil);
    const details = await admin.fulfillmentDetails(shop, token, fulfillmentGids);
    if (!details.ok) {
      if (details.retryable) throw new Error(details.error);
      throw new UnrecoverableJobError(details.error);
    }
    const byId = new Map(details.data.map((f) => [f.id, f]));
    for (const order of orders) {
      counts.ordersSeen += 1;
      const orderId = legacyId(order.id);
      if (!orderId) continue;
      if ((await deps.apply(shop, "orders/updated", orderPayload(order))).outcome === "processed") counts.ordersImported += 1;
      for (const listed of fulfillmentsOf(order)) {
        const f = byId.get(listed.id) ?? listed;
        counts.fulfillmentsSeen += 1;
        if ((await deps.apply(shop, "fulfillments/update", fulfillmentPayload(f, orderId, order.shippingAddress))).outcome === "processed") counts.fulfillmentsImported += 1;
        for (const event of eventPayloads(f, orderId)) {
          counts.eventsSeen += 1;
          if ((await deps.apply(shop, "fulfillment_events/create", event)).outcome === "processed") counts.eventsImported += 1;
        }
        const fulfillmentId = legacyId(f.id);
        if (fulfillmentId) await deps.imported?.(shop, fulfillmentId);
      }
    }
  }

  const definition: JobDefinition = {
    name: BACKFILL_JOB,
    async handle(payload, ctx) {
      const parsed = JobPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableJobError(`backfill-import: bad payload: ${parsed.error.message}`);
      await step(ctx.shop, parsed.data.runId);
    },
    async onParked(payload, ctx, error) {
      const parsed = JobPayload.safeParse(payload);
      const run = parsed.success ? await store.get(ctx.shop, parsed.data.runId) : null;
      // nothing imported is lost: what was applied stays, and "Import again" starts over from Shopify
      if (run && run.status !== "done" && run.status !== "failed") await fail(run, error.message);
    },
  };

  return {
    start,
    job: definition,
    /** after install: the last 60 days, once (a shop that already has a run keeps it; Settings → Import runs it again) */
    async onInstall(shop: string) {
      if (await store.latest(shop)) return null;
      return start(shop, { days: BACKFILL_DEFAULT_DAYS, trigger: "install" });
    },
    /** while true, silence is not judged for the shop (exception-desk.ts) */
    async importing(shop: string) {
      return (await store.active(shop)) !== null;
    },
    historyOf: (shop: string, fulfillmentIds: readonly string[]) => store.historyOf(shop, fulfillmentIds),
    latest: (shop: string) => store.latest(shop),
  };
}

function countsOf(run: BackfillRunRecord) {
  const { linesRead, bytesRead, ordersSeen, ordersImported, fulfillmentsSeen, fulfillmentsImported, eventsSeen, eventsImported } = run;
  return { linesRead, bytesRead, ordersSeen, ordersImported, fulfillmentsSeen, fulfillmentsImported, eventsSeen, eventsImported };
}

/** What Settings → Import shows and does: the last import, starting another, and reconciliation's figures. */
export function createHistoryImport(deps: { backfill: Pick<Backfill, "start" | "latest">; reconciliation: { summary(shop: string): Promise<ReconciliationSummary> } }) {
  return {
    async overview(shop: string) {
      const [run, reconciliation] = await Promise.all([deps.backfill.latest(shop), deps.reconciliation.summary(shop)]);
      return { run, reconciliation, days: { min: BACKFILL_MIN_DAYS, max: BACKFILL_MAX_DAYS, default: run?.days ?? BACKFILL_DEFAULT_DAYS } };
    },
    importAgain: (shop: string, days: number) => deps.backfill.start(shop, { days, trigger: "manual" }),
  };
}
