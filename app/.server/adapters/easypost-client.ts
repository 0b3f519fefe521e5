import type { EasyPostClient, ProviderOutcome } from "../ports";
import { callFeedProvider, providerWords, retryableStatus } from "./feed-http";

/**
 * A thin client for the two EasyPost calls Shipwatch makes (docs: "Authentication", "Trackers"): HTTP basic
 * auth with the API key as the user name, JSON bodies, errors as `{ "error": { "code", "message" } }`.
 * `apiBase` is https://api.easypost.com in production and a local stand-in in tests (EASYPOST_API_BASE).
 */
export function createEasyPostClient(options: { apiBase: string; timeoutMs: number }): EasyPostClient {
  async function call<T>(apiKey: string, method: "GET" | "POST", path: string, body: unknown, read: (json: unknown) => T): Promise<ProviderOutcome<T>> {
    const result = await callFeedProvider("EasyPost", {
      url: `${options.apiBase}${path}`,
      method,
      headers: { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` },
      body,
      timeoutMs: options.timeoutMs,
    });
    if ("failure" in result) return result.failure;
    const { status, json, text } = result.answer;
    if (status >= 200 && status < 300) return { ok: true, value: read(json) };
    // errors as { "error": { "code", "message" } }
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    return { ok: false, status, message: providerWords("EasyPost", status, error, text), retryable: retryableStatus(status) };
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
