import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appProxyVerifier, signAppProxy } from "~/.server/shopify/signatures";
import { NOT_FOUND_FLOOR_MS, proxyLookupEndpoint } from "../../server/endpoints/proxy-lookup";
import { createLookupLimiters, createRateLimiter, LOOKUP_LIMIT_DEFAULTS } from "../../server/endpoints/rate-limit";
import { fulfillmentPayload, orderPayload, upsJourney } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, TEST_SECRET, type TestApp } from "../support/test-app";

/** The storefront lookup's defences (issue 5): signature window, limits per shopper and per shop, guessing, input size, timing. */

const maya = orderPayload({ id: 5_630_000_001, name: "#1001", email: "maya.chen@example.com" });
const parcel = fulfillmentPayload(maya.id, { id: 4_630_000_011, name: "#1001.1" });
const TRACKING = "1Z999AA10123456784";

async function seed(app: TestApp) {
  for (const [topic, payload] of [["orders/create", maya], ["fulfillments/create", parcel], ...upsJourney(parcel.id, maya.id).slice(0, 3).map((e) => ["fulfillment_events/create", e] as const)] as const) {
    expect((await app.sendWebhook(topic, payload, { shop: SHOP_A })).status).toBe(200);
  }
  await app.settle();
}

/** X-Forwarded-For as Shopify's proxy hands it on: what the browser sent (anything), then the shopper's address. */
const asShopper = (ip: string) => ({ headers: { "x-forwarded-for": `203.0.113.250, ${ip}` } });

describe("proxy lookup: signature window and input limits", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seed(app);
  });
  afterAll(async () => app?.close());

  it("accepts a signature up to 90 s old or ahead, refuses one a second beyond", async () => {
    const now = app.clock.now() / 1000;
    const status = async (timestamp: number) => (await fetch(app.proxyUrl({ tracking: TRACKING }, { timestamp }))).status;
    const [early, late] = [Math.ceil(now), Math.floor(now)];
    expect([await status(early - 90), await status(late + 90), await status(late - 91), await status(early + 91)]).toEqual([200, 200, 401, 401]);
  });

  it("refuses input longer than any real order name, email or tracking number, before any query", async () => {
    const status = async (query: Record<string, string>) => (await fetch(app.proxyUrl(query))).status;
    expect(await status({ tracking: "9".repeat(64) })).toBe(404);
    expect(await status({ tracking: "9".repeat(65) })).toBe(400);
    expect(await status({ order: "#".padEnd(65, "1"), email: "maya.chen@example.com" })).toBe(400);
    expect(await status({ order: "#1001", email: `${"m".repeat(243)}@example.com` })).toBe(400);
    expect(await status({ order: "#1001", email: `${"m".repeat(242)}@example.com` })).toBe(404);
  });

  it("GIVEN an unknown order and a wrong email THEN the same body at the same time, remembered answer or not", async () => {
    const timed = async (query: Record<string, string>) => {
      const started = performance.now();
      const res = await fetch(app.proxyUrl(query));
      const body = await res.text();
      return { ms: performance.now() - started, answer: `${res.status} ${body}` };
    };
    const unknown: number[] = [];
    const wrongEmail: number[] = [];
    const answers = new Set<string>();
    // every unknown name is new (a database read); the known order is remembered after the first ask
    for (let i = 0; i < 30; i++) {
      const a = await timed({ order: `#${9000 + i}`, email: "maya.chen@example.com" });
      const b = await timed({ order: "#1001", email: `someone${i}@example.com` });
      unknown.push(a.ms);
      wrongEmail.push(b.ms);
      answers.add(a.answer).add(b.answer);
    }
    expect(answers).toEqual(new Set(['404 {"error":"not_found"}']));
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    // both are held to the same floor, whatever the work behind them
    expect(median(unknown)).toBeGreaterThanOrEqual(NOT_FOUND_FLOOR_MS);
    expect(median(wrongEmail)).toBeGreaterThanOrEqual(NOT_FOUND_FLOOR_MS);
    expect(Math.abs(median(unknown) - median(wrongEmail))).toBeLessThan(2);
  });
});

describe("proxy lookup: remembered answers", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seed(app);
  });
  afterAll(async () => app?.close());

  it("GIVEN a remembered order THEN a wrong email is still refused, and a new carrier event shows within two seconds", async () => {
    const ask = async (email = "maya.chen@example.com") => {
      const res = await fetch(app.proxyUrl({ order: "#1001", email }));
      return res.status === 200 ? ((await res.json()) as { shipments: { status: string }[] }).shipments[0]!.status : res.status;
    };
    expect(await ask()).toBe("in_transit");
    expect(await ask("someone.else@example.com")).toBe(404);
    const [, , , outForDelivery] = upsJourney(parcel.id, maya.id).slice(1);
    expect((await app.sendWebhook("fulfillment_events/create", outForDelivery, { shop: SHOP_A })).status).toBe(200);
    await app.settle();
    const started = performance.now();
    let status = await ask();
    while (status !== "out_for_delivery" && performance.now() - started < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await ask();
    }
    expect(status).toBe("out_for_delivery");
    expect(performance.now() - started).toBeLessThan(2_500);
  });
});

describe("proxy lookup: limits through the real server (LOOKUP_RATE_LIMIT)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOOKUP_RATE_LIMIT: "30" } });
    await seed(app);
  });
  afterAll(async () => app?.close());

  it(`GIVEN ${LOOKUP_LIMIT_DEFAULTS.failedAttempts} not-found answers for one shopper THEN 429 too_many_attempts for a quarter of an hour, right details included; others unaffected`, async () => {
    const guess = (i: number, ip = "198.51.100.20") => fetch(app.proxyUrl({ order: "#1001", email: `guess${i}@example.com` }), asShopper(ip));
    const statuses = [];
    for (let i = 0; i < LOOKUP_LIMIT_DEFAULTS.failedAttempts; i++) statuses.push((await guess(i)).status);
    expect(statuses).toEqual(Array(LOOKUP_LIMIT_DEFAULTS.failedAttempts).fill(404));

    const right = await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }), asShopper("198.51.100.20"));
    expect(right.status).toBe(429);
    expect(await right.json()).toEqual({ error: "too_many_attempts", retryAfterSeconds: 900 });
    expect(right.headers.get("retry-after")).toBe("900");
    // another shopper, and the same address in another shop, are not affected
    expect((await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }), asShopper("198.51.100.21"))).status).toBe(200);
    expect((await fetch(app.proxyUrl({ tracking: TRACKING }, { shop: SHOP_B }), asShopper("198.51.100.20"))).status).toBe(404);

    app.clock.advance(15 * 60_000);
    expect((await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }), asShopper("198.51.100.20"))).status).toBe(200);
  });

  it("found answers never count as failed attempts", async () => {
    app.clock.advance(61_000);
    const statuses = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(app.proxyUrl({ tracking: TRACKING }), asShopper("198.51.100.30"))).status);
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it("each answered lookup adds one to the shipments it showed, and a not-found adds nothing", async () => {
    const count = async () => (await app.container.services.lookup.flushLookupCounts(), await app.db.selectFrom("Shipment").select(["lookupCount", "lastLookedUpAt"]).where("shop", "=", SHOP_A).where("shipmentKey", "=", TRACKING).executeTakeFirstOrThrow());
    app.clock.advance(61_000);
    const before = await count();
    await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }), asShopper("198.51.100.40"));
    await fetch(app.proxyUrl({ order: "#1001", email: "nobody@example.com" }), asShopper("198.51.100.40"));
    const after = await count();
    expect(after.lookupCount).toBe(before.lookupCount + 1);
    expect(after.lastLookedUpAt).toBe(app.clock.now());
  });
});

describe("proxy lookup endpoint: the per-shop limit", () => {
  let app: TestApp;
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    app = await startTestApp();
    await seed(app);
    // the endpoint as server/http.ts builds it, with a per-shop limit small enough to reach
    const endpoint = proxyLookupEndpoint({
      verify: appProxyVerifier([TEST_SECRET]),
      lookup: app.container.services.lookup.lookup,
      limiters: createLookupLimiters({ perShopperPerMinute: 30, perShopPerMinute: 5 }),
      now: () => app.clock.now(),
    });
    server = http.createServer((req, res) => endpoint(req, res, new URL(req.url ?? "/", "http://localhost")));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await app?.close();
  });

  const lookupAt = (shop: string, ip: string) => {
    const params = new URLSearchParams({ shop, path_prefix: "/apps/track", timestamp: String(Math.floor(app.clock.now() / 1000)), logged_in_customer_id: "", tracking: TRACKING });
    params.set("signature", signAppProxy(params, TEST_SECRET));
    return fetch(`${url}/proxy/lookup?${params}`, asShopper(ip));
  };

  it("GIVEN lookups spread over many addresses THEN the shop's own limit answers 429 with Retry-After; other shops are unaffected", async () => {
    const statuses = [];
    for (let i = 1; i <= 6; i++) statuses.push((await lookupAt(SHOP_A, `203.0.113.${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await lookupAt(SHOP_A, "203.0.113.99");
    expect(await limited.json()).toMatchObject({ error: "rate_limited" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await lookupAt(SHOP_B, "203.0.113.1")).status).toBe(404);
    app.clock.advance(60_000);
    expect((await lookupAt(SHOP_A, "203.0.113.7")).status).toBe(200);
  });
});

describe("rate limiters", () => {
  it("count per key in fixed windows, and say when to come back", () => {
    const limiter = createRateLimiter(2, { windowMs: 10_000 });
    expect([limiter.take("a", 0), limiter.take("a", 1_000), limiter.take("a", 2_000)]).toEqual([
      { allowed: true },
      { allowed: true },
      { allowed: false, retryAfterSeconds: 8 },
    ]);
    expect(limiter.take("b", 2_000)).toEqual({ allowed: true });
    expect(limiter.take("a", 10_000)).toEqual({ allowed: true });
  });

  it("check() looks without counting", () => {
    const limiter = createRateLimiter(1);
    expect(limiter.check("a", 0)).toEqual({ allowed: true });
    limiter.take("a", 0);
    expect(limiter.check("a", 30_000)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    expect(limiter.check("a", 60_000)).toEqual({ allowed: true });
  });

  it("a per-shopper limit of 0 (load tests) turns every lookup limit off", () => {
    const limiters = createLookupLimiters({ perShopperPerMinute: 0, perShopPerMinute: 1 });
    for (let i = 0; i < 50; i++) {
      expect(limiters.shopper.take("x", 0).allowed && limiters.shop.take("x", 0).allowed && limiters.failures.take("x", 0).allowed).toBe(true);
    }
    expect(createLookupLimiters({ perShopperPerMinute: 30 }).shop.limit).toBe(LOOKUP_LIMIT_DEFAULTS.perShopPerMinute);
  });
});
