import { createHmac, randomUUID } from "node:crypto";
import { createServer, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { closeNow, listenLocally, readBody, send } from "./http";

/**
 * A local stand-in for AfterShip Tracking (API 2026-07), shaped from its docs, for tests and the demo
 * (AFTERSHIP_API_BASE=<url>):
 *   GET  /tracking/2026-07/couriers   the account's couriers (`as-api-key` header)
 *   POST /tracking/2026-07/trackings  create a tracking `{ "tracking_number", "slug" }`; a number already tracked
 *                                     answers meta code 4003 "Tracking already exists.", as AfterShip does
 * Answers and errors come as AfterShip shapes them: `{ "meta": { "code", "message", "type" }, "data": … }`.
 * `sendWebhook()` plays AfterShip's webhook side: a `tracking_update` POSTed to a webhook URL, signed
 * `aftership-hmac-sha256: <base64 HMAC-SHA256 of the body with the webhook secret>`. `failNext()` scripts a status once,
 * `setMode()` until reset.
 */
export const FAKE_AFTERSHIP_VERSION = "2026-07";

export interface AfterShipCheckpoint {
  checkpoint_time: string;
  tag: string;
  subtag: string;
  subtag_message?: string;
  message: string;
  city?: string | null;
  state?: string | null;
  country_region?: string | null;
  location?: string | null;
  slug?: string;
}

export interface FakeTracking {
  id: string;
  tracking_number: string;
  slug: string;
  tag: string;
  subtag: string;
  checkpoints: AfterShipCheckpoint[];
  /** the next carrier after a hand-off (Tracking API "Next couriers"): AfterShip follows it within this tracking */
  next_couriers?: { slug: string; tracking_number: string; source?: string }[];
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

export interface FakeAfterShip {
  url: string;
  keys: Set<string>;
  trackings: Map<string, FakeTracking>;
  calls: RecordedCall[];
  failNext(status: number, times?: number): void;
  setMode(status: number | null): void;
  /** a tracking as AfterShip would hold it, its checkpoints given oldest first */
  tracking(trackingNumber: string, checkpoints: Partial<AfterShipCheckpoint>[], slug?: string): FakeTracking;
  /** the tracking names its next courier, as AfterShip does once a carrier hands the parcel on (DHL eCommerce → USPS) */
  handOff(tracking: FakeTracking, next: { slug: string; trackingNumber: string }): FakeTracking;
  /** POSTs a webhook about the tracking to a URL, signed with `secret`; `sign: false` sends it unsigned */
  sendWebhook(webhookUrl: string, secret: string, tracking: FakeTracking, options?: { event?: string; sign?: boolean; signature?: string; eventId?: string }): Promise<Response>;
  close(): Promise<void>;
}

/** How AfterShip signs a webhook body. Written here on its own, not borrowed from the app, so the app's check is tested against it. */
export function afterShipSignature(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

const ERRORS: Record<number, { code: number; type: string; message: string }> = {
  400: { code: 4001, type: "BadRequest", message: "The request was invalid or cannot be otherwise served." },
  401: { code: 401, type: "Unauthorized", message: "Invalid API key." },
  403: { code: 403, type: "Forbidden", message: "The request is understood, but it has been refused or access is not allowed." },
  404: { code: 404, type: "NotFound", message: "The URI requested is invalid or the resource requested does not exist." },
  429: { code: 429, type: "TooManyRequests", message: "You have exceeded the API call rate limit. The default limit is 10 requests per second." },
  500: { code: 500, type: "InternalError", message: "Something went wrong on AfterShip's end." },
  503: { code: 503, type: "ServiceUnavailable", message: "We are temporarily unavailable. Please try again later." },
};

export async function startFakeAfterShip(options: { port?: number; keys?: string[] } = {}): Promise<FakeAfterShip> {
  const keys = new Set(options.keys ?? ["asat_test_key"]);
  const trackings = new Map<string, FakeTracking>();
  const calls: RecordedCall[] = [];
  const failures: number[] = [];
  let mode: number | null = null;
  const root = `/tracking/${FAKE_AFTERSHIP_VERSION}`;
  const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");

  const answer = (res: ServerResponse, call: RecordedCall, status: number, body: unknown, extra: Record<string, string> = {}) => {
    call.status = status;
    send(res, status, "application/json", JSON.stringify(body), extra);
  };
  const error = (status: number) => ({ meta: ERRORS[status] ?? { code: status, type: "Error", message: `HTTP ${status}` }, data: {} });

  function makeTracking(trackingNumber: string, slug: string, checkpoints: Partial<AfterShipCheckpoint>[] = []): FakeTracking {
    const scans = checkpoints.map((c) => ({
      checkpoint_time: c.checkpoint_time ?? iso(),
      tag: c.tag ?? "InTransit",
      subtag: c.subtag ?? `${c.tag ?? "InTransit"}_001`,
      message: c.message ?? "",
      city: c.city ?? null,
      state: c.state ?? null,
      country_region: c.country_region ?? null,
      location: c.location ?? null,
      slug,
    }));
    const last = scans.at(-1);
    const now = iso();
    return { id: randomUUID().replace(/-/g, ""), tracking_number: trackingNumber, slug, tag: last?.tag ?? "Pending", subtag: last?.subtag ?? "Pending_001", checkpoints: scans, created_at: now, updated_at: now };
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const body = await readBody(req).catch(() => "");
      const header = req.headers["as-api-key"];
      const call: RecordedCall = { method: req.method ?? "GET", path: url.pathname + url.search, apiKey: (Array.isArray(header) ? header[0] : header) ?? null, body, status: 0 };
      calls.push(call);
      const known = (url.pathname === `${root}/couriers` && req.method === "GET") || (url.pathname === `${root}/trackings` && req.method === "POST");
      if (!known) return answer(res, call, 404, error(404));
      const injected = failures.shift() ?? mode ?? undefined;
      if (injected !== undefined) return answer(res, call, injected, error(injected), injected === 429 ? { "Retry-After": "1" } : {});
      if (!call.apiKey || !keys.has(call.apiKey)) return answer(res, call, 401, error(401));
      if (req.method === "GET") return answer(res, call, 200, { meta: { code: 200 }, data: { total: 2, couriers: [{ slug: "ontrac", name: "OnTrac" }, { slug: "usps", name: "USPS" }] } });
      let input: { tracking_number?: unknown; slug?: unknown };
      try {
        input = JSON.parse(body) as typeof input;
      } catch {
        return answer(res, call, 400, { meta: { code: 4001, type: "BadRequest", message: "Invalid JSON data." }, data: {} });
      }
      if (typeof input.tracking_number !== "string" || !input.tracking_number.trim()) {
        return answer(res, call, 400, { meta: { code: 4005, type: "BadRequest", message: "`tracking_number` is required." }, data: {} });
      }
      if (trackings.has(input.tracking_number)) {
        return answer(res, call, 400, { meta: { code: 4003, type: "BadRequest", message: "Tracking already exists." }, data: { tracking: { id: trackings.get(input.tracking_number)!.id } } });
      }
      const tracking = makeTracking(input.tracking_number, typeof input.slug === "string" ? input.slug : "usps");
      trackings.set(input.tracking_number, tracking);
      return answer(res, call, 201, { meta: { code: 201 }, data: tracking });
    })().catch((err: unknown) => send(res, 500, "text/plain", String(err)));
  });
  const url = await listenLocally(server, options.port);

  return {
    url,
    keys,
    trackings,
    calls,
    setMode(status) {
      mode = status;
    },
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    tracking(trackingNumber, checkpoints, slug = "ontrac") {
      const tracking = makeTracking(trackingNumber, slug, checkpoints);
      trackings.set(trackingNumber, tracking);
      return tracking;
    },
    handOff(tracking, next) {
      tracking.next_couriers = [{ slug: next.slug, tracking_number: next.trackingNumber, source: "carrier" }];
      return tracking;
    },
    async sendWebhook(webhookUrl, secret, tracking, opts = {}) {
      const payload = { event: opts.event ?? "tracking_update", event_id: opts.eventId ?? randomUUID(), is_tracking_first_tag: false, msg: tracking, ts: Math.floor(Date.now() / 1000) };
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = { "content-type": "application/json", "as-webhook-version": FAKE_AFTERSHIP_VERSION };
      if (opts.signature) headers["aftership-hmac-sha256"] = opts.signature;
      else if (opts.sign !== false) headers["aftership-hmac-sha256"] = afterShipSignature(body, secret);
      return fetch(webhookUrl, { method: "POST", headers, body });
    },
    close: () => closeNow(server),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeAfterShip({ port: Number(process.argv[2] ?? 4031) });
  console.log(`fake AfterShip on ${fake.url}  (AFTERSHIP_API_BASE=${fake.url}, API key: ${[...fake.keys][0]})`);
}
