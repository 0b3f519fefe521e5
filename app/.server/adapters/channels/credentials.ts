import type { z } from "zod";
import { CHANNEL_LABELS, ChannelConfigSchemas, type Channel } from "~/domain/notifications";
import type { ChannelCredentials, OutgoingMessage, SendOutcome } from "../../ports";
import type { SendFailure } from "./http";

type Schemas = typeof ChannelConfigSchemas;
export type SettingsOf<C extends Channel> = z.infer<Schemas[C]["settings"]>;
export type SecretOf<C extends Channel> = z.infer<Schemas[C]["secret"]>;

/** A permanent failure: retrying the same message would fail the same way. */
export function permanent(error: string, status: number | null = null): SendFailure {
  return { ok: false, retryable: false, retryAfterMs: null, status, error };
}

/**
 * The channel's settings and secret as the domain's schemas read them. A channel saved before a schema
 * change, or tampered with, fails permanently with the field at fault (never its value).
 */
export function readCredentials<C extends Channel>(
  channel: C,
  credentials: ChannelCredentials,
): { ok: true; settings: SettingsOf<C>; secret: SecretOf<C> } | { ok: false; failure: SendFailure } {
  const schema = ChannelConfigSchemas[channel];
  const settings = schema.settings.safeParse(credentials.settings ?? {});
  const secret = schema.secret.safeParse(credentials.secret ?? {});
  if (settings.success && secret.success) {
    return { ok: true, settings: settings.data as SettingsOf<C>, secret: secret.data as SecretOf<C> };
  }
  const issues = [
    ...(settings.success ? [] : settings.error.issues.map((i) => `${i.path.join(".") || "settings"}: ${i.message}`)),
    ...(secret.success ? [] : secret.error.issues.map((i) => `${i.path.join(".") || "secret"}: ${i.message}`)),
  ];
  return { ok: false, failure: permanent(`${CHANNEL_LABELS[channel]} is not set up correctly: ${issues.join("; ")}; reconnect the channel`) };
}

/** One channel's sender: never throws for a provider's answer, it classifies it. */
export type ChannelSender = (message: OutgoingMessage, credentials: ChannelCredentials) => Promise<SendOutcome>;
