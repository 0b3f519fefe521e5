import type { Channel, NotificationStatus } from "~/domain/notifications";

/** Ports — Notifications: the channel port, the outbox, the shop's channels, policy and templates. Adapters implement them; every call takes the shop. */

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
> & {
  /** recorded as suppressed, never sent (imported history); pending when absent */
  status?: "suppressed";
  statusReason?: string;
};

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
  /** every message sent about these shipments, oldest first (what support sees before it answers) */
  sentForShipments(shop: string, shipmentIds: readonly number[]): Promise<{ shipmentId: number; moment: string; channel: Channel; at: number }[]>;
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
