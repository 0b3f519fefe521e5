import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { startFakeCarrierApis, type FakeCarrierApis } from "../../scripts/local-services/fake-carrier-apis";
import { startTestApp, type TestApp } from "../support/test-app";
import { eventually, openAdminBrowser, openAdminPage, runningClock, screenshot, waitForHydration, waitForIdle, watchBrowserErrors } from "./support";

/**
 * Settings → Carrier accounts in Chromium over the local preview, against the carriers' stand-in: UPS refused in
 * UPS's own words (nothing saved), then connected through the save bar with a toast; DHL connected with its API key.
 */
let app: TestApp;
let fake: FakeCarrierApis;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const saveBar = () => page.locator("ui-save-bar");
const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });
const accounts = () => app.db.selectFrom("CarrierAccount").select(["shop", "carrier", "status", "credentials"]).orderBy("carrier").execute();

describe("Settings → Carrier accounts in Chromium", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    fake = await startFakeCarrierApis();
    fake.accounts.ups.set("ups-browser-client", "ups-browser-secret");
    fake.accounts.dhl.set("dhl-browser-key", "");
    const bases = { UPS_API_BASE: fake.url, USPS_API_BASE: fake.url, FEDEX_API_BASE: fake.url, DHL_API_BASE: fake.url };
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock: runningClock(), env: { SWEEP_INTERVAL_SECONDS: "3600", CARRIER_POLL_INTERVAL_SECONDS: "3600", ...bases } });
    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
    await fake?.close();
  });

  it("is one link away from Settings", async () => {
    await openAdminPage(page, app.url, "/app/settings");
    await page.getByRole("link", { name: "Manage carrier accounts" }).scrollIntoViewIfNeeded();
    await page.getByRole("link", { name: "Manage carrier accounts" }).click();
    await eventually(async () => expect(new URL(page.url()).pathname).toBe("/app/settings/carriers"));
    await waitForHydration(page);
    await page.getByRole("heading", { name: "Carrier accounts", level: 1 }).waitFor();
  });

  it("connects UPS: refused credentials show UPS's words and save nothing; good ones connect with a toast", async () => {
    await openAdminPage(page, app.url, "/app/settings/carriers?carrier=ups");
    await page.getByLabel("Client ID").fill("ups-browser-client");
    await page.getByLabel("Client secret").fill("not-the-secret");
    await saveBar().waitFor();
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("UPS was not connected").waitFor();
    await page.getByText("UPS said (401 10401): ClientId is Invalid").waitFor();
    expect(await accounts()).toEqual([]);
    await screenshot(page, "carriers-ups-refused");

    await page.getByLabel("Client secret").fill("ups-browser-secret");
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("UPS connected").waitFor();
    await waitForIdle(page);
    await page.getByText("Client ID ending in ient").waitFor();
    await page.getByText("Parcels polled now").waitFor();
    const saved = await accounts();
    expect(saved.map((a) => [a.carrier, a.status])).toEqual([["ups", "connected"]]);
    expect(saved[0]!.credentials).not.toContain("ups-browser-secret");
    // the secret is never shown back, not even in the page's data
    expect(await page.content()).not.toContain("ups-browser-secret");
    await screenshot(page, "carriers-ups-connected");
  });

  it("connects DHL with its API key alone, and shows a failing account in the carrier's words", async () => {
    await openAdminPage(page, app.url, "/app/settings/carriers?carrier=dhl");
    expect(await page.getByLabel("Client secret").count()).toBe(0);
    await page.getByLabel("API key").fill("dhl-browser-key");
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("DHL connected").waitFor();
    await waitForIdle(page);
    await app.db.updateTable("CarrierAccount").set({ status: "failing", lastError: "DHL said (401 Unauthorized): Unauthorized for given resource." }).where("carrier", "=", "dhl").execute();
    await openAdminPage(page, app.url, "/app/settings/carriers?carrier=dhl");
    await page.getByText("DHL refused your account: its parcels are not being polled").waitFor();
    await page.getByText("DHL said (401 Unauthorized): Unauthorized for given resource.").waitFor();
    await screenshot(page, "carriers-dhl-failing");
  });
});
