import { excerpt, isRetryableStatus, isSuccess, maskSecrets, parseJson, parseRetryAfter } from "../channels/http";
import type { HelpdeskCallResult } from "../../ports/helpdesks";
import { accountLabel } from "~/domain/helpdesk-connections";

/** The failure half of HelpdeskCallResult. */
export type HelpdeskFailure = Extract<HelpdeskCallResult, { ok: false }>;

export interface HelpdeskRequest {
  /** "Gorgias", "Zendesk": how errors name the provider */
  provider: string;
  method: "GET" | "POST" | "PUT";
  url: string;
  /** the Authorization header */
  authorization: string;
  /** sent as JSON */
  json?: unknown;
  timeoutMs: number;
  /** never shown in an error, even if the provider echoes them */
  secrets: readonly string[];
  /** the provider's own words in its error body, when it has a shape for them */
  words(body: unknown): string | null;
  /** statuses this provider means as "try again" beyond 408, 425, 429 and 5xx */
  alsoRetryable?: readonly number[];
}

/**
 * One call to a helpdesk's REST API. A 2xx is { ok: true } with the parsed body; anything else is classified:
 * no answer in time or at all, 429 (with Retry-After) and 5xx are retryable, a refusal is not. Redirects are
 * not followed: the API answers where it is asked, so one means a wrong account, and credentials go nowhere else.
 */
export async function callHelpdesk(req: HelpdeskRequest): Promise<{ ok: true; body: unknown } | HelpdeskFailure> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(req.url, {
      method: req.method,
      headers: {
        Authorization: req.authorization,
        Accept: "application/json",
        ...(req.json === undefined ? {} : { "Content-Type": "application/json" }),
      },
      ...(req.json === undefined ? {} : { body: JSON.stringify(req.json) }),
      redirect: "manual",
      signal,
    });
    text = await response.text();
  } catch (error) {
    const timedOut = signal.aborted || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
    const words = timedOut ? `no answer within ${req.timeoutMs} ms` : `request failed: ${networkWords(error)}`;
    return { ok: false, retryable: true, error: maskSecrets(`${req.provider}: ${words}`, req.secrets) };
  }
  const body = parseJson(text);
  if (isSuccess(response.status)) return { ok: true, body };

  const status = response.status;
  let words: string | null = null;
  try {
    words = req.words(body);
  } catch {
    words = null;
  }
  if (status >= 300 && status < 400) words = "redirected; check the account name";
  words ??= excerpt(text);
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
  return {
    ok: false,
    retryable: isRetryableStatus(status) || (req.alsoRetryable?.includes(status) ?? false),
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
    error: maskSecrets(`${req.provider} ${status}${words ? `: ${words}` : ""}`, req.secrets),
  };
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}

/**
 * The account's own host on the provider's domain, from what a merchant pastes ("acme", "acme.gorgias.com",
 * "https://acme.gorgias.com/app"), or null. Only one label under the provider's domain is accepted, so
 * credentials are never sent to a host the merchant (or anyone editing the settings) typed.
 */
export function accountOrigin(value: string, domain: string): string | null {
  const label = accountLabel(value, domain);
  return label ? `https://${label}.${domain}` : null;
}

/** `apiBase` (tests, the demo) replaces every account's origin; production leaves it unset. */
export function originFor(apiBase: string | undefined, accountHost: string): string {
  return apiBase ? apiBase.replace(/\/+$/, "") : accountHost;
}

export function refusal(provider: string, words: string): HelpdeskFailure {
  return { ok: false, retryable: false, error: `${provider}: ${words}` };
}

function networkWords(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}
