import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * EasyPost signs each webhook body with the webhook's secret: `X-Hmac-Signature: hmac-sha256-hex=<hex>`, the HMAC
 * key being the secret NFKD-normalised and UTF-8 encoded, as EasyPost's own client libraries validate it
 * (`validateWebhook` in easypost-node, `validate_webhook` in easypost-python).
 */
export const EASYPOST_SIGNATURE_HEADER = "x-hmac-signature";
const PREFIX = "hmac-sha256-hex=";

export function signEasyPost(body: string | Buffer, secret: string): string {
  return PREFIX + createHmac("sha256", Buffer.from(secret.normalize("NFKD"), "utf8")).update(body).digest("hex");
}

/** Timing-safe; a missing header, another scheme or another secret's signature is false. */
export function verifyEasyPost(body: string | Buffer, header: string | null | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(signEasyPost(body, secret), "utf8");
  const given = Buffer.from(header.trim().toLowerCase(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
