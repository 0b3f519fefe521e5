import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
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
 * The Tickets page as support reads it, in Chromium over the local preview: tickets posted by a helpdesk to
 * `POST /api/v1/tickets` with the shop's key, each shown with what it asks and the order it was matched to, the
 * customer's words always as text, and nothing of another store.
 */

let app: TestApp;
let clock: ReturnType<typeof runningClock>;
let seeded: SeedShipment[];
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;
let key: string;
let theirKey: string;

const open = (path: string) => openAdminPage(page, app.url, path);
const post = async (ticket: Record<string, unknown>, bearer = key) => {
  const res = await fetch(`${app.url}/api/v1/tickets`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ createdAt: new Date().toISOString(), ...ticket }),
  });
  expect(res.status).toBe(200);
  return res.json();
};

describe("Tickets in Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    clock = runningClock();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP, SHOP_B], clock, env: { SWEEP_INTERVAL_SECONDS: "3600" } });
    seeded = planShipments(["in_transit", "delivered"], { now: Date.now(), carriers: ["UPS"] });
    for (const [i, s] of seeded.entries()) await deliverShipment(app, clock, PREVIEW_SHOP, s, 9_300_000 + i * 10);
    clock.resume();
    key = (await app.container.services.supportApi.createKey(PREVIEW_SHOP, "Gorgias")).key;
    theirKey = (await app.container.services.supportApi.createKey(SHOP_B, "Zendesk")).key;
    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
  });

  it("says how tickets arrive while there are none", async () => {
    await open("/app/tickets");
    await page.getByText("No tickets yet").waitFor();
    expect(await page.getByText("Connect your helpdesk in Settings, or post tickets to the Support API").count()).toBe(1);
    await screenshot(page, "tickets-empty");
  });

  it("lists tickets newest first with what each asks and its order, shows HTML as text, and nothing of another store", async () => {
    const moving = seeded[0]!;
    const wismo = await post({ id: "g-1", source: "gorgias", customerEmail: `customer${moving.orderNumber}@example.com`, subject: `Where is my order ${moving.orderName}?`, body: "Hi, it still hasn't arrived. Any news?" });
    expect(wismo).toMatchObject({ wismo: true, orderName: moving.orderName });
    await post({ id: "g-2", source: "gorgias", customerEmail: "shopper@example.com", subject: "Exchange for a larger size", body: "The jacket is too small, can I swap it for an L?" });
    // a hostile ticket: stored as sent, shown as text, never run
    const hostile = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;
    await post({ id: "z-3", source: "zendesk", customerEmail: "mallory@example.com", subject: "<b>Bold</b> question", body: hostile });
    // the other store's ticket, on an order of its own
    await post({ id: "g-1", source: "gorgias", customerEmail: "them@example.com", subject: "Their private question", body: "Where is my parcel #1001?" }, theirKey);

    await open("/app/tickets");
    const rows = await eventually(async () => {
      await waitForIdle(page);
      const cells = await tableCells(page);
      expect(cells).toHaveLength(3);
      return cells;
    });
    // newest first: the hostile one, the exchange, the WISMO ticket
    expect(rows[0]![0]).toContain("<b>Bold</b> question");
    expect(rows[1]![2]).toBe("Something else");
    expect(rows[2]![0]).toContain(`Where is my order ${moving.orderName}?`);
    expect(rows[2]![1]).toBe(`customer${moving.orderNumber}@example.com`);
    expect(rows[2]![2]).toBe("Where is my order");
    expect(rows[2]![3]).toBe(moving.orderName);
    expect(await page.content()).not.toContain("Their private question");
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("main img[src=x], main b").count()).toBe(0);
    await screenshot(page, "tickets");

    // the WISMO tab keeps the one ticket that asks where an order is; its order opens the shipment
    await page.getByRole("tab", { name: "Where is my order" }).click();
    await eventually(async () => expect(new URL(page.url()).searchParams.get("view")).toBe("wismo"));
    await eventually(async () => {
      await waitForIdle(page);
      expect((await tableCells(page)).map((r) => r[3])).toEqual([moving.orderName]);
    });
    await page.getByRole("link", { name: moving.orderName }).click();
    await page.waitForURL(/\/app\/shipments\/\d+/);
    await page.getByRole("heading", { name: moving.orderName, level: 1 }).waitFor();
  });
});
