import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload } from "../fixtures/shopify";
import { eventually, launchChromium, SCREENSHOT_DIR, watchBrowserErrors } from "../browser/support";
import { fixedClock } from "~/domain/clock";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";
import { renderBlock, startStorefront, type Storefront } from "./support";

/**
 * The tracking page as a shopper uses it: Chromium on a storefront page that holds the block (rendered from its
 * Liquid with the default settings), the block's own JS and CSS, and lookups that go through an app proxy stand-in
 * signing every request as Shopify does, to the real server over a real SQLite file seeded with signed webhooks.
 */

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const RATE_LIMIT = 12;

// Order #1001: two parcels, one on its way (with an estimate), one delivered. #1002: delivered. #1003: held up by weather.
const maya = orderPayload({ id: 5_610_000_001, name: "#1001", email: "maya.chen@example.com", created_at: "2026-11-17T10:00:00-05:00", updated_at: "2026-11-17T10:00:00-05:00" });
const jordan = orderPayload({
  id: 5_610_000_002,
  name: "#1002",
  email: "jordan.lee@example.com",
  customer: { id: 7_100_000_002, email: "jordan.lee@example.com", first_name: "Jordan", last_name: "Lee", tags: "" },
});
const sam = orderPayload({ id: 5_610_000_003, name: "#1003", email: "sam.okafor@example.com", customer: { id: 7_100_000_003, email: "sam.okafor@example.com", first_name: "Sam", last_name: "Okafor", tags: "" } });

const UPS = "1Z999AA10123456784";
const CANADA_POST = "7023210039414604";
const DHL = "1234567890";
const FEDEX = "771234567890";

const inTransit = fulfillmentPayload(maya.id, { id: 4_610_000_011, name: "#1001.1", tracking_company: "UPS", tracking_number: UPS, tracking_numbers: [UPS], tracking_url: null, tracking_urls: [], created_at: "2026-11-18T14:00:00-05:00", updated_at: "2026-11-18T14:00:00-05:00" });
const deliveredFirst = fulfillmentPayload(maya.id, { id: 4_610_000_012, name: "#1001.2", tracking_company: "Canada Post", tracking_number: CANADA_POST, tracking_numbers: [CANADA_POST], tracking_url: null, tracking_urls: [], created_at: "2026-11-17T16:00:00-05:00", updated_at: "2026-11-17T16:00:00-05:00" });
const deliveredOnly = fulfillmentPayload(jordan.id, { id: 4_610_000_021, name: "#1002.1", tracking_company: "DHL Express", tracking_number: DHL, tracking_numbers: [DHL], tracking_url: null, tracking_urls: [], created_at: "2026-11-16T12:00:00-05:00", updated_at: "2026-11-16T12:00:00-05:00" });
const weather = fulfillmentPayload(sam.id, { id: 4_610_000_031, name: "#1003.1", tracking_company: "FedEx", tracking_number: FEDEX, tracking_numbers: [FEDEX], tracking_url: null, tracking_urls: [], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });

type Step = [status: string, message: string, happenedAt: string, city: string, province: string, extra?: Record<string, unknown>];
const journeys: [typeof inTransit, typeof maya, Step[]][] = [
  [inTransit, maya, [
    ["label_printed", "Shipper created a label, UPS has not received the package yet.", "2026-11-18T14:05:00-05:00", "Mississauga", "Ontario"],
    ["carrier_picked_up", "Pickup Scan", "2026-11-18T18:30:00-05:00", "Mississauga", "Ontario"],
    ["in_transit", "Departed from Facility", "2026-11-19T02:10:00-05:00", "Mississauga", "Ontario"],
    ["in_transit", "Arrived at Facility", "2026-11-19T09:40:00-05:00", "Toronto", "Ontario"],
    ["in_transit", "Departed from Facility", "2026-11-20T05:15:00-05:00", "Toronto", "Ontario"],
    ["in_transit", "Arrived at Facility", "2026-11-21T08:20:00-05:00", "Ottawa", "Ontario", { estimated_delivery_at: "2026-11-24T00:00:00Z" }],
  ]],
  [deliveredFirst, maya, [
    ["carrier_picked_up", "Item accepted at the Post Office", "2026-11-17T17:10:00-05:00", "Mississauga", "Ontario"],
    ["in_transit", "Item processed", "2026-11-18T06:40:00-05:00", "Ottawa", "Ontario"],
    ["out_for_delivery", "Item out for delivery", "2026-11-19T08:05:00-05:00", "Ottawa", "Ontario"],
    ["delivered", "Delivered to your community mailbox", "2026-11-19T13:42:00-05:00", "Ottawa", "Ontario"],
  ]],
  [deliveredOnly, jordan, [
    ["carrier_picked_up", "Shipment picked up", "2026-11-16T16:00:00-05:00", "Secaucus", "New Jersey"],
    ["in_transit", "Arrived at DHL facility", "2026-11-17T04:00:00-05:00", "Newark", "New Jersey"],
    ["out_for_delivery", "With delivery courier", "2026-11-18T07:30:00-05:00", "Brooklyn", "New York"],
    ["delivered", "Delivered - Signed for by: J LEE", "2026-11-18T11:12:00-05:00", "Brooklyn", "New York"],
  ]],
  [weather, sam, [
    ["carrier_picked_up", "Picked up", "2026-11-18T15:00:00-05:00", "Memphis", "Tennessee"],
    ["in_transit", "Severe weather conditions have delayed delivery", "2026-11-20T06:00:00-05:00", "Harrisburg", "Pennsylvania"],
  ]],
];

/** A product photo stand-in (the network is closed): a flat colour square. */
const productImage = (colour: string) =>
  `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240"><rect width="240" height="240" fill="${colour}"/></svg>`)}`;

let app: TestApp;
let storefront: Storefront;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;
let shopperSeq = 0;

const results = (p: Page = page) => p.locator(".sw-results");
const live = (p: Page = page) => p.locator(".sw-live");

/** A new shopper (their own X-Forwarded-For address, as the proxy reports it) in a fresh page. */
async function openAs(viewport: { width: number; height: number }, url = "/pages/track", options: { phone?: boolean } = {}) {
  await context?.close();
  context = await browser.newContext({ viewport, locale: "en-US", timezoneId: "America/New_York", isMobile: options.phone ?? false, hasTouch: options.phone ?? false, deviceScaleFactor: options.phone ? 2 : 1 });
  await context.setExtraHTTPHeaders({ "x-test-shopper": `198.51.100.${++shopperSeq}` });
  page = await context.newPage();
  browserErrors = watchBrowserErrors(page);
  await page.goto(`${storefront.url}${url}`);
  return page;
}

/** Full-page capture at the current width. */
async function snap(name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const viewport = page.viewportSize()!;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(height, viewport.height) });
  try {
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `storefront-${name}.png`), fullPage: true });
  } finally {
    await page.setViewportSize(viewport);
  }
}

async function shipmentCards() {
  return page.$$eval(".sw-shipment", (cards) =>
    cards.map((card) => ({
      count: card.querySelector(".sw-count")?.textContent ?? null,
      status: card.querySelector(".sw-status")!.textContent,
      next: card.querySelector(".sw-next")!.textContent,
      when: card.querySelector(".sw-when")?.textContent ?? null,
      steps: Array.from(card.querySelectorAll(".sw-steps li")).map((li) => `${li.querySelector(".sw-step")!.textContent}:${li.className || "next"}${li.getAttribute("aria-current") ? "*" : ""}`),
      facts: Array.from(card.querySelectorAll(".sw-facts dd")).map((dd) => dd.textContent),
      link: (() => {
        const a = card.querySelector<HTMLAnchorElement>(".sw-link");
        return a ? { href: a.href, target: a.target, text: a.textContent } : null;
      })(),
      events: Array.from(card.querySelectorAll(".sw-events li")).map((li) => ({
        time: li.querySelector("time")!.getAttribute("datetime"),
        status: li.querySelector("strong")!.textContent,
        message: li.querySelector(".sw-msg")?.textContent ?? null,
        place: li.querySelector(".sw-place")?.textContent ?? null,
        visible: li.checkVisibility(),
      })),
      help: card.querySelector(".sw-help")?.getAttribute("href") ?? null,
    })),
  );
}

describe("storefront tracking page (theme app extension block, Chromium)", () => {
  beforeAll(async () => {
    // the shopper reads the page on the afternoon of 21 November, while the UPS parcel is moving and its date is ahead
    app = await startTestApp({ env: { LOOKUP_RATE_LIMIT: String(RATE_LIMIT) }, clock: fixedClock("2026-11-21T20:00:00Z") });
    for (const order of [maya, jordan, sam]) expect((await app.sendWebhook("orders/create", order, { shop: SHOP_A })).status).toBe(200);
    for (const [fulfillment, order, steps] of journeys) {
      expect((await app.sendWebhook("fulfillments/create", fulfillment, { shop: SHOP_A })).status).toBe(200);
      for (const [k, [status, message, happenedAt, city, province, extra]] of steps.entries()) {
        const event = fulfillmentEventPayload(fulfillment.id, order.id, { id: fulfillment.id * 10 + k, status, message, happened_at: happenedAt, city, province, country: "Canada", ...extra });
        if (province !== "Ontario") event.country = "United States";
        expect((await app.sendWebhook("fulfillment_events/create", event, { shop: SHOP_A })).status).toBe(200);
      }
    }
    await app.settle();

    const defaults = await renderBlock();
    const merchant = await renderBlock({
      blockId: "Merchant01",
      settings: {
        heading: "Where is my parcel?",
        accent_color: "#1d4ed8",
        cta_heading: "Tell us how it went",
        cta_text: "<p>Your review helps other shoppers choose.</p>",
        cta_label: "Review your order",
        cta_link: "https://alpha-goods.example/pages/reviews",
        help_link: "https://alpha-goods.example/pages/contact",
        cta_products: [
          { title: "Trail Runner 2", url: "/products/trail-runner-2", featured_image: { src: productImage("#3f6b4a") } },
          { title: "Merino Hiking Socks", url: "/products/merino-socks", featured_image: { src: productImage("#8a5a3b") } },
        ],
      },
    });
    storefront = await startStorefront(app, {
      "/pages/track": `<div class="page-width">${defaults.html}</div>`,
      "/pages/track-merchant": `<div class="page-width">${merchant.html}</div>`,
      "/pages/about": "<div class=\"page-width\"><h1>About us</h1><p>Outdoor gear since 2009.</p></div>",
    });
    browser = await launchChromium();
  });

  afterEach(() => {
    // a 404 or 429 the test asked for is logged by Chromium as a failed resource load
    browserErrors?.expect(/Failed to load resource: the server responded with a status of (404|429)/);
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await storefront?.close();
    await app?.close();
  });

  it("GIVEN order number and email, typed and sent with the keyboard only THEN every shipment's story, newest event first", async () => {
    await openAs(DESKTOP);
    await expect(page.getByRole("heading", { name: "Track your order", level: 2 }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Email", { exact: true }).getAttribute("autocomplete")).resolves.toBe("email");

    // Tab into the form: the mode radios are one stop, then order number, email, and Enter sends it
    await page.locator("body").focus();
    await page.keyboard.press("Tab"); // header links
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).value)).resolves.toBe("order");
    await page.keyboard.press("Tab");
    await page.keyboard.type("#1001");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Maya.Chen@example.com");
    await page.keyboard.press("Enter");

    await eventually(async () => expect(await page.locator(".sw-shipment").count()).toBe(2));
    // the answer is announced, and focus moved to it (the phone's keyboard closes, the answer scrolls into view)
    await expect(live().textContent()).resolves.toBe("Found order #1001 with 2 shipments. On its way Delivered");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Order #1001");

    const [first, second] = await shipmentCards();
    expect(first).toMatchObject({
      count: "Shipment 1 of 2",
      status: "On its way",
      next: "Your parcel is moving through the carrier's network.",
      when: "Estimated delivery: Tuesday, November 24",
      steps: ["Packed:sw-past", "On its way:sw-now*", "Out for delivery:next", "Delivered:next"],
      facts: ["UPS", UPS],
      link: { href: `https://www.ups.com/track?tracknum=${UPS}`, target: "_blank", text: "Track on the UPS website (opens in a new tab)" },
      help: null,
    });
    // newest first, with places; four shown, the rest behind "Show all"
    expect(first!.events.map((e) => [e.time, e.status, e.message, e.place, e.visible])).toEqual([
      ["2026-11-21T13:20:00.000Z", "On its way", "Arrived at Facility", "Ottawa, Ontario, Canada", true],
      ["2026-11-20T10:15:00.000Z", "On its way", "Departed from Facility", "Toronto, Ontario, Canada", true],
      ["2026-11-19T14:40:00.000Z", "On its way", "Arrived at Facility", "Toronto, Ontario, Canada", true],
      ["2026-11-19T07:10:00.000Z", "On its way", "Departed from Facility", "Mississauga, Ontario, Canada", true],
      ["2026-11-18T23:30:00.000Z", "Picked up by the carrier", "Pickup Scan", "Mississauga, Ontario, Canada", false],
      ["2026-11-18T19:05:00.000Z", "Packed, waiting for the carrier", "Shipper created a label, UPS has not received the package yet.", "Mississauga, Ontario, Canada", false],
    ]);
    expect(second).toMatchObject({
      count: "Shipment 2 of 2",
      status: "Delivered",
      when: "Delivered on Thursday, November 19",
      steps: ["Packed:sw-past", "On its way:sw-past", "Out for delivery:sw-past", "Delivered:sw-past*"],
      facts: ["Canada Post", CANADA_POST],
    });
    expect(second!.events.map((e) => e.status)).toEqual(["Delivered", "Out for delivery", "On its way", "Picked up by the carrier"]);
    // one parcel is still on its way: no "after delivery" call to action yet
    await expect(page.locator(".sw-cta").isHidden()).resolves.toBe(true);

    // the older entries open with the keyboard
    const more = page.locator(".sw-more summary").first();
    await expect(more.textContent()).resolves.toBe("Show all 6 updates");
    await more.focus();
    await page.keyboard.press("Enter");
    await eventually(async () => expect((await shipmentCards())[0]!.events.every((e) => e.visible)).toBe(true));
    await snap("desktop-order");
  });

  it("GIVEN a tracking number THEN that parcel alone; a problem reads in plain words, with its reason", async () => {
    await openAs(DESKTOP, "/pages/track-merchant");
    await expect(page.getByRole("heading", { name: "Where is my parcel?", level: 2 }).isVisible()).resolves.toBe(true);
    // arrow keys move between the radios, as for any radio group
    await page.getByLabel("Order number and email").focus();
    await page.keyboard.press("ArrowDown");
    await expect(page.locator("input[name=tracking]").isVisible()).resolves.toBe(true);
    await expect(page.getByLabel("Order number", { exact: true }).isHidden()).resolves.toBe(true);
    await page.keyboard.press("Tab");
    await page.keyboard.type(` ${FEDEX.toLowerCase()} `);
    await page.keyboard.press("Enter");

    await eventually(async () => expect(await page.locator(".sw-shipment").count()).toBe(1));
    const [card] = await shipmentCards();
    expect(card).toMatchObject({
      count: null,
      status: "Delayed · Weather",
      // the parcel is past the shipping method's promise and has an open late case: the shopper reads that, and what the shop does
      // no date from FedEx: what parcels like it usually take, counted from the days it has already travelled
      next: "Your parcel is taking longer than we promised. FedEx last scanned it on November 20. Expected November 21\u2009–\u200923, going by how long parcels like this usually take. We are following it up with FedEx and will write to you by November 22.",
      when: "Estimated delivery: Monday, November 23",
      steps: ["Packed:sw-past", "On its way:sw-now*", "Out for delivery:next", "Delivered:next"],
      facts: ["FedEx", FEDEX],
      help: "https://alpha-goods.example/pages/contact",
    });
    await expect(page.locator(".sw-shipment").getAttribute("class")).resolves.toContain("sw-problem");
    await expect(page.locator(".sw-order").textContent()).resolves.toBe("Order #1003");
    await expect(live().textContent()).resolves.toBe("Found order #1003. Delayed · Weather");
    // the merchant's accent colour fills the button, with readable text on it
    const button = await page.locator(".sw-form .sw-button").evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]);
    expect(button).toEqual(["rgb(29, 78, 216)", "rgb(255, 255, 255)"]);
    await snap("desktop-problem");
  });

  it("GIVEN a wrong email or a missing field THEN a clear message, announced, and nothing about whether the order exists", async () => {
    await openAs(DESKTOP, "/pages/track-merchant");
    await page.getByRole("button", { name: "Track" }).click();
    await expect(page.locator(".sw-error").textContent()).resolves.toBe("Enter your order number and email.");
    await expect(page.getByLabel("Order number", { exact: true }).getAttribute("aria-invalid")).resolves.toBe("true");
    await expect(page.evaluate(() => document.activeElement?.getAttribute("name"))).resolves.toBe("order");
    // the error is part of the field's description while it shows
    const describedBy = (await page.getByLabel("Order number", { exact: true }).getAttribute("aria-describedby"))!.split(" ");
    await expect(page.locator(`#${describedBy[1]}`).textContent()).resolves.toBe("Enter your order number and email.");

    await page.getByLabel("Order number", { exact: true }).fill("1001");
    await page.getByLabel("Email", { exact: true }).fill("someone.else@example.com");
    await page.getByRole("button", { name: "Track" }).click();
    const notFound = "We couldn't find an order with those details. Check the order number, and use the email from your order confirmation.";
    await eventually(async () => expect(await results().locator(".sw-notice p").textContent()).toBe(notFound));
    await expect(live().textContent()).resolves.toBe(notFound);
    await expect(page.getByLabel("Order number", { exact: true }).getAttribute("aria-invalid")).resolves.toBe(null);
    await expect(results().getByRole("link", { name: "Need help? Contact us" }).getAttribute("href")).resolves.toBe("https://alpha-goods.example/pages/contact");
    await expect(page.locator(".sw-shipment").count()).resolves.toBe(0);
    await snap("desktop-not-found");
  });

  it("GIVEN ten not-found answers for one shopper THEN 'too many attempts', even for the right details", async () => {
    await openAs(DESKTOP);
    await page.getByLabel("Order number", { exact: true }).fill("#1001");
    for (let i = 0; i < 10; i++) {
      await page.getByLabel("Email", { exact: true }).fill(`guess${i}@example.com`);
      await page.getByRole("button", { name: "Track" }).click();
      await eventually(async () => expect(await results().locator(".sw-notice p").textContent()).toMatch(/couldn't find/));
      app.clock.advance(10_000); // a person typing, not a burst: the per-minute limit stays out of the way
    }
    await page.getByLabel("Email", { exact: true }).fill("maya.chen@example.com");
    await page.getByRole("button", { name: "Track" }).click();
    await eventually(async () => expect(await results().locator(".sw-notice p").textContent()).toMatch(/^Too many attempts\. For your security, please try again in \d+ min\.$/));
    await expect(page.locator(".sw-shipment").count()).resolves.toBe(0);
  });

  it("GIVEN more lookups in a minute than LOOKUP_RATE_LIMIT allows THEN 'try again in N s' from Retry-After, until the minute is over", async () => {
    await openAs(DESKTOP, `/pages/track?tracking=${UPS}`);
    await eventually(async () => expect(await page.locator(".sw-shipment").count()).toBe(1));
    for (let i = 1; i < RATE_LIMIT; i++) {
      await page.getByRole("button", { name: "Track" }).click();
      await eventually(async () => expect(await page.locator(".sw-status").count()).toBe(1));
    }
    await page.getByRole("button", { name: "Track" }).click();
    await eventually(async () => expect(await results().locator(".sw-notice p").textContent()).toMatch(/^Too many lookups in a short time\. Please try again in \d+ s\.$/));
    await expect(live().textContent()).resolves.toMatch(/try again in \d+ s/);
    expect(storefront.proxied.at(-1)).toEqual({ path: "/apps/track/lookup", status: 429 });
    await snap("desktop-rate-limited");
    app.clock.advance(61_000);
    await page.getByRole("button", { name: "Track" }).click();
    await eventually(async () => expect(await page.locator(".sw-shipment").count()).toBe(1));
  });

  it("on a phone: a deep link from a notification email shows the delivered order and the merchant's call to action", async () => {
    await openAs(PHONE, `/pages/track-merchant?order=1002&email=${encodeURIComponent("jordan.lee@example.com")}`, { phone: true });
    await eventually(async () => expect(await page.locator(".sw-shipment").count()).toBe(1));
    await expect(page.getByLabel("Order number", { exact: true }).inputValue()).resolves.toBe("1002");
    const [card] = await shipmentCards();
    expect(card).toMatchObject({ status: "Delivered", when: "Delivered on Wednesday, November 18", facts: ["DHL", DHL] });
    await expect(page.locator(".sw-cta").isVisible()).resolves.toBe(true);
    await expect(page.getByRole("link", { name: "Review your order" }).getAttribute("href")).resolves.toBe("https://alpha-goods.example/pages/reviews");
    await expect(page.locator(".sw-products a").evaluateAll((links) => links.map((a) => [a.textContent!.trim(), a.getAttribute("href")]))).resolves.toEqual([
      ["Trail Runner 2", "/products/trail-runner-2"],
      ["Merino Hiking Socks", "/products/merino-socks"],
    ]);
    // nothing is wider than the phone
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(PHONE.width);
    await snap("phone-delivered");
  });

  it("on a phone: the multi-shipment order by deep link, and a tracking-number deep link", async () => {
    await openAs(PHONE, `/pages/track?order=%231001&email=maya.chen%40example.com`, { phone: true });
    await eventually(async () => expect(await page.locator(".sw-shipment").count()).toBe(2));
    // what the shopper came for is on the first screen: the answer takes focus and scrolls into view
    await eventually(async () => expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Order #1001"));
    const status = (await page.locator(".sw-status").first().boundingBox())!;
    const estimate = (await page.locator(".sw-when").first().boundingBox())!;
    expect(status.y).toBeGreaterThanOrEqual(0);
    expect(estimate.y + estimate.height).toBeLessThanOrEqual(PHONE.height);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "storefront-phone-first-screen.png") });
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(PHONE.width);
    // the four milestone labels fit side by side
    const steps = await page.locator(".sw-shipment").first().locator(".sw-steps li").evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect().top));
    expect(new Set(steps).size).toBe(1);
    await snap("phone-order");

    await page.goto(`${storefront.url}/pages/track?tracking=${FEDEX}`);
    await eventually(async () => expect(await page.locator(".sw-status").textContent()).toBe("Delayed · Weather"));
    await expect(page.locator("input[name=tracking]").inputValue()).resolves.toBe(FEDEX);
    await snap("phone-problem");
  });

  it("each lookup a shopper made is counted on the shipments it showed, with nothing about who asked", async () => {
    await app.container.services.lookup.flushLookupCounts();
    const rows = await app.db.selectFrom("Shipment").select(["trackingNumber", "lookupCount", "lastLookedUpAt"]).where("shop", "=", SHOP_A).orderBy("trackingNumber").execute();
    const counts = Object.fromEntries(rows.map((r) => [r.trackingNumber, r.lookupCount]));
    // #1001 by order (keyboard, phone deep link): both parcels; the UPS one also by tracking number 12 + 1 times
    expect(counts).toEqual({ [UPS]: 2 + RATE_LIMIT + 1, [CANADA_POST]: 2, [DHL]: 1, [FEDEX]: 2 });
    expect(rows.every((r) => r.lastLookedUpAt !== null)).toBe(true);
  });
});
