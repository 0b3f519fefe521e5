import { systemClock, type Clock } from "~/domain/clock";
import type { Channel } from "~/domain/notifications";
import type { ChannelGateway } from "../../services/ports";
import type { ChannelSender } from "./credentials";
import { createEmailChannel } from "./email";
import { createKlaviyoChannel } from "./klaviyo";
import { createShopifyChannel } from "./shopify";
import { createSlackChannel } from "./slack";
import { createSmsChannel } from "./sms";
import { createWebhookChannel } from "./webhook";

export { KLAVIYO_REVISION } from "./klaviyo";
export { EMAIL_NOT_CONFIGURED, messageIdFor } from "./email";
export { signShipwatchPayload, verifyShipwatchSignature, type ShipwatchWebhookBody, type SignatureCheck } from "./webhook";

export interface ChannelGatewayOptions {
  /** the operator's relay (config.email): used by shops that have not connected their own SMTP server */
  email: { smtpUrl?: string | null; from?: string | null };
  /** one provider call's limit (config.notifications.timeoutMs) */
  timeoutMs: number;
  twilioApiBase: string;
  klaviyoApiBase: string;
  /** the Admin API origin; unset: each shop's own https://<shop> */
  shopifyAdminApiBase?: string | null;
  /** SHOPIFY_API_VERSION */
  shopifyApiVersion: string;
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
  const email = createEmailChannel({ smtpUrl: options.email.smtpUrl, from: options.email.from, timeoutMs });
  const senders: Record<Channel, ChannelSender> = {
    email: email.send,
    sms: createSmsChannel({ twilioApiBase: options.twilioApiBase, timeoutMs, clock }),
    klaviyo: createKlaviyoChannel({ klaviyoApiBase: options.klaviyoApiBase, timeoutMs, clock }),
    slack: createSlackChannel({ timeoutMs, clock }),
    webhook: createWebhookChannel({ timeoutMs, clock }),
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
    close: () => email.close(),
  };
}
