import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppProxyCheck } from "~/.server/shopify/signatures";
import type { LookupQuery, LookupResult } from "~/.server/services/storefront-lookup";
import type { RateLimiter } from "./rate-limit";
import { sendJson } from "./respond";

const LIMITS = { order: 64, email: 254, tracking: 64 };

/**
 * GET /proxy/lookup — reached through Shopify's app proxy (/apps/track/lookup on the shop's domain).
 * The same 404 for an unknown order and a wrong email. Answers are personal: never cached.
 */
export function proxyLookupEndpoint(deps: {
  verify: (params: URLSearchParams, nowMs: number) => AppProxyCheck;
  lookup: (shop: string, query: LookupQuery) => Promise<LookupResult>;
  limiter: RateLimiter;
  now: () => number;
}) {
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const noStore = { "cache-control": "no-store" };
    if (req.method !== "GET") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET" });
    const check = deps.verify(url.searchParams, deps.now());
    if (!check.ok) return sendJson(res, 401, { error: "unauthorized", message: `app proxy signature: ${check.why}` }, noStore);

    // Behind the proxy the TCP peer is Shopify; the shopper is the first X-Forwarded-For address.
    const forwarded = String(req.headers["x-forwarded-for"] ?? "").split(",")[0]?.trim();
    const shopper = forwarded || req.socket.remoteAddress || "unknown";
    const limited = deps.limiter.take(`${check.shop}|${shopper}`, deps.now());
    if (!limited.allowed) {
      return sendJson(res, 429, { error: "rate_limited", retryAfterSeconds: limited.retryAfterSeconds }, { ...noStore, "retry-after": String(limited.retryAfterSeconds) });
    }

    const order = url.searchParams.get("order")?.trim();
    const email = url.searchParams.get("email")?.trim();
    const tracking = url.searchParams.get("tracking")?.trim();
    let query: LookupQuery;
    if (tracking) {
      if (tracking.length > LIMITS.tracking) return sendJson(res, 400, { error: "bad_request", message: "tracking is too long" }, noStore);
      query = { kind: "tracking", tracking };
    } else if (order && email) {
      if (order.length > LIMITS.order || email.length > LIMITS.email) {
        return sendJson(res, 400, { error: "bad_request", message: "order or email is too long" }, noStore);
      }
      query = { kind: "order", order, email };
    } else {
      return sendJson(res, 400, { error: "bad_request", message: "give order and email, or tracking" }, noStore);
    }
    deps.lookup(check.shop, query).then(
      (result) =>
        result.found
          ? sendJson(res, 200, { order: result.order, shipments: result.shipments }, noStore)
          : sendJson(res, 404, { error: "not_found" }, noStore),
      (error: unknown) => {
        res.emit("shipwatch:error", error);
        sendJson(res, 500, { error: "internal_error" }, noStore);
      },
    );
  };
}
