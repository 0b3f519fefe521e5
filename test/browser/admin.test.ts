import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createShipmentLegRepository } from "~/.server/adapters/shipments";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { REASON_LABELS, STATUS_LABELS, type ShipmentStatus } from "~/domain/status";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";
import {
  CARRIER_LABELS,
  deliverShipment,
  eventually,
  openAdminBrowser,
  launchChromium,
  newAdminContext,
  planShipments,
  runningClock,
  SCENARIO_EVENTS,
  SCENARIO_STATUS,
  screenshot,
  tableRows,
  waitForHydration,
  waitForIdle,
  watchBrowserErrors,
  type Scenario,
  type SeedShipment,
} from "./support";

/**
 * The admin as a merchant uses it: Chromium opens the local preview, which goes through authenticate.admin's real
 * path with session tokens signed by the app secret, over a real server and SQLite file holding shipments that
 * arrived as signed webhooks.
 */

// 30 shipments: 8 delivered, 7 in transit, 3 out for delivery, 3 labels, 2 each of delay, failed attempt,
// address problem and ready for pickup, 1 returned. Order #1001 holds the first two.
const SCENARIOS: Scenario[] = [
  "delivered", "in_transit", "out_for_delivery", "label_created", "weather_delay", "failed_attempt",
  "address_issue", "ready_for_pickup", "returned", "delivered", "in_transit", "delivered",
  "in_transit", "out_for_delivery", "label_created", "delivered", "in_transit", "failed_attempt",
  "address_issue", "ready_for_pickup", "delivered", "in_transit", "delivered", "out_for_delivery",
  "label_created", "weather_delay", "delivered", "in_transit", "delivered", "in_transit",
];
const CARRIERS = ["UPS", "USPS", "FedEx", "DHL Express"] as const;
const HOST = Buffer.from("admin.shopify.com/store/shipwatch-demo").toString("base64url");
// authenticate.admin turns self-declared bots (Node's fetch among them) away with 410 before looking at tokens
const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36" };

let app: TestApp;
let clock: ReturnType<typeof runningClock>;
let seeded: SeedShipment[];
let otherShops: SeedShipment;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const count = (scenario: Scenario) => SCENARIOS.filter((s) => s === scenario).length;
const seedOf = (trackingNumber: string) => {
  const seed = seeded.find((s) => s.trackingNumber === trackingNumber);
  if (!seed) throw new Error(`no seeded shipment has tracking number "${trackingNumber}"`);
  return seed;
};

async function openPreview(path = "/app/shipments") {
  await page.goto(`${app.url}/local-preview?path=${encodeURIComponent(path)}`);
  await waitForHydration(page);
}

/** Polaris renders popovers (a filter's choices) in a portal at the end of the body. */
const popover = () => page.locator("#PolarisPortalsContainer");

/** A click outside closes a filter's popover (Escape would leave filtering mode, which clears the filters). */
async function closePopover() {
  await page.getByRole("heading", { name: "Shipments", level: 1 }).click();
  await eventually(async () => expect(await popover().locator(".Polaris-Popover").count()).toBe(0));
}

async function rowsAfterNavigation(expectedCount: number) {
  return eventually(async () => {
    await waitForIdle(page);
    const rows = await tableRows(page);
    expect(rows).toHaveLength(expectedCount);
    return rows;
  });
}

describe("Shipwatch admin in Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    clock = runningClock();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP, SHOP_B], clock });
    const now = Date.now();
    seeded = planShipments(SCENARIOS, { now, carriers: CARRIERS });
    for (const [i, shipment] of seeded.entries()) await deliverShipment(app, clock, PREVIEW_SHOP, shipment, 9_000_000 + i * 10);
    // another store with an order of the same name, #1001: its parcel must never show up in this admin
    otherShops = planShipments(["out_for_delivery"], { now, carriers: ["UPS"], idBase: 7_000_000 })[0]!;
    await deliverShipment(app, clock, SHOP_B, otherShops, 8_000_000);
    clock.resume();

    // the fixtures say what they mean before any page is judged by them
    const stored = await app.container.repositories.admin.listShipments(PREVIEW_SHOP, { pageSize: 100 });
    expect(stored.total).toBe(SCENARIOS.length);
    for (const seed of seeded) {
      const shipment = stored.shipments.find((s) => s.trackingNumber === seed.trackingNumber);
      expect({ order: shipment?.orderName, status: shipment?.status, carrier: shipment?.carrierName }).toEqual({
        order: seed.orderName,
        status: SCENARIO_STATUS[seed.scenario],
        carrier: CARRIER_LABELS[seed.carrier],
      });
    }

    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
  });

  it("renders no shop data to a request without a valid session token", async () => {
    const secret = seeded[0]!.trackingNumber;
    const valid = mintSessionToken({ shop: PREVIEW_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: Date.now() }).token;
    const forged = mintSessionToken({ shop: PREVIEW_SHOP, apiKey: TEST_API_KEY, apiSecret: "not-the-app-secret", nowMs: Date.now() }).token;

    // GIVEN no Shopify parameters at all THEN the login path, not the list
    const bare = await fetch(`${app.url}/app`, { redirect: "manual", headers: BROWSER });
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toMatch(/^\/auth\/login/);
    expect(await bare.text()).not.toContain(secret);

    // GIVEN an embedded document request without id_token, or with a forged one THEN the session-token bounce page
    for (const idToken of [null, forged]) {
      const params = new URLSearchParams({ embedded: "1", shop: PREVIEW_SHOP, host: HOST });
      if (idToken) params.set("id_token", idToken);
      const response = await fetch(`${app.url}/app?${params}`, { redirect: "manual", headers: BROWSER });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toMatch(/^\/auth\/session-token\?/);
      expect(await response.text()).not.toContain(secret);
    }

    // GIVEN a client navigation (Remix data request) THEN only a token signed with the app secret reads data
    const forgedData = await fetch(`${app.url}/app.data`, { headers: { ...BROWSER, authorization: `Bearer ${forged}` } });
    expect(forgedData.status).toBe(401);
    expect(await forgedData.text()).not.toContain(secret);
    const validData = await fetch(`${app.url}/app/shipments.data`, { headers: { ...BROWSER, authorization: `Bearer ${valid}` } });
    expect(validData.status).toBe(200);
    expect(await validData.text()).toContain(seeded.at(-1)!.trackingNumber.slice(0, 8));
  });

  it("lists the store's shipments, most recent activity first, 25 to a page", async () => {
    await openPreview();
    const url = new URL(page.url());
    expect(url.pathname).toBe("/app/shipments");
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== "id_token"))).toEqual({ embedded: "1", shop: PREVIEW_SHOP, host: HOST });
    expect(url.searchParams.get("id_token")).toBeTruthy();

    const rows = await tableRows(page);
    expect(rows).toHaveLength(25);
    const expected = await app.container.repositories.admin.listShipments(PREVIEW_SHOP, { pageSize: 25 });
    expect(rows.map((r) => r.trackingNumber)).toEqual(expected.shipments.map((s) => s.trackingNumber));
    for (const row of rows) {
      const seed = seedOf(row.trackingNumber);
      expect(row.order).toBe(seed.orderName);
      expect(row.carrier).toBe(CARRIER_LABELS[seed.carrier]);
      expect(row.status).toContain(STATUS_LABELS[SCENARIO_STATUS[seed.scenario]]);
      expect(row.age).toMatch(/^\d+ (min|h|d)$/);
      expect(row.lastEvent).toMatch(seed.eventTimes.length ? /ago|yesterday|just now/ : /No carrier scan yet/);
    }
    // the reason sits beside the badge
    const delayed = rows.find((r) => seedOf(r.trackingNumber).scenario === "weather_delay");
    expect(delayed?.status).toContain(REASON_LABELS.weather);

    await expect(page.getByText("1–25 of 30").isVisible()).resolves.toBe(true);
    expect(await page.content()).not.toContain(otherShops.trackingNumber);
    await expect(page.title()).resolves.toBe("Shipments · Shipwatch");
    await screenshot(page, "shipments");
  });

  it("shows a setup guide on Home: done where the shop's data says so, marked by the merchant otherwise, and dismissible", async () => {
    await openPreview("/app");
    const guide = page.getByRole("list", { name: "Setup steps" });
    await guide.waitFor();
    const steps = await guide.locator(":scope > li").allInnerTexts();
    expect(steps.map((text) => text.split("\n")[0])).toEqual([
      "Look at your tracking page",
      "Connect a channel to reach customers",
      "Review your message templates",
      "Review your rules",
    ]);
    // no channel, no template of the shop's own, the default rules as installed: nothing done yet
    await page.getByText("0 of 4 steps done").waitFor();
    const href = async (name: string) => new URL((await page.getByRole("link", { name, exact: true }).getAttribute("href"))!, app.url);
    expect((await href("View it")).href).toBe(`https://${PREVIEW_SHOP}/apps/track`);
    expect((await href("Tracking page settings")).pathname).toBe("/app/settings");
    expect((await href("Set up channels")).pathname).toBe("/app/notifications");
    expect((await href("Review templates")).pathname).toBe("/app/notifications/templates");
    const rulesHref = await href("Review rules");
    expect([rulesHref.pathname, rulesHref.searchParams.get("shop")]).toEqual(["/app/rules", PREVIEW_SHOP]);

    // the rules have been read: the merchant says so, and this browser remembers it for this shop
    await guide.locator(":scope > li", { hasText: "Review your rules" }).getByRole("button", { name: "Mark as done" }).click();
    await page.getByText("1 of 4 steps done").waitFor();
    await screenshot(page, "home-setup-guide");
    await page.reload();
    await waitForHydration(page);
    await page.getByText("1 of 4 steps done").waitFor();

    await page.getByRole("button", { name: "Dismiss the setup guide" }).click();
    await eventually(async () => expect(await page.getByRole("heading", { name: "Set up Shipwatch" }).count()).toBe(0));
    await page.reload();
    await waitForHydration(page);
    await page.getByRole("heading", { name: "Shipments by status" }).waitFor();
    expect(await page.getByRole("heading", { name: "Set up Shipwatch" }).count()).toBe(0);
  });

  it("names every admin page in the browser tab, and keeps the Outbox under Notifications rather than in the nav", async () => {
    await openPreview();
    expect(await page.locator("ui-nav-menu a").allTextContents()).toEqual(["Home", "Shipments", "Exceptions", "Tickets", "Rules", "Notifications", "Status mapping", "Settings"]);
    for (const [path, title] of [
      ["/app", "Home · Shipwatch"],
      ["/app/shipments", "Shipments · Shipwatch"],
      ["/app/tickets", "Tickets · Shipwatch"],
      ["/app/rules", "Rules · Shipwatch"],
      ["/app/rules/new", "Rule · Shipwatch"],
      ["/app/notifications", "Notifications · Shipwatch"],
      ["/app/notifications/outbox", "Outbox · Shipwatch"],
      ["/app/notifications/templates", "Templates · Shipwatch"],
      ["/app/status-mapping", "Status mapping · Shipwatch"],
      ["/app/settings", "Settings · Shipwatch"],
    ] as const) {
      await openPreview(path);
      await expect(page.title(), path).resolves.toBe(title);
    }
  });

  it("changes nothing React will hydrate before it hydrates: the App Bridge stand-in leaves the server's markup as it came", async () => {
    // React's own scripts held back, so the page stays as the server sent it for as long as the test looks: on a
    // loaded machine hydration comes frames after the stand-in's own work, and whatever it changed in React's
    // markup by then (a link's style, a text node) is a hydration mismatch that makes React throw the page away
    const bare = await page.context().newPage();
    try {
      await bare.route(/\/assets\/.*\.js(\?.*)?$/, (route) => route.abort());
      const response = await bare.goto(`${app.url}/local-preview?path=${encodeURIComponent("/app/shipments")}`);
      await bare.locator("ui-nav-menu").waitFor({ state: "attached" });
      const served = await response!.text();
      const { now, then } = await bare.evaluate(async (html) => {
        await new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 200))));
        // React's markup: the nav bar, the page, and the body's own attributes (the streamed tail's inline scripts
        // move their nodes on purpose, and React expects that)
        const markup = (doc: Document) => [doc.body.getAttributeNames().map((name) => `${name}=${doc.body.getAttribute(name)}`).join(" "), doc.querySelector("ui-nav-menu")?.outerHTML, doc.querySelector(".Polaris-Page")?.outerHTML];
        return { now: markup(document), then: markup(new DOMParser().parseFromString(html, "text/html")) };
      }, served);
      expect(then[1]).toContain("Shipments");
      expect(now).toEqual(then);
      // the bar is still the admin's navigation, named for assistive technology
      await bare.evaluate(() => customElements.whenDefined("ui-nav-menu"));
      expect(await bare.locator("ui-nav-menu").evaluate((nav) => getComputedStyle(nav).display)).toBe("block");
    } finally {
      await bare.close();
    }
  });

  it("lists the rules in the order they run, each in words", async () => {
    await openPreview("/app/rules");
    const rules = page.getByRole("list", { name: "Rules, in the order they run" });
    const texts = await rules.locator(":scope > li").allInnerTexts();
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) {
      expect(text).toMatch(/^When .+/m);
      expect(text).toMatch(/^Then .+/m);
    }
    // no status, reason or owner codes ("attempted_delivery") where words belong; a template's own name is quoted
    expect(texts.join("\n").replace(/"[^"]*"/g, "")).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    await expect(page.title()).resolves.toBe("Rules · Shipwatch");
    await screenshot(page, "rules-list");
  });

  it("filters by status and carrier from the filter bar, and the URL keeps the filters and Shopify's parameters", async () => {
    await openPreview();
    await page.getByRole("button", { name: "Search and filter results" }).click();
    await page.getByRole("button", { name: "Status" }).click();
    await popover().getByText(`Delivered (${count("delivered")})`, { exact: true }).click();
    let rows = await rowsAfterNavigation(count("delivered"));
    await closePopover();
    expect(rows.every((r) => r.status.includes(STATUS_LABELS.delivered))).toBe(true);
    const url = new URL(page.url());
    expect(url.searchParams.get("status")).toBe("delivered");
    expect([url.searchParams.get("embedded"), url.searchParams.get("shop"), url.searchParams.get("host")]).toEqual(["1", PREVIEW_SHOP, HOST]);
    expect(url.searchParams.get("id_token")).toBeTruthy();
    await expect(page.getByText("Status: Delivered").first().isVisible()).resolves.toBe(true);
    await screenshot(page, "shipments-filtered");

    // a reload is a new document request: it authenticates from the URL and shows the same filtered list
    await page.reload();
    await waitForHydration(page);
    rows = await rowsAfterNavigation(count("delivered"));

    await page.getByRole("button", { name: /^Carrier/ }).click();
    await popover().getByText("UPS", { exact: true }).click();
    const deliveredByUps = seeded.filter((s) => s.scenario === "delivered" && s.carrier === "UPS");
    rows = await rowsAfterNavigation(deliveredByUps.length);
    await closePopover();
    expect(rows.map((r) => r.trackingNumber).sort()).toEqual(deliveredByUps.map((s) => s.trackingNumber).sort());
    expect(new URL(page.url()).searchParams.get("carrier")).toBe("ups");

    await page.getByRole("button", { name: "Clear all" }).click();
    await rowsAfterNavigation(25);
    expect(new URL(page.url()).searchParams.has("status")).toBe(false);
  });

  it("finds a shipment by order name or tracking number", async () => {
    await openPreview();
    await page.getByRole("button", { name: "Search and filter results" }).click();
    const search = page.getByPlaceholder("Search by order or tracking number");

    await search.fill("#1007");
    let rows = await rowsAfterNavigation(1);
    expect(rows[0]!.order).toBe("#1007");
    expect(new URL(page.url()).searchParams.get("q")).toBe("#1007");

    // without the "#", as people type it: both shipments of order #1001
    await search.fill("1001");
    rows = await rowsAfterNavigation(2);
    expect(rows.map((r) => r.order)).toEqual(["#1001", "#1001"]);

    const wanted = seeded[12]!;
    await search.fill(wanted.trackingNumber.toLowerCase());
    rows = await rowsAfterNavigation(1);
    expect(rows[0]!.trackingNumber).toBe(wanted.trackingNumber);

    // the other store's parcel is not found, even by its exact number
    await search.fill(otherShops.trackingNumber);
    await rowsAfterNavigation(0);
    await expect(page.getByText("No shipments found").isVisible()).resolves.toBe(true);
    expect(await page.locator("table").count()).toBe(0);
  });

  it("pages through the list", async () => {
    await openPreview();
    await page.getByRole("button", { name: "Next" }).click();
    const rows = await rowsAfterNavigation(SCENARIOS.length - 25);
    expect(new URL(page.url()).searchParams.get("page")).toBe("2");
    await expect(page.getByText(`26–${SCENARIOS.length} of ${SCENARIOS.length}`).isVisible()).resolves.toBe(true);
    const all = await app.container.repositories.admin.listShipments(PREVIEW_SHOP, { pageSize: 100 });
    expect(rows.map((r) => r.trackingNumber)).toEqual(all.shipments.slice(25).map((s) => s.trackingNumber));

    await page.getByRole("button", { name: "Previous" }).click();
    await rowsAfterNavigation(25);
    expect(new URL(page.url()).searchParams.has("page")).toBe(false);
  });

  it("opens a shipment from its row: the timeline is newest first, Shipwatch's reading beside the carrier's words", async () => {
    const delivered = seeded[0]!;
    await openPreview("/app/shipments?status=delivered");
    await page.locator("table tbody tr", { hasText: delivered.trackingNumber }).locator("td").nth(2).click();
    await page.waitForURL(/\/app\/shipments\/\d+/);
    await waitForIdle(page);
    await page.getByRole("heading", { name: delivered.orderName, level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get("status")).toBe("delivered");

    const stored = (await app.container.repositories.admin.listShipments(PREVIEW_SHOP, { search: delivered.trackingNumber })).shipments[0]!;
    const trackingLink = page.getByRole("link", { name: new RegExp(`Track ${delivered.trackingNumber}`) });
    expect(await trackingLink.getAttribute("href")).toBe(stored.trackingUrl);
    expect(await trackingLink.getAttribute("target")).toBe("_blank");
    await expect(page.getByText("Delivery attempts").isVisible()).resolves.toBe(true);

    const timeline = page.getByRole("list", { name: "Timeline, newest first" });
    const items = await timeline.locator(":scope > li").evaluateAll((lis) =>
      lis.map((li) => ({ text: li.textContent ?? "", at: li.querySelector("time")?.getAttribute("datetime") ?? "" })),
    );
    const events = SCENARIO_EVENTS.delivered;
    expect(items).toHaveLength(events.length);
    expect(items.map((i) => Date.parse(i.at))).toEqual([...delivered.eventTimes].sort((a, b) => b - a));
    // newest first: the delivery scan on top, the pickup at the bottom; each row has the raw code and message
    [...events].reverse().forEach((event, k) => {
      expect(items[k]!.text).toContain(event.status);
      expect(items[k]!.text).toContain(event.message);
      expect(items[k]!.text).toContain(event.city);
    });
    expect(items[0]!.text).toContain(STATUS_LABELS.delivered);
    expect(items.at(-1)!.text).toContain(STATUS_LABELS.picked_up);

    // the order's other shipment is one click away
    const sibling = seeded[1]!;
    await expect(page.getByRole("link", { name: sibling.trackingNumber }).isVisible()).resolves.toBe(true);
    await expect(page.title()).resolves.toBe(`${delivered.orderName} · Shipment · Shipwatch`);
    // the destination in words, the country by its name
    const destination = page.getByRole("heading", { name: "Destination", level: 2 }).locator("xpath=..");
    await expect(destination.innerText()).resolves.toContain("Brooklyn, New York, United States");
    expect(await page.locator("body").innerText()).not.toMatch(/\bUS-NY\b/);
    // Shipwatch's words lead each event; the carrier's code is the small print under its message
    expect(items[0]!.text).toContain("Carrier code delivered");
    await screenshot(page, "shipment-detail");

    // back keeps the list's filters
    await page.getByRole("link", { name: "Shipments" }).and(page.locator(".Polaris-Page a")).click();
    const rows = await rowsAfterNavigation(count("delivered"));
    expect(rows.every((r) => r.status.includes(STATUS_LABELS.delivered))).toBe(true);
  });

  it("shows the normalized reason beside the raw carrier status of a problem", async () => {
    const problem = seeded.find((s) => s.scenario === "address_issue")!;
    const stored = (await app.container.repositories.admin.listShipments(PREVIEW_SHOP, { search: problem.trackingNumber })).shipments[0]!;
    await openPreview(`/app/shipments/${stored.id}`);
    const latest = page.getByRole("list", { name: "Timeline, newest first" }).locator(":scope > li").first();
    const text = await latest.textContent();
    expect(text).toContain(STATUS_LABELS.exception);
    expect(text).toContain(REASON_LABELS.address_issue);
    expect(text).toContain("failure");
    expect(text).toContain("Incorrect address - unable to deliver");
  });

  it("lists a handed-off parcel's carriers in order, the next one with its own tracking page", async () => {
    // a UPS parcel on its way, as a Mail Innovations one handed to USPS for the last mile
    const parcel = seeded.find((s) => s.carrier === "UPS" && s.scenario !== "delivered") ?? seeded.find((s) => s.carrier === "UPS")!;
    const stored = (await app.container.repositories.admin.listShipments(PREVIEW_SHOP, { search: parcel.trackingNumber })).shipments[0]!;
    // what a feed's hand-off (AfterShip's next_couriers, EasyPost's alternate_identifier) stores; hand-offs.test.ts drives that end to end
    await createShipmentLegRepository(app.container.database).add(PREVIEW_SHOP, {
      shipmentId: stored.id,
      carrierCode: "usps",
      carrierName: "USPS",
      trackingNumber: "9400111899223344556677",
      source: "aftership",
      addedAt: Date.now() - 3_600_000,
    });
    await openPreview(`/app/shipments/${stored.id}`);
    const carriers = page.getByRole("heading", { name: "Carriers", level: 2 }).locator("xpath=..");
    await expect(carriers.innerText()).resolves.toContain("This parcel was handed from one carrier to the next");
    const legs = await carriers.locator("ol > li").allInnerTexts();
    expect(legs).toHaveLength(2);
    expect(legs[0]).toContain(`tracking ${stored.trackingNumber}`);
    expect(legs[1]).toMatch(/Handed to USPS, tracking 9400111899223344556677/);
    expect(legs[1]).toContain("reported by AfterShip");
    const usps = page.getByRole("link", { name: /Track 9400111899223344556677 on USPS/ });
    expect(await usps.getAttribute("href")).toMatch(/^https:\/\/tools\.usps\.com\/.*9400111899223344556677/);
    expect(await usps.getAttribute("target")).toBe("_blank");
    await screenshot(page, "shipment-handed-off");
  });

  it("answers another store's shipment id, and an unknown one, with Shipment not found", async () => {
    const theirs = (await app.container.repositories.admin.listShipments(SHOP_B, {})).shipments[0]!;
    for (const id of [String(theirs.id), "999999", "not-a-number"]) {
      const response = await page.goto(`${app.url}/local-preview?path=${encodeURIComponent(`/app/shipments/${id}`)}`);
      expect(response?.status()).toBe(404);
      await waitForHydration(page);
      await page.getByRole("heading", { name: "Shipment not found" }).waitFor();
      expect(await page.content()).not.toContain(otherShops.trackingNumber);
      // the 404 was the point of this request
      browserErrors.expect(/status of 404/);
    }
    await screenshot(page, "shipment-not-found");
  });

  it("re-authenticates a page whose session token expired through Shopify's bounce page", async () => {
    const expired = mintSessionToken({ shop: PREVIEW_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: Date.now() - 10 * 60_000 }).token;
    const params = new URLSearchParams({ embedded: "1", shop: PREVIEW_SHOP, host: HOST, id_token: expired, status: "delivered" });

    // the bounce page loads the local stand-in, not App Bridge from Shopify's CDN (unreachable here)
    const redirect = await fetch(`${app.url}/app/shipments?${params}`, { redirect: "manual", headers: BROWSER });
    const bounce = await (await fetch(new URL(redirect.headers.get("location")!, app.url), { headers: BROWSER })).text();
    expect(bounce).toContain('src="/local-preview/app-bridge.js"');
    expect(bounce).not.toContain("cdn.shopify.com");

    await page.goto(`${app.url}/app/shipments?${params}`);
    await page.waitForURL((url) => url.pathname === "/app/shipments" && url.searchParams.get("id_token") !== expired);
    await waitForHydration(page);
    await rowsAfterNavigation(count("delivered"));
    expect(new URL(page.url()).searchParams.get("status")).toBe("delivered");
  });
});

describe("Shipwatch admin for a store with no shipments yet", { timeout: 60_000 }, () => {
  let emptyApp: TestApp;
  let emptyBrowser: Browser;
  let emptyContext: BrowserContext;

  beforeAll(async () => {
    emptyApp = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock: runningClock() });
    emptyBrowser = await launchChromium();
    emptyContext = await newAdminContext(emptyBrowser);
  });

  afterAll(async () => {
    await emptyContext?.close();
    await emptyBrowser?.close();
    await emptyApp?.close();
  });

  it("says what will appear here instead of showing an empty table", async () => {
    const emptyPage = await emptyContext.newPage();
    const errors = watchBrowserErrors(emptyPage);
    await emptyPage.goto(`${emptyApp.url}/local-preview?path=${encodeURIComponent("/app/shipments")}`);
    await waitForHydration(emptyPage);
    await emptyPage.getByRole("heading", { name: "No shipments yet" }).waitFor();
    expect(await emptyPage.locator("table").count()).toBe(0);
    expect(await emptyPage.locator("img").count()).toBe(0);
    await screenshot(emptyPage, "shipments-empty");
    expect(errors.take()).toEqual([]);
  });
});

describe("A webhook message in the Outbox, read in words", { timeout: 60_000 }, () => {
  let hookApp: TestApp;
  let receiver: http.Server;
  let hookAdmin: Awaited<ReturnType<typeof openAdminBrowser>>;

  beforeAll(async () => {
    // a helpdesk on loopback that takes every delivery
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end("ok"));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hookClock = runningClock();
    hookApp = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock: hookClock, env: { SWEEP_INTERVAL_SECONDS: "3600" } });
    const { notifications } = hookApp.container.services;
    expect(await notifications.savePolicy(PREVIEW_SHOP, { quietHours: { enabled: false }, combineWindowMinutes: 0, dailyCap: 10 })).toMatchObject({ ok: true });
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect(await notifications.saveChannel(PREVIEW_SHOP, "webhook", { enabled: true, settings: { url }, secret: { signingSecret: "whsec-test-signing-secret-0123456789" } })).toEqual({
      ok: true,
    });
    const [shipment] = planShipments(["delivered"], { now: Date.now(), carriers: ["UPS"] });
    await deliverShipment(hookApp, hookClock, PREVIEW_SHOP, shipment!, 9_300_000);
    hookClock.resume();
    await hookApp.settle();
    hookAdmin = await openAdminBrowser();
  }, 120_000);

  afterAll(async () => {
    await hookAdmin?.close();
    await hookApp?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("shows the payload's fields with statuses and times in words, and the JSON itself only under Raw payload", async () => {
    const { rows } = await hookApp.container.services.notifications.outbox(PREVIEW_SHOP, { channel: "webhook" }, { limit: 50, offset: 0 });
    const sent = rows.find((r) => r.status === "sent");
    expect(sent, `webhook messages: ${JSON.stringify(rows.map((r) => [r.moment, r.status]))}`).toBeTruthy();
    const hookPage = hookAdmin.page;
    await hookPage.goto(`${hookApp.url}/local-preview?path=${encodeURIComponent(`/app/notifications/outbox/${sent!.id}`)}`);
    await waitForHydration(hookPage);
    await expect(hookPage.title()).resolves.toMatch(/ · Outbox · Shipwatch$/);

    const fields = Object.fromEntries(
      await hookPage.locator("dl").first().evaluate((dl) => {
        const terms = Array.from(dl.querySelectorAll(":scope > dt"));
        return terms.map((dt) => [(dt.textContent ?? "").trim(), (dt.nextElementSibling?.textContent ?? "").trim()]);
      }),
    ) as Record<string, string>;
    const raw = hookPage.locator("details", { hasText: "Raw payload" });
    // the JSON that went out is in the page (folded): the readable fields must say the same
    const json = JSON.parse((await raw.locator("pre").textContent())!) as { order_name: string; status: ShipmentStatus };
    expect(json.order_name).toBe("#1001");
    expect(fields).toMatchObject({ Order: "#1001", Carrier: "UPS", Status: STATUS_LABELS[json.status] });
    expect(Object.keys(fields)).not.toContain("order_name");
    // no epoch milliseconds and no snake_case codes where a person reads
    const shown = await hookPage.locator(".Polaris-Page").innerText();
    expect(shown).not.toMatch(/\b1\d{12}\b/);
    expect(await raw.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    await screenshot(hookPage, "outbox-message");

    await raw.locator("summary").click();
    await expect(raw.locator("pre").isVisible()).resolves.toBe(true);
    expect(JSON.parse((await raw.locator("pre").textContent())!)).toMatchObject({ order_name: "#1001", status: "delivered" });
    expect(hookAdmin.errors.take()).toEqual([]);
  });
});
