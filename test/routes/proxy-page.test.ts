import { Liquid } from "liquidjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAppProxy } from "~/.server/shopify/signatures";
import { TRACK_TOKEN_MAX_LENGTH } from "~/.server/services/track-links";
import { NOT_FOUND_FLOOR_MS } from "../../server/endpoints/proxy-lookup";
import { PAGE_CSS, PAGE_JS } from "../../server/tracking-page/render";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload, upsJourney } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, TEST_SECRET, type TestApp } from "../support/test-app";

/**
 * GET /proxy: the tracking page Shopify shows at https://<shop>/apps/track (ARCHITECTURE.md, "Tracking page and
 * message links"). Every request is signed as Shopify's app proxy signs it.
 */

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-05T15:00:00Z");

const maya = orderPayload({ id: 5_640_000_001, name: "#1001", email: "maya.chen@example.com" });
const mayaParcel = fulfillmentPayload(maya.id, { id: 4_640_000_011, name: "#1001.1" });
// the same order name and email in shop B
const bravo = orderPayload({ id: 5_640_000_002, name: "#1001", email: "maya.chen@example.com" });
const bravoParcel = fulfillmentPayload(bravo.id, { id: 4_640_000_021, name: "#1001.1", tracking_number: "1Z12345E0205271688", tracking_numbers: ["1Z12345E0205271688"] });

// what a shopper, a carrier and a merchant could write, aimed at Shopify's Liquid and at the browser
const LIQUID = "{{ customer.email }}{% assign x = 1 %}";
const HTML = `<img src=x onerror="alert(1)">`;
const evil = orderPayload({
  id: 5_640_000_003,
  name: `#2002${LIQUID}`,
  order_number: 2002,
  email: "js.buyer@example.com",
  line_items: [{ id: 9, title: `Mug ${LIQUID}${HTML}`, quantity: 2, price: "12.00", sku: "MUG" }],
  shipping_address: { ...maya.shipping_address, address1: "9 Secret Lane", city: `Lyon{{ shop.name }}`, province: "{% raw %}", country: "France", country_code: "FR", zip: "69001" },
});
const evilParcel = fulfillmentPayload(evil.id, {
  id: 4_640_000_031,
  name: "#2002.1",
  tracking_number: "9400111899223197428506",
  tracking_numbers: ["9400111899223197428506"],
  tracking_company: "USPS",
  tracking_url: null,
  tracking_urls: [],
  line_items: evil.line_items,
});
const evilEvent = fulfillmentEventPayload(evilParcel.id, evil.id, {
  status: "in_transit",
  message: `Arrived ${LIQUID} ${HTML} }} %}`,
  city: `Paris{{ 'x' | append: customer.email }}`,
  province: "<b>IDF</b>",
  country: "France",
  happened_at: "2026-11-04T08:00:00Z",
});

/** A /proxy URL signed as Shopify's app proxy signs it. */
function pageUrl(app: TestApp, query: Record<string, string>, opts: { shop?: string; secret?: string; path?: string } = {}) {
  const params = new URLSearchParams({ shop: opts.shop ?? SHOP_A, path_prefix: "/apps/track", timestamp: String(Math.floor(app.clock.now() / 1000)), logged_in_customer_id: "", ...query });
  params.set("signature", signAppProxy(params, opts.secret ?? TEST_SECRET));
  return `${app.url}${opts.path ?? "/proxy"}?${params}`;
}

async function page(app: TestApp, query: Record<string, string>, opts: { shop?: string; secret?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(pageUrl(app, query, opts), { headers: opts.headers });
  return { status: res.status, type: res.headers.get("content-type"), outcome: res.headers.get("x-shipwatch-outcome"), body: await res.text() };
}

/** Shopify renders the body as Liquid: a body with no Liquid in it renders to itself, whatever the context holds. */
async function asShopifyRenders(body: string) {
  const engine = new Liquid();
  return engine.parseAndRender(body, { customer: { email: "LEAKED@example.com" }, shop: { name: "LEAKED-SHOP" } });
}

describe("GET /proxy: the tracking page", () => {
  let app: TestApp;
  let tokenA: string;

  beforeAll(async () => {
    app = await startTestApp();
    app.clock.set(NOW);
    const send = async (topic: string, payload: unknown, shop = SHOP_A) => expect((await app.sendWebhook(topic, payload, { shop })).status).toBe(200);
    await send("orders/create", maya);
    await send("fulfillments/create", mayaParcel);
    for (const e of upsJourney(mayaParcel.id, maya.id).slice(0, 5)) await send("fulfillment_events/create", e);
    await send("orders/create", evil);
    await send("fulfillments/create", evilParcel);
    await send("fulfillment_events/create", evilEvent);
    await send("orders/create", bravo, SHOP_B);
    await send("fulfillments/create", bravoParcel, SHOP_B);
    await app.settle();
    tokenA = app.container.trackLinks.token(SHOP_A, String(maya.id), app.clock.now());
  });
  afterAll(async () => app?.close());

  it("GIVEN no query THEN 200 application/liquid with the lookup form, and no limit is touched", async () => {
    const res = await page(app, {});
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/liquid; charset=utf-8");
    expect(res.outcome).toBe("form");
    expect(res.body).toContain("<form");
    expect(res.body).toContain('action="/apps/track"');
    expect(res.body).toContain("Track your order");
    expect(res.body).not.toContain('class="swp-answer"');
  });

  for (const [how, query] of [
    ["a message link (t)", () => ({ t: "" })],
    ["order and email", () => ({ order: "1001", email: " Maya.Chen@Example.com" })],
    ["tracking number", () => ({ tracking: "1z999aa10123456784" })],
  ] as const) {
    it(`GIVEN ${how} THEN the answer is on the page as served: status, parcel, carrier, events newest first, the destination's city but never the street`, async () => {
      const q: Record<string, string> = how.startsWith("a message") ? { t: tokenA } : { ...query() };
      const res = await page(app, q);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^application\/liquid/);
      expect(res.outcome).toBe("found");
      expect(res.body).toContain("Order #1001");
      expect(res.body).toContain("1Z999AA10123456784");
      expect(res.body).toContain("UPS");
      expect(res.body).toContain("Out for delivery");
      // newest first
      const [newest, older] = [res.body.indexOf("Out For Delivery Today"), res.body.indexOf("Pickup Scan")];
      expect(newest).toBeGreaterThan(0);
      expect(older).toBeGreaterThan(newest);
      expect(res.body).toContain("Ottawa");
      expect(res.body).not.toContain("120 Elgin St");
      expect(res.body).not.toContain("maya.chen@example.com");
      // the form to look up another order follows the answer
      expect(res.body.indexOf("swp-answer")).toBeLessThan(res.body.indexOf("<form"));
    });
  }

  it("GIVEN a found answer THEN it is the same order and parcels the JSON lookup gives for the same link", async () => {
    const json = await (await fetch(pageUrl(app, { t: tokenA }, { path: "/proxy/lookup" }))).json();
    const byEmail = await (await fetch(pageUrl(app, { order: "#1001", email: "maya.chen@example.com" }, { path: "/proxy/lookup" }))).json();
    expect(json).toEqual(byEmail);
    const res = await page(app, { t: tokenA });
    for (const s of json.shipments as { trackingNumber: string }[]) expect(res.body).toContain(s.trackingNumber);
  });

  it("GIVEN a bad signature, a stale one or none THEN 401, and no page", async () => {
    const forged = await page(app, { t: tokenA }, { secret: "wrong" });
    const stale = await fetch(pageUrl(app, { t: tokenA }).replace(/timestamp=\d+/, `timestamp=${Math.floor(app.clock.now() / 1000) - 600}`));
    const unsigned = await fetch(`${app.url}/proxy?shop=${SHOP_A}&t=${tokenA}`);
    const bare = await fetch(`${app.url}/proxy?shop=${SHOP_A}`);
    expect([forged.status, stale.status, unsigned.status, bare.status]).toEqual([401, 401, 401, 401]);
    expect(forged.body).not.toContain("1Z999AA10123456784");
  });

  it("GIVEN a tampered, expired, foreign or malformed link THEN the very page an unknown order gets, after as long", async () => {
    const now = app.clock.now();
    const links = app.container.trackLinks;
    const lastChar = tokenA.slice(-1);
    const cases: Record<string, Record<string, string>> = {
      "unknown order": { order: "#9999", email: "maya.chen@example.com" },
      "wrong email": { order: "#1001", email: "someone.else@example.com" },
      "unknown tracking number": { tracking: "1Z999AA10000000000" },
      "tampered signature": { t: `${tokenA.slice(0, -1)}${lastChar === "A" ? "B" : "A"}` },
      "tampered order id": { t: tokenA.replace(/^[0-9a-z]+/, (id) => (parseInt(id, 36) + 1).toString(36)) },
      "expired (issued over a year ago)": { t: links.token(SHOP_A, String(maya.id), now - 400 * DAY) },
      "another shop's link": { t: links.token(SHOP_B, String(bravo.id), now) },
      "this order's link signed for another shop": { t: links.token(SHOP_B, String(maya.id), now) },
      "an order that does not exist": { t: links.token(SHOP_A, "999999999", now) },
      "malformed": { t: "not-a-token" },
      "too long": { t: "x".repeat(TRACK_TOKEN_MAX_LENGTH + 1) },
    };
    const answers: Record<string, { status: number; body: string; outcome: string | null; ms: number }> = {};
    for (const [name, query] of Object.entries(cases)) {
      const started = performance.now();
      const res = await page(app, query);
      answers[name] = { status: res.status, body: res.body, outcome: res.outcome, ms: performance.now() - started };
    }
    const reference = answers["unknown order"]!;
    expect(reference.status).toBe(200);
    expect(reference.outcome).toBe("not_found");
    expect(reference.body).toContain("We couldn&#39;t find an order with those details");
    expect(reference.body).toContain("<form");
    for (const [name, answer] of Object.entries(answers)) {
      expect({ name, status: answer.status, outcome: answer.outcome }).toEqual({ name, status: reference.status, outcome: reference.outcome });
      expect(answer.body, `${name}: the same bytes as an unknown order`).toBe(reference.body);
      expect(answer.ms, `${name}: held to the not-found floor`).toBeGreaterThanOrEqual(NOT_FOUND_FLOOR_MS - 5);
    }
  });

  it("GIVEN /proxy/lookup?t= THEN tampered, expired and foreign links give the lookup's own 404, never a 5xx", async () => {
    const now = app.clock.now();
    const links = app.container.trackLinks;
    for (const t of [`${tokenA}x`, links.token(SHOP_A, String(maya.id), now - 400 * DAY), links.token(SHOP_B, String(bravo.id), now), "x".repeat(5_000), "..", "a.b.c"]) {
      const res = await fetch(pageUrl(app, { t }, { path: "/proxy/lookup" }));
      expect(res.status, t.slice(0, 40)).toBe(404);
      expect(await res.text()).toBe('{"error":"not_found"}');
    }
  });

  it("GIVEN every bad t we can think of THEN never a 5xx: a page, or a 401 when the signature does not hold", async () => {
    const bad = ["", " ", ".", "..", "a..b", "0.0.AAAAAAAAAAAAAAAAAAAAAA", `${tokenA}.${tokenA}`, tokenA.toUpperCase(), `${tokenA}\u0000`, "\u{1F4E6}", "%", "%ZZ", "<script>", "{{ customer.email }}", "x".repeat(10_000)];
    for (const t of bad) {
      for (const path of ["/proxy", "/proxy/lookup"]) {
        const res = await fetch(pageUrl(app, { t }, { path }));
        await res.arrayBuffer();
        expect(res.status, `${path} t=${JSON.stringify(t.slice(0, 30))}`).toBeLessThan(500);
      }
    }
    // several t, or t beside an order: the first t decides
    const params = new URLSearchParams({ shop: SHOP_A, path_prefix: "/apps/track", timestamp: String(Math.floor(app.clock.now() / 1000)), logged_in_customer_id: "" });
    params.append("t", "junk");
    params.append("t", tokenA);
    params.append("order", "#1001");
    params.set("signature", signAppProxy(params, TEST_SECRET));
    const repeated = await fetch(`${app.url}/proxy?${params}`);
    expect(repeated.status).toBe(200);
    expect(repeated.headers.get("x-shipwatch-outcome")).toBe("not_found");
  });

  it("GIVEN Liquid and HTML in the order name, an item, the carrier's message and place THEN they are shown as text: Shopify's Liquid and the browser get nothing to run", async () => {
    const res = await page(app, { tracking: "9400111899223197428506" });
    expect(res.outcome).toBe("found");
    const body = res.body;
    for (const delimiter of ["{{", "}}", "{%", "%}"]) expect(body, `no ${delimiter} anywhere in the page`).not.toContain(delimiter);
    expect(body).not.toContain("<img src=x");
    expect(body).not.toContain("<b>IDF</b>");
    // the words arrive, escaped: the order name, the carrier's message and place, the item's title
    const liquid = "&#123;&#123; customer.email &#125;&#125;&#123;&#37; assign x = 1 &#37;&#125;";
    expect(body).toContain(`Order #2002${liquid}`);
    expect(body).toContain(`Arrived ${liquid} &lt;img`);
    expect(body).toContain("Paris&#123;&#123; &#39;x&#39; | append: customer.email &#125;&#125;");
    expect(body).toContain(`Mug ${liquid}&lt;img`);
    expect(body).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    // what Shopify would render is the page itself: no variable read, no tag run
    const rendered = await asShopifyRenders(body);
    expect(rendered).toBe(body);
    expect(rendered).not.toContain("LEAKED");
    // the street never, even a hostile one
    expect(body).not.toContain("Secret Lane");
  });

  it("the page's own stylesheet and script hold no Liquid delimiter", () => {
    for (const [name, text] of [["page.css", PAGE_CSS], ["page.js", PAGE_JS]] as const) {
      for (const delimiter of ["{{", "}}", "{%", "%}"]) expect(text, `${name} holds ${delimiter}`).not.toContain(delimiter);
      expect(text).not.toContain("</script");
    }
  });

  it("GIVEN an order number too long or half a question THEN a page that says so, or the form; never an error page", async () => {
    const long = await page(app, { order: "9".repeat(200), email: "a@example.com" });
    expect([long.status, long.outcome]).toEqual([200, "bad_request"]);
    expect(long.body).toContain("longer than any order number");
    const half = await page(app, { order: "#1001" });
    expect([half.status, half.outcome]).toEqual([200, "form"]);
  });

  it("GIVEN Accept-Language: fr THEN the page is in French; an unknown language gets English", async () => {
    const fr = await page(app, { t: tokenA }, { headers: { "accept-language": "de;q=0.5, fr-CA, en;q=0.8" } });
    expect(fr.body).toContain('lang="fr"');
    expect(fr.body).toContain("Suivre ma commande");
    expect(fr.body).toContain("Historique du suivi");
    const other = await page(app, {}, { headers: { "accept-language": "pt-BR, *;q=0.1" } });
    expect(other.body).toContain('lang="en"');
  });

  it("GIVEN fragment=1 (the page's script) THEN the answer alone, to be shown without the theme", async () => {
    const res = await page(app, { t: tokenA, fragment: "1" });
    expect(res.status).toBe(200);
    expect(res.body.startsWith("{% layout none %}")).toBe(true);
    expect(res.body).toContain("swp-answer");
    expect(res.body).not.toContain("<form");
    expect(res.body).not.toContain("<h1");
  });

  it("GIVEN a link to an order whose parcels were all delivered more than 90 days ago THEN not found", async () => {
    const done = orderPayload({ id: 5_640_000_009, name: "#1009", email: "done@example.com" });
    const parcel = fulfillmentPayload(done.id, { id: 4_640_000_091, name: "#1009.1", tracking_number: "1Z999AA10123456791", tracking_numbers: ["1Z999AA10123456791"] });
    await app.sendWebhook("orders/create", done);
    await app.sendWebhook("fulfillments/create", parcel);
    for (const e of upsJourney(parcel.id, done.id)) await app.sendWebhook("fulfillment_events/create", e);
    await app.settle();
    const fresh = await page(app, { t: app.container.trackLinks.token(SHOP_A, String(done.id), app.clock.now()) });
    expect(fresh.outcome).toBe("found");
    expect(fresh.body).toContain("Delivered");
    app.clock.advance(91 * DAY);
    const late = await page(app, { t: app.container.trackLinks.token(SHOP_A, String(done.id), app.clock.now()) });
    expect(late.outcome).toBe("not_found");
  });
});

describe("GET /proxy: the lookup's limits", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOOKUP_RATE_LIMIT: "30" } });
    await app.sendWebhook("orders/create", maya);
    await app.sendWebhook("fulfillments/create", mayaParcel);
    await app.settle();
  });
  afterAll(async () => app?.close());

  const as = (ip: string) => ({ headers: { "x-forwarded-for": ip } });

  it("GIVEN ten bad links opened on the page THEN the shopper is out of attempts on the page and in the JSON lookup alike", async () => {
    for (let i = 0; i < 10; i++) expect((await page(app, { t: `junk${i}` }, as("198.51.100.61"))).outcome).toBe("not_found");
    const locked = await page(app, { order: "#1001", email: "maya.chen@example.com" }, as("198.51.100.61"));
    expect([locked.status, locked.outcome]).toEqual([200, "too_many_attempts"]);
    expect(locked.body).toContain("Too many attempts");
    const json = await fetch(pageUrl(app, { order: "#1001", email: "maya.chen@example.com" }, { path: "/proxy/lookup" }), as("198.51.100.61"));
    expect(json.status).toBe(429);
    expect(await json.json()).toMatchObject({ error: "too_many_attempts" });
    // another shopper is not affected
    expect((await page(app, { order: "#1001", email: "maya.chen@example.com" }, as("198.51.100.62"))).outcome).toBe("found");
  });

  it("GIVEN more pages than the per-minute limit from one shopper THEN the page says to wait; the bare form costs nothing", async () => {
    app.clock.advance(16 * 60_000);
    for (let i = 0; i < 40; i++) expect((await page(app, {}, as("198.51.100.70"))).outcome).toBe("form");
    const outcomes: string[] = [];
    for (let i = 0; i < 31; i++) outcomes.push((await page(app, { tracking: "1Z999AA10123456784" }, as("198.51.100.70"))).outcome ?? "");
    expect(outcomes.slice(0, 30)).toEqual(Array(30).fill("found"));
    expect(outcomes[30]).toBe("rate_limited");
  });
});
