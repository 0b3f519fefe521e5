import { createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "~/domain/clock";
import { oneLine } from "~/domain/text";
import { readCredentials, type ChannelSender } from "./credentials";
import type { DestinationPolicy } from "./destination";
import { callProvider, failureFromResponse, isRecord, isSuccess, parseJson, safeOrigin, type ProviderResponse } from "./http";

export const SIGNATURE_HEADER = "X-Shipwatch-Signature";
export const TIMESTAMP_HEADER = "X-Shipwatch-Timestamp";
export const EVENT_ID_HEADER = "X-Shipwatch-Event-Id";
/** how far a receiver should accept a timestamp from its own clock, either way */
export const DEFAULT_SIGNATURE_TOLERANCE_MS = 5 * 60_000;

export interface WebhookChannelOptions {
  timeoutMs: number;
  clock: Clock;
  /** the endpoint is the merchant's: checked and pinned at send time */
  destination: DestinationPolicy;
}

/** The JSON body a helpdesk receives. */
export interface ShipwatchWebhookBody {
  id: string;
  type: string;
  moment: string;
  occurred_at: string;
  shop: string;
  properties: Record<string, unknown>;
}

/** HMAC-SHA256 over "<timestamp>.<raw body>", hex. */
export function signShipwatchPayload(timestamp: number | string, rawBody: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest("hex");
}

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing_headers" | "bad_timestamp" | "stale_timestamp" | "bad_signature" };

/**
 * For receivers (and tests): checks X-Shipwatch-Signature against the raw body as received, and that
 * X-Shipwatch-Timestamp is within `toleranceMs` of the receiver's clock (replays of old deliveries fail).
 * The signature header may list several `sha256=` values, comma-separated (a secret being rotated).
 */
export function verifyShipwatchSignature(
  rawBody: string | Buffer,
  headers: Headers | Record<string, string | string[] | undefined>,
  secret: string,
  nowMs: number,
  toleranceMs: number = DEFAULT_SIGNATURE_TOLERANCE_MS,
): SignatureCheck {
  const signature = header(headers, SIGNATURE_HEADER);
  const timestamp = header(headers, TIMESTAMP_HEADER);
  if (!signature || !timestamp) return { ok: false, reason: "missing_headers" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "bad_timestamp" };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > toleranceMs) return { ok: false, reason: "stale_timestamp" };
  const expected = Buffer.from(signShipwatchPayload(timestamp, rawBody, secret), "hex");
  const matches = signature
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.startsWith("sha256="))
    .some((s) => {
      const given = s.slice("sha256=".length);
      if (!/^[0-9a-f]{64}$/i.test(given)) return false;
      return timingSafeEqual(Buffer.from(given, "hex"), expected);
    });
  return matches ? { ok: true } : { ok: false, reason: "bad_signature" };
}

function header(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? value.join(",") : value;
  }
  return null;
}

/**
 * Signed outbound webhooks for helpdesks (Gorgias, Zendesk, a merchant's own endpoint): POST the event as
 * JSON to the configured URL; any 2xx is a delivery. Receivers deduplicate on X-Shipwatch-Event-Id.
 */
export function createWebhookChannel(options: WebhookChannelOptions): ChannelSender {
  return async (message, credentials) => {
    const creds = readCredentials("webhook", credentials);
    if (!creds.ok) return creds.failure;
    const { url } = creds.settings;
    const { signingSecret } = creds.secret;
    const payload: ShipwatchWebhookBody = {
      id: message.idempotencyKey,
      type: message.event.name,
      moment: message.event.moment,
      occurred_at: new Date(Number.isFinite(message.event.occurredAt) ? message.event.occurredAt : options.clock.now()).toISOString(),
      shop: message.shop,
      properties: message.event.properties,
    };
    const rawBody = JSON.stringify(payload);
    const timestamp = Math.floor(options.clock.now() / 1000);
    const request = {
      provider: `Webhook ${safeOrigin(url)}`,
      url,
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Shipwatch-Webhooks/1",
        [EVENT_ID_HEADER]: message.idempotencyKey,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: `sha256=${signShipwatchPayload(timestamp, rawBody, signingSecret)}`,
      },
      body: rawBody,
      timeoutMs: options.timeoutMs,
      // the URL may carry a token in its path or query (some helpdesks put one there): only its origin is shown
      secrets: [signingSecret, url],
      destination: options.destination,
    };
    const result = await callProvider(request);
    if ("failure" in result) return result.failure;
    if (!isSuccess(result.response.status)) return failureFromResponse(request, result.response, options.clock.now(), endpointError);
    return { ok: true, providerId: null };
  };
}

/**
 * What a receiver said about the event, when it said it as an error message: a JSON {"error": "…"}, {"message": "…"}
 * or {"error": {"message": "…"}}, or one short line of text/plain. Anything else (an HTML page, a banner, a file)
 * is not shown: the merchant reads the status in words instead.
 */
function endpointError(response: ProviderResponse): string | null {
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "text/plain") {
    const text = response.body.trim();
    return text && !/[\u0000-\u001f\u007f<>]/.test(text) && text.length <= 200 ? text : null;
  }
  const json = parseJson(response.body);
  if (!isRecord(json)) return null;
  const nested = isRecord(json.error) ? json.error.message : undefined;
  const said = [json.error, json.message, json.detail, nested].find((v): v is string => typeof v === "string" && v.trim() !== "");
  if (!said) return null;
  return oneLine(said.replace(/[<>]/g, " "), 200);
}
