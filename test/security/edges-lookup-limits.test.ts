import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOOKUP_LIMIT_DEFAULTS } from "../../server/endpoints/rate-limit";
import { shopperKey } from "../../server/endpoints/shopper-key";
import { fulfillmentPayload, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Issue 13, item 5: the storefront lookup's limits must hold however a shopper rotates what they control.
 * The browser controls every header it sends; Shopify's proxy appends the address it saw to X-Forwarded-For,
 * and signs logged_in_customer_id. Everything to the left of the right-most entry is the shopper's own words.
 */

const maya = orderPayload({ id: 5_631_000_001, name: "#1001", email: "maya.chen@example.com" });
const parcel = fulfillmentPayload(maya.id, { id: 4_631_000_011, name: "#1001.1" });
const other = orderPayload({ id: 5_631_000_002, name: "#1002", email: "sam.lee@example.com" });
const TRACKING = "1Z999AA10123456784";

async function seed(app: TestApp) {
  for (const [topic, payload] of [["orders/create", maya], ["fulfillments/create", parcel], ["orders/create", other]] as const) {
    expect((await app.sendWebhook(topic, payload, { shop: SHOP_A })).status).toBe(200);
  }
  // the same order name and email in another shop
  expect((await app.sendWebhook("orders/create", orderPayload({ id: 5_631_000_003, name: "#1001", email: "maya.chen@example.com" }), { shop: SHOP_B })).status).toBe(200);
  await app.settle();
}

/** X-Forwarded-For as it reaches us: whatever the browser sent, then the address Shopify's proxy appended. */
const forwarded = (sentByBrowser: string[], appendedByShopify: string) => ({
  headers: { "x-forwarded-for": [...sentByBrowser, appendedByShopify].join(", ") },
});

async function statuses(requests: (() => Promise<Response>)[]) {
  const result: number[] = [];
  for (const request of requests) result.push((await request()).status);
  return result;
}

const count = (xs: number[], status: number) => xs.filter((s) => s === status).length;

describe("storefront lookup: the per-shopper key is what Shopify vouches for", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOOKUP_RATE_LIMIT: "30" } });
    await seed(app);
  });
  afterAll(async () => app?.close());

  it("GIVEN one shopper rotating the first X-Forwarded-For entry over 60 lookups THEN only the per-shopper limit (30) is answered", async () => {
    app.clock.advance(61_000);
    const answered = await statuses(
      Array.from({ length: 60 }, (_, i) => () => fetch(app.proxyUrl({ tracking: TRACKING }), forwarded([`198.18.${i >> 8}.${i & 255}`], "198.51.100.7"))),
    );
    expect(count(answered, 200)).toBe(30);
    expect(answered.slice(30)).toEqual(Array(30).fill(429));
  });

  it("GIVEN a shopper rotating X-Forwarded-For entries while guessing emails THEN the ten-miss lock-out still holds", async () => {
    app.clock.advance(61_000);
    const guesses = await statuses(
      Array.from({ length: 12 }, (_, i) => () =>
        fetch(app.proxyUrl({ order: "#1001", email: `guess${i}@example.com` }), forwarded([`198.18.0.${i}`, `198.18.1.${i}`], "198.51.100.8")),
      ),
    );
    expect(guesses).toEqual([...Array(LOOKUP_LIMIT_DEFAULTS.failedAttempts).fill(404), 429, 429]);
    const locked = await fetch(app.proxyUrl({ order: "#1002", email: "sam.lee@example.com" }), forwarded(["198.18.9.9"], "198.51.100.8"));
    expect(await locked.json()).toMatchObject({ error: "too_many_attempts" });
  });

  it("GIVEN a signed logged_in_customer_id THEN the shopper is that customer, whatever address the lookups come from", async () => {
    app.clock.advance(61_000);
    const asCustomer = (id: string, ip: string) => fetch(app.proxyUrl({ tracking: TRACKING, logged_in_customer_id: id }), forwarded([], ip));
    const one = await statuses(Array.from({ length: 32 }, (_, i) => () => asCustomer("7100000001", `203.0.113.${i + 1}`)));
    expect(count(one, 200)).toBe(30);
    expect(one.slice(30)).toEqual([429, 429]);
    // another customer behind one of the same addresses keeps their own allowance
    expect((await asCustomer("7100000002", "203.0.113.1")).status).toBe(200);
  });

  it("GIVEN IPv6 addresses rotated within one /64 THEN they count as one shopper", async () => {
    app.clock.advance(61_000);
    const answered = await statuses(
      Array.from({ length: 32 }, (_, i) => () => fetch(app.proxyUrl({ tracking: TRACKING }), forwarded([], `2001:db8:7:7::${(i + 1).toString(16)}`))),
    );
    expect(count(answered, 200)).toBe(30);
    // the next /64 is another shopper
    expect((await fetch(app.proxyUrl({ tracking: TRACKING }), forwarded([], "2001:db8:7:8::1"))).status).toBe(200);
  });
});

describe("storefront lookup behind a load balancer of our own (LOOKUP_TRUSTED_PROXIES=1)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOOKUP_RATE_LIMIT: "3", LOOKUP_TRUSTED_PROXIES: "1" } });
    await seed(app);
  });
  afterAll(async () => app?.close());

  it("reads the shopper from the entry before the one our balancer appended (Shopify's egress address)", async () => {
    const viaBalancer = (shopper: string, i: number) =>
      fetch(app.proxyUrl({ tracking: TRACKING }), forwarded([`198.18.0.${i}`, shopper], "23.227.38.65"));
    const one = await statuses(Array.from({ length: 5 }, (_, i) => () => viaBalancer("198.51.100.7", i)));
    expect(one).toEqual([200, 200, 200, 429, 429]);
    // every shopper arrives from Shopify's same egress address, yet each has their own allowance
    expect((await viaBalancer("198.51.100.8", 0)).status).toBe(200);
  });
});

describe("storefront lookup: misses are limited per order name too", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOOKUP_RATE_LIMIT: "60" } });
    await seed(app);
  });
  afterAll(async () => app?.close());

  it(`GIVEN ${LOOKUP_LIMIT_DEFAULTS.failedAttemptsPerOrder} wrong emails for one order from as many addresses THEN that order answers 429 too_many_attempts for a quarter of an hour; other orders and shops are unaffected`, async () => {
    const budget = LOOKUP_LIMIT_DEFAULTS.failedAttemptsPerOrder;
    // each guess from an address Shopify saw: no per-shopper limit is reached
    const guesses = await statuses(
      Array.from({ length: budget }, (_, i) => () =>
        fetch(app.proxyUrl({ order: i % 2 ? "#1001" : " 1001 ", email: `guess${i}@example.com` }), forwarded([], `203.0.113.${i + 1}`)),
      ),
    );
    expect(guesses).toEqual(Array(budget).fill(404));

    // a fresh address, even with the right email: the order is locked
    const fresh = await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }), forwarded([], "198.51.100.200"));
    expect(fresh.status).toBe(429);
    expect(await fresh.json()).toEqual({ error: "too_many_attempts", retryAfterSeconds: 900 });
    expect(fresh.headers.get("retry-after")).toBe("900");

    // another order of the shop, a tracking lookup, and the same order name in another shop still answer
    expect((await fetch(app.proxyUrl({ order: "#1002", email: "sam.lee@example.com" }), forwarded([], "198.51.100.201"))).status).toBe(200);
    expect((await fetch(app.proxyUrl({ tracking: TRACKING }), forwarded([], "198.51.100.202"))).status).toBe(200);
    expect((await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }, { shop: SHOP_B }), forwarded([], "198.51.100.203"))).status).toBe(200);

    app.clock.advance(LOOKUP_LIMIT_DEFAULTS.failedWindowMs);
    expect((await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }), forwarded([], "198.51.100.204"))).status).toBe(200);
  });

  it("GIVEN wrong emails guessed on the tracking page (/proxy) THEN they lock the order in the JSON lookup too: one limit, wherever the guesses come in", async () => {
    app.clock.advance(LOOKUP_LIMIT_DEFAULTS.failedWindowMs);
    const budget = LOOKUP_LIMIT_DEFAULTS.failedAttemptsPerOrder;
    const onPage = (i: number) => fetch(app.proxyUrl({ order: "#1001", email: `page-guess${i}@example.com` }).replace("/proxy/lookup?", "/proxy?"), forwarded([], `192.0.2.${i + 1}`));
    const outcomes: (string | null)[] = [];
    for (let i = 0; i < budget; i++) {
      const res = await onPage(i);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      outcomes.push(res.headers.get("x-shipwatch-outcome"));
    }
    expect(outcomes).toEqual(Array(budget).fill("not_found"));
    const json = await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }), forwarded([], "198.51.100.210"));
    expect(json.status).toBe(429);
    expect(await json.json()).toMatchObject({ error: "too_many_attempts" });
    const page = await onPage(200);
    expect(page.headers.get("x-shipwatch-outcome")).toBe("too_many_attempts");
    expect(await page.text()).toContain("Too many attempts");
  });

  it("a found answer never counts against the order", async () => {
    app.clock.advance(LOOKUP_LIMIT_DEFAULTS.failedWindowMs);
    const answered = await statuses(
      Array.from({ length: LOOKUP_LIMIT_DEFAULTS.failedAttemptsPerOrder + 5 }, (_, i) => () =>
        fetch(app.proxyUrl({ order: "#1002", email: "sam.lee@example.com" }), forwarded([], `198.51.100.${i + 1}`)),
      ),
    );
    expect(new Set(answered)).toEqual(new Set([200]));
  });
});

describe("shopperKey", () => {
  const params = (customer = "") => new URLSearchParams({ shop: SHOP_A, logged_in_customer_id: customer });

  it("reads the right-most X-Forwarded-For entry, or the peer without one", () => {
    expect(shopperKey(SHOP_A, params(), "1.1.1.1, 2.2.2.2,198.51.100.7", "23.227.38.65")).toBe(`${SHOP_A}|ip:198.51.100.7`);
    expect(shopperKey(SHOP_A, params(), undefined, "198.51.100.9")).toBe(`${SHOP_A}|ip:198.51.100.9`);
    expect(shopperKey(SHOP_A, params(), " , ", "198.51.100.9")).toBe(`${SHOP_A}|ip:198.51.100.9`);
  });

  it("skips the entries our own proxies appended, when there are any", () => {
    expect(shopperKey(SHOP_A, params(), "1.1.1.1, 198.51.100.7, 23.227.38.65", "10.0.0.2", 1)).toBe(`${SHOP_A}|ip:198.51.100.7`);
  });

  it("keys IPv6 by its /64 and IPv4-mapped IPv6 as IPv4", () => {
    expect(shopperKey(SHOP_A, params(), "2001:DB8:0:1:aaaa::1", undefined)).toBe(`${SHOP_A}|ip:2001:db8:0:1::/64`);
    expect(shopperKey(SHOP_A, params(), "2001:db8::1:2:3:4", undefined)).toBe(`${SHOP_A}|ip:2001:db8:0:0::/64`);
    expect(shopperKey(SHOP_A, params(), "::ffff:198.51.100.7", undefined)).toBe(`${SHOP_A}|ip:198.51.100.7`);
  });

  it("prefers the signed customer id", () => {
    expect(shopperKey(SHOP_A, params("7100000001"), "198.51.100.7", undefined)).toBe(`${SHOP_A}|customer:7100000001`);
  });
});
