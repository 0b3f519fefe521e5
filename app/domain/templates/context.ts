import type { Locale } from "../notifications";
import type { ShipmentStatus, StatusReason } from "../status";
import { LANGUAGES } from "./defaults";
import { isTemplateKey, TEMPLATE_KEY_LABELS, type TemplateKey } from "./keys";

/**
 * What a template sees: the context's shape (snake_case, as Liquid users expect), the status and reason
 * words in the shopper's language, a realistic sample of it for validation and the editor's preview, and
 * the variables documented for the editor.
 */

export interface TemplateShipment {
  carrier: string;
  tracking_number: string;
  /** the carrier's own tracking page ("" when unknown; only https links are kept) */
  tracking_url: string;
  status: ShipmentStatus;
  /** the status in the message's language */
  status_label: string;
  /** "" when there is no reason */
  reason: StatusReason | "";
  reason_label: string;
  /**
   * the best estimate there is when the message is sent (carrier, learned, promise), formatted in the message's
   * language ("Friday, November 20", or a window); "" when there is none. Never a date that has passed.
   */
  eta: string;
  /** delivery date, formatted like eta, or "" */
  delivered_at: string;
  /** last known location ("Louisville, KY", "Front door"), or "" */
  location: string;
  /** shipping service ("UPS Ground"), or "" */
  service: string;
  /** where the parcel waits to be collected ("Walgreens, 120 Main St"), while it is at a pickup point; else "" */
  pickup_location: string;
  /** the story's headline, as the tracking page tells it ("Arriving Friday 20 November", "Running late") */
  headline: string;
  /** the story's explanation: what the carrier last did, and the estimate */
  explanation: string;
  /** the story's next step: what happens now, what the shop is doing */
  next: string;
  /** while a case the shopper would notice is open, what is wrong and what the shop does about it; else "" */
  attention: string;
}

export interface TemplateContext {
  shop: {
    name: string;
    url: string;
    /**
     * this order on the store's tracking page: `https://<shop>/apps/track?t=<token>`, a signed link that names the
     * order and nothing about the shopper (the same as order.tracking_link)
     */
    tracking_page_url: string;
    /** always set: the support address, else the shop's contact email */
    support_email: string;
  };
  customer: {
    first_name: string;
    name: string;
    /** has ordered from this shop before */
    returning: boolean;
  };
  order: {
    name: string;
    /** formatted amount without currency ("84.50") */
    total: string;
    currency: string;
    status_url: string;
    /** the same link as shop.tracking_page_url, named for what it is */
    tracking_link: string;
  };
  /** the shipment this message is about; the first one when it covers several */
  shipment: TemplateShipment;
  /** every shipment this message covers (one or more) */
  shipments: TemplateShipment[];
  shipment_count: number;
  /** template key: a moment, "rule_message" or "internal_alert" */
  moment: string;
  moment_label: string;
  locale: Locale;
  /** internal alerts only; empty strings otherwise */
  alert: { title: string; detail: string; case_url: string };
}

export interface TemplateVariable {
  name: string;
  group: "Shop" | "Customer" | "Order" | "Shipment" | "Message" | "Internal alert";
  description: string;
  example: string;
}

/** A status in the shopper's language, for `shipment.status_label`. */
export function statusLabel(status: ShipmentStatus, locale: Locale): string {
  return LANGUAGES[locale].statusLabels[status];
}

/** A reason in the shopper's language, for `shipment.reason_label` ("" without a reason). */
export function reasonLabel(reason: StatusReason | null | "", locale: Locale): string {
  if (!reason) return "";
  return LANGUAGES[locale].reasonLabels[reason];
}

// ---- sample context (validation and the editor's preview)

/** What a shipment looks like at each moment, for a preview that reads true. */
const SAMPLE_STATE: Record<TemplateKey, { status: ShipmentStatus; reason: StatusReason | ""; eta: boolean; delivered: boolean; late?: boolean }> = {
  packed: { status: "label_created", reason: "", eta: true, delivered: false },
  first_scan: { status: "picked_up", reason: "", eta: true, delivered: false },
  out_for_delivery: { status: "out_for_delivery", reason: "", eta: true, delivered: false },
  ready_for_pickup: { status: "available_for_pickup", reason: "", eta: false, delivered: false },
  delivered: { status: "delivered", reason: "", eta: false, delivered: true },
  post_delivery: { status: "delivered", reason: "", eta: false, delivered: true },
  delay_weather: { status: "delayed", reason: "weather", eta: true, delivered: false },
  delay_address: { status: "exception", reason: "address_issue", eta: false, delivered: false },
  delay_failed_attempt: { status: "attempted_delivery", reason: "recipient_unavailable", eta: false, delivered: false },
  delay_held: { status: "delayed", reason: "customs", eta: false, delivered: false },
  delay_lost: { status: "exception", reason: "lost", eta: false, delivered: false },
  delay_returned: { status: "returning_to_sender", reason: "recipient_unavailable", eta: false, delivered: false },
  delay_late: { status: "in_transit", reason: "", eta: true, delivered: false, late: true },
  delay_trending: { status: "in_transit", reason: "", eta: true, delivered: false },
  delay_other: { status: "delayed", reason: "carrier_delay", eta: true, delivered: false },
  // nothing has shipped: no parcel to describe (the default words name none)
  fulfillment_delayed: { status: "unknown", reason: "", eta: false, delivered: false },
  rule_message: { status: "delayed", reason: "carrier_delay", eta: true, delivered: false },
  internal_alert: { status: "exception", reason: "address_issue", eta: false, delivered: false },
};

export interface SampleOptions {
  /** the moment (template key) to preview; default first_scan */
  moment?: string;
  /** how many shipments the message covers; default 1 */
  shipmentCount?: number;
  returning?: boolean;
}

/**
 * What a message link looks like (track-links.ts): the sample's is not signed, but has the real shape, so a
 * template written against it renders the way a real message does.
 */
export const SAMPLE_TRACK_TOKEN = "2hdx7k9fq3.kcq.S4mpleT0kenN0tS1gned0A";

/** A complete, realistic context (used to validate templates and to preview them in the editor). */
export function sampleContext(locale: Locale = "en", options: SampleOptions = {}): TemplateContext {
  const s = LANGUAGES[locale].sample;
  const moment = options.moment ?? "first_scan";
  const state = isTemplateKey(moment) ? SAMPLE_STATE[moment] : SAMPLE_STATE.first_scan;
  const count = Math.max(1, Math.min(20, Math.floor(options.shipmentCount ?? 1)));
  const shop = "https://mapleandmoss.com";
  const trackingLink = `${shop}/apps/track?t=${SAMPLE_TRACK_TOKEN}`;
  const shipments = Array.from({ length: count }, (_, i): TemplateShipment => {
    const number = s.tracking(i);
    const story = state.late ? s.late : state.status === "available_for_pickup" ? s.pickup : s.story;
    return {
      carrier: s.carrier,
      tracking_number: number,
      tracking_url: s.tracking_url(number),
      status: state.status,
      status_label: statusLabel(state.status, locale),
      reason: state.reason,
      reason_label: reasonLabel(state.reason, locale),
      eta: state.eta ? s.eta : "",
      delivered_at: state.delivered ? s.delivered_at : "",
      location: s.location,
      service: s.service,
      pickup_location: state.status === "available_for_pickup" ? s.pickup_location : "",
      headline: story.headline,
      explanation: story.explanation,
      next: story.next,
      attention: state.late ? `${s.late.explanation} ${s.late.next}` : "",
    };
  });
  return {
    shop: { name: "Maple & Moss", url: shop, tracking_page_url: trackingLink, support_email: "help@mapleandmoss.com" },
    customer: { first_name: s.first_name, name: `${s.first_name} ${s.last_name}`, returning: options.returning ?? false },
    order: { name: "#1042", total: "84.50", currency: s.currency, status_url: `${shop}/account/orders/9f8e7d6c5b4a`, tracking_link: trackingLink },
    shipment: shipments[0]!,
    shipments,
    shipment_count: count,
    moment,
    moment_label: isTemplateKey(moment) ? TEMPLATE_KEY_LABELS[moment] : moment,
    locale,
    alert: {
      title: "Address problem on order #1042",
      detail: "UPS reports a problem with the delivery address. The customer has not been contacted yet.",
      case_url: "https://admin.shopify.com/store/maple-and-moss/apps/shipwatch/cases/318",
    },
  };
}

// ---- the variables, documented for the editor

const VARIABLE_DOCS: Array<[name: string, group: TemplateVariable["group"], description: string]> = [
  ["shop.name", "Shop", "Your store's name"],
  ["shop.url", "Shop", "Your storefront's address"],
  ["shop.tracking_page_url", "Shop", "This order on your tracking page (every package, always up to date): a signed link, https://<your shop>/apps/track?t=…, that opens without the customer typing anything"],
  ["shop.support_email", "Shop", "Where customers can write to you"],
  ["customer.first_name", "Customer", "The customer's first name (can be empty: check with {% if customer.first_name != blank %})"],
  ["customer.name", "Customer", "The customer's full name"],
  ["customer.returning", "Customer", "true when the customer has ordered from you before"],
  ["order.name", "Order", "The order number as customers see it"],
  ["order.total", "Order", "The order total, without currency"],
  ["order.currency", "Order", "The order's currency code"],
  ["order.status_url", "Order", "Where customers follow the order (the same signed tracking link in messages Shipwatch sends)"],
  ["order.tracking_link", "Order", "This order on your tracking page: the same signed link as shop.tracking_page_url"],
  ["shipment.carrier", "Shipment", "The carrier's name"],
  ["shipment.tracking_number", "Shipment", "The tracking number"],
  ["shipment.tracking_url", "Shipment", "The carrier's own tracking page (can be empty)"],
  ["shipment.status", "Shipment", "The status code (label_created, in_transit, delivered, …)"],
  ["shipment.status_label", "Shipment", "The status in plain words, in the customer's language"],
  ["shipment.reason", "Shipment", "The reason code for a delay or problem (weather, address_issue, customs, …), empty when none"],
  ["shipment.reason_label", "Shipment", "The reason in plain words, in the customer's language (can be empty)"],
  ["shipment.eta", "Shipment", "The best delivery estimate when the message goes out (the carrier's date, else the shipping method's promise), in the customer's language; empty when there is none. A date that has passed is never shown"],
  ["shipment.delivered_at", "Shipment", "Delivery date, formatted like the ETA (empty until delivered)"],
  ["shipment.location", "Shipment", "Last known location (can be empty)"],
  ["shipment.service", "Shipment", "The shipping service (can be empty)"],
  ["shipment.pickup_location", "Shipment", "Where the package waits to be collected, while it is at a pickup point (can be empty)"],
  ["shipment.headline", "Shipment", "The headline your tracking page shows for this package, in the customer's language"],
  ["shipment.explanation", "Shipment", "What the tracking page says has happened (the last scan, the estimate)"],
  ["shipment.next", "Shipment", "What the tracking page says happens next"],
  ["shipment.attention", "Shipment", "While there is a problem the customer would notice (late, no news, lost…), what it is and what you are doing; empty otherwise"],
  ["shipments", "Shipment", "Every package this message is about: {% for s in shipments %}{{ s.tracking_number }}{% endfor %}"],
  ["shipment_count", "Shipment", "How many packages this message is about"],
  ["moment", "Message", "Which message this is (packed, first_scan, delay_weather, …)"],
  ["moment_label", "Message", "That message's name, in words"],
  ["locale", "Message", "The message's language (en, fr, es, de)"],
  ["alert.title", "Internal alert", "What happened (internal alerts only)"],
  ["alert.detail", "Internal alert", "The details (internal alerts only)"],
  ["alert.case_url", "Internal alert", "Link to the case in the exception queue (internal alerts only)"],
];

function lookup(ctx: unknown, path: string): unknown {
  let node = ctx;
  for (const key of path.split(".")) node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

export const TEMPLATE_VARIABLES: readonly TemplateVariable[] = (() => {
  const samples = [sampleContext("en", { moment: "delay_weather", returning: true }), sampleContext("en", { moment: "delivered" }), sampleContext("en", { moment: "delay_late" }), sampleContext("en", { moment: "ready_for_pickup" })];
  return VARIABLE_DOCS.map(([name, group, description]) => {
    const value = samples.map((sample) => lookup(sample, name)).find((v) => v !== "") ?? "";
    const example = Array.isArray(value) ? `${value.length} package(s), each with the fields of shipment` : String(value);
    return { name, group, description, example };
  });
})();
