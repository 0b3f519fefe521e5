import type { AfterShipClient, ProviderOutcome } from "../ports";

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
    let res: Response;
    try {
      res = await fetch(`${root}${path}`, {
        method,
        headers: { "as-api-key": apiKey, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      return { ok: false, status: null, message: `AfterShip did not answer: ${(error as Error).message}`, retryable: true };
    }
    const text = await res.text().catch(() => "");
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // a proxy's HTML error page: its status still says what happened
    }
    if (res.ok) return { ok: true, value: read(json) };
    const meta = (json as { meta?: { code?: unknown } } | null)?.meta;
    // "Tracking already exists": a repeat registration is harmless
    if (meta?.code === 4003 && path === "/trackings") return { ok: true, value: read(null) };
    return { ok: false, status: res.status, message: providerWords(res.status, json, text), retryable: res.status === 429 || res.status >= 500 };
  }

  return {
    checkKey: (apiKey) => call(apiKey, "GET", "/couriers", undefined, () => null),
    createTracking: (apiKey, tracking) =>
      call(apiKey, "POST", "/trackings", { tracking_number: tracking.trackingNumber, ...(tracking.slug ? { slug: tracking.slug } : {}) }, (json) => ({
        id: String((json as { data?: { id?: unknown } } | null)?.data?.id ?? ""),
      })),
  };
}

/** "AfterShip said (401 4001): Invalid API key." — the provider's own words, kept short. */
function providerWords(status: number, json: unknown, text: string): string {
  const meta = (json as { meta?: { code?: unknown; message?: unknown } } | null)?.meta;
  const code = typeof meta?.code === "number" || typeof meta?.code === "string" ? ` ${meta.code}` : "";
  const message = typeof meta?.message === "string" ? meta.message : text.replace(/\s+/g, " ").trim().slice(0, 200) || "no message";
  return `AfterShip said (${status}${code}): ${message}`.slice(0, 500);
}
