import { z } from "zod";

/**
 * Proactive notifications: what is worth telling whom, and when. Pure: the caller brings the facts
 * and the time. The moments are the ones that prevent "where is my order?" tickets.
 */

/** The progress moments, in the order a parcel reaches them. */
export const PROGRESS_MOMENTS = ["packed", "first_scan", "out_for_delivery", "delivered", "post_delivery"] as const;
/** Delay or exception moments: one message per reason. */
export const DELAY_MOMENTS = [
  "delay_weather",
  "delay_address",
  "delay_failed_attempt",
  "delay_held",
  "delay_lost",
  "delay_returned",
  "delay_other",
] as const;
export const MOMENTS = [...PROGRESS_MOMENTS, ...DELAY_MOMENTS] as const;
export type ProgressMoment = (typeof PROGRESS_MOMENTS)[number];
export type DelayMoment = (typeof DELAY_MOMENTS)[number];
export type Moment = (typeof MOMENTS)[number];

export const MOMENT_LABELS: Record<Moment, string> = {
  packed: "Packed (label created)",
  first_scan: "First carrier scan",
  out_for_delivery: "Out for delivery",
  delivered: "Delivered",
  post_delivery: "After delivery (check-in)",
  delay_weather: "Delay: weather",
  delay_address: "Problem: address",
  delay_failed_attempt: "Problem: delivery attempt failed",
  delay_held: "Delay: held (facility or customs)",
  delay_lost: "Problem: lost",
  delay_returned: "Problem: returning to sender",
  delay_other: "Delay: other",
};

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
