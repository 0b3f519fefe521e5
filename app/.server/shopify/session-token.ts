import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

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

/**
 * Verifies a Shopify session token: HS256 with the app secret (or the previous one during a rotation),
 * audience the app, within its validity window (5 s of clock skew allowed). Returns the shop it was issued for.
 */
export function verifySessionToken(
  token: string,
  options: { apiKey: string; secrets: readonly string[]; nowMs: number },
): { shop: string; userId: string | null } | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const given = Buffer.from(signature, "base64url");
  const valid = options.secrets.some((secret) => {
    const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return null;
  let claims: { alg?: string; aud?: unknown; dest?: unknown; exp?: unknown; nbf?: unknown; sub?: unknown };
  try {
    const head = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as { alg?: string };
    if (head.alg !== "HS256") return null;
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof claims;
  } catch {
    return null;
  }
  const now = options.nowMs / 1000;
  if (typeof claims.exp !== "number" || now > claims.exp + 5) return null;
  if (typeof claims.nbf === "number" && now < claims.nbf - 5) return null;
  if (claims.aud !== options.apiKey || typeof claims.dest !== "string") return null;
  let shop: string;
  try {
    shop = new URL(claims.dest).hostname;
  } catch {
    return null;
  }
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return null;
  return { shop, userId: typeof claims.sub === "string" ? claims.sub : null };
}
