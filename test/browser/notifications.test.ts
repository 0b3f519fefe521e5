import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MOMENT_LABELS, MOMENTS, CHANNEL_LABELS, CHANNELS, OFF_BY_DEFAULT_MOMENTS } from "~/domain/notifications";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { momentLabel } from "~/components/notification-words";
import { SHOP_B, startTestApp, type TestApp } from "../support/test-app";
import {
  deliverShipment,
  eventually,
  openAdminBrowser,
  openAdminPage,
  planShipments,
  runningClock,
  screenshot,
  tableCells,
  waitForIdle,
  watchBrowserErrors,
  type SeedShipment,
} from "./support";

/**
 * Proactive notifications as a merchant runs them, in Chromium over the local preview: the channels and the policy
 * (Notifications), every planned message (Outbox) and what the messages say (Templates). The messages are real:
 * shipments arrive as signed webhooks, evaluation plans their moments, and the worker sends them through a local
 * SMTP capture and a local webhook receiver that can be told to refuse.
 */

const WEBHOOK_SECRET = "whsec-test-signing-secret-0123456789";
const SLACK_TOKEN = "T0000SLACKSECRETTOKEN42";

/** A helpdesk endpoint on loopback: answers 400 (a permanent refusal) until told to accept. */
async function startReceiver() {
  let accept = false;
  const hits: { path: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      hits.push({ path, body: Buffer.concat(chunks).toString("utf8") });
      // Slack's stand-in always answers as Slack does
      if (path.startsWith("/slack") || accept) {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      } else {
        res.writeHead(400, { "content-type": "text/plain" });
        res.end("rejected by the test receiver");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    accept(on: boolean) {
      accept = on;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let app: TestApp;
let clock: ReturnType<typeof runningClock>;
let smtp: SmtpCapture;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let seeded: SeedShipment[];
let theirs: SeedShipment;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const open = (path: string) => openAdminPage(page, app.url, path);
const notifications = () => app.container.services.notifications;
const outbox = (shop = PREVIEW_SHOP, filter: Parameters<ReturnType<typeof notifications>["outbox"]>[1] = {}) => notifications().outbox(shop, filter, { limit: 500, offset: 0 });
const channelOf = async (channel: string) => (await notifications().overview(PREVIEW_SHOP)).channels.find((c) => c.channel === channel)!;
const region = (name: string) => page.getByRole("region", { name, exact: true });
/** App Bridge's contextual save bar (drawn by the local preview) and the toast that says a save went through */
const saveBar = () => page.locator("ui-save-bar");
const saveThroughBar = () => saveBar().getByRole("button", { name: "Save", exact: true }).click();
const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) });
const customerEmail = (s: SeedShipment) => `customer${s.orderNumber}@example.com`;

async function rowsAfterNavigation(expected: number) {
  return eventually(async () => {
    await waitForIdle(page);
    const rows = await tableCells(page);
    expect(rows).toHaveLength(expected);
    return rows;
  });
}

describe("Notifications, Outbox and Templates in Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    smtp = await startSmtpCapture();
    receiver = await startReceiver();
    clock = runningClock();
    app = await startTestApp({
      remix: true,
      localPreview: true,
      shops: [PREVIEW_SHOP, SHOP_B],
      clock,
      env: { SWEEP_INTERVAL_SECONDS: "3600", SMTP_URL: smtp.url, EMAIL_FROM: "Shop <shop@example.test>", CHANNEL_ALERT_HOURS: "1" },
    });

    // this store: email through the operator's relay, and a helpdesk webhook that refuses everything for now.
    // No quiet hours and no combining, so that messages go the moment they are planned.
    for (const shop of [PREVIEW_SHOP, SHOP_B]) {
      expect(await notifications().savePolicy(shop, { quietHours: { enabled: false }, combineWindowMinutes: 0, dailyCap: 10 })).toMatchObject({ ok: true });
      expect(await notifications().saveChannel(shop, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
    }
    expect(await notifications().saveChannel(PREVIEW_SHOP, "webhook", { enabled: true, settings: { url: `${receiver.url}/hook` }, secret: { signingSecret: WEBHOOK_SECRET } })).toEqual({ ok: true });

    const now = Date.now();
    seeded = planShipments(["out_for_delivery", "delivered", "address_issue", "in_transit"], { now, carriers: ["UPS", "USPS"] });
    for (const [i, s] of seeded.entries()) await deliverShipment(app, clock, PREVIEW_SHOP, s, 9_500_000 + i * 10);
    // another store, with its own customers and messages
    theirs = planShipments(["out_for_delivery"], { now, carriers: ["UPS"], firstOrder: 7001, idBase: 7_000_000 })[0]!;
    await deliverShipment(app, clock, SHOP_B, theirs, 8_500_000);
    clock.resume();
    await app.settle();

    const mine = await outbox();
    expect(mine.counts.sent).toBeGreaterThan(0);
    expect(mine.counts.failed).toBeGreaterThan(0);
    expect(mine.rows.some((r) => r.channel === "webhook" && r.status === "failed")).toBe(true);
    expect((await outbox(SHOP_B)).total).toBeGreaterThan(0);
    expect(smtp.messages.some((m) => m.to.includes(customerEmail(seeded[0]!)))).toBe(true);
    // the webhook has been refusing since the first shipment's label, hours ago: past the alert threshold
    expect((await notifications().alerts(PREVIEW_SHOP)).map((a) => a.channel)).toEqual(["webhook"]);

    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
    // opening the next page over one left with unsaved changes: leave it
    page.on("dialog", (dialog) => void dialog.accept());
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
    await receiver?.close();
    await smtp?.close();
  });

  describe("Notifications", () => {
    it("shows every channel with its state, every moment, and a banner for the channel that keeps failing", async () => {
      await open("/app/notifications");
      await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
      for (const channel of CHANNELS) await region(CHANNEL_LABELS[channel]).waitFor();
      expect(await region("Email").getByText("On", { exact: true }).count()).toBe(1);
      expect(await region("Signed webhooks (helpdesk)").getByText("Failing", { exact: true }).count()).toBe(1);
      expect(await region("SMS (Twilio)").getByText("Off", { exact: true }).count()).toBe(1);
      await expect(region("Signed webhooks (helpdesk)").textContent()).resolves.toContain("rejected by the test receiver");
      // every moment is on by default except the ones a shop opts into ("may arrive a day later" is a prediction)
      for (const moment of MOMENTS) {
        expect(await page.getByRole("checkbox", { name: MOMENT_LABELS[moment], exact: true }).isChecked(), moment).toBe(!OFF_BY_DEFAULT_MOMENTS.has(moment));
      }

      const banner = page.getByText("Signed webhooks (helpdesk) has been failing for more than an hour");
      await banner.waitFor();
      await page.getByRole("link", { name: "See failed messages" }).waitFor();
      expect(new URL((await page.getByRole("link", { name: "See failed messages" }).getAttribute("href"))!, app.url).searchParams.get("status")).toBe("failed");
      await screenshot(page, "notifications");
    });

    it("shows the failing channel on every admin page, linking to the channels and the failed messages", async () => {
      await open("/app");
      const alert = page.getByText("Signed webhooks (helpdesk) has been failing for more than", { exact: false });
      await alert.waitFor();
      await page.getByRole("link", { name: "See the channels" }).waitFor();
      expect(new URL((await page.getByRole("link", { name: "See failed messages" }).getAttribute("href"))!, app.url).searchParams.get("status")).toBe("failed");
      await screenshot(page, "failing-channel-banner");
    });

    it("refuses quiet hours that start and end together and a check-in past 24 hours, field by field, and saves nothing", async () => {
      await open("/app/notifications");
      await page.getByRole("checkbox", { name: "Keep quiet hours" }).check();
      await page.getByLabel("Quiet from").fill("22:00");
      await page.getByLabel("Quiet until").fill("22:00");
      await page.getByLabel("After-delivery check-in").fill("30");
      await saveThroughBar();
      await page.getByText("Notification settings were not saved").waitFor();
      await page.getByText("Quiet hours must start and end at different times").waitFor();
      await page.getByText("At most 24 hours").waitFor();
      expect(await page.getByLabel("Quiet until").getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByLabel("After-delivery check-in").getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByLabel("Quiet from").getAttribute("aria-invalid")).not.toBe("true");
      await screenshot(page, "notifications-invalid");
      const { policy } = await notifications().overview(PREVIEW_SHOP);
      expect(policy.quietHours.enabled).toBe(false);
      expect(policy.postDeliveryHoldHours).toBe(12);
    });

    it("saves valid quiet hours, a moment switched off and the SMS segment; a reload shows them", async () => {
      try {
        await open("/app/notifications");
        await page.getByRole("checkbox", { name: "Keep quiet hours" }).check();
        await page.getByLabel("Quiet from").fill("22:00");
        await page.getByLabel("Quiet until").fill("07:30");
        await page.getByLabel("After-delivery check-in").fill("18");
        await page.getByRole("checkbox", { name: "Delay: weather", exact: true }).uncheck();
        await page.getByLabel("Orders worth at least").fill("250");
        await page.getByLabel("Default language").selectOption("fr");
        // the page's one Save is the save bar's
        expect(await page.getByRole("button", { name: /^Save/ }).count()).toBe(1);
        await saveThroughBar();
        await toast("Notification settings saved").waitFor();
        await saveBar().waitFor({ state: "hidden" });
        const { policy } = await notifications().overview(PREVIEW_SHOP);
        expect(policy).toMatchObject({
          quietHours: { enabled: true, start: "22:00", end: "07:30" },
          postDeliveryHoldHours: 18,
          moments: { delay_weather: false },
          sms: { minOrderValue: 250, express: true },
          defaultLocale: "fr",
        });

        await open("/app/notifications");
        expect(await page.getByRole("checkbox", { name: "Keep quiet hours" }).isChecked()).toBe(true);
        expect(await page.getByLabel("Quiet from").inputValue()).toBe("22:00");
        expect(await page.getByLabel("Quiet until").inputValue()).toBe("07:30");
        expect(await page.getByLabel("After-delivery check-in").inputValue()).toBe("18");
        expect(await page.getByRole("checkbox", { name: "Delay: weather", exact: true }).isChecked()).toBe(false);
        expect(await page.getByRole("checkbox", { name: "Delay: address", exact: true }).count()).toBe(0);
        expect(await page.getByRole("checkbox", { name: "Problem: address", exact: true }).isChecked()).toBe(true);
        expect(await page.getByLabel("Default language").inputValue()).toBe("fr");
      } finally {
        // the replays below must go at once, whatever the hour where the customers live
        await notifications().savePolicy(PREVIEW_SHOP, { quietHours: { enabled: false }, combineWindowMinutes: 0, dailyCap: 10 });
      }
    });

    it("shows a channel's field errors inline, and connects Slack without ever rendering its secret back", async () => {
      await open("/app/notifications");
      const klaviyo = region("Klaviyo events");
      await klaviyo.getByRole("checkbox", { name: "Send with Klaviyo events" }).check();
      await klaviyo.getByLabel("Private API key").fill("not-a-key");
      await saveThroughBar();
      await klaviyo.getByText("A Klaviyo private API key starts with pk_").waitFor();
      expect(await klaviyo.getByLabel("Private API key").getAttribute("aria-invalid")).toBe("true");
      expect((await channelOf("klaviyo")).enabled).toBe(false);
      // Discard puts the card back as saved: off, no key, no error, and the save bar goes
      await saveBar().getByRole("button", { name: "Discard", exact: true }).click();
      await saveBar().waitFor({ state: "hidden" });
      expect(await klaviyo.getByRole("checkbox", { name: "Send with Klaviyo events" }).isChecked()).toBe(false);
      expect(await klaviyo.getByText("A Klaviyo private API key starts with pk_").count()).toBe(0);

      const slack = region("Slack (internal alerts)");
      const secretUrl = `${receiver.url}/slack/${SLACK_TOKEN}`;
      await slack.getByRole("checkbox", { name: "Send with Slack (internal alerts)" }).check();
      await slack.getByLabel("Channel name").fill("#shipping-alerts");
      expect(await slack.getByLabel("Incoming webhook URL").getAttribute("type")).toBe("password");
      await slack.getByLabel("Incoming webhook URL").fill(secretUrl);
      await saveBar().waitFor();
      await screenshot(page, "notifications-unsaved");
      await saveThroughBar();
      await toast("Slack (internal alerts) saved").waitFor();
      const stored = await channelOf("slack");
      expect(stored).toMatchObject({ enabled: true, hasSecret: true, ready: true, settings: { label: "#shipping-alerts" } });
      // the typed secret is gone from the form once saved, and the page never had it from the server
      await eventually(async () => expect(await slack.getByLabel("Incoming webhook URL").inputValue()).toBe(""));
      expect(await page.content()).not.toContain(SLACK_TOKEN);

      await open("/app/notifications");
      const html = await page.content();
      expect(html).not.toContain(SLACK_TOKEN);
      expect(html).not.toContain(WEBHOOK_SECRET);
      const field = region("Slack (internal alerts)").getByLabel("Incoming webhook URL");
      expect(await field.inputValue()).toBe("");
      expect(await field.getAttribute("placeholder")).toBe("•••••••• saved");
      await region("Slack (internal alerts)").getByText("Saved and encrypted. Leave empty to keep it").waitFor();
      // the loader's data (the JSON Remix hydrates from) carries no secret either
      const data = await page.evaluate(() => JSON.stringify((window as unknown as { __remixContext?: unknown }).__remixContext ?? null));
      expect(data).toContain("#shipping-alerts");
      expect(data).not.toContain(SLACK_TOKEN);
      expect(data).not.toContain(WEBHOOK_SECRET);
    });

    it("sends a test on a channel and shows what came of it: accepted by email, refused by the helpdesk", async () => {
      await open("/app/notifications");
      const email = region("Email");
      await email.getByLabel("Send a test to").fill("qa@example.test");
      await email.getByRole("button", { name: "Send a test with Email" }).click();
      await email.getByText("Test sent").waitFor();
      await smtp.waitFor(smtp.messages.length);
      await eventually(async () => expect(smtp.messages.some((m) => m.to.includes("qa@example.test"))).toBe(true));

      const webhook = region("Signed webhooks (helpdesk)");
      const before = receiver.hits.length;
      await webhook.getByRole("button", { name: "Send a test with Signed webhooks (helpdesk)" }).click();
      await webhook.getByText("The test was not sent").waitFor();
      await webhook.getByText(/\b400: rejected by the test receiver/).first().waitFor();
      expect(receiver.hits.length).toBe(before + 1);
      expect(await page.content()).not.toContain(WEBHOOK_SECRET);
    });
  });

  describe("Outbox", () => {
    it("lists this store's messages, newest first, with masked recipients and a count per status", async () => {
      const mine = await outbox();
      await open("/app/notifications/outbox");
      await page.getByRole("heading", { name: "Outbox", level: 1 }).waitFor();
      const rows = await rowsAfterNavigation(Math.min(mine.total, 50));
      // cells: checkbox, order, moment, channel, recipient, status, attempts, last error, when
      expect(rows.map((r) => r[2])).toEqual(mine.rows.slice(0, 50).map((r) => (MOMENT_LABELS as Record<string, string>)[r.moment] ?? expect.any(String)));
      const emailRow = rows.find((r) => r[1] === seeded[0]!.orderName && r[3] === "Email")!;
      expect(emailRow[4]).toBe("c••••••@example.com");
      const html = await page.content();
      for (const s of seeded) expect(html).not.toContain(customerEmail(s));
      expect(html).not.toContain(WEBHOOK_SECRET);
      // the webhook's URL shows only its origin
      expect(rows.filter((r) => r[3] === "Webhook").every((r) => r[4] === `${receiver.url}/…`)).toBe(true);
      await expect(page.getByRole("tab", { name: /^Failed/ }).textContent()).resolves.toContain(String(mine.counts.failed));
      await expect(page.getByRole("tab", { name: /^Sent/ }).textContent()).resolves.toContain(String(mine.counts.sent));
      await screenshot(page, "outbox");
    });

    it("filters by status from the URL and from the tabs", async () => {
      const failed = await outbox(PREVIEW_SHOP, { status: "failed" });
      await open("/app/notifications/outbox?status=failed");
      let rows = await rowsAfterNavigation(failed.total);
      expect(rows.every((r) => r[5] === "Failed")).toBe(true);
      expect(rows.every((r) => r[3] === "Webhook")).toBe(true);
      expect(rows.every((r) => r[7]!.includes("rejected by the test receiver"))).toBe(true);
      await screenshot(page, "outbox-failed");

      const sent = await outbox(PREVIEW_SHOP, { status: "sent" });
      await page.getByRole("tab", { name: /^Sent/ }).click();
      rows = await rowsAfterNavigation(sent.total);
      expect(rows.every((r) => r[5] === "Sent")).toBe(true);
      const url = new URL(page.url());
      expect([url.searchParams.get("status"), url.searchParams.get("shop")]).toEqual(["sent", PREVIEW_SHOP]);

      // the order search narrows to one order
      await open(`/app/notifications/outbox?q=${encodeURIComponent(seeded[2]!.orderName)}`);
      rows = await rowsAfterNavigation((await outbox(PREVIEW_SHOP, { q: seeded[2]!.orderName })).total);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r[1] === seeded[2]!.orderName)).toBe(true);
    });

    it("opens a failed message: why it was parked, the provider's answer and the payload", async () => {
      const [failed] = (await outbox(PREVIEW_SHOP, { status: "failed" })).rows;
      await open("/app/notifications/outbox?status=failed");
      await page.getByRole("link", { name: `Message ${failed!.id}:` }).click();
      await page.waitForURL(new RegExp(`/app/notifications/outbox/${failed!.id}\\?`));
      await page.getByText("Not delivered").waitFor();
      await page.getByText("Parked: the provider refused it").first().waitFor();
      await page.getByText(/Last error: .*rejected by the test receiver/).waitFor();
      const payload = await page.getByLabel("Message text").textContent();
      expect(payload).toContain('"order_name"');
      expect(new URL(page.url()).searchParams.get("status")).toBe("failed");
    });

    it("replays one failed message from the list, then every parked one; they go out once the helpdesk accepts", async () => {
      receiver.accept(true);
      const failed = (await outbox(PREVIEW_SHOP, { status: "failed" })).rows;
      expect(failed.length).toBeGreaterThan(1);
      await open("/app/notifications/outbox?status=failed");
      await rowsAfterNavigation(failed.length);
      const first = failed[0]!;
      await page.getByRole("row").filter({ has: page.getByRole("link", { name: `Message ${first.id}:` }) }).locator("td").first().locator("input[type=checkbox]").check({ force: true });
      await page.getByRole("button", { name: "Replay 1 failed" }).click();
      await page.getByRole("status").filter({ hasText: "1 message queued again" }).waitFor();
      await app.settle();
      await eventually(async () => expect((await notifications().message(PREVIEW_SHOP, first.id))?.status).toBe("sent"));
      // the others are still parked
      expect((await outbox(PREVIEW_SHOP, { status: "failed" })).total).toBe(failed.length - 1);
      await open("/app/notifications/outbox?status=failed");
      await rowsAfterNavigation(failed.length - 1);

      await page.getByRole("button", { name: `Replay all failed (${failed.length - 1})` }).click();
      await page.getByRole("status").filter({ hasText: `${failed.length - 1} messages queued again` }).waitFor();
      await app.settle();
      await eventually(async () => expect((await outbox(PREVIEW_SHOP, { status: "failed" })).total).toBe(0));
      for (const m of failed) expect((await notifications().message(PREVIEW_SHOP, m.id))?.status).toBe("sent");
      await open("/app/notifications/outbox?status=failed");
      await rowsAfterNavigation(0);
      await page.getByText("No messages match these filters.").waitFor();
    });

    it("opens a sent email: the text that went out, and the HTML version in a sandboxed frame only", async () => {
      const email = (await outbox(PREVIEW_SHOP, { status: "sent", channel: "email" })).rows.find((r) => r.orderName === seeded[0]!.orderName)!;
      expect(email).toBeDefined();
      await open("/app/notifications/outbox?channel=email");
      await page.getByRole("link", { name: `Message ${email.id}:` }).click();
      await page.waitForURL(new RegExp(`/app/notifications/outbox/${email.id}\\?`));
      await page.getByRole("heading", { name: "What was sent" }).waitFor();
      await page.getByText(email.subject!, { exact: true }).waitFor();
      expect(await page.getByLabel("Message text").textContent()).toContain(seeded[0]!.orderName);

      const frame = page.locator("iframe[title='HTML email preview']");
      expect(await frame.getAttribute("sandbox")).toBe("");
      const srcdoc = (await frame.getAttribute("srcdoc"))!;
      expect(srcdoc).toContain(seeded[0]!.orderName);
      expect(srcdoc).toMatch(/<a\b/);
      // the email's HTML is inside the frame, never in the admin's own document
      expect(await page.locator("body a[href*='/apps/track']").count()).toBe(0);
      const inner = page.frameLocator("iframe[title='HTML email preview']");
      await inner.getByText(seeded[0]!.orderName).first().waitFor();
      const html = await page.content();
      expect(html).not.toContain(customerEmail(seeded[0]!));
      await screenshot(page, "outbox-detail");
    });

    it("shows on a shipment the messages sent about it, each linking to its detail in the Outbox", async () => {
      const sent = (await outbox(PREVIEW_SHOP, { status: "sent", channel: "email" })).rows[0]!;
      const mine = (await outbox(PREVIEW_SHOP, { shipmentId: sent.shipmentId })).rows;
      await open(`/app/shipments/${sent.shipmentId}`);
      await page.getByRole("heading", { name: "Messages", level: 2 }).waitFor();
      const link = page.getByRole("link", { name: momentLabel(sent.moment) }).first();
      await link.waitFor();
      expect(await page.getByText("Email · ", { exact: false }).count()).toBe(mine.filter((m) => m.channel === "email").length);
      expect(new URL((await link.getAttribute("href"))!, app.url).pathname).toMatch(/^\/app\/notifications\/outbox\/\d+$/);
      await screenshot(page, "shipment-messages");
    });

    it("shows another store's messages to nobody here: not in the list, and not by their link", async () => {
      const their = await outbox(SHOP_B);
      expect(their.total).toBeGreaterThan(0);
      await open("/app/notifications/outbox");
      await waitForIdle(page);
      const html = await page.content();
      expect(html).not.toContain(theirs.orderName);
      const ids = new Set((await outbox()).rows.map((r) => r.id));
      expect(their.rows.some((r) => ids.has(r.id))).toBe(false);

      const response = await open(`/app/notifications/outbox/${their.rows[0]!.id}`);
      expect(response?.status()).toBe(404);
      await page.getByRole("heading", { name: "Message not found" }).waitFor();
      expect(await page.content()).not.toContain(theirs.orderName);
      browserErrors.expect(/status of 404/);
      await waitForIdle(page);
    });
  });

  describe("Templates", () => {
    const editor = "/app/notifications/templates?key=out_for_delivery&channel=email&locale=en";
    const preview = () => page.getByTestId("preview-subject");

    it("previews the draft live against a real shipment, and saves a valid edit", async () => {
      await open(editor);
      await page.getByRole("heading", { name: "Templates", level: 1 }).waitFor();
      const option = await page.getByLabel("Shipment", { exact: true }).evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]!.textContent ?? "");
      const orderName = option.split(" · ")[0]!;
      expect(seeded.map((s) => s.orderName)).toContain(orderName);
      await eventually(async () => expect(await preview().textContent()).toBe(`Arriving today: order ${orderName}`));
      expect(await page.locator("iframe[title='Email preview']").getAttribute("sandbox")).toBe("");

      expect(await saveBar().isVisible()).toBe(false);
      await page.getByLabel("Subject").fill("Heads up: {{ order.name }} arrives today with {{ shipment.carrier }}");
      await saveBar().waitFor();
      await eventually(async () => expect(await preview().textContent()).toMatch(new RegExp(`^Heads up: ${orderName} arrives today with (UPS|USPS)$`)));
      // a different shipment, the same draft
      const other = seeded.find((s) => s.orderName !== orderName)!;
      await page.getByLabel("Shipment", { exact: true }).selectOption({ label: (await page.getByLabel("Shipment", { exact: true }).locator("option", { hasText: other.orderName }).first().textContent())! });
      await eventually(async () => expect(await preview().textContent()).toContain(`Heads up: ${other.orderName} arrives today`));
      await screenshot(page, "template-editor");

      await saveThroughBar();
      await toast("Template saved").waitFor();
      await saveBar().waitFor({ state: "hidden" });
      const saved = await notifications().template(PREVIEW_SHOP, "out_for_delivery", "email", "en");
      expect(saved).toMatchObject({ custom: true, subject: "Heads up: {{ order.name }} arrives today with {{ shipment.carrier }}" });
      await open(editor);
      expect(await page.getByLabel("Subject").inputValue()).toBe("Heads up: {{ order.name }} arrives today with {{ shipment.carrier }}");
      await page.getByText("Edited", { exact: true }).waitFor();
      // the reopened page's live preview has answered: leaving with it in flight would abort it
      await eventually(async () => expect(await preview().textContent()).toMatch(/^Heads up: /));
    });

    it("refuses an unknown variable on save with its line, and keeps the saved version", async () => {
      const before = await notifications().template(PREVIEW_SHOP, "out_for_delivery", "email", "en");
      await open(editor);
      const body = page.getByLabel("Body (HTML)");
      await body.fill("<p>Hello {{ customer.first_name }},</p>\n<p>Your parcel: {{ shipment.tracking_nmber }}</p>");
      await saveThroughBar();
      await page.getByText("The template was not saved").waitFor();
      await page.getByText(/Unknown variable "shipment\.tracking_nmber"\. Did you mean "shipment\.tracking_number"\?.*\(line 2\)/).first().waitFor();
      expect(await body.getAttribute("aria-invalid")).toBe("true");
      // the live preview says the same
      await page.getByText("The preview cannot be shown").waitFor();
      await screenshot(page, "template-editor-invalid");
      const after = await notifications().template(PREVIEW_SHOP, "out_for_delivery", "email", "en");
      expect(after?.body).toBe(before?.body);
      expect(after?.subject).toBe(before?.subject);
    });

    it("resets an edited template to the default", async () => {
      const edit = { template: "out_for_delivery", channel: "email" as const, locale: "en", subject: "Edited: {{ order.name }}", body: "<p>Edited for {{ order.name }}</p>" };
      expect(await notifications().saveTemplate(PREVIEW_SHOP, edit)).toEqual({ ok: true });
      await open(editor);
      expect(await page.getByLabel("Subject").inputValue()).toBe("Edited: {{ order.name }}");
      await page.getByRole("button", { name: "Reset to default" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Reset to default" }).click();
      await eventually(async () => expect(await page.getByLabel("Subject").inputValue()).toBe("Arriving today: order {{ order.name }}"));
      expect(await notifications().template(PREVIEW_SHOP, "out_for_delivery", "email", "en")).toMatchObject({ custom: false });
    });

    it("edits an SMS template in another language, with the text as it will arrive", async () => {
      await open("/app/notifications/templates?key=delivered&channel=sms&locale=fr");
      const text = page.getByTestId("preview-text");
      await eventually(async () => expect(await text.textContent()).toMatch(/\S/));
      await page.getByLabel("Message text").fill("{{ shop.name }} : commande {{ order.name }} livrée.");
      await eventually(async () => expect(await text.textContent()).toMatch(/: commande #\d+ livrée\.$/));
      await page.getByText(/characters · 1 SMS/).waitFor();
    });
  });
});
