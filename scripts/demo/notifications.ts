import { localParts } from "~/domain/business-time";
import { CHANNELS, MOMENTS, NotificationPolicySchema, type Channel, type NotificationPolicy } from "~/domain/notifications";
import { zoneForDestination } from "~/domain/time-zones";
import type { openDatabase } from "~/.server/adapters/db/database";
import type { Container } from "~/.server/container";
import { startFakeProviders, type FakeProviders } from "../local-services/fake-providers";
import { startSmtpCapture, type SmtpCapture } from "../local-services/smtp-capture";

type Db = ReturnType<typeof openDatabase>["db"];

const TWILIO = { accountSid: `AC${"d".repeat(32)}`, authToken: "demo-twilio-auth-token-000000" };
const KLAVIYO = { privateKey: "pk_demoprivatekey000000000000" };

/** Local stand-ins for every channel: an SMTP server that keeps the mail, and Twilio/Slack/Klaviyo/helpdesk/Shopify. */
export async function startLocalChannels() {
  const smtp = await startSmtpCapture();
  const providers = await startFakeProviders({ twilio: TWILIO, klaviyo: KLAVIYO });
  return {
    smtp,
    providers,
    /** what the server needs to send to them */
    env: {
      SMTP_URL: smtp.url,
      EMAIL_FROM: "Shipwatch Demo Store <orders@shipwatch-demo.test>",
      TWILIO_API_BASE: providers.twilioApiBase,
      KLAVIYO_API_BASE: providers.klaviyoApiBase,
      SHOPIFY_ADMIN_API_BASE: providers.shopifyAdminApiBase,
      // the demo's Slack and helpdesk webhooks are these stand-ins on 127.0.0.1 (refused without it)
      SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "1",
    },
    async close() {
      await smtp.close();
      await providers.close();
    },
  };
}

/** The demo merchant connects every channel and keeps the default policy, except the combining wait. */
export async function connectDemoChannels(container: Container, shop: string, providers: FakeProviders): Promise<NotificationPolicy> {
  const n = container.services.notifications;
  // messages go as soon as they may (the tests prove combining); quiet hours stay on, in each shopper's zone
  const policy = NotificationPolicySchema.parse({ combineWindowMinutes: 0 });
  const results = [
    await n.savePolicy(shop, policy),
    await n.saveChannel(shop, "email", { enabled: true, settings: { replyTo: "help@shipwatch-demo.test" }, secret: {} }),
    await n.saveChannel(shop, "sms", { enabled: true, settings: { accountSid: TWILIO.accountSid, from: "+15005550006" }, secret: { authToken: TWILIO.authToken } }),
    await n.saveChannel(shop, "klaviyo", { enabled: true, settings: {}, secret: { privateKey: KLAVIYO.privateKey } }),
    await n.saveChannel(shop, "slack", { enabled: true, settings: { label: "#shipping-alerts" }, secret: { webhookUrl: providers.slackWebhookUrl("T0DEMO/B0DEMO/alerts") } }),
    await n.saveChannel(shop, "webhook", { enabled: true, settings: { url: providers.hookUrl("helpdesk") }, secret: { signingSecret: "demo-helpdesk-signing-secret" } }),
    await n.saveChannel(shop, "shopify", { enabled: true, settings: { tagExceptions: true, statusMetafield: true }, secret: {} }),
  ];
  const bad = results.find((r) => !r.ok);
  if (bad) throw new Error(`could not connect the demo channels: ${JSON.stringify(bad)}`);
  // a rule of the merchant's own: lost parcels alert the team on Slack and tag the order
  await container.repositories.rules.create(
    shop,
    {
      name: "Lost parcel: alert the team and tag the order",
      conditions: [{ kind: "reason_in", reasons: ["lost"] }],
      actions: [
        { kind: "alert_internal", channel: "#shipping-alerts" },
        { kind: "tag_order", tag: "shipwatch:lost" },
      ],
    },
    Date.now(),
  );
  return policy;
}

/** Waits until every message that is due has been sent (or settled); those waiting for a shopper's morning stay. */
export async function waitForMessages(db: Db) {
  const deadline = Date.now() + 5 * 60_000;
  let quietRounds = 0;
  while (Date.now() < deadline) {
    const due = await db
      .selectFrom("Notification")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where((eb) =>
        eb.or([
          eb.and([eb("status", "in", ["pending", "held"]), eb("sendAt", "<=", Date.now())]),
          eb("status", "=", "sending"),
          // paced by a provider's rate limit (the Shopify write-back of a whole month at once) or retrying
          eb.and([eb("status", "=", "pending"), eb.or([eb("statusReason", "like", "Waiting for the provider%"), eb("statusReason", "like", "Retry%")])]),
        ]),
      )
      .executeTakeFirstOrThrow();
    const jobs = await db.selectFrom("Job").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "in", ["queued", "running"]).where("runAt", "<=", Date.now()).executeTakeFirstOrThrow();
    quietRounds = Number(due.n) === 0 && Number(jobs.n) === 0 ? quietRounds + 1 : 0;
    if (quietRounds >= 3) return;
    process.stdout.write(`  sending messages… ${Number(due.n)} due   \r`);
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("messages were still due after 5 minutes");
}

/** What the month produced, per moment and channel, checked against the SMTP capture and the stand-ins. */
export async function messageSummary(db: Db, shop: string, policy: NotificationPolicy, channels: { smtp: SmtpCapture; providers: FakeProviders }) {
  const rows = await db
    .selectFrom("Notification")
    .innerJoin("Shipment", (j) => j.onRef("Shipment.id", "=", "Notification.shipmentId"))
    .select(["Notification.id", "Notification.sendKey", "Notification.moment", "Notification.channel", "Notification.status", "Notification.statusReason", "Notification.sentAt", "Notification.sendAt", "Shipment.destinationCountry", "Shipment.destinationProvince"])
    .where("Notification.shop", "=", shop)
    .execute();
  const system = await db.selectFrom("Notification").select(["moment", "channel", "status"]).where("shop", "=", shop).where("shipmentId", "=", 0).execute();
  const settings = await db.selectFrom("ShopSettings").select("timezone").where("shop", "=", shop).executeTakeFirst();
  const shopZone = settings?.timezone ?? "America/New_York";

  const sent = rows.filter((r) => r.status === "sent");
  const table = new Map<string, Map<Channel, number>>();
  for (const r of sent) {
    const moment = r.moment.includes(":") ? r.moment.split(":")[0]! : r.moment;
    const line = table.get(moment) ?? new Map<Channel, number>();
    line.set(r.channel as Channel, (line.get(r.channel as Channel) ?? 0) + 1);
    table.set(moment, line);
  }
  const byStatus = new Map<string, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);

  // the send authority: one message per shipment × moment × channel
  const keys = rows.map((r) => r.sendKey);
  const duplicateKeys = keys.length - new Set(keys).size;
  // and what actually arrived: one mail per Message-ID, one text per message
  const mailIds = channels.smtp.messages.map((m) => m.messageId ?? "");
  const duplicateMail = mailIds.length - new Set(mailIds).size;
  const sentEmail = sent.filter((r) => r.channel === "email").length;
  const sentSms = sent.filter((r) => r.channel === "sms").length;
  const texts = channels.providers.twilioMessages().length;

  // no customer message inside the recipient's quiet hours
  const [qs, qe] = [policy.quietHours.start, policy.quietHours.end].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
  const insideQuiet = sent.filter((r) => {
    if (!["email", "sms", "klaviyo"].includes(r.channel) || !policy.quietHours.enabled) return false;
    const p = localParts(r.sentAt!, zoneForDestination({ country: r.destinationCountry, region: r.destinationProvince }, shopZone));
    const m = p.hour * 60 + p.minute;
    return qs! > qe! ? m >= qs! || m < qe! : m >= qs! && m < qe!;
  }).length;
  const waiting = rows.filter((r) => (r.status === "pending" || r.status === "held") && r.sendAt > Date.now());
  const checkIns = waiting.filter((r) => r.moment === "post_delivery").length;

  const momentOrder = [...MOMENTS, "rule", "alert", "tag"];
  const lines = [...table]
    .sort((a, b) => momentOrder.indexOf(a[0]) - momentOrder.indexOf(b[0]))
    .map(([moment, byChannel]) => `${moment.padEnd(22)}${CHANNELS.map((c) => String(byChannel.get(c) ?? 0).padStart(8)).join("")}`);
  return {
    header: `${"moment".padEnd(22)}${CHANNELS.map((c) => c.padStart(8)).join("")}`,
    lines,
    sent: sent.length,
    byStatus: [...byStatus].map(([s, n]) => `${s} ${n}`).join(", "),
    waiting: { checkIns, quietHours: waiting.length - checkIns },
    parked: byStatus.get("failed") ?? 0,
    duplicateKeys,
    duplicateMail,
    insideQuiet,
    smtp: { received: channels.smtp.messages.length, sentEmail },
    sms: { received: texts, sentSms },
    alerts: system.length,
    ok: duplicateKeys === 0 && duplicateMail === 0 && insideQuiet === 0 && channels.smtp.messages.length === sentEmail && texts === sentSms && !byStatus.get("failed"),
  };
}
