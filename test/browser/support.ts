import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from "playwright-core";
import type { ShipmentStatus } from "~/domain/status";
import type { TestApp } from "../support/test-app";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const SCREENSHOT_DIR = path.resolve("test-results/screenshots");
export const VIEWPORT = { width: 1280, height: 900 };

/**
 * The clock the test app runs on: real time (session tokens are checked against the real clock), moved back
 * while seeding so that each shipment is created and scanned at its own moment in the past.
 */
export function runningClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    set: (t: number | string | Date) => {
      offset = new Date(t).getTime() - Date.now();
    },
    advance: (ms: number) => {
      offset += ms;
    },
    /** back to real time */
    resume: () => {
      offset = 0;
    },
  };
}

/** Browser tests never skip: a missing browser is a failed test with the fix in its message. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install it (apt-get install chromium) to run the browser tests.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export async function newAdminContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: VIEWPORT,
    locale: "en-US",
    // not UTC, so that the switch from the server's UTC to the viewer's zone after hydration is exercised
    timezoneId: "America/New_York",
    // authenticate.admin answers self-declared bots ("HeadlessChrome") with 410 Gone, as it should: present the
    // headless browser as the desktop Chrome it is.
    userAgent: `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Safari/537.36`,
  });
  // run under tsx (the benches), esbuild keeps function names by wrapping them in `__name(...)`, a helper that
  // exists in Node but not in the page the functions are handed to (page.waitForFunction): give the page one
  await context.addInitScript({ content: "globalThis.__name ??= (fn) => fn;" });
  return context;
}

/**
 * Collects what the page reports as errors. A test ends with `expectNoBrowserErrors`; what a test expects
 * (a 404 it asked for) it removes by name, so nothing unexpected is ever filtered away wholesale.
 */
export function watchBrowserErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() !== "error") return;
    const source = message.location().url;
    // Polaris's stylesheet asks Shopify's CDN for fonts, and the test network is closed: those loads fail by design.
    if (source.startsWith("https://cdn.shopify.com/")) return;
    errors.push(`console.error: ${message.text()}${source ? ` (${source})` : ""}`);
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  return {
    /** removes the errors a test caused on purpose */
    expect(pattern: RegExp) {
      for (let i = errors.length - 1; i >= 0; i--) if (pattern.test(errors[i]!)) errors.splice(i, 1);
    },
    take(): string[] {
      return errors.splice(0, errors.length);
    },
  };
}

/** The admin pages' browser: Chromium, an admin-shaped context, one page, and its errors collected. */
export async function openAdminBrowser() {
  const browser = await launchChromium();
  const context = await newAdminContext(browser);
  const page = await context.newPage();
  return {
    page,
    errors: watchBrowserErrors(page),
    async close() {
      await context.close();
      await browser.close();
    },
  };
}

/**
 * Until React has hydrated, clicks land on inert HTML, and a click or a navigation while React is still
 * hydrating (it hydrates in slices, yielding between them, which a loaded machine makes long) makes it throw the
 * server's HTML away (minified errors #418 / #425). Wait for React's handle on every element of the page, not only
 * its root.
 */
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => {
    const root = document.querySelector(".Polaris-Page");
    const hydrated = (el: Element) => Object.keys(el).some((key) => key.startsWith("__reactFiber"));
    // markup React sets as HTML (a message preview) is not React's own: it never gets a handle
    const asHtml = (el: Element) => {
      for (let up = el.parentElement; up && up !== root; up = up.parentElement) {
        const props = Object.entries(up).find(([key]) => key.startsWith("__reactProps"))?.[1] as { dangerouslySetInnerHTML?: unknown } | undefined;
        if (props?.dangerouslySetInnerHTML) return true;
      }
      return false;
    };
    return !!root && hydrated(root) && Array.from(root.querySelectorAll("*")).every((el) => hydrated(el) || asHtml(el));
  });
  // what the first effects render (Home's setup guide, read from the browser's storage) lands a frame or two
  // later and moves what is below it: let it land before a test clicks by position
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 100)))));
}

/** Waits for Remix to finish the navigation a click started (loaders included). */
export async function waitForIdle(page: Page) {
  await page.waitForFunction(() => {
    const router = (window as unknown as { __remixRouter?: { state: { navigation: { state: string } } } }).__remixRouter;
    return !!router && router.state.navigation.state === "idle";
  });
}

export interface ShipmentRow {
  order: string;
  trackingNumber: string;
  carrier: string;
  status: string;
  lastEvent: string;
  age: string;
}

export async function tableRows(page: Page): Promise<ShipmentRow[]> {
  return page.$$eval("table tbody tr", (rows) =>
    rows
      .map((row) => Array.from(row.querySelectorAll("td")).map((td) => (td.textContent ?? "").trim()))
      .filter((cells) => cells.length >= 6)
      .map(([order, trackingNumber, carrier, status, lastEvent, age]) => ({
        order: order!,
        trackingNumber: trackingNumber!,
        carrier: carrier!,
        status: status!,
        lastEvent: lastEvent!,
        age: age!,
      })),
  );
}

/** Polls until `check` stops throwing: the page updates after navigations the test cannot await directly. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * A full-page screenshot, 1280 wide. Chromium captures beyond the viewport without moving sticky elements (the
 * table's pagination bar would float over a row mid-page), so the viewport grows to the page for the capture.
 */
export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: VIEWPORT.width, height: Math.max(height, VIEWPORT.height) });
  try {
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  } finally {
    await page.setViewportSize(VIEWPORT);
  }
}

// ---------------------------------------------------------------------------------------------
// Seed data: real webhook payload shapes, signed and delivered through /webhooks
// ---------------------------------------------------------------------------------------------

export type Scenario =
  | "label_created"
  | "in_transit"
  | "out_for_delivery"
  | "delivered"
  | "weather_delay"
  | "failed_attempt"
  | "address_issue"
  | "ready_for_pickup"
  | "returned";

/** What each scenario should read as once Shipwatch has normalized it. */
export const SCENARIO_STATUS: Record<Scenario, ShipmentStatus> = {
  label_created: "label_created",
  in_transit: "in_transit",
  out_for_delivery: "out_for_delivery",
  delivered: "delivered",
  weather_delay: "delayed",
  failed_attempt: "attempted_delivery",
  address_issue: "exception",
  ready_for_pickup: "available_for_pickup",
  returned: "returned_to_sender",
};

interface CarrierEvent {
  status: string;
  message: string;
  city: string;
  province: string;
}

const PICKED_UP: CarrierEvent = { status: "carrier_picked_up", message: "Shipment picked up", city: "Secaucus", province: "NJ" };
const DEPARTED: CarrierEvent = { status: "in_transit", message: "Departed from Facility", city: "Newark", province: "NJ" };
const ARRIVED: CarrierEvent = { status: "in_transit", message: "Arrived at Facility", city: "Brooklyn", province: "NY" };
const OUT: CarrierEvent = { status: "out_for_delivery", message: "Out for delivery", city: "Brooklyn", province: "NY" };

/** Carrier events as Shopify's fulfillment_events/create delivers them, oldest first. */
export const SCENARIO_EVENTS: Record<Scenario, CarrierEvent[]> = {
  label_created: [],
  in_transit: [PICKED_UP, DEPARTED],
  out_for_delivery: [PICKED_UP, DEPARTED, ARRIVED, OUT],
  delivered: [PICKED_UP, DEPARTED, OUT, { status: "delivered", message: "Delivered, front door", city: "Brooklyn", province: "NY" }],
  weather_delay: [PICKED_UP, { status: "in_transit", message: "Severe weather conditions have delayed delivery", city: "Harrisburg", province: "PA" }],
  failed_attempt: [PICKED_UP, DEPARTED, OUT, { status: "attempted_delivery", message: "Delivery attempted - no one available to sign", city: "Brooklyn", province: "NY" }],
  address_issue: [PICKED_UP, DEPARTED, { status: "failure", message: "Incorrect address - unable to deliver", city: "Queens", province: "NY" }],
  ready_for_pickup: [PICKED_UP, DEPARTED, { status: "ready_for_pickup", message: "Ready for pickup at Access Point", city: "Brooklyn", province: "NY" }],
  returned: [PICKED_UP, DEPARTED, { status: "failure", message: "Returned to sender - delivered to shipper", city: "Secaucus", province: "NJ" }],
};

export type CarrierName = "UPS" | "USPS" | "FedEx" | "DHL Express";

/** The carrier each Shopify tracking_company becomes in Shipwatch. */
export const CARRIER_LABELS: Record<CarrierName, string> = { UPS: "UPS", USPS: "USPS", FedEx: "FedEx", "DHL Express": "DHL" };

/** A UPS 1Z number with its check digit (UPS's mod-10 over the 15 characters after "1Z"; letters count as (code - 63) mod 10). */
export function upsNumber(serial15: string): string {
  let sum = 0;
  [...serial15].forEach((c, i) => {
    const value = /\d/.test(c) ? Number(c) : (c.charCodeAt(0) - 63) % 10;
    sum += i % 2 === 1 ? value * 2 : value;
  });
  return `1Z${serial15}${(10 - (sum % 10)) % 10}`;
}

export function trackingNumberFor(carrier: CarrierName, n: number): string {
  const seq = String(n).padStart(7, "0");
  switch (carrier) {
    case "UPS":
      return upsNumber(`999AA10${seq}`.slice(0, 15).padEnd(15, "0"));
    case "USPS":
      return `940011189922310${seq}`;
    case "FedEx":
      return `77120${seq}`;
    case "DHL Express":
      return `420${seq}`;
  }
}

export interface SeedShipment {
  orderNumber: number;
  orderName: string;
  orderId: number;
  fulfillmentId: number;
  fulfillmentName: string;
  carrier: CarrierName;
  trackingNumber: string;
  scenario: Scenario;
  /** when the fulfillment was created */
  createdAt: number;
  /** when each carrier event happened, oldest first */
  eventTimes: number[];
}

const HOUR = 3_600_000;

/**
 * `scenarios.length` shipments: order #1001 has two (so a shipment has a sibling), every other order one.
 * Ages spread over three weeks; events spread over each shipment's life.
 */
export function planShipments(scenarios: readonly Scenario[], options: { now: number; carriers: readonly CarrierName[]; firstOrder?: number; idBase?: number }): SeedShipment[] {
  const firstOrder = options.firstOrder ?? 1001;
  const idBase = options.idBase ?? 5_000_000;
  return scenarios.map((scenario, i) => {
    const orderNumber = i === 0 ? firstOrder : firstOrder + i - 1;
    const fulfillmentIndex = i === 1 ? 2 : 1;
    const carrier = options.carriers[i % options.carriers.length]!;
    const ageHours = 6 + ((i * 37) % 500);
    const createdAt = options.now - ageHours * HOUR;
    const events = SCENARIO_EVENTS[scenario];
    const step = Math.min((ageHours * HOUR) / (events.length + 1), 20 * HOUR);
    return {
      orderNumber,
      orderName: `#${orderNumber}`,
      orderId: idBase + orderNumber,
      fulfillmentId: idBase + 100_000 + i,
      fulfillmentName: `#${orderNumber}.${fulfillmentIndex}`,
      carrier,
      trackingNumber: trackingNumberFor(carrier, idBase / 1000 + i),
      scenario,
      createdAt,
      eventTimes: events.map((_, k) => createdAt + Math.round((k + 1) * step)),
    };
  });
}

/** Delivers a shipment's webhooks the way Shopify would, each at its own time on the app's clock. */
export async function deliverShipment(app: TestApp, clock: ReturnType<typeof runningClock>, shop: string, s: SeedShipment, eventIdBase: number) {
  const iso = (ms: number) => new Date(ms).toISOString();
  clock.set(s.createdAt);
  const sent: Response[] = [];
  if (s.fulfillmentName.endsWith(".1")) {
    sent.push(
      await app.sendWebhook(
        "orders/create",
        {
          id: s.orderId,
          name: s.orderName,
          email: `customer${s.orderNumber}@example.com`,
          created_at: iso(s.createdAt - HOUR),
          updated_at: iso(s.createdAt - HOUR),
          currency: "USD",
          total_price: "64.00",
          customer: { id: s.orderId + 1, email: `customer${s.orderNumber}@example.com`, first_name: "Ada", last_name: `Buyer${s.orderNumber}`, tags: "" },
          shipping_address: { first_name: "Ada", last_name: `Buyer${s.orderNumber}`, address1: "1 Main St", city: "Brooklyn", province: "New York", province_code: "NY", zip: "11201", country: "United States", country_code: "US" },
          shipping_lines: [{ code: "standard", title: "Standard" }],
        },
        { shop },
      ),
    );
  }
  sent.push(
    await app.sendWebhook(
      "fulfillments/create",
      {
        id: s.fulfillmentId,
        order_id: s.orderId,
        status: "success",
        created_at: iso(s.createdAt),
        updated_at: iso(s.createdAt),
        name: s.fulfillmentName,
        service: "manual",
        tracking_company: s.carrier,
        tracking_number: s.trackingNumber,
        tracking_numbers: [s.trackingNumber],
        tracking_urls: [],
        shipment_status: null,
        destination: { city: "Brooklyn", province: "New York", province_code: "NY", country: "United States", country_code: "US" },
      },
      { shop },
    ),
  );
  await app.settle();
  const events = SCENARIO_EVENTS[s.scenario];
  for (const [k, event] of events.entries()) {
    clock.set(s.eventTimes[k]!);
    sent.push(
      await app.sendWebhook(
        "fulfillment_events/create",
        {
          id: eventIdBase + k,
          fulfillment_id: s.fulfillmentId,
          order_id: s.orderId,
          status: event.status,
          message: event.message,
          happened_at: iso(s.eventTimes[k]!),
          created_at: iso(s.eventTimes[k]!),
          city: event.city,
          province: event.province,
          country: "United States",
        },
        { shop },
      ),
    );
    await app.settle();
  }
  const refused = sent.filter((r) => r.status !== 200);
  if (refused.length) throw new Error(`seeding ${s.orderName}: webhooks refused with ${refused.map((r) => r.status).join(", ")}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers for the exception queue, rules, status mapping and settings pages
// ---------------------------------------------------------------------------------------------

/** One more carrier event for a seeded shipment, as fulfillment_events/create delivers it. */
export async function sendCarrierEvent(
  app: TestApp,
  clock: ReturnType<typeof runningClock>,
  shop: string,
  s: SeedShipment,
  event: { id: number; status: string; message: string; at: number; city?: string; province?: string },
) {
  clock.set(event.at);
  const response = await app.sendWebhook(
    "fulfillment_events/create",
    {
      id: event.id,
      fulfillment_id: s.fulfillmentId,
      order_id: s.orderId,
      status: event.status,
      message: event.message,
      happened_at: new Date(event.at).toISOString(),
      created_at: new Date(event.at).toISOString(),
      city: event.city ?? "Brooklyn",
      province: event.province ?? "NY",
      country: "United States",
    },
    { shop },
  );
  await app.settle();
  if (response.status !== 200) throw new Error(`event ${event.status} for ${s.orderName} refused with ${response.status}`);
}

/** The cells of each body row of the page's index table, as a sighted person reads them (no screen-reader-only text). */
export async function tableCells(page: Page): Promise<string[][]> {
  return page.$$eval("table tbody tr", (rows) =>
    rows.map((row) =>
      Array.from(row.querySelectorAll("td")).map((td) => {
        const copy = td.cloneNode(true) as HTMLElement;
        copy.querySelectorAll(".Polaris-Text--visuallyHidden").forEach((hidden) => hidden.remove());
        return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
      }),
    ),
  );
}

/** Opens an admin page through the local preview (a fresh session token, Shopify's parameters) and waits for React. */
export async function openAdminPage(page: Page, appUrl: string, path: string) {
  const response = await page.goto(`${appUrl}/local-preview?path=${encodeURIComponent(path)}`);
  await waitForHydration(page);
  return response;
}
