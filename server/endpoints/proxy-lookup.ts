import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppProxyCheck } from "~/.server/shopify/signatures";
import type { LookupQuery, LookupResult } from "~/.server/services/storefront-lookup";
import { normalizeOrderName } from "~/domain/shipment-state";
import type { RateDecision, RateLimiter } from "./rate-limit";
import { sendJson } from "./respond";
import { shopperKey } from "./shopper-key";

/** Longer than any real order name, email (RFC 5321) or tracking number: refused before any query. */
export const LOOKUP_INPUT_LIMITS = { order: 64, email: 254, tracking: 64 };

/**
 * A not-found answer leaves no sooner than this after the request arrived, so every one takes the same time
 * whatever the work behind it (an unknown order, a wrong email, an answer remembered or read from a cold page).
 * Found answers are not held: they tell what they tell anyway.
 */
export const NOT_FOUND_FLOOR_MS = 50;

export interface LookupLimiters {
  /** per shopper: the shop and who Shopify says the shopper is (server/endpoints/shopper-key.ts) */
  shopper: RateLimiter;
  /** per shop, all shoppers together */
  shop: RateLimiter;
  /** not-found answers per shopper; used up means "too many attempts" */
  failures: RateLimiter;
  /** not-found answers per shop and order name, all shoppers together; used up means "too many attempts" */
  orderFailures: RateLimiter;
}

/** One order however it is typed ("#1001", "1001", " #1001 "), within one shop. */
const orderKey = (shop: string, order: string) => `${shop}|order:${normalizeOrderName(order).toLowerCase()}`;

/**
 * GET /proxy/lookup — reached through Shopify's app proxy (/apps/track/lookup on the shop's domain).
 *
 * In order: the signature and its 90 s window (401); the per-shopper then the per-shop rate limit (429
 * `rate_limited`); too many not-found answers for this shopper (429 `too_many_attempts`); input lengths (400);
 * too many not-found answers for this order name, from anyone (429 `too_many_attempts`); then the lookup. An
 * unknown order and a wrong email give the same 404 body at the same time. Answers are personal: never cached
 * by anyone in between.
 */
export function proxyLookupEndpoint(deps: {
  verify: (params: URLSearchParams, nowMs: number) => AppProxyCheck;
  lookup: (shop: string, query: LookupQuery, at: number) => Promise<LookupResult>;
  /** per shopper, per shop, and failed attempts (server/endpoints/rate-limit.ts) */
  limiters: LookupLimiters;
  /** proxies of our own between Shopify's app proxy and this server, each appending to X-Forwarded-For */
  trustedProxies?: number;
  now: () => number;
}) {
  const { limiters } = deps;
  const noStore = { "cache-control": "no-store" };
  const refuse = (res: ServerResponse, error: "rate_limited" | "too_many_attempts", decision: RateDecision & { allowed: false }) =>
    sendJson(res, 429, { error, retryAfterSeconds: decision.retryAfterSeconds }, { ...noStore, "retry-after": String(decision.retryAfterSeconds) });

  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== "GET") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET" });
    const arrived = performance.now();
    const now = deps.now();
    const check = deps.verify(url.searchParams, now);
    if (!check.ok) return sendJson(res, 401, { error: "unauthorized", message: `app proxy signature: ${check.why}` }, noStore);

    // Only what Shopify vouches for names the shopper: the signed customer id, or the address its proxy
    // appended to X-Forwarded-For. The entries before it are the browser's own words (see shopper-key.ts).
    const shopper = shopperKey(check.shop, url.searchParams, req.headers["x-forwarded-for"], req.socket.remoteAddress, deps.trustedProxies);
    const perShopper = limiters.shopper.take(shopper, now);
    if (!perShopper.allowed) return refuse(res, "rate_limited", perShopper);
    const perShop = limiters.shop.take(check.shop, now);
    if (!perShop.allowed) return refuse(res, "rate_limited", perShop);
    const attempts = limiters.failures.check(shopper, now);
    if (!attempts.allowed) return refuse(res, "too_many_attempts", attempts);

    const order = url.searchParams.get("order")?.trim();
    const email = url.searchParams.get("email")?.trim();
    const tracking = url.searchParams.get("tracking")?.trim();
    let query: LookupQuery;
    if (tracking) {
      if (tracking.length > LOOKUP_INPUT_LIMITS.tracking) return sendJson(res, 400, { error: "bad_request", message: "tracking is too long" }, noStore);
      query = { kind: "tracking", tracking };
    } else if (order && email) {
      if (order.length > LOOKUP_INPUT_LIMITS.order || email.length > LOOKUP_INPUT_LIMITS.email) {
        return sendJson(res, 400, { error: "bad_request", message: "order or email is too long" }, noStore);
      }
      query = { kind: "order", order, email };
      // guessing one order's email stays limited however many shoppers (or addresses) the guesses come from
      const orderAttempts = limiters.orderFailures.check(orderKey(check.shop, order), now);
      if (!orderAttempts.allowed) return refuse(res, "too_many_attempts", orderAttempts);
    } else {
      return sendJson(res, 400, { error: "bad_request", message: "give order and email, or tracking" }, noStore);
    }
    deps.lookup(check.shop, query, now).then(
      (result) => {
        if (result.found) return sendJson(res, 200, { order: result.order, shipments: result.shipments }, noStore);
        limiters.failures.take(shopper, now);
        if (query.kind === "order") limiters.orderFailures.take(orderKey(check.shop, query.order), now);
        const hold = NOT_FOUND_FLOOR_MS - (performance.now() - arrived);
        if (hold <= 0) return sendJson(res, 404, { error: "not_found" }, noStore);
        setTimeout(() => sendJson(res, 404, { error: "not_found" }, noStore), hold);
      },
      (error: unknown) => {
        res.emit("shipwatch:error", error);
        sendJson(res, 500, { error: "internal_error" }, noStore);
      },
    );
  };
}
