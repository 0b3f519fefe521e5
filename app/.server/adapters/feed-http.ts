import type { ProviderOutcome } from "../ports";

/** A tracking feed provider's answer, read once: its status, its JSON (null when none or not JSON) and its text. */
export interface FeedAnswer {
  status: number;
  json: unknown;
  text: string;
}
export type FeedFailure = Extract<ProviderOutcome<never>, { ok: false }>;

/**
 * One call to a tracking feed provider's REST API (EasyPost, AfterShip): JSON in and out, a timeout, and no answer
 * at all told as a retryable failure in the provider's name. The clients read the answer their provider's way.
 */
export async function callFeedProvider(
  provider: string,
  request: { url: string; method: "GET" | "POST" | "DELETE"; headers: Record<string, string>; body: unknown; timeoutMs: number },
): Promise<{ answer: FeedAnswer } | { failure: FeedFailure }> {
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: request.method,
      headers: { ...request.headers, accept: "application/json", ...(request.body === undefined ? {} : { "content-type": "application/json" }) },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    return { failure: { ok: false, status: null, message: `${provider} did not answer: ${(error as Error).message}`, retryable: true } };
  }
  const text = await res.text().catch(() => "");
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // a proxy's HTML error page: its status still says what happened
  }
  return { answer: { status: res.status, json, text } };
}

/** "EasyPost said (401 APIKEY.INACTIVE): This api key is no longer active…": the provider's own words, kept short. */
export function providerWords(provider: string, status: number, error: { code?: unknown; message?: unknown } | undefined, text: string): string {
  const code = typeof error?.code === "number" || typeof error?.code === "string" ? ` ${error.code}` : "";
  const message = typeof error?.message === "string" ? error.message : text.replace(/\s+/g, " ").trim().slice(0, 200) || "no message";
  return `${provider} said (${status}${code}): ${message}`.slice(0, 500);
}

/** 429 and 5xx are worth trying again; a refusal is not. */
export const retryableStatus = (status: number) => status === 429 || status >= 500;
