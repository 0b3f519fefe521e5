import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSlaAlertStore } from "~/.server/adapters/sla-alerts";
import { fixedClock } from "~/domain/clock";
import type { ExceptionType, Owner, Priority } from "~/domain/rules";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * SLA breach alerts end to end on a real database: cases opened on real shipments (signed webhooks in), the clock
 * moved past their due time, the periodic sweep run, and what the local Slack stand-in received.
 */
const START = "2026-11-18T15:00:00Z";
const HOUR = 3_600_000;

let providers: FakeProviders;
let app: TestApp;

beforeAll(async () => {
  providers = await startFakeProviders();
});
afterAll(async () => {
  await providers.close();
});
afterEach(async () => {
  await app?.close();
});

async function start(options: { env?: Record<string, string> } = {}) {
  providers.reset();
  app = await startTestApp({ clock: fixedClock(START), env: { NOTIFY_TIMEOUT_MS: "1000", ...options.env }, notifications: { retryBaseMs: 1_000, leaseMs: 60_000 } });
  return app;
}

const alerts = () => app.container.services.slaAlerts;
const desk = () => app.container.services.desk;

/** connects the shop's own Slack channel (every team's fallback) */
async function connectShopSlack(shop: string, name: string) {
  const saved = await app.container.services.notifications.saveChannel(shop, "slack", { enabled: true, settings: { label: "#ops" }, secret: { webhookUrl: providers.slackWebhookUrl(name) } });
  expect(saved).toEqual({ ok: true });
}

/** a real shipment (order, fulfillment, a fresh scan), and a case on it due in `slaHours` */
async function openCase(opts: { shop?: string; type?: ExceptionType; owner?: Owner; priority?: Priority; slaHours?: number; name?: string } = {}) {
  const shop = opts.shop ?? SHOP_A;
  const at = new Date(app.clock.now() - HOUR).toISOString();
  const order = orderPayload({ id: newId(), name: opts.name ?? `#${Math.floor(Math.random() * 90000) + 10000}`, created_at: at, updated_at: at });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: at, updated_at: at });
  expect((await app.sendWebhook("orders/create", order, { shop })).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f, { shop })).status).toBe(200);
  expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed facility", happened_at: at }), { shop })).status).toBe(200);
  await app.settle();
  const shipment = await app.db.selectFrom("Shipment").select("id").where("shop", "=", shop).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
  const opened = await desk().openCase(shop, shipment.id, { type: opts.type ?? "lost", owner: opts.owner ?? "fulfillment", priority: opts.priority ?? "urgent", slaHours: opts.slaHours ?? 1, reason: "No scan for 10 days", source: "test" });
  expect(opened?.opened).toBe(true);
  return { id: opened!.case.id, orderName: order.name as string, tracking };
}

/** the clock moves on, the periodic sweep runs, and the jobs it queued (and their retries) run */
async function sweepAt(ms: number) {
  app.clock.advance(ms);
  await app.container.services.sweep.run(500);
  app.container.queue.wake?.();
  await app.settle();
}

/** SLA alerts the Slack stand-in accepted (other Slack traffic, such as rule alerts, is left out) */
const slaPosts = () =>
  providers
    .requests("slack")
    .filter((r) => r.status === 200)
    .map((r) => ({ path: r.path, text: (JSON.parse(r.body) as { text: string }).text }))
    .filter((p) => p.text.includes("SLA breached"));

const trail = (shop: string, caseId: number) =>
  app.db.selectFrom("CaseActivity").select(["kind", "detail"]).where("shop", "=", shop).where("caseId", "=", caseId).where("kind", "like", "sla%").orderBy("id").execute();

describe("SLA breach alerts", () => {
  it("GIVEN a case past due THEN its team's webhook gets one alert with the right words, however often (or concurrently) the sweep runs", async () => {
    await start();
    expect(await alerts().saveRoutes(SHOP_A, { fulfillment: { webhookUrl: providers.slackWebhookUrl("fulfillment-team") } })).toEqual({ ok: true });
    const c = await openCase({ name: "#4411" });
    // not yet due: nothing
    await sweepAt(30 * 60_000);
    expect(slaPosts()).toEqual([]);

    await sweepAt(2 * HOUR);
    const posts = slaPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.path).toMatch(/fulfillment-team$/);
    expect(posts[0]!.text).toBe(
      [
        ":rotating_light: *SLA breached for Fulfillment*",
        `Parcel likely lost on order *#4411* (tracking ${c.tracking}) is overdue by 1 h. Priority: urgent.`,
        `<https://admin.shopify.com/store/alpha-goods/apps/shipwatch/app/exceptions/${c.id}|Open case #${c.id} in Shipwatch>`,
      ].join("\n"),
    );
    // nothing of the customer: not the email, the phone, the name or the street
    expect(posts[0]!.text).not.toMatch(/maya|chen|example\.com|6135550123|Elgin/i);

    // the sweep again, and two at once (two workers): still one
    await sweepAt(HOUR);
    await Promise.all([app.container.services.sweep.run(500), app.container.services.sweep.run(500)]);
    await app.settle();
    expect(slaPosts()).toHaveLength(1);

    expect(await trail(SHOP_A, c.id)).toEqual([{ kind: "sla_alerted", detail: "SLA alert sent to Fulfillment on Slack (Fulfillment team's webhook)" }]);
    const [alert] = await alerts().forCase(SHOP_A, c.id);
    expect(alert).toMatchObject({ owner: "fulfillment", status: "sent", attempts: 1, destination: "Slack (Fulfillment team's webhook)" });
    const claimed = await app.db.selectFrom("ExceptionCase").select(["slaAlertedAt", "slaAlertedOwner"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(claimed.slaAlertedOwner).toBe("fulfillment");
    expect(claimed.slaAlertedAt).not.toBeNull();
  });

  it("GIVEN two workers claiming the same breaches at once THEN each breach is claimed once; a claim whose job was lost is queued again", async () => {
    await start();
    await connectShopSlack(SHOP_A, "alpha-ops");
    const cases = [await openCase(), await openCase({ owner: "support" })];
    app.clock.advance(2 * HOUR);
    // two stores on the one database, as two worker processes have
    const [a, b] = [createSlaAlertStore(app.container.database), createSlaAlertStore(app.container.database)];
    const [first, second] = await Promise.all([a.claimBreaches(app.clock.now(), 100), b.claimBreaches(app.clock.now(), 100)]);
    expect([...first, ...second].map((x) => x.caseId).sort()).toEqual(cases.map((c) => c.id).sort());
    expect(await app.db.selectFrom("SlaAlert").select(["caseId", "seq", "status"]).orderBy("caseId").execute()).toEqual(cases.map((c) => ({ caseId: c.id, seq: 1, status: "pending" })));
    // these claims were never queued (as if the worker died after claiming): the sweep queues them once they are stale
    await sweepAt(60_000);
    expect(slaPosts()).toEqual([]);
    await sweepAt(15 * 60_000);
    expect(slaPosts()).toHaveLength(2);
  });

  it("GIVEN a case resolved before its due time THEN no alert", async () => {
    await start();
    await connectShopSlack(SHOP_A, "alpha-ops");
    const c = await openCase();
    expect(await desk().resolve(SHOP_A, c.id, "waited", "staff:1")).toMatchObject({ ok: true });
    await sweepAt(3 * HOUR);
    expect(slaPosts()).toEqual([]);
    expect(await alerts().forCase(SHOP_A, c.id)).toEqual([]);
  });

  it("GIVEN an alerted case handed to another team THEN the new team is alerted (here through the shop's channel), once", async () => {
    await start();
    await connectShopSlack(SHOP_A, "alpha-ops");
    expect(await alerts().saveRoutes(SHOP_A, { fulfillment: { webhookUrl: providers.slackWebhookUrl("fulfillment-team") } })).toEqual({ ok: true });
    const c = await openCase({ owner: "fulfillment" });
    await sweepAt(2 * HOUR);
    expect(slaPosts().map((p) => p.path.split("/").pop())).toEqual(["fulfillment-team"]);

    expect(await desk().handOff(SHOP_A, c.id, "finance", "Refund needed", "staff:1")).toMatchObject({ ok: true });
    await sweepAt(HOUR);
    await sweepAt(HOUR);
    const posts = slaPosts();
    expect(posts.map((p) => p.path.split("/").pop())).toEqual(["fulfillment-team", "alpha-ops"]);
    expect(posts[1]!.text).toContain("*SLA breached for Finance*");
    expect((await trail(SHOP_A, c.id)).map((a) => a.detail)).toEqual([
      "SLA alert sent to Fulfillment on Slack (Fulfillment team's webhook)",
      "SLA alert sent to Finance on Slack (the shop's channel)",
    ]);
  });

  it("GIVEN an alerted case resolved and reopened THEN it alerts again (a new breach), and not while resolved", async () => {
    await start();
    await connectShopSlack(SHOP_A, "alpha-ops");
    const c = await openCase({ owner: "support", type: "address_issue", priority: "high" });
    await sweepAt(2 * HOUR);
    expect(await desk().resolve(SHOP_A, c.id, "waited", "staff:1")).toMatchObject({ ok: true });
    await sweepAt(HOUR);
    expect(slaPosts()).toHaveLength(1);
    expect(await desk().reopen(SHOP_A, c.id, "staff:1")).toMatchObject({ ok: true });
    await sweepAt(HOUR);
    const posts = slaPosts();
    expect(posts).toHaveLength(2);
    expect(posts[1]!.text).toContain("Address problem on order");
    expect(posts[1]!.text).toContain("overdue by 3 h. Priority: high.");
    expect((await alerts().forCase(SHOP_A, c.id)).map((a) => [a.seq, a.owner, a.status])).toEqual([
      [1, "support", "sent"],
      [2, "support", "sent"],
    ]);
  });

  it("GIVEN a snoozed case THEN no alert while it sleeps; once it wakes still overdue, one alert; one resolved while asleep, none", async () => {
    await start();
    await connectShopSlack(SHOP_A, "alpha-ops");
    const sleeper = await openCase({ slaHours: 1, name: "#5501" });
    const resolvedAsleep = await openCase({ slaHours: 1, name: "#5502" });
    for (const id of [sleeper.id, resolvedAsleep.id]) expect(await desk().snooze(SHOP_A, id, app.clock.now() + 5 * HOUR, "staff:1")).toMatchObject({ ok: true });
    await sweepAt(2 * HOUR);
    expect(slaPosts()).toEqual([]);
    expect(await desk().resolve(SHOP_A, resolvedAsleep.id, "waited", "staff:1")).toMatchObject({ ok: true });
    await sweepAt(4 * HOUR);
    const posts = slaPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain("#5501");
    expect(posts[0]!.text).toContain("overdue by 5 h");
  });

  it("GIVEN Slack answers 503 then OK THEN the alert is retried and posted once", async () => {
    await start();
    await connectShopSlack(SHOP_A, "alpha-ops");
    const c = await openCase();
    providers.failNext("slack", 1, { status: 503 });
    await sweepAt(2 * HOUR);
    // the retry comes after the queue's backoff
    await sweepAt(10 * 60_000);
    expect(providers.requests("slack").map((r) => r.status)).toEqual([503, 200]);
    expect(slaPosts()).toHaveLength(1);
    const [alert] = await alerts().forCase(SHOP_A, c.id);
    expect(alert).toMatchObject({ status: "sent", attempts: 2 });
    expect((await trail(SHOP_A, c.id)).map((a) => a.kind)).toEqual(["sla_alerted"]);
  });

  it("GIVEN Slack refuses (400) THEN the alert is parked, shown on the case, and goes once sent again", async () => {
    await start();
    await connectShopSlack(SHOP_A, "alpha-ops");
    const c = await openCase();
    providers.failNext("slack", 1, { status: 400, body: "invalid_payload" });
    await sweepAt(2 * HOUR);
    await sweepAt(HOUR);
    // one try: a refusal is not retried
    expect(providers.requests("slack").map((r) => r.status)).toEqual([400]);
    const [parked] = await alerts().forCase(SHOP_A, c.id);
    expect(parked).toMatchObject({ status: "failed", attempts: 1, destination: "Slack (the shop's channel)" });
    expect(parked!.statusReason).toMatch(/^Parked: Slack refused it/);
    expect(parked!.lastError).toMatch(/invalid_payload/);
    expect((await trail(SHOP_A, c.id)).map((a) => a.kind)).toEqual(["sla_alert_failed"]);
    // the job is parked where an operator replays jobs
    expect((await app.container.queue.listParked({ shop: SHOP_A })).map((j) => j.name)).toContain("send-sla-alert");

    expect(await alerts().sendAgain(SHOP_A, c.id, parked!.id)).toBe(true);
    app.container.queue.wake?.();
    await app.settle();
    expect(slaPosts()).toHaveLength(1);
    expect((await alerts().forCase(SHOP_A, c.id))[0]).toMatchObject({ status: "sent" });
    // sent: a second "send again" is refused, nothing goes twice
    expect(await alerts().sendAgain(SHOP_A, c.id, parked!.id)).toBe(false);
  });

  it("GIVEN another shop's team webhook and Slack THEN this shop's case never uses them", async () => {
    await start();
    await connectShopSlack(SHOP_B, "bravo-ops");
    expect(await alerts().saveRoutes(SHOP_B, { fulfillment: { webhookUrl: providers.slackWebhookUrl("bravo-fulfillment") } })).toEqual({ ok: true });
    const ours = await openCase({ shop: SHOP_A, owner: "fulfillment" });
    await sweepAt(2 * HOUR);
    expect(slaPosts()).toEqual([]);
    expect((await alerts().forCase(SHOP_A, ours.id))[0]).toMatchObject({ status: "skipped", statusReason: "Nowhere to send it: no Slack webhook for Fulfillment and no Slack channel connected" });
    expect((await trail(SHOP_A, ours.id)).map((a) => a.detail)).toEqual(["SLA passed; Fulfillment was not alerted: no Slack webhook for the team and no Slack channel connected"]);

    // with its own channel, this shop's next breach goes there, and only there
    await connectShopSlack(SHOP_A, "alpha-ops");
    const next = await openCase({ shop: SHOP_A, owner: "fulfillment" });
    await sweepAt(2 * HOUR);
    expect(slaPosts().map((p) => p.path.split("/").pop())).toEqual(["alpha-ops"]);
    expect(slaPosts()[0]!.text).toContain(`/exceptions/${next.id}|`);
  });

  it("GIVEN a bad webhook URL THEN a field error, and nothing of the form is saved", async () => {
    await start({ env: { SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "0" } });
    const good = "https://hooks.slack.com/services/T000/B000/goodgoodgood";
    expect(await alerts().saveRoutes(SHOP_A, { support: { webhookUrl: good } })).toEqual({ ok: true });
    const before = await app.db.selectFrom("TeamAlertRoute").selectAll().orderBy("id").execute();

    for (const [url, error] of [
      ["not a url", "enter a valid URL"],
      ["http://hooks.slack.com/services/T/B/x", "must be https://"],
      ["https://127.0.0.1:8080/services/T/B/x", /^must be a public address/],
      ["https://169.254.169.254/latest/meta-data/", /^must be a public address/],
      ["https://10.0.0.7/hook", /^must be a public address/],
    ] as const) {
      const saved = await alerts().saveRoutes(SHOP_A, { support: { remove: true }, fulfillment: { webhookUrl: "https://hooks.slack.com/services/T1/B1/fine" }, finance: { webhookUrl: url } });
      expect(saved.ok, url).toBe(false);
      if (!saved.ok) {
        expect(Object.keys(saved.fieldErrors), url).toEqual(["finance.webhookUrl"]);
        expect(saved.fieldErrors["finance.webhookUrl"], url).toEqual(typeof error === "string" ? error : expect.stringMatching(error));
      }
    }
    expect(await alerts().saveRoutes(SHOP_A, { marketing: { webhookUrl: good } })).toMatchObject({ ok: false });
    expect(await app.db.selectFrom("TeamAlertRoute").selectAll().orderBy("id").execute()).toEqual(before);
    // the secret is sealed at rest; the admin sees only its last characters
    expect(JSON.stringify(before)).not.toContain("goodgoodgood");
    expect((await alerts().routes(SHOP_A)).teams.find((t) => t.owner === "support")).toMatchObject({ hasWebhook: true, hint: "…good" });
  });
});
