import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { closeNow, type InjectedFailure, listenLocally, readBody, send } from "./http";

/**
 * A local stand-in for the Shopify Admin GraphQL API as the history import and reconciliation use it, shaped from
 * Shopify's docs (tests and the demo point SHOPIFY_ADMIN_API_BASE at it):
 *   POST /admin/api/:version/graphql.json
 *     mutation bulkOperationRunQuery(query)       starts a bulk operation over the shop's orders (created_at:>='…');
 *                                                 one at a time per shop, else a userError in Shopify's words
 *     query node(id:) { ... on BulkOperation }     CREATED → RUNNING → COMPLETED (or FAILED with an errorCode) over polls
 *     query nodes(ids:) { ... on Fulfillment }    fulfillments with their events and line items
 *     query orders(first, after, query: "updated_at:>'…'", sortKey: UPDATED_AT)   a page of orders, oldest change first
 *     mutation fulfillmentEventCreate(fulfillmentEvent)   write-back: a known fulfillment and a FulfillmentEventStatus,
 *                                                 else userErrors in Shopify's words; kept in `createdEvents`
 *   GET  /bulk/:id.jsonl                          the finished operation's result: one order per line, its fulfillments
 *                                                 inline (a list), streamed as it is written. `Range: bytes=N-` answers
 *                                                 206 with the rest from byte N (416 past the end), as Shopify's file
 *                                                 storage does; `ignoreRanges()` makes it answer every request whole
 * The shop is the one the access token belongs to (addShop). Every answer carries extensions.cost.throttleStatus
 * from a leaky bucket per shop (maximumAvailable, restoreRate points a second); a query the bucket cannot hold
 * answers `{ errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] }`. `failNext()` scripts 429 /
 * 5xx / timeouts / THROTTLED, for one kind of call or any. Objects are kept in GraphQL's shape (gids, camelCase).
 * This is a separate server from fake-providers.ts (whose /admin/api answers tagsAdd and metafieldsSet).
 */
export type AdminNode = Record<string, unknown>;
export type CallKind = "bulk" | "poll" | "details" | "orders" | "event" | "file";
type Failure = InjectedFailure | "throttled";

interface Bucket {
  available: number;
  at: number;
}

interface Operation {
  id: string;
  shop: string;
  status: string;
  errorCode: string | null;
  createdSince: number;
  polls: number;
  objectCount: number;
}

/** many orders without holding them: made on demand; `fulfillment` finds one by gid without a scan */
export interface MadeOrders {
  count: number;
  make: (i: number) => AdminNode;
  fulfillment?: (gid: string) => AdminNode | null;
}

interface ShopData {
  orders: AdminNode[] | MadeOrders;
}

export interface FakeShopifyAdminOptions {
  port?: number;
  /** the bucket: Shopify's standard plan is 100 points, restoring 50 a second */
  maximumAvailable?: number;
  restoreRate?: number;
  /** requested cost of each kind of query */
  costs?: Partial<Record<Exclude<CallKind, "file">, number>>;
  /** polls an operation answers RUNNING before it is COMPLETED */
  pollsToComplete?: number;
}

export interface FakeShopifyAdmin {
  url: string;
  addShop(shop: string, accessToken: string): void;
  /** queries this stand-in does not answer (tagsAdd, metafieldsSet) are relayed to this base (fake-providers.ts), as they are; null: answered with an error */
  forwardOthersTo(url: string | null): void;
  /** the shop's orders (GraphQL shape, fulfillments with events and fulfillmentLineItems), or a maker for many */
  setOrders(shop: string, orders: AdminNode[] | MadeOrders): void;
  /** replaces one order (a change made in Shopify: its updatedAt moves) */
  upsertOrder(shop: string, order: AdminNode): void;
  failNext(count: number, failure: Failure, kind?: CallKind): void;
  /** the next operation ends FAILED with this errorCode (ACCESS_DENIED, INTERNAL_SERVER_ERROR, TIMEOUT) */
  failNextOperation(errorCode: string): void;
  /** from now on the file is sent whole whatever Range asks (a server without range requests); false restores them */
  ignoreRanges(ignore: boolean): void;
  /**
   * every call; `throttled`: the shop's bucket could not hold it; `injected`: a failNext() answer; for the file, the
   * Range asked for and the bytes sent
   */
  requests: { kind: CallKind | "other"; shop: string | null; status: number; throttled: boolean; injected?: boolean; range?: string | null; bytes?: number }[];
  /** fulfillment events created with fulfillmentEventCreate (write-back), oldest first */
  createdEvents: { shop: string; input: AdminNode; id: string }[];
  /** calls that arrived while the shop's bucket could not hold them (answered THROTTLED; injected ones not counted) */
  throttledCount(): number;
  close(): Promise<void>;
}

/** Admin GraphQL FulfillmentEventStatus */
const FULFILLMENT_EVENT_STATUSES = new Set([
  "ATTEMPTED_DELIVERY", "CARRIER_PICKED_UP", "CONFIRMED", "DELAYED", "DELIVERED", "FAILURE", "IN_TRANSIT", "LABEL_PRINTED", "LABEL_PURCHASED", "OUT_FOR_DELIVERY", "PICKED_UP", "READY_FOR_PICKUP",
]);

const gidNumber = (gid: unknown) => (typeof gid === "string" ? (/\/(\d+)$/.exec(gid)?.[1] ?? gid) : String(gid));

export async function startFakeShopifyAdmin(options: FakeShopifyAdminOptions = {}): Promise<FakeShopifyAdmin> {
  const maximum = options.maximumAvailable ?? 1000;
  const restoreRate = options.restoreRate ?? 50;
  const costs = { bulk: 10, poll: 1, details: 20, orders: 50, event: 10, ...options.costs };
  const createdEvents: { shop: string; input: AdminNode; id: string }[] = [];
  const pollsToComplete = options.pollsToComplete ?? 1;
  const shopOfToken = new Map<string, string>();
  const data = new Map<string, ShopData>();
  const buckets = new Map<string, Bucket>();
  const operations = new Map<string, Operation>();
  const failures: { failure: Failure; kind?: CallKind }[] = [];
  let nextOperationFailure: string | null = null;
  let operationSeq = 0;
  const requests: FakeShopifyAdmin["requests"] = [];
  let base = "";
  let forwardTo: string | null = null;
  let rangesIgnored = false;

  const ordersOf = (shop: string): { count: number; at: (i: number) => AdminNode } => {
    const orders = data.get(shop)?.orders ?? [];
    return Array.isArray(orders) ? { count: orders.length, at: (i) => orders[i]! } : { count: orders.count, at: orders.make };
  };

  function spend(shop: string, cost: number) {
    const now = performance.now();
    const b = buckets.get(shop) ?? { available: maximum, at: now };
    b.available = Math.min(maximum, b.available + ((now - b.at) / 1000) * restoreRate);
    b.at = now;
    buckets.set(shop, b);
    const ok = b.available >= cost;
    if (ok) b.available -= cost;
    return { ok, status: { maximumAvailable: maximum, currentlyAvailable: Math.floor(b.available), restoreRate } };
  }

  function takeFailure(kind: CallKind): Failure | null {
    const i = failures.findIndex((f) => !f.kind || f.kind === kind);
    if (i < 0) return null;
    return failures.splice(i, 1)[0]!.failure;
  }

  function kindOf(query: string): Exclude<CallKind, "file"> | null {
    if (query.includes("bulkOperationRunQuery")) return "bulk";
    if (query.includes("fulfillmentEventCreate")) return "event";
    if (/\bnodes\(ids:/.test(query)) return "details";
    if (/\bnode\(id:/.test(query)) return "poll";
    if (/\borders\(first:/.test(query)) return "orders";
    return null;
  }

  /** a fulfillment as the bulk file lists it: what the bulk query asked for, no connections */
  function listed(f: AdminNode): AdminNode {
    const { events: _e, fulfillmentLineItems: _l, ...rest } = f;
    return rest;
  }
  function exported(order: AdminNode): AdminNode {
    return { ...order, fulfillments: ((order.fulfillments as AdminNode[] | undefined) ?? []).map(listed) };
  }

  function answer(shop: string, kind: Exclude<CallKind, "file">, query: string, variables: Record<string, unknown>): unknown {
    switch (kind) {
      case "bulk": {
        const running = [...operations.values()].find((o) => o.shop === shop && (o.status === "CREATED" || o.status === "RUNNING"));
        if (running) return { bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: null, message: `A bulk query operation for this app and shop is already in progress: ${running.id}.` }] } };
        const inner = typeof variables.query === "string" ? variables.query : "";
        const since = /created_at:>='([^']+)'/.exec(inner)?.[1];
        if (!/\borders\b/.test(inner)) return { bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: ["query"], message: "Invalid bulk query: the query must include a connection" }] } };
        const id = `gid://shopify/BulkOperation/${++operationSeq}`;
        operations.set(id, { id, shop, status: "CREATED", errorCode: null, createdSince: since ? Date.parse(since) : 0, polls: 0, objectCount: 0 });
        if (nextOperationFailure) {
          operations.get(id)!.errorCode = nextOperationFailure;
          nextOperationFailure = null;
        }
        return { bulkOperationRunQuery: { bulkOperation: { id, status: "CREATED" }, userErrors: [] } };
      }
      case "poll": {
        const op = operations.get(String(variables.id));
        if (!op || op.shop !== shop) return { node: null };
        op.polls += 1;
        if (op.status === "CREATED" || op.status === "RUNNING") {
          if (op.polls > pollsToComplete) {
            op.status = op.errorCode ? "FAILED" : "COMPLETED";
            if (!op.errorCode) op.objectCount = selected(op).length;
          } else op.status = "RUNNING";
        }
        const url = op.status === "COMPLETED" && op.objectCount > 0 ? `${base}/bulk/${gidNumber(op.id)}.jsonl` : null;
        return { node: { id: op.id, status: op.status, errorCode: op.errorCode, objectCount: String(op.objectCount), url } };
      }
      case "event": {
        // fulfillmentEventCreate: the fulfillment must be one of the shop's, the status one of FulfillmentEventStatus
        const input = (typeof variables.fulfillmentEvent === "object" && variables.fulfillmentEvent !== null ? variables.fulfillmentEvent : {}) as AdminNode;
        const { count, at } = ordersOf(shop);
        let known = false;
        for (let i = 0; i < count && !known; i++) known = ((at(i).fulfillments as AdminNode[] | undefined) ?? []).some((f) => f.id === input.fulfillmentId);
        if (!known) return { fulfillmentEventCreate: { fulfillmentEvent: null, userErrors: [{ field: ["fulfillmentEvent", "fulfillmentId"], message: "Fulfillment does not exist." }] } };
        if (!FULFILLMENT_EVENT_STATUSES.has(String(input.status))) {
          return { fulfillmentEventCreate: { fulfillmentEvent: null, userErrors: [{ field: ["fulfillmentEvent", "status"], message: "Status is not included in the list" }] } };
        }
        const id = `gid://shopify/FulfillmentEvent/${900000 + createdEvents.length}`;
        createdEvents.push({ shop, input, id });
        return { fulfillmentEventCreate: { fulfillmentEvent: { id, status: input.status }, userErrors: [] } };
      }
      case "details": {
        const ids = new Set((Array.isArray(variables.ids) ? variables.ids : []).map(String));
        const made = data.get(shop)?.orders;
        if (made && !Array.isArray(made) && made.fulfillment) return { nodes: [...ids].map((id) => made.fulfillment!(id)) };
        const found = new Map<string, AdminNode>();
        const { count, at } = ordersOf(shop);
        for (let i = 0; i < count && found.size < ids.size; i++) {
          for (const f of (at(i).fulfillments as AdminNode[] | undefined) ?? []) if (ids.has(String(f.id))) found.set(String(f.id), f);
        }
        return { nodes: [...ids].map((id) => found.get(id) ?? null) };
      }
      case "orders": {
        const q = typeof variables.query === "string" ? variables.query : "";
        const since = Date.parse(/updated_at:>'([^']+)'/.exec(q)?.[1] ?? "1970-01-01T00:00:00Z");
        const { count, at } = ordersOf(shop);
        const matching: AdminNode[] = [];
        for (let i = 0; i < count; i++) if (Date.parse(String(at(i).updatedAt)) > since) matching.push(at(i));
        matching.sort((a, b) => Date.parse(String(a.updatedAt)) - Date.parse(String(b.updatedAt)));
        const first = Number(/orders\(first:\s*(\d+)/.exec(query)?.[1] ?? 25);
        const start = typeof variables.after === "string" ? Number(Buffer.from(variables.after, "base64").toString()) : 0;
        const page = matching.slice(start, start + first);
        const end = start + page.length;
        return { orders: { nodes: page, pageInfo: { hasNextPage: end < matching.length, endCursor: Buffer.from(String(end)).toString("base64") } } };
      }
    }
  }

  function selected(op: Operation): number[] {
    const { count, at } = ordersOf(op.shop);
    const out: number[] = [];
    for (let i = 0; i < count; i++) if (Date.parse(String(at(i).createdAt)) >= op.createdSince) out.push(i);
    return out;
  }

  function injected(res: ServerResponse, failure: Failure, status: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number }, cost: number): number {
    if (failure === "timeout") {
      // no answer: the client's timeout decides (the socket is dropped after a while so the server can close)
      setTimeout(() => res.destroy(), 30_000).unref();
      return 0;
    }
    if (failure === "throttled") {
      send(res, 200, "application/json", JSON.stringify({ errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }], extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: { ...status, currentlyAvailable: 0 } } } }));
      return 200;
    }
    const body = failure.body ?? JSON.stringify({ errors: failure.status === 429 ? "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." : failure.status >= 500 ? "Internal Server Error" : "Bad Request" });
    send(res, failure.status, "application/json", body, failure.retryAfter === undefined ? {} : { "Retry-After": String(failure.retryAfter) });
    return failure.status;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = /^\/bulk\/(\d+)\.jsonl$/.exec(path);
    if (req.method === "GET" && file) {
      const op = operations.get(`gid://shopify/BulkOperation/${file[1]}`);
      const failure = takeFailure("file");
      if (failure) {
        requests.push({ kind: "file", shop: op?.shop ?? null, status: injected(res, failure, { maximumAvailable: maximum, currentlyAvailable: maximum, restoreRate }, 0), throttled: false, injected: true });
        return;
      }
      if (!op || op.status !== "COMPLETED") return send(res, 404, "text/plain", "Not Found");
      const { at } = ordersOf(op.shop);
      const lineOf = (i: number) => Buffer.from(`${JSON.stringify(exported(at(i)))}\n`);
      const asked = typeof req.headers.range === "string" ? req.headers.range : null;
      // a Range it cannot read is ignored and the whole file sent, as HTTP has it (RFC 9110 §14.2)
      const range = rangesIgnored || !asked ? null : /^bytes=(\d+)-$/.exec(asked);
      const from = range ? Number(range[1]) : null;
      const request: FakeShopifyAdmin["requests"][number] = { kind: "file", shop: op.shop, status: 200, throttled: false, range: asked, bytes: 0 };
      requests.push(request);
      if (from !== null) {
        // a range needs the file's size: a first pass over the lines, none of them kept
        let size = 0;
        for (const i of selected(op)) size += lineOf(i).length;
        if (from >= size) {
          request.status = 416;
          res.writeHead(416, { "Content-Range": `bytes */${size}` });
          res.end();
          return;
        }
        request.status = 206;
        res.writeHead(206, { "Content-Type": "application/jsonl", "Content-Range": `bytes ${from}-${size - 1}/${size}`, "Content-Length": String(size - from) });
      } else {
        res.writeHead(200, { "Content-Type": "application/jsonl" });
      }
      // written as the socket drains: a file of 100,000 orders is never held whole, here or in the client
      let offset = 0;
      for (const i of selected(op)) {
        const line = lineOf(i);
        const start = offset;
        offset += line.length;
        if (from !== null && offset <= from) continue;
        const part = from !== null && start < from ? line.subarray(from - start) : line;
        request.bytes! += part.length;
        if (!res.write(part)) await new Promise<void>((resolve) => res.once("drain", resolve));
      }
      res.end();
      return;
    }
    if (req.method !== "POST" || !/^\/admin\/api\/[^/]+\/graphql\.json$/.test(path)) return send(res, 404, "application/json", JSON.stringify({ errors: "Not Found" }));
    const shop = shopOfToken.get(String(req.headers["x-shopify-access-token"] ?? "")) ?? null;
    if (!shop) {
      requests.push({ kind: "other", shop: null, status: 401, throttled: false });
      return send(res, 401, "application/json", JSON.stringify({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }));
    }
    let body: { query?: unknown; variables?: unknown };
    try {
      body = JSON.parse(await readBody(req)) as typeof body;
    } catch {
      return send(res, 400, "application/json", JSON.stringify({ errors: "Bad Request" }));
    }
    const query = typeof body.query === "string" ? body.query : "";
    const variables = (typeof body.variables === "object" && body.variables !== null ? body.variables : {}) as Record<string, unknown>;
    const kind = kindOf(query);
    if (!kind && forwardTo) {
      // the demo's one SHOPIFY_ADMIN_API_BASE: what this stand-in does not answer (tagsAdd, metafieldsSet) goes on
      const relayed = await fetch(`${forwardTo}${req.url ?? ""}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-shopify-access-token": String(req.headers["x-shopify-access-token"] ?? "") },
        body: JSON.stringify(body),
      });
      requests.push({ kind: "other", shop, status: relayed.status, throttled: false });
      return send(res, relayed.status, relayed.headers.get("content-type") ?? "application/json", await relayed.text());
    }
    if (!kind) {
      requests.push({ kind: "other", shop, status: 200, throttled: false });
      return send(res, 200, "application/json", JSON.stringify({ errors: [{ message: "This stand-in answers the import's and reconciliation's queries only", extensions: { code: "undefinedField" } }] }));
    }
    const cost = costs[kind];
    const failure = takeFailure(kind);
    const bucket = spend(shop, failure ? 0 : cost);
    if (failure) {
      requests.push({ kind, shop, status: injected(res, failure, bucket.status, cost), throttled: false, injected: true });
      return;
    }
    if (!bucket.ok) {
      requests.push({ kind, shop, status: 200, throttled: true });
      return injected(res, "throttled", bucket.status, cost);
    }
    const result = answer(shop, kind, query, variables);
    requests.push({ kind, shop, status: 200, throttled: false });
    send(res, 200, "application/json", JSON.stringify({ data: result, extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: bucket.status } } }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, "application/json", JSON.stringify({ errors: String(error) })));
  });
  base = await listenLocally(server, options.port);

  return {
    url: base,
    addShop(shop, token) {
      shopOfToken.set(token, shop);
    },
    forwardOthersTo(url) {
      forwardTo = url?.replace(/\/$/, "") ?? null;
    },
    setOrders(shop, orders) {
      data.set(shop, { orders });
    },
    upsertOrder(shop, order) {
      const current = data.get(shop)?.orders;
      const list = Array.isArray(current) ? current.filter((o) => o.id !== order.id) : [];
      data.set(shop, { orders: [...list, order] });
    },
    failNext(count, failure, kind) {
      for (let i = 0; i < count; i++) failures.push({ failure, kind });
    },
    failNextOperation(errorCode) {
      nextOperationFailure = errorCode;
    },
    ignoreRanges(ignore) {
      rangesIgnored = ignore;
    },
    requests,
    createdEvents,
    throttledCount: () => requests.filter((r) => r.throttled).length,
    close: () => closeNow(server),
  };
}

// `tsx scripts/local-services/fake-shopify-admin.ts [port]`: run it on its own
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeShopifyAdmin({ port: Number(process.argv[2] ?? 4020) });
  console.log(`fake Shopify Admin API on ${fake.url}  (SHOPIFY_ADMIN_API_BASE=${fake.url})`);
}
