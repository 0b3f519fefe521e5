import type { Clock } from "~/domain/clock";
import {
  CHANNEL_LABELS,
  ChannelConfigSchemas,
  CHANNELS,
  CUSTOMER_CHANNELS,
  capDeferral,
  channelsFor,
  currentMoments,
  DEFAULT_POLICY,
  delayMoment,
  isFresh,
  momentTime,
  DELAY_MOMENTS,
  isCustomerChannel,
  maskRecipient,
  MOMENT_LABELS,
  MOMENTS,
  momentEnabled,
  NotificationPolicySchema,
  outsideQuietHours,
  pickLocale,
  sendKey,
  sendTime,
  smsEligible,
  stillCurrent,
  toE164,
  type Channel,
  type Moment,
  type NotificationPolicy,
  type NotifyFacts,
  type Recipient,
} from "~/domain/notifications";
import { destinationProblem, type DestinationKind } from "~/domain/destinations";
import type { ExceptionType, PlannedIntent } from "~/domain/rules";
import { STATUS_LABELS } from "~/domain/status";
import type { EstimateResult } from "~/domain/estimate";
import { pickupPlaceOf, storyLanguage, type Story } from "~/domain/story";
import { estimateOf, storyOfShipment, type ShipmentFacts } from "./shipment-views";
import { defaultTemplate, reasonLabel, renderMessage, SAMPLE_TRACK_TOKEN, sampleContext, TEMPLATE_KEYS, validateTemplate, type TemplateContext, type TemplateShipment } from "~/domain/templates";
import { zoneForDestination, type DestinationPlace } from "~/domain/time-zones";
import { safeHttpsUrl } from "~/domain/urls";
import { retryDelayMs } from "../jobs/queue";
import type {
  CaseRecord,
  CaseRepository,
  ChannelConnectionRecord,
  ChannelCredentials,
  ChannelGateway,
  NewNotification,
  NotificationRecord,
  NotificationRepository,
  NotificationSettingsRepository,
  OrderRepository,
  OutboxFilter,
  OutgoingMessage,
  SecretBox,
  SendOutcome,
  ShipmentRecord,
  ShipmentRepository,
  StoredOrder,
  TemplateRepository,
} from "./ports";
import type { TrackLinks } from "./track-links";

export type Notifications = ReturnType<typeof createNotifications>;

/** What evaluation knows about a shipment when it asks for messages. */
export interface NotifyItem {
  shipment: ShipmentRecord;
  order: StoredOrder | null;
  /** the shipment's open cases after this evaluation */
  openCaseTypes: readonly ExceptionType[];
  intents: readonly PlannedIntent[];
}

const HOLD_RECHECK_MS = 30 * 60_000;
const EXCEPTION_TAG = "shipwatch:exception";
const SYSTEM_SHIPMENT = 0;

/**
 * Proactive notifications: evaluation plans the messages a shipment's moment calls for (the outbox row is the
 * send authority), and a job sends each one when it is due, re-checking at that moment whether it is still
 * worth sending (cancelled, superseded, held by a case, quiet hours, the daily cap). Channel failures are
 * retried with backoff and jitter, parked after the last attempt, and alert the merchant when they last.
 */
export function createNotifications(deps: {
  outbox: NotificationRepository;
  settings: NotificationSettingsRepository;
  templates: TemplateRepository;
  shipments: ShipmentRepository;
  orders: OrderRepository;
  cases: CaseRepository;
  gateway: ChannelGateway;
  secrets: SecretBox;
  /** the shop's offline Admin API token, for the Shopify write-back */
  accessToken: (shop: string) => Promise<string | null>;
  /** the app is installed on the shop: nothing goes out for a shop that uninstalled it */
  isInstalled: (shop: string) => Promise<boolean>;
  /** the shop's own time zone: the fallback for recipients whose zone is unknown */
  shopTimezone: (shop: string) => Promise<string>;
  /** the signed `https://<shop>/apps/track?t=<token>` links every customer message carries */
  links: TrackLinks;
  /** runs the send job for a message at (or after) runAt */
  schedule: (shop: string, id: number, runAt: number) => Promise<void>;
  clock: Clock;
  /** the operator's SMTP relay is configured (SMTP_URL): email works without the shop's own server */
  operatorEmail: boolean;
  /** the operator's sender (EMAIL_FROM), the last resort for the address customers write to */
  operatorFrom?: string | null;
  /** SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: destinations may be plain-http, loopback or private (local stand-ins); never in production */
  allowPrivateDestinations?: boolean;
  maxAttempts: number;
  channelAlertMs: number;
  /** how long a worker owns a message it is sending; after, the send is resumed with the same idempotency key */
  leaseMs?: number;
  /**
   * one provider call's time limit (NOTIFY_TIMEOUT_MS): a send handed to the provider longer ago than the lease
   * plus this has ended, answered or not, even in a worker that is merely slow
   */
  callTimeoutMs?: number;
  /** first retry delay; doubles per attempt (with jitter), capped at an hour */
  retryBaseMs?: number;
  random?: () => number;
  cacheMs?: number;
}) {
  const { outbox, clock } = deps;
  const leaseMs = deps.leaseMs ?? 120_000;
  const callTimeoutMs = deps.callTimeoutMs ?? 10_000;
  const retryBaseMs = deps.retryBaseMs ?? 30_000;
  const cacheMs = deps.cacheMs ?? 5_000;

  // ---- the shop's policy and channels, cached briefly (a worker reads them for every message)
  const cache = new Map<
    string,
    {
      at: number;
      policy: NotificationPolicy;
      channels: Map<Channel, ChannelConnectionRecord>;
      templates: Map<string, { subject: string | null; body: string }>;
      installed: boolean;
    }
  >();
  async function shopConfig(shop: string) {
    const hit = cache.get(shop);
    if (hit && clock.now() - hit.at < cacheMs) return hit;
    const parsed = NotificationPolicySchema.safeParse((await deps.settings.getPolicy(shop)) ?? {});
    const channels = new Map((await deps.settings.channels(shop)).map((c) => [c.channel, c]));
    // the shop's own templates (few), so a send does not read them one by one
    const templates = new Map((await deps.templates.list(shop)).map((t) => [`${t.template}|${t.channel}|${t.locale}`, { subject: t.subject, body: t.body }]));
    const installed = await deps.isInstalled(shop);
    const entry = { at: clock.now(), policy: parsed.success ? parsed.data : DEFAULT_POLICY, channels, templates, installed };
    cache.set(shop, entry);
    return entry;
  }

  /** has what it needs to send: its secret (email may use the operator's relay; Shopify uses the shop's session) */
  function connected(c: ChannelConnectionRecord | undefined): c is ChannelConnectionRecord {
    if (!c) return false;
    if (c.channel === "email") return deps.operatorEmail || !!c.sealedSecret;
    if (c.channel === "shopify") return true;
    return !!c.sealedSecret;
  }

  /** switched on, and able to send */
  function ready(c: ChannelConnectionRecord | undefined): c is ChannelConnectionRecord {
    return !!c?.enabled && connected(c);
  }

  function factsOf(shipment: ShipmentRecord, order: StoredOrder | null, openCaseTypes: readonly ExceptionType[]): NotifyFacts {
    return {
      status: shipment.status,
      reason: shipment.reason,
      firstCarrierScanAt: shipment.firstCarrierScanAt,
      deliveredAt: shipment.deliveredAt,
      cancelled: shipment.cancelledAt !== null || shipment.supersededAt !== null || (order?.cancelledAt ?? null) !== null,
      openCaseTypes,
    };
  }

  function recipientOf(order: StoredOrder, shipment: ShipmentRecord): Recipient {
    const methods = order.shippingLines.flatMap((l) => [l.title, l.code]).filter(Boolean);
    const phone = toE164(order.phone, shipment.destinationCountry ?? order.destination?.countryCode);
    return { email: order.email, phone, orderValue: order.totalPrice, shippingMethod: [shipment.service, ...methods].filter(Boolean).join(" ") };
  }

  function addressOf(channel: Channel, order: StoredOrder | null, conn: ChannelConnectionRecord, shipment?: ShipmentRecord): string | null {
    const country = shipment?.destinationCountry ?? order?.destination?.countryCode;
    switch (channel) {
      case "email":
        return order?.email ?? null;
      case "sms":
        return toE164(order?.phone, country);
      case "klaviyo":
        return order?.email ?? toE164(order?.phone, country);
      case "webhook":
        return typeof conn.settings.url === "string" ? conn.settings.url : null;
      case "slack":
        return typeof conn.settings.label === "string" && conn.settings.label ? conn.settings.label : "Slack";
      case "shopify":
        return order ? `Order ${order.name}` : null;
    }
  }

  // ---- planning: which messages a shipment's moment calls for

  /**
   * Writes the messages the shipments' moments call for (known send keys change nothing) and returns what
   * schedules their sends; the caller runs it once the evaluation (its cases) is written.
   */
  async function plan(shop: string, items: readonly NotifyItem[]): Promise<() => Promise<void>> {
    const nothing = async () => {};
    if (!items.length) return nothing;
    const { policy, channels, installed } = await shopConfig(shop);
    const enabled = new Set(CHANNELS.filter((c) => ready(channels.get(c))));
    if (!enabled.size || !installed) return nothing;
    const now = clock.now();
    const shopZone = await deps.shopTimezone(shop);
    const rows: NewNotification[] = [];
    for (const item of items) {
      const { shipment, order } = item;
      if (!order) continue; // the order brings the recipient; its arrival evaluates the shipment again
      const facts = factsOf(shipment, order, item.openCaseTypes);
      if (facts.cancelled) continue;
      const zone = zoneForDestination(recipientPlace(shipment, order), shopZone);
      const locale = pickLocale(order.locale, policy.defaultLocale);
      const recipient = recipientOf(order, shipment);
      const base = { shop, shipmentId: shipment.id, orderId: shipment.orderId, orderName: shipment.orderName, locale, createdAt: now };
      const add = (moment: string, channel: Channel, template: string, ruleId: number | null, address?: string | null) => {
        rows.push({
          ...base,
          sendKey: sendKey(shipment.id, moment, channel),
          moment,
          channel,
          template,
          ruleId,
          recipient: address !== undefined ? address : addressOf(channel, order, channels.get(channel)!, shipment),
          sendAt: sendTime({ moment, channel, now, deliveredAt: shipment.deliveredAt, policy, zone }),
        });
      };
      const statusDelay = delayMoment({ ...facts, openCaseTypes: [] });
      for (const moment of currentMoments(facts)) {
        if (!momentEnabled(policy, moment)) continue;
        const foundByCase = (DELAY_MOMENTS as readonly string[]).includes(moment) && statusDelay !== moment;
        if (!isFresh(moment, momentTime(moment, shipment), now, policy, foundByCase)) continue;
        for (const channel of channelsFor(moment, enabled, policy, recipient)) add(moment, channel, moment, null);
      }
      for (const intent of item.intents) {
        if (intent.kind === "message_customer") {
          const template = (TEMPLATE_KEYS as readonly string[]).includes(intent.payload.template ?? "") ? intent.payload.template! : "rule_message";
          if (enabled.has("email") && recipient.email) add(`rule:${intent.ruleId}`, "email", template, intent.ruleId);
          if (enabled.has("sms") && recipient.phone && smsEligible(policy, recipient)) add(`rule:${intent.ruleId}`, "sms", template, intent.ruleId);
        } else if (intent.kind === "alert_internal") {
          const channel: Channel | null = enabled.has("slack") ? "slack" : enabled.has("webhook") ? "webhook" : null;
          if (channel) add(`alert:${intent.ruleId}`, channel, "internal_alert", intent.ruleId, channel === "slack" ? (intent.payload.channel ?? "Slack") : undefined);
        } else if (intent.kind === "tag_order" && enabled.has("shopify")) {
          add(`tag:${intent.ruleId}`, "shopify", "tag", intent.ruleId, intent.payload.tag ?? null);
        }
      }
    }
    // re-planning is the common case: known keys are left out before the insert (a conflict would still spend a
    // PostgreSQL sequence value per row, every evaluation)
    const known = await outbox.knownKeys(shop, [...new Set(rows.map((r) => r.shipmentId))]);
    const inserted = await outbox.insertNew(rows.filter((r) => !known.has(r.sendKey)));
    return async () => {
      for (const row of inserted) await deps.schedule(shop, row.id, row.sendAt);
    };
  }

  // ---- sending one message

  type SendResult = "sent" | "retrying" | "failed" | "suppressed" | "deferred" | "held" | "skipped";

  async function send(shop: string, id: number): Promise<SendResult> {
    const now = clock.now();
    const row = await outbox.get(shop, id);
    if (!row) return "skipped";
    if (row.status === "sending" && row.combinedInto !== null) {
      // it travelled with another message in an attempt cut off in flight: that message's outcome is its own
      const followed = await followLead(row, now);
      if (followed) return followed;
    }
    if (row.status === "pending" && isCustomerChannel(row.channel) && (MOMENTS as readonly string[]).includes(row.moment)) {
      // several shipments of one order at the same moment go as one message: the earliest one leads and
      // takes the others along (its sweep of siblings runs after this check, so none is left behind)
      const { policy } = await shopConfig(shop);
      if (policy.combineWindowMinutes > 0 && (await outbox.earlierSibling(row, row.sendAt + policy.combineWindowMinutes * 60_000)) !== null) return "skipped";
    }
    const msg = await outbox.claim(shop, id, now, leaseMs);
    if (!msg) return "skipped";
    const carried: NotificationRecord[] = [];
    const attempt = { handedOver: false };
    try {
      return await deliver(msg, now, carried, attempt);
    } catch (error) {
      // Handed to the provider and then the answer could not be written (storage): the provider may have it.
      // The row stays in flight, so once its lease runs out it is settled as in doubt, never blindly sent again.
      if (attempt.handedOver) throw error;
      // Not the provider's answer: storage, a credential that no longer decrypts (the key changed), a bug.
      // It counts as an attempt, backs off, and is parked after the last one, like any failure; if even that
      // cannot be written (storage is down), the job system retries the job.
      await release(carried, now);
      const text = `Could not send: ${errorText(error)}`;
      if (msg.attempts >= deps.maxAttempts) {
        await outbox.finish(shop, id, { status: "failed", reason: `Parked after ${msg.attempts} attempts`, error: text, at: now });
      } else {
        const sendAt = now + retryDelayMs(msg.attempts, deps.random, retryBaseMs);
        await outbox.reschedule(shop, id, { status: "pending", sendAt, reason: `Retry ${msg.attempts + 1} of ${deps.maxAttempts}`, error: text, at: now });
        await deps.schedule(shop, id, sendAt);
      }
      await deps.settings.recordResult(shop, msg.channel, { ok: false, error: text, at: now });
      return "failed";
    }
  }

  /** siblings that will not go with their lead after all: back to pending, each to be judged on its own */
  async function release(rows: readonly NotificationRecord[], at: number) {
    for (const r of rows) {
      await outbox.reschedule(r.shop, r.id, { status: "pending", sendAt: at, reason: null, at });
      await deps.schedule(r.shop, r.id, at);
    }
  }

  async function deliver(msg: NotificationRecord, now: number, carried: NotificationRecord[], attempt: { handedOver: boolean }): Promise<SendResult> {
    const { shop } = msg;
    const { policy, channels, installed } = await shopConfig(shop);
    if (!installed) return suppress(msg, "The app was uninstalled from the shop");
    const conn = channels.get(msg.channel);
    if (!ready(conn)) return suppress(msg, `${CHANNEL_LABELS[msg.channel]} is switched off or not connected`);
    // nothing to send to: no retry and no replay can change that, so it is not a failure to park
    const noAddress = recipientProblem(msg);
    if (noAddress) return suppress(msg, noAddress);
    let repeatNote: string | null = null;
    if (isInFlight(msg.statusReason)) {
      const doubt = await settleInDoubt(msg, conn, now);
      if (doubt.sent) return "sent";
      repeatNote = doubt.repeatNote;
    }

    let shipment: ShipmentRecord | null = null;
    let order: StoredOrder | null = null;
    let openCases: CaseRecord[] = [];
    let siblings: ShipmentRecord[] = [];
    if (msg.shipmentId !== SYSTEM_SHIPMENT) {
      [shipment, order, openCases] = await Promise.all([
        deps.shipments.getShipment(shop, msg.shipmentId),
        deps.orders.findById(shop, msg.orderId),
        deps.cases.openForShipments(shop, [msg.shipmentId]),
      ]);
      if (!shipment || !order) return suppress(msg, "The order or shipment is no longer there");
      const facts = factsOf(shipment, order, openCases.filter((c) => c.status === "open" || c.status === "snoozed").map((c) => c.type));
      if (facts.cancelled) return suppress(msg, "The order or shipment was cancelled");
      if (isCustomerChannel(msg.channel)) {
        if (!stillCurrent(msg.moment, facts)) return suppress(msg, "Superseded: the parcel moved on before this could go");
        const holding = openCases.find((c) => c.holdMessages);
        if (holding) return defer(msg, "held", now + HOLD_RECHECK_MS, `Held while a person reviews case #${holding.id}`);
        const zone = zoneForDestination(recipientPlace(shipment, order), await deps.shopTimezone(shop));
        const quietUntil = outsideQuietHours(now, zone, policy.quietHours);
        if (quietUntil > now) return defer(msg, "pending", quietUntil, "Waiting for the end of quiet hours");
        if ((MOMENTS as readonly string[]).includes(msg.moment) || msg.moment.startsWith("rule:")) {
          const sent = await outbox.sentForShipment(shop, msg.shipmentId, CUSTOMER_CHANNELS);
          const nextDay = capDeferral({ at: now, zone, sentAt: sent, moment: msg.moment, cap: policy.dailyCap, policy });
          if (nextDay !== null) return defer(msg, "pending", nextDay, `Daily limit of ${policy.dailyCap} messages for this shipment reached`);
        }
        if ((MOMENTS as readonly string[]).includes(msg.moment)) {
          // other shipments of the order at the same moment go in this message, if each of them may go now
          const claimed = await outbox.claimSiblings(msg, now + policy.combineWindowMinutes * 60_000, now, leaseMs);
          if (claimed.length) {
            const [ships, cases] = await Promise.all([
              deps.shipments.getShipments(shop, claimed.map((c) => c.shipmentId)),
              deps.cases.openForShipments(shop, claimed.map((c) => c.shipmentId)),
            ]);
            const byId = new Map(ships.map((s) => [s.id, s]));
            const judged = claimed.map((c) => {
              const s = byId.get(c.shipmentId);
              const theirs = cases.filter((k) => k.shipmentId === c.shipmentId);
              const ok = !!s && !theirs.some((k) => k.holdMessages) && stillCurrent(c.moment, factsOf(s, order, theirs.map((k) => k.type)));
              return { row: c, shipment: s, ok };
            });
            carried.push(...judged.filter((j) => j.ok).map((j) => j.row));
            siblings = judged.filter((j) => j.ok).map((j) => j.shipment!);
            await release(judged.filter((j) => !j.ok).map((j) => j.row), now);
          }
        }
      }
    }

    const rendered = await compose(msg, conn, shipment, order, siblings, openCases);
    if ("error" in rendered) {
      await release(carried.splice(0), now);
      return fail(msg, rendered.error, conn.channel);
    }
    const credentials = await credentialsOf(shop, conn);
    // Written, and committed, before the provider is called: from here until the answer is recorded the message
    // is "in flight", and a worker that dies in between leaves it so. The lease now runs from the hand-over and
    // covers the call's whole time limit, so no other worker takes it up while this call can still be answered.
    const handedAt = clock.now();
    const handed = await outbox.handOver(shop, msg.id, carried.map((c) => c.id), {
      fence: msg.lockedUntil ?? 0,
      lockedUntil: handedAt + leaseMs + callTimeoutMs,
      reason: inFlightReason(msg, handedAt),
      subject: rendered.message.subject,
      preview: rendered.preview,
      html: rendered.message.html,
      at: handedAt,
    });
    // this worker was too slow and another one took the message (or one it carries) over: that one sends it
    if (!handed) return "skipped";
    attempt.handedOver = true;
    const outcome = await deps.gateway.send(rendered.message, credentials);
    if (outcome.ok) {
      // the answer first, before any other work: the window in which a dying worker leaves it in doubt is this call
      await outbox.markSent(shop, [msg.id, ...carried.map((c) => c.id)], {
        providerId: outcome.providerId,
        subject: rendered.message.subject,
        preview: rendered.preview,
        html: rendered.message.html,
        at: clock.now(),
        ...(repeatNote ? { reason: MAY_HAVE_REPEATED, note: repeatNote } : {}),
      });
      carried.length = 0;
      await recordSuccess(shop, msg.channel, conn);
      return "sent";
    }
    // they go with the lead's retry if they are still due then, or on their own
    await release(carried.splice(0), now);
    return failed(msg, outcome, rendered.preview, rendered.message.subject);
  }

  /** a healthy channel's success is written at most once a minute (it only feeds "last delivered") */
  const lastSuccessWritten = new Map<string, number>();
  async function recordSuccess(shop: string, channel: Channel, conn: ChannelConnectionRecord) {
    const key = `${shop}|${channel}`;
    const now = clock.now();
    const healthy = conn.failingSince === null && !failedSinceConfig.has(key);
    if (healthy && now - (lastSuccessWritten.get(key) ?? -Infinity) < 60_000) return;
    await deps.settings.recordResult(shop, channel, { ok: true, error: null, at: now });
    lastSuccessWritten.set(key, now);
    failedSinceConfig.delete(key);
  }
  // failures seen since the cached config was read (its failingSince may be stale until the next read)
  const failedSinceConfig = new Set<string>();

  async function suppress(msg: NotificationRecord, reason: string): Promise<SendResult> {
    await outbox.finish(msg.shop, msg.id, { status: "suppressed", reason, at: clock.now() });
    return "suppressed";
  }

  /**
   * The last attempt was handed to the provider and no answer was recorded: its worker died in between, so the
   * provider may have the message. Receivers that de-duplicate on the idempotency key (Klaviyo, webhooks, the
   * Shopify write-back) take it again harmlessly. Otherwise the provider is asked where it can be (the email
   * relay's message log): if it has the message, it is recorded as sent and does not go again; if it never took
   * it, it goes as usual. Where nobody can be asked (SMS, Slack, a shop's own SMTP server), it goes again rather
   * than be lost, and is flagged in the Outbox as possibly received twice. Either way this happens only a lease
   * plus a call's time limit after the hand-over (the lease it was handed over with), when even a worker that
   * was merely slow has finished its call and recorded the answer.
   */
  async function settleInDoubt(msg: NotificationRecord, conn: ChannelConnectionRecord, now: number): Promise<{ sent: true } | { sent: false; repeatNote: string | null }> {
    if ((DEDUPLICATING_CHANNELS as readonly Channel[]).includes(msg.channel)) return { sent: false, repeatNote: null };
    // carried by a lead, it went under the lead's key
    const keyHolder = msg.combinedInto !== null ? ((await outbox.get(msg.shop, msg.combinedInto)) ?? msg) : msg;
    const probe = await deps.gateway.probe({ channel: msg.channel, idempotencyKey: idempotencyKeyOf(keyHolder) }, await credentialsOf(msg.shop, conn));
    if (probe.state === "accepted") {
      // what was handed over was written with the hand-over: that is what was sent
      await outbox.markSent(msg.shop, [msg.id], { providerId: probe.providerId, subject: msg.subject, preview: msg.preview, html: msg.html, at: now, reason: CONFIRMED_AFTER_CUT_OFF });
      await outbox.markCombined(msg.shop, { id: msg.id, sentAt: now, providerId: probe.providerId }, now);
      return { sent: true };
    }
    if (probe.state === "unknown") return { sent: false, repeatNote: null };
    const why = probe.state === "error" ? `the provider could not be asked (${probe.error})` : `${CHANNEL_LABELS[msg.channel]} offers no way to ask whether it arrived`;
    return { sent: false, repeatNote: `An earlier attempt was handed to ${CHANNEL_LABELS[msg.channel]} and its worker stopped before recording the answer; ${why}, so it was sent again` };
  }

  /** a message that travelled with a lead whose attempt was cut off in flight follows the lead's outcome */
  async function followLead(row: NotificationRecord, now: number): Promise<SendResult | null> {
    const lead = await outbox.get(row.shop, row.combinedInto!);
    // the lead settles both: its own job, or the sweep's requeue once its lease runs out
    if (lead?.status === "sending") return "skipped";
    if (lead?.status === "sent") {
      await outbox.markCombined(row.shop, { id: lead.id, sentAt: lead.sentAt ?? now, providerId: lead.providerId }, now);
      return "sent";
    }
    // the lead went its own way without it (a worker died while settling it): this one is settled on its own
    return null;
  }

  async function defer(msg: NotificationRecord, status: "pending" | "held", sendAt: number, reason: string): Promise<SendResult> {
    // waiting (quiet hours, the cap, a hold) is not an attempt: the budget is for the provider's failures
    await outbox.reschedule(msg.shop, msg.id, { status, sendAt, reason, at: clock.now(), notAnAttempt: true });
    await deps.schedule(msg.shop, msg.id, sendAt);
    return status === "held" ? "held" : "deferred";
  }

  /** a problem on our side that retrying cannot fix (a template that will not render) */
  async function fail(msg: NotificationRecord, error: string, channel: Channel): Promise<SendResult> {
    await outbox.finish(msg.shop, msg.id, { status: "failed", reason: "Could not be prepared", error, at: clock.now() });
    await deps.settings.recordResult(msg.shop, channel, { ok: false, error, at: clock.now() });
    failedSinceConfig.add(`${msg.shop}|${channel}`);
    return "failed";
  }

  async function failed(msg: NotificationRecord, outcome: Extract<SendOutcome, { ok: false }>, preview: string, subject: string | null): Promise<SendResult> {
    const now = clock.now();
    if (outcome.unusableRecipient) {
      // the provider refused the address itself: the channel works, and no replay could deliver this one
      await outbox.finish(msg.shop, msg.id, { status: "suppressed", reason: `${UNUSABLE_RECIPIENT_WORDS[msg.channel]}: ${outcome.unusableRecipient}`, error: outcome.error, at: now, preview, subject });
      return "suppressed";
    }
    if (outcome.throttled && outcome.retryable) {
      // a rate limit is the provider pacing us, not the message failing: wait as long as it says (spread
      // out, so a burst does not come back all at once) without using up an attempt
      const wait = (outcome.retryAfterMs ?? retryDelayMs(msg.attempts, deps.random, 1_000)) * (1 + (deps.random ?? Math.random)());
      const sendAt = now + Math.max(50, Math.round(wait));
      await outbox.reschedule(msg.shop, msg.id, { status: "pending", sendAt, reason: "Waiting for the provider's rate limit", error: outcome.error, at: now, notAnAttempt: true });
      await deps.schedule(msg.shop, msg.id, sendAt);
      return "deferred";
    }
    const health = await deps.settings.recordResult(msg.shop, msg.channel, { ok: false, error: outcome.error, at: now });
    failedSinceConfig.add(`${msg.shop}|${msg.channel}`);
    await maybeAlert(msg.shop, msg.channel, health, outcome.error);
    if (outcome.retryable && msg.attempts < deps.maxAttempts) {
      const backoff = retryDelayMs(msg.attempts, deps.random, retryBaseMs);
      const sendAt = now + Math.max(backoff, outcome.retryAfterMs ?? 0);
      await outbox.reschedule(msg.shop, msg.id, { status: "pending", sendAt, reason: `Retry ${msg.attempts + 1} of ${deps.maxAttempts}`, error: outcome.error, at: now });
      await deps.schedule(msg.shop, msg.id, sendAt);
      return "retrying";
    }
    const reason = outcome.retryable ? `Parked after ${msg.attempts} attempts` : "Parked: the provider refused it (retrying cannot help)";
    await outbox.finish(msg.shop, msg.id, { status: "failed", reason, error: outcome.error, at: now, preview, subject });
    return "failed";
  }

  /** a channel failing without a success for longer than the threshold: tell the merchant, once per outage */
  async function maybeAlert(shop: string, channel: Channel, health: { failingSince: number | null; alertedAt: number | null }, error: string | null) {
    const now = clock.now();
    if (health.failingSince === null || health.alertedAt !== null || now - health.failingSince < deps.channelAlertMs) return;
    await deps.settings.markAlerted(shop, channel, now);
    const { channels } = await shopConfig(shop);
    const alertChannel: Channel | null = channel !== "slack" && ready(channels.get("slack")) ? "slack" : channel !== "webhook" && ready(channels.get("webhook")) ? "webhook" : null;
    if (!alertChannel) return; // the admin banner still shows it
    const hours = Math.round((now - health.failingSince) / 360_000) / 10;
    const [row] = await outbox.insertNew([
      {
        shop,
        sendKey: `alert|channel_down:${channel}:${health.failingSince}|${alertChannel}`,
        shipmentId: SYSTEM_SHIPMENT,
        orderId: "",
        orderName: "",
        moment: `channel_down:${channel}`,
        channel: alertChannel,
        ruleId: null,
        template: "internal_alert",
        locale: "en",
        recipient: addressOf(alertChannel, null, channels.get(alertChannel)!),
        sendAt: now,
        createdAt: now,
      },
    ]);
    if (row) {
      alertDetails.set(row.id, { title: `${CHANNEL_LABELS[channel]} has been failing for ${hours} hours`, detail: `Messages are waiting; parked ones can be replayed from the Outbox. Last error: ${error ?? "unknown"}` });
      await deps.schedule(shop, row.id, now);
    }
  }
  const requeued = new Map<number, number>();
  // the words of a channel alert, for the send that follows (a restarted worker falls back to generic words)
  const alertDetails = new Map<number, { title: string; detail: string }>();

  function openOrNothing(sealed: string): Record<string, unknown> {
    try {
      return deps.secrets.open(sealed) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  async function credentialsOf(shop: string, conn: ChannelConnectionRecord): Promise<ChannelCredentials> {
    const secret = conn.sealedSecret ? (deps.secrets.open(conn.sealedSecret) as Record<string, unknown>) : {};
    return { settings: conn.settings, secret, accessToken: conn.channel === "shopify" ? await deps.accessToken(shop) : null };
  }

  // ---- what a message says

  /**
   * The order's link on the shop's tracking page, signed (track-links.ts): it names the order and nothing about
   * the shopper. Without an order (a test send, a channel alert) the bare page, which asks for the order.
   */
  function trackLinkOf(shop: string, orderId: string | null | undefined): string {
    const page = `https://${shop}/apps/track`;
    if (!orderId || !/^\d{1,19}$/.test(orderId)) return page;
    return deps.links.url(shop, orderId, clock.now());
  }

  /**
   * What the tracking page says of a parcel, told now: the story (story.ts) with its open cases, the best estimate
   * there is at this moment (never a passed date), in the recipient's zone and the message's language.
   */
  async function tellNow(
    shop: string,
    s: ShipmentRecord,
    order: StoredOrder | null,
    cases: readonly CaseRecord[],
    locale: string,
    zones: { recipient: string; shop: string },
  ): Promise<{ story: Story; estimate: EstimateResult; location: string; pickupLocation: string }> {
    const now = clock.now();
    const events = (await deps.shipments.listEvents(shop, s.fulfillmentId)).filter((e) => e.deletedAt === null).sort((a, b) => b.happenedAt - a.happenedAt);
    const located = events.find((e) => e.location?.trim());
    // the pickup point is where the carrier said it waits: the latest "available for pickup" scan that names a place
    const pickupLocation = s.status === "available_for_pickup" ? (pickupPlaceOf(events) ?? "") : "";
    // the same estimate and story the tracking page shows (shipment-views.ts), worked out again now
    const facts: ShipmentFacts = {
      shipment: s,
      events,
      fulfillment: null,
      order,
      cases: cases.filter((c) => c.shipmentId === s.id && (c.status === "open" || c.status === "snoozed")),
      shopZone: zones.shop,
      now,
    };
    const { estimate } = estimateOf(facts, zones.recipient);
    // the shopper's own locale ("fr-CA") styles the dates when the message is in its language
    const storyLocale = order?.locale && storyLanguage(order.locale) === locale ? order.locale : locale;
    const story = storyOfShipment(facts, zones.recipient, estimate, storyLocale);
    return { story, estimate, location: located?.location?.trim() ?? "", pickupLocation };
  }

  async function contextFor(
    shop: string,
    msg: Pick<NotificationRecord, "moment" | "locale" | "shipmentId" | "ruleId" | "id">,
    shipment: ShipmentRecord | null,
    order: StoredOrder | null,
    siblings: readonly ShipmentRecord[],
    openCases: readonly CaseRecord[],
  ): Promise<{ context: TemplateContext; told: Awaited<ReturnType<typeof tellNow>> | null }> {
    const locale = pickLocale(msg.locale, "en");
    const ctx = sampleContext(locale);
    const shopZone = await deps.shopTimezone(shop);
    // the recipient's zone for every country (time-zones.ts); the shop's only when nothing is known of where it goes
    const zone = shipment ? zoneForDestination(recipientPlace(shipment, order), shopZone) : shopZone;
    const shopName = shop.replace(/\.myshopify\.com$/, "").replace(/[-_]+/g, " ").replace(/\b\w/g, (c) => c.toUpperCase());
    const link = trackLinkOf(shop, order?.orderId ?? shipment?.orderId);
    const date = (ms: number | null) => (ms === null ? "" : new Intl.DateTimeFormat(locale, { weekday: "long", month: "long", day: "numeric", timeZone: zone }).format(ms));
    const all = shipment ? [shipment, ...siblings.filter((s) => s.id !== shipment.id)] : [];
    // the siblings' cases too: each parcel's story is its own
    const siblingIds = all.slice(1).map((s) => s.id);
    const cases = siblingIds.length ? [...openCases, ...(await deps.cases.openForShipments(shop, siblingIds))] : openCases;
    const told = await Promise.all(all.map((s) => tellNow(shop, s, order, cases, locale, { recipient: zone, shop: shopZone })));
    const shipmentVars = (s: ShipmentRecord, i: number): TemplateShipment => {
      const t = told[i]!;
      return {
        carrier: s.carrierName,
        tracking_number: s.trackingNumber ?? "",
        // someone else's words: a carrier link that is not safe https falls back to the shop's tracking page
        tracking_url: safeHttpsUrl(s.trackingUrl) ?? link,
        status: s.status,
        // the page's label: never plain progress while the shopper would notice a problem
        status_label: t.story.statusLabel,
        reason: s.reason ?? ("" as const),
        reason_label: reasonLabel(s.reason, locale),
        // estimated again now, at send time: a date that has passed since the message was planned is not in it
        eta: s.deliveredAt === null && s.status !== "delivered" ? etaWords(t.estimate, locale) : "",
        delivered_at: date(s.deliveredAt),
        location: t.location,
        service: s.service ?? "",
        pickup_location: t.pickupLocation,
        headline: t.story.headline,
        explanation: t.story.explanation,
        next: t.story.next,
        attention: t.story.attention?.message ?? "",
      };
    };
    let returning = false;
    if (order && (order.customerId || order.email)) {
      const theirs = await deps.orders.findForCustomer(shop, { id: order.customerId, email: order.email }, []);
      returning = theirs.some((o) => o.orderId !== order.orderId && o.createdAt < order.createdAt);
    }
    const related = openCases.find((c) => msg.ruleId !== null && c.ruleId === msg.ruleId) ?? openCases[0];
    const alert = alertDetails.get(msg.id) ?? (related ? { title: related.ruleName, detail: related.reason } : { title: "Shipwatch alert", detail: msg.moment });
    const name = order?.customerName ?? "";
    const context: TemplateContext = {
      ...ctx,
      shop: { name: shopName, url: `https://${shop}`, tracking_page_url: link, support_email: await supportEmail(shop) },
      customer: { first_name: name.split(/\s+/)[0] ?? "", name, returning },
      // the order status page needs a token we are not given: the tracking page tells the same story
      order: order ? { name: order.name, total: order.totalPrice.toFixed(2), currency: order.currency, status_url: link, tracking_link: link } : { ...ctx.order, status_url: link, tracking_link: link },
      shipment: all[0] ? shipmentVars(all[0], 0) : ctx.shipment,
      shipments: all.length ? all.map(shipmentVars) : ctx.shipments,
      shipment_count: all.length || 1,
      moment: msg.moment,
      moment_label: (MOMENT_LABELS as Record<string, string>)[msg.moment] ?? msg.moment,
      locale,
      alert: { ...alert, case_url: related ? `/app/exceptions/${related.id}` : "" },
    };
    return { context, told: told[0] ?? null };
  }

  /** where messages tell customers to write: the policy's address, else the email channel's reply-to or sender */
  async function supportEmail(shop: string): Promise<string> {
    const { policy, channels } = await shopConfig(shop);
    const email = channels.get("email")?.settings ?? {};
    const candidates = [policy.supportEmail, email.replyTo, email.from, deps.operatorFrom].map((v) => (typeof v === "string" ? addressIn(v) : null));
    return candidates.find((v): v is string => !!v) ?? "";
  }

  async function templateFor(shop: string, key: string, channel: Channel, locale: string) {
    const own = (await shopConfig(shop)).templates.get(`${key}|${channel}|${locale}`);
    if (own) return own;
    return defaultTemplate(key, channel as "email", locale as "en");
  }

  async function compose(
    msg: NotificationRecord,
    conn: ChannelConnectionRecord,
    shipment: ShipmentRecord | null,
    order: StoredOrder | null,
    siblings: readonly ShipmentRecord[],
    openCases: readonly CaseRecord[],
  ): Promise<{ message: OutgoingMessage; preview: string } | { error: string }> {
    const { context: ctx, told } = await contextFor(msg.shop, msg, shipment, order, siblings, openCases);
    let subject: string | null = null;
    let text = "";
    let html: string | null = null;
    if (msg.channel === "email" || msg.channel === "sms" || msg.channel === "slack") {
      const template = await templateFor(msg.shop, msg.template, msg.channel, msg.locale);
      if (!template) return { error: `No ${msg.channel} template "${msg.template}"` };
      try {
        ({ subject, text, html } = renderMessage({ channel: msg.channel, subject: template.subject, body: template.body, context: ctx }));
      } catch (error) {
        return { error: `The ${msg.channel} template "${msg.template}" did not render: ${errorText(error)}` };
      }
    }
    const isDelay = (DELAY_MOMENTS as readonly string[]).includes(msg.moment);
    const properties = {
      moment: msg.moment,
      moment_label: ctx.moment_label,
      order_id: msg.orderId,
      order_name: msg.orderName,
      order_value: order?.totalPrice ?? null,
      currency: order?.currency ?? null,
      status: shipment?.status ?? null,
      reason: shipment?.reason ?? null,
      carrier: shipment?.carrierName ?? null,
      tracking_number: shipment?.trackingNumber ?? null,
      tracking_url: ctx.shipment.tracking_url,
      // the signed link to the order on the shop's tracking page (no personal data in it)
      tracking_page_url: ctx.shop.tracking_page_url,
      tracking_link: ctx.order.tracking_link,
      // the best estimate now, at send time; never a passed date for a parcel still coming
      eta: shipment && shipment.deliveredAt === null ? (told?.estimate.estimatedDeliveryAt ?? null) : null,
      estimated_delivery: shipment && shipment.deliveredAt === null ? (told?.estimate.estimatedDelivery ?? null) : null,
      // the story the tracking page tells, in the message's language
      status_label: told?.story.statusLabel ?? null,
      headline: told?.story.headline ?? null,
      explanation: told?.story.explanation ?? null,
      next: told?.story.next ?? null,
      attention: told?.story.attention ?? null,
      pickup_location: told?.pickupLocation || null,
      shipment_count: ctx.shipment_count,
      returning_customer: ctx.customer.returning,
      locale: msg.locale,
      ...(msg.shipmentId === SYSTEM_SHIPMENT ? { alert: ctx.alert } : {}),
    };
    if (msg.channel !== "email" && msg.channel !== "sms" && msg.channel !== "slack") text = JSON.stringify(properties);
    const shopifySettings = conn.settings as { tagExceptions?: boolean; statusMetafield?: boolean };
    const tags = msg.moment.startsWith("tag:") ? [msg.recipient ?? ""].filter(Boolean) : isDelay && shopifySettings.tagExceptions !== false ? [EXCEPTION_TAG] : [];
    const metafield =
      shipment && !msg.moment.startsWith("tag:") && shopifySettings.statusMetafield !== false
        ? { key: "status", value: JSON.stringify({ status: shipment.status, label: STATUS_LABELS[shipment.status], reason: shipment.reason, moment: msg.moment, tracking_number: shipment.trackingNumber, updated_at: new Date(clock.now()).toISOString() }) }
        : null;
    const message: OutgoingMessage = {
      shop: msg.shop,
      channel: msg.channel,
      idempotencyKey: idempotencyKeyOf(msg),
      to: msg.channel === "email" || msg.channel === "sms" ? msg.recipient : null,
      subject,
      text,
      html,
      event: {
        name: `Shipwatch: ${ctx.moment_label}`,
        moment: msg.moment,
        occurredAt: clock.now(),
        profile: { email: order?.email ?? null, phone: toE164(order?.phone, shipment?.destinationCountry ?? order?.destination?.countryCode) },
        properties,
      },
      shopify: msg.channel === "shopify" && order ? { orderGid: `gid://shopify/Order/${order.orderId}`, tags, metafield } : null,
    };
    return { message, preview: subject ? `${subject}\n\n${text}` : text };
  }

  // ---- what the admin reads and changes

  function channelView(c: ChannelConnectionRecord | undefined, channel: Channel) {
    const now = clock.now();
    return {
      channel,
      label: CHANNEL_LABELS[channel],
      enabled: c?.enabled ?? false,
      settings: c?.settings ?? {},
      hasSecret: !!c?.sealedSecret,
      usesOperatorRelay: channel === "email" && deps.operatorEmail && !c?.sealedSecret,
      ready: ready(c),
      failingSince: c?.failingSince ?? null,
      lastError: c?.lastError ?? null,
      lastSuccessAt: c?.lastSuccessAt ?? null,
      alerting: !!c?.failingSince && now - c.failingSince >= deps.channelAlertMs,
    };
  }

  return {
    plan,
    send,
    /** messages whose job was lost (a crash between planning and scheduling, a vanished queue): scheduled again */
    async requeueStranded(limit = 500) {
      const now = clock.now();
      // due for longer than a lease and still not taken: its job was lost (a crash between planning and
      // scheduling), or it waits in a backlog, where one more job changes nothing (the row decides)
      const stranded = await outbox.stranded(now, now - leaseMs, limit);
      for (const [id, at] of requeued) if (now - at > 10 * leaseMs) requeued.delete(id);
      let count = 0;
      for (const s of stranded) {
        // one more job per ten leases is plenty
        if (requeued.has(s.id)) continue;
        requeued.set(s.id, now);
        await deps.schedule(s.shop, s.id, now);
        count += 1;
      }
      return count;
    },
    /** outages that passed the threshold with no send to notice it (a quiet shop): alerted from the sweep */
    async checkChannelHealth() {
      const now = clock.now();
      const overdue = await deps.settings.overdueFailures(now - deps.channelAlertMs);
      for (const o of overdue) await maybeAlert(o.shop, o.channel, { failingSince: o.failingSince, alertedAt: null }, o.lastError);
      return overdue.length;
    },
    forgetShop(shop: string) {
      cache.delete(shop);
    },

    async overview(shop: string) {
      const { policy, channels } = await shopConfig(shop);
      return { policy, channels: CHANNELS.map((c) => channelView(channels.get(c), c)), operatorEmail: deps.operatorEmail, alertAfterHours: deps.channelAlertMs / 3_600_000 };
    },
    /** channels failing for longer than the threshold (the admin banner) */
    async alerts(shop: string) {
      const { channels } = await shopConfig(shop);
      return CHANNELS.map((c) => channelView(channels.get(c), c)).filter((c) => c.enabled && c.alerting);
    },
    async savePolicy(shop: string, input: unknown): Promise<{ ok: true; policy: NotificationPolicy } | { ok: false; fieldErrors: Record<string, string> }> {
      const parsed = NotificationPolicySchema.safeParse(input);
      if (!parsed.success) return { ok: false, fieldErrors: fieldErrors(parsed.error.issues) };
      await deps.settings.savePolicy(shop, parsed.data, clock.now());
      cache.delete(shop);
      return { ok: true, policy: parsed.data };
    },
    /**
     * Connects or changes a channel. Secret fields left empty keep the stored secret; a channel cannot be
     * switched on without what it needs to send.
     */
    async saveChannel(shop: string, channel: Channel, input: { enabled: boolean; settings: Record<string, unknown>; secret: Record<string, unknown> }): Promise<{ ok: true } | { ok: false; fieldErrors: Record<string, string> }> {
      if (!(CHANNELS as readonly string[]).includes(channel)) return { ok: false, fieldErrors: { channel: "unknown channel" } };
      const schemas = ChannelConfigSchemas[channel];
      const { channels } = await shopConfig(shop);
      const existing = channels.get(channel);
      const settings = schemas.settings.safeParse(input.settings);
      const given = Object.fromEntries(Object.entries(input.secret).filter(([, v]) => typeof v === "string" && v.trim() !== ""));
      // a secret sealed with another key (SHIPWATCH_ENCRYPTION_KEY changed) no longer opens: it is entered again
      const stored = existing?.sealedSecret ? openOrNothing(existing.sealedSecret) : {};
      const merged = { ...stored, ...given };
      const secret = schemas.secret.safeParse(merged);
      const errors: Record<string, string> = {};
      if (!settings.success) Object.assign(errors, prefix("settings", fieldErrors(settings.error.issues)));
      // the app calls these from its own network (server-side request forgery): public hosts only, unless the operator
      // lets local stand-ins through; a name is checked again after resolution when it is called
      Object.assign(errors, destinationErrors(channel, input.settings, given, !!deps.allowPrivateDestinations));
      // a disabled channel may be saved half-filled; an enabled one must be able to send
      if (!secret.success && (input.enabled || Object.keys(given).length)) Object.assign(errors, prefix("secret", fieldErrors(secret.error.issues)));
      if (Object.keys(errors).length) return { ok: false, fieldErrors: errors };
      const hasSecret = secret.success && Object.values(secret.data as Record<string, unknown>).some((v) => v !== undefined && v !== "");
      await deps.settings.saveChannel(
        shop,
        channel,
        { enabled: input.enabled, settings: settings.success ? (settings.data as Record<string, unknown>) : {}, sealedSecret: hasSecret ? deps.secrets.seal(secret.data) : existing?.sealedSecret ? existing.sealedSecret : null },
        clock.now(),
      );
      cache.delete(shop);
      return { ok: true };
    },
    /** a sample message through the channel as it is configured now (not through the outbox) */
    async testSend(shop: string, channel: Channel, to: string | null): Promise<SendOutcome> {
      cache.delete(shop);
      const { channels } = await shopConfig(shop);
      const conn = channels.get(channel);
      if (!connected(conn)) {
        return { ok: false, retryable: false, retryAfterMs: null, status: null, error: `Connect ${CHANNEL_LABELS[channel]} first` };
      }
      if ((channel === "email" || channel === "sms") && !to) return { ok: false, retryable: false, retryAfterMs: null, status: null, error: "Enter where to send the test" };
      if (channel === "shopify") return { ok: false, retryable: false, retryAfterMs: null, status: null, error: "Shopify write-back has no test message; it acts on real orders" };
      const msg = { id: -1, shop, sendKey: `test|${clock.now()}|${channel}`, shipmentId: SYSTEM_SHIPMENT, orderId: "", orderName: "#TEST", moment: "out_for_delivery", channel, ruleId: null, template: channel === "slack" ? "internal_alert" : "out_for_delivery", locale: "en", recipient: to } as NotificationRecord;
      const composed = await compose(msg, conn, null, null, [], []);
      if ("error" in composed) return { ok: false, retryable: false, retryAfterMs: null, status: null, error: composed.error };
      const outcome = await deps.gateway.send(composed.message, await credentialsOf(shop, conn));
      await deps.settings.recordResult(shop, channel, { ok: outcome.ok, error: outcome.ok ? null : outcome.error, at: clock.now() });
      cache.delete(shop);
      return outcome;
    },

    async outbox(shop: string, filter: OutboxFilter, page: { limit: number; offset: number }) {
      const [{ rows, total }, counts, mayHaveRepeated] = await Promise.all([outbox.list(shop, filter, page), outbox.countByStatus(shop), outbox.countWithReason(shop, MAY_HAVE_REPEATED)]);
      // sends cut off in flight that went again with no way to ask the provider: the merchant should know
      return { rows: rows.map((r) => ({ ...r, recipient: maskRecipient(r.recipient) })), total, counts, mayHaveRepeated };
    },
    async message(shop: string, id: number) {
      const row = await outbox.get(shop, id);
      return row ? { ...row, recipient: maskRecipient(row.recipient) } : null;
    },
    /** parked messages go again with a fresh attempt budget; a sent message is never sent twice */
    async replay(shop: string, ids: readonly number[] | null) {
      const reopened = await outbox.reopenFailed(shop, ids, clock.now());
      for (const r of reopened) await deps.schedule(shop, r.id, r.sendAt);
      return reopened.length;
    },

    // ---- templates
    async templateList(shop: string) {
      const own = await deps.templates.list(shop);
      return { custom: own.map((t) => ({ template: t.template, channel: t.channel, locale: t.locale, updatedAt: t.updatedAt })) };
    },
    async template(shop: string, key: string, channel: Channel, locale: string) {
      const own = await deps.templates.get(shop, key, channel, locale);
      const fallback = defaultTemplate(key, channel as "email", locale as "en");
      return own ? { ...own, custom: true, default: fallback } : fallback ? { template: key, channel, locale, ...fallback, custom: false, default: fallback } : null;
    },
    async saveTemplate(shop: string, t: { template: string; channel: Channel; locale: string; subject: string | null; body: string }) {
      const checked = validateTemplate({ channel: t.channel as "email", subject: t.subject, body: t.body });
      if (!checked.ok) return checked;
      await deps.templates.save(shop, t, clock.now());
      cache.delete(shop);
      return { ok: true as const };
    },
    async resetTemplate(shop: string, key: string, channel: Channel, locale: string) {
      await deps.templates.remove(shop, key, channel, locale);
      cache.delete(shop);
    },
    /** renders a draft against a real shipment of the shop (or the sample), for the editor's live preview */
    async previewTemplate(shop: string, draft: { template: string; channel: Channel; locale: string; subject: string | null; body: string; shipmentId?: number | null }) {
      const checked = validateTemplate({ channel: draft.channel as "email", subject: draft.subject, body: draft.body });
      if (!checked.ok) return checked;
      const shipment = draft.shipmentId ? await deps.shipments.getShipment(shop, draft.shipmentId) : null;
      const order = shipment ? await deps.orders.findById(shop, shipment.orderId) : null;
      const openCases = shipment ? await deps.cases.openForShipments(shop, [shipment.id]) : [];
      const ctx = shipment ? (await contextFor(shop, { id: -1, moment: draft.template, locale: draft.locale, shipmentId: shipment.id, ruleId: null }, shipment, order, [], openCases)).context : sampleFor(shop, draft.template, draft.locale);
      try {
        return { ok: true as const, rendered: renderMessage({ channel: draft.channel as "email", subject: draft.subject, body: draft.body, context: ctx }) };
      } catch (error) {
        return { ok: false as const, errors: [{ field: "body" as const, message: errorText(error) }] };
      }
    },
  };
}

/**
 * The editor's sample, at the shop's own address: its link has the shape of a real message link
 * (`https://<shop>/apps/track?t=<token>`); a preview against a real shipment carries a real, signed one.
 */
function sampleFor(shop: string, template: string, locale: string): TemplateContext {
  const ctx = sampleContext(pickLocale(locale, "en"), { moment: template });
  const link = `https://${shop}/apps/track?t=${SAMPLE_TRACK_TOKEN}`;
  return { ...ctx, shop: { ...ctx.shop, url: `https://${shop}`, tracking_page_url: link }, order: { ...ctx.order, tracking_link: link } };
}

/** An estimate as a message writes it: "Friday, November 20", or a window "November 20 – 22"; "" without one. */
function etaWords(estimate: EstimateResult, locale: string): string {
  const e = estimate.estimatedDelivery;
  if (!e) return "";
  // ISO dates are the recipient's calendar days already: read at noon UTC, they are those days
  const noon = (iso: string) => Date.parse(`${iso}T12:00:00Z`);
  if (e.earliest === e.latest) return new Intl.DateTimeFormat(locale, { weekday: "long", month: "long", day: "numeric", timeZone: "UTC" }).format(noon(e.latest));
  return new Intl.DateTimeFormat(locale, { month: "long", day: "numeric", timeZone: "UTC" }).formatRange(noon(e.earliest), noon(e.latest));
}

// ---- sending: in-flight attempts and recipients

/** channels whose receivers de-duplicate on the idempotency key: a send cut off in flight may simply go again */
const DEDUPLICATING_CHANNELS = ["klaviyo", "webhook", "shopify"] as const;

/** the status reason of a message whose attempt is with the provider and not yet answered (see handOver) */
const IN_FLIGHT = "In flight:";

function inFlightReason(msg: NotificationRecord, at: number): string {
  return `${IN_FLIGHT} attempt ${msg.attempts} handed to ${CHANNEL_LABELS[msg.channel]} at ${new Date(at).toISOString()}, no answer recorded yet`;
}

/** the last attempt was handed to the provider and never answered (its worker died, or is still on the call) */
function isInFlight(reason: string | null): boolean {
  return reason?.startsWith(IN_FLIGHT) ?? false;
}

/** a sent message that may have reached its recipient twice (its cut-off attempt could not be checked) */
export const MAY_HAVE_REPEATED = "Sent again after an attempt cut off in flight: it may have arrived twice";
const CONFIRMED_AFTER_CUT_OFF = "Sent: the provider confirmed it had the message after the worker sending it stopped";

function idempotencyKeyOf(msg: Pick<NotificationRecord, "shop" | "sendKey">): string {
  return `${msg.shop}|${msg.sendKey}`;
}

const UNUSABLE_RECIPIENT_WORDS: Record<Channel, string> = {
  email: "Email address not usable",
  sms: "Phone number not usable for SMS",
  klaviyo: "Profile not usable for Klaviyo",
  slack: "Slack destination not usable",
  webhook: "Webhook destination not usable",
  shopify: "Order not usable",
};

/** a customer message with nowhere to go, in words (never the address itself: reasons are not redacted) */
function recipientProblem(msg: NotificationRecord): string | null {
  switch (msg.channel) {
    case "email":
      if (!msg.recipient) return "No email address on the order";
      return usableEmail(msg.recipient) ? null : "Email address not usable: the order's address is not a complete email address";
    case "sms":
      return msg.recipient ? null : "No phone number usable for SMS on the order";
    case "klaviyo":
      return msg.recipient ? null : "No email address or phone number on the order";
    default:
      return null;
  }
}

/** one mailbox: local part, @, a dotted domain; no spaces, brackets or list separators */
function usableEmail(value: string): boolean {
  return /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\.]+$/.test(value.trim()) && value.length <= 254;
}

/** "Shop <hello@shop.com>" → "hello@shop.com" */
function addressIn(value: string): string | null {
  const match = /<([^<>\s]+@[^<>\s]+)>/.exec(value) ?? /([^\s<>"]+@[^\s<>"]+)/.exec(value);
  return match ? match[1]! : null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fieldErrors(issues: readonly { path: (string | number)[]; message: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) out[issue.path.join(".") || "form"] ??= issue.message;
  return out;
}

/** The merchant-supplied destinations among a channel's new values, each with its problem (see domain/destinations). */
function destinationErrors(channel: Channel, settings: Record<string, unknown>, secret: Record<string, unknown>, allowPrivate: boolean): Record<string, string> {
  const fields: [string, unknown, DestinationKind][] =
    channel === "webhook" ? [["settings.url", settings.url, "https"]] : channel === "slack" ? [["secret.webhookUrl", secret.webhookUrl, "https"]] : channel === "email" ? [["secret.smtpUrl", secret.smtpUrl, "smtp"]] : [];
  const errors: Record<string, string> = {};
  for (const [field, value, kind] of fields) {
    const problem = typeof value === "string" && value.trim() !== "" ? destinationProblem(value, kind, { allowPrivate }) : null;
    if (problem) errors[field] = problem;
  }
  return errors;
}

/**
 * Where the recipient is, for their time zone: the parcel's destination, else the order's shipping address (a
 * fulfillment need not carry one). The shipment keeps no postal code: the order's gives it, when it names the same
 * country.
 */
function recipientPlace(shipment: ShipmentRecord, order: StoredOrder | null): DestinationPlace {
  const address = order?.destination ?? null;
  const addressCountry = address?.countryCode ?? address?.country ?? null;
  const country = shipment.destinationCountry ?? addressCountry;
  const sameCountry = address !== null && (shipment.destinationCountry === null || shipment.destinationCountry.toUpperCase() === address.countryCode?.toUpperCase());
  return {
    country,
    region: shipment.destinationProvince ?? (sameCountry ? address.provinceCode : null),
    postalCode: sameCountry ? address.zip : null,
  };
}

function prefix(p: string, errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${p}.${k}`, v]));
}

export type { Moment };
