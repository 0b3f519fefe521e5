import type { SendOutcome } from "../../services/ports";

/** The failure half of SendOutcome. */
export type SendFailure = Extract<SendOutcome, { ok: false }>;

export interface ProviderResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface ProviderRequest {
  /** the provider's name as the Outbox shows it: "Twilio", "Slack", … */
  provider: string;
  url: string;
  method?: "POST" | "GET";
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** values that must never appear in an error text (tokens, keys, secret URLs) */
  secrets: readonly (string | null | undefined)[];
}

const MAX_BODY_CHARS = 64 * 1024;
const MAX_DETAIL_CHARS = 300;

/**
 * One provider call. A provider's answer (any status) comes back as a response; only what never got an
 * answer (refused connection, DNS, timeout) becomes a retryable failure here. Redirects are not followed:
 * a POST that is redirected was sent to the wrong URL.
 */
export async function callProvider(req: ProviderRequest): Promise<{ response: ProviderResponse } | { failure: SendFailure }> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    const res = await fetch(req.url, { method: req.method ?? "POST", headers: req.headers, body: req.body, redirect: "manual", signal });
    const body = await readBody(res);
    return { response: { status: res.status, headers: res.headers, body } };
  } catch (error) {
    const timedOut = signal.aborted || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
    const text = timedOut ? `${req.provider}: no answer within ${req.timeoutMs} ms` : `${req.provider}: request failed: ${describeNetworkError(error)}`;
    return { failure: { ok: false, retryable: true, retryAfterMs: null, status: null, error: maskSecrets(text, req.secrets) } };
  }
}

async function readBody(res: Response): Promise<string> {
  const text = await res.text();
  return text.length > MAX_BODY_CHARS ? text.slice(0, MAX_BODY_CHARS) : text;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}

/** 408, 425, 429 and 5xx are worth retrying; any other non-2xx (3xx included) is not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - nowMs);
}

/**
 * The failure for a non-2xx answer: "<Provider> <status>: <detail>", the detail read from the body by the
 * provider's own reader when it can, else a short excerpt of the body. Secrets are masked.
 */
export function failureFromResponse(
  req: Pick<ProviderRequest, "provider" | "secrets">,
  response: ProviderResponse,
  nowMs: number,
  detail?: (response: ProviderResponse) => string | null,
): SendFailure {
  const status = response.status;
  // masked before anything is read or cut short, so no excerpt can keep part of a secret
  const masked = { ...response, body: maskSecrets(response.body, req.secrets) };
  let text: string | null = null;
  try {
    text = detail?.(masked) ?? null;
  } catch {
    text = null;
  }
  if (!text) text = excerpt(masked.body);
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    text = `redirected${location ? ` to ${location}` : ""}; update the URL`;
  }
  return {
    ok: false,
    retryable: isRetryableStatus(status),
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), nowMs),
    ...(status === 429 ? { throttled: true } : {}),
    status,
    error: maskSecrets(`${req.provider} ${status}${text ? `: ${text}` : ""}`, req.secrets),
  };
}

/** A one-line excerpt of a body, or "" for an empty one. */
export function excerpt(body: string, max = MAX_DETAIL_CHARS): string {
  const line = body.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Replaces every secret with "****" (longest first, so a secret URL is masked before the token it holds).
 * URLs are masked whole and by their path segments and userinfo, so a provider echoing part of one is caught too.
 */
export function maskSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    needles.add(secret);
    for (const part of secretParts(secret)) needles.add(part);
  }
  let out = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    if (needle.length < 6) continue;
    out = out.split(needle).join("****");
    const encoded = encodeURIComponent(needle);
    if (encoded !== needle) out = out.split(encoded).join("****");
  }
  return out;
}

function secretParts(secret: string): string[] {
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    return [];
  }
  const parts: string[] = [];
  if (url.password) parts.push(decodeURIComponent(url.password), url.password);
  const path = url.pathname + url.search;
  if (path.length > 1) parts.push(path);
  // token-like segments (Slack's T…/B…/<token>), not words such as "services"
  for (const segment of url.pathname.split("/")) if (segment.length >= 16 || (segment.length >= 8 && /\d/.test(segment))) parts.push(segment);
  return parts;
}

/** A URL as it can be shown: origin only, the path (which may hold a token) left out. */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}
