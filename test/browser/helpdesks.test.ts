import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { startFakeHelpdesks, type FakeHelpdesks } from "../../scripts/local-services/fake-helpdesks";
import { startTestApp, type TestApp } from "../support/test-app";
import { eventually, openAdminBrowser, openAdminPage, runningClock, screenshot, waitForHydration, waitForIdle, watchBrowserErrors } from "./support";

/**
 * Settings → Helpdesks in Chromium over the local preview: Zendesk connected against the REST stand-in (the
 * credentials checked before anything is saved), its webhook URL and body template shown; Gorgias connected with
 * a signing secret shown once and the shipments widget explained.
 */
const ZENDESK = { email: "bot@shipwatch-demo.test", apiToken: "zd_tok_browser_0123456789" };
const GORGIAS = { email: "bot@shipwatch-demo.test", apiKey: "gk_browser_0123456789abcdef" };

let app: TestApp;
let fake: FakeHelpdesks;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const saveBar = () => page.locator("ui-save-bar");
const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });
const connections = () => app.db.selectFrom("HelpdeskConnection").select(["shop", "provider", "credentials"]).execute();

describe("Settings → Helpdesks in Chromium", { timeout: 90_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    fake = await startFakeHelpdesks({ zendesk: ZENDESK, gorgias: GORGIAS });
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock: runningClock(), env: { SWEEP_INTERVAL_SECONDS: "3600", ZENDESK_API_BASE: fake.url, GORGIAS_API_BASE: fake.url } });
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
    await page.getByRole("link", { name: "Manage helpdesks" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/screenshots/helpdesks-settings-link.png" });
    await page.getByRole("link", { name: "Manage helpdesks" }).click();
    await eventually(async () => expect(new URL(page.url()).pathname).toBe("/app/settings/helpdesks"));
    await waitForHydration(page);
    await page.getByRole("heading", { name: "Helpdesks", level: 1 }).waitFor();
  });

  it("connects Zendesk: bad credentials show Zendesk's refusal and save nothing; good ones show the webhook URL and template", async () => {
    await openAdminPage(page, app.url, "/app/settings/helpdesks?helpdesk=zendesk");
    await page.getByLabel("Zendesk subdomain").fill("shipwatch-demo");
    await page.getByLabel("API user's email").fill(ZENDESK.email);
    await page.getByLabel("API token").fill("not-the-token");
    await saveBar().waitFor();
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Zendesk was not connected").waitFor();
    await page.getByText(/Zendesk refused these credentials: Zendesk 401/).waitFor();
    expect(await connections()).toEqual([]);
    await screenshot(page, "helpdesks-zendesk-refused");

    await page.getByLabel("API token").fill(ZENDESK.apiToken);
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("Zendesk connected").waitFor();
    await waitForIdle(page);
    const url = await eventually(async () => {
      const value = await page.getByLabel("Webhook URL").inputValue();
      expect(value).toMatch(/^https:\/\/shipwatch\.test\/helpdesks\/zendesk\/[0-9a-f]{24}$/);
      return value;
    });
    expect(await page.getByText("Waiting for the signing secret").count()).toBe(1);
    expect(await page.getByLabel("JSON body (Zendesk trigger)").inputValue()).toContain('"customerEmail": "{{ticket.requester.email}}"');
    // the token is never shown back, not even in the page's data
    expect(await page.content()).not.toContain(ZENDESK.apiToken);
    const [row] = await connections();
    expect(row).toMatchObject({ shop: PREVIEW_SHOP, provider: "zendesk" });
    expect(row!.credentials).toMatch(/^v1:/);
    expect(url.endsWith(((await app.db.selectFrom("HelpdeskConnection").select("publicId").executeTakeFirstOrThrow()).publicId))).toBe(true);
    await saveBar().waitFor({ state: "hidden" });

    // then the secret from Zendesk, and an option off: saved without typing the token again
    await page.getByLabel("Webhook signing secret (from Zendesk)").fill("zendesk-signing-secret-browser");
    await page.getByLabel("Add updates to the open ticket instead of emailing").uncheck();
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("Zendesk saved").waitFor();
    await eventually(async () => expect(await page.getByText("Waiting for the signing secret").count()).toBe(0));
    const [view] = (await app.container.services.helpdesks.list(PREVIEW_SHOP)).filter((v) => v.provider === "zendesk");
    expect(view).toMatchObject({ hasWebhookSecret: true, options: { noteInsteadOfEmail: false, tagWismo: true } });
    await screenshot(page, "helpdesks-zendesk-connected");
  });

  it("connects Gorgias with a signing secret shown once, and explains the shipments widget", async () => {
    await openAdminPage(page, app.url, "/app/settings/helpdesks?helpdesk=gorgias");
    await page.getByLabel("Gorgias account").fill("shipwatch-demo");
    await page.getByLabel("API user's email").fill(GORGIAS.email);
    await page.getByLabel("API key").fill(GORGIAS.apiKey);
    await page.getByLabel("Tags").fill("wismo, has space");
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText(/no spaces/).waitFor();
    expect(await connections()).toHaveLength(1);
    await page.getByLabel("Tags").fill("wismo, shipwatch");
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("Gorgias connected").waitFor();
    const secret = await eventually(async () => {
      const value = await page.getByLabel("Signing secret", { exact: true }).inputValue();
      expect(value).toMatch(/^swhd_/);
      return value;
    });
    expect(await page.getByLabel("Widget URL").inputValue()).toBe("https://shipwatch.test/api/v1/shipments?email={{ticket.customer.email}}");
    await screenshot(page, "helpdesks-gorgias-connected");

    // shown once: a fresh visit has no secret on the page
    await openAdminPage(page, app.url, "/app/settings/helpdesks?helpdesk=gorgias");
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByText("Signing secret: made by Shipwatch and shown once").count()).toBe(1);
  });

  it("shows a message added to a ticket instead of emailed as “Noted on ticket” in the Outbox, with the ticket it went to", async () => {
    // the row as the sender leaves it (test/integration/helpdesks.test.ts drives the sender itself)
    const at = Date.now();
    const reason = "Added as a note to Zendesk ticket 4242 instead of an email";
    const { id } = await app.db
      .insertInto("Notification")
      .values({ shop: PREVIEW_SHOP, sendKey: "1|out_for_delivery|email", shipmentId: 1, orderId: "1", orderName: "#1042", moment: "out_for_delivery", channel: "email", template: "out_for_delivery", recipient: "maya.chen@example.com", status: "suppressed", statusReason: reason, sendAt: at, subject: "Out for delivery", preview: "Out for delivery\n\nYour order #1042 is out for delivery today.", createdAt: at, updatedAt: at })
      .returning("id")
      .executeTakeFirstOrThrow();
    await openAdminPage(page, app.url, "/app/notifications/outbox");
    await page.getByText("Noted on ticket").first().waitFor();
    expect(await page.locator("table").getByText("Not sent", { exact: true }).count()).toBe(0);
    await screenshot(page, "helpdesks-outbox-noted");
    await openAdminPage(page, app.url, `/app/notifications/outbox/${id}`);
    await page.getByText(reason).first().waitFor();
    await page.getByRole("heading", { name: "What was added to the ticket" }).waitFor();
    expect(await page.getByText("Email as the customer sees it").count()).toBe(0);
    await screenshot(page, "helpdesks-outbox-noted-message");
  });
});
