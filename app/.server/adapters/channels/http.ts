import http, { STATUS_CODES, type IncomingHttpHeaders } from "node:http";
import { isIP, type Socket } from "node:net";
import tls from "node:tls";
import type { SendOutcome } from "../../ports";
import { connectionErrorWords, pinDestination, tcpDialer, type DestinationPolicy, type DialTarget } from "./destination";

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
  /**
   * Set for a URL the merchant supplied (webhook, Slack): the host is resolved, checked and dialled at the checked
   * address (destination.ts), and the raw body of its answer is never shown. Unset for the fixed provider bases.
   */
  destination?: DestinationPolicy;
  /**
   * the answer is kept up to this many characters (default 64 KiB: a channel's answer is a status and an id); an API
   * whose answers are the data itself (Shopify's Admin API: a page of orders with their events) sets its own
   */
  maxBodyChars?: number;
}

const MAX_BODY_CHARS = 64 * 1024;
const MAX_DETAIL_CHARS = 300;

/**
 * One provider call. A provider's answer (any status) comes back as a response; only what never got an
 * answer (refused connection, DNS, timeout) becomes a retryable failure here. Redirects are not followed:
 * a POST that is redirected was sent to the wrong URL (and a merchant's endpoint could point anywhere).
 */
export async function callProvider(req: ProviderRequest): Promise<{ response: ProviderResponse } | { failure: SendFailure }> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  try {
    if (req.destination) return await callDestination(req, req.destination, signal);
    const res = await fetch(req.url, { method: req.method ?? "POST", headers: req.headers, body: req.body, redirect: "manual", signal });
    const body = await readBody(res, req.maxBodyChars ?? MAX_BODY_CHARS);
    return { response: { status: res.status, headers: res.headers, body } };
  } catch (error) {
    const timedOut = signal.aborted || (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"));
    const text = timedOut ? `${req.provider}: no answer within ${req.timeoutMs} ms` : `${req.provider}: request failed: ${req.destination ? connectionErrorWords(error) : describeNetworkError(error)}`;
    return { failure: { ok: false, retryable: true, retryAfterMs: null, status: null, error: maskSecrets(text, req.secrets) } };
  }
}

/** A merchant's URL: checked and pinned first; a refusal is permanent and said before any connection. */
async function callDestination(req: ProviderRequest, policy: DestinationPolicy, signal: AbortSignal): Promise<{ response: ProviderResponse } | { failure: SendFailure }> {
  const url = new URL(req.url);
  if (url.protocol !== "https:" && url.protocol !== "http:") return { failure: refusal(req, `${url.protocol} URLs are not called`) };
  const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  const pinned = await pinDestination(url.hostname, port, policy, req.timeoutMs);
  if (!pinned.ok) {
    const text = pinned.retryable ? `request failed: ${pinned.reason}` : `refused before connecting: ${pinned.reason}; only public addresses are called`;
    const error = maskSecrets(`${req.provider}: ${text}`, req.secrets);
    return { failure: { ok: false, retryable: pinned.retryable, retryAfterMs: null, status: null, error } };
  }
  return { response: await requestPinned(req, url, pinned.target, policy, signal) };
}

function refusal(req: ProviderRequest, reason: string): SendFailure {
  return { ok: false, retryable: false, retryAfterMs: null, status: null, error: maskSecrets(`${req.provider}: refused before connecting: ${reason}`, req.secrets) };
}

/**
 * HTTP(S) over a connection dialled to the checked address: the Host header and the TLS server name (SNI and the
 * certificate check) are the URL's host, so a virtual host answers as it would to any client. No redirect is followed.
 */
function requestPinned(req: ProviderRequest, url: URL, target: DialTarget, policy: DestinationPolicy, signal: AbortSignal): Promise<ProviderResponse> {
  const dial = policy.dial ?? tcpDialer;
  const secure = url.protocol === "https:";
  return new Promise<ProviderResponse>((resolve, reject) => {
    const request = http.request(
      {
        method: req.method ?? "POST",
        path: `${url.pathname}${url.search}`,
        headers: { ...req.headers, Host: url.host, "Content-Length": String(Buffer.byteLength(req.body)) },
        ...(url.username ? { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` } : {}),
        signal,
        // the only way out: no agent, no lookup of its own (Node calls this with a callback and takes no return value)
        createConnection: ((_options: unknown, done: (error: Error | null, socket?: Socket) => void) => {
          dial(target).then(
            (socket) => {
              if (request.destroyed) return void socket.destroy();
              done(null, secure ? tls.connect({ socket, host: target.hostname, ...(isIP(target.hostname) ? {} : { servername: target.hostname }), ALPNProtocols: ["http/1.1"] }) : socket);
            },
            (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
          );
          return undefined;
        }) as unknown as http.RequestOptions["createConnection"],
      },
      (res) => {
        readLimited(res, req.maxBodyChars ?? MAX_BODY_CHARS).then(
          (body) => resolve({ status: res.statusCode ?? 0, headers: toHeaders(res.headers), body }),
          (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))),
        );
      },
    );
    // "on", not "once": a dial that fails after the timeout already aborted the request reports a second error
    request.on("error", reject);
    request.end(req.body);
  });
}

/** The body up to `max` bytes; a longer one is cut (and its connection closed), never buffered whole. */
function readLimited(res: http.IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= max) {
        res.destroy();
        resolve(Buffer.concat(chunks).subarray(0, max).toString("utf8"));
      }
    });
    res.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  return headers;
}

/** The body up to `max` characters: read as it streams in, and the connection dropped once there is more. */
async function readBody(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length >= max) {
      await res.body.cancel().catch(() => {});
      return text.slice(0, max);
    }
  }
  return text + decoder.decode();
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
 * provider's own reader when it can. Else, from a fixed provider, a short excerpt of the body; from a merchant's
 * endpoint (req.destination), the status in words: whatever answered there, its raw body is never shown.
 * Secrets are masked.
 */
export function failureFromResponse(
  req: Pick<ProviderRequest, "provider" | "secrets" | "destination" | "url">,
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
  if (!text) text = req.destination ? (STATUS_CODES[status] ?? "unexpected answer") : excerpt(masked.body);
  if (status >= 300 && status < 400) text = redirectWords(req.url, response.headers.get("location"));
  return {
    ok: false,
    retryable: isRetryableStatus(status),
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), nowMs),
    ...(status === 429 ? { throttled: true } : {}),
    status,
    error: maskSecrets(`${req.provider} ${status}${text ? `: ${text}` : ""}`, req.secrets),
  };
}

/** A redirect is reported, never followed: where it points is shown by origin only (its path may hold a token). */
function redirectWords(requestUrl: string | undefined, location: string | null): string {
  let target: string | null = null;
  if (location) {
    try {
      target = new URL(location, requestUrl).origin;
    } catch {
      target = null;
    }
  }
  return `redirected${target && target !== "null" ? ` to ${target}` : ""}; redirects are not followed: update the URL`;
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
