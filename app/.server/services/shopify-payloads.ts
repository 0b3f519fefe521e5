import { z } from "zod";
import type { Destination, OrderSnapshot } from "~/domain/order";
import { parseTags } from "~/domain/order";

/**
 * Shopify's REST webhook payloads, as much of them as Shipwatch reads. Unknown fields pass through;
 * a payload that fails these schemas is parked for replay rather than half-applied.
 */
const id = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(String);
const optionalString = z.string().nullish().transform((v) => v ?? null);
const timestamp = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "must be an ISO 8601 time")
  .transform((v) => Date.parse(v));
const optionalTimestamp = timestamp.nullish().transform((v) => v ?? null);

const address = z
  .object({
    first_name: optionalString,
    last_name: optionalString,
    name: optionalString,
    address1: optionalString,
    city: optionalString,
    province: optionalString,
    province_code: optionalString,
    zip: optionalString,
    country: optionalString,
    country_code: optionalString,
    phone: optionalString,
  })
  .passthrough();

function toDestination(a: z.infer<typeof address> | null | undefined): Destination | null {
  if (!a) return null;
  const name = a.name ?? ([a.first_name, a.last_name].filter(Boolean).join(" ") || null);
  return {
    name,
    address1: a.address1,
    city: a.city,
    province: a.province,
    provinceCode: a.province_code,
    zip: a.zip,
    country: a.country,
    countryCode: a.country_code,
    phone: a.phone,
  };
}

export const OrderPayload = z
  .object({
    id,
    name: z.string().min(1),
    email: optionalString,
    phone: optionalString,
    created_at: timestamp,
    updated_at: timestamp.optional(),
    cancelled_at: optionalTimestamp,
    currency: z.string().default("USD"),
    total_price: z.union([z.string(), z.number()]).nullish(),
    customer_locale: optionalString,
    tags: z.string().nullish(),
    customer: z
      .object({
        id: id.nullish(),
        email: optionalString,
        phone: optionalString,
        first_name: optionalString,
        last_name: optionalString,
        tags: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
    shipping_address: address.nullish(),
    shipping_lines: z
      .array(z.object({ code: optionalString, title: optionalString, source: optionalString }).passthrough())
      .default([]),
  })
  .passthrough()
  .transform(
    (o): OrderSnapshot => ({
      orderId: o.id,
      name: o.name,
      email: o.email ?? o.customer?.email ?? null,
      phone: o.phone ?? o.customer?.phone ?? o.shipping_address?.phone ?? null,
      customerId: o.customer?.id ?? null,
      customerName: [o.customer?.first_name, o.customer?.last_name].filter(Boolean).join(" ") || null,
      customerTags: parseTags(o.customer?.tags),
      orderTags: parseTags(o.tags),
      totalPrice: Number(o.total_price ?? 0) || 0,
      currency: o.currency,
      shippingLines: o.shipping_lines.map((l) => ({ code: l.code, title: l.title, source: l.source })),
      destination: toDestination(o.shipping_address),
      locale: o.customer_locale,
      createdAt: o.created_at,
      updatedAt: o.updated_at ?? o.created_at,
      cancelledAt: o.cancelled_at,
    }),
  );

export const FulfillmentPayload = z
  .object({
    id,
    order_id: id,
    status: z.string().min(1),
    created_at: timestamp,
    updated_at: timestamp.optional(),
    service: optionalString,
    name: optionalString,
    tracking_company: optionalString,
    shipment_status: optionalString,
    tracking_number: optionalString,
    tracking_numbers: z.array(z.string()).nullish(),
    tracking_url: optionalString,
    tracking_urls: z.array(z.string()).nullish(),
    destination: address.nullish(),
  })
  .passthrough()
  .transform((f) => {
    const numbers = (f.tracking_numbers?.length ? f.tracking_numbers : f.tracking_number ? [f.tracking_number] : [])
      .map((n) => n.trim())
      .filter(Boolean);
    const urls = f.tracking_urls?.length ? f.tracking_urls : f.tracking_url ? [f.tracking_url] : [];
    return {
      fulfillmentId: f.id,
      orderId: f.order_id,
      status: f.status,
      createdAt: f.created_at,
      updatedAt: f.updated_at ?? f.created_at,
      service: f.service,
      name: f.name,
      trackingCompany: f.tracking_company,
      shipmentStatus: f.shipment_status,
      trackingNumbers: [...new Set(numbers)],
      trackingUrls: urls,
      destination: toDestination(f.destination),
    };
  });
export type FulfillmentUpdate = z.output<typeof FulfillmentPayload>;

export const FulfillmentEventPayload = z
  .object({
    id,
    fulfillment_id: id,
    order_id: id.nullish(),
    status: optionalString,
    message: optionalString,
    happened_at: timestamp.nullish(),
    created_at: timestamp.nullish(),
    estimated_delivery_at: optionalTimestamp,
    city: optionalString,
    province: optionalString,
    country: optionalString,
    zip: optionalString,
  })
  .passthrough()
  .transform((e) => ({
    eventId: e.id,
    fulfillmentId: e.fulfillment_id,
    orderId: e.order_id ?? null,
    rawStatus: e.status,
    message: e.message,
    // Shopify fills happened_at; an event without it happened when it was recorded.
    happenedAt: e.happened_at ?? e.created_at ?? null,
    estimatedDeliveryAt: e.estimated_delivery_at,
    location: [e.city, e.province, e.country].filter(Boolean).join(", ") || null,
  }));
export type FulfillmentEventUpdate = z.output<typeof FulfillmentEventPayload>;

const customerRef = z
  .object({ id: id.nullish(), email: optionalString, phone: optionalString })
  .passthrough()
  .nullish();

export const CustomersDataRequestPayload = z
  .object({
    shop_domain: z.string(),
    customer: customerRef,
    orders_requested: z.array(id).default([]),
    data_request: z.object({ id: id.nullish() }).passthrough().nullish(),
  })
  .passthrough();

export const CustomersRedactPayload = z
  .object({ shop_domain: z.string(), customer: customerRef, orders_to_redact: z.array(id).default([]) })
  .passthrough();

export const ShopRedactPayload = z.object({ shop_domain: z.string() }).passthrough();
