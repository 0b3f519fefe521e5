import type { ProviderOutcome, ShipEngineClient } from "../ports";
import { callFeedProvider, providerWords, retryableStatus } from "./feed-http";

/** How long ShipEngine's published keys are kept before they are read again; an unknown key id reads them sooner. */
const JWKS_TTL_MS = 12 * 60 * 60_000;
/** An unknown key id reads the JWKS again at most this often, so forged ids cannot make Shipwatch hammer ShipEngine. */
const JWKS_REFRESH_MIN_MS = 60_000;

/**
 * A thin client for the ShipEngine (ShipStation API) calls Shipwatch makes (docs: "Authentication", "Webhooks",
 * "Start Tracking Updates"): the API key in the `API-Key` header, JSON bodies, errors as
 * `{ "request_id", "errors": [ { "error_source", "error_type", "error_code", "message" } ] }`; and the JWKS its webhook
 * signatures are checked with. `apiBase` is https://api.shipengine.com in production and a local stand-in in tests
 * (SHIPENGINE_API_BASE).
 */
export function createShipEngineClient(options: { apiBase: string; timeoutMs: number }): ShipEngineClient {
  async function call<T>(apiKey: string, method: "GET" | "POST" | "DELETE", path: string, body: unknown, read: (json: unknown) => T): Promise<ProviderOutcome<T>> {
    const result = await callFeedProvider("ShipEngine", { url: `${options.apiBase}${path}`, method, headers: { "api-key": apiKey }, body, timeoutMs: options.timeoutMs });
    if ("failure" in result) return result.failure;
    const { status, json, text } = result.answer;
    if (status >= 200 && status < 300) return { ok: true, value: read(json) };
    const first = (json as { errors?: { error_code?: unknown; message?: unknown }[] } | null)?.errors?.[0];
    return { ok: false, status, message: providerWords("ShipEngine", status, first ? { code: first.error_code, message: first.message } : undefined, text), retryable: retryableStatus(status) };
  }

  let keys: { at: number; byId: Map<string, JsonWebKey> } | null = null;
  async function readKeys(): Promise<Map<string, JsonWebKey> | null> {
    const result = await callFeedProvider("ShipEngine", { url: `${options.apiBase}/jwks`, method: "GET", headers: {}, body: undefined, timeoutMs: options.timeoutMs });
    if ("failure" in result || result.answer.status !== 200) return null;
    const list = (result.answer.json as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(list)) return null;
    return new Map(list.filter((k): k is JsonWebKey & { kid: string } => !!k && typeof (k as { kid?: unknown }).kid === "string").map((k) => [k.kid, k]));
  }

  return {
    listWebhooks: (apiKey) =>
      call(apiKey, "GET", "/v1/environment/webhooks", undefined, (json) =>
        (Array.isArray(json) ? json : []).map((w: { webhook_id?: unknown; url?: unknown; event?: unknown }) => ({ id: String(w.webhook_id ?? ""), url: String(w.url ?? ""), event: String(w.event ?? "") })),
      ),
    createTrackWebhook: (apiKey, url) =>
      call(apiKey, "POST", "/v1/environment/webhooks", { event: "track", url }, (json) => ({ id: String((json as { webhook_id?: unknown } | null)?.webhook_id ?? "") })),
    deleteWebhook: (apiKey, webhookId) => call(apiKey, "DELETE", `/v1/environment/webhooks/${encodeURIComponent(webhookId)}`, undefined, () => null),
    startTracking: (apiKey, parcel) =>
      call(apiKey, "POST", `/v1/tracking/start?${new URLSearchParams({ carrier_code: parcel.carrierCode, tracking_number: parcel.trackingNumber })}`, undefined, () => null),
    async signingKey(keyId) {
      const now = Date.now();
      const known = keys?.byId.get(keyId);
      if (known && now - keys!.at < JWKS_TTL_MS) return known;
      // ShipEngine publishes a new key before it signs with it: an unknown id reads the set again (not too often)
      if (!keys || now - keys.at >= JWKS_REFRESH_MIN_MS) {
        const fresh = await readKeys();
        if (fresh) keys = { at: now, byId: fresh };
      }
      return keys?.byId.get(keyId) ?? null;
    },
  };
}
