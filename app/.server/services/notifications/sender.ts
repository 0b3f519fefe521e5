import {
  CHANNEL_LABELS,
  capDeferral,
  CUSTOMER_CHANNELS,
  isCustomerChannel,
  isOrderMoment,
  MOMENTS,
  orderMessageCurrent,
  outsideQuietHours,
  stillCurrent,
  type Channel,
} from "~/domain/notifications";
import { retryDelayMs } from "~/domain/retry";
import { zoneForDestination } from "~/domain/time-zones";
import type { CaseRecord, ChannelConnectionRecord, NotificationRecord, SendOutcome, ShipmentRecord, StoredOrder } from "../../ports";
import { errorText, idempotencyKeyOf, SYSTEM_SHIPMENT, type Composer } from "./composer";
import type { NotificationsDeps } from "./deps";
import { factsOf, orderPlace, orderStillWaiting } from "./planner";
import { addressOf, recipientPlace, recipientProblem } from "./recipients";
import type { NotificationSettings } from "./settings";

export type SendResult = "sent" | "retrying" | "failed" | "suppressed" | "deferred" | "held" | "skipped";

const HOLD_RECHECK_MS = 30 * 60_000;

/**
 * Sending: a job sends each planned message when it is due, re-checking at that moment whether it is still worth
 * sending (cancelled, superseded, held by a case, quiet hours, the daily cap). The outbox row is the send
 * authority, leased while a worker has it. Channel failures are retried with backoff and jitter, parked after the
 * last attempt, and alert the merchant when they last; an attempt cut off in flight is settled, never blindly
 * sent again.
 */
export function createSender(
  deps: Pick<NotificationsDeps, "outbox" | "settings" | "shipments" | "orders" | "cases" | "gateway" | "shopTimezone" | "schedule" | "clock" | "maxAttempts" | "channelAlertMs" | "leaseMs" | "callTimeoutMs" | "retryBaseMs" | "random" | "ticketNotes" | "orderCase">,
  settings: NotificationSettings,
  composer: Composer,
) {
  const { outbox, clock } = deps;
  const leaseMs = deps.leaseMs ?? 120_000;
  const callTimeoutMs = deps.callTimeoutMs ?? 10_000;
  const retryBaseMs = deps.retryBaseMs ?? 30_000;
  const shopConfig = settings.config;
  const { connected, ready, credentialsOf } = settings;
  const { compose } = composer;

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
      const facts = factsOf(shipment, order, openCases.filter((c) => c.status === "open" || c.status === "snoozed").map((c) => c.type), now);
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
              const ok = !!s && !theirs.some((k) => k.holdMessages) && stillCurrent(c.moment, factsOf(s, order, theirs.map((k) => k.type), now));
              return { row: c, shipment: s, ok };
            });
            carried.push(...judged.filter((j) => j.ok).map((j) => j.row));
            siblings = judged.filter((j) => j.ok).map((j) => j.shipment!);
            await release(judged.filter((j) => !j.ok).map((j) => j.row), now);
          }
        }
      }
    }

    if (msg.shipmentId === SYSTEM_SHIPMENT && isOrderMoment(msg.moment)) {
      // about the order before anything shipped: it goes only while the order still waits and its case is open
      const [found, parcels, orderCase] = await Promise.all([
        deps.orders.findById(shop, msg.orderId),
        deps.shipments.listShipmentsOfOrder(shop, msg.orderId),
        deps.orderCase ? deps.orderCase(shop, msg.orderId) : Promise.resolve(null),
      ]);
      const waiting = orderStillWaiting(found, parcels);
      const caseOpen = orderCase !== null && (orderCase.status === "open" || orderCase.status === "snoozed");
      const current = orderMessageCurrent({ cancelled: !!found && (found.cancelledAt !== null || found.closedAt !== null), redacted: !found || found.redactedAt !== null, anyShipped: !waiting, caseOpen });
      if (!found || !current) {
        return suppress(msg, !found || found.redactedAt !== null ? "The order is no longer there" : found.cancelledAt !== null || found.closedAt !== null ? "The order was cancelled or closed" : !waiting ? "Superseded: the order shipped before this could go" : "Superseded: the order's fulfillment case was resolved");
      }
      order = found;
      if (orderCase?.holdMessages) return defer(msg, "held", now + HOLD_RECHECK_MS, `Held while a person reviews case #${orderCase.id}`);
      const zone = zoneForDestination(orderPlace(found), await deps.shopTimezone(shop));
      const quietUntil = outsideQuietHours(now, zone, policy.quietHours);
      if (quietUntil > now) return defer(msg, "pending", quietUntil, "Waiting for the end of quiet hours");
    }

    const rendered = await compose(msg, conn, shipment, order, siblings, openCases);
    if ("error" in rendered) {
      await release(carried.splice(0), now);
      return fail(msg, rendered.error, conn.channel);
    }
    if (msg.channel === "email" && deps.ticketNotes && (shipment || isOrderMoment(msg.moment)) && order && msg.recipient) {
      // the customer is already talking to support about this: the update goes on their ticket, not in another email
      const note = await deps.ticketNotes.noteInstead(shop, { notificationId: msg.id, email: msg.recipient, orderId: msg.orderId, orderName: msg.orderName, subject: rendered.message.subject, text: rendered.preview });
      if (note.noted) {
        const at = clock.now();
        for (const m of [msg, ...carried.splice(0)]) await outbox.finish(shop, m.id, { status: "suppressed", reason: note.reason, at, preview: rendered.preview, subject: rendered.message.subject });
        return "suppressed";
      }
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
      composer.noteAlert(row.id, { title: `${CHANNEL_LABELS[channel]} has been failing for ${hours} hours`, detail: `Messages are waiting; parked ones can be replayed from the Outbox. Last error: ${error ?? "unknown"}` });
      await deps.schedule(shop, row.id, now);
    }
  }
  // the messages the sweep scheduled again, and when
  const requeued = new Map<number, number>();

  return {
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
    /** a sample message through the channel as it is configured now (not through the outbox) */
    async testSend(shop: string, channel: Channel, to: string | null): Promise<SendOutcome> {
      settings.forget(shop);
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
      settings.forget(shop);
      return outcome;
    },
  };
}

// ---- in-flight attempts and unusable recipients

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

const UNUSABLE_RECIPIENT_WORDS: Record<Channel, string> = {
  email: "Email address not usable",
  sms: "Phone number not usable for SMS",
  klaviyo: "Profile not usable for Klaviyo",
  slack: "Slack destination not usable",
  webhook: "Webhook destination not usable",
  shopify: "Order not usable",
};
