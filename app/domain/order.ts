import type { WaitingLine } from "./fulfillment-delay";

/** What rules and messages need to know about an order, taken from Shopify's order webhook payload. */
export interface OrderSnapshot {
  orderId: string;
  name: string;
  email: string | null;
  phone: string | null;
  customerId: string | null;
  customerName: string | null;
  customerTags: string[];
  orderTags: string[];
  totalPrice: number;
  currency: string;
  shippingLines: { code: string | null; title: string | null; source: string | null }[];
  destination: Destination | null;
  locale: string | null;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  /** Shopify's order `fulfillment_status` (null: nothing shipped) */
  fulfillmentStatus: string | null;
  /** `closed_at`: the merchant archived the order */
  closedAt: number | null;
  /** the shippable lines still to ship (fulfillment-delay.ts): product words and counts, no personal data */
  waitingLines: WaitingLine[];
}

export interface Destination {
  name: string | null;
  address1: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  phone: string | null;
}

/**
 * Fields that hold a customer's personal data, per stored record. customers/redact and shop/redact
 * work from this list, so a new personal field that is not listed here is a compliance bug.
 */
export const PERSONAL_DATA_FIELDS = {
  Order: ["email", "phone", "customerName", "destination"],
  Fulfillment: ["destination"],
  /** raw webhook bodies carry everything Shopify sent: they are scrubbed whole */
  WebhookDelivery: ["body"],
} as const;

/** Shopify sends tags as one comma-separated string. */
export function parseTags(tags: string | null | undefined): string[] {
  if (!tags) return [];
  return tags
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

export function hasTag(tags: readonly string[], wanted: string): boolean {
  const w = wanted.trim().toLowerCase();
  return tags.some((t) => t.toLowerCase() === w);
}

/** Emails compare without case or surrounding space: shoppers type them however they like. */
export function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
