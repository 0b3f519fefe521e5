import { createPublicKey, verify } from "node:crypto";

/**
 * ShipEngine (ShipStation API) signs each webhook with RSA-SHA256 (docs: "Webhook Validation"): three headers carry
 * the id of the signing key, the base64 signature and a timestamp; the signed payload is `<timestamp>.<raw body>`;
 * the public keys are published as a JWKS (https://api.shipengine.com/jwks), named by the key id.
 */
export const SHIPENGINE_KEY_ID_HEADER = "x-shipengine-rsa-sha256-key-id";
export const SHIPENGINE_SIGNATURE_HEADER = "x-shipengine-rsa-sha256-signature";
export const SHIPENGINE_TIMESTAMP_HEADER = "x-shipengine-timestamp";

/** The docs suggest refusing timestamps more than 5 minutes from now, either way (clocks drift): a replay is refused. */
export const SHIPENGINE_TIMESTAMP_TOLERANCE_MS = 5 * 60_000;

export interface ShipEngineSignature {
  keyId: string | null;
  signature: string | null;
  timestamp: string | null;
}

/** The timestamp header as milliseconds: ISO 8601, or Unix seconds (or milliseconds) as some senders write it. */
export function shipEngineTimestampMs(timestamp: string): number {
  const numeric = Number(timestamp);
  if (/^\d+(\.\d+)?$/.test(timestamp.trim()) && Number.isFinite(numeric)) return numeric < 1e11 ? numeric * 1000 : numeric;
  return Date.parse(timestamp);
}

/**
 * True only for a body signed by the key `jwk` over `<timestamp>.<body>` with a timestamp within the tolerance of
 * `now`. A missing header, a key that is not an RSA public key, a malformed signature: false.
 */
export function verifyShipEngine(body: Buffer | string, headers: ShipEngineSignature, jwk: JsonWebKey | null, now: number): boolean {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !jwk || jwk.kty !== "RSA") return false;
  const signedAt = shipEngineTimestampMs(timestamp);
  if (!Number.isFinite(signedAt) || Math.abs(now - signedAt) > SHIPENGINE_TIMESTAMP_TOLERANCE_MS) return false;
  try {
    const key = createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" });
    const payload = Buffer.concat([Buffer.from(`${timestamp}.`, "utf8"), Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8")]);
    return verify("sha256", payload, key, Buffer.from(signature.trim(), "base64"));
  } catch {
    return false;
  }
}
