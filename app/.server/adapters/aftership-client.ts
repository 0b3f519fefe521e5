import type { AfterShipClient, ProviderOutcome } from "../ports";
import { callFeedProvider, providerWords, retryableStatus } from "./feed-http";

/** The Tracking API version Shipwatch speaks (docs: "API Quick Start", base https://api.aftership.com/tracking/2026-07). */
export const AFTERSHIP_API_VERSION = "2026-07";

/**
 * A thin client for the two AfterShip Tracking calls Shipwatch makes: the API key in the `as-api-key` header, JSON
 * bodies, answers and errors as `{ "meta": { "code", "message", "type" }, "data": … }`.
 * `apiBase` is https://api.aftership.com in production and a local stand-in in tests (AFTERSHIP_API_BASE).
 */
export function createAfterShipClient(options: { apiBase: string; timeoutMs: number }): AfterShipClient {
  const root = `${options.apiBase}/tracking/${AFTERSHIP_API_VERSION}`;
  async function call<T>(apiKey: string, method: "GET" | "POST", path: string, body: unknown, read: (json: unknown) => T): Promise<ProviderOutcome<T>> {
    const result = await callFeedProvider("AfterShip", { url: `${root}${path}`, method, headers: { "as-api-key": apiKey }, body, timeoutMs: options.timeoutMs });
    if ("failure" in result) return result.failure;
    const { status, json, text } = result.answer;
    if (status >= 200 && status < 300) return { ok: true, value: read(json) };
    // answers and errors as { "meta": { "code", "message", "type" }, "data": … }
    const meta = (json as { meta?: { code?: unknown; message?: unknown } } | null)?.meta;
    // "Tracking already exists": a repeat registration is harmless
    if (meta?.code === 4003 && path === "/trackings") return { ok: true, value: read(null) };
    return { ok: false, status, message: providerWords("AfterShip", status, meta, text), retryable: retryableStatus(status) };
  }

  return {
    checkKey: (apiKey) => call(apiKey, "GET", "/couriers", undefined, () => null),
    createTracking: (apiKey, tracking) =>
      call(apiKey, "POST", "/trackings", { tracking_number: tracking.trackingNumber, ...(tracking.slug ? { slug: tracking.slug } : {}) }, (json) => ({
        id: String((json as { data?: { id?: unknown } } | null)?.data?.id ?? ""),
      })),
  };
}
