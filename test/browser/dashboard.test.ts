import fs from "node:fs";
import type { AddressInfo } from "node:net";
import http from "node:http";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { carrierLabel } from "~/components/dashboard/figures";
import { addDays, dayIn, presetRange, rangeLength, type DayRange } from "~/components/dashboard/range";
import { localDayBounds } from "~/domain/business-time";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { SHOP_B, startTestApp, type TestApp } from "../support/test-app";
import {
  CARRIER_LABELS,
  deliverShipment,
  eventually,
  openAdminBrowser,
  openAdminPage,
  runningClock,
  SCENARIO_EVENTS,
  screenshot,
  sendCarrierEvent,
  trackingNumberFor,
  waitForIdle,
  type CarrierName,
  type Scenario,
  type SeedShipment,
} from "./support";
import { parseCsvLine } from "../support/csv";

/**
 * Home, the dashboard, in Chromium over the local preview: a real server on SQLite, shipments arriving as signed
 * webhooks while the app's clock runs through the past, shoppers looking their parcels up through the signed app
 * proxy. The figures on the page are checked against counts taken from the seed itself (shipments by their
 * fulfillment day in the shop's zone, lookups, cases), and against the scorecard service where the figure is the
 * service's own arithmetic (medians, on-time rates).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function assertBuilt() {
  if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
}

/** A shipment fulfilled at `createdAt`, its carrier events spread over the following hours (at most 18 h apart). */
function seedAt(n: number, scenario: Scenario, carrier: CarrierName, createdAt: number, now: number, idBase = 6_000_000): SeedShipment {
  const orderNumber = 2001 + n;
  const events = SCENARIO_EVENTS[scenario];
  const step = Math.min((now - createdAt) / (events.length + 1), 18 * HOUR);
  return {
    orderNumber,
    orderName: `#${orderNumber}`,
    orderId: idBase + orderNumber,
    fulfillmentId: idBase + 100_000 + n,
    fulfillmentName: `#${orderNumber}.1`,
    carrier,
    trackingNumber: trackingNumberFor(carrier, idBase / 1000 + n),
    scenario,
    createdAt,
    eventTimes: events.map((_, k) => createdAt + Math.round((k + 1) * step)),
  };
}

/** The number a key figure shows. */
async function figure(page: Page, id: string): Promise<string> {
  return (await page.locator(`[data-figure="${id}"] [data-value]`).innerText()).trim();
}
async function figureChange(page: Page, id: string): Promise<string> {
  return (await page.locator(`[data-figure="${id}"] [data-change]`).innerText()).trim();
}

/** Waits until polaris-viz has drawn every chart on the page (they load after hydration, in a chunk of their own). */
async function chartsDrawn(page: Page) {
  await eventually(async () => {
    const charts = await page.locator("[data-chart]").count();
    expect(charts).toBeGreaterThan(0);
    expect(await page.locator("[data-chart] svg").count()).toBeGreaterThanOrEqual(charts);
  }, 20_000);
}

const inRange = (day: string, range: DayRange) => day >= range.from && day <= range.to;


describe("Home for a store with no shipments yet", { timeout: 60_000 }, () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof openAdminBrowser>>;

  beforeAll(async () => {
    assertBuilt();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock: runningClock() });
    admin = await openAdminBrowser();
  });
  afterAll(async () => {
    await admin?.close();
    await app?.close();
  });

  it("says what will appear, links to the setup, and draws no empty charts", async () => {
    const { page, errors } = admin;
    await openAdminPage(page, app.url, "/app");
    await page.getByRole("heading", { name: "No shipments yet" }).waitFor();
    await expect(page.getByText("on-time rate and transit times by carrier").isVisible()).resolves.toBe(true);
    expect(await page.locator("[data-chart]").count()).toBe(0);
    expect(await page.locator("[data-figure]").count()).toBe(0);
    // nothing needs attention in a new store: no strip at all
    expect(await page.getByRole("navigation", { name: "Needs attention" }).count()).toBe(0);
    await page.getByRole("heading", { name: "Set up Shipwatch" }).waitFor();
    expect(new URL((await page.getByRole("link", { name: "review your settings" }).getAttribute("href"))!, app.url).pathname).toBe("/app/settings");
    await expect(page.title()).resolves.toBe("Home · Shipwatch");
    await screenshot(page, "dashboard-empty");
    expect(errors.take()).toEqual([]);
  });
});

describe("Home after one day of shipments", { timeout: 60_000 }, () => {
  let app: TestApp;
  let clock: ReturnType<typeof runningClock>;
  let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
  let seeded: SeedShipment[];
  let zone: string;

  beforeAll(async () => {
    assertBuilt();
    clock = runningClock();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock });
    zone = await app.container.services.profile.timezone(PREVIEW_SHOP);
    const now = Date.now();
    // all of today in the shop's zone, even a minute after its midnight
    const { start } = localDayBounds(now, zone);
    const at = (minutesAgo: number) => Math.max(start + 1000, now - minutesAgo * 60_000);
    seeded = [
      seedAt(0, "delivered", "UPS", at(50), now),
      seedAt(1, "in_transit", "USPS", at(40), now),
      seedAt(2, "address_issue", "UPS", at(30), now),
    ];
    for (const [i, s] of seeded.entries()) await deliverShipment(app, clock, PREVIEW_SHOP, s, 9_100_000 + i * 10);
    clock.resume();
    await app.settle();
    admin = await openAdminBrowser();
  }, 120_000);
  afterEach(() => {
    expect(admin?.errors.take() ?? []).toEqual([]);
  });
  afterAll(async () => {
    await admin?.close();
    await app?.close();
  });

  it("shows the day's shipments in the figures and a chart with one bar", async () => {
    const { page } = admin;
    const today = dayIn(Date.now(), zone);
    const range = presetRange("last30", today);
    const expected = await app.container.services.scorecard.dashboard(PREVIEW_SHOP, range);
    expect(expected.scorecard.shipments.total).toBe(seeded.length);

    await openAdminPage(page, app.url, "/app");
    await page.getByRole("heading", { name: "Shipments by status" }).waitFor();
    expect(await figure(page, "shipments")).toBe("3");
    expect(await figureChange(page, "shipments")).toBe("Up from none in the previous 30 days");
    const summary = await page.getByRole("region", { name: "Shipments by status" }).locator("[data-summary]").innerText();
    expect(summary).toBe(`3 parcels shipped in the last 30 days: ${expected.scorecard.shipments.delivered} delivered, ${expected.scorecard.shipments.inFlight} still on the way.`);
    // the carrier table: UPS shipped two, USPS one
    const carrierRows = await page.getByRole("region", { name: "On time and transit" }).locator("table tbody tr").allInnerTexts();
    expect(carrierRows.map((r) => r.split("\t").slice(0, 2).map((c) => c.trim()))).toEqual(
      expected.scorecard.carriers.map((c) => [carrierLabel(c.carrier), String(c.shipments)]),
    );
    expect(expected.scorecard.carriers.find((c) => c.carrier === "ups")?.shipments).toBe(2);

    await chartsDrawn(page);
    // one day out of thirty has shipments: the status chart's data has exactly one day with bars
    const days = expected.days.filter((d) => Object.values(d.byStatus).some((n) => n > 0));
    expect(days.map((d) => d.day)).toEqual([today]);
    await screenshot(page, "dashboard-one-day");
  });
});

describe("Home over a month of shipments", { timeout: 90_000 }, () => {
  let app: TestApp;
  let clock: ReturnType<typeof runningClock>;
  let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
  let page: Page;
  let seeded: SeedShipment[];
  let theirs: SeedShipment;
  let zone: string;
  let today: string;
  let receiver: http.Server;
  let smtp: SmtpCapture;
  /** when each lookup happened */
  const lookups: number[] = [];

  const fulfilledIn = (range: DayRange) => seeded.filter((s) => inRange(dayIn(s.createdAt, zone), range));

  beforeAll(async () => {
    assertBuilt();
    // a helpdesk that refuses every delivery: its messages fail and wait in the Outbox, and the channel is failing
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(503, { "content-type": "text/plain" }).end("down"));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    // and email through a relay that takes everything: those updates reach customers
    smtp = await startSmtpCapture();
    clock = runningClock();
    app = await startTestApp({
      remix: true,
      localPreview: true,
      shops: [PREVIEW_SHOP, SHOP_B],
      clock,
      env: { SWEEP_INTERVAL_SECONDS: "3600", CHANNEL_ALERT_HOURS: "1", SMTP_URL: smtp.url, EMAIL_FROM: "Shop <shop@example.test>" },
    });
    const { notifications } = app.container.services;
    expect(await notifications.savePolicy(PREVIEW_SHOP, { quietHours: { enabled: false }, combineWindowMinutes: 0, dailyCap: 10 })).toMatchObject({ ok: true });
    expect(
      await notifications.saveChannel(PREVIEW_SHOP, "webhook", {
        enabled: true,
        settings: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook` },
        secret: { signingSecret: "whsec-test-signing-secret-0123456789" },
      }),
    ).toEqual({ ok: true });
    expect(await notifications.saveChannel(PREVIEW_SHOP, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
    zone = await app.container.services.profile.timezone(PREVIEW_SHOP);

    const now = Date.now();
    // 36 shipments over the last four weeks, 8 in the four weeks before: deliveries mostly, a few problems
    const cycle: Scenario[] = ["delivered", "delivered", "in_transit", "delivered", "address_issue", "delivered", "weather_delay", "out_for_delivery", "delivered", "failed_attempt", "delivered", "label_created"];
    const carriers: CarrierName[] = ["UPS", "USPS", "FedEx"];
    seeded = [];
    for (let i = 0; i < 36; i++) seeded.push(seedAt(i, cycle[i % cycle.length]!, carriers[i % carriers.length]!, now - (3 * HOUR + i * 18.5 * HOUR), now));
    for (let j = 0; j < 8; j++) seeded.push(seedAt(36 + j, j % 2 ? "in_transit" : "delivered", carriers[j % carriers.length]!, now - (31 * DAY + j * 3 * DAY), now));
    // oldest first, as the pipeline would have seen them
    const byAge = [...seeded].sort((a, b) => a.createdAt - b.createdAt);
    for (const [i, s] of byAge.entries()) await deliverShipment(app, clock, PREVIEW_SHOP, s, 9_200_000 + i * 10);

    // a carrier code Shipwatch has never seen
    const held = seeded.find((s) => s.scenario === "in_transit" && s.createdAt > now - 10 * DAY)!;
    await sendCarrierEvent(app, clock, PREVIEW_SHOP, held, { id: 9_290_000, status: "carrier_hold_zz", message: "Held by carrier for review", at: now - HOUR });

    // shoppers checking on their parcels, each on its own day
    for (const s of seeded.filter((_, i) => i % 4 === 1)) {
      const at = Math.min(s.createdAt + 26 * HOUR, now - 30 * 60_000);
      clock.set(at);
      const answer = await fetch(app.proxyUrl({ order: s.orderName, email: `customer${s.orderNumber}@example.com` }, { shop: PREVIEW_SHOP }));
      expect(answer.status).toBe(200);
      lookups.push(at);
    }
    await app.settle();

    // another store, on DHL alone: nothing of it may show here
    theirs = seedAt(90, "delivered", "DHL Express", now - 2 * DAY, now, 7_000_000);
    await deliverShipment(app, clock, SHOP_B, theirs, 8_200_000);
    clock.resume();
    await app.settle();

    // the team makes one open case urgent and resolves another
    const open = (await app.container.services.desk.queue(PREVIEW_SHOP, { status: "open", limit: 50 })).cases;
    expect(open.length).toBeGreaterThanOrEqual(2);
    expect(await app.container.services.desk.setPriority(PREVIEW_SHOP, open[0]!.id, "urgent", "staff@example.com")).toMatchObject({ ok: true });
    expect(await app.container.services.desk.resolve(PREVIEW_SHOP, open[1]!.id, "contacted_customer", "staff@example.com")).toMatchObject({ ok: true });
    await app.settle();

    today = dayIn(Date.now(), zone);
    admin = await openAdminBrowser();
    page = admin.page;
  }, 300_000);

  afterEach(() => {
    expect(admin?.errors.take() ?? []).toEqual([]);
  });
  afterAll(async () => {
    await admin?.close();
    await app?.close();
    await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    await smtp?.close();
  });

  it("shows the last 30 days against the 30 before, figures matching what happened", async () => {
    const range = presetRange("last30", today);
    const previous = { from: addDays(range.from, -30), to: addDays(range.from, -1) };
    const shipped = fulfilledIn(range).length;
    const shippedBefore = fulfilledIn(previous).length;
    expect([shipped, shippedBefore]).toEqual([36, 8]);

    await openAdminPage(page, app.url, "/app");
    await page.getByRole("heading", { name: "Shipments by status" }).waitFor();
    expect(await figure(page, "shipments")).toBe(String(shipped));
    expect(await figureChange(page, "shipments")).toBe(`+${Math.round(((shipped - shippedBefore) / shippedBefore) * 100)}% vs previous 30 days`);
    expect(await figure(page, "lookups")).toBe(String(lookups.filter((at) => inRange(dayIn(at, zone), range)).length));
    const cases = (await app.container.services.desk.queue(PREVIEW_SHOP, { status: "all", limit: 500 })).cases;
    expect(await figure(page, "cases")).toBe(String(cases.filter((c) => inRange(dayIn(c.openedAt, zone), range)).length));
    // updates that reached customers, by the day they went out
    const sent = (await app.container.services.notifications.outbox(PREVIEW_SHOP, { status: "sent" }, { limit: 1000, offset: 0 })).rows;
    const sentInRange = sent.filter((m) => m.sentAt !== null && inRange(dayIn(m.sentAt, zone), range));
    expect(sentInRange.length).toBeGreaterThan(0);
    expect(await figure(page, "messages")).toBe(String(sentInRange.length));

    // the service's arithmetic, shown as it is
    const dashboard = await app.container.services.scorecard.dashboard(PREVIEW_SHOP, range);
    expect(await page.getByRole("region", { name: "Problems caught and resolved" }).locator("[data-summary]").innerText()).toBe(
      `${dashboard.scorecard.exceptions.opened} cases opened, ${dashboard.scorecard.exceptions.resolved} resolved.`,
    );
    expect(dashboard.scorecard.exceptions.resolved).toBeGreaterThanOrEqual(1);
    // per carrier: what each shipped in the range, counted from the seed
    const rows = await page.getByRole("region", { name: "On time and transit" }).locator("table tbody tr").allInnerTexts();
    const table = Object.fromEntries(rows.map((r) => r.split("\t").map((c) => c.trim())).map(([name, shipments]) => [name, Number(shipments)]));
    const byCarrier: Record<string, number> = {};
    for (const s of fulfilledIn(range)) byCarrier[CARRIER_LABELS[s.carrier]] = (byCarrier[CARRIER_LABELS[s.carrier]] ?? 0) + 1;
    expect(table).toEqual(byCarrier);
    expect(await page.content()).not.toContain(theirs.trackingNumber);
    expect(Object.keys(table)).not.toContain("DHL");

    await chartsDrawn(page);
    expect(await page.locator("[data-chart]").count()).toBeGreaterThanOrEqual(5);
    await screenshot(page, "dashboard-month");
  });

  it("changes the range from the picker: the URL says so and the figures follow", async () => {
    await openAdminPage(page, app.url, "/app");
    await page.getByRole("button", { name: /^Date range: Last 30 days/ }).click();
    await page.getByRole("button", { name: "Last 7 days", pressed: false }).click();
    await screenshot(page, "dashboard-range-picker");
    await page.getByRole("button", { name: "Apply" }).click();
    const week = presetRange("last7", today);
    await page.waitForURL((url) => url.searchParams.get("from") === week.from && url.searchParams.get("to") === week.to);
    await waitForIdle(page);
    await eventually(async () => expect(await figure(page, "shipments")).toBe(String(fulfilledIn(week).length)));
    const before = { from: addDays(week.from, -7), to: addDays(week.from, -1) };
    await expect(page.locator(`[data-range="${week.from}..${week.to}"]`).count()).resolves.toBe(1);
    expect(await page.getByText("Compared with the previous 7 days").count()).toBe(1);
    const change = await figureChange(page, "shipments");
    expect(change).toContain("vs previous 7 days");
    expect(fulfilledIn(before).length).toBeGreaterThan(0);
    // Shopify's parameters ride along
    expect(new URL(page.url()).searchParams.get("shop")).toBe(PREVIEW_SHOP);

    // a custom range typed in
    const custom = { from: addDays(today, -14), to: addDays(today, -8) };
    await page.getByRole("button", { name: /^Date range:/ }).click();
    await page.getByLabel("Starting").fill(custom.from);
    await page.getByLabel("Ending").fill(custom.to);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((url) => url.searchParams.get("from") === custom.from && url.searchParams.get("to") === custom.to);
    await waitForIdle(page);
    await eventually(async () => expect(await figure(page, "shipments")).toBe(String(fulfilledIn(custom).length)));
    // the link opens the same range
    await page.reload();
    await page.getByRole("heading", { name: "Shipments by status" }).waitFor();
    expect(await figure(page, "shipments")).toBe(String(fulfilledIn(custom).length));
    expect(rangeLength(custom)).toBe(7);
  });

  it("explains a range it cannot show, and shows the last 30 days instead", async () => {
    for (const [query, reason] of [
      ["from=2026-02-30&to=2026-03-04", 'the start date "2026-02-30" is not a date written as YYYY-MM-DD'],
      [`from=${today}&to=${addDays(today, -3)}`, "the start date is after the end date"],
      [`from=${addDays(today, -500)}&to=${today}`, "the range is 501 days long, and Home shows at most 400"],
      ["from=yesterday", "a start and an end date are both needed"],
    ] as const) {
      await openAdminPage(page, app.url, `/app?${query}`);
      const banner = page.getByText("That date range could not be shown");
      await banner.waitFor();
      await expect(page.getByText(reason, { exact: false }).count()).resolves.toBe(1);
      expect(await figure(page, "shipments")).toBe(String(fulfilledIn(presetRange("last30", today)).length));
    }
    await screenshot(page, "dashboard-bad-range");
  });

  it("exports the range as CSV: a row a day, and the carriers", async () => {
    const range = presetRange("last30", today);
    await openAdminPage(page, app.url, "/app");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export" }).click()]);
    expect(download.suggestedFilename()).toBe(`shipwatch-scorecard-${range.from}-to-${range.to}.csv`);
    const text = fs.readFileSync((await download.path())!, "utf8");
    const [daily, carriers] = text.trimEnd().split("\r\n\r\n").map((block) => block.split("\r\n").map(parseCsvLine));
    expect(daily![0]!.slice(0, 2)).toEqual(["Day", "Shipments"]);
    const dayRows = daily!.slice(1);
    expect(dayRows.map((r) => r[0])).toEqual(Array.from({ length: 30 }, (_, k) => addDays(range.from, k)));
    for (const row of dayRows) expect(Number(row[1]), row[0]).toBe(seeded.filter((s) => dayIn(s.createdAt, zone) === row[0]).length);
    expect(dayRows.reduce((sum, r) => sum + Number(r[1]), 0)).toBe(fulfilledIn(range).length);
    const lookupsColumn = daily![0]!.indexOf("Tracking checks");
    expect(dayRows.reduce((sum, r) => sum + Number(r[lookupsColumn]), 0)).toBe(lookups.filter((at) => inRange(dayIn(at, zone), range)).length);

    expect(carriers![0]).toEqual(["Breakdown", "Name", "Shipments", "Delivered", "On-time rate (%)", "Typical transit (days)", "Slowest 10% take (days)"]);
    const carrierRows = carriers!.slice(1).filter((r) => r[0] === "Carrier");
    const byCarrier: Record<string, number> = {};
    for (const s of fulfilledIn(range)) byCarrier[CARRIER_LABELS[s.carrier]] = (byCarrier[CARRIER_LABELS[s.carrier]] ?? 0) + 1;
    expect(Object.fromEntries(carrierRows.map((r) => [r[1], Number(r[2])]))).toEqual(byCarrier);
    expect(text).not.toContain("DHL");

    // the route itself refuses a range it cannot read, with the reason
    const token = new URL(page.url()).searchParams;
    const refused = await page.evaluate(async (q) => {
      const res = await fetch(`/app/scorecard.csv?${q}`);
      return { status: res.status, body: await res.text() };
    }, new URLSearchParams({ shop: token.get("shop")!, from: today, to: addDays(today, -1) }).toString());
    expect(refused).toEqual({ status: 400, body: "from is after to\n" });
    // the 400 was the point of this request
    admin.errors.expect(/status of 400/);
  });

  it("puts what needs attention on top, each with its count, each link going where it says", async () => {
    await openAdminPage(page, app.url, "/app");
    const strip = page.getByRole("navigation", { name: "Needs attention" });
    await strip.waitFor();
    const failed = await app.container.services.notifications.outbox(PREVIEW_SHOP, { status: "failed" }, { limit: 1, offset: 0 });
    expect(failed.total).toBeGreaterThan(0);
    const items = (await strip.innerText()).replace(/\s+/g, " ");
    const open = (await app.container.services.desk.queue(PREVIEW_SHOP, { status: "open", limit: 500 })).cases;
    const urgent = open.filter((c) => c.priority === "urgent").length;
    const high = open.filter((c) => c.priority === "high").length;
    expect(urgent).toBeGreaterThanOrEqual(1);
    expect(items).toContain(`${urgent} ${urgent === 1 ? "urgent case" : "urgent cases"}`);
    if (high) expect(items).toContain(`${high} ${high === 1 ? "high-priority case" : "high-priority cases"}`);
    expect(items).toContain("1 carrier status Shipwatch does not know yet");
    expect(items).toContain(`${failed.total} ${failed.total === 1 ? "message" : "messages"} that could not be sent`);
    expect(items).toContain("1 message channel failing");
    await screenshot(page, "dashboard-needs-attention");

    const target = async (name: string | RegExp) => {
      const url = new URL((await strip.getByRole("link", { name }).getAttribute("href"))!, app.url);
      return [url.pathname, url.search.includes("priority=") ? url.searchParams.get("priority") : url.searchParams.get("status")];
    };
    expect(await target(/carrier status/)).toEqual(["/app/status-mapping", null]);
    expect(await target(/could not be sent/)).toEqual(["/app/notifications/outbox", "failed"]);
    expect(await target(/channel failing/)).toEqual(["/app/notifications", null]);

    // the urgent case opens the queue filtered to urgent, with that case in it
    await strip.getByRole("link", { name: /urgent case/ }).click();
    await page.waitForURL((url) => url.pathname === "/app/exceptions" && url.searchParams.get("priority") === "urgent");
    await waitForIdle(page);
    await eventually(async () => expect(await page.locator("table tbody tr").count()).toBe(urgent));
    // and the unknown code is on the Status mapping page
    await openAdminPage(page, app.url, "/app");
    await page.getByRole("navigation", { name: "Needs attention" }).getByRole("link", { name: /carrier status/ }).click();
    await page.waitForURL((url) => url.pathname === "/app/status-mapping");
    await page.getByText("carrier_hold_zz").first().waitFor();
  });

  it("moves the shipments table to its own page, a click from Home", async () => {
    await openAdminPage(page, app.url, "/app");
    await page.getByRole("link", { name: "See every shipment" }).click();
    await page.waitForURL((url) => url.pathname === "/app/shipments");
    await waitForIdle(page);
    await page.getByRole("heading", { name: "Shipments", level: 1 }).waitFor();
    await eventually(async () => expect(await page.locator("table tbody tr").count()).toBe(25));
  });
});
