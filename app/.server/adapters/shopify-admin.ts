import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { AdminObject, AdminResult, BulkOperationState, FulfillmentEventWriter, ShopifyAdminApi } from "../ports";
import { callProvider, excerpt, isRecord, isSuccess, maskSecrets, parseJson, parseRetryAfter } from "./channels/http";

/**
 * The fields read of an order, a fulfillment and an event: what the webhook payloads carry, in GraphQL's names
 * (services/shopify-graphql-payloads.ts reads them back into those payloads).
 */
const ORDER_FIELDS = `id name email phone createdAt updatedAt cancelledAt closedAt currencyCode customerLocale tags displayFulfillmentStatus
  totalPriceSet { shopMoney { amount } }
  customer { id email phone firstName lastName tags }
  shippingAddress { firstName lastName name address1 city province provinceCode zip country countryCodeV2 phone }
  shippingLine { code title source }`;
const FULFILLMENT_FIELDS = `id name status displayStatus createdAt updatedAt service { handle } trackingInfo { company number url } originAddress { countryCode provinceCode }`;
const FULFILLMENT_DETAIL_FIELDS = `${FULFILLMENT_FIELDS}
  fulfillmentLineItems(first: 50) { nodes { quantity lineItem { name title } } }
  events(first: 100, sortKey: HAPPENED_AT) { nodes { id status message happenedAt createdAt estimatedDeliveryAt city province country zip } }`;

/**
 * The bulk query. Fulfillments are a list on an order, and a bulk query may not hold a connection inside a list
 * (Shopify refuses it): the events and line items of each fulfillment are asked afterwards, a page of fulfillments
 * at a time (fulfillmentDetails). The order's line items are not read: an imported order is history, its handling
 * time (fulfillment_delayed) judged from what arrives next.
 */
const bulkOrdersQuery = (createdSince: string) => `{
  orders(query: "created_at:>='${createdSince}'", sortKey: CREATED_AT) { edges { node { ${ORDER_FIELDS} fulfillments(first: 250) { ${FULFILLMENT_FIELDS} } } } }
}`;
const RUN_BULK = `mutation ShipwatchImport($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message } } }`;
const BULK_STATE = `query ShipwatchImportState($id: ID!) { node(id: $id) { ... on BulkOperation { id status errorCode objectCount url } } }`;
const FULFILLMENT_DETAILS = `query ShipwatchFulfillments($ids: [ID!]!) { nodes(ids: $ids) { ... on Fulfillment { ${FULFILLMENT_DETAIL_FIELDS} } } }`;
const ORDERS_SINCE = `query ShipwatchReconcile($query: String!, $after: String) {
  orders(first: 25, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes { ${ORDER_FIELDS} fulfillments(first: 20) { ${FULFILLMENT_DETAIL_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** the longest Admin API answer read: far above a page at the queries' limits, short of a runaway */
const ADMIN_MAX_ANSWER_CHARS = 64 * 1024 * 1024;

const CREATE_EVENT = `mutation ShipwatchWriteBack($fulfillmentEvent: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $fulfillmentEvent) { fulfillmentEvent { id status } userErrors { field message } }
}`;

/** Shopify's bucket for an app on a shop, as its last answer told it (extensions.cost.throttleStatus). */
interface Bucket {
  maximum: number;
  available: number;
  restoreRate: number;
  /** performance.now() when it was told */
  at: number;
  /** what the last query asked for: the next is assumed to ask as much */
  lastCost: number;
}

export interface ShopifyAdminClientOptions {
  /** the Admin API origin; each shop's own https://<shop> when unset */
  apiBase?: string | null;
  apiVersion: string;
  timeoutMs: number;
  /** attempts per call, waits on THROTTLED / 429 / 5xx included */
  maxAttempts?: number;
  /** the first back-off after a 5xx or no answer (doubles each time) */
  backoffMs?: number;
  /** waits; tests keep the real one, the bench may count them */
  sleep?: (ms: number) => Promise<void>;
  /**
   * How long the bulk operation's file may send nothing while a line is awaited before its download is given up
   * (default 60 s). Time the reader spends on a line does not count: an import works slowly, its file does not.
   */
  fileIdleMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Admin GraphQL API with Shopify's cost-based rate limit kept: each answer's throttleStatus is remembered per
 * shop, and a call that would find the bucket short waits for it to refill first (restoreRate points a second).
 * THROTTLED and 429 wait as long as the bucket needs (or Retry-After says); 5xx and no answer back off
 * exponentially. Past `maxAttempts` the failure is returned, retryable, for the job to retry later.
 */
export function createShopifyAdminClient(options: ShopifyAdminClientOptions): ShopifyAdminApi & FulfillmentEventWriter & { waits: () => number } {
  const base = options.apiBase?.replace(/\/$/, "") || null;
  const sleep = options.sleep ?? realSleep;
  const maxAttempts = options.maxAttempts ?? 6;
  const backoffMs = options.backoffMs ?? 500;
  const buckets = new Map<string, Bucket>();
  let waited = 0;

  function availableNow(bucket: Bucket): number {
    return Math.min(bucket.maximum, bucket.available + ((performance.now() - bucket.at) / 1000) * bucket.restoreRate);
  }

  /** how long until the bucket holds `cost` points (0: now) */
  function waitFor(shop: string, cost?: number): number {
    const bucket = buckets.get(shop);
    if (!bucket || bucket.restoreRate <= 0) return 0;
    const need = Math.min(bucket.maximum, cost ?? bucket.lastCost);
    const short = need - availableNow(bucket);
    return short > 0 ? Math.ceil((short / bucket.restoreRate) * 1000) : 0;
  }

  function remember(shop: string, body: unknown) {
    const cost = isRecord(body) && isRecord(body.extensions) && isRecord(body.extensions.cost) ? body.extensions.cost : null;
    const status = cost && isRecord(cost.throttleStatus) ? cost.throttleStatus : null;
    if (!status) return null;
    const num = (v: unknown, fallback: number) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
    const requested = num(cost?.requestedQueryCost, 0);
    const bucket: Bucket = {
      maximum: num(status.maximumAvailable, 1000),
      available: num(status.currentlyAvailable, 0),
      restoreRate: num(status.restoreRate, 50),
      at: performance.now(),
      lastCost: Math.max(requested, num(cost?.actualQueryCost, 0), 1),
    };
    buckets.set(shop, bucket);
    return requested;
  }

  async function pause(ms: number) {
    if (ms <= 0) return;
    waited += 1;
    await sleep(ms);
  }

  async function graphql(shop: string, accessToken: string, query: string, variables: Record<string, unknown>): Promise<AdminResult<Record<string, unknown>>> {
    if (!base && !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return { ok: false, retryable: false, error: `"${shop}" is not a myshopify.com domain` };
    const request = {
      provider: "Shopify Admin API",
      url: `${base ?? `https://${shop}`}/admin/api/${encodeURIComponent(options.apiVersion)}/graphql.json`,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": accessToken },
      body: JSON.stringify({ query, variables }),
      timeoutMs: options.timeoutMs,
      secrets: [accessToken],
      // a page of orders with their fulfillments and events is the answer itself: several hundred kilobytes for a
      // busy shop, up to a few megabytes at the query's limits (25 orders × 20 fulfillments × 250 events)
      maxBodyChars: ADMIN_MAX_ANSWER_CHARS,
    };
    let last = "no attempt made";
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await pause(waitFor(shop));
      const result = await callProvider(request);
      const backoff = backoffMs * 2 ** (attempt - 1);
      if ("failure" in result) {
        last = result.failure.error;
        if (attempt < maxAttempts) await pause(backoff);
        continue;
      }
      const { response } = result;
      const body = parseJson(response.body);
      const requested = remember(shop, body);
      if (response.status === 429) {
        last = `Shopify Admin API 429: ${excerpt(maskSecrets(response.body, [accessToken]))}`;
        const after = parseRetryAfter(response.headers.get("retry-after"), Date.now());
        if (attempt < maxAttempts) await pause(after ?? Math.max(waitFor(shop, requested ?? undefined), backoff));
        continue;
      }
      if (response.status >= 500) {
        last = `Shopify Admin API ${response.status}: ${excerpt(maskSecrets(response.body, [accessToken]))}`;
        if (attempt < maxAttempts) await pause(backoff);
        continue;
      }
      if (!isSuccess(response.status)) {
        // 401, 402 (shop frozen), 403 (scope), 404: asking again cannot change the answer
        return { ok: false, retryable: false, error: `Shopify Admin API ${response.status}: ${excerpt(maskSecrets(response.body, [accessToken]))}` };
      }
      const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors.filter(isRecord) : [];
      if (errors.length) {
        const codes = errors.map((e) => (isRecord(e.extensions) && typeof e.extensions.code === "string" ? e.extensions.code : ""));
        const text = maskSecrets(errors.map((e) => (typeof e.message === "string" ? e.message : "error")).join("; "), [accessToken]);
        last = `Shopify Admin API: ${excerpt(text)}`;
        if (codes.includes("THROTTLED")) {
          // the bucket could not hold the query: wait until it can (its cost is in the answer's extensions)
          if (attempt < maxAttempts) await pause(Math.max(waitFor(shop, requested ?? undefined), 100));
          continue;
        }
        if (codes.length && codes.every((c) => ["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"].includes(c))) {
          if (attempt < maxAttempts) await pause(backoff);
          continue;
        }
        return { ok: false, retryable: false, error: last };
      }
      if (!isRecord(body) || !isRecord(body.data)) {
        const why = response.body.length >= ADMIN_MAX_ANSWER_CHARS ? `the answer was over ${ADMIN_MAX_ANSWER_CHARS / 1024 / 1024} MiB and was cut` : "the answer had no data";
        return { ok: false, retryable: true, error: `Shopify Admin API ${response.status}: ${why}` };
      }
      return { ok: true, data: body.data };
    }
    return { ok: false, retryable: true, error: `${last} (after ${maxAttempts} attempts)` };
  }

  const objects = (value: unknown): AdminObject[] => (Array.isArray(value) ? value.filter(isRecord) : []);

  return {
    waits: () => waited,
    async startOrdersExport(shop, accessToken, createdSince) {
      const result = await graphql(shop, accessToken, RUN_BULK, { query: bulkOrdersQuery(new Date(createdSince).toISOString()) });
      if (!result.ok) return result;
      const payload = isRecord(result.data.bulkOperationRunQuery) ? result.data.bulkOperationRunQuery : null;
      const userErrors = objects(payload?.userErrors).map((u) => (typeof u.message === "string" ? u.message : "invalid"));
      // "A bulk query operation for this app and shop is already in progress": Shopify's own words, shown as they are
      if (userErrors.length) return { ok: false, retryable: false, error: `Shopify: ${excerpt(userErrors.join("; "), 500)}` };
      const op = isRecord(payload?.bulkOperation) ? payload.bulkOperation : null;
      if (!op || typeof op.id !== "string") return { ok: false, retryable: true, error: "Shopify Admin API: bulkOperationRunQuery answered no operation" };
      return { ok: true, data: { id: op.id, status: typeof op.status === "string" ? op.status : "CREATED" } };
    },
    async bulkOperation(shop, accessToken, id) {
      const result = await graphql(shop, accessToken, BULK_STATE, { id });
      if (!result.ok) return result;
      const node = isRecord(result.data.node) ? result.data.node : null;
      if (!node || typeof node.id !== "string") return { ok: true, data: null };
      const state: BulkOperationState = {
        id: node.id,
        status: typeof node.status === "string" ? node.status : "UNKNOWN",
        errorCode: typeof node.errorCode === "string" ? node.errorCode : null,
        objectCount: node.objectCount == null ? null : Number(node.objectCount),
        url: typeof node.url === "string" ? node.url : null,
      };
      return { ok: true, data: state };
    },
    /**
     * The file's lines, read as the caller takes them, from byte `fromByte` on: asked for with `Range` (Shopify's
     * file storage answers 206 with the rest), and a server that sends the whole file anyway is read past up to
     * there. Each line comes with the byte just after it, where the next slice of the import asks to go on. Split
     * here on the newline byte (never inside a UTF-8 character), so the offsets are exact and no more than one
     * network chunk is held. The import stops early at the end of each slice: the download is then let go at once
     * (a download left open would hold a connection, and its error later would have no one to hear it and bring
     * the worker down). Waiting `fileIdleMs` for a chunk fails the read.
     */
    async *resultLines(url, fromByte = 0) {
      const idleMs = options.fileIdleMs ?? 60_000;
      const download = new AbortController();
      let idle: NodeJS.Timeout | undefined;
      const wait = () => {
        clearTimeout(idle);
        idle = setTimeout(() => download.abort(new Error(`the import file stopped coming: nothing for ${idleMs / 1000} s`)), idleMs);
      };
      wait();
      let input: Readable | null = null;
      try {
        const res = await fetch(url, { signal: download.signal, headers: fromByte > 0 ? { range: `bytes=${fromByte}-` } : {} });
        // nothing left after the byte asked for: the file was read to its end
        if (fromByte > 0 && res.status === 416) return;
        if (!res.ok || !res.body) throw new Error(`the import file could not be read: ${res.status} ${res.statusText}`);
        input = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
        const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        // where the line being read starts in the file; a whole file (200) starts at 0 whatever was asked
        let lineStart = res.status === 206 ? fromByte : 0;
        let head: Buffer[] = [];
        const line = function* (bytes: Buffer, newline: boolean) {
          const end = lineStart + bytes.length + (newline ? 1 : 0);
          lineStart = end;
          if (end <= fromByte) return;
          const text = bytes.toString("utf8");
          if (text.trim()) yield { text: text.endsWith("\r") ? text.slice(0, -1) : text, end };
        };
        for (;;) {
          wait();
          const got = await chunks.next().catch((error: unknown) => {
            throw download.signal.aborted ? download.signal.reason : error;
          });
          clearTimeout(idle);
          if (got.done) break;
          const chunk = got.value;
          let from = 0;
          for (let newline = chunk.indexOf(10, from); newline !== -1; newline = chunk.indexOf(10, from)) {
            const piece = chunk.subarray(from, newline);
            yield* line(head.length ? Buffer.concat([...head, piece]) : piece, true);
            head = [];
            from = newline + 1;
          }
          if (from < chunk.length) head.push(chunk.subarray(from));
        }
        if (head.length) yield* line(Buffer.concat(head), false);
      } finally {
        clearTimeout(idle);
        // let go of what is left of the file; its stream's errors from here on have nothing left to tell
        input?.on("error", () => {});
        input?.destroy();
        download.abort();
      }
    },
    async fulfillmentDetails(shop, accessToken, ids) {
      if (!ids.length) return { ok: true, data: [] };
      const result = await graphql(shop, accessToken, FULFILLMENT_DETAILS, { ids });
      return result.ok ? { ok: true, data: objects(result.data.nodes) } : result;
    },
    async createFulfillmentEvent(shop, accessToken, input) {
      const result = await graphql(shop, accessToken, CREATE_EVENT, { fulfillmentEvent: input });
      if (!result.ok) return result;
      const payload = isRecord(result.data.fulfillmentEventCreate) ? result.data.fulfillmentEventCreate : null;
      const userErrors = objects(payload?.userErrors).map((u) => `${Array.isArray(u.field) ? `${u.field.join(".")}: ` : ""}${typeof u.message === "string" ? u.message : "invalid"}`);
      // "Fulfillment does not exist", a status Shopify will not take: its own words, and asking again cannot help
      if (userErrors.length) return { ok: false, retryable: false, error: `Shopify: ${excerpt(userErrors.join("; "), 500)}` };
      const event = isRecord(payload?.fulfillmentEvent) ? payload.fulfillmentEvent : null;
      if (!event || typeof event.id !== "string") return { ok: false, retryable: true, error: "Shopify Admin API: fulfillmentEventCreate answered no event" };
      return { ok: true, data: { id: event.id } };
    },
    async ordersUpdatedSince(shop, accessToken, since, after) {
      const result = await graphql(shop, accessToken, ORDERS_SINCE, { query: `updated_at:>'${new Date(since).toISOString()}'`, after });
      if (!result.ok) return result;
      const orders = isRecord(result.data.orders) ? result.data.orders : null;
      const pageInfo = isRecord(orders?.pageInfo) ? orders.pageInfo : null;
      const next = pageInfo?.hasNextPage === true && typeof pageInfo.endCursor === "string" ? pageInfo.endCursor : null;
      return { ok: true, data: { orders: objects(orders?.nodes), next } };
    },
  };
}
