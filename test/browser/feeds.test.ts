import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/local-services/fake-easypost";
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
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock: runningClock(), env: { SWEEP_INTERVAL_SECONDS: "3600", EASYPOST_API_BASE: easypost.url } });
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
    await toast("EasyPost saved").waitFor();
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
});
