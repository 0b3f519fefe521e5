import { generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { closeNow, listenLocally, readBody, send } from "./http";

/**
 * A local stand-in for ShipEngine (ShipStation API), shaped from its docs, for tests and the demo
 * (SHIPENGINE_API_BASE=<url>):
 *   GET    /v1/environment/webhooks        the account's webhooks (`API-Key` header)
 *   POST   /v1/environment/webhooks        create one `{ "event": "track", "url" }` → 201 `{ "webhook_id", "url", "event" }`
 *   DELETE /v1/environment/webhooks/<id>   204
 *   POST   /v1/tracking/start?carrier_code=&tracking_number=   204, as ShipEngine answers
 *   GET    /jwks                           the public keys its webhook signatures are checked with (no key needed)
 * Errors come as ShipEngine shapes them: `{ "request_id", "errors": [ { "error_source", "error_type", "error_code", "message" } ] }`.
 * `sendWebhook()` plays ShipEngine's webhook side: a `track` webhook (resource_type API_TRACK) POSTed to a URL and
 * signed as the docs describe: `x-shipengine-rsa-sha256-signature` = base64 RSA-SHA256 of `<timestamp>.<body>` with the
 * key named by `x-shipengine-rsa-sha256-key-id`, the time in `x-shipengine-timestamp`. `failNext()` scripts a status
 * once, `setMode()` until reset.
 */
export interface ShipEngineTrackEvent {
  occurred_at: string;
  carrier_occurred_at?: string;
  description: string;
  city_locality: string;
  state_province: string;
  postal_code: string;
  country_code: string;
  company_name: string;
  signer: string;
  event_code: string;
  status_code: string;
  status_detail_code: string | null;
  status_description: string;
  carrier_status_code: string;
  carrier_status_description: string;
  latitude?: number | null;
  longitude?: number | null;
}

export interface FakeTrackingInfo {
  tracking_number: string;
  status_code: string;
  status_detail_code: string | null;
  status_description: string;
  carrier_code: string;
  carrier_status_code: string;
  carrier_status_description: string;
  ship_date: string | null;
  estimated_delivery_date: string | null;
  actual_delivery_date: string | null;
  exception_description: string | null;
  events: ShipEngineTrackEvent[];
}

export interface RecordedCall {
  method: string;
  path: string;
  apiKey: string | null;
  body: string;
  status: number;
}

export interface FakeShipEngine {
  url: string;
  keys: Set<string>;
  webhooks: Map<string, { webhook_id: string; url: string; event: string; apiKey: string }>;
  /** parcels whose tracking was started: `<carrier_code>:<tracking_number>` */
  tracked: Set<string>;
  calls: RecordedCall[];
  keyId: string;
  failNext(status: number, times?: number): void;
  setMode(status: number | null): void;
  /** tracking information as ShipEngine would send it, its events given oldest first */
  tracking(trackingNumber: string, events: Partial<ShipEngineTrackEvent>[], carrierCode?: string): FakeTrackingInfo;
  /**
   * POSTs a `track` webhook to a URL, signed with the stand-in's key at `timestamp` (an ISO time; default now);
   * `sign: false` sends no signature headers, `signature`/`keyId` send the given ones instead, `body` replaces the JSON.
   */
  sendWebhook(
    webhookUrl: string,
    tracking: FakeTrackingInfo,
    options?: { timestamp?: string; sign?: boolean; signature?: string; keyId?: string; body?: string; resourceType?: string },
  ): Promise<Response>;
  /** signs a body as ShipEngine does, with another key pair when `privateKey` is given (a forger's) */
  signatureOf(body: string, timestamp: string, privateKey?: KeyObject): string;
  close(): Promise<void>;
}

const ERRORS: Record<number, { error_type: string; error_code: string; message: string }> = {
  400: { error_type: "validation", error_code: "invalid_field_value", message: "The request is invalid." },
  401: { error_type: "security", error_code: "unauthorized", message: "The API key is invalid. Please see https://www.shipengine.com/docs/auth" },
  403: { error_type: "security", error_code: "forbidden", message: "The API key does not have access to this resource." },
  404: { error_type: "validation", error_code: "not_found", message: "The resource was not found." },
  429: { error_type: "system", error_code: "rate_limit_exceeded", message: "You have exceeded the rate limit." },
  500: { error_type: "system", error_code: "unspecified", message: "An unexpected error occurred." },
  503: { error_type: "system", error_code: "unspecified", message: "The service is temporarily unavailable. Please try again later." },
};

export async function startFakeShipEngine(options: { port?: number; keys?: string[] } = {}): Promise<FakeShipEngine> {
  const keys = new Set(options.keys ?? ["TEST_shipengine_key"]);
  const webhooks = new Map<string, { webhook_id: string; url: string; event: string; apiKey: string }>();
  const tracked = new Set<string>();
  const calls: RecordedCall[] = [];
  const failures: number[] = [];
  let mode: number | null = null;
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyId = `se-key-${randomUUID().slice(0, 8)}`;
  const jwks = { keys: [{ ...publicKey.export({ format: "jwk" }), kid: keyId, use: "sig", alg: "RS256" }] };
  let nextWebhook = 1000;

  const answer = (res: ServerResponse, call: RecordedCall, status: number, body: unknown, extra: Record<string, string> = {}) => {
    call.status = status;
    send(res, status, "application/json", body === null ? "" : JSON.stringify(body), extra);
  };
  const error = (status: number, message?: string) => {
    const e = ERRORS[status] ?? { error_type: "system", error_code: "unspecified", message: `HTTP ${status}` };
    return { request_id: randomUUID(), errors: [{ error_source: "shipengine", error_type: e.error_type, error_code: e.error_code, message: message ?? e.message }] };
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const body = await readBody(req).catch(() => "");
      const header = req.headers["api-key"];
      const call: RecordedCall = { method: req.method ?? "GET", path: url.pathname + url.search, apiKey: (Array.isArray(header) ? header[0] : header) ?? null, body, status: 0 };
      calls.push(call);
      if (url.pathname === "/jwks" && req.method === "GET") return answer(res, call, 200, jwks);
      const hookId = /^\/v1\/environment\/webhooks\/([\w-]+)$/.exec(url.pathname)?.[1];
      const known =
        (url.pathname === "/v1/environment/webhooks" && (req.method === "GET" || req.method === "POST")) ||
        (hookId !== undefined && req.method === "DELETE") ||
        (url.pathname === "/v1/tracking/start" && req.method === "POST");
      if (!known) return answer(res, call, 404, error(404));
      const injected = failures.shift() ?? mode ?? undefined;
      if (injected !== undefined) return answer(res, call, injected, error(injected), injected === 429 ? { "Retry-After": "1" } : {});
      if (!call.apiKey || !keys.has(call.apiKey)) return answer(res, call, 401, error(401));
      if (url.pathname === "/v1/tracking/start") {
        const carrier = url.searchParams.get("carrier_code");
        const number = url.searchParams.get("tracking_number");
        if (!carrier || !number) return answer(res, call, 400, error(400, "carrier_code and tracking_number are required."));
        tracked.add(`${carrier}:${number}`);
        return answer(res, call, 204, null);
      }
      if (hookId !== undefined) {
        if (!webhooks.delete(hookId)) return answer(res, call, 404, error(404));
        return answer(res, call, 204, null);
      }
      if (req.method === "GET") {
        const mine = [...webhooks.values()].filter((w) => w.apiKey === call.apiKey).map(({ apiKey: _k, ...w }) => w);
        return answer(res, call, 200, mine);
      }
      let input: { event?: unknown; url?: unknown };
      try {
        input = JSON.parse(body) as typeof input;
      } catch {
        return answer(res, call, 400, error(400, "The request body is not valid JSON."));
      }
      if (input.event !== "track" || typeof input.url !== "string" || !/^https?:\/\//.test(input.url)) {
        return answer(res, call, 400, error(400, "event must be one of the webhook events and url a URL."));
      }
      const webhook = { webhook_id: `se-${nextWebhook++}`, url: input.url, event: input.event, apiKey: call.apiKey };
      webhooks.set(webhook.webhook_id, webhook);
      const { apiKey: _k, ...shown } = webhook;
      return answer(res, call, 201, shown);
    })().catch((err: unknown) => send(res, 500, "text/plain", String(err)));
  });
  const url = await listenLocally(server, options.port);

  const signatureOf = (body: string, timestamp: string, key: KeyObject = privateKey) => sign("sha256", Buffer.from(`${timestamp}.${body}`, "utf8"), key).toString("base64");

  return {
    url,
    keys,
    webhooks,
    tracked,
    calls,
    keyId,
    setMode(status) {
      mode = status;
    },
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    tracking(trackingNumber, events, carrierCode = "ontrac") {
      const full = events.map((e) => ({
        occurred_at: e.occurred_at ?? new Date().toISOString(),
        carrier_occurred_at: e.carrier_occurred_at ?? e.occurred_at,
        description: e.description ?? "",
        city_locality: e.city_locality ?? "",
        state_province: e.state_province ?? "",
        postal_code: e.postal_code ?? "",
        country_code: e.country_code ?? "",
        company_name: e.company_name ?? "",
        signer: e.signer ?? "",
        event_code: e.event_code ?? "",
        status_code: e.status_code ?? "IT",
        status_detail_code: e.status_detail_code ?? null,
        status_description: e.status_description ?? "In Transit",
        carrier_status_code: e.carrier_status_code ?? "",
        carrier_status_description: e.carrier_status_description ?? e.description ?? "",
      }));
      const last = full.at(-1);
      return {
        tracking_number: trackingNumber,
        status_code: last?.status_code ?? "NY",
        status_detail_code: last?.status_detail_code ?? null,
        status_description: last?.status_description ?? "Not Yet In System",
        carrier_code: carrierCode,
        carrier_status_code: last?.carrier_status_code ?? "",
        carrier_status_description: last?.carrier_status_description ?? "",
        ship_date: full[0]?.occurred_at ?? null,
        estimated_delivery_date: null,
        actual_delivery_date: last?.status_code === "DE" ? last.occurred_at : null,
        exception_description: null,
        events: full,
      };
    },
    async sendWebhook(webhookUrl, tracking, opts = {}) {
      const payload = {
        resource_url: `https://api.shipengine.com/v1/tracking?carrier_code=${tracking.carrier_code}&tracking_number=${tracking.tracking_number}`,
        resource_type: opts.resourceType ?? "API_TRACK",
        data: tracking,
      };
      const body = opts.body ?? JSON.stringify(payload);
      const timestamp = opts.timestamp ?? new Date().toISOString();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (opts.sign !== false) {
        headers["x-shipengine-rsa-sha256-key-id"] = opts.keyId ?? keyId;
        headers["x-shipengine-rsa-sha256-signature"] = opts.signature ?? signatureOf(body, timestamp);
        headers["x-shipengine-timestamp"] = timestamp;
      }
      return fetch(webhookUrl, { method: "POST", headers, body });
    },
    signatureOf,
    close: () => closeNow(server),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeShipEngine({ port: Number(process.argv[2] ?? 4032) });
  console.log(`fake ShipEngine on ${fake.url}  (SHIPENGINE_API_BASE=${fake.url}, API key: ${[...fake.keys][0]})`);
}
