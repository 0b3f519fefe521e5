import { systemClock, type Clock } from "~/domain/clock";
import type { Channel } from "~/domain/notifications";
import type { ChannelGateway } from "../../ports";
import type { ChannelSender } from "./credentials";
import type { Dialer, Resolver } from "./destination";
import { createEmailChannel } from "./email";
import { createEmailProbe } from "./email-probe";
import { createKlaviyoChannel } from "./klaviyo";
import { createShopifyChannel } from "./shopify";
import { createSlackChannel } from "./slack";
import { createSmsChannel } from "./sms";
import { createWebhookChannel } from "./webhook";

export { KLAVIYO_REVISION } from "./klaviyo";
export { systemResolver, tcpDialer, type DialTarget, type Dialer, type ResolvedAddress, type Resolver } from "./destination";
export { EMAIL_NOT_CONFIGURED, messageIdFor } from "./email";
export { signShipwatchPayload, verifyShipwatchSignature, type ShipwatchWebhookBody, type SignatureCheck } from "./webhook";

export interface ChannelGatewayOptions {
  /**
   * the operator's relay (config.email): used by shops that have not connected their own SMTP server; probeUrl
   * is its message log (SMTP_PROBE_URL), asked about a send cut off in flight
   */
  email: { smtpUrl?: string | null; from?: string | null; probeUrl?: string | null };
  /** one provider call's limit (config.notifications.timeoutMs) */
  timeoutMs: number;
  twilioApiBase: string;
  klaviyoApiBase: string;
  /** the Admin API origin; unset: each shop's own https://<shop> */
  shopifyAdminApiBase?: string | null;
  /** SHOPIFY_API_VERSION */
  shopifyApiVersion: string;
  /**
   * SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: merchant-supplied destinations (webhook, Slack, a shop's own SMTP server)
   * may be loopback or private, for local stand-ins. Off (the default), they are refused before connecting.
   */
  allowPrivateDestinations?: boolean;
  /** how merchant-supplied host names are resolved, and checked addresses dialled (default: the system's) */
  resolve?: Resolver;
  dial?: Dialer;
  clock?: Clock;
}

export interface ClosableChannelGateway extends ChannelGateway {
  /** closes pooled SMTP connections; call on shutdown */
  close(): Promise<void>;
}

/**
 * Every channel behind the one port: dispatches on message.channel. A provider's answer is never thrown:
 * it comes back as a SendOutcome (retryable or permanent, with an error text fit for the Outbox).
 */
export function createChannelGateway(options: ChannelGatewayOptions): ClosableChannelGateway {
  const clock = options.clock ?? systemClock;
  const { timeoutMs } = options;
  const destination = { allowPrivate: options.allowPrivateDestinations ?? false, resolve: options.resolve, dial: options.dial };
  const email = createEmailChannel({ smtpUrl: options.email.smtpUrl, from: options.email.from, timeoutMs, destination });
  const emailProbe = createEmailProbe({ probeUrl: options.email.probeUrl, timeoutMs });
  const senders: Record<Channel, ChannelSender> = {
    email: email.send,
    sms: createSmsChannel({ twilioApiBase: options.twilioApiBase, timeoutMs, clock }),
    klaviyo: createKlaviyoChannel({ klaviyoApiBase: options.klaviyoApiBase, timeoutMs, clock }),
    slack: createSlackChannel({ timeoutMs, clock, destination }),
    webhook: createWebhookChannel({ timeoutMs, clock, destination }),
    shopify: createShopifyChannel({ shopifyAdminApiBase: options.shopifyAdminApiBase, apiVersion: options.shopifyApiVersion, timeoutMs, clock }),
  };
  return {
    async send(message, credentials) {
      const sender = senders[message.channel];
      if (!sender) {
        return { ok: false, retryable: false, retryAfterMs: null, status: null, error: `unknown channel "${String(message.channel)}"` };
      }
      return sender(message, credentials);
    },
    // only the operator's email relay keeps a log to ask; the other channels' receivers de-duplicate on the key
    // (Klaviyo, webhooks, Shopify) or offer no lookup by it
    async probe(message, credentials) {
      return message.channel === "email" ? emailProbe(message, credentials) : { state: "unsupported" };
    },
    close: () => email.close(),
  };
}
