import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Liquid } from "liquidjs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { signAppProxy } from "~/.server/shopify/signatures";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, TEST_SECRET, type TestApp } from "../support/test-app";
import { renderBlock, startStorefront as startBlockStorefront } from "../storefront/support";
import { launchChromium, watchBrowserErrors } from "./support";

/**
 * The tracking page at https://<shop>/apps/track, in Chromium, at a phone's size and a desktop's, reached the
 * way a shopper reaches it: a message link through Shopify's app proxy. No Shopify runs here, so a stand-in
 * storefront does what Shopify does: signs the request to the app's /proxy, renders the Liquid answer (with
 * liquidjs) and places it in a theme's layout, unless the answer says `{% layout none %}`.
 *
 * Four parcels, one per order: stalled (no scan for eight days), late (past the shipping method's promise,
 * still moving), waiting at a pickup point, and delivered. Screenshots: test-results/tracking-page-*.png.
 */

// Tuesday 8 December 2026, 15:00 UTC (10:00 in New York)
const NOW = Date.parse("2026-12-08T15:00:00Z");
const SHOT_DIR = path.resolve("test-results");
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

const brooklyn = { first_name: "Ada", last_name: "Buyer", address1: "1 Main St", city: "Brooklyn", province: "New York", province_code: "NY", zip: "11201", country: "United States", country_code: "US" };

interface Scenario {
  name: "stalled" | "late" | "pickup" | "delivered";
  orderId: number;
  orderName: string;
  orderedAt: string;
  items: { title: string; quantity: number }[];
  tracking: string;
  carrier: string;
  events: { status: string; message: string; at: string; city: string; province: string }[];
}

const SCENARIOS: Scenario[] = [
  {
    name: "stalled",
    orderId: 5_660_000_001,
    orderName: "#3001",
    orderedAt: "2026-11-26T09:00:00-05:00",
    items: [{ title: "Linen shirt", quantity: 2 }, { title: "Canvas tote", quantity: 1 }],
    tracking: "1Z999AA10123456784",
    carrier: "UPS",
    events: [
      { status: "carrier_picked_up", message: "Pickup Scan", at: "2026-11-26T18:30:00-05:00", city: "Secaucus", province: "NJ" },
      { status: "in_transit", message: "Departed from Facility", at: "2026-11-27T02:10:00-05:00", city: "Newark", province: "NJ" },
      { status: "in_transit", message: "Arrived at Facility", at: "2026-11-30T09:40:00-05:00", city: "Harrisburg", province: "PA" },
    ],
  },
  {
    name: "late",
    orderId: 5_660_000_002,
    orderName: "#3002",
    orderedAt: "2026-11-24T09:00:00-05:00",
    items: [{ title: "Wool blanket", quantity: 1 }],
    tracking: "9400111899223197428490",
    carrier: "USPS",
    events: [
      { status: "carrier_picked_up", message: "USPS in possession of item", at: "2026-11-25T16:00:00-05:00", city: "Secaucus", province: "NJ" },
      { status: "in_transit", message: "Arrived at USPS Regional Facility", at: "2026-12-03T08:00:00-05:00", city: "Kearny", province: "NJ" },
      { status: "in_transit", message: "In transit to next facility", at: "2026-12-07T20:00:00-05:00", city: "Brooklyn", province: "NY" },
    ],
  },
  {
    name: "pickup",
    orderId: 5_660_000_003,
    orderName: "#3003",
    orderedAt: "2026-12-02T09:00:00-05:00",
    items: [{ title: "Ceramic mug", quantity: 4 }],
    tracking: "1Z999AA10123456791",
    carrier: "UPS",
    events: [
      { status: "carrier_picked_up", message: "Pickup Scan", at: "2026-12-02T18:00:00-05:00", city: "Secaucus", province: "NJ" },
      { status: "in_transit", message: "Arrived at Facility", at: "2026-12-04T07:00:00-05:00", city: "Brooklyn", province: "NY" },
      { status: "ready_for_pickup", message: "Ready for pickup at UPS Access Point, 120 Court St", at: "2026-12-07T11:00:00-05:00", city: "Brooklyn", province: "NY" },
    ],
  },
  {
    name: "delivered",
    orderId: 5_660_000_004,
    orderName: "#3004",
    orderedAt: "2026-12-01T09:00:00-05:00",
    items: [{ title: "Trail Runner 2", quantity: 1 }],
    tracking: "7316213581064545",
    carrier: "Canada Post",
    events: [
      { status: "carrier_picked_up", message: "Item picked up", at: "2026-12-01T17:00:00-05:00", city: "Secaucus", province: "NJ" },
      { status: "in_transit", message: "Item in transit", at: "2026-12-02T06:00:00-05:00", city: "Newark", province: "NJ" },
      { status: "out_for_delivery", message: "Out for delivery", at: "2026-12-04T08:00:00-05:00", city: "Brooklyn", province: "NY" },
      { status: "delivered", message: "Delivered, front door", at: "2026-12-04T14:12:00-05:00", city: "Brooklyn", province: "NY" },
    ],
  },
];

async function seed(app: TestApp) {
  for (const [k, s] of SCENARIOS.entries()) {
    const lineItems = s.items.map((item, i) => ({ id: s.orderId * 10 + i, title: item.title, quantity: item.quantity, price: "20.00", sku: `SKU-${i}` }));
    const order = orderPayload({ id: s.orderId, name: s.orderName, order_number: Number(s.orderName.slice(1)), email: `buyer${k}@example.com`, created_at: s.orderedAt, updated_at: s.orderedAt, shipping_address: brooklyn, line_items: lineItems });
    const fulfillment = fulfillmentPayload(s.orderId, {
      id: s.orderId + 1_000,
      name: `${s.orderName}.1`,
      tracking_company: s.carrier,
      tracking_number: s.tracking,
      tracking_numbers: [s.tracking],
      tracking_url: null,
      tracking_urls: [],
      created_at: s.orderedAt,
      updated_at: s.orderedAt,
      destination: brooklyn,
      line_items: lineItems,
    });
    const events = s.events.map((e, i) =>
      fulfillmentEventPayload(fulfillment.id, s.orderId, { id: s.orderId * 100 + i, status: e.status, message: e.message, happened_at: e.at, city: e.city, province: e.province, country: "United States" }),
    );
    for (const [topic, payload] of [["orders/create", order], ["fulfillments/create", fulfillment], ...events.map((e) => ["fulfillment_events/create", e] as const)] as const) {
      const res = await app.sendWebhook(topic, payload);
      expect(res.status, `seeding ${s.name}: ${topic}`).toBe(200);
    }
  }
  await app.settle();
  // the silence sweep, as the worker runs it: the stalled parcel gets its case
  await app.container.services.desk.sweep(500);
  await app.settle();
}

/** What Shopify's theme puts around a Liquid answer: its fonts, colours, header and footer. */
function themeLayout(content: string) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Track your order – Alpha Goods</title>
<style>
  body { margin: 0; font-family: "DejaVu Sans", system-ui, sans-serif; font-size: 16px; line-height: 1.55; color: #1f1d1a; background: #fbf8f3; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 1rem 1.5rem; border-bottom: 1px solid #e5dfd5; }
  header strong { font-size: 1.25rem; letter-spacing: .04em; }
  header nav a { margin-left: 1.25rem; color: inherit; }
  footer { padding: 2rem 1.5rem; border-top: 1px solid #e5dfd5; font-size: .875rem; }
</style>
</head>
<body>
<header><strong>ALPHA GOODS</strong><nav><a href="/">Shop</a><a href="/cart">Cart</a></nav></header>
<main>${content}</main>
<footer>© Alpha Goods</footer>
</body>
</html>`;
}

/**
 * The shop's storefront as far as the app proxy goes: /apps/track and /apps/track/* are signed and forwarded to
 * the app's /proxy; a 200 Liquid answer is rendered (a context with data the page must never show) and placed in
 * the layout.
 */
async function startStorefront(app: TestApp) {
  const engine = new Liquid();
  const liquidContext = { customer: { email: "NEVER-SHOWN@example.com" }, shop: { name: "NEVER-SHOWN" } };
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://storefront.test");
      if (url.pathname === "/favicon.ico") return void res.writeHead(204).end();
      if (url.pathname !== "/apps/track" && !url.pathname.startsWith("/apps/track/")) return void res.writeHead(404).end("not found");
      const params = new URLSearchParams(url.search);
      for (const key of ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"]) params.delete(key);
      params.set("shop", SHOP_A);
      params.set("logged_in_customer_id", "");
      params.set("path_prefix", "/apps/track");
      params.set("timestamp", String(Math.floor(app.clock.now() / 1000)));
      params.set("signature", signAppProxy(params, TEST_SECRET));
      const upstream = await fetch(`${app.url}/proxy${url.pathname.slice("/apps/track".length)}?${params}`, {
        headers: { "accept-language": String(req.headers["accept-language"] ?? ""), "x-forwarded-for": "198.51.100.23" },
      });
      const body = await upstream.text();
      if (upstream.status === 200 && upstream.headers.get("content-type")?.startsWith("application/liquid")) {
        const bare = body.startsWith("{% layout none %}");
        const rendered = await engine.parseAndRender(bare ? body.slice("{% layout none %}".length) : body, liquidContext);
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        return void res.end(bare ? rendered : themeLayout(rendered));
      }
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" });
      res.end(body);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a shopper reads in a parcel's card. */
async function card(page: Page) {
  return page.$eval(".swp-parcel", (el) => ({
    label: el.querySelector(".swp-pill")?.textContent?.trim() ?? null,
    headline: el.querySelector(".swp-headline")?.textContent?.trim() ?? "",
    attention: el.querySelector(".swp-attention")?.textContent?.trim() ?? null,
    when: el.querySelector(".swp-when")?.textContent?.trim() ?? null,
    items: Array.from(el.querySelectorAll(".swp-items li")).map((li) => (li.textContent ?? "").replace(/\s+/g, " ").trim()),
    facts: Array.from(el.querySelectorAll(".swp-facts div")).map((d) => (d.textContent ?? "").trim()),
    text: (el.textContent ?? "").replace(/\s+/g, " "),
  }));
}

describe("the tracking page in Chromium, through a signed /proxy request", () => {
  let app: TestApp;
  let storefront: Awaited<ReturnType<typeof startStorefront>>;
  let browser: Browser;
  const links = new Map<Scenario["name"], string>();

  beforeAll(async () => {
    app = await startTestApp({ clock: fixedClock(NOW) });
    await seed(app);
    storefront = await startStorefront(app);
    for (const s of SCENARIOS) links.set(s.name, `/apps/track?t=${app.container.trackLinks.token(SHOP_A, String(s.orderId), NOW)}`);
    browser = await launchChromium();
    fs.mkdirSync(SHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await storefront?.close();
    await app?.close();
  });

  async function open(size: keyof typeof SIZES, scenario: Scenario["name"]) {
    const context = await browser.newContext({ viewport: SIZES[size], locale: "en-US", timezoneId: "America/New_York", isMobile: size === "phone", hasTouch: size === "phone" });
    const page = await context.newPage();
    const errors = watchBrowserErrors(page);
    const response = await page.goto(`${storefront.url}${links.get(scenario)}`);
    expect(response?.status()).toBe(200);
    return { page, errors, context };
  }

  async function shoot(page: Page, name: string) {
    await page.screenshot({ path: path.join(SHOT_DIR, `tracking-page-${name}.png`), fullPage: true });
  }

  for (const size of ["phone", "desktop"] as const) {
    it(`${size}: a message link opens straight on the answer, written on the server (JavaScript off changes nothing)`, async () => {
      const context = await browser.newContext({ viewport: SIZES[size], javaScriptEnabled: false, isMobile: size === "phone" });
      const page = await context.newPage();
      await page.goto(`${storefront.url}${links.get("stalled")}`);
      expect(await page.locator(".swp-parcel").count()).toBe(1);
      expect(await page.locator(".swp-order").textContent()).toBe("Order #3001");
      // the answer is in the first screen: its headline starts above the fold
      const box = await page.locator(".swp-headline").boundingBox();
      expect(box!.y + 10).toBeLessThan(SIZES[size].height);
      // the form for another order waits, folded, below the answer
      expect(await page.locator(".swp-another").getAttribute("open")).toBeNull();
      await context.close();
    });

    it(`${size}: a stalled parcel reads as stalled, never "On its way"`, async () => {
      const { page, errors, context } = await open(size, "stalled");
      await shoot(page, `stalled-${size}`);
      const c = await card(page);
      expect(c.text).toContain("1Z999AA10123456784");
      expect(c.items).toEqual(["2 × Linen shirt", "1 × Canvas tote"]);
      expect(c.facts).toContain("Going toBrooklyn, New York, United States");
      expect(c.text).not.toContain("1 Main St");
      expect(c.label ?? c.headline).not.toBe("On its way");
      // needs the story's fields (attention), written by the lookup service
      expect(c.attention, "the stalled case is told to the shopper").toMatch(/UPS|carrier/i);
      expect(await page.$eval(".swp-parcel", (el) => el.classList.contains("swp-problem"))).toBe(true);
      expect(errors.take()).toEqual([]);
      await context.close();
    });

    it(`${size}: a late parcel says it is late and shows no passed date`, async () => {
      const { page, errors, context } = await open(size, "late");
      await shoot(page, `late-${size}`);
      const c = await card(page);
      expect(c.items).toEqual(["1 × Wool blanket"]);
      expect(c.label ?? c.headline).not.toBe("On its way");
      expect(c.attention, "the late case is told to the shopper").toBeTruthy();
      // the promise (2 December) has passed: no date before today (8 December) is offered as an estimate
      const estimate = c.facts.find((f) => f.startsWith("Estimated delivery")) ?? "";
      expect(estimate).not.toMatch(/December [1-7]\b/);
      expect(errors.take()).toEqual([]);
      await context.close();
    });

    it(`${size}: a parcel at a pickup point says where it waits, not "arriving"`, async () => {
      const { page, errors, context } = await open(size, "pickup");
      await shoot(page, `pickup-${size}`);
      const c = await card(page);
      expect(`${c.label ?? ""} ${c.headline}`).toMatch(/pickup/i);
      expect(c.text).not.toMatch(/arriving today/i);
      // it has arrived as far as it goes: no delivery date
      expect(c.facts.filter((f) => f.startsWith("Estimated delivery"))).toEqual([]);
      expect(c.text).toContain("Ready for pickup at UPS Access Point");
      expect(c.attention).toBeNull();
      expect(errors.take()).toEqual([]);
      await context.close();
    });

    it(`${size}: a delivered parcel says when`, async () => {
      const { page, errors, context } = await open(size, "delivered");
      await shoot(page, `delivered-${size}`);
      const c = await card(page);
      expect(`${c.headline} ${c.when ?? ""}`).toMatch(/Delivered/);
      expect(c.text).toMatch(/December 4|4 December/);
      expect(c.attention).toBeNull();
      expect(await page.$eval(".swp-parcel", (el) => el.classList.contains("swp-delivered"))).toBe(true);
      // the steps: all four done
      expect(await page.locator(".swp-steps .swp-past").count()).toBe(4);
      expect(errors.take()).toEqual([]);
      await context.close();
    });
  }

  it("phone: the script looks up another order in place; the email never reaches the address bar; refresh asks again", async () => {
    const { page, errors, context } = await open("phone", "delivered");
    const before = page.url();
    await page.locator(".swp-another summary").click();
    await page.getByLabel("Order number", { exact: true }).fill("#3003");
    await page.getByLabel("Email", { exact: true }).fill("buyer2@example.com");
    await page.getByRole("button", { name: "Track" }).click();
    await expect.poll(() => page.locator(".swp-order").textContent()).toBe("Order #3003");
    expect(page.url()).toBe(before);
    expect(page.url()).not.toContain("buyer2");
    // the answer has the focus (a phone's keyboard closes)
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("swp-order-title");
    await shoot(page, "another-order-phone");

    const refresh = page.locator("[data-sw-refresh]");
    expect(await refresh.isVisible()).toBe(true);
    await refresh.click();
    await expect.poll(() => page.locator("[data-sw-live]").textContent()).toContain("Order #3003");

    // a wrong email: the neutral not-found, in place
    await page.getByLabel("Email", { exact: true }).fill("someone@example.com");
    await page.getByRole("button", { name: "Track" }).click();
    await expect.poll(() => page.locator(".swp-notice").textContent()).toContain("couldn't find");
    // nothing typed: said at the field
    await page.getByLabel("Order number", { exact: true }).fill("");
    await page.getByRole("button", { name: "Track" }).click();
    expect(await page.locator(".swp-error").textContent()).toBe("Enter your order number and email.");
    expect(errors.take()).toEqual([]);
    await context.close();
  });

  it("desktop: the bare page is the form; a tracking number finds the parcel", async () => {
    const context = await browser.newContext({ viewport: SIZES.desktop });
    const page = await context.newPage();
    const errors = watchBrowserErrors(page);
    await page.goto(`${storefront.url}/apps/track`);
    await shoot(page, "form-desktop");
    await page.getByText("Tracking number", { exact: true }).first().click();
    expect(await page.getByLabel("Order number", { exact: true }).isVisible()).toBe(false);
    await page.getByRole("textbox", { name: "Tracking number" }).fill("9400111899223197428490");
    await page.getByRole("button", { name: "Track" }).click();
    await expect.poll(() => page.locator(".swp-order").textContent()).toBe("Order #3002");
    expect(errors.take()).toEqual([]);
    await context.close();
  });

  it("the theme block (optional) opens a message link too: ?t= on the merchant's own page runs the lookup", async () => {
    const { html } = await renderBlock();
    const shop = await startBlockStorefront(app, { "/pages/track": html });
    const context = await browser.newContext({ viewport: SIZES.phone, isMobile: true });
    const page = await context.newPage();
    const errors = watchBrowserErrors(page);
    try {
      await page.goto(`${shop.url}/pages/track?${links.get("stalled")!.split("?")[1]}`);
      await expect.poll(() => page.locator(".sw-order").textContent()).toBe("Order #3001");
      const status = await page.locator(".sw-status").textContent();
      expect(status).not.toMatch(/^On its way/);
      // the attention message, as on the page at /apps/track
      expect(await page.locator(".sw-next").textContent()).toMatch(/No update from UPS/);
      await shoot(page, "block-link-phone");
      // the block's stand-in storefront has no icon; the browser asks for one anyway
      errors.expect(/favicon\.ico/);
      expect(errors.take()).toEqual([]);
    } finally {
      await context.close();
      await shop.close();
    }
  });
});
