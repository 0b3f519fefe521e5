import type { EasyPostClient, ProviderOutcome } from "../ports";

/**
 * A thin client for the two EasyPost calls Shipwatch makes (docs: "Authentication", "Trackers"): HTTP basic
 * auth with the API key as the user name, JSON bodies, errors as `{ "error": { "code", "message" } }`.
 * `apiBase` is https://api.easypost.com in production and a local stand-in in tests (EASYPOST_API_BASE).
 */
export function createEasyPostClient(options: { apiBase: string; timeoutMs: number }): EasyPostClient {
  async function call<T>(apiKey: string, method: "GET" | "POST", path: string, body: unknown, read: (json: unknown) => T): Promise<ProviderOutcome<T>> {
    let res: Response;
    try {
      res = await fetch(`${options.apiBase}${path}`, {
        method,
        headers: {
          authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      return { ok: false, status: null, message: `EasyPost did not answer: ${(error as Error).message}`, retryable: true };
    }
    const text = await res.text().catch(() => "");
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // a proxy's HTML error page: its status still says what happened
    }
    if (res.ok) return { ok: true, value: read(json) };
    return { ok: false, status: res.status, message: providerWords(res.status, json, text), retryable: res.status === 429 || res.status >= 500 };
  }

  return {
    checkKey: (apiKey) => call(apiKey, "GET", "/v2/trackers?page_size=1", undefined, () => null),
    createTracker: (apiKey, tracker) =>
      call(
        apiKey,
        "POST",
        "/v2/trackers",
        { tracker: { tracking_code: tracker.trackingCode, ...(tracker.carrier ? { carrier: tracker.carrier } : {}) } },
        (json) => ({ id: String((json as { id?: unknown } | null)?.id ?? "") }),
      ),
  };
}

/** "EasyPost said (401 APIKEY.INACTIVE): This api key is no longer active…" — the provider's own words, kept short. */
function providerWords(status: number, json: unknown, text: string): string {
  const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? ` ${error.code}` : "";
  const message = typeof error?.message === "string" ? error.message : text.replace(/\s+/g, " ").trim().slice(0, 200) || "no message";
  return `EasyPost said (${status}${code}): ${message}`.slice(0, 500);
}
