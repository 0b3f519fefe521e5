import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { SHOP_A, SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

/**
 * Issue 13, item 6: a Support API credential speaks for an installed shop only. An uninstall revokes the shop's
 * API keys (a reinstall needs a new one) and refuses session tokens until the shop is installed again.
 */

const uninstalled = (shop: string) => ({ id: 1, name: shop.split(".")[0], domain: shop, myshopify_domain: shop });

describe("Support API credentials after an uninstall", () => {
  let app: TestApp;
  const exceptions = (token: string) => fetch(`${app.url}/api/v1/exceptions`, { headers: { authorization: `Bearer ${token}` } });
  const sessionToken = (shop: string) => mintSessionToken({ shop, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: app.clock.now() }).token;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it("GIVEN a working API key WHEN the shop uninstalls THEN the key is refused, and stays refused after a reinstall; a new key works", async () => {
    const { key } = await app.container.services.supportApi.createKey(SHOP_A, "Gorgias");
    const { key: otherShopKey } = await app.container.services.supportApi.createKey(SHOP_B, "Zendesk");
    expect((await exceptions(key)).status).toBe(200);

    expect((await app.sendWebhook("app/uninstalled", uninstalled(SHOP_A), { shop: SHOP_A })).status).toBe(200);
    await app.settle();

    const refused = await exceptions(key);
    expect(refused.status).toBe(401);
    expect((await exceptions(sessionToken(SHOP_A))).status).toBe(401);
    // the key is revoked, not merely paused: it no longer shows in Settings
    expect(await app.container.services.supportApi.listKeys(SHOP_A)).toEqual([]);
    // another shop's credentials are untouched
    expect((await exceptions(otherShopKey)).status).toBe(200);

    await app.container.installLocally(SHOP_A);
    expect((await exceptions(key)).status).toBe(401);
    expect((await exceptions(sessionToken(SHOP_A))).status).toBe(200);
    const { key: fresh } = await app.container.services.supportApi.createKey(SHOP_A, "Gorgias again");
    expect((await exceptions(fresh)).status).toBe(200);
  });

  it("GIVEN a shop uninstalled while its keys were left live (before keys were revoked at uninstall) THEN its key and session tokens are refused", async () => {
    const { key } = await app.container.services.supportApi.createKey(SHOP_B, "Helpdesk");
    expect((await exceptions(key)).status).toBe(200);
    // the Shop row says uninstalled; the key row and the offline session are as an older version left them
    await app.db.updateTable("Shop").set({ uninstalledAt: app.clock.now() }).where("shop", "=", SHOP_B).execute();
    expect((await exceptions(key)).status).toBe(401);
    expect((await exceptions(sessionToken(SHOP_B))).status).toBe(401);
  });
});
