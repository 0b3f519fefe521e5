import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Shopify's two signatures. Webhooks: base64 HMAC-SHA256 of the raw body. App proxy: hex HMAC-SHA256 of
 * the sorted query without `signature`, joined with no separator, repeated keys' values joined by ",".
 * Both compare in constant time, and both accept the previous secret during a rotation.
 */
export function webhookVerifier(secrets: readonly string[]) {
  return (rawBody: Buffer, header: string | null): boolean => {
    if (!header) return false;
    const given = Buffer.from(header, "base64");
    if (given.length !== 32) return false;
    return secrets.some((secret) => timingSafeEqual(createHmac("sha256", secret).update(rawBody).digest(), given));
  };
}

export function signWebhook(rawBody: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}

export function appProxyMessage(params: URLSearchParams): string {
  const grouped = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    grouped.set(key, [...(grouped.get(key) ?? []), value]);
  }
  return [...grouped.keys()]
    .sort()
    .map((key) => `${key}=${grouped.get(key)!.join(",")}`)
    .join("");
}

export function signAppProxy(params: URLSearchParams, secret: string): string {
  return createHmac("sha256", secret).update(appProxyMessage(params)).digest("hex");
}

export type AppProxyCheck = { ok: true; shop: string } | { ok: false; why: "missing" | "bad_signature" | "expired" | "bad_shop" };

export function appProxyVerifier(secrets: readonly string[], windowSeconds = 90) {
  return (params: URLSearchParams, nowMs: number): AppProxyCheck => {
    const signature = params.get("signature");
    const shop = params.get("shop");
    const timestamp = Number(params.get("timestamp"));
    if (!signature || !shop || !Number.isFinite(timestamp)) return { ok: false, why: "missing" };
    if (!/^[0-9a-f]{64}$/i.test(signature)) return { ok: false, why: "bad_signature" };
    const given = Buffer.from(signature, "hex");
    const message = appProxyMessage(params);
    const valid = secrets.some((secret) => timingSafeEqual(createHmac("sha256", secret).update(message).digest(), given));
    if (!valid) return { ok: false, why: "bad_signature" };
    // a signed URL is a bearer credential: replaying an old one is refused
    if (Math.abs(nowMs / 1000 - timestamp) > windowSeconds) return { ok: false, why: "expired" };
    if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return { ok: false, why: "bad_shop" };
    return { ok: true, shop };
  };
}
