import { Session } from "@shopify/shopify-api";
import { systemClock, type Clock } from "~/domain/clock";
import { createDeliveryStore } from "./adapters/delivery-store";
import { createAdminReadModel } from "./adapters/admin-read-model";
import { createDeliveryRepository } from "./adapters/deliveries";
import { openDatabase, type Database } from "./adapters/db/database";
import { migrate } from "./adapters/db/migrate";
import { createHealthCheck } from "./adapters/health";
import { createOpsCounts } from "./adapters/ops-metrics";
import { createOrderRepository } from "./adapters/orders";
import { createFulfillmentWatchStore } from "./adapters/fulfillment-watch";
import { createShipmentLegRepository, createShipmentRepository } from "./adapters/shipments";
import { createApiKeyRepository } from "./adapters/api-keys";
import { createCaseRepository } from "./adapters/cases";
import { createEvaluationStore } from "./adapters/evaluations";
import { createRuleRepository } from "./adapters/rules";
import { createSessionStorage } from "./adapters/session-storage";
import { createSettingsRepository } from "./adapters/settings";
import { createStaffNames } from "./adapters/staff-names";
import { createShopRepository } from "./adapters/shops";
import { createRedactionStore } from "./adapters/redactions";
import { createStatusMappingRepository } from "./adapters/status-mapping";
import { createChannelGateway } from "./adapters/channels";
import { createNotificationRepository } from "./adapters/notifications";
import { createNotificationSettingsRepository, createTemplateRepository } from "./adapters/notification-settings";
import { createSecretBox } from "./adapters/secret-box";
import { createAfterShipClient } from "./adapters/aftership-client";
import { createEasyPostClient } from "./adapters/easypost-client";
import { createShipEngineClient } from "./adapters/shipengine-client";
import { createFeedConnectionRepository } from "./adapters/feeds";
import { createFeedHealthStore } from "./adapters/feed-health";
import { createScorecardStore } from "./adapters/scorecard";
import { createTransitCountRepository } from "./adapters/transit-counts";
import { createTicketRepository } from "./adapters/tickets";
import { createFlowMarks, createFlowTriggerClient, createFlowTriggerUses } from "./adapters/flow";
import { createSlaAlertStore, createTeamAlertRouteStore } from "./adapters/sla-alerts";
import { createSlackTeamAlertSender } from "./adapters/team-alert-senders";
import { createHelpdeskConnectionRepository, createHelpdeskWriteMarks } from "./adapters/helpdesk-connections";
import { createGorgiasClient } from "./adapters/helpdesks/gorgias";
import { createZendeskClient } from "./adapters/helpdesks/zendesk";
import type { AppConfig } from "./config";
import { evaluateShipmentJob, processDeliveryJob, recordParkedEvaluations, SILENCE_SWEEP_JOB, silenceSweepJob } from "./jobs/definitions";
import { SEND_NOTIFICATION_JOB, sendNotificationJob } from "./jobs/notification-jobs";
import { feedHealthAlertJob, registerAfterShipTrackingJob, registerShipEngineTrackingJob, registerTrackerJob } from "./jobs/feed-jobs";
import { SEND_SLA_ALERT_JOB, SLA_ALERT_MAX_ATTEMPTS, sendSlaAlertJob } from "./jobs/sla-alert-jobs";
import { createEmbeddedQueue } from "./adapters/queue/embedded";
import { PROCESS_DELIVERY_JOB, type JobDefinition, type JobQueue, type RecurringJob, type ShopDays } from "./ports";
import { createLogger, type Logger } from "./logger";
import { createCompliance } from "./services/compliance";
import { createDeliveryProcessor } from "./services/delivery-processor";
import { createKeyedHash } from "./services/keyed-hash";
import { createExceptionDesk } from "./services/exception-desk";
import { createShopProfile } from "./services/shop-profile";
import { createSweep } from "./services/sweep";
import { createSlaAlerts } from "./services/sla-alerts";
import { createShipmentBrowser } from "./services/shipment-browser";
import { createNotifications } from "./services/notifications";
import { createOrderSync } from "./services/order-sync";
import { createFulfillmentWatch } from "./services/fulfillment-watch";
import { createRuleBook } from "./services/rule-book";
import { createScorecard } from "./services/scorecard";
import { createShipmentTracking } from "./services/shipment-tracking";
import { createStatusMapping, createStatusOverrides } from "./services/status-mapping";
import { createStorefrontLookup } from "./services/storefront-lookup";
import { createTrackLinks } from "./services/track-links";
import { createTransit } from "./services/transit";
import { createSupportApi } from "./services/support-api";
import { createTicketDesk } from "./services/tickets";
import { createFlow, createFlowActions } from "./services/flow";
import { createHelpdeskInbox, createHelpdeskSettings, createTicketNotes } from "./services/helpdesks";
import { createWebhookIngest } from "./services/webhook-ingest";
import { createBackfill, createHistoryImport } from "./services/backfill";
import { createReconciliation, RECONCILE_ALL_JOB } from "./services/reconciliation";
import { createBackfillStore, createReconciliationStore } from "./adapters/backfill-runs";
import { createShopifyAdminClient } from "./adapters/shopify-admin";
import { createTrackingFeeds } from "./services/tracking-feeds";
import { createHandOffs } from "./services/hand-offs";
import { createScanWriteBack } from "./services/scan-write-back";
import { createScanWriteBackStore } from "./adapters/write-back";
import { writeBackScanJob } from "./jobs/write-back-jobs";
import { createCarrierTracking } from "./services/carrier-tracking";
import { createOrderLock, type KeyedLock } from "./services/order-lock";
import { createAdvisoryLock } from "./adapters/db/advisory-lock";
import { createCarrierAccountRepository, createCarrierPollRepository } from "./adapters/carrier-accounts";
import { createCarrierTrackClients } from "./adapters/carrier-apis";
import { CARRIER_POLL_JOB, carrierPollJob } from "./jobs/carrier-poll-jobs";
import { createFeedHealth, quietFeedsOf } from "./services/feed-health";
import { createOpsMetrics } from "./services/ops-metrics";
import { dayOfInstant } from "~/domain/scorecard";
import { createShopifyApp, SHOPIFY_API_VERSION, type ShopifyApp } from "./shopify/app";
import { verifySessionToken } from "./shopify/session-token";
import { appProxyVerifier, webhookVerifier } from "./shopify/signatures";

/** The offline token of a shop installed without Shopify (installLocally): no Admin API accepts it. */
export const LOCAL_ACCESS_TOKEN = "shpat_local_preview_not_a_real_token";

export interface ContainerOptions {
  clock?: Clock;
  logger?: Logger;
  /** apply pending migrations at start (the demo and tests do; production runs `npm run setup`) */
  migrate?: boolean;
  queue?: { pollIntervalMs?: number; leaseMs?: number; batchSize?: number };
  /** how a stored delivery wakes the worker when it runs elsewhere (the web process's worker thread) */
  wake?: () => void;
  /** how long a requested sweep waits to gather a burst of changed shipments (tests on a held clock use 0) */
  evaluationDelayMs?: number;
  /** notification sending: lease on a message being sent, first retry delay (tests shorten them) */
  notifications?: { leaseMs?: number; retryBaseMs?: number };
  /** keep the scorecard's roll-ups in the pipeline (default on; off, nothing counts them: the scorecard bench measures their cost) */
  scorecardRollUps?: boolean;
}

/**
 * The silence sweep on PostgreSQL: bigger batches than SQLite's 250 (a commit and a round trip per statement cost
 * more there) and two at once, so this process evaluates one while the database writes the other. SQLite keeps one
 * short write at a time.
 */
export const POSTGRES_SWEEP = { batch: 500, concurrency: 2 } as const;

/** The composition root: the one place that builds the app's parts from validated config. */
export async function createContainer(config: AppConfig, options: ContainerOptions = {}) {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database: Database = openDatabase(
    config.database.dialect === "sqlite" ? { dialect: "sqlite", path: config.database.path } : { dialect: "postgres", url: config.database.url },
  );
  if (options.migrate) await migrate(database);

  const secrets = [config.shopify.apiSecret, config.shopify.previousApiSecret].filter((s): s is string => !!s);
  // the signed links customer messages carry (https://<shop>/apps/track?t=…)
  const trackLinks = createTrackLinks(secrets);
  const deliveries = createDeliveryRepository(database);
  const rules = createRuleRepository(database);
  const settings = createSettingsRepository(database);
  const profile = createShopProfile({ settings, rules, clock });
  // the scorecard's roll-ups count on the day in the shop's zone (the profile keeps it a moment: no read per count)
  const shopDays: ShopDays | undefined =
    options.scorecardRollUps === false
      ? undefined
      : async (shop) => {
          const zone = await profile.timezone(shop);
          return (at) => dayOfInstant(at, zone);
        };
  const shipments = createShipmentRepository(database, { days: shopDays });
  const orders = createOrderRepository(database);
  const shops = createShopRepository(database);
  const cases = createCaseRepository(database, { days: shopDays });
  const apiKeys = createApiKeyRepository(database);
  const tickets = createTicketRepository(database);
  // connected helpdesks: their secrets sealed like the channels' (one key), their REST clients on the API bases tests point at stand-ins
  const secretBox = createSecretBox(config.notifications.encryptionKey);
  const helpdeskParts = {
    connections: createHelpdeskConnectionRepository(database),
    secrets: secretBox,
    clients: {
      gorgias: createGorgiasClient({ apiBase: config.helpdesks.gorgiasApiBase, timeoutMs: config.helpdesks.timeoutMs }),
      zendesk: createZendeskClient({ apiBase: config.helpdesks.zendeskApiBase, timeoutMs: config.helpdesks.timeoutMs }),
    },
  };
  const helpdeskMarks = createHelpdeskWriteMarks(database);
  // REDIS_URL: BullMQ (loaded only then), relaying the jobs the ingest commits to the Job table; else the embedded queue
  // (on BullMQ, deliveries left unprocessed are queued again: Redis may have lost their jobs, the database has not; see strandedDeliveries)
  const queue: JobQueue & { wake?: () => void; ping?: () => Promise<void> } = config.redisUrl ? (await import("./adapters/queue/bullmq")).createBullmqQueue({ redisUrl: config.redisUrl, concurrency: config.worker.concurrency, leaseMs: config.worker.leaseMs, clock, logger, outbox: database, owed: { everyMs: Math.min(60_000, Math.max(1_000, config.worker.strandedDeliveryMs / 2)), find: (all) => strandedDeliveries(deliveries, all ? clock.now() : clock.now() - config.worker.strandedDeliveryMs), keyOf: deliveryKey } }) : createEmbeddedQueue(database, clock, logger, { concurrency: config.worker.concurrency, leaseMs: config.worker.leaseMs, ...options.queue });

  // Built in dependency order: each part is whole when the next one takes it. Nothing is bound late.
  // the shop's transit-time model: learned from evaluated deliveries, read by rules and shipment views (cached)
  const transit = createTransit({ counts: createTransitCountRepository(database), profile, clock });
  const statusMappings = createStatusMappingRepository(database);
  const statusOverrides = createStatusOverrides(statusMappings, clock);
  const tracking = createShipmentTracking({
    shipments,
    orders,
    shops,
    clock,
    statusOverrides: (shop) => statusOverrides.forShop(shop),
    // new feed scans go back to Shopify for the shops that opted in (docs/decisions/0018)
    onFeedScans: (shop, fulfillmentId, eventKeys) => writeBack.scansLearned(shop, fulfillmentId, eventKeys),
  });
  const fulfillmentStore = createFulfillmentWatchStore(database, { days: shopDays });
  const outbox = createNotificationRepository(database, { days: shopDays });
  const gateway = createChannelGateway({
    email: config.email,
    timeoutMs: config.notifications.timeoutMs,
    twilioApiBase: config.notifications.twilioApiBase,
    klaviyoApiBase: config.notifications.klaviyoApiBase,
    shopifyAdminApiBase: config.notifications.shopifyAdminApiBase,
    shopifyApiVersion: SHOPIFY_API_VERSION,
    allowPrivateDestinations: config.notifications.allowPrivateDestinations,
    clock,
  });
  const sessionStorage = createSessionStorage(database);
  const notifications = createNotifications({
    outbox,
    settings: createNotificationSettingsRepository(database),
    templates: createTemplateRepository(database),
    shipments,
    orders,
    cases,
    gateway,
    secrets: secretBox,
    ticketNotes: createTicketNotes({ ...helpdeskParts, marks: helpdeskMarks, tickets, clock }),
    accessToken: async (shop) => (await sessionStorage.loadSession(`offline_${shop}`))?.accessToken ?? null,
    shopTimezone: (shop) => profile.timezone(shop),
    learned: (shop) => transit.estimator(shop),
    links: trackLinks,
    orderCase: (shop, orderId) => fulfillmentStore.latestCase(shop, orderId),
    isInstalled: (shop) => shops.isInstalled(shop),
    schedule: (shop, id, runAt) => queue.enqueue({ name: SEND_NOTIFICATION_JOB, shop, payload: { id }, runAt }),
    clock,
    operatorEmail: !!config.email.smtpUrl,
    operatorFrom: config.email.from,
    allowPrivateDestinations: config.notifications.allowPrivateDestinations,
    maxAttempts: config.notifications.maxAttempts,
    channelAlertMs: config.notifications.channelAlertMs,
    leaseMs: options.notifications?.leaseMs ?? config.worker.leaseMs,
    callTimeoutMs: config.notifications.timeoutMs,
    retryBaseMs: options.notifications?.retryBaseMs,
  });
  // orders before they ship: fulfillment_delayed cases, judged on each order snapshot and by the sweep; a case
  // that opens may be told to the customer (the fulfillment_delayed moment, off unless the shop switches it on)
  const fulfillmentWatch = createFulfillmentWatch({
    store: fulfillmentStore,
    orders,
    profile,
    clock,
    // the case stands whatever happens to its message: a planning failure is logged, not a failed order check
    onOpened: (shop, opened) =>
      notifications.planOrder(shop, opened).then(
        () => undefined,
        (error: unknown) => logger.error({ shop, orderId: opened.orderId, err: error }, "the fulfillment_delayed message could not be planned"),
      ),
    onFailed: ({ shop, orderId, error }) => logger.error({ shop, orderId, err: error }, "order could not be judged for its handling time; looked at again in a day"),
  });
  const orderSync = createOrderSync({ orders, shipments, clock, fulfillment: fulfillmentWatch });
  const compliance = createCompliance({
    shops,
    orders,
    shipments,
    deliveries,
    redactions: createRedactionStore(database),
    keyedHash: createKeyedHash(secrets),
    clock,
    purgeJobs: (shop) => queue.purgeShop(shop),
    redactMessages: (shop, ids) => outbox.redactOrders(shop, ids),
    // an uninstall drops every cached view of the shop at once
    forgetNotifications: (shop) => {
      notifications.forgetShop(shop);
      profile.forget(shop);
      transit.forget(shop);
    },
    revokeApiKeys: (shop) => apiKeys.revokeAll(shop, clock.now()),
    forgetTickets: (shop, customer) => tickets.forget(shop, customer),
  });
  const scorecard = createScorecard({ store: createScorecardStore(database), zoneOf: (shop) => profile.timezone(shop) });
  // Shopify Flow triggers: queued from what each evaluation changed, sent once each by the flow-trigger job
  const flow = createFlow({
    triggers: createFlowTriggerClient({ shopifyAdminApiBase: config.notifications.shopifyAdminApiBase, apiVersion: SHOPIFY_API_VERSION, timeoutMs: config.notifications.timeoutMs, clock }),
    marks: createFlowMarks(database),
    uses: createFlowTriggerUses(database),
    cases,
    shipments,
    // a shop installed locally (demo, preview, tests) has no Shopify to tell, unless a stand-in Admin API is set
    accessToken: async (shop) => {
      const token = (await sessionStorage.loadSession(`offline_${shop}`))?.accessToken ?? null;
      return token === LOCAL_ACCESS_TOKEN && !config.notifications.shopifyAdminApiBase ? null : token;
    },
    enqueue: (job) => queue.enqueue(job),
    clock,
  });
  const backfillStore = createBackfillStore(database);
  // tracking feeds' freshness: a quiet feed holds silence for the parcels that wait on it
  const feedConnections = createFeedConnectionRepository(database);
  const feedHealthStore = createFeedHealthStore(database);
  const desk = createExceptionDesk({
    shipments,
    orders,
    cases,
    profile,
    evaluations: createEvaluationStore(database, { days: shopDays }),
    clock,
    silenceGraceMs: config.exceptions.silenceGraceMs,
    backlogSince: (shop, since) => deliveries.oldestWaiting(shop, since),
    // an import of the shop's history holds silence too, and what it brought in is told to no one
    importing: async (shop) => (await backfillStore.active(shop)) !== null,
    importedHistory: (shop, ids) => backfillStore.historyOf(shop, ids),
    quietFeeds: quietFeedsOf({ store: feedHealthStore, connections: feedConnections }),
    // the desk records what it decided; notifications plan their messages from it
    subscribers: [(shop, evaluated) => notifications.plan(shop, evaluated), transit.subscriber, ...(options.scorecardRollUps === false ? [] : [scorecard.subscriber]), flow.subscriber],
    trending: (shop) => transit.trending(shop),
    staffNames: createStaffNames(database),
    onParked: recordParkedEvaluations({ enqueue: (job) => queue.enqueue(job), logger }),
    ...(database.dialect === "postgres" ? { sweepBatch: POSTGRES_SWEEP.batch, sweepConcurrency: POSTGRES_SWEEP.concurrency } : {}),
  });
  // SLA breaches: claimed by the sweep, sent to the owning team by a job (Slack today, behind the TeamAlertSender port)
  const slaAlerts = createSlaAlerts({
    store: createSlaAlertStore(database),
    routes: createTeamAlertRouteStore(database),
    cases,
    channels: createNotificationSettingsRepository(database),
    secrets: secretBox,
    senders: { slack: createSlackTeamAlertSender(gateway) },
    isInstalled: (shop) => shops.isInstalled(shop),
    schedule: (shop, id, runAt) => queue.enqueue({ name: SEND_SLA_ALERT_JOB, shop, payload: { id }, runAt, maxAttempts: SLA_ALERT_MAX_ATTEMPTS }),
    clock,
    allowPrivateDestinations: config.notifications.allowPrivateDestinations,
    leaseMs: options.notifications?.leaseMs ?? config.worker.leaseMs,
    callTimeoutMs: config.notifications.timeoutMs,
  });
  const feedHealth = createFeedHealth({
    store: feedHealthStore,
    connections: feedConnections,
    target: (shop) => slaAlerts.teamTarget(shop, "operations"),
    senders: { slack: createSlackTeamAlertSender(gateway) },
    enqueue: (job) => queue.enqueue(job),
    clock,
  });
  const sweep = createSweep({
    desk,
    orders: (limit) => fulfillmentWatch.sweep(limit),
    notifications,
    alertBreaches: () => slaAlerts.sweep(),
    checkFeeds: () => feedHealth.check(),
    schedule: (runAt) => queue.enqueueOnce({ name: SILENCE_SWEEP_JOB, shop: "*", payload: {}, ...(runAt === undefined ? {} : { runAt }) }),
    now: () => clock.now(),
    delayMs: options.evaluationDelayMs,
  });
  // Shopify's deliveries and the tracking feeds' events share one store: each is committed with its processing job
  const deliveryStore = createDeliveryStore(database);
  // multi-leg parcels: a hand-off's new number joins the shipment and is followed by the shop's other sources
  const shipmentLegs = createShipmentLegRepository(database);
  const handOffs = createHandOffs({
    legs: shipmentLegs,
    shipments,
    clock,
    track: async (shop, leg, reportedBy) => {
      await feeds.trackLeg(shop, leg, reportedBy);
      await carriers.trackLeg(shop, leg);
    },
  });
  const feeds = createTrackingFeeds({
    connections: feedConnections,
    easypost: createEasyPostClient({ apiBase: config.feeds.easypostApiBase, timeoutMs: config.feeds.timeoutMs }),
    aftership: createAfterShipClient({ apiBase: config.feeds.aftershipApiBase, timeoutMs: config.feeds.timeoutMs }),
    shipengine: createShipEngineClient({ apiBase: config.feeds.shipengineApiBase, timeoutMs: config.feeds.timeoutMs }),
    secrets: secretBox,
    store: deliveryStore,
    shipments,
    tracking,
    handOffs,
    enqueue: (job) => queue.enqueue(job),
    appUrl: config.shopify.appUrl,
    clock,
    onStored: options.wake ?? (() => queue.wake?.()),
    onFeedEvent: (shop, provider, carrier) => feedHealth.recordEvent(shop, provider, carrier),
  });
  // direct carrier tracking: the shop's own UPS/USPS/FedEx/DHL accounts, polled; its scans and Shopify's share the order lock
  // on PostgreSQL several worker processes may hold one order's deliveries at once: one at a time across them too
  const acrossProcesses = config.database.dialect === "postgres" ? createAdvisoryLock(config.database.url, { connections: config.worker.concurrency }) : null;
  const inProcess = createOrderLock();
  const orderLock: KeyedLock = acrossProcesses ? (key, work) => inProcess(key, () => acrossProcesses.lock(key, work)) : inProcess;
  const carriers = createCarrierTracking({
    accounts: createCarrierAccountRepository(database),
    polls: createCarrierPollRepository(database),
    clients: createCarrierTrackClients({ apiBases: config.carriers.apiBases, timeoutMs: config.carriers.timeoutMs, clock }),
    secrets: secretBox,
    shipments,
    tracking,
    handOffs,
    lock: orderLock,
    requestSweep: () => sweep.request(),
    isInstalled: (shop) => shops.isInstalled(shop),
    clock,
    onError: ({ shop, carrier, trackingNumber, error }) => logger.error({ shop, carrier, trackingNumber, err: error }, "carrier poll failed on our side; it backs off and is tried again"),
  });
  const processor = createDeliveryProcessor({
    deliveries,
    shops,
    tracking,
    orderSync,
    compliance,
    clock,
    markDue: (shop, ids) => shipments.markDue(shop, ids, clock.now()),
    requestSweep: () => sweep.request(),
    logger,
    feeds,
    orderLock,
    carriers,
  });
  // the Admin GraphQL API for the history import and reconciliation (a shop installed locally has none, unless a stand-in is set)
  const adminApi = createShopifyAdminClient({ apiBase: config.notifications.shopifyAdminApiBase, apiVersion: SHOPIFY_API_VERSION, timeoutMs: config.notifications.timeoutMs });
  const adminToken = async (shop: string) => {
    const token = (await sessionStorage.loadSession(`offline_${shop}`))?.accessToken ?? null;
    return token === LOCAL_ACCESS_TOKEN && !config.notifications.shopifyAdminApiBase ? null : token;
  };
  const writeBack = createScanWriteBack({
    store: createScanWriteBackStore(database),
    shipments,
    writer: adminApi,
    accessToken: adminToken,
    enqueue: (job) => queue.enqueue(job),
    clock,
    delayMs: config.feeds.writeBackDelayMs,
  });
  const backfill = createBackfill({
    store: backfillStore,
    admin: adminApi,
    accessToken: adminToken,
    apply: processor.apply,
    imported: (shop, fulfillmentId) => feeds.fulfillmentCreated(shop, fulfillmentId),
    enqueue: (job) => queue.enqueue(job),
    clock,
    logger,
    pollMs: config.history.pollMs,
    sliceMs: config.history.sliceMs,
  });
  const reconciliationStore = createReconciliationStore(database);
  const reconciliation = createReconciliation({
    store: reconciliationStore,
    admin: adminApi,
    accessToken: adminToken,
    shops: () => reconciliationStore.shopsWithHistory(),
    importedUntil: (shop) => backfillStore.importedUntil(shop),
    importing: backfill.importing,
    apply: processor.apply,
    knows: async (shop, fulfillmentId) => (await shipments.listShipmentsOfFulfillment(shop, fulfillmentId)).length > 0,
    found: (shop, fulfillmentId) => feeds.fulfillmentCreated(shop, fulfillmentId),
    enqueue: (job) => queue.enqueue(job),
    clock,
    logger,
  });
  const historyImport = createHistoryImport({ backfill, reconciliation });
  const ingest = createWebhookIngest({
    store: deliveryStore,
    verify: webhookVerifier(secrets),
    clock,
    onStored: options.wake ?? (() => queue.wake?.()),
  });
  const lookup = createStorefrontLookup({
    orders,
    shipments,
    links: trackLinks,
    cases,
    // the profile keeps each shop's settings a moment: the zone costs no read per lookup
    shopZone: (shop) => profile.timezone(shop),
    learned: (shop) => transit.estimator(shop),
    legs: (shop, ids) => shipmentLegs.listOf(shop, ids),
    clock,
  });
  const supportApi = createSupportApi({
    shipments,
    orders,
    cases,
    outbox,
    apiKeys,
    sessions: apiKeys,
    shops,
    verifySessionToken: (token) => verifySessionToken(token, { apiKey: config.shopify.apiKey, secrets, nowMs: clock.now() }),
    clock,
    views: lookup.views,
  });
  const ticketDesk = createTicketDesk({ tickets, orders, shipments, views: supportApi.views, links: trackLinks, zoneOf: (shop) => profile.timezone(shop), clock });
  const helpdeskInbox = createHelpdeskInbox({ ...helpdeskParts, marks: helpdeskMarks, tickets: ticketDesk, enqueue: (job) => queue.enqueue(job), clock });
  const helpdesks = { ...createHelpdeskSettings({ ...helpdeskParts, appUrl: config.shopify.appUrl, clock }), receive: helpdeskInbox.receive };
  const admin = createAdminReadModel({ database, shipments });
  const shipmentBrowser = createShipmentBrowser({ admin });
  const ruleBook = createRuleBook({ rules, profile, desk, admin, clock });
  const statusMapping = createStatusMapping({ mappings: statusMappings, overrides: statusOverrides, profile, recompute: tracking.recompute, evaluate: desk.evaluateShipments, clock });
  const shopify: ShopifyApp = createShopifyApp(config, sessionStorage, {
    afterAuth: async (shop) => {
      await shops.ensureInstalled(shop, clock.now());
      // the shop's recent orders are imported once after install; the install itself never waits for or fails on it
      await backfill.onInstall(shop).catch((error: unknown) => logger.error({ shop, err: error }, "the history import could not be queued"));
    },
  });

  const flowActions = createFlowActions({ shipments, cases, openCase: desk.openCase, clock });
  // a person resolving a case tells Flow too (the evaluations' own resolutions are told by flow.subscriber)
  const staffDesk: typeof desk = {
    ...desk,
    async resolve(shop, id, resolution, actor, note) {
      const outcome = await desk.resolve(shop, id, resolution, actor, note);
      if (outcome.ok) await flow.caseResolved(shop, id);
      return outcome;
    },
  };

  const jobs: JobDefinition[] = [
    processDeliveryJob({ processor, deliveries }),
    registerTrackerJob({ feeds }),
    registerAfterShipTrackingJob({ feeds }),
    registerShipEngineTrackingJob({ feeds }),
    feedHealthAlertJob({ health: feedHealth }),
    evaluateShipmentJob({ evaluate: (shop, id) => desk.evaluateShipment(shop, id) }),
    sendNotificationJob({ notifications }),
    sendSlaAlertJob({ alerts: slaAlerts }),
    flow.job,
    helpdeskInbox.job,
    silenceSweepJob({
      sweep: (limit) => sweep.run(limit),
      enqueueAgain: () => sweep.again(),
      // on PostgreSQL a run takes enough for its batches to be evaluated side by side
      ...(database.dialect === "postgres" ? { batch: POSTGRES_SWEEP.batch * POSTGRES_SWEEP.concurrency } : {}),
    }),
    carrierPollJob({ pollDue: (limit) => carriers.pollDue(limit), enqueueAgain: () => queue.enqueueOnce({ name: CARRIER_POLL_JOB, shop: "*", payload: {} }) }),
    backfill.job,
    ...reconciliation.jobs,
    writeBackScanJob({ writeBack }),
  ];
  const recurring: RecurringJob[] = [{ name: SILENCE_SWEEP_JOB, everyMs: config.worker.sweepIntervalMs }];
  recurring.push({ name: CARRIER_POLL_JOB, everyMs: config.carriers.pollIntervalMs });
  if (config.history.reconcileEveryMs > 0) recurring.push({ name: RECONCILE_ALL_JOB, everyMs: config.history.reconcileEveryMs });

  /** does the database (and Redis, with REDIS_URL) answer: /readyz, /metrics, and a worker's watch on what it needs */
  const health = createHealthCheck({ database, redis: queue.ping ? { ping: () => queue.ping!() } : null, logger });
  const ops = createOpsMetrics({ counts: createOpsCounts(database), queue, health, clock });

  return {
    config,
    clock,
    logger,
    database,
    queue,
    jobs,
    recurring,
    shopify,
    health,
    verifyAppProxy: appProxyVerifier(secrets),
    /** Shopify Flow signs action requests as it signs webhooks */
    verifyFlowAction: webhookVerifier(secrets),
    trackLinks,
    /** the use cases: all that routes and endpoints see */
    services: { ops, feeds, carriers, feedHealth, writeBack, notifications, ingest, processor, tracking, orderSync, fulfillmentWatch, compliance, lookup, shipmentBrowser, desk: staffDesk, profile, sweep, slaAlerts, supportApi, backfill, reconciliation, historyImport, ruleBook, statusMapping, transit, scorecard, tickets: ticketDesk, helpdesks, flow: { openCase: flowActions.openCase, caseResolved: flow.caseResolved, triggerUse: flow.triggerUse } },
    /** storage, for operator tools (replay), the demo and tests; never handed to routes (see app/load-context.ts) */
    repositories: { shops, deliveries, cases, rules, settings, admin },
    /**
     * Installs a shop without Shopify: an offline session with the configured scopes and a Shop row.
     * For the demo and the local preview only; a real install comes through OAuth / token exchange.
     */
    async installLocally(shop: string) {
      await shopify.sessionStorage!.storeSession(
        new Session({
          id: `offline_${shop}`,
          shop,
          state: "local",
          isOnline: false,
          scope: config.shopify.scopes.join(","),
          accessToken: LOCAL_ACCESS_TOKEN,
        }),
      );
      await shops.ensureInstalled(shop, clock.now());
    },
    /** re-processes a shop's parked deliveries */
    async replayFailedDeliveries(shop: string, ids?: number[]) {
      const reopened = await deliveries.reopenFailed(shop, ids);
      for (const deliveryId of reopened) await queue.enqueue({ name: PROCESS_DELIVERY_JOB, shop, payload: { deliveryId } });
      return reopened.length;
    },
    async close() {
      await queue.stop();
      await gateway.close();
      // lookup counts are written in batches: keep the last ones
      await lookup.flushLookupCounts();
      await acrossProcesses?.close();
      await database.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;

/** a delivery's processing job is named by the delivery: relayed from the outbox or queued again, it is one job */
function deliveryKey(name: string, payload: unknown): string | null {
  if (name !== PROCESS_DELIVERY_JOB || typeof payload !== "object" || payload === null) return null;
  const id = (payload as { deliveryId?: unknown }).deliveryId;
  return typeof id === "number" ? `delivery-${id}` : null;
}

/** The deliveries stored before `before` and still waiting to be processed, as the jobs that process them (keyed by delivery). */
async function strandedDeliveries(deliveries: ReturnType<typeof createDeliveryRepository>, before: number) {
  const owed: { key: string; job: { name: string; shop: string; payload: { deliveryId: number } } }[] = [];
  for (let afterId = 0; ; ) {
    const page = await deliveries.receivedBefore(before, 500, afterId);
    for (const d of page) owed.push({ key: deliveryKey(PROCESS_DELIVERY_JOB, { deliveryId: d.id })!, job: { name: PROCESS_DELIVERY_JOB, shop: d.shop, payload: { deliveryId: d.id } } });
    if (page.length < 500) return owed;
    afterId = page[page.length - 1]!.id;
  }
}
