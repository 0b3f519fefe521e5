import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * AfterShip signs each tracking webhook: `aftership-hmac-sha256: <base64 HMAC-SHA256 of the raw body, keyed with the
 * account's webhook secret>` (docs: Tracking, "Webhook Signature").
 */
export const AFTERSHIP_SIGNATURE_HEADER = "aftership-hmac-sha256";

export function signAfterShip(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64");
}

/** Timing-safe; a missing header or another secret's signature is false. */
export function verifyAfterShip(body: string | Buffer, header: string | null | undefined, secret: string): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(signAfterShip(body, secret), "utf8");
  const given = Buffer.from(header.trim(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
