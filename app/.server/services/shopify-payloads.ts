import { z } from "zod/v4";
import type { Destination, OrderSnapshot } from "~/domain/order";
import { waitingLinesOf, type OrderLineFacts } from "~/domain/fulfillment-delay";
import { parseTags } from "~/domain/order";
import { cleanIdentifier, oneLine, wellFormedText } from "~/domain/text";

/**
 * Shopify's REST webhook payloads, as much of them as Shipwatch reads. Unknown fields pass through;
 * a payload that fails these schemas is parked for replay rather than half-applied.
 */
const id = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(String);
// someone else's words: kept well-formed (a lone surrogate would break every URL built from it)
const text = z.string().transform(wellFormedText);
const optionalString = text.nullish().transform((v) => v ?? null);
const trackingNumber = z.string().transform(cleanIdentifier);

/** No Shopify store, and no parcel, is older than this: an earlier time is a mistake, not history. */
const EARLIEST = Date.UTC(2000, 0, 1);
const timestamp = z.string().transform((v, ctx) => {
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: "custom", message: "must be an ISO 8601 time" });
    return z.NEVER;
  }
  if (ms < EARLIEST) {
    ctx.addIssue({ code: "custom", message: `${new Date(ms).toISOString()} is before 2000` });
    return z.NEVER;
  }
  return ms;
});
const optionalTimestamp = timestamp.nullish().transform((v) => v ?? null);

/** What the processor knows when it parses a delivery: the app's clock (held still in tests and demos). */
export interface ParseContext {
  now: number;
}

const DAY_MS = 86_400_000;
/**
 * How far ahead of the clock a payload's time may lie. What already happened (a scan, an order, an update)
 * gets a day, for clocks and time zones written wrong; an estimate is a forecast and gets a year. Beyond
 * that a time is a mistake, and one such time once stopped the silence sweep for every shop.
 */
const AHEAD = { happened: { ms: DAY_MS, words: "a day" }, forecast: { ms: 366 * DAY_MS, words: "a year" } } as const;
type TimeKind = keyof typeof AHEAD;

/** What a parse gives: the payload read, or why not (each issue with the field it is about). */
export type Parsed<T> = { success: true; data: T } | { success: false; error: { issues: { path: readonly PropertyKey[]; message: string }[] } };

/**
 * Reads a payload with its precompiled schema, then refuses the times (already epoch ms) that lie too far ahead
 * of the clock. The clock is checked here rather than by a refinement built for each call: a schema built per
 * payload cost more than the parse itself, and all of it lingered for the old generation's collector.
 */
function parseAt<S extends z.ZodType<Record<string, unknown>>, T>(schema: S, read: (parsed: z.output<S>) => T, fields: Record<string, TimeKind>) {
  return (body: unknown, context: ParseContext): Parsed<T> => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) return parsed;
    const issues = [];
    for (const [field, kind] of Object.entries(fields)) {
      const at = parsed.data[field];
      if (typeof at !== "number" || at <= context.now + AHEAD[kind].ms) continue;
      issues.push({ path: [field], message: `${new Date(at).toISOString()} is more than ${AHEAD[kind].words} ahead of the clock (${new Date(context.now).toISOString()})` });
    }
    return issues.length ? { success: false, error: { issues } } : { success: true, data: read(parsed.data) };
  };
}

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
  .loose();

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

/**
 * An order's lines, as far as shipping goes: what is still to fulfil, and whether it ships at all. Read line by
 * line: a line that makes no sense is left out (it never parks the order), and only the lines still waiting are
 * kept (fulfillment-delay.ts).
 */
const count = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const orderLine = z
  .object({
    id,
    name: z.string().nullish(),
    title: z.string().nullish(),
    quantity: count.nullish(),
    fulfillable_quantity: count.nullish(),
    fulfillment_status: z.string().nullish(),
    requires_shipping: z.boolean().nullish(),
    gift_card: z.boolean().nullish(),
  })
  .loose();
const orderLines = z
  .array(z.unknown())
  .nullish()
  .catch(null)
  .transform((lines) => {
    const facts: OrderLineFacts[] = [];
    for (const raw of lines ?? []) {
      const line = orderLine.safeParse(raw);
      if (!line.success) continue;
      const l = line.data;
      facts.push({
        lineId: l.id,
        title: wellFormedText(oneLine(l.name ?? l.title ?? "", MAX_ITEM_TITLE)) || "Item",
        quantity: l.quantity ?? 1,
        fulfillable: l.fulfillable_quantity ?? null,
        fulfillmentStatus: l.fulfillment_status ?? null,
        requiresShipping: l.requires_shipping ?? true,
        giftCard: l.gift_card ?? false,
      });
    }
    return waitingLinesOf(facts);
  });

const orderFields = z
  .object({
    id,
    name: text.pipe(z.string().min(1)),
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
      .loose()
      .nullish(),
    shipping_address: address.nullish(),
    shipping_lines: z
      .array(z.object({ code: optionalString, title: optionalString, source: optionalString }).loose())
      .default([]),
    fulfillment_status: z.string().nullish(),
    closed_at: optionalTimestamp,
    line_items: orderLines,
  })
  .loose();

const toOrderSnapshot = (o: z.output<typeof orderFields>): OrderSnapshot => ({
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
  fulfillmentStatus: o.fulfillment_status ?? null,
  closedAt: o.closed_at,
  waitingLines: o.line_items,
});

export const OrderPayload = orderFields.transform(toOrderSnapshot);
/** An order as Shopify sends it, its times checked against the clock. */
export const parseOrder = parseAt(orderFields, toOrderSnapshot, { created_at: "happened", updated_at: "happened", cancelled_at: "happened" });

/**
 * A fulfillment is one order's parcels: a real one lists a handful of tracking numbers. Each becomes a
 * shipment, recomputed on every update, so 30,000 of them held every shop's deliveries for seconds; more
 * than this many is a mistake, parked with the reason.
 */
export const MAX_TRACKING_NUMBERS = 100;

/**
 * A parcel's contents as the shopper reads them: the title and the quantity of each line, nothing else (no
 * price, no SKU). Someone else's words, so cleaned and capped: a parcel lists a handful of lines, and a title
 * is a line of text. A line that makes no sense is left out; it never parks the fulfillment.
 */
export const MAX_PARCEL_ITEMS = 50;
export const MAX_ITEM_TITLE = 120;
const MAX_ITEM_QUANTITY = 100_000;
const lineItem = z
  .object({ name: z.string().nullish(), title: z.string().nullish(), quantity: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).nullish() })
  .loose();
const lineItems = z
  .array(z.unknown())
  .nullish()
  .catch(null)
  .transform((lines) => {
    const items: { title: string; quantity: number }[] = [];
    for (const raw of lines ?? []) {
      const line = lineItem.safeParse(raw);
      if (!line.success) continue;
      // Shopify's `name` carries the variant ("Trail Runner 2 - 42 / Blue"): what the shopper chose
      // cleaned after the cut too: a cut may halve a surrogate pair
      const title = wellFormedText(oneLine(line.data.name ?? line.data.title ?? "", MAX_ITEM_TITLE));
      const quantity = line.data.quantity ?? 1;
      if (!title || !Number.isInteger(quantity) || quantity < 1) continue;
      items.push({ title, quantity: Math.min(quantity, MAX_ITEM_QUANTITY) });
      if (items.length === MAX_PARCEL_ITEMS) break;
    }
    return items;
  });

const fulfillmentFields = z
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
    tracking_number: trackingNumber.nullish(),
    tracking_numbers: z
      .array(trackingNumber)
      .nullish()
      .superRefine((numbers, ctx) => {
        if (numbers && numbers.length > MAX_TRACKING_NUMBERS) {
          ctx.addIssue({ code: "custom", message: `${numbers.length} tracking numbers; a fulfillment lists at most ${MAX_TRACKING_NUMBERS}` });
        }
      }),
    tracking_url: optionalString,
    tracking_urls: z.array(z.string()).nullish(),
    destination: address.nullish(),
    // the warehouse it ships from: only its region is read (the transit model's lane); one that cannot be read is none
    origin_address: z.object({ country_code: optionalString, province_code: optionalString }).loose().nullish().catch(null),
    line_items: lineItems,
  })
  .loose();

/** a region code as Shopify writes it ("US", "NJ"), upper case; anything longer is not a code */
const regionCode = (v: string | null | undefined) => (v && /^[A-Za-z0-9-]{1,6}$/.test(v.trim()) ? v.trim().toUpperCase() : null);

function toFulfillmentUpdate(f: z.output<typeof fulfillmentFields>) {
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
    originCountry: regionCode(f.origin_address?.country_code),
    originProvince: regionCode(f.origin_address?.country_code) ? regionCode(f.origin_address?.province_code) : null,
    items: f.line_items,
  };
}

export const FulfillmentPayload = fulfillmentFields.transform(toFulfillmentUpdate);
export type FulfillmentUpdate = z.output<typeof FulfillmentPayload>;
/** A fulfillment as Shopify sends it, its times checked against the clock. */
export const parseFulfillment = parseAt(fulfillmentFields, toFulfillmentUpdate, { created_at: "happened", updated_at: "happened" });

const fulfillmentEventFields = z
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
  .loose();

const toFulfillmentEventUpdate = (e: z.output<typeof fulfillmentEventFields>) => ({
  eventId: e.id,
  fulfillmentId: e.fulfillment_id,
  orderId: e.order_id ?? null,
  rawStatus: e.status,
  message: e.message,
  // Shopify fills happened_at; an event without it happened when it was recorded.
  happenedAt: e.happened_at ?? e.created_at ?? null,
  estimatedDeliveryAt: e.estimated_delivery_at,
  location: [e.city, e.province, e.country].filter(Boolean).join(", ") || null,
});

export const FulfillmentEventPayload = fulfillmentEventFields.transform(toFulfillmentEventUpdate);
export type FulfillmentEventUpdate = z.output<typeof FulfillmentEventPayload>;
/** A carrier event as Shopify sends it, its times checked against the clock (an estimate may lie further ahead). */
export const parseFulfillmentEvent = parseAt(fulfillmentEventFields, toFulfillmentEventUpdate, { happened_at: "happened", created_at: "happened", estimated_delivery_at: "forecast" });

const customerRef = z
  .object({ id: id.nullish(), email: optionalString, phone: optionalString })
  .loose()
  .nullish();

export const CustomersDataRequestPayload = z
  .object({
    shop_domain: z.string(),
    customer: customerRef,
    orders_requested: z.array(id).default([]),
    data_request: z.object({ id: id.nullish() }).loose().nullish(),
  })
  .loose();

export const CustomersRedactPayload = z
  .object({ shop_domain: z.string(), customer: customerRef, orders_to_redact: z.array(id).default([]) })
  .loose();

export const ShopRedactPayload = z.object({ shop_domain: z.string() }).loose();
