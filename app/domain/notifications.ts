import { z } from "zod";
import { localParts, zonedTimeToUtc } from "./business-time";
import type { ExceptionType } from "./rules";
import { CARRIER_SCAN_STATUSES, type ShipmentStatus, type StatusReason } from "./status";
import type { StatusClass } from "./status-classes";

/**
 * Proactive notifications: what is worth telling whom, and when. Pure: the caller brings the facts
 * and the time. The moments are the ones that prevent "where is my order?" tickets.
 */

/** The progress moments, in the order a parcel reaches them. */
export const PROGRESS_MOMENTS = ["packed", "first_scan", "out_for_delivery", "ready_for_pickup", "delivered", "post_delivery"] as const;
/** Delay or exception moments: one message per reason. */
export const DELAY_MOMENTS = [
  "delay_weather",
  "delay_address",
  "delay_failed_attempt",
  "delay_held",
  "delay_lost",
  "delay_returned",
  "delay_late",
  "delay_trending",
  "delay_other",
] as const;
/**
 * Moments of an order before any of it ships: one message per order, not per parcel (there is none yet). Its
 * outbox row names no shipment (ORDER_LEVEL_SHIPMENT) and its send key the order (orderSendKey).
 */
export const ORDER_MOMENTS = ["fulfillment_delayed"] as const;
export const MOMENTS = [...PROGRESS_MOMENTS, ...DELAY_MOMENTS, ...ORDER_MOMENTS] as const;
export type ProgressMoment = (typeof PROGRESS_MOMENTS)[number];
export type DelayMoment = (typeof DELAY_MOMENTS)[number];
export type OrderMoment = (typeof ORDER_MOMENTS)[number];
export type Moment = (typeof MOMENTS)[number];

export const MOMENT_LABELS: Record<Moment, string> = {
  packed: "Packed (label created)",
  first_scan: "First carrier scan",
  out_for_delivery: "Out for delivery",
  ready_for_pickup: "Ready for pickup",
  delivered: "Delivered",
  post_delivery: "After delivery (check-in)",
  delay_weather: "Delay: weather",
  delay_address: "Problem: address",
  delay_failed_attempt: "Problem: delivery attempt failed",
  delay_held: "Delay: held (facility or customs)",
  delay_lost: "Problem: lost",
  delay_returned: "Problem: returning to sender",
  delay_late: "Delay: late (past its expected date)",
  delay_trending: "Delay: trending late (may arrive after the promised date)",
  delay_other: "Delay: other",
  fulfillment_delayed: "Not shipped yet (past the handling time)",
};

/** A message's life in the Outbox, in the order it moves through it. */
export const NOTIFICATION_STATUSES = ["pending", "held", "sending", "sent", "failed", "suppressed", "combined"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Customer-facing channels follow quiet hours, caps and segments; the others reach the merchant's systems. */
export const CUSTOMER_CHANNELS = ["email", "sms", "klaviyo"] as const;
export const MERCHANT_CHANNELS = ["slack", "webhook", "shopify"] as const;
export const CHANNELS = [...CUSTOMER_CHANNELS, ...MERCHANT_CHANNELS] as const;
export type Channel = (typeof CHANNELS)[number];
export type CustomerChannel = (typeof CUSTOMER_CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = {
  email: "Email",
  sms: "SMS (Twilio)",
  klaviyo: "Klaviyo events",
  slack: "Slack (internal alerts)",
  webhook: "Signed webhooks (helpdesk)",
  shopify: "Shopify order tags and metafield",
};

/** Channels whose messages are rendered from templates; the others carry structured events. */
export const TEMPLATED_CHANNELS = ["email", "sms", "slack"] as const;
export type TemplatedChannel = (typeof TEMPLATED_CHANNELS)[number];

/** Template languages shipped with defaults. */
export const LOCALES = ["en", "fr", "es", "de"] as const;
export type Locale = (typeof LOCALES)[number];
export const LOCALE_LABELS: Record<Locale, string> = { en: "English", fr: "Français", es: "Español", de: "Deutsch" };

/** A shopper's locale ("fr-CA") as one we have templates for, else the shop's default. */
export function pickLocale(requested: string | null | undefined, fallback: Locale): Locale {
  const base = (requested ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : fallback;
}

// ---- channel settings and secrets (the secret part is encrypted at rest)

const url = z.string().trim().url("enter a full https:// URL");
export const ChannelConfigSchemas = {
  email: {
    settings: z.object({
      from: z.string().trim().max(200).optional().or(z.literal("")),
      replyTo: z.string().trim().email("enter an email address").optional().or(z.literal("")),
    }),
    /** empty: the operator's relay (SMTP_URL, EMAIL_FROM) */
    secret: z.object({ smtpUrl: z.string().trim().regex(/^smtps?:\/\//, "must be smtp://… or smtps://…").optional().or(z.literal("")) }),
  },
  sms: {
    settings: z.object({
      accountSid: z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, "a Twilio Account SID starts with AC and has 34 characters"),
      from: z.string().trim().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, "a phone number like +15551234567, or a Messaging Service SID (MG…)"),
    }),
    secret: z.object({ authToken: z.string().trim().min(16, "paste the Auth Token from the Twilio console") }),
  },
  slack: {
    settings: z.object({ label: z.string().trim().max(80).optional().or(z.literal("")) }),
    secret: z.object({ webhookUrl: url.refine((v) => v.startsWith("https://") || v.startsWith("http://127.0.0.1"), "must be https://") }),
  },
  klaviyo: {
    settings: z.object({}),
    secret: z.object({ privateKey: z.string().trim().regex(/^pk_[A-Za-z0-9]{20,}$/, "a Klaviyo private API key starts with pk_") }),
  },
  webhook: {
    settings: z.object({ url: url.refine((v) => v.startsWith("https://") || v.startsWith("http://127.0.0.1"), "must be https://") }),
    secret: z.object({ signingSecret: z.string().min(16, "at least 16 characters") }),
  },
  shopify: {
    settings: z.object({ tagExceptions: z.boolean().default(true), statusMetafield: z.boolean().default(true) }),
    secret: z.object({}),
  },
} satisfies Record<Channel, { settings: z.ZodTypeAny; secret: z.ZodTypeAny }>;

// ---- the merchant's policy

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use 24-hour time, like 21:00");
export const NotificationPolicySchema = z.object({
  /** moments switched off; a missing moment is on */
  moments: z.record(z.enum(MOMENTS), z.boolean()).default({}),
  quietHours: z
    .object({ enabled: z.boolean().default(true), start: clock.default("21:00"), end: clock.default("08:00") })
    .default({})
    .refine((q) => !q.enabled || q.start !== q.end, { message: "quiet hours must start and end at different times", path: ["end"] }),
  /** the post-delivery check-in waits this long after delivery */
  postDeliveryHoldHours: z.number({ invalid_type_error: "enter a number of hours" }).min(12, "at least 12 hours").max(24, "at most 24 hours").default(12),
  /** customer messages per shipment per (recipient's) day; more wait for the next day (never the delivery itself) */
  dailyCap: z.number({ invalid_type_error: "enter a number" }).int().min(1, "at least 1").max(10, "at most 10").default(4),
  sms: z
    .object({
      /** SMS only for orders worth at least this much (0: every order) … */
      minOrderValue: z.number({ invalid_type_error: "enter an amount" }).min(0, "must be 0 or more").default(100),
      /** … or shipped express */
      express: z.boolean().default(true),
    })
    .default({}),
  /** several shipments of one order reaching the same moment within this window go out as one message */
  combineWindowMinutes: z.number({ invalid_type_error: "enter a number of minutes" }).int().min(0).max(60, "at most 60 minutes").default(5),
  /** a moment older than this is history, not news: no message (a backfill or a late replay stays quiet) */
  freshnessHours: z.number({ invalid_type_error: "enter a number of hours" }).min(1, "at least 1 hour").max(336, "at most 14 days").default(48),
  defaultLocale: z.enum(LOCALES).default("en"),
  /** where messages tell customers to write; empty: the email channel's reply-to or sender */
  supportEmail: z.string().trim().email("enter an email address").max(200).optional().or(z.literal("")),
});
export type NotificationPolicy = z.infer<typeof NotificationPolicySchema>;
export const DEFAULT_POLICY: NotificationPolicy = NotificationPolicySchema.parse({});

/**
 * Moments a shop has to switch on: "trending late" is a prediction from the shop's own delivery history, and a
 * merchant decides whether shoppers hear of a delay before it has happened.
 */
export const OFF_BY_DEFAULT_MOMENTS: ReadonlySet<Moment> = new Set<Moment>(["delay_trending", "fulfillment_delayed"]);

export function momentEnabled(policy: NotificationPolicy, moment: Moment): boolean {
  return policy.moments[moment] ?? !OFF_BY_DEFAULT_MOMENTS.has(moment);
}

// ---- which moments a shipment is at

/** What the policy reads about a shipment, gathered by the caller. */
export interface NotifyFacts {
  status: ShipmentStatus;
  reason: StatusReason | null;
  firstCarrierScanAt: number | null;
  deliveredAt: number | null;
  /** the shipment or its order was cancelled (or the tracking number was replaced) */
  cancelled: boolean;
  /** open exception cases of the shipment */
  openCaseTypes: readonly ExceptionType[];
  /**
   * The promised day has not passed yet: a late case open now is the transit model's prediction ("trending
   * late"), not lateness. Absent: unknown, read as passed.
   */
  promiseAhead?: boolean;
}

/** The status each progress moment is about: the one whose class (Status mapping) decides whether it is sent. */
export const MOMENT_STATUS: Record<ProgressMoment, ShipmentStatus> = {
  packed: "label_created",
  first_scan: "picked_up",
  out_for_delivery: "out_for_delivery",
  ready_for_pickup: "available_for_pickup",
  delivered: "delivered",
  post_delivery: "delivered",
};

/**
 * A progress moment whose status the shop classes as informational stays on the timeline and the tracking page:
 * no message (docs/decisions/0007-status-classes.md). Delay messages follow the shipment's cases and reasons.
 */
export function silencedByClass(moment: Moment, classOf: (status: ShipmentStatus) => StatusClass): boolean {
  const status = (MOMENT_STATUS as Partial<Record<Moment, ShipmentStatus>>)[moment];
  return status !== undefined && classOf(status) === "informational";
}

/** The delay or exception a shipment is in now, one per reason; null when none. */
export function delayMoment(f: NotifyFacts): DelayMoment | null {
  if (f.status === "delivered") return null;
  const cases = new Set(f.openCaseTypes);
  if (f.status === "returning_to_sender" || f.status === "returned_to_sender" || f.reason === "refused" || cases.has("returned_to_sender")) return "delay_returned";
  if (f.reason === "lost" || cases.has("lost")) return "delay_lost";
  if (f.reason === "address_issue" || cases.has("address_issue")) return "delay_address";
  if (f.status === "attempted_delivery" || f.reason === "recipient_unavailable" || f.reason === "business_closed" || cases.has("failed_attempt")) {
    return "delay_failed_attempt";
  }
  if (f.reason === "weather") return "delay_weather";
  if (f.reason === "held_at_facility" || f.reason === "customs" || cases.has("customs_hold")) return "delay_held";
  // past the date the shopper was given: the case found it, and it reads as late, not as some other delay. At
  // a pickup point the parcel has come as far as it goes: lateness is behind it (as in story.ts)
  // before the promised day a late case is a prediction: the shopper may hear it "may arrive a day later"
  if (cases.has("late") && f.status !== "available_for_pickup") return f.promiseAhead ? "delay_trending" : "delay_late";
  if (f.status === "delayed" || f.status === "exception") return "delay_other";
  return null;
}

/**
 * The moments worth a message now. Only the current ones: a parcel first seen already delivered gets
 * "delivered", not the whole story; a parcel in trouble gets the delay message, not "it's on its way".
 */
export function currentMoments(f: NotifyFacts): Moment[] {
  if (f.cancelled) return [];
  if (f.status === "delivered") return ["delivered", "post_delivery"];
  const delay = delayMoment(f);
  if (delay) return f.status === "out_for_delivery" ? ["out_for_delivery", delay] : [delay];
  if (f.status === "out_for_delivery") return ["out_for_delivery"];
  // waiting at a pickup point is not "arriving today": the shopper has to go and get it
  if (f.status === "available_for_pickup") return ["ready_for_pickup"];
  if (f.firstCarrierScanAt !== null || CARRIER_SCAN_STATUSES.has(f.status)) return ["first_scan"];
  if (f.status === "label_created") return ["packed"];
  return [];
}

/** When the shipment reached a moment, from its timestamps; null when it cannot tell. */
export function momentTime(
  moment: Moment,
  s: { shippedAt: number; firstCarrierScanAt: number | null; statusChangedAt: number | null; lastEventAt: number | null; deliveredAt: number | null },
): number | null {
  switch (moment) {
    case "packed":
      return s.shippedAt;
    case "first_scan":
      return s.firstCarrierScanAt ?? s.statusChangedAt;
    case "delivered":
    case "post_delivery":
      return s.deliveredAt ?? s.statusChangedAt;
    default:
      // a delay's reason can change within one status (customs, then lost): its latest event is when it was news
      return s.lastEventAt ?? s.statusChangedAt;
  }
}

/**
 * News, not history: a moment is messaged only within the freshness window of when it happened (the
 * check-in: of the delivery plus its hold). A delay that a case found (silence, a late promise) is news
 * when the case finds it, whatever the parcel's last scan says.
 */
export function isFresh(moment: Moment, happenedAt: number | null, now: number, policy: NotificationPolicy, foundByCase: boolean): boolean {
  if (foundByCase || happenedAt === null) return true;
  const window = policy.freshnessHours * 3_600_000 + (moment === "post_delivery" ? policy.postDeliveryHoldHours * 3_600_000 : 0);
  return now - happenedAt <= window;
}

/** A message waiting to go is still worth sending only while its moment is current. */
export function stillCurrent(moment: string, f: NotifyFacts): boolean {
  if (f.cancelled) return false;
  if (!(MOMENTS as readonly string[]).includes(moment)) return true; // rule-driven: the rule fired; only cancellation stops it
  return currentMoments(f).includes(moment as Moment);
}

// ---- who gets it

export interface Recipient {
  email: string | null;
  phone: string | null;
  orderValue: number;
  /** the shipping method's title or code, and the carrier service */
  shippingMethod: string;
}

const CALLING_CODES: Record<string, string> = {
  US: "1", CA: "1", PR: "1", GB: "44", IE: "353", FR: "33", DE: "49", ES: "34", IT: "39", NL: "31", BE: "32", AT: "43",
  CH: "41", SE: "46", NO: "47", DK: "45", FI: "358", PT: "351", PL: "48", AU: "61", NZ: "64", MX: "52", BR: "55", JP: "81",
};

/**
 * A phone number as SMS providers want it (E.164: "+14165550104"), from what shoppers type ("+1 416-555-0104",
 * "(416) 555 0104", "0044 20 7946 0958"). Without a country code, the destination's is assumed. Null when it
 * cannot be a mobile number: no SMS then, rather than a provider's refusal.
 */
export function toE164(phone: string | null | undefined, country: string | null | undefined): string | null {
  if (!phone) return null;
  const trimmed = phone.trim();
  let digits = trimmed.replace(/[\s().\-\/]/g, "");
  if (digits.startsWith("00")) digits = `+${digits.slice(2)}`;
  if (!digits.startsWith("+")) {
    const code = CALLING_CODES[(country ?? "").toUpperCase()];
    if (!code || !/^\d+$/.test(digits)) return null;
    const national = code === "1" ? digits.replace(/^1(?=\d{10}$)/, "") : digits.replace(/^0/, "");
    digits = `+${code}${national}`;
  }
  return /^\+[1-9]\d{7,14}$/.test(digits) ? digits : null;
}

/** SMS costs money and interrupts: only above an order value or for express shipping (the merchant's segment). */
export function smsEligible(policy: NotificationPolicy, r: Recipient): boolean {
  if (r.orderValue >= policy.sms.minOrderValue) return true;
  return policy.sms.express && /express|overnight|next[ -]?day|priority|expedited|2[ -]?day/i.test(r.shippingMethod);
}

/** The channels a moment goes out on, given the connected channels and what we know of the recipient. */
export function channelsFor(moment: Moment, enabled: ReadonlySet<Channel>, policy: NotificationPolicy, r: Recipient): Channel[] {
  const out: Channel[] = [];
  if (enabled.has("email") && r.email) out.push("email");
  if (enabled.has("sms") && r.phone && smsEligible(policy, r)) out.push("sms");
  if (enabled.has("klaviyo") && (r.email || r.phone)) out.push("klaviyo");
  if (enabled.has("webhook")) out.push("webhook");
  // the order's status metafield follows every moment; the post-delivery check-in changes nothing there
  if (enabled.has("shopify") && moment !== "post_delivery") out.push("shopify");
  return out;
}

export function isCustomerChannel(channel: string): channel is CustomerChannel {
  return (CUSTOMER_CHANNELS as readonly string[]).includes(channel);
}

// ---- when

/** The first instant at or after `at` outside quiet hours in the zone (DST-aware; quiet hours may span midnight). */
export function outsideQuietHours(at: number, zone: string, quiet: NotificationPolicy["quietHours"]): number {
  if (!quiet.enabled) return at;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const local = localParts(at, zone);
  const m = local.hour * 60 + local.minute;
  const overnight = start > end;
  const quietNow = overnight ? m >= start || m < end : m >= start && m < end;
  if (!quietNow) return at;
  // quiet ends today, or (an overnight window, evening side) tomorrow
  const dayOffset = overnight && m >= start ? 1 : 0;
  return zonedTimeToUtc({ year: local.year, month: local.month, day: local.day + dayOffset, hour: Math.floor(end / 60), minute: end % 60 }, zone);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/**
 * When a message may go: after the combining window (customer channels), the post-delivery hold for the
 * check-in, and outside the recipient's quiet hours. Merchant channels (Slack, webhooks, Shopify) go at once.
 */
export function sendTime(input: { moment: string; channel: Channel; now: number; deliveredAt: number | null; policy: NotificationPolicy; zone: string }): number {
  const { moment, channel, now, policy } = input;
  if (!isCustomerChannel(channel)) return now;
  let at = now + policy.combineWindowMinutes * 60_000;
  if (moment === "post_delivery") at = Math.max(at, (input.deliveredAt ?? now) + policy.postDeliveryHoldHours * 3_600_000);
  return outsideQuietHours(at, input.zone, policy.quietHours);
}

/**
 * The per-shipment daily cap: how many moments already reached the customer on the recipient's day of `at`.
 * At the cap, the message waits for the next day (and goes only if still current then). "Delivered" is
 * never held back: it is the message that ends the questions.
 */
export function capDeferral(input: { at: number; zone: string; sentAt: readonly { moment: string; at: number }[]; moment: string; cap: number; policy: NotificationPolicy }): number | null {
  if (input.moment === "delivered") return null;
  const day = localParts(input.at, input.zone).isoDate;
  const moments = new Set(input.sentAt.filter((s) => localParts(s.at, input.zone).isoDate === day).map((s) => s.moment));
  if (moments.has(input.moment) || moments.size < input.cap) return null;
  const local = localParts(input.at, input.zone);
  const nextDay = zonedTimeToUtc({ year: local.year, month: local.month, day: local.day + 1 }, input.zone);
  return outsideQuietHours(nextDay, input.zone, input.policy.quietHours);
}

/** "shipment|moment|channel": the send authority's key; at most one message per key, ever. */
export function sendKey(shipmentId: number, moment: string, channel: Channel): string {
  return `${shipmentId}|${moment}|${channel}`;
}

/** The shipment id an order-level message carries: it is about the order, before any parcel exists. */
export const ORDER_LEVEL_SHIPMENT = 0;

/** "order:<orderId>|moment|channel": an order-level moment goes at most once per order and channel, ever. */
export function orderSendKey(orderId: string, moment: OrderMoment, channel: Channel): string {
  return `order:${orderId}|${moment}|${channel}`;
}

export function isOrderMoment(moment: string): moment is OrderMoment {
  return (ORDER_MOMENTS as readonly string[]).includes(moment);
}

/**
 * An order-level message is worth sending only while the order still waits: nothing shipped, not cancelled or
 * closed, not redacted, and its fulfillment_delayed case still open (it resolves itself once the order ships).
 */
export function orderMessageCurrent(f: { cancelled: boolean; redacted: boolean; anyShipped: boolean; caseOpen: boolean }): boolean {
  return !f.cancelled && !f.redacted && !f.anyShipped && f.caseOpen;
}

/** Shown in the Outbox: enough to recognise a recipient, not enough to harvest one. */
export function maskRecipient(value: string | null): string {
  if (!value) return "—";
  const at = value.indexOf("@");
  if (at > 0) return `${value[0]}${"•".repeat(Math.max(1, Math.min(6, at - 1)))}${value.slice(at)}`;
  if (/^\+?\d{6,}$/.test(value)) return `${value.slice(0, 2)}${"•".repeat(value.length - 4)}${value.slice(-2)}`;
  try {
    const u = new URL(value);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return `${value.slice(0, 2)}…`;
  }
}
