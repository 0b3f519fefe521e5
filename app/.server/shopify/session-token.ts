import { createHmac, randomUUID } from "node:crypto";

/**
 * Mints a Shopify session token (HS256 JWT signed with the app secret), exactly the shape App Bridge
 * hands an embedded app. Used by the local preview and by tests; Shopify mints the real ones.
 */
export function mintSessionToken(options: {
  shop: string;
  apiKey: string;
  apiSecret: string;
  nowMs: number;
  userId?: string;
  ttlSeconds?: number;
}): { token: string; expiresAt: number } {
  const now = Math.floor(options.nowMs / 1000);
  const exp = now + (options.ttlSeconds ?? 60);
  const payload = {
    iss: `https://${options.shop}/admin`,
    dest: `https://${options.shop}`,
    aud: options.apiKey,
    sub: options.userId ?? "1",
    exp,
    nbf: now - 5,
    iat: now,
    jti: randomUUID(),
    sid: randomUUID(),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
  const signature = createHmac("sha256", options.apiSecret).update(unsigned).digest("base64url");
  return { token: `${unsigned}.${signature}`, expiresAt: exp * 1000 };
}
