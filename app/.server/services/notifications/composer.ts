import { DELAY_MOMENTS, isOrderMoment, MOMENT_LABELS, pickLocale, toE164, type Channel } from "~/domain/notifications";
import { STATUS_LABELS } from "~/domain/status";
import type { EstimateResult } from "~/domain/estimate";
import { pickupPlaceOf, storyLanguage, type Story } from "~/domain/story";
import { defaultTemplate, reasonLabel, renderMessage, SAMPLE_TRACK_TOKEN, sampleContext, validateTemplate, type TemplateContext, type TemplateShipment } from "~/domain/templates";
import { zoneForDestination } from "~/domain/time-zones";
import { safeHttpsUrl } from "~/domain/urls";
import type { CaseRecord, ChannelConnectionRecord, NotificationRecord, OutgoingMessage, ShipmentRecord, StoredOrder } from "../../ports";
import { estimateOf, learnedWindowApplies, storyOfShipment, type ShipmentFacts } from "../shipment-views";
import type { NotificationsDeps } from "./deps";
import { addressIn, recipientPlace } from "./recipients";
import type { NotificationSettings } from "./settings";

export type Composer = ReturnType<typeof createComposer>;

const EXCEPTION_TAG = "shipwatch:exception";
/** the shipment id of a message about no shipment (a test send, a channel alert) */
export const SYSTEM_SHIPMENT = 0;

/**
 * What a message says: its template (the shop's own, else the default) rendered with the story the tracking page
 * tells of the parcel now, the signed link to it, and the structured event the channels that carry events send.
 */
export function createComposer(
  deps: Pick<NotificationsDeps, "shipments" | "orders" | "cases" | "shopTimezone" | "links" | "clock" | "operatorFrom" | "learned">,
  settings: NotificationSettings,
) {
  const { clock } = deps;
  const shopConfig = settings.config;
  // the words of a channel alert, for the send that follows (a restarted worker falls back to generic words)
  const alertDetails = new Map<number, { title: string; detail: string }>();

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
    if (deps.learned && learnedWindowApplies(s, facts.cases.map((c) => c.type))) facts.learned = (await deps.learned(shop))(s, zones.recipient, now);
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
    // an order-level message (nothing shipped yet) describes no parcel: no sample carrier or tracking number in it
    const noParcel = isOrderMoment(msg.moment) && !shipment;
    const blankShipment = { ...(Object.fromEntries(Object.keys(ctx.shipment).map((k) => [k, ""])) as unknown as TemplateShipment), tracking_url: link };
    const context: TemplateContext = {
      ...ctx,
      shop: { name: shopName, url: `https://${shop}`, tracking_page_url: link, support_email: await supportEmail(shop) },
      customer: { first_name: name.split(/\s+/)[0] ?? "", name, returning },
      // the order status page needs a token we are not given: the tracking page tells the same story
      order: order ? { name: order.name, total: order.totalPrice.toFixed(2), currency: order.currency, status_url: link, tracking_link: link } : { ...ctx.order, status_url: link, tracking_link: link },
      shipment: all[0] ? shipmentVars(all[0], 0) : noParcel ? blankShipment : ctx.shipment,
      shipments: all.length ? all.map(shipmentVars) : noParcel ? [] : ctx.shipments,
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

  return {
    compose,
    /** the words of the channel alert with this id, for its send */
    noteAlert(id: number, words: { title: string; detail: string }) {
      alertDetails.set(id, words);
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

export function idempotencyKeyOf(msg: Pick<NotificationRecord, "shop" | "sendKey">): string {
  return `${msg.shop}|${msg.sendKey}`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
