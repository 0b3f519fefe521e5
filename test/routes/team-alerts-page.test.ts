import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { fixedClock } from "~/domain/clock";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

/**
 * The Team alerts action as the admin posts it (the built Remix app, a real session token): a bad webhook URL is a
 * 400 naming the field, and nothing is saved; a good one is saved for the signed-in shop only. Needs
 * `npx remix vite:build`, like the browser tests.
 */
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

describe("Team alerts action (server-rendered, real SQLite)", () => {
  const clock = fixedClock(Date.now());
  let app: TestApp;
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP, SHOP_B], clock });
  }, 60_000);
  afterAll(async () => app?.close());

  const post = (changes: unknown) =>
    fetch(`${app.url}/app/notifications/team-alerts.data`, {
      method: "POST",
      headers: { "user-agent": CHROME, authorization: `Bearer ${mintSessionToken({ shop: PREVIEW_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: Date.now() }).token}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ changes: typeof changes === "string" ? changes : JSON.stringify(changes) }),
    });
  const routes = () => app.db.selectFrom("TeamAlertRoute").select(["shop", "owner", "hint"]).orderBy("id").execute();

  it("a bad webhook URL: 400 naming the field, and nothing of the form is saved", async () => {
    const refused = await post({ support: { webhookUrl: "https://hooks.slack.com/services/T0/B0/fine" }, fulfillment: { webhookUrl: "http://hooks.slack.com/services/T0/B0/x" } });
    expect(refused.status).toBe(400);
    const body = await refused.text();
    expect(body).toContain("fulfillment.webhookUrl");
    expect(body).toContain("must be https://");
    expect(await routes()).toEqual([]);

    const unreadable = await post("{not json");
    expect(unreadable.status).toBe(400);
    expect(await unreadable.text()).toContain("The form could not be read");
    expect(await routes()).toEqual([]);
  });

  it("a good one is saved for the signed-in shop only", async () => {
    const saved = await post({ fulfillment: { webhookUrl: "https://hooks.slack.com/services/T0/B0/abcd1234" } });
    expect(saved.status).toBe(200);
    expect(await routes()).toEqual([{ shop: PREVIEW_SHOP, owner: "fulfillment", hint: "…1234" }]);
    expect((await app.container.services.slaAlerts.routes(SHOP_B)).teams.every((t) => !t.hasWebhook)).toBe(true);
  });
});
