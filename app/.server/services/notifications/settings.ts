import {
  CHANNEL_LABELS,
  ChannelConfigSchemas,
  CHANNELS,
  DEFAULT_POLICY,
  NotificationPolicySchema,
  type Channel,
  type NotificationPolicy,
} from "~/domain/notifications";
import { destinationProblem, type DestinationKind } from "~/domain/destinations";
import { defaultTemplate, validateTemplate } from "~/domain/templates";
import type { ChannelConnectionRecord, ChannelCredentials } from "../../ports";
import type { NotificationsDeps } from "./deps";
import { fieldErrorsOf } from "~/domain/field-errors";

export type NotificationSettings = ReturnType<typeof createNotificationSettings>;

/** What a send reads of the shop: its policy, channels and own templates, and whether the app is still installed. */
export interface ShopConfig {
  at: number;
  policy: NotificationPolicy;
  channels: Map<Channel, ChannelConnectionRecord>;
  templates: Map<string, { subject: string | null; body: string }>;
  installed: boolean;
}

/**
 * The shop's notification settings: its policy, channels (with their sealed secrets) and templates, cached
 * briefly for the sends that read them, and changed by the merchant in the admin (every change drops the cache).
 */
export function createNotificationSettings(
  deps: Pick<NotificationsDeps, "settings" | "templates" | "secrets" | "accessToken" | "isInstalled" | "clock" | "operatorEmail" | "allowPrivateDestinations" | "channelAlertMs" | "cacheMs">,
) {
  const { clock } = deps;
  const cacheMs = deps.cacheMs ?? 5_000;

  // a worker reads them for every message
  const cache = new Map<string, ShopConfig>();
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
    config: shopConfig,
    forget(shop: string) {
      cache.delete(shop);
    },
    connected,
    ready,
    credentialsOf,

    // ---- what the admin reads and changes
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
      if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOf(parsed.error.issues) };
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
      if (!settings.success) Object.assign(errors, prefix("settings", fieldErrorsOf(settings.error.issues)));
      // the app calls these from its own network (server-side request forgery): public hosts only, unless the operator
      // lets local stand-ins through; a name is checked again after resolution when it is called
      Object.assign(errors, destinationErrors(channel, input.settings, given, !!deps.allowPrivateDestinations));
      // a disabled channel may be saved half-filled; an enabled one must be able to send
      if (!secret.success && (input.enabled || Object.keys(given).length)) Object.assign(errors, prefix("secret", fieldErrorsOf(secret.error.issues)));
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
  };
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

function prefix(p: string, errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [`${p}.${k}`, v]));
}
