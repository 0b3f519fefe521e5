import { createHmac, timingSafeEqual } from "node:crypto";
import type { HelpdeskSource } from "~/domain/helpdesk-tickets";

/**
 * Is this inbound ticket webhook from the helpdesk it claims? Each check reads the raw body exactly as received
 * (a re-serialized body signs differently) and compares digests with timingSafeEqual. A missing header, a malformed
 * one or a wrong digest are all just `false`: the endpoint answers 401 and stores nothing.
 *
 *   zendesk   X-Zendesk-Webhook-Signature: base64 HMAC-SHA256 of timestamp + body, keyed by the webhook's signing
 *             secret; X-Zendesk-Webhook-Signature-Timestamp (ISO 8601) must be within 5 minutes of `now`, so a
 *             captured request cannot be replayed later.
 *   intercom  X-Hub-Signature: "sha1=" + hex HMAC-SHA1 of the body, keyed by the app's client secret. Intercom
 *             signs no timestamp; replays are absorbed by the ticket store (same source + id counts once).
 *   gorgias, freshdesk, gladly, reamaze
 *             none of these signs the webhooks a merchant points at us (Gorgias HTTP integrations and Freshdesk
 *             automation webhooks send fixed headers; Gladly's webhooks carry ids only; Re:amaze documents its
 *             HMAC header for custom channels, not for webhooks). Shipwatch gives the merchant a URL and a secret
 *             and requires X-Shipwatch-Signature: "sha256=" + hex HMAC-SHA256 of the body, keyed by that secret,
 *             added by whatever sends the body (the merchant's relay, a helpdesk app). Our own scheme rather
 *             than a bare shared token in a header, so the secret never travels with the request.
 *             But a Gorgias HTTP integration or a Freshdesk automation webhook cannot compute an HMAC: it sends
 *             fixed headers only. For them the secret itself is accepted in X-Shipwatch-Token (over HTTPS, per
 *             connection, regenerable, compared digest to digest), which is what those helpdesks can send
 *             without a relay. A replay of a captured request is absorbed by the ticket store (counted once).
 */

export const ZENDESK_SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature";
export const ZENDESK_TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp";
export const INTERCOM_SIGNATURE_HEADER = "X-Hub-Signature";
export const SHIPWATCH_TICKET_SIGNATURE_HEADER = "X-Shipwatch-Signature";
/** the connection's secret itself, for helpdesks that send fixed headers only (Gorgias, Freshdesk) */
export const SHIPWATCH_TICKET_TOKEN_HEADER = "X-Shipwatch-Token";
/** how far Zendesk's signature timestamp may be from our clock, either way */
export const ZENDESK_TOLERANCE_MS = 5 * 60_000;

export type HeaderBag = Headers | Record<string, string | string[] | undefined>;

export interface SignedRequest {
  /** the body as received, before any JSON parsing */
  rawBody: string | Buffer;
  headers: HeaderBag;
  /** the connection's secret: Zendesk signing secret, Intercom client secret, or the secret Shipwatch issued */
  secret: string;
  /** epoch ms */
  now: number;
}

export function verifyHelpdeskSignature(source: HelpdeskSource, request: SignedRequest): boolean {
  if (!request.secret) return false;
  switch (source) {
    case "zendesk":
      return verifyZendesk(request);
    case "intercom":
      return verifyIntercom(request);
    case "gorgias":
    case "freshdesk":
    case "gladly":
    case "reamaze":
      return verifyShipwatchTicket(request);
  }
}

/** "sha256=<hex>" for X-Shipwatch-Signature: what a merchant's relay (and the demo) sends. */
export function signShipwatchTicket(rawBody: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

function verifyZendesk({ rawBody, headers, secret, now }: SignedRequest): boolean {
  const signature = header(headers, ZENDESK_SIGNATURE_HEADER);
  const timestamp = header(headers, ZENDESK_TIMESTAMP_HEADER);
  if (!signature || !timestamp) return false;
  const at = Date.parse(timestamp);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(timestamp) || Number.isNaN(at) || Math.abs(now - at) > ZENDESK_TOLERANCE_MS) return false;
  const expected = createHmac("sha256", secret).update(timestamp).update(rawBody).digest();
  return sameDigest(strictBase64(signature.trim()), expected);
}

function verifyIntercom({ rawBody, headers, secret }: SignedRequest): boolean {
  const given = /^sha1=([0-9a-f]{40})$/i.exec(header(headers, INTERCOM_SIGNATURE_HEADER)?.trim() ?? "")?.[1];
  if (!given) return false;
  return sameDigest(Buffer.from(given, "hex"), createHmac("sha1", secret).update(rawBody).digest());
}

function verifyShipwatchTicket(request: SignedRequest): boolean {
  const token = header(request.headers, SHIPWATCH_TICKET_TOKEN_HEADER)?.trim();
  if (token && header(request.headers, SHIPWATCH_TICKET_SIGNATURE_HEADER) === null) {
    // digests of equal length: neither the secret's length nor its bytes leak through the comparison's timing
    const digest = (text: string) => createHmac("sha256", "shipwatch-ticket-token").update(text).digest();
    return sameDigest(digest(token), digest(request.secret));
  }
  return verifyShipwatchHmac(request);
}

function verifyShipwatchHmac({ rawBody, headers, secret }: SignedRequest): boolean {
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header(headers, SHIPWATCH_TICKET_SIGNATURE_HEADER)?.trim() ?? "")?.[1];
  if (!given) return false;
  return sameDigest(Buffer.from(given, "hex"), createHmac("sha256", secret).update(rawBody).digest());
}

/** strict base64: Buffer.from ignores characters it does not know, which would let junk decode to something */
function strictBase64(text: string): Buffer | null {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 ? Buffer.from(text, "base64") : null;
}

function sameDigest(given: Buffer | null, expected: Buffer): boolean {
  // timingSafeEqual throws on a length mismatch; the length of a digest is no secret
  return given !== null && given.length === expected.length && timingSafeEqual(given, expected);
}

function header(headers: HeaderBag, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    return Array.isArray(value) ? (value[0] ?? null) : value;
  }
  return null;
}
