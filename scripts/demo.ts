import path from "node:path";
import { parseArgs } from "node:util";
import { businessHoursBetween, calendarFor } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import { openDatabase } from "~/.server/adapters/db/database";
import { BACKLOG_MIN_AGE_MS, BACKLOG_RECHECK_MS } from "~/.server/services/exception-desk";
import { createTrackLinks } from "~/.server/services/track-links";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { estimateLines, estimateReplay } from "./demo/estimates";
import { storeHistory } from "./demo/history";
import { feedLines, feedSummary, postEasyPostEvent, routeThroughFeeds } from "./demo/feed-only";
import { messageSummary, waitForMessages } from "./demo/notifications";
import { demoScorecard, scorecardLines } from "./demo/scorecard";
import { demoTickets, sendDemoTickets, ticketLines } from "./demo/tickets";
import { sessionToken, shopperTruth } from "./demo/shopper-truth";
import { simulateStore } from "./demo/simulated-store";
import { unshippedOrders } from "./demo/unshipped";
import { dropSomeWebhooks, importHistory, reconcileAfterTheMonth, reconciliationLines } from "./demo/reconciliation";
import { ensureBuilt, postWebhook, sendAll, sendDeliveries, Shutdown, startDemoStack, waitForProcessing } from "./demo/stack";
import { carrierAccountLines, carrierAccountSummary, connectUpsAccount, DEMO_UPS_ACCOUNT, upsParcels, waitForFirstPolls } from "./demo/carrier-account";
import { startFakeCarrierApis } from "./local-services/fake-carrier-apis";
import { startFakeEasyPost, type FakeEasyPost } from "./local-services/fake-easypost";
import { startFakeShopifyAdmin } from "./local-services/fake-shopify-admin";
import { LOCAL_ACCESS_TOKEN } from "~/.server/container";
import { LOCAL_SHOPIFY_ENV } from "./tool-config";

/**
 * `npm run demo`: the whole product on the embedded default, with no Shopify account and no network.
 * A fresh SQLite database, the real server (in-process worker included) as a child process, and a simulated
 * store's month of orders and fulfillments delivered to it as signed webhooks — with Shopify's duplicates
 * and out-of-order arrival. Then it checks every shipment ended where the store's history says it should.
 */
const { values: args } = parseArgs({
  options: {
    seed: { type: "string", default: "42" },
    shipments: { type: "string", default: "2000" },
    port: { type: "string", default: process.env.PORT ?? "3000" },
    concurrency: { type: "string", default: "16" },
    once: { type: "boolean", default: false },
    db: { type: "string", default: "prisma/demo.sqlite" },
  },
});
const seed = Number(args.seed);
const shipmentCount = Number(args.shipments);
const port = Number(args.port);
const concurrency = Math.max(1, Number(args.concurrency));
if (!Number.isInteger(seed) || !Number.isInteger(shipmentCount) || shipmentCount < 1 || !Number.isInteger(port)) {
  process.stderr.write("usage: npm run demo -- [--seed N] [--shipments N] [--port N] [--db FILE] [--once]\n");
  process.exit(2);
}

const dbPath = path.resolve(args.db);
const env: Record<string, string> = {
  LOOKUP_RATE_LIMIT: process.env.LOOKUP_RATE_LIMIT ?? "30",
  // the summary reads every parcel as a shopper would, a few thousand pages in a minute: more than the per-shop guard allows
  LOOKUP_SHOP_RATE_LIMIT: process.env.LOOKUP_SHOP_RATE_LIMIT ?? "100000",
  // the month is replayed in a few minutes: a parcel's next scan is sent well within a minute of the one before,
  // even on a busy machine, so a minute's grace before judging silence is enough (a shorter one judges parcels whose
  // next scan the replay has not sent yet: false stalled and lost cases, resolved again seconds later), and the
  // sweep runs often so the cases are there at the end
  SILENCE_GRACE_MINUTES: process.env.SILENCE_GRACE_MINUTES ?? "1",
  SWEEP_INTERVAL_SECONDS: process.env.SWEEP_INTERVAL_SECONDS ?? "3",
  // reconciliation runs every 6 s (hourly in production) and an import is looked at every second: the demo's
  // dropped webhooks are repaired while it waits
  RECONCILE_INTERVAL_MINUTES: process.env.RECONCILE_INTERVAL_MINUTES ?? "0.1",
  BACKFILL_POLL_SECONDS: process.env.BACKFILL_POLL_SECONDS ?? "1",
  // the UPS account connected after the month: its parcels are polled within seconds, not the minute of production
  CARRIER_POLL_INTERVAL_SECONDS: process.env.CARRIER_POLL_INTERVAL_SECONDS ?? "2",
};
const graceMs = Number(env.SILENCE_GRACE_MINUTES) * 60_000;
const say = (line: string) => process.stdout.write(`${line}\n`);
// Ctrl-C or SIGTERM at any phase stops what is running (build, stand-ins, server) and exits
const shutdown = new Shutdown(say);
shutdown.handleSignals();

async function main() {
  say(`Shipwatch demo — seed ${seed}, ${shipmentCount} shipments`);
  await ensureBuilt(shutdown, say);
  // EasyPost's stand-in: the carriers Shopify does not track reach Shipwatch through the shop's EasyPost feed
  const easypost = await startFakeEasyPost({ keys: [DEMO_EASYPOST_KEY] });
  shutdown.add("EasyPost stand-in", () => easypost.close());
  // UPS's Track API's stand-in: the shop's own UPS account is polled through it once the month is in
  const carrierApis = await startFakeCarrierApis();
  shutdown.add("carrier APIs stand-in", () => carrierApis.close());
  carrierApis.accounts.ups.set(DEMO_UPS_ACCOUNT.clientId, DEMO_UPS_ACCOUNT.clientSecret);
  // the Admin API's stand-in: the history import and reconciliation read Shopify's truth from it (it relays the
  // channels' tagsAdd and metafieldsSet to their stand-in)
  const admin = await startFakeShopifyAdmin();
  shutdown.add("Admin API stand-in", () => admin.close());
  admin.addShop(PREVIEW_SHOP, LOCAL_ACCESS_TOKEN);
  // the month before the demo's, as Shopify holds it: Settings → Import brings it in before the month begins
  const monthStart = Date.now() - 30 * 86_400_000;
  const history = storeHistory({ seed, shipments: shipmentCount, shop: PREVIEW_SHOP, monthStart });
  admin.setOrders(PREVIEW_SHOP, history.orders);
  const { base, channels, policy, server, stopServer } = await startDemoStack({ port, dbPath, env: { ...env, EASYPOST_API_BASE: easypost.url, UPS_API_BASE: carrierApis.url }, shopifyAdminApiBase: admin.url, shutdown, say });
  admin.forwardOthersTo(channels.providers.shopifyAdminApiBase);
  say(`• server up at ${base} (in-process worker)`);
  const feed = await connectEasyPost(base);
  say(`• EasyPost feed connected (stand-in ${easypost.url}): trackers for OnTrac and UPS parcels, events to ${feed.webhookUrl}`);

  const store = simulateStore({ seed, shipments: shipmentCount, shop: PREVIEW_SHOP, end: new Date(), firstOrderNumber: history.nextOrderNumber });
  const routing = routeThroughFeeds(store);
  // what UPS holds for each of the month's UPS parcels (numbers as routed: OnTrac's are no longer UPS's)
  for (const [tracking, scans] of upsParcels(store)) carrierApis.parcel("ups", tracking, scans);
  const shopifyDeliveries = routing.deliveries.flatMap((d) => (d.kind === "shopify" ? [d.delivery] : []));
  // the history import also gives reconciliation its starting point
  const historyDb = openDatabase({ dialect: "sqlite", path: dbPath });
  const imported = await importHistory({ base, shop: PREVIEW_SHOP, apiKey: LOCAL_SHOPIFY_ENV.SHOPIFY_API_KEY, secret: LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET, db: historyDb.db });
  await historyDb.close();
  // some webhooks never arrive: reconciliation repairs what they carried, after the month
  const dropped = dropSomeWebhooks(shopifyDeliveries, seed);
  const sent = routing.deliveries.filter((d) => d.kind !== "shopify" || !dropped.has(d.delivery.webhookId));
  say(`• history imported (Settings → Import, from the Admin API stand-in ${admin.url}): the month before, ${imported.orders} orders, ${imported.parcels} parcels, ${imported.events} carrier events in ${imported.seconds.toFixed(1)} s`);
  say(`• ${dropped.size} of the month's webhooks will be lost on the way`);
  // and a few orders that have not shipped: two of them past their handling time (fulfillment_delayed)
  const unshipped = unshippedOrders(Date.now());
  const uniqueWebhooks = new Set(shopifyDeliveries.map((d) => d.webhookId)).size - dropped.size;
  const unique = uniqueWebhooks + unshipped.deliveries.length + routing.easypostEvents;
  say(`• simulated store: ${store.orders} orders, ${store.intended.length} shipments, ${shopifyDeliveries.length} webhook deliveries (${shopifyDeliveries.length - uniqueWebhooks} duplicates), ${routing.easypostEvents} EasyPost events`);

  const started = performance.now();
  const postFeedEvent = postEasyPostEvent(feed.webhookUrl, DEMO_EASYPOST_SECRET);
  // in the month's order; EasyPost sends a parcel's events only once Shipwatch has registered its tracker (after the
  // fulfillment is worked), so an event whose tracker is not there yet waits for it, in its parcel's own order,
  // without holding up the rest of the month
  const chains = new Map<string, Promise<void>>();
  const feedCodes: Record<number, number> = {};
  const afterRegistration = (tracking: string, body: string) => {
    const sent = (chains.get(tracking) ?? Promise.resolve()).then(async () => {
      await trackerRegistered(easypost, tracking);
      for (const [code, n] of Object.entries(await sendAll([body], 1, postFeedEvent))) feedCodes[Number(code)] = (feedCodes[Number(code)] ?? 0) + n;
    });
    chains.set(tracking, sent);
  };
  const codes = await sendAll(sent, concurrency, async (d) => {
    if (d.kind === "shopify") return postWebhook(base, d.delivery);
    afterRegistration(d.tracking, d.body);
    return DEFERRED;
  });
  delete codes[DEFERRED];
  await Promise.all(chains.values());
  for (const [code, n] of Object.entries(feedCodes)) codes[Number(code)] = (codes[Number(code)] ?? 0) + n;
  await sendDeliveries(base, unshipped.deliveries, concurrency);
  const sendSeconds = (performance.now() - started) / 1000;
  say(`• delivered in ${sendSeconds.toFixed(1)} s (${Math.round(sent.length / sendSeconds)}/s): ${Object.entries(codes).map(([c, n]) => `${n}× ${c}`).join(", ")}`);

  const database = openDatabase({ dialect: "sqlite", path: dbPath });
  const db = database.db;
  await waitForProcessing(db, unique);
  const processSeconds = (performance.now() - started) / 1000;
  await waitForEvaluation(db);
  await waitForMessages(db);
  // Shopify's truth, read back by reconciliation: what the lost webhooks carried is repaired
  const reconciled = await reconcileAfterTheMonth({ admin, shop: PREVIEW_SHOP, deliveries: shopifyDeliveries, dropped, seed, db, history: history.orders });
  await waitForProcessing(db, unique);
  // the merchant connects the shop's UPS account: each UPS parcel on its way is polled, and UPS's answer (the scans
  // Shopify relayed, in UPS's codes) must leave every timeline and state as it was
  await connectUpsAccount({ base, shop: PREVIEW_SHOP, apiKey: LOCAL_SHOPIFY_ENV.SHOPIFY_API_KEY, secret: LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET });
  await waitForFirstPolls(db, PREVIEW_SHOP, carrierApis);
  await waitForEvaluation(db);

  // did every shipment end where the store's history says it should?
  const rows = await db.selectFrom("Shipment").select(["shipmentKey", "status", "reason", "orderName", "carrierCode"]).where("shop", "=", PREVIEW_SHOP).where("supersededAt", "is", null).where("shippedAt", ">", history.end).execute();
  const byKey = new Map(rows.map((r) => [r.shipmentKey, r]));
  const wrong: string[] = [];
  for (const intended of store.intended) {
    const actual = byKey.get(intended.trackingNumber.toUpperCase());
    if (!actual) wrong.push(`${intended.trackingNumber} (${intended.scenario}): missing`);
    else if (actual.status !== intended.status || actual.reason !== intended.reason || actual.carrierCode !== intended.carrierCode)
      wrong.push(`${intended.trackingNumber} (${intended.scenario}): expected ${intended.status}/${intended.reason ?? "-"} via ${intended.carrierCode}, got ${actual.status}/${actual.reason ?? "-"} via ${actual.carrierCode}`);
  }
  const byStatus = new Map<string, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const lags = (
    await db.selectFrom("WebhookDelivery").select(["receivedAt", "processedAt"]).where("shop", "=", PREVIEW_SHOP).where("processedAt", "is not", null).execute()
  )
    .map((d) => d.processedAt! - d.receivedAt)
    .sort((a, b) => a - b);
  const failed = await db.selectFrom("WebhookDelivery").select(["topic", "error"]).where("status", "=", "failed").execute();
  const cases = await caseSummary(db, store.intended);
  const notShipped = (
    await db.selectFrom("ExceptionCase").select(["orderName"]).where("shop", "=", PREVIEW_SHOP).where("type", "=", "fulfillment_delayed").where("status", "!=", "resolved").execute()
  ).map((c) => c.orderName).sort();
  const notShippedOk = notShipped.join() === [...unshipped.expectedLate].sort().join();
  const unmapped = await db.selectFrom("UnmappedStatusCode").select(["code", "count"]).execute();
  const messages = await messageSummary(db, PREVIEW_SHOP, policy, channels);
  const trackingLink = await shopperLink(db);
  // as the shop lived it (its history imported on install), and as a shop that opened with the month would have
  const replay = await estimateReplay(db, PREVIEW_SHOP, { historyUntil: history.end });
  const zone = (await db.selectFrom("ShopSettings").select("timezone").where("shop", "=", PREVIEW_SHOP).executeTakeFirst())?.timezone ?? "America/New_York";
  // the helpdesk's tickets, before the scorecard: each is an ask, and "case before ask" compares them with the cases
  const tickets = await sendDemoTickets({ base, shop: PREVIEW_SHOP, apiKey: LOCAL_SHOPIFY_ENV.SHOPIFY_API_KEY, secret: LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET, tickets: demoTickets(store.intended, { seed, count: 200, now: Date.now() }) });
  // the month and today: every fulfillment of the simulated store falls in it
  const card = await demoScorecard({ base, shop: PREVIEW_SHOP, apiKey: LOCAL_SHOPIFY_ENV.SHOPIFY_API_KEY, secret: LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET, zone, end: Date.now(), days: 31 });
  const feeds = await feedSummary(db, PREVIEW_SHOP, routing, new Map(store.intended.map((i) => [i.trackingNumber.toUpperCase(), i.scenario])));
  const upsAccount = await carrierAccountSummary(db, PREVIEW_SHOP, carrierApis);
  const shopper = await shopperTruth({ base, shop: PREVIEW_SHOP, apiKey: LOCAL_SHOPIFY_ENV.SHOPIFY_API_KEY, secret: LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET, db, channels });
  await database.close();

  const pct = (p: number) => lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? 0;
  say("");
  say("Summary");
  say(`  deliveries     ${sent.length} sent (${routing.deliveries.length - sent.length} lost on purpose), ${unique} unique, ${lags.length} processed, ${failed.length} parked`);
  say(`  throughput     ${Math.round(unique / processSeconds)} deliveries/s end to end (${processSeconds.toFixed(1)} s)`);
  const arrivalRate = Math.round(sent.length / sendSeconds);
  const workerRate = Math.round(unique / processSeconds);
  say(`  lag            receipt → shipment updated: p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${lags.at(-1) ?? 0} ms`);
  if (arrivalRate > workerRate) {
    say(`                 (queueing: the month arrived at ${arrivalRate}/s, faster than the worker's ${workerRate}/s; \`npm run bench -- pipeline\` measures lag at a steady rate)`);
  }
  say(`  shipments      ${rows.length}: ${[...byStatus].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(", ")}`);
  say(`  unmapped codes ${unmapped.length ? unmapped.map((u) => `${u.code}×${u.count}`).join(", ") : "none"}`);
  say(`  intended state ${store.intended.length - wrong.length}/${store.intended.length} shipments ended where the store's history says`);
  for (const w of wrong.slice(0, 10)) say(`    ✗ ${w}`);
  for (const f of failed.slice(0, 5)) say(`    parked ${f.topic}: ${f.error}`);
  say(`  cases          ${cases.open} open (${cases.byType}), ${cases.autoResolved} resolved by themselves`);
  say(`  owners         ${cases.byOwner}`);
  say(`  problems       ${cases.covered}/${cases.expected} problem shipments have their owned, explained case`);
  if (cases.notYet) say(`                 ${cases.notYet} silent only since the weekend (under 24/48 business hours): rightly no case yet`);
  say(`  false stalled  ${cases.falseStalled} (stalled cases on parcels that were moving)`);
  say(`  not shipped    ${notShipped.length} orders past their handling time have a fulfillment_delayed case (${notShipped.join(", ") || "none"}; expected ${unshipped.expectedLate.join(", ")})`);
  for (const m of cases.missing.slice(0, 10)) say(`    ✗ ${m}`);
  say(`  messages       ${messages.sent} sent (${messages.byStatus}); moments of the last ${policy.freshnessHours} h only — older ones are history`);
  say(`                 waiting: ${messages.waiting.quietHours} for the shopper's morning (quiet hours ${policy.quietHours.start}–${policy.quietHours.end} in their zone), ${messages.waiting.checkIns} check-ins held ${policy.postDeliveryHoldHours} h after delivery`);
  say(`                 ${messages.header}`);
  for (const line of messages.lines) say(`                 ${line}`);
  say(`  duplicates     ${messages.duplicateKeys} send keys, ${messages.duplicateMail} emails with the same Message-ID`);
  say(`  quiet hours    ${messages.insideQuiet} customer messages sent inside the recipient's quiet hours`);
  say(`  message links  ${shopper.links.opened}/${shopper.links.found} distinct links in mail, texts, Klaviyo events and helpdesk webhooks open the tracking page through a signed app proxy request${shopper.links.malformed ? ` (${shopper.links.malformed} not of the https://<shop>/apps/track?t=<token> shape)` : ""}`);
  for (const b of shopper.links.broken) say(`    ✗ ${b}`);
  const passedAnywhere = shopper.passed.page + shopper.passed.lookup + shopper.passed.extension + shopper.passed.supportApi;
  say(`  estimates      ${passedAnywhere} of ${shopper.undelivered} undelivered parcels show a passed estimate (page ${shopper.passed.page}, lookup ${shopper.passed.lookup}, order status extension ${shopper.passed.extension}, Support API ${shopper.passed.supportApi})`);
  say(`  attention      ${shopper.attention.expected} parcels have an open case the shopper would notice; they read as such on the page ${shopper.attention.page}, lookup ${shopper.attention.lookup}, extension data ${shopper.attention.extension}, Support API ${shopper.attention.supportApi}`);
  if (shopper.attention.waitingAtPickup) say(`                 (and ${shopper.attention.waitingAtPickup} late or silent parcels now wait at a pickup point: they read "Ready for pickup at …")`);
  for (const line of feedLines(routing, feeds, [...routing.feedOnly].filter((n) => easypost.trackers.has(n)).length)) say(`  ${line}`);
  for (const line of carrierAccountLines(upsAccount)) say(`  ${line}`);
  for (const line of reconciliationLines(reconciled)) say(`  ${line}`);
  for (const line of estimateLines(replay)) say(`  ${line}`);
  for (const line of ticketLines(tickets)) say(`  ${line}`);
  for (const line of scorecardLines(card)) say(`  ${line}`);
  say(`  SMTP capture   ${messages.smtp.received} emails received for ${messages.smtp.sentEmail} sent; Twilio stand-in ${messages.sms.received} texts for ${messages.sms.sentSms} sent; ${messages.alerts} channel-outage alerts`);

  const ok = wrong.length === 0 && failed.length === 0 && cases.missing.length === 0 && cases.falseStalled === 0 && messages.ok && shopper.ok && tickets.wrongMatches === 0 && notShippedOk;
  const reconciledOk = (reconciled.dropped === 0 || reconciled.first.repaired > 0) && reconciled.second.repaired === 0 && reconciled.errors.length === 0;
  const upsOk = upsAccount.status === "connected" && upsAccount.waiting === 0 && upsAccount.failing === 0 && upsAccount.ok === upsAccount.calls;
  const feedsOk = reconciledOk && upsOk && feeds.duplicates === 0 && feeds.falseSilence.length === 0 && feeds.stuckAtLabel === 0 && feeds.unknownTracking === 0;
  if (args.once) {
    // the server first, with its jobs in hand (a reconciliation run calls the Admin API stand-in), then the stand-ins
    await stopServer();
    await shutdown.stopAll();
    process.exit(ok && feedsOk ? 0 : 1);
  }
  say("");
  say(`Open the admin:        ${base}/local-preview  (Home: the month's scorecard)`);
  say(`The Outbox:            ${base}/local-preview?path=/app/notifications/outbox`);
  if (trackingLink) say(`A shopper's page:      ${base}${trackingLink.path}  (order ${trackingLink.orderName}: its message link, signed as Shopify's app proxy would forward it)`);
  say(`Mail received so far:  ${channels.smtp.messages.length} (the SMTP stand-in keeps running with the server)`);
  say("The server keeps running; Ctrl-C stops it and the stand-ins.");
  // the server stopping on its own (a crash) stops the demo too, stand-ins included
  if (server.exitCode === null && server.signalCode === null) await new Promise((r) => server.once("exit", r));
  // stopped by a signal: its handler exits with the signal's code once everything has stopped
  if (shutdown.signalled) return;
  await shutdown.stopAll();
  process.exit(server.exitCode === 0 ? 0 : 1);
}

const DEMO_EASYPOST_KEY = "EZAK_demo_shop";
/** the sender's mark for an EasyPost event handed to its parcel's queue (counted when it is really sent) */
const DEFERRED = 0;

/** Waits (up to two minutes) until Shipwatch has registered a tracker for the number with EasyPost's stand-in. */
async function trackerRegistered(easypost: FakeEasyPost, tracking: string): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  while (!easypost.trackers.has(tracking)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
const DEMO_EASYPOST_SECRET = "whsec-demo-shop";

/** Connects the demo shop's EasyPost account as a merchant's helpdesk or script would: PUT /api/v1/feeds/easypost. */
async function connectEasyPost(base: string): Promise<{ webhookUrl: string }> {
  const { SHOPIFY_API_KEY, SHOPIFY_API_SECRET } = LOCAL_SHOPIFY_ENV;
  const res = await fetch(`${base}/api/v1/feeds/easypost`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${sessionToken(PREVIEW_SHOP, SHOPIFY_API_KEY, SHOPIFY_API_SECRET, null)}` },
    body: JSON.stringify({ apiKey: DEMO_EASYPOST_KEY, webhookSecret: DEMO_EASYPOST_SECRET, carriers: ["ontrac", "lasership", "other", "ups"] }),
  });
  if (!res.ok) throw new Error(`connecting the EasyPost feed answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { webhookUrl: string };
}

/**
 * A shopper's tracking page for one demo order on its way, as its message link opens it. A link Shopify forwards
 * is signed with a timestamp and refused after 90 s, so the printed link is the local preview's: each time it is
 * opened it signs the /proxy?t= request afresh and shows the page in the browser (server/endpoints/local-preview.ts).
 */
async function shopperLink(db: ReturnType<typeof openDatabase>["db"]) {
  const recent = await db
    .selectFrom("Shipment")
    .select(["orderId", "orderName", "status"])
    .where("shop", "=", PREVIEW_SHOP)
    .where("supersededAt", "is", null)
    .orderBy("lastEventAt", "desc")
    .limit(500)
    .execute();
  // a parcel on its way tells the most; any parcel will do in a tiny demo
  const order = recent.find((s) => ["in_transit", "out_for_delivery", "delayed"].includes(s.status)) ?? recent.find((s) => s.status !== "delivered") ?? recent[0];
  if (!order?.orderId) return null;
  const token = createTrackLinks([LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET]).token(PREVIEW_SHOP, order.orderId, Date.now());
  return { orderName: order.orderName, path: `/local-preview/track?t=${token}` };
}

/** Waits until silence can be judged for every shipment and the sweep has looked at everything due. */
async function waitForEvaluation(db: ReturnType<typeof openDatabase>["db"]) {
  const newest = await db.selectFrom("Shipment").select((eb) => eb.fn.max("createdAt").as("at")).executeTakeFirstOrThrow();
  // while the worker was behind the month, silence was held (exception-desk's backlog hold): the parcels evaluated
  // then are judged again a recheck after it caught up, not before
  const processed = await db
    .selectFrom("WebhookDelivery")
    .select((eb) => [eb.fn.max("processedAt").as("last"), eb.fn.max(eb("processedAt", "-", eb.ref("receivedAt"))).as("lag")])
    .executeTakeFirstOrThrow();
  const held = Number(processed.lag ?? 0) > BACKLOG_MIN_AGE_MS;
  const judgeFrom = Math.max(Number(newest.at ?? 0) + graceMs, held ? Number(processed.last ?? 0) + BACKLOG_RECHECK_MS + Number(env.SWEEP_INTERVAL_SECONDS) * 2_000 : 0);
  const deadline = Date.now() + 5 * 60_000;
  while (Date.now() < deadline) {
    const now = Date.now();
    const due = await db.selectFrom("Shipment").select((eb) => eb.fn.countAll<number>().as("n")).where("nextCheckAt", "<=", now).executeTakeFirstOrThrow();
    if (now > judgeFrom && Number(due.n) === 0) return;
    process.stdout.write(`  evaluating… ${Number(due.n)} shipments due${now < judgeFrom ? `, judging silence in ${Math.ceil((judgeFrom - now) / 1000)} s` : ""}   \r`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the sweep did not evaluate every due shipment within 5 minutes");
}

/** Which case each problem scenario should have; silence only once enough business hours have passed. */
const EXPECTED_CASE: Partial<Record<string, string>> = {
  never_picked_up: "not_picked_up",
  stalled: "stalled",
  failed_attempt: "failed_attempt",
  address_issue: "address_issue",
  damaged: "damaged",
  returned_to_sender: "returned_to_sender",
  lost: "lost",
};

async function caseSummary(db: ReturnType<typeof openDatabase>["db"], intended: ReturnType<typeof simulateStore>["intended"]) {
  const rows = await db.selectFrom("ExceptionCase").select(["shipmentKey", "type", "owner", "status", "resolvedBy"]).where("shop", "=", PREVIEW_SHOP).execute();
  const shipments = await db.selectFrom("Shipment").select(["shipmentKey", "carrierCode", "shippedAt", "lastCarrierScanAt"]).where("shop", "=", PREVIEW_SHOP).execute();
  const byKey = new Map(shipments.map((s) => [s.shipmentKey, s]));
  const openCases = rows.filter((r) => r.status !== "resolved");
  const count = (list: string[]) => [...list.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ") || "none";
  const now = Date.now();
  let expected = 0;
  let covered = 0;
  let notYet = 0;
  const missing: string[] = [];
  const intendedByKey = new Map(intended.map((i) => [i.trackingNumber.toUpperCase(), i]));
  for (const i of intended) {
    const type = EXPECTED_CASE[i.scenario];
    if (!type) continue;
    const key = i.trackingNumber.toUpperCase();
    const s = byKey.get(key);
    if (s && (type === "stalled" || type === "not_picked_up")) {
      const calendar = calendarFor({ timezone: "America/New_York", carrier: s.carrierCode as CarrierCode });
      const since = type === "stalled" ? s.lastCarrierScanAt ?? s.shippedAt : s.shippedAt;
      if (businessHoursBetween(since, now, calendar) < (type === "stalled" ? 48 : 24)) {
        notYet += 1;
        continue;
      }
    }
    expected += 1;
    if (openCases.some((c) => c.shipmentKey === key && c.type === type)) covered += 1;
    else missing.push(`${i.trackingNumber} (${i.scenario}): no open ${type} case`);
  }
  const falseStalled = openCases.filter((c) => c.type === "stalled" && !["stalled", "lost", "never_picked_up"].includes(intendedByKey.get(c.shipmentKey)?.scenario ?? "")).length;
  return {
    open: openCases.length,
    byType: count(openCases.map((c) => c.type)),
    byOwner: count(openCases.map((c) => c.owner)),
    autoResolved: rows.filter((r) => r.status === "resolved" && r.resolvedBy === "shipwatch").length,
    expected,
    covered,
    notYet,
    missing,
    falseStalled,
  };
}

main().catch(async (error: unknown) => {
  // what fails while a signal is stopping everything is that stop, not a failure
  if (shutdown.signalled) return;
  process.stderr.write(`demo failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  await shutdown.stopAll();
  process.exit(1);
});
