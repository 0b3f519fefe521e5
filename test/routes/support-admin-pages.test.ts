import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { fixedClock } from "~/domain/clock";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

/**
 * The support admin's pages as the server renders them (the local preview's real authentication, the built
 * Remix app): the queue searched and most urgent first with an Operations tab, the case's hand-off, staff by
 * name, and the shipment page support acts from. Needs `npx remix vite:build`, like the browser tests, which
 * click through the same pages in Chromium.
 */
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

describe("support's admin pages (server-rendered, real SQLite)", () => {
  // session tokens are checked against the real clock: the app's clock is now, held still
  const clock = fixedClock(Date.now());
  let app: TestApp;
  let ours: { orderId: number; shipmentId: number; tracking: string };

  async function ship(shop: string, name: string, tracking: string, email: string, message: string) {
    const at = new Date(clock.now() - 3_600_000).toISOString();
    const order = orderPayload({ id: newId(), name, email, created_at: at, updated_at: at });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: "Canada Post", tracking_number: tracking, tracking_numbers: [tracking], tracking_urls: [], created_at: at, updated_at: at });
    await app.sendWebhook("orders/create", order, { shop });
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "failure", message, happened_at: at }), { shop });
    await app.settle();
    await app.sendWebhook("fulfillments/create", f, { shop });
    await app.settle();
    const shipment = await app.db.selectFrom("Shipment").select("id").where("shop", "=", shop).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
    return { orderId: order.id, shipmentId: shipment.id, tracking };
  }

  /** the page's HTML, through the local preview as the admin opens it */
  async function html(path: string) {
    const res = await fetch(`${app.url}/local-preview?path=${encodeURIComponent(path)}`, { headers: { "user-agent": CHROME } });
    expect(res.status, path).toBe(200);
    return res.text();
  }
  const text = (page: string) =>
    page
      .replace(/<script[\s\S]*?<\/script>/g, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&#x27;|&#39;/g, "'")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ");

  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP, SHOP_B], clock });
    ours = await ship(PREVIEW_SHOP, "#5001", "7316213581065001", "maya.chen@example.com", "Incorrect address - unable to deliver");
    await ship(PREVIEW_SHOP, "#5002", "7316213581065019", "leo.park@example.com", "Package damaged in transit");
    // another store, with an order of the same name
    await ship(SHOP_B, "#5001", "7316213581065027", "maya.chen@example.com", "Incorrect address - unable to deliver");
  }, 60_000);
  afterAll(async () => app?.close());

  const cases = async () => (await app.container.repositories.cases.list(PREVIEW_SHOP, { status: "open", sort: "urgency" })).cases;

  it("the queue: most urgent first, an Operations tab, and a search by email that finds only this store's order", async () => {
    const page = await html("/app/exceptions");
    const shown = text(page);
    expect(shown).toContain("most urgent first");
    // Operations between Finance and Overdue (the tabs' counts are drawn once the page has measured them)
    expect(shown).toContain("All open Mine Support Fulfillment Finance Operations Overdue");
    const urgent = (await cases())[0]!;
    expect(urgent).toMatchObject({ priority: "urgent", orderName: "#5001" });
    expect(shown.indexOf("Address problem")).toBeLessThan(shown.indexOf("Damaged"));

    const found = text(await html("/app/exceptions?q=MAYA.CHEN%40example.com"));
    expect(found).toContain("7316213581065001");
    expect(found).not.toContain("7316213581065019");
    expect(found).not.toContain("7316213581065027");
  });

  it("the case page offers the hand-off, and its trail says who handed it where, by name", async () => {
    const address = (await cases()).find((c) => c.type === "address_issue")!;
    await app.db
      .insertInto("Session")
      .values({ id: `${PREVIEW_SHOP}_77`, shop: PREVIEW_SHOP, state: "", isOnline: 1, accessToken: "online", userId: 77, firstName: "Priya", lastName: "Shah", email: "priya@example.com", expires: clock.now() + 3_600_000 })
      .execute();
    expect(text(await html(`/app/exceptions/${address.id}`))).toContain("Hand to team");
    expect(await app.container.services.desk.handOff(PREVIEW_SHOP, address.id, "finance", "Refund approved by Priya.", "staff:77")).toEqual({ ok: true, status: "open" });
    const shown = text(await html(`/app/exceptions/${address.id}`));
    expect(shown).toContain("Priya Shah");
    expect(shown).toContain("Handed from Support to Finance: Refund approved by Priya.");
    expect(shown).not.toMatch(/staff:77/);

    // the action refuses a hand-off without a note
    const token = mintSessionToken({ shop: PREVIEW_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: Date.now() }).token;
    const refused = await fetch(`${app.url}/app/exceptions/${address.id}.data`, {
      method: "POST",
      headers: { "user-agent": CHROME, authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "hand_off", owner: "operations", handOffNote: "" }),
    });
    expect(await refused.text()).toContain("Say why, for the team that takes it");
    expect((await app.container.repositories.cases.get(PREVIEW_SHOP, address.id))?.owner).toBe("finance");
  });

  it("the shipment page shows its open cases with links, the customer's contact, the Shopify order and the lookups", async () => {
    expect((await fetch(app.proxyUrl({ order: "#5001", email: "maya.chen@example.com" }, { shop: PREVIEW_SHOP }))).status).toBe(200);
    await app.container.services.lookup.flushLookupCounts();
    const page = await html(`/app/shipments/${ours.shipmentId}`);
    const open = (await cases()).filter((c) => c.shipmentId === ours.shipmentId);
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) expect(page).toMatch(new RegExp(`href="/app/exceptions/${c.id}\\?[^"]*shop=${PREVIEW_SHOP}`));
    expect(page).toContain(`href="shopify://admin/orders/${ours.orderId}"`);
    const shown = text(page);
    expect(shown).toContain("Maya Chen");
    expect(shown).toContain("maya.chen@example.com");
    expect(shown).toContain("+16135550123");
    // (the markup's tags became spaces above: "storefront , last")
    expect(shown).toMatch(/Looked up 1 time on the storefront ?, last just now/);
  });
});
