import type { PromisePolicy } from "~/domain/business-time";
import type { EstimatedDelivery } from "~/domain/estimate";
import type { Destination, OrderSnapshot } from "~/domain/order";
import type { TracesMatcher } from "~/domain/redaction";
import type { CaseChanges, ConditionCheck, ExceptionType, Owner, Priority, Resolution, Rule, RuleInput } from "~/domain/rules";

export type { Resolution };
import type { Channel, NotificationStatus } from "~/domain/notifications";
import type { ShipmentStatus, StatusReason } from "~/domain/status";

/** Ports: what the services need from storage. Adapters in ../adapters implement them; every call takes the shop. */

export interface NewDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  triggeredAt: number | null;
  apiVersion: string | null;
  body: string;
  receivedAt: number;
}

export interface DeliveryStore {
  /** Stores the delivery and its processing job together; a known webhook id stores nothing. */
  storeNew(delivery: NewDelivery): Promise<{ stored: true; id: number } | { stored: false }>;
}

export interface StoredDelivery {
  id: number;
  shop: string;
  topic: string;
  webhookId: string;
  body: string;
  status: string;
  receivedAt: number;
  triggeredAt: number | null;
}

export interface DeliveryRepository {
  get(id: number): Promise<StoredDelivery | null>;
  markProcessed(
    id: number,
    outcome: { status: "processed" | "ignored"; orderId?: string | null; note?: string; scrubBody?: boolean },
    at: number,
  ): Promise<void>;
  /** parks the delivery; `scrubBody` replaces its stored body (it names a redacted customer) */
  markFailed(id: number, error: string, options?: { scrubBody?: boolean }): Promise<void>;
  listFailed(shop: string, limit: number): Promise<(StoredDelivery & { error: string | null })[]>;
  /** marks failed deliveries received again; returns their ids for re-enqueueing */
  reopenFailed(shop: string, ids?: number[]): Promise<number[]>;
  /**
   * customers/redact: replaces the stored bodies of settled deliveries (processed, ignored, parked) that are about
   * these orders or mention the customer; masks the customer in bodies still waiting to be processed
   */
  scrubBodies(shop: string, orderIds: string[], customer: TracesMatcher): Promise<number>;
  receivedBefore(at: number, limit: number): Promise<StoredDelivery[]>;
}

export interface FulfillmentRecord {
  fulfillmentId: string;
  orderId: string;
  name: string | null;
  status: string;
  shipmentStatus: string | null;
  service: string | null;
  trackingCompany: string | null;
  trackingNumbers: string[];
  trackingUrls: string[];
  destinationCountry: string | null;
  destinationProvince: string | null;
  destination: unknown;
  /** what is in this parcel (Shopify's fulfillment line_items, cleaned and capped) */
  items: ParcelItem[];
  createdAt: number;
  updatedAt: number;
}

/** One line of a parcel as the shopper reads it: no price, no SKU, nothing personal. */
export interface ParcelItem {
  title: string;
  quantity: number;
}

/**
 * The delivery estimate shoppers were last shown, and the one shown before it changed: the story says
 * "now expected 9 December, was 7 December" from these.
 */
export interface ShownEstimate {
  current: EstimatedDelivery;
  was: EstimatedDelivery | null;
}

export interface EventRecord {
  eventKey: string;
  fulfillmentId: string;
  orderId: string | null;
  source: string;
  rawStatus: string | null;
  rawMessage: string | null;
  status: ShipmentStatus;
  reason: StatusReason | null;
  previousStatus: ShipmentStatus | null;
  happenedAt: number;
  estimatedDeliveryAt: number | null;
  location: string | null;
  receivedAt: number;
  deletedAt: number | null;
}

export interface ShipmentRecord {
  id: number;
  shop: string;
  shipmentKey: string;
  fulfillmentId: string;
  orderId: string;
  orderName: string;
  trackingNumber: string | null;
  carrierCode: string;
  carrierName: string;
  carrierSource: string;
  trackingUrl: string | null;
  service: string | null;
  status: ShipmentStatus;
  reason: StatusReason | null;
  statusChangedAt: number | null;
  lastEventAt: number | null;
  lastCarrierScanAt: number | null;
  firstCarrierScanAt: number | null;
  estimatedDeliveryAt: number | null;
  deliveredAt: number | null;
  deliveryAttempts: number;
  eventCount: number;
  destinationCountry: string | null;
  destinationProvince: string | null;
  shippedAt: number;
  promisedBy: number | null;
  nextCheckAt: number | null;
  lookupCount: number;
  lastLookedUpAt: number | null;
  /** the estimate shoppers were last shown (written by the shipment views when it changes) */
  shownEstimate: ShownEstimate | null;
  cancelledAt: number | null;
  supersededAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What recomputing from Shopify's data writes; evaluation and lookups own the other columns. */
export type ShipmentWrite = Omit<ShipmentRecord, "id" | "shop" | "createdAt" | "promisedBy" | "nextCheckAt" | "lookupCount" | "lastLookedUpAt" | "shownEstimate">;

export interface ShipmentRepository {
  getFulfillment(shop: string, fulfillmentId: string): Promise<FulfillmentRecord | null>;
  /** keeps the newest snapshot by updated_at; returns whether this one was stored */
  saveFulfillmentIfNewer(shop: string, fulfillment: FulfillmentRecord): Promise<boolean>;
  /** inserts an event unless its key is known (a tombstone included); returns whether it was inserted */
  insertEvent(shop: string, event: EventRecord): Promise<boolean>;
  /** marks an event deleted, leaving a tombstone (with the event's data) even if the event has not arrived yet */
  tombstoneEvent(shop: string, event: EventRecord & { deletedAt: number }): Promise<void>;
  listEvents(shop: string, fulfillmentId: string): Promise<EventRecord[]>;
  setPreviousStatuses(shop: string, changes: { eventKey: string; previousStatus: ShipmentStatus | null }[]): Promise<void>;
  listShipmentsOfFulfillment(shop: string, fulfillmentId: string): Promise<ShipmentRecord[]>;
  getShipmentByKey(shop: string, shipmentKey: string): Promise<ShipmentRecord | null>;
  /** returns the shipment's id; a written shipment is due for evaluation at once */
  upsertShipment(shop: string, shipmentKey: string, write: ShipmentWrite, at: number): Promise<number>;
  /** due for evaluation now (its order changed) */
  markDue(shop: string, ids: readonly number[], at: number): Promise<void>;
  markSuperseded(shop: string, shipmentKeys: string[], at: number): Promise<void>;
  renameOrder(shop: string, orderId: string, orderName: string): Promise<void>;
  cancelShipmentsOfOrder(shop: string, orderId: string, at: number): Promise<void>;
  listShipmentsOfOrder(shop: string, orderId: string): Promise<ShipmentRecord[]>;
  countUnmapped(shop: string, source: string, code: string, example: string | null, at: number): Promise<void>;
  getShipment(shop: string, id: number): Promise<ShipmentRecord | null>;
  getShipments(shop: string, ids: readonly number[]): Promise<ShipmentRecord[]>;
  setEvaluation(shop: string, id: number, evaluation: { nextCheckAt: number | null; promisedBy: number | null }): Promise<void>;
  /** shipments whose next check is due, across shops, oldest first (the silence sweep) */
  dueForCheck(now: number, limit: number): Promise<{ shop: string; id: number }[]>;
  /** adds storefront lookups to shipments' counts (a number and the latest time, nothing about who asked) */
  recordLookups(shop: string, lookups: { id: number; count: number; lastAt: number }[]): Promise<void>;
  /** the events of several fulfillments in one read, newest first (as listEvents) */
  listEventsOfFulfillments(shop: string, fulfillmentIds: string[]): Promise<EventRecord[]>;
  /** several fulfillments in one read (their items and destinations for the shipment views) */
  getFulfillments(shop: string, fulfillmentIds: readonly string[]): Promise<FulfillmentRecord[]>;
  /** records the estimates shoppers were shown, for the shipments whose estimate changed */
  rememberShownEstimates(shop: string, shown: readonly { id: number; shown: ShownEstimate }[]): Promise<void>;
}

export interface StoredOrder extends OrderSnapshot {
  redactedAt: number | null;
}

export interface OrderRepository {
  /** keeps the newest snapshot by updated_at; returns whether this one was stored */
  saveIfNewer(shop: string, order: OrderSnapshot): Promise<boolean>;
  findByName(shop: string, name: string): Promise<StoredOrder | null>;
  findById(shop: string, orderId: string): Promise<StoredOrder | null>;
  findByIds(shop: string, orderIds: readonly string[]): Promise<StoredOrder[]>;
  findForCustomer(shop: string, customer: { id: string | null; email: string | null; phone?: string | null }, orderIds: string[]): Promise<StoredOrder[]>;
  /** clears the orders' personal fields and their fulfillments' addresses down to the region (customers/redact) */
  redact(shop: string, orderIds: string[], at: number): Promise<number>;
}

/** What customers/redact reaches beyond the order rows: its tombstone, data-request copies, every text column. */
export interface RedactionStore {
  /** keeps these keyed hashes for the shop (a known one once) */
  rememberKeys(shop: string, keyHashes: readonly string[], at: number): Promise<void>;
  /** whether the shop keeps any (most never redacted anyone: the common answer, asked first and cheaply) */
  hasKeys(shop: string): Promise<boolean>;
  /** those of these keyed hashes the shop keeps */
  knownKeys(shop: string, keyHashes: readonly string[]): Promise<Set<string>>;
  /** the fulfillments of these orders, with their delivery addresses */
  fulfillmentsOf(shop: string, orderIds: readonly string[]): Promise<{ fulfillmentId: string; destination: Destination | null }[]>;
  /** deletes the copies made for the customer's data requests; returns how many */
  forgetDataRequests(shop: string, customer: { id: string | null; emails: readonly string[] }): Promise<number>;
  /**
   * masks the customer's traces in every text column of every table of the shop, found from the database's own
   * schema (a column added later is reached too); stored webhook bodies are the delivery repository's. Returns
   * how many values changed.
   */
  maskEverywhere(shop: string, customer: TracesMatcher): Promise<number>;
}

export interface ShopRepository {
  ensureInstalled(shop: string, at: number): Promise<void>;
  isInstalled(shop: string): Promise<boolean>;
  markUninstalled(shop: string, at: number): Promise<void>;
  carriers(shop: string): Promise<string[]>;
  /** deletes every row the shop owns, in every table (shop/redact) */
  purge(shop: string): Promise<Record<string, number>>;
  deleteSessions(shop: string): Promise<number>;
  recordDataRequest(shop: string, request: { requestId: string | null; customerId: string | null; email: string | null; export: unknown }, at: number): Promise<void>;
}

export interface ShipmentListQuery {
  status?: ShipmentStatus | null;
  carrier?: string | null;
  search?: string | null;
  page?: number;
  pageSize?: number;
}

export interface ShipmentListPage {
  shipments: ShipmentRecord[];
  page: number;
  pageSize: number;
  total: number;
  statusCounts: Partial<Record<ShipmentStatus, number>>;
  carriers: { code: string; name: string }[];
}

/** Read models for the admin pages. Every query is scoped to the signed-in shop. */
export interface AdminReadModel {
  listShipments(shop: string, query: ShipmentListQuery): Promise<ShipmentListPage>;
  shipmentDetail(shop: string, id: number): Promise<{ shipment: ShipmentRecord; events: EventRecord[]; siblings: ShipmentRecord[] } | null>;
}

export type CaseStatus = "open" | "snoozed" | "resolved";

export interface CaseRecord {
  id: number;
  shop: string;
  shipmentId: number;
  shipmentKey: string;
  orderId: string;
  orderName: string;
  trackingNumber: string | null;
  type: ExceptionType;
  owner: Owner;
  assignee: string | null;
  priority: Priority;
  status: CaseStatus;
  snoozedUntil: number | null;
  openedAt: number;
  dueAt: number | null;
  resolvedAt: number | null;
  resolution: Resolution | null;
  resolvedBy: string | null;
  ruleId: number | null;
  ruleName: string;
  reason: string;
  explanation: ConditionCheck[];
  holdMessages: boolean;
  openedOnState: string;
  updatedAt: number;
}


export interface CaseActivityRecord {
  id: number;
  caseId: number;
  at: number;
  actor: string;
  kind: string;
  detail: string;
}

export interface CaseQuery {
  status?: "open" | "resolved" | "snoozed" | "all";
  type?: ExceptionType;
  owner?: Owner;
  priority?: Priority;
  assignee?: string;
  overdueAt?: number;
  /** opened before this instant (age filter) */
  openedBefore?: number;
  shipmentId?: number;
  limit?: number;
  offset?: number;
}

export interface CaseRepository {
  get(shop: string, id: number): Promise<CaseRecord | null>;
  list(shop: string, query: CaseQuery): Promise<{ cases: CaseRecord[]; total: number }>;
  openForShipments(shop: string, shipmentIds: readonly number[]): Promise<CaseRecord[]>;
  update(shop: string, id: number, changes: Partial<Pick<CaseRecord, "assignee" | "priority" | "owner" | "status" | "snoozedUntil" | "holdMessages" | "dueAt">>, at: number): Promise<boolean>;
  resolve(shop: string, id: number, resolution: Resolution, actor: string, at: number): Promise<boolean>;
  reopen(shop: string, id: number, at: number): Promise<boolean>;
  /** snoozed cases whose time has come are open again (every shop: the sweep's housekeeping) */
  wakeSnoozed(at: number): Promise<number>;
  addActivity(shop: string, caseId: number, activity: { at: number; actor: string; kind: string; detail: string }): Promise<void>;
  activities(shop: string, caseId: number): Promise<CaseActivityRecord[]>;
}

export interface RuleRepository {
  list(shop: string): Promise<Rule[]>;
  get(shop: string, id: number): Promise<Rule | null>;
  create(shop: string, rule: RuleInput & { builtIn?: string | null }, at: number): Promise<Rule>;
  update(shop: string, id: number, rule: RuleInput, at: number): Promise<boolean>;
  setEnabled(shop: string, id: number, enabled: boolean, at: number): Promise<boolean>;
  remove(shop: string, id: number): Promise<boolean>;
  /** positions follow the order of ids given */
  reorder(shop: string, ids: number[], at: number): Promise<void>;
}

export interface ShopSettingsRecord {
  timezone: string;
  holidays: string[];
  carrierWorkdays: Record<string, number[]>;
  promisePolicies: PromisePolicy[];
  autoResolve: boolean;
  statusClasses: Record<string, "informational" | "customer_facing" | "exception">;
}

export interface SettingsRepository {
  /** null until the shop's settings were first created (when the default rules are installed too) */
  get(shop: string): Promise<ShopSettingsRecord | null>;
  save(shop: string, settings: ShopSettingsRecord, at: number): Promise<void>;
}


export interface ApiKeyRepository {
  create(shop: string, key: { name: string; hash: string; lastFour: string }, at: number): Promise<number>;
  list(shop: string): Promise<{ id: number; name: string; lastFour: string; createdAt: number; lastUsedAt: number | null }[]>;
  revoke(shop: string, id: number, at: number): Promise<boolean>;
  /** revokes every live key of the shop (uninstall); returns how many */
  revokeAll(shop: string, at: number): Promise<number>;
  /** the shop a live key's hash belongs to; records the use */
  shopForHash(hash: string, at: number): Promise<string | null>;
}

export interface OfflineSessionLookup {
  hasOfflineSession(shop: string): Promise<boolean>;
}

/** Applies evaluations' outcomes: cases opened, raised and resolved with their activity, intents, next checks. */
export interface EvaluationStore {
  /** all items in one transaction; returns the cases it opened */
  apply(shop: string, items: readonly { shipment: ShipmentRecord; changes: CaseChanges }[], at: number): Promise<CaseRecord[]>;
}

/** A merchant's own reading of a raw carrier code, which wins over the default table. */
export interface StatusOverrideRecord {
  source: string;
  /** the raw code as the normalizer keys it (trimmed, lower-case) */
  code: string;
  status: ShipmentStatus;
  /** null: read the reason from the carrier's message, as for a default code */
  reason: StatusReason | null;
  updatedAt: number;
}

export interface UnmappedCodeRecord {
  source: string;
  code: string;
  count: number;
  exampleMessage: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** A stored event as re-normalization reads it. */
export interface StoredEventReading {
  eventKey: string;
  fulfillmentId: string;
  rawStatus: string | null;
  rawMessage: string | null;
  status: ShipmentStatus;
  reason: StatusReason | null;
}

export interface StatusMappingRepository {
  listOverrides(shop: string): Promise<StatusOverrideRecord[]>;
  saveOverride(shop: string, override: Omit<StatusOverrideRecord, "updatedAt">, at: number): Promise<void>;
  removeOverride(shop: string, source: string, code: string): Promise<boolean>;
  listUnmapped(shop: string): Promise<UnmappedCodeRecord[]>;
  /** up to `limit` distinct carrier messages stored with the code, newest first */
  examplesOf(shop: string, source: string, code: string, limit: number): Promise<string[]>;
  /** the shop's events of a source whose raw code (trimmed, lower-case) is one of `codes` */
  eventsWithCodes(shop: string, source: string, codes: string[]): Promise<StoredEventReading[]>;
  setEventReadings(shop: string, changes: { eventKey: string; status: ShipmentStatus; reason: StatusReason | null }[]): Promise<void>;
  /** fulfillments whose shipment_status (trimmed, lower-case) is one of `codes` */
  fulfillmentsWithShipmentStatus(shop: string, codes: string[]): Promise<string[]>;
}

// ---- notifications: the channel port (one for every channel) and its message shape

/** One message as a channel sends it. Structured fields serve the channels that carry events, not text. */
export interface OutgoingMessage {
  shop: string;
  channel: Channel;
  /** the send key: used as the provider's idempotency key where it has one (Message-ID, Klaviyo unique_id, webhook id) */
  idempotencyKey: string;
  /** email address or E.164 phone; null for channels whose destination is in their settings (Slack, webhook, Shopify) */
  to: string | null;
  subject: string | null;
  text: string;
  /** the HTML body (email only), already escaped by the template engine */
  html: string | null;
  /** the structured event: Klaviyo metric and properties, the outbound webhook's JSON body */
  event: {
    /** "Shipwatch: Out for delivery" */
    name: string;
    moment: string;
    occurredAt: number;
    profile: { email: string | null; phone: string | null };
    properties: Record<string, unknown>;
  };
  /** Shopify write-back: tags to add to the order and the app-owned status metafield */
  shopify: { orderGid: string; tags: string[]; metafield: { key: string; value: string } | null } | null;
}

/** A connected channel's settings and decrypted secrets, validated by ChannelConfigSchemas in the domain. */
export interface ChannelCredentials {
  settings: Record<string, unknown>;
  secret: Record<string, unknown>;
  /** the shop's offline Admin API token (Shopify write-back only) */
  accessToken?: string | null;
}

export type SendOutcome =
  | { ok: true; providerId: string | null }
  | {
      ok: false;
      /** timeouts, 5xx and 429 are worth retrying; a permanent 4xx is not */
      retryable: boolean;
      /** from Retry-After (or Shopify's throttle status), when the provider said */
      retryAfterMs: number | null;
      /** a rate limit (429, Shopify's cost bucket): not a failure of the message; wait and go again */
      throttled?: boolean;
      status: number | null;
      error: string;
      /**
       * the provider refused the recipient itself (no such mailbox, not a mobile number, unsubscribed), in words
       * that do not repeat the address: no retry or replay can deliver it
       */
      unusableRecipient?: string;
    };

/**
 * What the provider knows of a message handed to it under an idempotency key whose answer never came back
 * (the worker died in between): `accepted` — it has it; `unknown` — it never took it; `unsupported` — there is
 * no way to ask (no lookup API for this channel or relay); `error` — asking failed.
 */
export type ProbeOutcome =
  | { state: "accepted"; providerId: string | null }
  | { state: "unknown" }
  | { state: "unsupported" }
  | { state: "error"; error: string };

/** Every channel behind one port. Adapters never throw for a provider's answer: they classify it. */
export interface ChannelGateway {
  send(message: OutgoingMessage, credentials: ChannelCredentials): Promise<SendOutcome>;
  /** asks the provider whether it accepted the message with this idempotency key (a send cut off in flight) */
  probe(message: Pick<OutgoingMessage, "channel" | "idempotencyKey">, credentials: ChannelCredentials): Promise<ProbeOutcome>;
}

// ---- notifications: the outbox, the shop's channels and policy, templates

export type { NotificationStatus };

export interface NotificationRecord {
  id: number;
  shop: string;
  sendKey: string;
  shipmentId: number;
  orderId: string;
  orderName: string;
  moment: string;
  channel: Channel;
  ruleId: number | null;
  template: string;
  locale: string;
  recipient: string | null;
  status: NotificationStatus;
  statusReason: string | null;
  combinedInto: number | null;
  sendAt: number;
  attempts: number;
  lastError: string | null;
  lockedUntil: number | null;
  subject: string | null;
  preview: string | null;
  /** the HTML that was sent (email) */
  html: string | null;
  providerId: string | null;
  createdAt: number;
  sentAt: number | null;
  updatedAt: number;
}

export type NewNotification = Pick<
  NotificationRecord,
  "shop" | "sendKey" | "shipmentId" | "orderId" | "orderName" | "moment" | "channel" | "ruleId" | "template" | "locale" | "recipient" | "sendAt" | "createdAt"
>;

export interface OutboxFilter {
  status?: NotificationStatus;
  channel?: Channel;
  /** a moment, or "rule" / "alert" / "tag" for every rule-driven message of that kind */
  moment?: string;
  /** an order name, with or without # */
  q?: string;
  shipmentId?: number;
}

export interface NotificationRepository {
  /** the send authority: inserts the rows whose (shop, sendKey) is new and returns them; known keys change nothing */
  insertNew(rows: readonly NewNotification[]): Promise<NotificationRecord[]>;
  get(shop: string, id: number): Promise<NotificationRecord | null>;
  /** the send keys already planned for these shipments */
  knownKeys(shop: string, shipmentIds: readonly number[]): Promise<Set<string>>;
  /**
   * Takes a due message for sending: pending or held, or sending whose lease ran out (its worker died; it is
   * resumed with the same idempotency key). Counts the attempt. Null when another worker has it, or it is done.
   */
  claim(shop: string, id: number, now: number, leaseMs: number): Promise<NotificationRecord | null>;
  /**
   * An earlier message of the same order, moment and channel that is still to go (pending or being sent) and
   * due by `until`: it leads, and carries this one with it.
   */
  earlierSibling(row: NotificationRecord, until: number): Promise<number | null>;
  /**
   * Takes the other pending messages of the order for the same moment and channel, due by `until`, for the lead
   * to carry (they are "sending" under the same lease; released again if they do not go with it). Also takes
   * back those that travelled with this lead in an attempt cut off in flight (its lease ran out).
   */
  claimSiblings(lead: NotificationRecord, until: number, now: number, leaseMs: number): Promise<NotificationRecord[]>;
  /**
   * Records, before the provider call, that this attempt is handed to the provider: the lead and the messages it
   * carries get `reason` and what is being sent, the carried ones point at the lead (combinedInto), and the lease
   * becomes `lockedUntil`. All or nothing, and only while every row is still held under the lease `fence` (the
   * lockedUntil of the claim): false when another worker has taken any of them.
   */
  handOver(
    shop: string,
    leadId: number,
    carriedIds: readonly number[],
    change: { fence: number; lockedUntil: number; reason: string; subject: string | null; preview: string; html: string | null; at: number },
  ): Promise<boolean>;
  /**
   * The first id is the lead; the others went with it ("combined"). `reason` and `note` (lastError) flag a
   * send that may have reached the recipient twice.
   */
  markSent(
    shop: string,
    ids: readonly number[],
    sent: { providerId: string | null; subject: string | null; preview: string | null; html: string | null; at: number; reason?: string | null; note?: string | null },
  ): Promise<void>;
  /** the messages still travelling with a lead that was sent (sending, combinedInto the lead): "combined" into it */
  markCombined(shop: string, lead: { id: number; sentAt: number; providerId: string | null }, at: number): Promise<void>;
  /** back to pending with a new time (a retry, quiet hours, the daily cap, a hold); releases the lease */
  reschedule(
    shop: string,
    id: number,
    change: { status: "pending" | "held"; sendAt: number; reason: string | null; error?: string | null; at: number; /** this claim was not an attempt (a wait, a rate limit) */ notAnAttempt?: boolean },
  ): Promise<void>;
  finish(shop: string, id: number, change: { status: "failed" | "suppressed"; reason: string; error?: string | null; at: number; preview?: string | null; subject?: string | null }): Promise<void>;
  /** what already reached the customer about this shipment (the daily cap) */
  sentForShipment(shop: string, shipmentId: number, channels: readonly Channel[]): Promise<{ moment: string; at: number }[]>;
  list(shop: string, filter: OutboxFilter, page: { limit: number; offset: number }): Promise<{ rows: NotificationRecord[]; total: number }>;
  countByStatus(shop: string): Promise<Record<NotificationStatus, number>>;
  /** the shop's messages whose status reason is exactly this one (a flag the Outbox counts) */
  countWithReason(shop: string, reason: string): Promise<number>;
  /** failed → pending with a fresh attempt budget; sent messages are never touched */
  reopenFailed(shop: string, ids: readonly number[] | null, now: number): Promise<NotificationRecord[]>;
  /** messages whose job was lost (due long ago and still pending, or sending with an expired lease) */
  stranded(now: number, dueBefore: number, limit: number): Promise<{ shop: string; id: number }[]>;
  /** customers/redact: recipients and rendered previews of these orders */
  redactOrders(shop: string, orderIds: readonly string[]): Promise<number>;
  deleteShop(shop: string): Promise<void>;
}

export interface ChannelConnectionRecord {
  channel: Channel;
  enabled: boolean;
  settings: Record<string, unknown>;
  /** sealed (encrypted) secrets; opened only by the service that sends */
  sealedSecret: string | null;
  failingSince: number | null;
  lastError: string | null;
  lastSuccessAt: number | null;
  alertedAt: number | null;
  updatedAt: number;
}

export interface NotificationSettingsRepository {
  getPolicy(shop: string): Promise<unknown | null>;
  savePolicy(shop: string, policy: unknown, at: number): Promise<void>;
  channels(shop: string): Promise<ChannelConnectionRecord[]>;
  saveChannel(shop: string, channel: Channel, change: { enabled: boolean; settings: Record<string, unknown>; sealedSecret?: string | null }, at: number): Promise<void>;
  /** a send's result: success clears failingSince; failure sets it if unset. Returns the health after. */
  recordResult(shop: string, channel: Channel, result: { ok: boolean; error: string | null; at: number }): Promise<{ failingSince: number | null; alertedAt: number | null }>;
  markAlerted(shop: string, channel: Channel, at: number): Promise<void>;
  /** enabled channels failing since before `before`, not yet alerted (every shop: the sweep's health check) */
  overdueFailures(before: number): Promise<{ shop: string; channel: Channel; failingSince: number; lastError: string | null }[]>;
  deleteShop(shop: string): Promise<void>;
}

export interface StoredTemplate {
  template: string;
  channel: Channel;
  locale: string;
  subject: string | null;
  body: string;
  updatedAt: number;
}

export interface TemplateRepository {
  get(shop: string, template: string, channel: Channel, locale: string): Promise<StoredTemplate | null>;
  list(shop: string): Promise<StoredTemplate[]>;
  save(shop: string, t: Omit<StoredTemplate, "updatedAt">, at: number): Promise<void>;
  remove(shop: string, template: string, channel: Channel, locale: string): Promise<void>;
  deleteShop(shop: string): Promise<void>;
}

/** Seals channel secrets at rest (AES-256-GCM with the operator's key). */
export interface SecretBox {
  seal(value: unknown): string;
  open(sealed: string): unknown;
}
