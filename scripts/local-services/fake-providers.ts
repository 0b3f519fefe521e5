import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { readBody, send, type InjectedFailure } from "./http";

/**
 * One local HTTP server standing in for the notification providers, for tests, the demo and the benchmark:
 *   POST /2010-04-01/Accounts/:sid/Messages.json   Twilio Messages (basic auth, E.164 check, 201 + sid)
 *   POST /slack/<any path>                          Slack incoming webhooks ("ok")
 *   POST /api/events                                Klaviyo Create Event (API key + revision, 202)
 *   POST /hooks/<any path>                          a helpdesk's webhook receiver (records raw body + headers)
 *   POST /admin/api/:version/graphql.json           Shopify Admin GraphQL: tagsAdd / metafieldsSet on an
 *                                                   in-memory order store, with the cost-based leaky bucket;
 *                                                   flowTriggerReceive (handle and payload checked, recorded)
 * Every request is recorded per provider; failNext() scripts failures.
 */
export const PROVIDERS = ["twilio", "slack", "klaviyo", "hooks", "shopify"] as const;
export type Provider = (typeof PROVIDERS)[number];

export type { InjectedFailure };

export interface RecordedRequest {
  provider: Provider;
  method: string;
  path: string;
  /** lower-case names */
  headers: Record<string, string>;
  /** the raw body, exactly as received */
  body: string;
  receivedAt: number;
  /** the status answered (0 while a "timeout" is held) */
  status: number;
}

export interface ShopifyMetafield {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface ShopifyOrderState {
  tags: string[];
  /** by "<namespace>.<key>"; the app-reserved namespace reads "$app" */
  metafields: Record<string, ShopifyMetafield>;
}

export interface FakeProvidersOptions {
  /** 0 (default): any free port */
  port?: number;
  host?: string;
  /** require exactly these Twilio credentials (default: any SID/token pair whose SID matches the path) */
  twilio?: { accountSid: string; authToken: string };
  /** require exactly this Klaviyo private key (default: any pk_… key) */
  klaviyo?: { privateKey: string };
  shopify?: {
    /** require exactly this token (default: any non-empty token) */
    accessToken?: string;
    /** bucket size, default 1000 */
    maximumAvailable?: number;
    /** points restored per second, default 50 */
    restoreRate?: number;
    /** what each call costs, default 10 */
    costPerCall?: number;
    /** Flow trigger handles no workflow of the shop uses: flowTriggerReceive answers a user error saying so */
    unusedFlowTriggers?: string[];
  };
  /** how long a "timeout" failure holds its answer, unless the client hangs up first (default 30 s) */
  holdMs?: number;
}

export interface FakeProviders {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  twilioApiBase: string;
  klaviyoApiBase: string;
  shopifyAdminApiBase: string;
  /** a Slack incoming-webhook URL on this server (`name` becomes its last path segment) */
  slackWebhookUrl(name?: string): string;
  /** a helpdesk webhook URL on this server */
  hookUrl(name?: string): string;
  /** recorded requests, of one provider or all */
  requests(provider?: Provider): RecordedRequest[];
  /** the next `count` requests to `provider` get `failure` instead of the normal answer */
  failNext(provider: Provider, count: number, failure: InjectedFailure): void;
  /** Twilio messages accepted (201), form fields decoded */
  twilioMessages(): { accountSid: string; sid: string; to: string; from: string | null; messagingServiceSid: string | null; body: string }[];
  /** Klaviyo events accepted (202), parsed */
  klaviyoEvents(): unknown[];
  /** an order of the Shopify store, null if nothing was written to it */
  shopifyOrder(orderGid: string): ShopifyOrderState | null;
  /** sets a Shopify token's bucket level (e.g. 0 to make the next call throttled) */
  setShopifyAvailable(accessToken: string, points: number): void;
  /** how many Shopify calls were answered THROTTLED */
  shopifyThrottledCount(): number;
  /** Flow triggers accepted by flowTriggerReceive, in order (the token tells the shop) */
  flowTriggers(): { accessToken: string; handle: string; payload: Record<string, unknown> }[];
  /** forgets requests, failures, orders and buckets */
  reset(): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9]\d{6,14}$/;
/** Shopify Flow refuses trigger payloads above 50 KB */
const FLOW_PAYLOAD_MAX_BYTES = 50 * 1024;

export async function startFakeProviders(options: FakeProvidersOptions = {}): Promise<FakeProviders> {
  const host = options.host ?? "127.0.0.1";
  const holdMs = options.holdMs ?? 30_000;
  const shopifyMax = options.shopify?.maximumAvailable ?? 1000;
  const shopifyRestore = options.shopify?.restoreRate ?? 50;
  const shopifyCost = options.shopify?.costPerCall ?? 10;

  const recorded: RecordedRequest[] = [];
  const failures = new Map<Provider, InjectedFailure[]>();
  const held = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  const twilioAccepted: ReturnType<FakeProviders["twilioMessages"]> = [];
  const klaviyoAccepted: unknown[] = [];
  const orders = new Map<string, { tags: Set<string>; metafields: Map<string, ShopifyMetafield> }>();
  const buckets = new Map<string, { available: number; at: number }>();
  const flowAccepted: ReturnType<FakeProviders["flowTriggers"]> = [];
  let throttled = 0;

  const bucketFor = (token: string) => {
    const now = Date.now();
    const bucket = buckets.get(token) ?? { available: shopifyMax, at: now };
    bucket.available = Math.min(shopifyMax, bucket.available + (shopifyRestore * (now - bucket.at)) / 1000);
    bucket.at = now;
    buckets.set(token, bucket);
    return bucket;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain", `fake providers: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const provider = providerOf(url.pathname);
    const body = await readBody(req);
    if (!provider) return send(res, 404, "text/plain", "no fake provider at this path");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const record: RecordedRequest = { provider, method: req.method ?? "GET", path: url.pathname + url.search, headers, body, receivedAt: Date.now(), status: 0 };
    recorded.push(record);
    const answer = (status: number, contentType: string, text: string, extra: Record<string, string> = {}) => {
      record.status = status;
      send(res, status, contentType, text, extra);
    };

    const failure = failures.get(provider)?.shift();
    if (failure === "timeout") {
      const entry = {
        res,
        timer: setTimeout(() => {
          held.delete(entry);
          answer(504, "text/plain", "held past the client's timeout");
        }, holdMs),
      };
      held.add(entry);
      res.on("close", () => {
        clearTimeout(entry.timer);
        held.delete(entry);
      });
      return;
    }
    if (failure) {
      const extra: Record<string, string> = failure.retryAfter !== undefined ? { "Retry-After": String(failure.retryAfter) } : {};
      const text = failure.body ?? defaultFailureBody(provider, failure.status);
      return answer(failure.status, text.startsWith("{") ? "application/json" : "text/plain", text, extra);
    }
    if (req.method !== "POST") return answer(405, "text/plain", "method not allowed");

    switch (provider) {
      case "twilio":
        return twilio(url.pathname, headers, body, answer);
      case "slack":
        return slack(body, answer);
      case "klaviyo":
        return klaviyo(headers, body, answer);
      case "hooks":
        return answer(200, "application/json", JSON.stringify({ received: true }));
      case "shopify":
        return shopify(headers, body, answer);
    }
  }

  type Answer = (status: number, contentType: string, text: string, extra?: Record<string, string>) => void;
  const json = (answer: Answer, status: number, value: unknown) => answer(status, "application/json", JSON.stringify(value));

  function twilio(path: string, headers: Record<string, string>, body: string, answer: Answer) {
    const sid = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path)?.[1];
    if (!sid) return json(answer, 404, { code: 20404, message: "The requested resource was not found", status: 404 });
    const auth = /^Basic (.+)$/.exec(headers.authorization ?? "")?.[1];
    const [user, ...rest] = auth ? Buffer.from(auth, "base64").toString("utf8").split(":") : [];
    const token = rest.join(":");
    const expected = options.twilio;
    const authorized = user === decodeURIComponent(sid) && !!token && (!expected || (user === expected.accountSid && token === expected.authToken));
    if (!authorized) return json(answer, 401, { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 });
    const form = new URLSearchParams(body);
    const to = form.get("To") ?? "";
    const from = form.get("From");
    const messagingServiceSid = form.get("MessagingServiceSid");
    const text = form.get("Body") ?? "";
    if (!E164.test(to)) {
      return json(answer, 400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, more_info: "https://www.twilio.com/docs/errors/21211", status: 400 });
    }
    if (!from && !messagingServiceSid) {
      return json(answer, 400, { code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required to send a message", status: 400 });
    }
    if (!text) return json(answer, 400, { code: 21602, message: "Message body is required.", status: 400 });
    const messageSid = `SM${randomBytes(16).toString("hex")}`;
    twilioAccepted.push({ accountSid: decodeURIComponent(sid), sid: messageSid, to, from, messagingServiceSid, body: text });
    return json(answer, 201, {
      sid: messageSid,
      account_sid: decodeURIComponent(sid),
      to,
      from,
      messaging_service_sid: messagingServiceSid,
      body: text,
      status: messagingServiceSid ? "accepted" : "queued",
      num_segments: String(Math.max(1, Math.ceil(text.length / 160))),
      direction: "outbound-api",
      api_version: "2010-04-01",
      error_code: null,
      error_message: null,
    });
  }

  function slack(body: string, answer: Answer) {
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return answer(400, "text/plain", "invalid_payload");
    }
    if (!isRecord(payload)) return answer(400, "text/plain", "invalid_payload");
    if (typeof payload.text !== "string" || payload.text.trim() === "") return answer(400, "text/plain", "no_text");
    return answer(200, "text/plain", "ok");
  }

  function klaviyo(headers: Record<string, string>, body: string, answer: Answer) {
    const error = (status: number, code: string, title: string, detail: string, pointer?: string) =>
      answer(status, "application/vnd.api+json", JSON.stringify({ errors: [{ id: randomBytes(8).toString("hex"), status, code, title, detail, ...(pointer ? { source: { pointer } } : {}) }] }));
    const key = /^Klaviyo-API-Key (.+)$/.exec(headers.authorization ?? "")?.[1];
    const validKey = key && (options.klaviyo ? key === options.klaviyo.privateKey : /^pk_[A-Za-z0-9]{20,}$/.test(key));
    if (!validKey) return error(401, "not_authenticated", "Authentication credentials were not provided.", "Missing or invalid private key.");
    if (!/^\d{4}-\d{2}-\d{2}(\.pre)?$/.test(headers.revision ?? "")) return error(400, "invalid", "Invalid input.", "A valid revision header is required.");
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return error(400, "invalid", "Invalid input.", "The request body is not JSON.");
    }
    const data = isRecord(payload) && isRecord(payload.data) ? payload.data : null;
    if (!data || data.type !== "event" || !isRecord(data.attributes)) return error(400, "invalid", "Invalid input.", "Expected an event resource.", "/data");
    const attributes = data.attributes;
    const metric = isRecord(attributes.metric) && isRecord(attributes.metric.data) ? attributes.metric.data : null;
    if (!metric || metric.type !== "metric" || !isRecord(metric.attributes) || typeof metric.attributes.name !== "string" || !metric.attributes.name) {
      return error(400, "invalid", "Invalid input.", "The metric needs a name.", "/data/attributes/metric/data/attributes/name");
    }
    const profile = isRecord(attributes.profile) && isRecord(attributes.profile.data) ? attributes.profile.data : null;
    const identifiers = profile && isRecord(profile.attributes) ? ["email", "phone_number", "external_id", "anonymous_id"].filter((k) => isRecord(profile.attributes) && profile.attributes[k]) : [];
    if (!profile || profile.type !== "profile" || identifiers.length === 0) {
      return error(400, "invalid", "Invalid input.", "The profile needs an email, phone_number, external_id or anonymous_id.", "/data/attributes/profile/data/attributes");
    }
    if (!isRecord(attributes.properties)) return error(400, "invalid", "Invalid input.", "properties must be an object.", "/data/attributes/properties");
    if (attributes.time !== undefined && (typeof attributes.time !== "string" || Number.isNaN(Date.parse(attributes.time)))) {
      return error(400, "invalid", "Invalid input.", "time must be an ISO 8601 date-time.", "/data/attributes/time");
    }
    klaviyoAccepted.push(payload);
    return answer(202, "application/vnd.api+json", "");
  }

  function shopify(headers: Record<string, string>, body: string, answer: Answer) {
    const token = headers["x-shopify-access-token"];
    const expected = options.shopify?.accessToken;
    if (!token || (expected !== undefined && token !== expected)) {
      return json(answer, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      return json(answer, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (!isRecord(request) || typeof request.query !== "string") return json(answer, 400, { errors: { query: "Required parameter missing or invalid" } });
    const variables = isRecord(request.variables) ? request.variables : {};

    const bucket = bucketFor(token);
    const throttleStatus = () => ({ maximumAvailable: shopifyMax, currentlyAvailable: Math.floor(bucket.available), restoreRate: shopifyRestore });
    if (bucket.available < shopifyCost) {
      throttled++;
      return json(answer, 200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: shopifyCost, actualQueryCost: null, throttleStatus: throttleStatus() } },
      });
    }
    bucket.available -= shopifyCost;

    const data: Record<string, unknown> = {};
    const errors: { message: string; extensions?: Record<string, unknown> }[] = [];
    const fieldPattern = /(?:(\w+)\s*:\s*)?\b(tagsAdd|metafieldsSet|flowTriggerReceive)\s*\(([^)]*)\)/g;
    let found = 0;
    for (const match of request.query.matchAll(fieldPattern)) {
      found++;
      const [, alias, field, argText] = match as unknown as [string, string | undefined, "tagsAdd" | "metafieldsSet" | "flowTriggerReceive", string];
      const args: Record<string, unknown> = {};
      for (const arg of argText.split(",")) {
        const pair = /^\s*(\w+)\s*:\s*\$(\w+)\s*$/.exec(arg);
        if (!pair) {
          errors.push({ message: `the fake Shopify API takes variables only: ${arg.trim()}`, extensions: { code: "argumentLiteralsIncompatible" } });
          continue;
        }
        args[pair[1]!] = variables[pair[2]!];
      }
      data[alias ?? field] = field === "tagsAdd" ? tagsAdd(args) : field === "metafieldsSet" ? metafieldsSet(args) : flowTriggerReceive(token, args);
    }
    if (found === 0) errors.push({ message: "the fake Shopify API only knows the mutations tagsAdd, metafieldsSet and flowTriggerReceive", extensions: { code: "undefinedField" } });
    const extensions = { cost: { requestedQueryCost: shopifyCost, actualQueryCost: shopifyCost, throttleStatus: throttleStatus() } };
    return json(answer, 200, errors.length > 0 ? { errors, extensions } : { data, extensions });
  }

  function orderFor(gid: string) {
    let order = orders.get(gid);
    if (!order) {
      order = { tags: new Set(), metafields: new Map() };
      orders.set(gid, order);
    }
    return order;
  }

  function tagsAdd(args: Record<string, unknown>) {
    const id = args.id;
    if (typeof id !== "string" || !/^gid:\/\/shopify\/Order\/\d+$/.test(id)) {
      return { node: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] };
    }
    const tags = Array.isArray(args.tags) ? args.tags : typeof args.tags === "string" ? args.tags.split(",") : null;
    if (!tags || tags.some((t) => typeof t !== "string")) return { node: null, userErrors: [{ field: ["tags"], message: "Tags must be a list of strings" }] };
    const clean = (tags as string[]).map((t) => t.trim()).filter(Boolean);
    const tooLong = clean.find((t) => t.length > 255);
    if (tooLong) return { node: null, userErrors: [{ field: ["tags"], message: "Tag is too long (maximum is 255 characters)" }] };
    const order = orderFor(id);
    for (const tag of clean) order.tags.add(tag);
    return { node: { id }, userErrors: [] };
  }

  function flowTriggerReceive(token: string, args: Record<string, unknown>) {
    const { handle, payload } = args;
    // an extension handle: at most 30 characters, letters, digits and hyphens
    if (typeof handle !== "string" || !/^[a-z0-9][a-z0-9-]{0,29}$/i.test(handle)) return { userErrors: [{ field: ["handle"], message: "Invalid handle" }] };
    if (!isRecord(payload)) return { userErrors: [{ field: ["payload"], message: "Payload must be a JSON object" }] };
    if (Buffer.byteLength(JSON.stringify(payload)) > FLOW_PAYLOAD_MAX_BYTES) return { userErrors: [{ field: ["payload"], message: "Payload exceeds the 50 KB limit" }] };
    if (options.shopify?.unusedFlowTriggers?.includes(handle)) return { userErrors: [{ field: ["handle"], message: "No enabled workflows use this trigger" }] };
    flowAccepted.push({ accessToken: token, handle, payload });
    return { userErrors: [] };
  }

  function metafieldsSet(args: Record<string, unknown>) {
    const list = args.metafields;
    if (!Array.isArray(list)) return { metafields: null, userErrors: [{ field: ["metafields"], message: "metafields must be a list", code: "INVALID" }] };
    if (list.length > 25) return { metafields: null, userErrors: [{ field: ["metafields"], message: "Exceeded the maximum metafields input limit of 25.", code: "LESS_THAN_OR_EQUAL_TO" }] };
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    const valid: ShopifyMetafield[] = [];
    const owners: string[] = [];
    list.forEach((input: unknown, i) => {
      const at = (name: string) => ["metafields", String(i), name];
      if (!isRecord(input)) return userErrors.push({ field: at("input"), message: "is not an object", code: "INVALID" });
      const { ownerId, key, type, value } = input;
      const namespace = input.namespace === undefined || input.namespace === null ? "$app" : input.namespace;
      if (typeof ownerId !== "string" || !/^gid:\/\/shopify\/Order\/\d+$/.test(ownerId)) return userErrors.push({ field: at("ownerId"), message: "Owner does not exist.", code: "INVALID" });
      if (typeof namespace !== "string" || (namespace !== "$app" && !/^[\w$:-]{3,255}$/.test(namespace))) return userErrors.push({ field: at("namespace"), message: "Namespace is invalid.", code: "INVALID" });
      if (typeof key !== "string" || !/^[A-Za-z0-9_-]{2,64}$/.test(key)) return userErrors.push({ field: at("key"), message: "Key is invalid.", code: "INVALID" });
      if (typeof type !== "string" || !["json", "single_line_text_field", "multi_line_text_field", "boolean", "number_integer", "date_time"].includes(type)) {
        return userErrors.push({ field: at("type"), message: "Type can't be blank or is not supported.", code: "INVALID_TYPE" });
      }
      if (typeof value !== "string") return userErrors.push({ field: at("value"), message: "Value must be a string.", code: "INVALID_VALUE" });
      if (type === "json") {
        try {
          JSON.parse(value);
        } catch {
          return userErrors.push({ field: at("value"), message: "Value is invalid JSON.", code: "INVALID_VALUE" });
        }
      }
      if (type === "single_line_text_field" && /[\r\n]/.test(value)) return userErrors.push({ field: at("value"), message: "Value must be a single line.", code: "INVALID_VALUE" });
      valid.push({ namespace, key, type, value });
      owners.push(ownerId);
    });
    // atomic: nothing is written when any input is invalid
    if (userErrors.length > 0) return { metafields: null, userErrors };
    valid.forEach((m, i) => orderFor(owners[i]!).metafields.set(`${m.namespace}.${m.key}`, m));
    return { metafields: valid.map((m, i) => ({ id: `gid://shopify/Metafield/${1000 + i}`, ...m })), userErrors: [] };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  return {
    url,
    port,
    twilioApiBase: url,
    klaviyoApiBase: url,
    shopifyAdminApiBase: url,
    slackWebhookUrl: (name = "XXXXXXXXXXXXXXXXXXXXXXXX") => `${url}/slack/services/T0000000000/B0000000000/${encodeURIComponent(name)}`,
    hookUrl: (name = "helpdesk") => `${url}/hooks/${encodeURIComponent(name)}`,
    requests: (provider) => (provider ? recorded.filter((r) => r.provider === provider) : recorded.slice()),
    failNext(provider, count, failure) {
      if (!PROVIDERS.includes(provider)) throw new Error(`failNext: unknown provider ${String(provider)}`);
      const queue = failures.get(provider) ?? [];
      for (let i = 0; i < count; i++) queue.push(failure);
      failures.set(provider, queue);
    },
    twilioMessages: () => twilioAccepted.slice(),
    klaviyoEvents: () => klaviyoAccepted.slice(),
    shopifyOrder(orderGid) {
      const order = orders.get(orderGid);
      if (!order) return null;
      return { tags: [...order.tags], metafields: Object.fromEntries([...order.metafields].map(([k, m]) => [k, { ...m }])) };
    },
    setShopifyAvailable(accessToken, points) {
      buckets.set(accessToken, { available: Math.max(0, Math.min(shopifyMax, points)), at: Date.now() });
    },
    shopifyThrottledCount: () => throttled,
    flowTriggers: () => flowAccepted.map((t) => ({ ...t })),
    reset() {
      recorded.length = 0;
      failures.clear();
      twilioAccepted.length = 0;
      klaviyoAccepted.length = 0;
      orders.clear();
      buckets.clear();
      flowAccepted.length = 0;
      throttled = 0;
    },
    close() {
      for (const entry of held) {
        clearTimeout(entry.timer);
        entry.res.destroy();
      }
      held.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function providerOf(path: string): Provider | null {
  if (path.startsWith("/2010-04-01/")) return "twilio";
  if (path.startsWith("/slack/")) return "slack";
  if (path === "/api/events" || path === "/api/events/") return "klaviyo";
  if (path.startsWith("/hooks/")) return "hooks";
  if (/^\/admin\/api\/[^/]+\/graphql\.json$/.test(path)) return "shopify";
  return null;
}

function defaultFailureBody(provider: Provider, status: number): string {
  switch (provider) {
    case "twilio": {
      const [code, message] =
        status === 429 ? [20429, "Too Many Requests"] : status >= 500 ? [20500, "An internal server error has occurred"] : status === 401 ? [20003, "Authenticate"] : [21610, "Attempt to send to unsubscribed recipient"];
      return JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
    }
    case "slack":
      return ({ 400: "invalid_payload", 403: "invalid_token", 404: "no_service", 410: "channel_is_archived", 429: "rate_limited" } as Record<number, string>)[status] ?? "internal_error";
    case "klaviyo": {
      const code = status === 429 ? "throttled" : status >= 500 ? "error" : status === 401 ? "not_authenticated" : "invalid";
      const detail = status === 429 ? "Request was throttled." : status >= 500 ? "A server error occurred." : "Invalid input.";
      return JSON.stringify({ errors: [{ id: randomBytes(8).toString("hex"), status, code, title: detail, detail }] });
    }
    case "hooks":
      return status >= 500 ? "Internal Server Error" : "Bad Request";
    case "shopify":
      return JSON.stringify({ errors: status === 429 ? "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service." : status >= 500 ? "Internal Server Error" : "Bad Request" });
  }
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// `tsx scripts/local-services/fake-providers.ts [port]`: run it on its own, e.g. for the demo
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeProviders({ port: Number(process.argv[2] ?? 4010) });
  console.log(`fake providers on ${fake.url}`);
  console.log(`  TWILIO_API_BASE=${fake.twilioApiBase} KLAVIYO_API_BASE=${fake.klaviyoApiBase} SHOPIFY_ADMIN_API_BASE=${fake.shopifyAdminApiBase}`);
  console.log(`  Slack webhook: ${fake.slackWebhookUrl()}   helpdesk webhook: ${fake.hookUrl()}`);
}
