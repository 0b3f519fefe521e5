import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_B, startTestApp, type TestApp } from "../support/test-app";
import { openAdminBrowser, openAdminPage, runningClock, screenshot, watchBrowserErrors } from "./support";

/**
 * Team alerts as a merchant sets them up, in Chromium over the local preview: a bad webhook URL is refused in its
 * field and nothing is saved; a good one is saved through the save bar; a case past its SLA then alerts the team's
 * webhook (the Slack stand-in), and the case page says so.
 */
const HOUR = 3_600_000;

let app: TestApp;
let providers: FakeProviders;
let clock: ReturnType<typeof runningClock>;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const saveBar = () => page.locator("ui-save-bar");
const saveThroughBar = () => saveBar().getByRole("button", { name: "Save", exact: true }).click();
const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });

/** a shipment and a case on it, opened three hours ago and due an hour after */
async function overdueCase(name: string) {
  clock.set(Date.now() - 3 * HOUR);
  const at = new Date(clock.now() - HOUR).toISOString();
  const order = orderPayload({ id: newId(), name, created_at: at, updated_at: at });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: at, updated_at: at });
  await app.sendWebhook("orders/create", order, { shop: PREVIEW_SHOP });
  await app.sendWebhook("fulfillments/create", f, { shop: PREVIEW_SHOP });
  await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed facility", happened_at: at }), { shop: PREVIEW_SHOP });
  await app.settle();
  const shipment = await app.db.selectFrom("Shipment").select("id").where("shop", "=", PREVIEW_SHOP).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
  const opened = await app.container.services.desk.openCase(PREVIEW_SHOP, shipment.id, { type: "lost", owner: "fulfillment", priority: "urgent", slaHours: 1, reason: "No scan for 10 days", source: "Lost parcel" });
  clock.resume();
  return opened!.case.id;
}

beforeAll(async () => {
  if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
  providers = await startFakeProviders();
  clock = runningClock();
  app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP, SHOP_B], clock, env: { SWEEP_INTERVAL_SECONDS: "3600" } });
  admin = await openAdminBrowser();
  page = admin.page;
  browserErrors = admin.errors;
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await app?.close();
  await providers?.close();
});

describe("Team alerts (browser)", () => {
  it("refuses a bad webhook URL in its field, saves a good one through the save bar, and the case page shows the alert", async () => {
    await openAdminPage(page, app.url, "/app/notifications/team-alerts");
    await page.getByRole("heading", { name: "Team alerts" }).waitFor();
    expect(await page.getByText("Teams without a webhook of their own are not alerted").count()).toBe(1);

    const fulfillment = page.getByLabel("Slack incoming-webhook URL for Fulfillment");
    await fulfillment.fill("http://hooks.slack.com/services/T000/B000/XXXX");
    await saveBar().waitFor();
    await saveThroughBar();
    await page.getByText("must be https://").waitFor();
    await page.getByText("Nothing was saved").waitFor();
    expect(await app.db.selectFrom("TeamAlertRoute").selectAll().execute()).toEqual([]);
    // the refusal is a 400, which the browser reports: expected here, and only here
    browserErrors.expect(/status of 400 \(Bad Request\).*\/app\/notifications\/team-alerts\.data/);
    await screenshot(page, "team-alerts-error");

    await fulfillment.fill(providers.slackWebhookUrl("fulfillment-team"));
    await saveThroughBar();
    await toast("Team alerts saved").waitFor();
    await saveBar().waitFor({ state: "hidden" });
    await page.getByText("Alerts go to Slack (Fulfillment team's webhook)").waitFor();
    await page.getByText(/Saved webhook ending …team/).waitFor();
    await screenshot(page, "team-alerts-saved");

    const caseId = await overdueCase("#6101");
    await app.container.services.sweep.run(500);
    await app.settle();
    const posts = providers.requests("slack").filter((r) => r.path.endsWith("fulfillment-team"));
    expect(posts).toHaveLength(1);
    expect((JSON.parse(posts[0]!.body) as { text: string }).text).toContain("Parcel likely lost on order *#6101*");

    await openAdminPage(page, app.url, `/app/exceptions/${caseId}`);
    await page.getByText(/Fulfillment alerted on Slack \(Fulfillment team's webhook\)/).waitFor();
    await page.getByText("SLA alert sent to Fulfillment on Slack (Fulfillment team's webhook)").waitFor();
    await screenshot(page, "case-sla-alerted");

    // Slack refuses the next one: the case page says so and sends it again once asked
    providers.failNext("slack", 1, { status: 404, body: "no_service" });
    const refusedId = await overdueCase("#6102");
    await app.container.services.sweep.run(500);
    await app.settle();
    await openAdminPage(page, app.url, `/app/exceptions/${refusedId}`);
    await page.getByText(/Not delivered to Fulfillment: .*no_service/).waitFor();
    await screenshot(page, "case-sla-alert-parked");
    await page.getByRole("button", { name: "Send alert again" }).click();
    await toast("SLA alert queued again").waitFor();
    await app.settle();
    await page.reload();
    await page.getByText(/Fulfillment alerted on Slack/).waitFor();
    expect(providers.requests("slack").filter((r) => r.status === 200 && r.body.includes("#6102"))).toHaveLength(1);
    expect(browserErrors.take()).toEqual([]);
  }, 60_000);
});
