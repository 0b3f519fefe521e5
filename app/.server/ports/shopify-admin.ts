/**
 * Ports — Shopify's Admin GraphQL API as the import (backfill) and reconciliation read it, and where they keep
 * their progress. Objects come back in GraphQL's own shape (camelCase, gids); services/shopify-graphql-payloads.ts
 * reads them into the webhook payloads the pipeline already knows.
 */

/** An answer, or why there is none: `retryable` for 429, 5xx, THROTTLED past the client's own waits, no answer. */
export type AdminResult<T> = { ok: true; data: T } | { ok: false; retryable: boolean; error: string };

/** A GraphQL object as Shopify sent it (an Order, a Fulfillment, a FulfillmentEvent). */
export type AdminObject = Record<string, unknown>;

/** A bulk operation as `node(id:)` tells it. */
export interface BulkOperationState {
  id: string;
  /** CREATED | RUNNING | COMPLETED | CANCELING | CANCELED | FAILED | EXPIRED */
  status: string;
  /** ACCESS_DENIED | INTERNAL_SERVER_ERROR | TIMEOUT, when it failed */
  errorCode: string | null;
  objectCount: number | null;
  /** the JSONL result; null while running, and for an operation that found nothing */
  url: string | null;
}

export interface ShopifyAdminApi {
  /** starts bulkOperationRunQuery for the orders created in the last `days` days, with their fulfillments */
  startOrdersExport(shop: string, accessToken: string, createdSince: number): Promise<AdminResult<{ id: string; status: string }>>;
  bulkOperation(shop: string, accessToken: string, id: string): Promise<AdminResult<BulkOperationState | null>>;
  /**
   * the finished operation's JSONL, one line at a time (never the whole file in memory), from byte `fromByte` on;
   * each line with the byte just past it, where a later read resumes
   */
  resultLines(url: string, fromByte?: number): AsyncIterable<{ text: string; end: number }>;
  /** fulfillments by gid with their events and line items (a connection inside a list cannot be asked in bulk) */
  fulfillmentDetails(shop: string, accessToken: string, ids: readonly string[]): Promise<AdminResult<AdminObject[]>>;
  /** one page of orders updated after `since` (oldest first), with fulfillments, their events and line items */
  ordersUpdatedSince(shop: string, accessToken: string, since: number, after: string | null): Promise<AdminResult<{ orders: AdminObject[]; next: string | null }>>;
}

export type BackfillStatus = "queued" | "running" | "importing" | "done" | "failed";
export type BackfillTrigger = "install" | "manual";

export interface BackfillCounts {
  linesRead: number;
  /** where in the file the next job goes on (0: a run begun before byte offsets were kept goes on by lines) */
  bytesRead: number;
  ordersSeen: number;
  ordersImported: number;
  fulfillmentsSeen: number;
  fulfillmentsImported: number;
  eventsSeen: number;
  eventsImported: number;
}

export interface BackfillRunRecord extends BackfillCounts {
  id: number;
  shop: string;
  trigger: BackfillTrigger;
  days: number;
  status: BackfillStatus;
  operationId: string | null;
  operationStatus: string | null;
  error: string | null;
  objectCount: number | null;
  historyUntil: number;
  startedAt: number;
  finishedAt: number | null;
  updatedAt: number;
}

export interface BackfillStore {
  create(shop: string, run: { trigger: BackfillTrigger; days: number; historyUntil: number; at: number }): Promise<BackfillRunRecord>;
  get(shop: string, id: number): Promise<BackfillRunRecord | null>;
  latest(shop: string): Promise<BackfillRunRecord | null>;
  /** the shop's run in progress (queued, running or importing), if any */
  active(shop: string): Promise<BackfillRunRecord | null>;
  update(shop: string, id: number, change: Partial<Omit<BackfillRunRecord, "id" | "shop" | "trigger" | "days" | "historyUntil" | "startedAt">> & { updatedAt: number }): Promise<void>;
  /** marks fulfillments as imported history up to `historyUntil` (a later import moves the mark on) */
  markImported(shop: string, fulfillmentIds: readonly string[], historyUntil: number): Promise<void>;
  /** fulfillment id → until when what it reached is imported history */
  historyOf(shop: string, fulfillmentIds: readonly string[]): Promise<Map<string, number>>;
  /** when the shop's last finished import read Shopify (null: none finished) */
  importedUntil(shop: string): Promise<number | null>;
}

export interface ReconciliationSummary {
  watermark: number | null;
  lastRunAt: number | null;
  lastError: string | null;
  /** shipments repaired by the runs that started since `since` */
  repairedSince: number;
}

export interface ReconciliationStore {
  /** the installed shops whose history was imported: reconciliation goes on from where the import stopped */
  shopsWithHistory(): Promise<string[]>;
  watermark(shop: string): Promise<number | null>;
  /**
   * A run of the shop begins, unless another one is in progress (started within `leaseMs` and not finished: a run
   * whose worker died holds the shop only that long): its id, or null. Two workers asking at once get one run.
   */
  start(shop: string, at: number, leaseMs: number): Promise<number | null>;
  finish(shop: string, runId: number, result: { at: number; ordersSeen: number; repaired: number; watermark: number | null; error: string | null }): Promise<void>;
  summary(shop: string, since: number): Promise<ReconciliationSummary>;
}
