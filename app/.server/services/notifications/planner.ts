import {
  CHANNELS,
  channelsFor,
  currentMoments,
  delayMoment,
  DELAY_MOMENTS,
  isFresh,
  momentEnabled,
  ORDER_LEVEL_SHIPMENT,
  orderSendKey,
  momentTime,
  pickLocale,
  sendKey,
  sendTime,
  silencedByClass,
  smsEligible,
  toE164,
  type Channel,
  type NotifyFacts,
} from "~/domain/notifications";
import type { ExceptionType, PlannedIntent } from "~/domain/rules";
import type { ShipmentStatus } from "~/domain/status";
import { statusClassOf, type StatusClass } from "~/domain/status-classes";
import { TEMPLATE_KEYS } from "~/domain/templates";
import { zoneForDestination } from "~/domain/time-zones";
import { HISTORY_QUIET_MS } from "~/domain/history";

/** the Outbox's words for a message an import's history called for */
export const HISTORY_REASON = "imported history: it happened before Shipwatch was told";
import type { CaseRecord, NewNotification, ShipmentRecord, StoredOrder } from "../../ports";
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
  /** imported history (EvaluatedShipment.historyUntil): recorded as suppressed, never sent (domain/history.ts) */
  historyUntil?: number | null;
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
/**
 * An order before any of it ships: nothing shipped (no live parcel, Shopify's status neither fulfilled nor
 * partial), not cancelled, closed or redacted. Read at planning and again at send time.
 */
export function orderStillWaiting(order: StoredOrder | null, shipments: readonly ShipmentRecord[]): order is StoredOrder {
  if (!order || order.cancelledAt !== null || order.closedAt !== null || order.redactedAt !== null) return false;
  if (order.fulfillmentStatus === "fulfilled" || order.fulfillmentStatus === "partial") return false;
  return !shipments.some((s) => s.cancelledAt === null && s.supersededAt === null);
}

/** Where an order goes, for the recipient's time zone, before any parcel carries a destination. */
export function orderPlace(order: StoredOrder) {
  const a = order.destination;
  return { country: a?.countryCode ?? a?.country ?? null, region: a?.provinceCode ?? null, postalCode: a?.zip ?? null };
}

export function createPlanner(deps: Pick<NotificationsDeps, "outbox" | "shopTimezone" | "schedule" | "clock" | "orders" | "shipments">, settings: NotificationSettings) {
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
      // imported history: what it calls for is recorded as suppressed, so a later evaluation never sends it either;
      // a delay a case finds once the quiet time after the import has passed is news (the parcel stalled since)
      const until = item.historyUntil ?? null;
      const quiet = until !== null && now <= until + HISTORY_QUIET_MS;
      let suppress = false;
      const add = (moment: string, channel: Channel, template: string, ruleId: number | null, address?: string | null) => {
        rows.push({
          ...(suppress ? { status: "suppressed" as const, statusReason: HISTORY_REASON } : {}),
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
        suppress = until !== null && (quiet || !foundByCase);
        if (!isFresh(moment, momentTime(moment, shipment), now, policy, foundByCase)) continue;
        for (const channel of channelsFor(moment, enabled, policy, recipient)) add(moment, channel, moment, null);
      }
      suppress = quiet;
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
      for (const row of inserted) if (row.status !== "suppressed") await deps.schedule(shop, row.id, row.sendAt);
    };
  }

  /**
   * The order-level message of a fulfillment_delayed case that just opened: "your order is taking a little longer
   * to ship", once per order and channel (orderSendKey), on the customer channels that carry words (email, SMS),
   * when the shop switched the moment on. Not for an order that has shipped, was cancelled or redacted meanwhile.
   */
  async function planOrder(shop: string, opened: CaseRecord): Promise<number> {
    if (opened.type !== "fulfillment_delayed" || opened.shipmentId !== null) return 0;
    const moment = "fulfillment_delayed" as const;
    const { policy, channels, installed } = await shopConfig(shop);
    if (!installed || !momentEnabled(policy, moment)) return 0;
    const [order, parcels] = await Promise.all([deps.orders.findById(shop, opened.orderId), deps.shipments.listShipmentsOfOrder(shop, opened.orderId)]);
    if (!orderStillWaiting(order, parcels)) return 0;
    const now = clock.now();
    const zone = zoneForDestination(orderPlace(order), await deps.shopTimezone(shop));
    const phone = toE164(order.phone, order.destination?.countryCode);
    const methods = order.shippingLines.flatMap((l) => [l.title, l.code]).filter(Boolean).join(" ");
    const recipient = { email: order.email, phone, orderValue: order.totalPrice, shippingMethod: methods };
    const wanted: Array<[Channel, string | null]> = [];
    if (ready(channels.get("email")) && order.email) wanted.push(["email", order.email]);
    if (ready(channels.get("sms")) && phone && smsEligible(policy, recipient)) wanted.push(["sms", phone]);
    const rows: NewNotification[] = wanted.map(([channel, address]) => ({
      shop,
      shipmentId: ORDER_LEVEL_SHIPMENT,
      orderId: order.orderId,
      orderName: order.name,
      locale: pickLocale(order.locale, policy.defaultLocale),
      createdAt: now,
      sendKey: orderSendKey(order.orderId, moment, channel),
      moment,
      channel,
      template: moment,
      ruleId: null,
      recipient: address,
      sendAt: sendTime({ moment, channel, now, deliveredAt: null, policy, zone }),
    }));
    // the unique send key keeps it to one per order, whichever of the order's webhooks or sweeps opened the case
    const inserted = await outbox.insertNew(rows);
    for (const row of inserted) await deps.schedule(shop, row.id, row.sendAt);
    return inserted.length;
  }

  return { plan, planOrder };
}
