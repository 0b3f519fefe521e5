import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { newId, orderPayload } from "../fixtures/shopify";
import { startTestApp, type TestApp } from "../support/test-app";
import { eventually, openAdminBrowser, openAdminPage, screenshot, waitForIdle, watchBrowserErrors } from "./support";

/**
 * The "taking a little longer to ship" message as a merchant runs it, in Chromium over the local preview: the
 * moment is off until switched on under "Before shipping" on Notifications; once on, an order placed a week ago and
 * still unshipped opens its case on arrival, and the Outbox lists its message as the order's (nothing shipped).
 */
let app: TestApp;
let smtp: SmtpCapture;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const notifications = () => app.container.services.notifications;
const toggle = () => page.getByRole("checkbox", { name: "Not shipped yet (past the handling time)", exact: true });

describe("The fulfillment_delayed message in Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    smtp = await startSmtpCapture();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], env: { SWEEP_INTERVAL_SECONDS: "3600", SMTP_URL: smtp.url, EMAIL_FROM: "Shop <shop@example.test>" } });
    expect(await notifications().savePolicy(PREVIEW_SHOP, { quietHours: { enabled: false }, combineWindowMinutes: 0 })).toMatchObject({ ok: true });
    expect(await notifications().saveChannel(PREVIEW_SHOP, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
    page.on("dialog", (dialog) => void dialog.accept());
  }, 120_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
    await smtp?.close();
  });

  it("is off by default under Before shipping; switched on and saved, a reload shows it on", async () => {
    await openAdminPage(page, app.url, "/app/notifications");
    await page.getByRole("heading", { name: "Before shipping" }).waitFor();
    await page.getByText("Once per order, by email or SMS").waitFor();
    expect(await toggle().isChecked()).toBe(false);
    await toggle().check();
    await page.locator("ui-save-bar").getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").filter({ hasText: /^Notification settings saved$/ }).waitFor();
    expect((await notifications().overview(PREVIEW_SHOP)).policy.moments).toMatchObject({ fulfillment_delayed: true });

    await openAdminPage(page, app.url, "/app/notifications");
    expect(await toggle().isChecked()).toBe(true);
    await toggle().scrollIntoViewIfNeeded();
    await screenshot(page, "notifications-before-shipping");
  });

  it("a week-old unshipped order gets one email, listed in the Outbox as the order's with no parcel", async () => {
    const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const order = orderPayload({ id: newId(), name: "#4242", created_at: weekAgo, updated_at: weekAgo, fulfillment_status: null, closed_at: null, line_items: [{ id: newId(), title: "Trail Runner 2", name: "Trail Runner 2 - 42", quantity: 1, price: "170.00", fulfillable_quantity: 1, fulfillment_status: null, requires_shipping: true, gift_card: false }] });
    expect((await app.sendWebhook("orders/create", order, { shop: PREVIEW_SHOP })).status).toBe(200);
    await app.settle();
    const [email] = await smtp.waitFor(1);
    expect(email!.subject).toBe("Your order #4242 is taking a little longer to ship");

    await openAdminPage(page, app.url, "/app/notifications/outbox");
    await eventually(async () => {
      await waitForIdle(page);
      await page.getByText("(not shipped yet)").first().waitFor({ timeout: 1_000 });
    });
    const row = page.getByRole("row").filter({ hasText: "#4242" });
    await expect(row.textContent()).resolves.toMatch(/Not shipped yet \(past the handling time\)/);
    await screenshot(page, "outbox-order-level-message");
  });
});
