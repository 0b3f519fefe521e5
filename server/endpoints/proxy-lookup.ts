import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppProxyCheck } from "~/.server/shopify/signatures";
import type { LookupQuery, LookupResult } from "~/.server/services/storefront-lookup";
import { TRACK_TOKEN_MAX_LENGTH } from "~/.server/services/track-links";
import { normalizeOrderName } from "~/domain/shipment-state";
import type { RateDecision, RateLimiter } from "./rate-limit";
import { sendJson } from "./respond";
import { shopperKey } from "./shopper-key";

/** Longer than any real order name, email (RFC 5321) or tracking number: refused before any query. */
export const LOOKUP_INPUT_LIMITS = { order: 64, email: 254, tracking: 64 };

/**
 * A not-found answer leaves no sooner than this after the request arrived, so every one takes the same time
 * whatever the work behind it (an unknown order, a wrong email, a bad link, an answer remembered or read from a
 * cold page). Found answers are not held: they tell what they tell anyway.
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

export interface LookupGateDeps {
  verify: (params: URLSearchParams, nowMs: number) => AppProxyCheck;
  lookup: (shop: string, query: LookupQuery, at: number) => Promise<LookupResult>;
  /** per shopper, per shop, and failed attempts (server/endpoints/rate-limit.ts) */
  limiters: LookupLimiters;
  /** proxies of our own between Shopify's app proxy and this server, each appending to X-Forwarded-For */
  trustedProxies?: number;
  now: () => number;
}

/** What the gate decided about one request, before any lookup. */
export type Admission =
  | { kind: "unauthorized"; why: string }
  | { kind: "refused"; error: "rate_limited" | "too_many_attempts"; retryAfterSeconds: number }
  | { kind: "bad_request"; reason: "too_long" | "incomplete"; message: string }
  | { kind: "ask"; shop: string; shopper: string; query: LookupQuery | { kind: "bad_token" }; arrived: number; now: number };

export type Ask = Extract<Admission, { kind: "ask" }>;

/** The parameters that ask something; without any of them a request asks nothing (the tracking page's form). */
export const LOOKUP_PARAMS = ["t", "order", "email", "tracking"] as const;

/** One order however it is typed ("#1001", "1001", " #1001 "), within one shop. */
const orderKey = (shop: string, order: string) => `${shop}|order:${normalizeOrderName(order).toLowerCase()}`;

/**
 * The storefront lookup's checks and its not-found rules, shared by the JSON lookup (`/proxy/lookup`) and the
 * tracking page (`/proxy`): whichever a shopper uses, the same limits count the same attempts.
 *
 * In order: the signature and its 90 s window; the per-shopper then the per-shop rate limit; too many
 * not-found answers for this shopper; input lengths; too many not-found answers for this order name, from
 * anyone; then the lookup. A message link's token (`t`) is asked first. A token longer than any this app
 * writes is answered as an unknown order (counted, and held to the same floor) without a lookup: a bad link
 * is a dead link, never an error.
 */
export function createLookupGate(deps: LookupGateDeps) {
  const { limiters } = deps;
  const refused = (error: "rate_limited" | "too_many_attempts", decision: RateDecision & { allowed: false }): Admission => ({
    kind: "refused",
    error,
    retryAfterSeconds: decision.retryAfterSeconds,
  });

  /** The signature alone: whether Shopify's app proxy sent this request, and for which shop. */
  const verify = (url: URL, now = deps.now()) => deps.verify(url.searchParams, now);

  function admit(req: IncomingMessage, url: URL): Admission {
    const arrived = performance.now();
    const now = deps.now();
    const check = verify(url, now);
    if (!check.ok) return { kind: "unauthorized", why: check.why };

    // Only what Shopify vouches for names the shopper: the signed customer id, or the address its proxy
    // appended to X-Forwarded-For. The entries before it are the browser's own words (see shopper-key.ts).
    const shopper = shopperKey(check.shop, url.searchParams, req.headers["x-forwarded-for"], req.socket.remoteAddress, deps.trustedProxies);
    const perShopper = limiters.shopper.take(shopper, now);
    if (!perShopper.allowed) return refused("rate_limited", perShopper);
    const perShop = limiters.shop.take(check.shop, now);
    if (!perShop.allowed) return refused("rate_limited", perShop);
    const attempts = limiters.failures.check(shopper, now);
    if (!attempts.allowed) return refused("too_many_attempts", attempts);

    const param = (name: string) => url.searchParams.get(name)?.trim();
    const token = param("t");
    const order = param("order");
    const email = param("email");
    const tracking = param("tracking");
    const ask = (query: Ask["query"]): Admission => ({ kind: "ask", shop: check.shop, shopper, query, arrived, now });
    if (token) return ask(token.length > TRACK_TOKEN_MAX_LENGTH ? { kind: "bad_token" } : { kind: "token", token });
    if (tracking) {
      if (tracking.length > LOOKUP_INPUT_LIMITS.tracking) return { kind: "bad_request", reason: "too_long", message: "tracking is too long" };
      return ask({ kind: "tracking", tracking });
    }
    if (order && email) {
      if (order.length > LOOKUP_INPUT_LIMITS.order || email.length > LOOKUP_INPUT_LIMITS.email) return { kind: "bad_request", reason: "too_long", message: "order or email is too long" };
      // guessing one order's email stays limited however many shoppers (or addresses) the guesses come from
      const orderAttempts = limiters.orderFailures.check(orderKey(check.shop, order), now);
      if (!orderAttempts.allowed) return refused("too_many_attempts", orderAttempts);
      return ask({ kind: "order", order, email });
    }
    return { kind: "bad_request", reason: "incomplete", message: "give order and email, or tracking" };
  }

  /**
   * The lookup. A not-found counts against the shopper (and the order name) and is not answered before
   * NOT_FOUND_FLOOR_MS after the request arrived. A failure of the lookup itself rejects.
   */
  async function answer(ask: Ask): Promise<LookupResult> {
    const { query } = ask;
    const result: LookupResult = query.kind === "bad_token" ? { found: false } : await deps.lookup(ask.shop, query, ask.now);
    if (result.found) return result;
    limiters.failures.take(ask.shopper, ask.now);
    if (query.kind === "order") limiters.orderFailures.take(orderKey(ask.shop, query.order), ask.now);
    const hold = NOT_FOUND_FLOOR_MS - (performance.now() - ask.arrived);
    if (hold > 0) await new Promise((resolve) => setTimeout(resolve, hold));
    return result;
  }

  return { verify, admit, answer };
}

export type LookupGate = ReturnType<typeof createLookupGate>;

/**
 * GET /proxy/lookup — reached through Shopify's app proxy (/apps/track/lookup on the shop's domain).
 *
 * The gate's outcomes as JSON: 401 for a bad signature; 429 `rate_limited` or `too_many_attempts` with
 * Retry-After; 400 for missing or over-long input; 404 `{"error":"not_found"}` alike for an unknown order, a
 * wrong email and a tampered, expired or foreign link; 200 with the answer. Answers are personal: never cached
 * by anyone in between.
 */
export function proxyLookupEndpoint(deps: LookupGateDeps) {
  const gate = createLookupGate(deps);
  const noStore = { "cache-control": "no-store" };

  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== "GET") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET" });
    const admission = gate.admit(req, url);
    switch (admission.kind) {
      case "unauthorized":
        return sendJson(res, 401, { error: "unauthorized", message: `app proxy signature: ${admission.why}` }, noStore);
      case "refused":
        return sendJson(res, 429, { error: admission.error, retryAfterSeconds: admission.retryAfterSeconds }, { ...noStore, "retry-after": String(admission.retryAfterSeconds) });
      case "bad_request":
        return sendJson(res, 400, { error: "bad_request", message: admission.message }, noStore);
      case "ask":
        gate.answer(admission).then(
          (result) => (result.found ? sendJson(res, 200, { order: result.order, shipments: result.shipments }, noStore) : sendJson(res, 404, { error: "not_found" }, noStore)),
          (error: unknown) => {
            res.emit("shipwatch:error", error);
            sendJson(res, 500, { error: "internal_error" }, noStore);
          },
        );
    }
  };
}
