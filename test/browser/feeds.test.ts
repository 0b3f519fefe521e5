import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/local-services/fake-easypost";
import { startFakeShipEngine, type FakeShipEngine } from "../../scripts/local-services/fake-shipengine";
import { startTestApp, type TestApp } from "../support/test-app";
import { eventually, openAdminBrowser, openAdminPage, runningClock, screenshot, waitForHydration, waitForIdle, watchBrowserErrors } from "./support";

/**
 * Settings → Tracking feeds in Chromium over the local preview: EasyPost connected against its stand-in (the key
 * checked with EasyPost before anything is saved, EasyPost's own words when it refuses), then the webhook URL to
 * paste, the counts, a carriers change and a disconnect.
 */
const GOOD_KEY = "EZAK_browser_0123456789";
const SECRET = "whsec-browser-0123456789";

let app: TestApp;
let easypost: FakeEasyPost;
let shipengine: FakeShipEngine;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const saveBar = () => page.locator("ui-save-bar");
const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });
const connections = () => app.db.selectFrom("FeedConnection").selectAll().execute();

describe("Settings → Tracking feeds in Chromium", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    easypost = await startFakeEasyPost({ keys: [GOOD_KEY] });
    shipengine = await startFakeShipEngine({ keys: ["TEST_browser_key"] });
    app = await startTestApp({
      remix: true,
      localPreview: true,
      shops: [PREVIEW_SHOP],
      clock: runningClock(),
      env: { SWEEP_INTERVAL_SECONDS: "3600", EASYPOST_API_BASE: easypost.url, SHIPENGINE_API_BASE: shipengine.url },
    });
    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
    await easypost?.close();
    await shipengine?.close();
  });

  it("is one link away from Settings", async () => {
    await openAdminPage(page, app.url, "/app/settings");
    await page.getByRole("link", { name: "Manage tracking feeds" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/screenshots/feeds-settings-link.png" });
    await page.getByRole("link", { name: "Manage tracking feeds" }).click();
    await eventually(async () => expect(new URL(page.url()).pathname).toBe("/app/settings/feeds"));
    await waitForHydration(page);
    await page.getByRole("heading", { name: "Tracking feeds", level: 1 }).waitFor();
  });

  it("connects EasyPost: a bad key shows EasyPost's words and saves nothing; a good key shows the webhook URL", async () => {
    await openAdminPage(page, app.url, "/app/settings/feeds?feed=easypost");
    // nothing typed: field errors, nothing saved, EasyPost not asked
    await page.getByRole("button", { name: "Connect EasyPost" }).click();
    await page.getByText("Enter your EasyPost API key").waitFor();
    await page.getByText("Enter your EasyPost webhook secret").waitFor();
    expect(easypost.calls).toEqual([]);

    await page.getByLabel("API key").fill("EZAK_wrong");
    await page.getByLabel("Webhook secret").fill(SECRET);
    await saveBar().waitFor();
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("EasyPost was not connected").waitFor();
    await page.getByText(/EasyPost said \(401 APIKEY\.INACTIVE\): The API key given is not active/).first().waitFor();
    expect(await connections()).toEqual([]);
    await screenshot(page, "feeds-easypost-refused");

    await page.getByLabel("API key").fill(GOOD_KEY);
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("EasyPost connected").waitFor();
    await waitForIdle(page);
    const url = await eventually(async () => {
      const value = await page.getByLabel("Webhook URL").inputValue();
      expect(value).toMatch(/^https:\/\/shipwatch\.test\/feeds\/easypost\/[A-Za-z0-9_-]{16,}$/);
      return value;
    });
    const [row] = await connections();
    expect(row).toMatchObject({ shop: PREVIEW_SHOP, provider: "easypost", status: "connected", carriers: "default" });
    expect(url.endsWith(row!.id)).toBe(true);
    // the key and the secret are never shown back, not even in the page's data
    expect(await page.content()).not.toContain(GOOD_KEY);
    expect(await page.content()).not.toContain(SECRET);
    await page.getByText("Connected", { exact: true }).waitFor();
    await saveBar().waitFor({ state: "hidden" });
    await screenshot(page, "feeds-easypost-connected");
  });

  it("shows events and unknown tracking numbers, saves carriers without the key, and disconnects", async () => {
    const [row] = await connections();
    const webhookUrl = `${app.url}/feeds/easypost/${row!.id}`;
    expect((await easypost.sendEvent(webhookUrl, SECRET, easypost.tracker("C98765432109876", [{ datetime: "2026-11-03T10:00:00Z", status: "in_transit", status_detail: "arrived_at_facility", message: "Arrived" }]))).status).toBe(200);
    await eventually(async () => expect((await connections())[0]).toMatchObject({ eventCount: 1, unknownTrackingCount: 1 }));
    await openAdminPage(page, app.url, "/app/settings/feeds?feed=easypost");
    await page.getByText("(last: C98765432109876)").waitFor();

    // EasyPost stops accepting the key: the feed shows as failing, in EasyPost's words, until a working key is saved
    easypost.keys.delete(GOOD_KEY);
    expect(await app.container.services.feeds.registerTracker(PREVIEW_SHOP, { trackingNumber: "C12121212121212", carrier: "ontrac" })).toMatchObject({ outcome: "refused" });
    await openAdminPage(page, app.url, "/app/settings/feeds?feed=easypost");
    await page.getByText("Failing", { exact: true }).waitFor();
    await page.getByText(/EasyPost said \(401 APIKEY\.INACTIVE\)/).waitFor();
    await screenshot(page, "feeds-easypost-failing");
    easypost.keys.add(GOOD_KEY);
    await page.getByLabel("API key").fill(GOOD_KEY);
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("EasyPost saved").waitFor();
    await page.getByText("Connected", { exact: true }).waitFor();
    expect((await connections())[0]).toMatchObject({ status: "connected", lastError: null });

    await page.getByText("The carriers I choose", { exact: true }).click();
    await page.getByText("UPS", { exact: true }).click();
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    // the save is done when its bar goes (the key's "saved" toast may still be showing on a slow machine, so a
    // toast alone does not tell this save's answer has landed); only then is the page disconnected
    await saveBar().waitFor({ state: "hidden" });
    await toast("EasyPost saved").last().waitFor();
    await eventually(async () => expect(JSON.parse((await connections())[0]!.carriers)).toEqual(["other", "ontrac", "lasership", "ups"]));
    await screenshot(page, "feeds-easypost-carriers");

    await page.getByRole("button", { name: "Disconnect EasyPost" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Disconnect" }).click();
    await toast("EasyPost disconnected").waitFor();
    expect(await connections()).toEqual([]);
    expect((await easypost.sendEvent(webhookUrl, SECRET, easypost.tracker("C98765432109876", []))).status).toBe(404);
    await page.getByRole("button", { name: "Connect EasyPost" }).waitFor();
    // nothing is left unsaved once disconnected
    await saveBar().waitFor({ state: "hidden" });

    // the AfterShip tab: its own form, not connected
    await page.getByRole("tab", { name: "AfterShip" }).click();
    await page.getByRole("button", { name: "Connect AfterShip" }).waitFor();
    await screenshot(page, "feeds-aftership-tab");
  });

  it("connects ShipEngine with its API key alone (the webhook registered for the merchant); a quiet feed shows on the page and on Home", async () => {
    await openAdminPage(page, app.url, "/app/settings/feeds?feed=shipengine");
    expect(await page.getByLabel("Webhook secret").count()).toBe(0);
    await page.getByLabel("API key").fill("TEST_browser_key");
    await page.getByRole("button", { name: "Connect ShipEngine" }).click();
    await toast("ShipEngine connected").waitFor();
    const url = await eventually(async () => {
      const value = await page.getByLabel("Webhook URL").inputValue();
      expect(value).toMatch(/^https:\/\/shipwatch\.test\/feeds\/shipengine\/[A-Za-z0-9_-]{16,}$/);
      return value;
    });
    expect([...shipengine.webhooks.values()].map((w) => w.url)).toEqual([url]);
    await page.getByText("Nothing to paste").waitFor();

    // the feed's freshness, as the sweep would have left it: OnTrac quiet, UPS still learning
    const now = Date.now();
    const row = { shop: PREVIEW_SHOP, source: "shipengine", firstEventAt: now - 72 * 3_600_000, eventCount: 140, hourStart: now - 9 * 3_600_000, hourCount: 2, hoursSeen: 60, updatedAt: now };
    await app.db.insertInto("FeedHealth").values([
      { ...row, carrier: "ontrac", lastEventAt: now - 8 * 3_600_000, normPerHour: 2.2, quietSince: now - 2 * 3_600_000 },
      { ...row, carrier: "ups", lastEventAt: now - 3_600_000, eventCount: 3, hoursSeen: 2, normPerHour: 0 },
    ]).execute();
    await openAdminPage(page, app.url, "/app/settings/feeds?feed=shipengine");
    await page.getByText("Quiet: silence checks paused").waitFor();
    await page.getByText("ShipEngine has gone quiet for OnTrac").waitFor();
    await page.getByText("Learning", { exact: true }).waitFor();
    await page.getByText("Freshness by carrier").scrollIntoViewIfNeeded();
    await screenshot(page, "feeds-shipengine-quiet");

    await openAdminPage(page, app.url, "/app");
    const item = page.getByRole("navigation", { name: "Needs attention" }).getByRole("link", { name: "tracking feed gone quiet" });
    await item.waitFor();
    expect(await item.getAttribute("href")).toMatch(/^\/app\/settings\/feeds\?.*\bfeed=shipengine\b/);
    await screenshot(page, "home-quiet-feed");
  });

  it("turns write-back on and off at once, with a toast, and shows what it wrote", async () => {
    await openAdminPage(page, app.url, "/app/settings/feeds");
    const card = page.getByText("Show these scans on Shopify");
    await card.scrollIntoViewIfNeeded();
    await page.getByRole("button", { name: "Turn on" }).click();
    await toast("Scans will show on Shopify").waitFor();
    await eventually(async () => expect((await app.db.selectFrom("ShopSettings").select("writeBackScans").where("shop", "=", PREVIEW_SHOP).executeTakeFirstOrThrow()).writeBackScans).toBe(1));
    await page.getByRole("button", { name: "Turn off" }).waitFor();
    // what it did lately, as the job leaves it: one scan written, one Shopify refused in its own words
    const now = Date.now();
    await app.db.insertInto("ScanWriteBack").values([
      { shop: PREVIEW_SHOP, eventKey: "easypost:C1:1:in_transit", fulfillmentId: "1", status: "written", shopifyEventId: "gid://shopify/FulfillmentEvent/1", createdAt: now - 3_600_000, updatedAt: now - 3_600_000 },
      { shop: PREVIEW_SHOP, eventKey: "easypost:C2:1:in_transit", fulfillmentId: "2", status: "failed", error: "Shopify: fulfillmentEvent.fulfillmentId: Fulfillment does not exist.", createdAt: now - 600_000, updatedAt: now - 600_000 },
    ]).execute();
    await openAdminPage(page, app.url, "/app/settings/feeds");
    await page.getByText("Shopify refused a scan").waitFor();
    await page.getByText("Show these scans on Shopify").scrollIntoViewIfNeeded();
    await screenshot(page, "feeds-write-back-on");
    await page.getByRole("button", { name: "Turn off" }).click();
    await toast("Write-back turned off").waitFor();
    await eventually(async () => expect((await app.db.selectFrom("ShopSettings").select("writeBackScans").where("shop", "=", PREVIEW_SHOP).executeTakeFirstOrThrow()).writeBackScans).toBe(0));
  });
});
