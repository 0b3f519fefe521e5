import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { newId, orderPayload } from "../fixtures/shopify";
import { startTestApp, type TestApp } from "../support/test-app";
import { eventually, openAdminBrowser, openAdminPage, runningClock, screenshot, tableCells, waitForIdle, watchBrowserErrors } from "./support";

/**
 * An order that did not ship in time, as support and fulfillment see it in Chromium over the local preview: the
 * case in the queue (no tracking number: nothing shipped), its page (the lines still to ship, the order in Shopify,
 * no parcel timeline), and the Settings section that sets the handling time, saved through the save bar.
 */

let app: TestApp;
let clock: ReturnType<typeof runningClock>;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;
let order: ReturnType<typeof orderPayload>;

const DAY = 86_400_000;
const open = (path: string) => openAdminPage(page, app.url, path);
const saveBar = () => page.locator("ui-save-bar");
const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text}$`) });

describe("fulfillment_delayed in Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    clock = runningClock();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP], clock, env: { SWEEP_INTERVAL_SECONDS: "3600" } });
    // placed eight days ago; the shoes have not shipped, and two of three pairs of socks are backordered
    const placed = new Date(Date.now() - 8 * DAY).toISOString();
    order = orderPayload({
      id: newId(),
      name: "#4242",
      created_at: placed,
      updated_at: new Date(Date.now() - DAY).toISOString(),
      fulfillment_status: "partial",
      line_items: [
        { id: newId(), title: "Trail Runner 2", name: "Trail Runner 2 - 42 / Blue", quantity: 1, fulfillable_quantity: 1, fulfillment_status: null, requires_shipping: true, gift_card: false },
        { id: newId(), title: "Wool Socks", name: "Wool Socks", quantity: 3, fulfillable_quantity: 2, fulfillment_status: "partial", requires_shipping: true, gift_card: false },
        { id: newId(), title: "Gift card", name: "Gift card", quantity: 1, fulfillable_quantity: 1, fulfillment_status: null, requires_shipping: false, gift_card: true },
      ],
    });
    const res = await app.sendWebhook("orders/create", order, { shop: PREVIEW_SHOP });
    expect(res.status).toBe(200);
    await app.settle();
    await app.container.services.sweep.run(500);
    const open = await app.container.repositories.cases.list(PREVIEW_SHOP, { status: "open" });
    expect(open.cases.map((c) => c.type)).toEqual(["fulfillment_delayed"]);

    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
  }, 120_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
  });

  it("the queue lists the order's case: not shipped yet, for Fulfillment", async () => {
    await open("/app/exceptions");
    const rows = await tableCells(page);
    // cells: checkbox, order, tracking, problem, owner, assignee, priority, SLA, age
    expect(rows).toHaveLength(1);
    expect(rows[0]!.slice(1, 6)).toEqual(["#4242", "Not shipped yet", "Not shipped in time", "Fulfillment", "Unassigned"]);
    await screenshot(page, "exceptions-fulfillment-delayed");
    // the Fulfillment tab has it too
    await page.getByRole("tab", { name: /Fulfillment/ }).click();
    await eventually(async () => {
      await waitForIdle(page);
      expect((await tableCells(page)).map((r) => r[1])).toEqual(["#4242"]);
    });
  });

  it("the case page shows what still waits and the order in Shopify, and no parcel timeline", async () => {
    await open("/app/exceptions");
    await page.getByRole("link", { name: "#4242" }).click();
    await page.getByRole("heading", { name: "Still to ship" }).waitFor();
    await expect(page.getByRole("heading", { name: "Not shipped in time · #4242" }).count()).resolves.toBe(1);
    const lines = page.getByRole("list", { name: "Lines still to ship" });
    await expect(lines.getByRole("listitem").allTextContents()).resolves.toEqual(["Trail Runner 2 - 42 / Blue1 to ship", "Wool Socks2 of 3 to ship"]);
    expect(await page.getByText("Gift card").count()).toBe(0);
    const reason = "3 items still not shipped (partly fulfilled): Trail Runner 2 - 42 / Blue (1 of 1), Wool Socks (2 of 3).";
    // in words on the card, and again in the audit trail's "opened" entry
    await expect(page.getByText(reason, { exact: false }).count()).resolves.toBe(2);
    await expect(page.getByRole("link", { name: "Open order in Shopify" }).getAttribute("href")).resolves.toBe(`shopify://admin/orders/${order.id}`);
    expect(await page.getByRole("heading", { name: "Shipment timeline" }).count()).toBe(0);
    // the audit trail says who opened it and why
    await page.getByText(/Opened by the rule Handling time/).waitFor();
    await screenshot(page, "case-fulfillment-delayed");
  });

  it("Settings: the handling time refuses bad input, saving nothing, then saves a default and an Express override", async () => {
    const before = await app.container.repositories.settings.get(PREVIEW_SHOP);
    expect(before?.handlingTime).toEqual({ businessDays: 2, cutoffHour: 24, methods: [] });
    await open("/app/settings");
    await page.getByRole("heading", { name: "Handling time" }).waitFor();
    const days = page.getByLabel("Days to ship", { exact: true });
    expect(await days.inputValue()).toBe("2");

    await days.fill("-1");
    await page.getByRole("button", { name: "Add shipping method" }).click();
    await saveBar().waitFor();
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Settings were not saved").waitFor();
    await page.getByText("Enter part of a shipping method's name or code").waitFor();
    expect(await days.getAttribute("aria-invalid")).toBe("true");
    expect(await app.container.repositories.settings.get(PREVIEW_SHOP)).toEqual(before);
    await screenshot(page, "settings-handling-time-invalid");

    await days.fill("3");
    await page.getByLabel("Shipping line contains").fill("Express");
    await page.getByLabel("Days to ship with method 1").fill("1");
    await page.getByLabel("Handling cut-off").fill("14");
    await saveBar().getByRole("button", { name: "Save", exact: true }).click();
    await toast("Settings saved").waitFor();
    await saveBar().waitFor({ state: "hidden" });
    expect(await page.getByText("Settings were not saved").count()).toBe(0);
    const saved = await app.container.repositories.settings.get(PREVIEW_SHOP);
    expect(saved?.handlingTime).toEqual({ businessDays: 3, cutoffHour: 14, methods: [{ match: "Express", businessDays: 1 }] });
    // everything else as it was
    expect({ ...saved, handlingTime: null }).toEqual({ ...before, handlingTime: null });
    await screenshot(page, "settings-handling-time");
  });
});
