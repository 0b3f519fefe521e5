import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createNotificationSettingsRepository } from "~/.server/adapters/notification-settings";
import { createSecretBox } from "~/.server/adapters/secret-box";
import { closedPort, startTrap, TRAP_BANNER, type Trap } from "../support/network-stand-ins";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * Server-side request forgery through channel settings, end to end through the notifications service: a merchant
 * who can save a destination must not be able to make the app connect to this machine or its network. Saving a
 * private destination is refused per field; a test send to one stored anyway (saved before this check, or written
 * to the database) is refused before any connection, in the same words whether a port is open or closed.
 * The form-by-form table is test/security/ssrf-table.test.ts.
 */
const SIGNING_SECRET = "helpdesk-signing-secret-0123456789";
const PRODUCTION = { NODE_ENV: "production", SHIPWATCH_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };

let trap: Trap;
let app: TestApp;

beforeAll(async () => {
  trap = await startTrap();
});
afterAll(async () => {
  await trap.close();
});
afterEach(async () => {
  await app?.close();
  trap.connections = 0;
});

const channelRows = () => app.db.selectFrom("ChannelConnection").selectAll().execute();

describe("saving a channel destination", () => {
  it("GIVEN production THEN loopback, private, link-local and metadata destinations are refused per field, and nothing is stored", async () => {
    app = await startTestApp({ env: PRODUCTION });
    const n = app.container.services.notifications;
    const webhookUrls = [
      `https://127.0.0.1:${trap.port}/`,
      "https://localhost:6379/",
      "https://[::1]/hook",
      "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.7/hook",
      "https://192.168.1.20/hook",
      "https://172.16.5.4/hook",
      "https://2130706433/hook",
      "https://0x7f000001/hook",
      "https://0177.0.0.1/hook",
      "https://127.1/hook",
      "https://0.0.0.0/hook",
      "https://[::ffff:127.0.0.1]/hook",
      "https://[fd00:ec2::254]/latest/meta-data/",
      "https://redis/hook",
      "https://metadata.google.internal/computeMetadata/v1/",
    ];
    for (const url of webhookUrls) {
      const saved = await n.saveChannel(SHOP_A, "webhook", { enabled: true, settings: { url }, secret: { signingSecret: SIGNING_SECRET } });
      expect(saved.ok, url).toBe(false);
      if (!saved.ok) expect(saved.fieldErrors["settings.url"], url).toMatch(/^must be a public (address|host name)/);
    }
    const slack = await n.saveChannel(SHOP_A, "slack", { enabled: true, settings: {}, secret: { webhookUrl: "https://127.0.0.1:8080/services/T0/B0/x" } });
    expect(slack.ok).toBe(false);
    if (!slack.ok) expect(slack.fieldErrors["secret.webhookUrl"]).toMatch(/^must be a public address/);
    for (const smtpUrl of [`smtp://127.0.0.1:${trap.port}`, "smtp://localhost:25", "smtps://[::1]:465", "smtp://169.254.169.254:25", "smtp://0x7f000001:25"]) {
      const email = await n.saveChannel(SHOP_A, "email", { enabled: true, settings: { from: "hello@alpha-goods.test" }, secret: { smtpUrl } });
      expect(email.ok, smtpUrl).toBe(false);
      if (!email.ok) expect(email.fieldErrors["secret.smtpUrl"], smtpUrl).toMatch(/^must be a public (address|host name)/);
    }
    // an SMTP URL's query would set nodemailer options (host, proxy, TLS checks) behind the host shown
    const query = await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: { smtpUrl: "smtp://mail.alpha-goods.com:587/?host=127.0.0.1" } });
    expect(query).toEqual({ ok: false, fieldErrors: { "secret.smtpUrl": expect.stringMatching(/no options/) as unknown } });
    expect(await channelRows()).toEqual([]);
    expect(trap.connections).toBe(0);
  });

  it("GIVEN production THEN a public https endpoint is still accepted", async () => {
    app = await startTestApp({ env: PRODUCTION });
    const n = app.container.services.notifications;
    expect(await n.saveChannel(SHOP_A, "webhook", { enabled: true, settings: { url: "https://hooks.gorgias.example.com/shipwatch" }, secret: { signingSecret: SIGNING_SECRET } })).toEqual({ ok: true });
    expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: { from: "hello@alpha-goods.test" }, secret: { smtpUrl: "smtps://user:pw@smtp.alpha-goods.com:465" } })).toEqual({ ok: true });
  });

  it("GIVEN a non-production app without the allow setting THEN local destinations are refused too (only the setting lets stand-ins through)", async () => {
    app = await startTestApp({ env: { SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "0" } });
    const n = app.container.services.notifications;
    const saved = await n.saveChannel(SHOP_A, "webhook", { enabled: true, settings: { url: `http://127.0.0.1:${trap.port}/` }, secret: { signingSecret: SIGNING_SECRET } });
    expect(saved.ok).toBe(false);
    expect(await channelRows()).toEqual([]);
  });
});

describe("a test send to a private destination stored anyway", () => {
  /** writes the channel as an older version (or a hand-edited row) would have, past the save check */
  async function storeChannel(channel: "webhook" | "email", settings: Record<string, unknown>, secret: Record<string, unknown>) {
    const box = createSecretBox(app.container.config.notifications.encryptionKey);
    const repo = createNotificationSettingsRepository(app.container.database);
    await repo.saveChannel(SHOP_A, channel, { enabled: true, settings, sealedSecret: box.seal(secret) }, Date.now());
    app.container.services.notifications.forgetShop(SHOP_A);
  }
  const storeWebhook = (url: string) => storeChannel("webhook", { url }, { signingSecret: SIGNING_SECRET });

  it("GIVEN a webhook at 127.0.0.1 THEN the test send is refused before connecting, in the same words for an open and a closed port", async () => {
    app = await startTestApp({ env: { SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "0" } });
    const closed = await closedPort();
    await storeWebhook(`http://127.0.0.1:${trap.port}/`);
    const open = await app.container.services.notifications.testSend(SHOP_A, "webhook", null);
    await app.db.deleteFrom("ChannelConnection").execute();
    await storeWebhook(`http://127.0.0.1:${closed}/`);
    const shut = await app.container.services.notifications.testSend(SHOP_A, "webhook", null);
    expect(trap.connections).toBe(0);
    expect(open).toMatchObject({ ok: false, retryable: false, status: null });
    expect(shut).toMatchObject({ ok: false, retryable: false, status: null });
    if (!open.ok && !shut.ok) {
      expect(open.error.replace(String(trap.port), "PORT")).toBe(shut.error.replace(String(closed), "PORT"));
      expect(open.error).toMatch(/refused before connecting: 127\.0\.0\.1 is this server itself/);
      expect(open.error).not.toMatch(/ECONNREFUSED/);
      expect(open.error).not.toContain(TRAP_BANNER);
    }
  });

  it("GIVEN the shop's SMTP server at 127.0.0.1 THEN the test email is refused before connecting, and what listens there is never repeated", async () => {
    app = await startTestApp({ env: { SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "0" } });
    await storeChannel("email", { from: "hello@alpha-goods.test" }, { smtpUrl: `smtp://user:pw@127.0.0.1:${trap.port}` });
    const outcome = await app.container.services.notifications.testSend(SHOP_A, "email", "maya@example.com");
    expect(trap.connections).toBe(0);
    expect(outcome).toMatchObject({ ok: false, retryable: false, status: null });
    if (!outcome.ok) {
      expect(outcome.error).toMatch(/^SMTP: refused before connecting: 127\.0\.0\.1 is this server itself/);
      expect(outcome.error).not.toContain(TRAP_BANNER);
    }
  });
});
