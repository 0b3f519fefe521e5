import fs from "node:fs";
import { Session } from "@shopify/shopify-api";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from "../../scripts/local-services/fake-shopify-admin";
import { graphqlOrder, type ParcelStory } from "../fixtures/shopify-admin";
import { newId } from "../fixtures/shopify";
import { startTestApp, type TestApp } from "../support/test-app";
import { eventually, openAdminBrowser, openAdminPage, runningClock, screenshot, waitForHydration, watchBrowserErrors } from "./support";

/**
 * Settings → Import in Chromium over the local preview, the Admin API on its stand-in: importing again with a
 * chosen range (progress, counts, a toast), a failed bulk operation shown in Shopify's words, and what
 * reconciliation repaired.
 */
const TOKEN = "shpat_browser_import_token";

let app: TestApp;
let shopifyAdmin: FakeShopifyAdmin;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });

function parcel(i: number, now: number): ParcelStory {
  const shipped = new Date(now - (3 + (i % 20)) * 86_400_000).toISOString();
  return {
    orderId: newId(),
    name: `#${7000 + i}`,
    createdAt: shipped,
    fulfillmentId: newId(),
    shippedAt: shipped,
    company: "UPS",
    tracking: `1Z999AA1${String(8_000_000_000 + i)}`,
    displayStatus: "DELIVERED",
    events: [{ id: newId(), status: "delivered", message: "Delivered - Front Door", happenedAt: new Date(Date.parse(shipped) + 2 * 86_400_000).toISOString(), city: "Ottawa" }],
  };
}

describe("Settings → Import in Chromium", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    shopifyAdmin = await startFakeShopifyAdmin({ pollsToComplete: 2 });
    const clock = runningClock();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock, env: { SWEEP_INTERVAL_SECONDS: "3600", SHOPIFY_ADMIN_API_BASE: shopifyAdmin.url, BACKFILL_POLL_SECONDS: "1", RECONCILE_INTERVAL_MINUTES: "0" } });
    await app.container.shopify.sessionStorage!.storeSession(new Session({ id: `offline_${PREVIEW_SHOP}`, shop: PREVIEW_SHOP, state: "test", isOnline: false, scope: "read_orders,read_fulfillments", accessToken: TOKEN }));
    shopifyAdmin.addShop(PREVIEW_SHOP, TOKEN);
    shopifyAdmin.setOrders(PREVIEW_SHOP, Array.from({ length: 60 }, (_, i) => graphqlOrder(parcel(i, clock.now()))));
    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
    await shopifyAdmin?.close();
  });

  it("is one link away from Settings", async () => {
    await openAdminPage(page, app.url, "/app/settings");
    await page.getByRole("link", { name: "Manage import" }).scrollIntoViewIfNeeded();
    await page.getByRole("link", { name: "Manage import" }).click();
    await eventually(async () => expect(new URL(page.url()).pathname).toBe("/app/settings/import"));
    await waitForHydration(page);
    await page.getByRole("heading", { name: "Import", level: 1 }).waitFor();
    await page.getByText("No import yet").waitFor();
  });

  it("imports again for the range chosen, with progress and counts", async () => {
    await openAdminPage(page, app.url, "/app/settings/import");
    await page.getByLabel("Orders from the last").selectOption("30");
    await page.getByRole("button", { name: "Import again" }).click();
    await toast("Importing the last 30 days of orders").waitFor();
    // the page reads the progress again while the import runs
    await page.getByText("Your recent orders and their parcels are in Shipwatch.").waitFor({ timeout: 30_000 });
    await page.getByRole("heading", { name: "Last 30 days of orders" }).waitFor();
    const run = await app.db.selectFrom("BackfillRun").selectAll().where("shop", "=", PREVIEW_SHOP).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(run).toMatchObject({ status: "done", days: 30, ordersImported: 60, fulfillmentsImported: 60, eventsImported: 60 });
    await expect(page.getByText("60", { exact: true }).count()).resolves.toBe(3);
    // done is a full bar the moment it shows, not one still sliding up from the last progress read
    const [bar, drawn] = await Promise.all([page.locator(".Polaris-ProgressBar").boundingBox(), page.locator(".Polaris-ProgressBar__Indicator").boundingBox()]);
    expect(drawn!.width).toBeCloseTo(bar!.width, 0);
    await screenshot(page, "import-done");
  });

  it("shows a failed bulk operation in Shopify's words", async () => {
    shopifyAdmin.failNextOperation("ACCESS_DENIED");
    await openAdminPage(page, app.url, "/app/settings/import");
    await page.getByRole("button", { name: "Import again" }).click();
    await page.getByText("The import failed").waitFor({ timeout: 30_000 });
    await page.getByText("Shopify: the bulk operation failed (ACCESS_DENIED)").waitFor();
    await screenshot(page, "import-failed");
  });

  it("shows what reconciliation repaired in the last 24 hours", async () => {
    const p = { ...parcel(99, Date.now()), updatedAt: new Date().toISOString() };
    shopifyAdmin.upsertOrder(PREVIEW_SHOP, graphqlOrder(p));
    expect(await app.container.services.reconciliation.run(PREVIEW_SHOP)).toMatchObject({ repaired: 1 });
    await openAdminPage(page, app.url, "/app/settings/import");
    await page.getByText("shipment repaired in the last 24 hours").waitFor();
    await page.getByText(/^Last run/).waitFor();
    await screenshot(page, "import-reconciliation");
  });
});
