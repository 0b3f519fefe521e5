import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { closeNow, listenLocally, readBody, send } from "./http";

/**
 * A local stand-in for EasyPost, shaped from its API docs, for tests and the demo (EASYPOST_API_BASE=<url>):
 *   GET  /v2/trackers       list trackers (basic auth: the API key as user name, no password)
 *   POST /v2/trackers       create a tracker `{ "tracker": { "tracking_code", "carrier" } }`; a known code
 *                           answers its existing tracker, as EasyPost does
 * Errors come as EasyPost shapes them: `{ "error": { "code", "message", "errors": [] } }`.
 * `sendEvent()` plays EasyPost's webhook side: it POSTs a signed `tracker.updated` (or `tracker.created`) Event to a
 * webhook URL, signed `X-Hmac-Signature: hmac-sha256-hex=…` with the webhook secret. `failNext()` scripts 401/429/503 once, `setMode()` until reset.
 */
export interface EasyPostTrackingDetail {
  datetime: string;
  message: string;
  status: string;
  status_detail: string;
  tracking_location: { city: string | null; state: string | null; country: string | null; zip: string | null };
  source?: string;
  object?: "TrackingDetail";
}

export interface FakeTracker {
  id: string;
  object: "Tracker";
  mode: "test" | "production";
  tracking_code: string;
  carrier: string;
  status: string;
  status_detail: string;
  tracking_details: EasyPostTrackingDetail[];
  est_delivery_date: string | null;
  /** CarrierDetail: `alternate_identifier` is the number the parcel goes on under (UPS Mail Innovations → USPS) */
  carrier_detail?: { object: "CarrierDetail"; service: string | null; alternate_identifier: string | null; [field: string]: unknown } | null;
  created_at: string;
  updated_at: string;
}

export interface RecordedCall {
  method: string;
  path: string;
  apiKey: string | null;
  body: string;
  status: number;
}

export interface FakeEasyPost {
  url: string;
  /** API keys the stand-in accepts (add more with `keys.add`) */
  keys: Set<string>;
  trackers: Map<string, FakeTracker>;
  calls: RecordedCall[];
  /** the next `times` API calls answer this status (401, 429, 503, …) instead */
  failNext(status: number, times?: number): void;
  /** every API call answers this status until set back to null (an outage, a revoked account) */
  setMode(status: number | null): void;
  /** a tracker as EasyPost would hold it, its scans given oldest first */
  tracker(trackingCode: string, details: Partial<EasyPostTrackingDetail>[], carrier?: string): FakeTracker;
  /** the tracker names the number the parcel goes on under, as EasyPost does in `carrier_detail.alternate_identifier` */
  handOff(tracker: FakeTracker, alternateIdentifier: string): FakeTracker;
  /** POSTs an Event about the tracker to a webhook URL, signed with `secret`; `sign: false` sends it unsigned */
  sendEvent(webhookUrl: string, secret: string, tracker: FakeTracker, options?: { description?: string; sign?: boolean; signature?: string; id?: string }): Promise<Response>;
  close(): Promise<void>;
}

/**
 * How EasyPost signs a webhook body: HMAC-SHA256 keyed with the webhook secret (NFKD-normalised, UTF-8), hex, behind
 * `hmac-sha256-hex=`. Written here on its own, not borrowed from the app, so the app's check is tested against it.
 */
export function easyPostSignature(body: string, secret: string): string {
  return `hmac-sha256-hex=${createHmac("sha256", Buffer.from(secret.normalize("NFKD"), "utf8")).update(body, "utf8").digest("hex")}`;
}

const ERRORS: Record<number, { code: string; message: string }> = {
  401: { code: "APIKEY.INACTIVE", message: "The API key given is not active; use an active key or re-enable this one." },
  403: { code: "FORBIDDEN", message: "This key may not perform that request." },
  404: { code: "NOT_FOUND", message: "The requested resource could not be found." },
  422: { code: "TRACKER.INVALID_TRACKING_CODE", message: "The tracking code is not valid for the carrier." },
  429: { code: "RATE_LIMITED", message: "Too many requests; slow down and retry later." },
  500: { code: "INTERNAL_SERVER_ERROR", message: "Something went wrong on our side." },
  503: { code: "SERVICE_UNAVAILABLE", message: "The service is temporarily unavailable." },
};

export async function startFakeEasyPost(options: { port?: number; keys?: string[] } = {}): Promise<FakeEasyPost> {
  const keys = new Set(options.keys ?? ["EZTK_test_key"]);
  const trackers = new Map<string, FakeTracker>();
  const calls: RecordedCall[] = [];
  const failures: number[] = [];
  let mode: number | null = null;
  const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

  const answer = (res: ServerResponse, call: RecordedCall, status: number, body: unknown, extra: Record<string, string> = {}) => {
    call.status = status;
    send(res, status, "application/json", JSON.stringify(body), extra);
  };
  const error = (status: number) => ({ error: { ...(ERRORS[status] ?? { code: "ERROR", message: `HTTP ${status}` }), errors: [] } });

  function apiKeyOf(req: IncomingMessage): string | null {
    const header = req.headers.authorization ?? "";
    if (!header.startsWith("Basic ")) return null;
    const decoded = Buffer.from(header.slice("Basic ".length), "base64").toString("utf8");
    return decoded.includes(":") ? decoded.slice(0, decoded.indexOf(":")) : decoded;
  }

  function makeTracker(trackingCode: string, carrier: string, details: Partial<EasyPostTrackingDetail>[] = []): FakeTracker {
    const scans = details.map((d) => ({
      object: "TrackingDetail" as const,
      datetime: d.datetime ?? iso(),
      message: d.message ?? "",
      status: d.status ?? "in_transit",
      status_detail: d.status_detail ?? "unknown",
      source: carrier,
      tracking_location: d.tracking_location ?? { city: null, state: null, country: null, zip: null },
    }));
    const last = scans.at(-1);
    const now = iso();
    return {
      id: `trk_${randomBytes(12).toString("hex")}`,
      object: "Tracker",
      mode: "test",
      tracking_code: trackingCode,
      carrier,
      status: last?.status ?? "pre_transit",
      status_detail: last?.status_detail ?? "label_created",
      tracking_details: scans,
      est_delivery_date: null,
      created_at: now,
      updated_at: now,
    };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const body = await readBody(req).catch(() => "");
      const call: RecordedCall = { method: req.method ?? "GET", path: url.pathname + url.search, apiKey: apiKeyOf(req), body, status: 0 };
      calls.push(call);
      if (url.pathname !== "/v2/trackers") return answer(res, call, 404, error(404));
      const injected = failures.shift() ?? mode ?? undefined;
      if (injected !== undefined) return answer(res, call, injected, error(injected), injected === 429 ? { "Retry-After": "1" } : {});
      if (!call.apiKey || !keys.has(call.apiKey)) return answer(res, call, 401, error(401));
      if (req.method === "GET") return answer(res, call, 200, { trackers: [...trackers.values()].slice(0, Number(url.searchParams.get("page_size") ?? 20)), has_more: false });
      if (req.method !== "POST") return answer(res, call, 404, error(404));
      let input: { tracker?: { tracking_code?: unknown; carrier?: unknown } };
      try {
        input = JSON.parse(body) as typeof input;
      } catch {
        return answer(res, call, 422, { error: { code: "PARAMETER.INVALID", message: "The body is not JSON.", errors: [] } });
      }
      const code = input.tracker?.tracking_code;
      if (typeof code !== "string" || !code.trim()) {
        return answer(res, call, 422, { error: { code: "PARAMETER.REQUIRED", message: "tracker.tracking_code is required.", errors: [] } });
      }
      const existing = trackers.get(code);
      if (existing) return answer(res, call, 200, existing);
      const tracker = makeTracker(code, typeof input.tracker?.carrier === "string" ? input.tracker.carrier : "USPS");
      trackers.set(code, tracker);
      return answer(res, call, 201, tracker);
    })().catch((err: unknown) => send(res, 500, "text/plain", String(err)));
  });
  const url = await listenLocally(server, options.port);

  return {
    url,
    keys,
    trackers,
    calls,
    setMode(status) {
      mode = status;
    },
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    tracker(trackingCode, details, carrier = "OnTrac") {
      const tracker = makeTracker(trackingCode, carrier, details);
      trackers.set(trackingCode, tracker);
      return tracker;
    },
    handOff(tracker, alternateIdentifier) {
      tracker.carrier_detail = { ...(tracker.carrier_detail ?? {}), object: "CarrierDetail", service: tracker.carrier_detail?.service ?? null, alternate_identifier: alternateIdentifier };
      return tracker;
    },
    async sendEvent(webhookUrl, secret, tracker, opts = {}) {
      const description = opts.description ?? "tracker.updated";
      const now = iso();
      const event = {
        object: "Event",
        id: opts.id ?? `evt_${randomBytes(12).toString("hex")}`,
        mode: tracker.mode,
        description,
        previous_attributes: {},
        result: tracker,
        status: "pending",
        pending_urls: [webhookUrl],
        completed_urls: [],
        created_at: now,
        updated_at: now,
      };
      const body = JSON.stringify(event);
      const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "EasyPost WebHook Agent 1.0" };
      if (opts.signature) headers["x-hmac-signature"] = opts.signature;
      else if (opts.sign !== false) headers["x-hmac-signature"] = easyPostSignature(body, secret);
      return fetch(webhookUrl, { method: "POST", headers, body });
    },
    close: () => closeNow(server),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeEasyPost({ port: Number(process.argv[2] ?? 4030) });
  console.log(`fake EasyPost on ${fake.url}  (EASYPOST_API_BASE=${fake.url}, API key: ${[...fake.keys][0]})`);
}
