import type { Clock } from "~/domain/clock";
import type { CarrierFailure } from "../../ports";
import { providerWords, retryableStatus } from "../feed-http";

/** A carrier API's answer, read once: status, JSON (null when none or not JSON), text, and its Retry-After. */
export interface CarrierAnswer {
  status: number;
  json: unknown;
  text: string;
  retryAfterMs: number | null;
}

export type CarrierRequestBody = { json: unknown } | { form: Record<string, string> };

/**
 * One call to a carrier's REST API: JSON or form in, JSON out, a timeout, and no answer at all told as a retryable
 * failure in the carrier's name. The clients read the answer their carrier's way.
 */
export async function callCarrier(
  carrier: string,
  request: { url: string; method: "GET" | "POST"; headers: Record<string, string>; body?: CarrierRequestBody; timeoutMs: number },
  clock: Clock,
): Promise<{ answer: CarrierAnswer } | { failure: CarrierFailure }> {
  const body = request.body === undefined ? undefined : "json" in request.body ? JSON.stringify(request.body.json) : new URLSearchParams(request.body.form).toString();
  const contentType: Record<string, string> = request.body === undefined ? {} : { "content-type": "json" in request.body ? "application/json" : "application/x-www-form-urlencoded" };
  let res: Response;
  try {
    res = await fetch(request.url, { method: request.method, headers: { accept: "application/json", ...contentType, ...request.headers }, body, signal: AbortSignal.timeout(request.timeoutMs) });
  } catch (error) {
    return { failure: { ok: false, status: null, message: `${carrier} did not answer: ${(error as Error).message}`, retryable: true, retryAfterMs: null } };
  }
  const text = await res.text().catch(() => "");
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // a gateway's HTML error page: its status still says what happened
  }
  return { answer: { status: res.status, json, text, retryAfterMs: retryAfterMs(res.headers.get("retry-after"), clock.now()) } };
}

/** Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** A refused call in the carrier's own words ("UPS said (401 250002): Invalid Authentication Information."). */
export function carrierFailure(carrier: string, answer: CarrierAnswer, error: { code?: unknown; message?: unknown } | undefined): CarrierFailure {
  return { ok: false, status: answer.status, message: providerWords(carrier, answer.status, error, answer.text), retryable: retryableStatus(answer.status), retryAfterMs: answer.retryAfterMs };
}

/** An ISO time with or without its zone ("2026-11-20T10:15:00" from a carrier that means UTC): epoch ms, or null. */
export function instant(value: unknown): number | null {
  if (typeof value !== "string" || !value.trim()) return null;
  const v = value.trim();
  const zoned = /([zZ]|[+-]\d{2}:?\d{2})$/.test(v) || !v.includes("T") ? v : `${v}Z`;
  const at = Date.parse(zoned);
  return Number.isNaN(at) ? null : at;
}
