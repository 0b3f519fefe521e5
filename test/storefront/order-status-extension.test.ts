import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { getJwt } from "@shopify/shopify-api/test-helpers";
import { build } from "esbuild";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REASON_LABELS, SHIPMENT_STATUSES, STATUS_LABELS } from "~/domain/status";
import { readAnswer, shipmentsUrl, storyOf, type ShipmentView, type StoryI18n } from "../../extensions/order-status-tracking/src/story";
import { launchChromium, watchBrowserErrors } from "../browser/support";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload, upsJourney } from "../fixtures/shopify";
import { SHOP_A, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

const EXTENSION = path.resolve("extensions/order-status-tracking");
const LOCALES = ["en.default", "fr", "de", "es", "ja"] as const;
type Messages = { [key: string]: string | Messages };
const messages = (name: (typeof LOCALES)[number]): Messages => JSON.parse(fs.readFileSync(path.join(EXTENSION, "locales", `${name}.json`), "utf8"));

/** shopify.i18n as the host provides it: nested keys, {{placeholders}}, `count` picking .one/.other; dates in the shopper's zone. */
function i18nFor(name: (typeof LOCALES)[number], locale: string, timeZone = "America/New_York"): StoryI18n {
  const dictionary = messages(name);
  const plural = new Intl.PluralRules(locale);
  return {
    translate(key, replacements = {}) {
      let node: string | Messages | undefined = dictionary;
      for (const part of key.split(".")) node = typeof node === "object" ? node[part] : undefined;
      if (typeof node === "object" && "count" in replacements) node = node[plural.select(Number(replacements.count))] ?? node.other;
      if (typeof node !== "string") throw new Error(`no translation for ${key} in ${name}`);
      return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(replacements[k]));
    },
    formatDate: (date, options) => new Intl.DateTimeFormat(locale, { timeZone, ...options }).format(date),
  };
}

const en = i18nFor("en.default", "en-US");

function shipment(overrides: Partial<ShipmentView>): ShipmentView {
  return {
    trackingNumber: "1Z999AA10123456784",
    carrier: { code: "ups", name: "UPS" },
    trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    status: "in_transit",
    statusLabel: "On its way",
    reason: null,
    estimatedDeliveryAt: null,
    lastEventAt: "2026-11-21T13:20:00.000Z",
    events: [],
    estimatedDelivery: null,
    attention: null,
    items: [],
    destination: { city: "Ottawa", province: "Ontario", country: "Canada" },
    story: { headline: "On its way", explanation: "Your parcel is on its way with UPS.", next: "We will let you know when it is out for delivery." },
    ...overrides,
  };
}
const event = (status: ShipmentView["status"], happenedAt: string, message: string | null = null, location: string | null = null, reason: ShipmentView["reason"] = null) => ({
  status,
  reason,
  happenedAt,
  message,
  location,
});

describe("order status extension: view logic", () => {
  it("GIVEN a parcel on its way with an estimate THEN status, next step, the estimate as a date, step 2 of 4, the newest three events", () => {
    const story = storyOf(
      shipment({
        // the app's words: the estimate is the headline; the day is the recipient's (Ottawa)
        estimatedDeliveryAt: "2026-11-25T04:59:59.999Z",
        estimatedDelivery: { earliest: "2026-11-24", latest: "2026-11-24", source: "carrier" },
        story: {
          headline: "Arriving Tuesday, November 24",
          explanation: "Your parcel is on its way with UPS; last scan on November 21. UPS expects to deliver it on Tuesday, November 24.",
          next: "We will let you know when it is out for delivery.",
        },
        events: [
          event("in_transit", "2026-11-21T13:20:00.000Z", "Arrived at Facility", "Ottawa, Ontario, Canada"),
          event("in_transit", "2026-11-20T10:15:00.000Z", "Departed from Facility", "Toronto, Ontario, Canada"),
          event("in_transit", "2026-11-19T14:40:00.000Z", "Arrived at Facility"),
          event("picked_up", "2026-11-18T23:30:00.000Z", "Pickup Scan"),
          event("label_created", "2026-11-18T19:05:00.000Z", null),
        ],
      }),
      0,
      1,
      en,
    );
    expect(story).toEqual({
      key: "1Z999AA10123456784",
      position: null,
      headline: "Arriving Tuesday, November 24",
      reason: null,
      tone: "auto",
      attention: null,
      explanation: "Your parcel is on its way with UPS; last scan on November 21. UPS expects to deliver it on Tuesday, November 24.",
      next: "We will let you know when it is out for delivery.",
      // the estimate's day is the recipient's calendar day, the same in any zone the page is read in
      when: "Estimated delivery: Tuesday, November 24",
      progress: { value: 0.5, label: "Step 2 of 4: On its way", critical: false },
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
      trackingLabel: "Track on the UPS website",
      recent: [
        { key: "2026-11-21T13:20:00.000Z-0", at: "Nov 21, 8:20 AM", dateTime: "2026-11-21T13:20:00.000Z", text: "On its way · Arrived at Facility", place: "Ottawa, Ontario, Canada" },
        { key: "2026-11-20T10:15:00.000Z-1", at: "Nov 20, 5:15 AM", dateTime: "2026-11-20T10:15:00.000Z", text: "On its way · Departed from Facility", place: "Toronto, Ontario, Canada" },
        { key: "2026-11-19T14:40:00.000Z-2", at: "Nov 19, 9:40 AM", dateTime: "2026-11-19T14:40:00.000Z", text: "On its way · Arrived at Facility", place: null },
      ],
      earlier: "and 2 earlier updates",
    });
  });

  it("GIVEN an open case the shopper would notice THEN the app's attention in a banner, its headline, the critical tone, never plain progress", () => {
    const message = "No update from UPS since November 3. We have asked UPS to trace it and will write to you by November 12.";
    const story = storyOf(
      shipment({
        statusLabel: "Delayed",
        attention: { since: "2026-11-03T14:40:00.000Z", message },
        estimatedDelivery: { earliest: "2026-11-13", latest: "2026-11-13", source: "promise" },
        story: { headline: "Waiting for news from UPS", explanation: "No update from UPS since November 3.", next: "We have asked UPS to trace it and will write to you by November 12." },
        events: [event("in_transit", "2026-11-03T14:40:00.000Z", "Arrived at Facility", "Ottawa")],
      }),
      0,
      1,
      en,
    );
    expect(story).toMatchObject({ headline: "Waiting for news from UPS", attention: message, explanation: null, next: null, tone: "critical", when: "Expected by Friday, November 13" });
    expect(story.headline).not.toBe("On its way");
  });

  it("GIVEN a window THEN both days; GIVEN no estimate (a passed one is never sent) THEN no date at all", () => {
    const windowed = storyOf(shipment({ estimatedDelivery: { earliest: "2026-11-24", latest: "2026-11-26", source: "learned" } }), 0, 1, en);
    expect(windowed.when).toBe("Estimated delivery: Tuesday, November 24 – Thursday, November 26");
    // an old carrier date alone is not an estimate the app stands behind
    const none = storyOf(shipment({ estimatedDeliveryAt: null, estimatedDelivery: null }), 0, 1, en);
    expect(none.when).toBeNull();
    const ja = storyOf(shipment({ estimatedDelivery: { earliest: "2026-11-24", latest: "2026-11-24", source: "promise" } }), 0, 1, i18nFor("ja", "ja-JP", "Asia/Tokyo"));
    expect(ja.when).toBe("11月24日火曜日までにお届け予定");
  });

  it("GIVEN a delivered parcel THEN when it was delivered (not the estimate), the whole bar, the success tone", () => {
    const story = storyOf(
      shipment({
        status: "delivered",
        estimatedDeliveryAt: "2026-11-21T04:59:59.999Z",
        estimatedDelivery: { earliest: "2026-11-20", latest: "2026-11-20", source: "carrier" },
        story: { headline: "Delivered on November 19", explanation: "UPS delivered your parcel on November 19.", next: "Can't find it? Look around your door and ask your neighbours, then contact us." },
        events: [event("delivered", "2026-11-19T18:42:00.000Z", "Delivered"), event("out_for_delivery", "2026-11-19T13:05:00.000Z"), event("in_transit", "2026-11-18T11:40:00.000Z"), event("picked_up", "2026-11-17T22:10:00.000Z")],
      }),
      1,
      2,
      en,
    );
    expect(story).toMatchObject({ position: "Shipment 2 of 2", headline: "Delivered on November 19", tone: "success", when: "Delivered on Thursday, November 19", progress: { value: 1, label: "Step 4 of 4: Delivered", critical: false }, earlier: "and 1 earlier update" });
  });

  it("GIVEN a problem off the happy path THEN the reason in words, the critical tone, and the bar where the parcel got to", () => {
    const story = storyOf(
      shipment({
        status: "exception",
        reason: "address_issue",
        story: { headline: "Problem with delivery", explanation: "UPS reported a problem with your parcel (address problem) on November 20.", next: "We are looking into it and will let you know what happens next." },
        events: [event("exception", "2026-11-20T15:00:00.000Z", "Incorrect address", null, "address_issue"), event("in_transit", "2026-11-19T09:00:00.000Z")],
      }),
      0,
      1,
      en,
    );
    expect(story).toMatchObject({
      headline: "Problem with delivery",
      reason: "Address problem",
      tone: "critical",
      attention: null,
      next: "We are looking into it and will let you know what happens next.",
      progress: { value: 0.5, label: "Step 2 of 4: On its way", critical: true },
      when: null,
    });
  });

  it("GIVEN only a label THEN packed, step 1 of 4, no history; a non-https tracking link is dropped", () => {
    const story = storyOf(
      shipment({ status: "label_created", trackingNumber: null, trackingUrl: "javascript:alert(1)", events: [], story: { headline: "Packed, waiting for UPS", explanation: "Your order is packed.", next: "We will let you know as soon as UPS scans it." } }),
      2,
      3,
      en,
    );
    expect(story).toMatchObject({ key: "shipment-2", position: "Shipment 3 of 3", headline: "Packed, waiting for UPS", progress: { value: 0.25, label: "Step 1 of 4: Packed", critical: false }, recent: [], earlier: null, trackingUrl: null, trackingNumber: null });
  });

  it("speaks the shopper's language", () => {
    const fr = i18nFor("fr", "fr-FR", "Europe/Paris");
    const story = storyOf(
      shipment({
        status: "delayed",
        reason: "weather",
        estimatedDelivery: { earliest: "2026-11-24", latest: "2026-11-24", source: "carrier" },
        story: { headline: "Retardé : météo", explanation: "UPS signale un retard (météo).", next: "Nous le surveillons et vous préviendrons dès qu'il repartira." },
        events: [event("delayed", "2026-11-20T11:00:00.000Z", "Severe weather", "Harrisburg")],
      }),
      0,
      1,
      fr,
    );
    expect(story).toMatchObject({ headline: "Retardé : météo", reason: "Météo", when: "Livraison estimée : mardi 24 novembre", progress: { label: "Étape 2 sur 4 : En route" } });
    expect(story.recent[0]!.at).toBe("20 nov., 12:00");
  });

  it("has every string in every locale, with the same placeholders, and the domain's words in English", () => {
    const flat = (node: Messages, prefix = ""): Record<string, string> =>
      Object.assign({}, ...Object.entries(node).map(([k, v]) => (typeof v === "string" ? { [`${prefix}${k}`]: v } : flat(v, `${prefix}${k}.`))));
    const reference = flat(messages("en.default"));
    const placeholders = (s: string) => (s.match(/\{\{\s*\w+\s*\}\}/g) ?? []).sort();
    for (const name of LOCALES) {
      const strings = flat(messages(name));
      expect([name, Object.keys(strings).sort()]).toEqual([name, Object.keys(reference).sort()]);
      for (const [key, text] of Object.entries(strings)) expect([name, key, placeholders(text)]).toEqual([name, key, placeholders(reference[key]!)]);
    }
    const english = messages("en.default") as Record<string, Record<string, string>>;
    expect(english.status).toEqual(STATUS_LABELS);
    expect(english.reason).toEqual(REASON_LABELS);
    expect(Object.keys(english.next!).sort()).toEqual([...SHIPMENT_STATUSES].sort());
  });

  it("reads the app's answers, and builds its URL", async () => {
    const respond = (status: number, body: unknown) => ({ status, json: async () => body });
    await expect(readAnswer(respond(200, { order: { name: "#1001" }, shipments: [] }))).resolves.toEqual({ kind: "found", orderName: "#1001", shipments: [] });
    await expect(readAnswer(respond(404, { error: "not_found" }))).resolves.toEqual({ kind: "not_found" });
    await expect(readAnswer(respond(401, null))).resolves.toEqual({ kind: "failed", status: 401 });
    await expect(readAnswer(respond(200, { unexpected: true }))).resolves.toEqual({ kind: "failed", status: 200 });
    expect(shipmentsUrl("https://app.example/", "gid://shopify/Order/1", "gid://shopify/Fulfillment/2")).toBe(
      "https://app.example/api/customer-account/shipments?order=gid%3A%2F%2Fshopify%2FOrder%2F1&fulfillment=gid%3A%2F%2Fshopify%2FFulfillment%2F2",
    );
  });
});

/** The two targets, bundled the way Shopify CLI bundles a UI extension: esbuild, ESM, Preact's JSX, env put in. */
async function bundle(appUrl: string) {
  const result = await build({
    entryPoints: { fulfillment: path.join(EXTENSION, "src/FulfillmentTracking.tsx"), block: path.join(EXTENSION, "src/OrderTracking.tsx") },
    bundle: true,
    format: "esm",
    target: "es2020",
    minify: true,
    write: false,
    outdir: "/bundle",
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { "process.env.APP_URL": JSON.stringify(appUrl), "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  return { errors: result.errors, warnings: result.warnings, files: Object.fromEntries(result.outputFiles.map((f) => [path.basename(f.path), f.text])) };
}

describe("order status extension: the bundle, on a page, against the real endpoint", () => {
  let app: TestApp;
  let host: http.Server;
  let hostUrl: string;
  let browser: Browser;
  let files: Record<string, string>;
  const maya = orderPayload({ id: 5_640_000_001, name: "#1001", email: "maya.chen@example.com" });
  const parcel = fulfillmentPayload(maya.id, { id: 4_640_000_011, name: "#1001.1" });
  const second = fulfillmentPayload(maya.id, { id: 4_640_000_012, name: "#1001.2", tracking_company: "Canada Post", tracking_number: "7023210039414604", tracking_numbers: ["7023210039414604"], tracking_url: null, tracking_urls: [] });

  beforeAll(async () => {
    app = await startTestApp({ remix: true });
    for (const [topic, payload] of [["orders/create", maya], ["fulfillments/create", parcel], ["fulfillments/create", second]] as const) await app.sendWebhook(topic, payload, { shop: SHOP_A });
    for (const e of upsJourney(parcel.id, maya.id).slice(0, 5)) await app.sendWebhook("fulfillment_events/create", e, { shop: SHOP_A });
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(second.id, maya.id, { status: "delivered", message: "Delivered to your community mailbox", city: "Ottawa" }), { shop: SHOP_A });
    await app.settle();

    const built = await bundle(app.url);
    expect([built.errors, built.warnings]).toEqual([[], []]);
    files = built.files;
    // the extension's sandbox is another origin than the app: its fetch is cross-origin, as on Shopify
    host = http.createServer((req, res) => {
      const name = (req.url ?? "/").slice(1).split("?")[0]!;
      if (files[name]) return void res.writeHead(200, { "content-type": "text/javascript" }).end(files[name]);
      res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><html><head><title>Order status</title></head><body></body></html>");
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => host?.close(() => resolve()));
    await app?.close();
  });

  it("builds with esbuild, small", () => {
    expect(Object.keys(files).sort()).toEqual(["block.js", "fulfillment.js"]);
    for (const code of Object.values(files)) {
      expect(code).toContain("/api/customer-account/shipments");
      expect(code).toContain(app.url);
      // Shopify's limit for a UI extension's compiled script is 64 KB
      expect(code.length).toBeLessThan(64 * 1024);
      expect(gzipSync(code).length).toBeLessThan(20 * 1024);
    }
  });

  /** Runs a target's bundle as Shopify's host would: a `shopify` global with the order, a session token and i18n. */
  async function runTarget(file: "block.js" | "fulfillment.js", options: { customer: number; fulfillmentId?: string }) {
    const { token } = await getJwt(SHOP_A, TEST_API_KEY, TEST_SECRET, {
      dest: SHOP_A,
      sub: `gid://shopify/Customer/${options.customer}`,
      exp: Math.floor(Date.now() / 1000) + 300,
      nbf: Math.floor(Date.now() / 1000) - 5,
    });
    // authenticate.public.customerAccount turns self-declared bots ("HeadlessChrome") away: present the browser as the Chrome it is
    const userAgent = `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`;
    const page = await browser.newPage({ locale: "en-US", timezoneId: "America/New_York", userAgent });
    const errors = watchBrowserErrors(page);
    await page.goto(hostUrl);
    await page.evaluate(
      ({ token, orderId, fulfillmentId, dictionary }) => {
        const lookup = (key: string) => key.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], dictionary);
        (globalThis as unknown as { shopify: unknown }).shopify = {
          order: { value: { id: orderId } },
          fulfillmentId,
          sessionToken: { get: async () => token },
          i18n: {
            translate(key: string, replacements: Record<string, string | number> = {}) {
              let text = lookup(key);
              if (text && typeof text === "object") text = (text as Record<string, string>)[Number(replacements.count) === 1 ? "one" : "other"];
              return String(text).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(replacements[k]));
            },
            formatDate: (date: Date, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-US", options).format(date),
          },
        };
      },
      { token, orderId: `gid://shopify/Order/${maya.id}`, fulfillmentId: options.fulfillmentId, dictionary: messages("en.default") },
    );
    // the host then imports the target's module and calls its default export
    await page.addScriptTag({ type: "module", content: `import run from "/${file}"; await run(); window.targetRan = true;` });
    await page.waitForFunction(() => (window as unknown as { targetRan?: boolean }).targetRan === true);
    return { page, errors };
  }

  it("block target: the signed-in customer's order, every parcel, fetched with the session token across origins", async () => {
    const { page, errors } = await runTarget("block.js", { customer: 7_100_000_001 });
    await page.waitForSelector("s-section s-heading");
    const text = await page.evaluate(() => ({
      section: document.querySelector("s-section")!.getAttribute("heading"),
      headings: Array.from(document.querySelectorAll("s-heading")).map((h) => h.textContent),
      positions: Array.from(document.querySelectorAll("s-section > s-stack > s-stack s-text:first-child")).map((t) => t.textContent).filter((t) => t?.startsWith("Shipment")),
      // no Polaris here to define the elements: Preact sets what it renders as attributes
      progress: Array.from(document.querySelectorAll("s-progress")).map((p) => [Number(p.getAttribute("value")), p.getAttribute("accessibilityLabel")]),
      links: Array.from(document.querySelectorAll("s-link")).map((a) => [a.textContent, a.getAttribute("href")]),
      items: Array.from(document.querySelectorAll("s-list-item")).length,
      banners: Array.from(document.querySelectorAll("s-banner")).map((b) => [b.getAttribute("tone"), b.textContent]),
    }));
    expect(text).toEqual({
      section: "Delivery status",
      // the fixture's first parcel has been out for delivery since 4 November, a month before the clock: the app
      // has a lost case open, and the extension says so, as the tracking page does, instead of "Out for delivery"
      headings: ["Your parcel appears to be lost", "Delivered on November 3"],
      banners: [["warning", expect.stringMatching(/^UPS has not scanned your parcel since November 4 and cannot locate it\. We are on it/)]],
      positions: ["Shipment 1 of 2", "Shipment 2 of 2"],
      progress: [
        [0.75, "Step 3 of 4: Out for delivery"],
        [1, "Step 4 of 4: Delivered"],
      ],
      links: [
        ["Track on the UPS website", "https://www.ups.com/track?tracknum=1Z999AA10123456784"],
        ["Track on the Canada Post website", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=7023210039414604"],
      ],
      items: 4,
    });
    expect(errors.take()).toEqual([]);
    await page.close();
  });

  it("fulfillment target: only that fulfillment's parcel, without a heading of its own", async () => {
    const { page, errors } = await runTarget("fulfillment.js", { customer: 7_100_000_001, fulfillmentId: `gid://shopify/Fulfillment/${second.id}` });
    await page.waitForSelector("s-heading");
    await expect(page.evaluate(() => [document.querySelectorAll("s-section").length, Array.from(document.querySelectorAll("s-heading")).map((h) => h.textContent)])).resolves.toEqual([0, ["Delivered on November 3"]]);
    expect(errors.take()).toEqual([]);
    await page.close();
  });

  it("another customer's token: the app answers 404 and the extension shows nothing", async () => {
    const { page, errors } = await runTarget("block.js", { customer: 7_100_000_999 });
    await page.waitForFunction(() => !document.querySelector("s-skeleton-paragraph"));
    await expect(page.evaluate(() => document.body.innerHTML)).resolves.toBe("");
    errors.expect(/Failed to load resource: the server responded with a status of 404/);
    expect(errors.take()).toEqual([]);
    await page.close();
  });
});
