import type { Clock } from "~/domain/clock";
import type { DeliveryStore } from "../ports";

export interface WebhookHeaders {
  topic: string | null;
  hmac: string | null;
  shop: string | null;
  webhookId: string | null;
  eventId: string | null;
  triggeredAt: string | null;
  apiVersion: string | null;
}

export type IngestOutcome =
  | { outcome: "stored"; deliveryId: number }
  | { outcome: "duplicate" }
  | { outcome: "unauthorized" }
  | { outcome: "invalid"; message: string };

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * Ingest does the least that makes a delivery safe: verify the signature, store the raw body with its
 * processing job, answer. No session lookup, no Shopify call, no parsing: a signed body that will not
 * parse is still stored, and parked by the worker for replay.
 */
export function createWebhookIngest(deps: {
  store: DeliveryStore;
  verify: (rawBody: Buffer, hmacHeader: string | null) => boolean;
  clock: Clock;
  onStored?: () => void;
}) {
  const { store, verify, clock } = deps;
  return async function ingest(rawBody: Buffer, headers: WebhookHeaders): Promise<IngestOutcome> {
    if (!verify(rawBody, headers.hmac)) return { outcome: "unauthorized" };
    const missing = (["topic", "shop", "webhookId"] as const).filter((h) => !headers[h]);
    if (missing.length) {
      const names = { topic: "X-Shopify-Topic", shop: "X-Shopify-Shop-Domain", webhookId: "X-Shopify-Webhook-Id" };
      return { outcome: "invalid", message: `missing header(s): ${missing.map((m) => names[m]).join(", ")}` };
    }
    const shop = headers.shop!.toLowerCase();
    if (!SHOP_DOMAIN.test(shop)) return { outcome: "invalid", message: "X-Shopify-Shop-Domain is not a myshopify.com domain" };
    const triggered = headers.triggeredAt ? Date.parse(headers.triggeredAt) : NaN;
    const result = await store.storeNew({
      shop,
      topic: headers.topic!,
      webhookId: headers.webhookId!,
      eventId: headers.eventId,
      triggeredAt: Number.isNaN(triggered) ? null : triggered,
      apiVersion: headers.apiVersion,
      body: rawBody.toString("utf8"),
      receivedAt: clock.now(),
    });
    if (!result.stored) return { outcome: "duplicate" };
    deps.onStored?.();
    return { outcome: "stored", deliveryId: result.id };
  };
}
