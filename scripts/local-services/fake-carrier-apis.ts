import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { closeNow, type InjectedFailure, listenLocally, readBody, send } from "./http";

/**
 * One local stand-in for the four carriers' Track APIs, shaped from their docs, for tests and the demo (point
 * UPS_API_BASE, USPS_API_BASE, FEDEX_API_BASE and DHL_API_BASE at its url; their paths do not overlap):
 *   UPS    POST /security/v1/oauth/token (basic auth, form grant_type=client_credentials; expires_in as a string)
 *          GET  /api/track/v1/details/{inquiryNumber}   errors `{ "response": { "errors": [ { code, message } ] } }`
 *   USPS   POST /oauth2/v3/token (JSON client credentials)   GET /tracking/v3/tracking/{n}?expand=DETAIL
 *          errors `{ "apiVersion", "error": { code, message } }`; OAuth errors `{ error, error_description }`
 *   FedEx  POST /oauth/token (form client credentials)       POST /track/v1/trackingnumbers
 *          errors `{ "transactionId", "errors": [ { code, message } ] }`; an unknown number is a 200 with an error inside
 *   DHL    GET  /track/shipments?trackingNumber=… with `DHL-API-Key`; errors as RFC 7807 problems
 * Tokens are checked on every call and expire after `tokenTtlSeconds`; `rateLimit()` answers 429 + Retry-After past a
 * number of calls; `failNext()` scripts any status (5xx, 429 …) or a timeout.
 */
export type FakeCarrier = "ups" | "usps" | "fedex" | "dhl";

/** A scan as the stand-in keeps it; each carrier's answer writes it in that carrier's shape. */
export interface FakeScan {
  /** UPS: `type/code` (e.g. "I/AR"); USPS: eventCode; FedEx: eventType; DHL: statusCode */
  code: string;
  message: string;
  /** ISO time with its zone */
  at: string;
  city?: string;
  state?: string;
  country?: string;
}

export interface FakeCarrierCall {
  carrier: FakeCarrier;
  kind: "token" | "track";
  trackingNumber: string | null;
  status: number;
  /** the client id (or DHL API key) the call came with, when any */
  account: string | null;
}

export interface FakeCarrierApis {
  url: string;
  /** accounts the stand-in accepts: client id → secret (DHL: API key → "") */
  accounts: Record<FakeCarrier, Map<string, string>>;
  calls: FakeCarrierCall[];
  tokenTtlSeconds: Record<FakeCarrier, number>;
  /** a parcel's history, oldest first, and the carrier's delivery estimate */
  parcel(carrier: FakeCarrier, trackingNumber: string, scans: FakeScan[], estimate?: string | null): void;
  /**
   * UPS only: the package lists another carrier's number in `alternateTrackingNumber[]` ({ number, type }), as UPS Mail
   * Innovations parcels carry the USPS number that delivers them
   */
  handOff(carrier: "ups", trackingNumber: string, alternate: { number: string; type?: string }): void;
  /** the next `times` track calls to this carrier answer this failure instead */
  failNext(carrier: FakeCarrier, failure: InjectedFailure, times?: number): void;
  /** past `calls` track calls from now on, each answers 429 with Retry-After `retryAfterSeconds`; null lifts it */
  rateLimit(carrier: FakeCarrier, limit: { calls: number; retryAfterSeconds: number } | null): void;
  /** every token issued so far stops working (a revocation, or the stand-in restarting) */
  revokeTokens(): void;
  close(): Promise<void>;
}

const UPS_ERRORS: Record<number, { code: string; message: string }> = {
  401: { code: "250002", message: "Invalid Authentication Information." },
  404: { code: "TW0001", message: "Tracking Information Not Found" },
  429: { code: "10429", message: "Too Many Requests." },
  500: { code: "10500", message: "Internal Server Error" },
  503: { code: "10503", message: "Service Unavailable" },
};

export async function startFakeCarrierApis(options: { port?: number } = {}): Promise<FakeCarrierApis> {
  const accounts: FakeCarrierApis["accounts"] = { ups: new Map(), usps: new Map(), fedex: new Map(), dhl: new Map() };
  const parcels = new Map<string, { scans: FakeScan[]; estimate: string | null; alternates?: { number: string; type: string }[] }>();
  const tokens = new Map<string, { carrier: FakeCarrier; account: string; expiresAt: number }>();
  const failures: Record<FakeCarrier, InjectedFailure[]> = { ups: [], usps: [], fedex: [], dhl: [] };
  const limits: Partial<Record<FakeCarrier, { remaining: number; retryAfterSeconds: number }>> = {};
  const calls: FakeCarrierCall[] = [];
  const tokenTtlSeconds: Record<FakeCarrier, number> = { ups: 14_399, usps: 28_799, fedex: 3_599, dhl: 0 };
  const json = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => send(res, status, "application/json", JSON.stringify(body), extra);

  function issue(carrier: FakeCarrier, account: string) {
    const token = `${carrier}_${randomBytes(18).toString("base64url")}`;
    tokens.set(token, { carrier, account, expiresAt: Date.now() + tokenTtlSeconds[carrier] * 1000 });
    return token;
  }

  /** the account behind a bearer token, or null for a missing, expired or other carrier's token */
  function bearer(req: IncomingMessage, carrier: FakeCarrier): string | null {
    const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const held = token ? tokens.get(token) : undefined;
    if (!held || held.carrier !== carrier || held.expiresAt <= Date.now()) return null;
    return held.account;
  }

  /** an injected failure or the rate limit, answered in the carrier's shape; true when answered */
  function interfere(carrier: FakeCarrier, res: ServerResponse, record: FakeCarrierCall): boolean {
    const limit = limits[carrier];
    const injected = failures[carrier].shift() ?? (limit && limit.remaining-- <= 0 ? { status: 429, retryAfter: limit.retryAfterSeconds } : undefined);
    if (!injected) return false;
    if (injected === "timeout") {
      record.status = 0;
      return true; // never answered: the client's timeout is what is tested
    }
    record.status = injected.status;
    const extra: Record<string, string> = injected.retryAfter !== undefined ? { "Retry-After": String(injected.retryAfter) } : {};
    json(res, injected.status, errorBody(carrier, injected.status, injected.status === 429 ? "Too many requests, please slow down." : "The service is temporarily unavailable."), extra);
    return true;
  }

  function errorBody(carrier: FakeCarrier, status: number, message: string): unknown {
    if (carrier === "ups") return { response: { errors: [UPS_ERRORS[status] ?? { code: String(status), message }] } };
    if (carrier === "usps") return { apiVersion: "/tracking/v3", error: { code: String(status), message } };
    if (carrier === "fedex") return { transactionId: randomUUID(), errors: [{ code: status === 429 ? "TOO.MANY.REQUESTS.ERROR" : status === 401 ? "NOT.AUTHORIZED.ERROR" : "SERVICE.UNAVAILABLE.ERROR", message }] };
    return { status, title: status === 429 ? "Too many requests" : status === 401 ? "Unauthorized" : "Service Unavailable", detail: message };
  }

  async function token(carrier: Exclude<FakeCarrier, "dhl">, req: IncomingMessage, res: ServerResponse) {
    const body = await readBody(req);
    let id = "";
    let secret = "";
    let grant = "";
    if (carrier === "ups") {
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
      [id = "", secret = ""] = basic ? Buffer.from(basic, "base64").toString("utf8").split(":", 2) : [];
      grant = new URLSearchParams(body).get("grant_type") ?? "";
    } else if (carrier === "usps") {
      const parsed = (() => {
        try {
          return JSON.parse(body) as Record<string, string>;
        } catch {
          return Object.fromEntries(new URLSearchParams(body));
        }
      })();
      ({ client_id: id = "", client_secret: secret = "", grant_type: grant = "" } = parsed);
    } else {
      const form = new URLSearchParams(body);
      id = form.get("client_id") ?? "";
      secret = form.get("client_secret") ?? "";
      grant = form.get("grant_type") ?? "";
    }
    const record: FakeCarrierCall = { carrier, kind: "token", trackingNumber: null, status: 200, account: id || null };
    calls.push(record);
    const known = accounts[carrier].get(id);
    if (grant !== "client_credentials" || known === undefined || known !== secret) {
      record.status = 401;
      if (carrier === "ups") return json(res, 401, { response: { errors: [{ code: "10401", message: "ClientId is Invalid" }] } });
      if (carrier === "usps") return json(res, 401, { error: "invalid_client", error_description: "Client authentication failed: the client id or secret is not valid." });
      return json(res, 401, errorBody("fedex", 401, "The given client credentials were not valid. Please modify your request and try again."));
    }
    const access = issue(carrier, id);
    if (carrier === "ups") return json(res, 200, { token_type: "Bearer", issued_at: String(Date.now()), client_id: id, access_token: access, expires_in: String(tokenTtlSeconds.ups), status: "approved" });
    if (carrier === "usps") return json(res, 200, { access_token: access, token_type: "Bearer", issued_at: Date.now(), expires_in: tokenTtlSeconds.usps, status: "approved", scope: "tracking", issuer: "api.usps.com", client_id: id });
    return json(res, 200, { access_token: access, token_type: "bearer", expires_in: tokenTtlSeconds.fedex, scope: "CXS" });
  }

  const parcelOf = (carrier: FakeCarrier, n: string) => parcels.get(`${carrier}:${n}`);
  const compact = (iso: string) => iso.slice(0, 10).replace(/-/g, "");
  const newestFirst = (scans: FakeScan[]) => [...scans].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

  function upsAnswer(n: string, p: { scans: FakeScan[]; estimate: string | null; alternates?: { number: string; type: string }[] }) {
    return {
      trackResponse: {
        shipment: [
          {
            inquiryNumber: n,
            package: [
              {
                trackingNumber: n,
                ...(p.alternates?.length ? { alternateTrackingNumber: p.alternates } : {}),
                deliveryDate: p.estimate ? [{ type: "SDD", date: compact(p.estimate) }] : [],
                activity: newestFirst(p.scans).map((s) => {
                  const [type, code] = s.code.split("/", 2);
                  const utc = new Date(s.at).toISOString();
                  return {
                    location: { address: { city: s.city ?? "", stateProvince: s.state ?? "", countryCode: s.country ?? "", country: s.country ?? "" }, slic: "4011" },
                    status: { type, description: s.message, code: code ?? "", statusCode: "003" },
                    date: compact(s.at),
                    time: s.at.slice(11, 19).replace(/:/g, ""),
                    gmtDate: compact(utc),
                    gmtOffset: s.at.slice(19) || "+00:00",
                    gmtTime: utc.slice(11, 19),
                  };
                }),
              },
            ],
          },
        ],
      },
    };
  }

  function uspsAnswer(n: string, p: { scans: FakeScan[]; estimate: string | null }) {
    const latest = newestFirst(p.scans)[0];
    return {
      trackingNumber: n,
      statusCategory: latest?.message ?? "Pre-Shipment",
      status: latest?.message ?? "",
      statusSummary: latest ? `Your item: ${latest.message}` : "",
      expectedDeliveryTimeStamp: p.estimate,
      trackingEvents: newestFirst(p.scans).map((s) => ({
        eventType: s.message,
        eventTimestamp: s.at.slice(0, 19),
        GMTTimestamp: new Date(s.at).toISOString().replace(".000", ""),
        GMTOffset: s.at.slice(19) || "+00:00",
        eventCountry: s.country && s.country !== "US" ? s.country : null,
        eventCity: s.city ?? null,
        eventState: s.state ?? null,
        eventZIP: null,
        firm: null,
        name: null,
        authorizedAgent: false,
        eventCode: s.code,
        actionCode: null,
        reasonCode: null,
      })),
    };
  }

  function fedexAnswer(n: string, p: { scans: FakeScan[]; estimate: string | null } | undefined) {
    const result = p
      ? {
          trackingNumberInfo: { trackingNumber: n, carrierCode: "FDXE" },
          latestStatusDetail: { code: newestFirst(p.scans)[0]?.code ?? "OC", description: newestFirst(p.scans)[0]?.message ?? "" },
          dateAndTimes: p.estimate ? [{ type: "ESTIMATED_DELIVERY", dateTime: p.estimate }] : [],
          scanEvents: newestFirst(p.scans).map((s) => {
            const [description, exception = ""] = s.message.split(": ", 2);
            return {
              date: s.at,
              eventType: s.code,
              eventDescription: description,
              exceptionCode: exception ? "08" : "",
              exceptionDescription: exception,
              scanLocation: { city: s.city ?? "", stateOrProvinceCode: s.state ?? "", countryCode: s.country ?? "", residential: false },
              derivedStatusCode: s.code,
            };
          }),
        }
      : { trackingNumberInfo: { trackingNumber: n }, error: { code: "TRACKING.TRACKINGNUMBER.NOTFOUND", message: "Tracking number cannot be found. Please correct the tracking number and try again." } };
    return { transactionId: randomUUID(), output: { completeTrackResults: [{ trackingNumber: n, trackResults: [result] }] } };
  }

  function dhlAnswer(n: string, p: { scans: FakeScan[]; estimate: string | null }) {
    const events = newestFirst(p.scans).map((s) => ({
      // DHL writes its times without a zone for some divisions: UTC here
      timestamp: new Date(s.at).toISOString().slice(0, 19),
      location: { address: { addressLocality: [s.city, s.state].filter(Boolean).join(" - "), countryCode: s.country ?? null } },
      statusCode: s.code,
      status: s.message.toUpperCase(),
      description: s.message,
    }));
    return { shipments: [{ id: n, service: "express", status: events[0] ?? null, estimatedTimeOfDelivery: p.estimate, events }] };
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://local");
      const path = url.pathname;
      if (req.method === "POST" && path === "/security/v1/oauth/token") return await token("ups", req, res);
      if (req.method === "POST" && path === "/oauth2/v3/token") return await token("usps", req, res);
      if (req.method === "POST" && path === "/oauth/token") return await token("fedex", req, res);

      const ups = /^\/api\/track\/v1\/details\/([^/]+)$/.exec(path);
      if (req.method === "GET" && ups) {
        const n = decodeURIComponent(ups[1]!);
        const record: FakeCarrierCall = { carrier: "ups", kind: "track", trackingNumber: n, status: 200, account: bearer(req, "ups") };
        calls.push(record);
        if (!record.account) return (record.status = 401), json(res, 401, errorBody("ups", 401, ""));
        if (!req.headers.transid || !req.headers.transactionsrc) return (record.status = 400), json(res, 400, { response: { errors: [{ code: "250003", message: "Missing transId or transactionSrc header" }] } });
        if (interfere("ups", res, record)) return;
        const p = parcelOf("ups", n);
        if (!p) return (record.status = 404), json(res, 404, errorBody("ups", 404, ""));
        return json(res, 200, upsAnswer(n, p));
      }
      const usps = /^\/tracking\/v3\/tracking\/([^/]+)$/.exec(path);
      if (req.method === "GET" && usps) {
        const n = decodeURIComponent(usps[1]!);
        const record: FakeCarrierCall = { carrier: "usps", kind: "track", trackingNumber: n, status: 200, account: bearer(req, "usps") };
        calls.push(record);
        if (!record.account) return (record.status = 401), json(res, 401, errorBody("usps", 401, "Unauthorized: the access token is missing, invalid or expired."));
        if (interfere("usps", res, record)) return;
        const p = parcelOf("usps", n);
        if (!p) return (record.status = 404), json(res, 404, errorBody("usps", 404, "The tracking number may be incorrect or the status update is not yet available."));
        return json(res, 200, uspsAnswer(n, p));
      }
      if (req.method === "POST" && path === "/track/v1/trackingnumbers") {
        const body = JSON.parse((await readBody(req)) || "{}") as { trackingInfo?: { trackingNumberInfo?: { trackingNumber?: string } }[] };
        const n = body.trackingInfo?.[0]?.trackingNumberInfo?.trackingNumber ?? "";
        const record: FakeCarrierCall = { carrier: "fedex", kind: "track", trackingNumber: n, status: 200, account: bearer(req, "fedex") };
        calls.push(record);
        if (!record.account) return (record.status = 401), json(res, 401, errorBody("fedex", 401, "Access token expired. Please modify your request and try again."));
        if (!n) return (record.status = 400), json(res, 400, errorBody("fedex", 400, "Please provide a tracking number."));
        if (interfere("fedex", res, record)) return;
        return json(res, 200, fedexAnswer(n, parcelOf("fedex", n)));
      }
      if (req.method === "GET" && path === "/track/shipments") {
        const n = url.searchParams.get("trackingNumber") ?? "";
        const key = String(req.headers["dhl-api-key"] ?? "");
        const record: FakeCarrierCall = { carrier: "dhl", kind: "track", trackingNumber: n, status: 200, account: key || null };
        calls.push(record);
        if (!accounts.dhl.has(key)) return (record.status = 401), json(res, 401, errorBody("dhl", 401, "Unauthorized for given resource."));
        if (interfere("dhl", res, record)) return;
        const p = parcelOf("dhl", n);
        if (!p) return (record.status = 404), json(res, 404, { status: 404, title: "No result found", detail: "No shipment with given tracking number found." });
        return json(res, 200, dhlAnswer(n, p));
      }
      json(res, 404, { error: `no such endpoint: ${req.method} ${path}` });
    } catch (error) {
      json(res, 500, { error: (error as Error).message });
    }
  });
  const url = await listenLocally(server, options.port);

  return {
    url,
    accounts,
    calls,
    tokenTtlSeconds,
    parcel(carrier, trackingNumber, scans, estimate = null) {
      parcels.set(`${carrier}:${trackingNumber}`, { scans, estimate });
    },
    handOff(carrier, trackingNumber, alternate) {
      const p = parcels.get(`${carrier}:${trackingNumber}`) ?? { scans: [], estimate: null };
      parcels.set(`${carrier}:${trackingNumber}`, { ...p, alternates: [...(p.alternates ?? []), { number: alternate.number, type: alternate.type ?? "Q" }] });
    },
    failNext(carrier, failure, times = 1) {
      for (let i = 0; i < times; i++) failures[carrier].push(failure);
    },
    rateLimit(carrier, limit) {
      if (limit) limits[carrier] = { remaining: limit.calls, retryAfterSeconds: limit.retryAfterSeconds };
      else delete limits[carrier];
    },
    revokeTokens() {
      tokens.clear();
    },
    close: () => closeNow(server),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeCarrierApis({ port: Number(process.argv[2] ?? 4050) });
  fake.accounts.ups.set("ups-client", "ups-secret");
  fake.accounts.usps.set("usps-client", "usps-secret");
  fake.accounts.fedex.set("fedex-key", "fedex-secret");
  fake.accounts.dhl.set("dhl-key", "");
  console.log(`fake carrier APIs on ${fake.url}  (UPS_API_BASE, USPS_API_BASE, FEDEX_API_BASE, DHL_API_BASE=${fake.url})`);
}
