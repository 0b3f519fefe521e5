import {
  CHANNELS,
  channelsFor,
  currentMoments,
  delayMoment,
  DELAY_MOMENTS,
  isFresh,
  momentEnabled,
  momentTime,
  pickLocale,
  sendKey,
  sendTime,
  silencedByClass,
  smsEligible,
  type Channel,
  type NotifyFacts,
} from "~/domain/notifications";
import type { ExceptionType, PlannedIntent } from "~/domain/rules";
import type { ShipmentStatus } from "~/domain/status";
import { statusClassOf, type StatusClass } from "~/domain/status-classes";
import { TEMPLATE_KEYS } from "~/domain/templates";
import { zoneForDestination } from "~/domain/time-zones";
import type { NewNotification, ShipmentRecord, StoredOrder } from "../../ports";
import type { NotificationsDeps } from "./deps";
import { addressOf, recipientOf, recipientPlace } from "./recipients";
import type { NotificationSettings } from "./settings";

/** What evaluation knows about a shipment when it asks for messages. */
export interface NotifyItem {
  shipment: ShipmentRecord;
  order: StoredOrder | null;
  /** the shipment's open cases after this evaluation */
  openCaseTypes: readonly ExceptionType[];
  intents: readonly PlannedIntent[];
  /** the shop's class for a status (Status mapping); without it, the default classes */
  classOf?: (status: ShipmentStatus) => StatusClass;
}

/**
 * What the policy reads of a shipment, at planning and again at send time (is its moment still current?).
 * `now` tells a predicted late case (the promise still ahead) from a late one.
 */
export function factsOf(shipment: ShipmentRecord, order: StoredOrder | null, openCaseTypes: readonly ExceptionType[], now?: number): NotifyFacts {
  return {
    promiseAhead: now !== undefined && shipment.promisedBy !== null && now <= shipment.promisedBy,
    status: shipment.status,
    reason: shipment.reason,
    firstCarrierScanAt: shipment.firstCarrierScanAt,
    deliveredAt: shipment.deliveredAt,
    cancelled: shipment.cancelledAt !== null || shipment.supersededAt !== null || (order?.cancelledAt ?? null) !== null,
    openCaseTypes,
  };
}

/** Planning: which messages a shipment's moment calls for. */
export function createPlanner(deps: Pick<NotificationsDeps, "outbox" | "shopTimezone" | "schedule" | "clock">, settings: NotificationSettings) {
  const { outbox, clock } = deps;
  const shopConfig = settings.config;
  const { ready } = settings;

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
      const facts = factsOf(shipment, order, item.openCaseTypes, now);
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
        // a status the shop calls informational stays on the timeline: no message (docs/decisions/0007)
        if (silencedByClass(moment, item.classOf ?? ((status) => statusClassOf(status, {})))) continue;
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

  return { plan };
}
