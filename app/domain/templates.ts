import { Liquid, type Template } from "liquidjs";
import { MOMENT_LABELS, MOMENTS, type Locale, type TemplatedChannel } from "./notifications";
import { REASON_LABELS, STATUS_LABELS, type ShipmentStatus, type StatusReason } from "./status";
import { safeHttpsUrl } from "./urls";

/**
 * Message templates: Liquid, written by merchants, rendered for every notification.
 *
 * Three engines, created once: HTML (email bodies: every output is HTML-escaped), plain text (SMS and
 * email subjects) and Slack (mrkdwn: `&`, `<`, `>` in values are escaped so a customer name cannot
 * ping `<!channel>` or forge a link). All three are strict about filters, read only own properties of
 * the context, cannot reach the file system (`include`, `render` and `layout` are removed) and carry
 * parse, render-time and memory limits, because the templates come from merchants.
 *
 * Values in the context are data: Liquid never evaluates the text of a value, so a customer called
 * `{{ shop.name }}` is printed as written.
 *
 * Pure: no I/O, no clock (liquidjs measures its own render time for the render limit).
 */

// ---- the context a template sees (snake_case, as Liquid users expect)

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

// ---- template keys

export const TEMPLATE_KEYS = [...MOMENTS, "rule_message", "internal_alert"] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];
/** Keys that have customer-facing (email and SMS) defaults. */
export const CUSTOMER_TEMPLATE_KEYS = [...MOMENTS, "rule_message"] as const;
type CustomerKey = (typeof CUSTOMER_TEMPLATE_KEYS)[number];

export const TEMPLATE_KEY_LABELS: Record<TemplateKey, string> = {
  ...MOMENT_LABELS,
  rule_message: "Rule: message the customer",
  internal_alert: "Rule: internal alert",
};

export function isTemplateKey(value: unknown): value is TemplateKey {
  return typeof value === "string" && (TEMPLATE_KEYS as readonly string[]).includes(value);
}

// ---- localized vocabulary (English comes from status.ts, the words support sees)

const STATUS_I18N: Record<Exclude<Locale, "en">, Record<ShipmentStatus, string>> = {
  fr: {
    unknown: "Statut indisponible",
    label_created: "Emballé, en attente du transporteur",
    picked_up: "Pris en charge par le transporteur",
    in_transit: "En cours d'acheminement",
    delayed: "Retardé",
    out_for_delivery: "En cours de livraison",
    available_for_pickup: "Disponible au retrait",
    attempted_delivery: "Tentative de livraison",
    delivered: "Livré",
    exception: "Problème de livraison",
    returning_to_sender: "En retour vers l'expéditeur",
    returned_to_sender: "Retourné à l'expéditeur",
  },
  es: {
    unknown: "Estado no disponible",
    label_created: "Empaquetado, esperando al transportista",
    picked_up: "Recogido por el transportista",
    in_transit: "En tránsito",
    delayed: "Con retraso",
    out_for_delivery: "En reparto",
    available_for_pickup: "Listo para recoger",
    attempted_delivery: "Intento de entrega",
    delivered: "Entregado",
    exception: "Problema con la entrega",
    returning_to_sender: "En devolución al remitente",
    returned_to_sender: "Devuelto al remitente",
  },
  de: {
    unknown: "Status nicht verfügbar",
    label_created: "Verpackt, wartet auf den Paketdienst",
    picked_up: "Vom Paketdienst abgeholt",
    in_transit: "Unterwegs",
    delayed: "Verspätet",
    out_for_delivery: "In Zustellung",
    available_for_pickup: "Zur Abholung bereit",
    attempted_delivery: "Zustellversuch",
    delivered: "Zugestellt",
    exception: "Problem bei der Zustellung",
    returning_to_sender: "Auf dem Rückweg zum Absender",
    returned_to_sender: "An den Absender zurückgeschickt",
  },
};

const REASON_I18N: Record<Exclude<Locale, "en">, Record<StatusReason, string>> = {
  fr: {
    weather: "Météo",
    address_issue: "Problème d'adresse",
    damaged: "Endommagé",
    lost: "Perdu",
    refused: "Refusé",
    customs: "Douane",
    held_at_facility: "Retenu dans un centre du transporteur",
    recipient_unavailable: "Personne pour réceptionner le colis",
    business_closed: "Établissement fermé",
    carrier_delay: "Retard du transporteur",
    other: "Autre",
  },
  es: {
    weather: "Mal tiempo",
    address_issue: "Problema con la dirección",
    damaged: "Dañado",
    lost: "Perdido",
    refused: "Rechazado",
    customs: "Aduana",
    held_at_facility: "Retenido en un centro del transportista",
    recipient_unavailable: "No había nadie para recibirlo",
    business_closed: "Negocio cerrado",
    carrier_delay: "Retraso del transportista",
    other: "Otro",
  },
  de: {
    weather: "Wetter",
    address_issue: "Problem mit der Adresse",
    damaged: "Beschädigt",
    lost: "Verloren gegangen",
    refused: "Annahme verweigert",
    customs: "Zoll",
    held_at_facility: "Im Paketzentrum festgehalten",
    recipient_unavailable: "Niemand zur Annahme angetroffen",
    business_closed: "Geschäft geschlossen",
    carrier_delay: "Verzögerung beim Paketdienst",
    other: "Sonstiges",
  },
};

/** A status in the shopper's language, for `shipment.status_label`. */
export function statusLabel(status: ShipmentStatus, locale: Locale): string {
  return locale === "en" ? STATUS_LABELS[status] : STATUS_I18N[locale][status];
}

/** A reason in the shopper's language, for `shipment.reason_label` ("" without a reason). */
export function reasonLabel(reason: StatusReason | null | "", locale: Locale): string {
  if (!reason) return "";
  return locale === "en" ? REASON_LABELS[reason] : REASON_I18N[locale][reason];
}

// ---- sample context (validation and the editor's preview)

interface SampleLocale {
  first_name: string;
  last_name: string;
  currency: string;
  carrier: string;
  service: string;
  tracking: (i: number) => string;
  tracking_url: (n: string) => string;
  location: string;
  eta: string;
  delivered_at: string;
  pickup_location: string;
  /** what the story (story.ts) says of the sample parcel on its way, and while it runs late */
  story: { headline: string; explanation: string; next: string };
  late: { headline: string; explanation: string; next: string };
  pickup: { headline: string; explanation: string; next: string };
}

const SAMPLES: Record<Locale, SampleLocale> = {
  en: {
    first_name: "Emma",
    last_name: "Johnson",
    currency: "USD",
    carrier: "UPS",
    service: "UPS Ground",
    tracking: (i) => `1Z999AA1012345678${4 + i}`,
    tracking_url: (n) => `https://www.ups.com/track?tracknum=${n}`,
    location: "Louisville, KY",
    eta: "Friday, November 20",
    delivered_at: "Wednesday, November 18",
    pickup_location: "The UPS Store, 1450 Bardstown Rd, Louisville, KY",
    pickup: { headline: "Ready for pickup at The UPS Store, 1450 Bardstown Rd, Louisville, KY", explanation: "UPS is holding your parcel at The UPS Store, 1450 Bardstown Rd, Louisville, KY since November 19.", next: "Bring your ID and tracking number to collect it: parcels left too long are sent back." },
    story: { headline: "Arriving Friday, November 20", explanation: "UPS picked up your parcel on November 18. UPS expects to deliver it on Friday, November 20.", next: "We will let you know when it is out for delivery." },
    late: { headline: "Running late", explanation: "Your parcel is taking longer than we promised. UPS last scanned it on November 18.", next: "We are following it up with UPS and will write to you by November 21." },
  },
  fr: {
    first_name: "Camille",
    last_name: "Martin",
    currency: "EUR",
    carrier: "Colissimo",
    service: "Colissimo Domicile",
    tracking: (i) => `6A1234567890${1 + i}`,
    tracking_url: (n) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${n}`,
    location: "Lyon",
    eta: "vendredi 20 novembre",
    delivered_at: "mercredi 18 novembre",
    pickup_location: "Relais Pickup, 12 rue de la République, Lyon",
    pickup: { headline: "Disponible au retrait : Relais Pickup, 12 rue de la République, Lyon", explanation: "Colissimo garde votre colis au point de retrait Relais Pickup, 12 rue de la République, Lyon depuis le 19 novembre.", next: "Munissez-vous d'une pièce d'identité et de votre numéro de suivi pour le retirer : un colis non retiré est renvoyé au bout de quelques jours." },
    story: { headline: "Livraison prévue le vendredi 20 novembre", explanation: "Colissimo a pris en charge votre colis le 18 novembre. Colissimo prévoit de le livrer le vendredi 20 novembre.", next: "Nous vous préviendrons quand il sera en cours de livraison." },
    late: { headline: "En retard", explanation: "Votre colis met plus de temps que promis. Dernier scan par Colissimo le 18 novembre.", next: "Nous suivons la situation avec Colissimo et nous vous écrirons d'ici le 21 novembre." },
  },
  es: {
    first_name: "Lucía",
    last_name: "García",
    currency: "EUR",
    carrier: "Correos",
    service: "Paq Estándar",
    tracking: (i) => `PQ7BAT000123456010800${1 + i}M`,
    tracking_url: (n) => `https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=${n}`,
    location: "Madrid",
    eta: "viernes 20 de noviembre",
    delivered_at: "miércoles 18 de noviembre",
    pickup_location: "Oficina de Correos, Calle de Alcalá 120, Madrid",
    pickup: { headline: "Listo para recoger en Oficina de Correos, Calle de Alcalá 120, Madrid", explanation: "Correos guarda su paquete en Oficina de Correos, Calle de Alcalá 120, Madrid desde el 19 de noviembre.", next: "Lleve su documento de identidad y el número de seguimiento para recogerlo: los paquetes que no se recogen se devuelven pasado un tiempo." },
    story: { headline: "Llega el viernes 20 de noviembre", explanation: "Correos recogió su paquete el 18 de noviembre. Correos prevé entregarlo el viernes 20 de noviembre.", next: "Le avisaremos cuando esté en reparto." },
    late: { headline: "Va con retraso", explanation: "Su paquete está tardando más de lo prometido. Correos lo escaneó por última vez el 18 de noviembre.", next: "Estamos haciendo el seguimiento con Correos y le escribiremos antes del 21 de noviembre." },
  },
  de: {
    first_name: "Lena",
    last_name: "Schmidt",
    currency: "EUR",
    carrier: "DHL",
    service: "DHL Paket",
    tracking: (i) => `0034043416109404255${7 + i}`,
    tracking_url: (n) => `https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=${n}`,
    location: "Köln",
    eta: "Freitag, 20. November",
    delivered_at: "Mittwoch, 18. November",
    pickup_location: "DHL Packstation 112, Köln",
    pickup: { headline: "Zur Abholung bereit: DHL Packstation 112, Köln", explanation: "DHL hält Ihr Paket bei DHL Packstation 112, Köln seit dem 19. November bereit.", next: "Bringen Sie einen Ausweis und die Sendungsnummer mit: Nicht abgeholte Pakete werden nach einiger Zeit zurückgeschickt." },
    story: { headline: "Kommt am Freitag, 20. November", explanation: "DHL hat Ihr Paket am 18. November abgeholt. DHL plant die Zustellung am Freitag, 20. November.", next: "Wir melden uns, sobald es in Zustellung ist." },
    late: { headline: "Später als versprochen", explanation: "Ihr Paket braucht länger als versprochen. DHL hat es zuletzt am 18. November gescannt.", next: "Wir haken beim Paketdienst nach und schreiben Ihnen bis zum 21. November." },
  },
};

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
  delay_other: { status: "delayed", reason: "carrier_delay", eta: true, delivered: false },
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
  const s = SAMPLES[locale];
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

// ---- engines, limits, cache

export const TEMPLATE_LIMITS = {
  /** characters of Liquid source per field */
  sourceChars: 100_000,
  subjectSourceChars: 2_000,
  /** a rendered SMS longer than this is refused at save time (4 segments of GSM-7 text) */
  smsChars: 640,
  /** rendered subject */
  subjectChars: 250,
  /** rendered email HTML (Gmail clips messages above ~100 KB) */
  emailChars: 100_000,
  /** milliseconds per render */
  renderMs: 500,
  /** liquidjs' memory accounting (range sizes, string building), roughly characters */
  memory: 1_000_000,
  /**
   * `{{ … }}` and `{% … %}` per field. The default templates use under 60. Checking a template costs
   * tags × length in liquidjs (each variable's line is counted from the start of the source), so 20,000
   * `{{a}}` held the process for seconds; the count is taken before anything is parsed.
   */
  tags: 1_000,
} as const;

/** Liquid tags and outputs in the source, counted in one pass. */
function tagCount(source: string): number {
  let count = 0;
  for (let i = source.indexOf("{"); i !== -1; i = source.indexOf("{", i + 1)) {
    const next = source.charCodeAt(i + 1);
    if (next === 123 /* { */ || next === 37 /* % */) {
      count++;
      i++;
    }
  }
  return count;
}

/** parsed templates kept per engine, and the total source they may hold */
const CACHE_MAX = 500;
const CACHE_MAX_CHARS = 5_000_000;

function str(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(str).join("");
  return String(value);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&#34;" : "&#39;"));
}

function escapeSlack(value: string): string {
  return value.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

interface Engine {
  liquid: Liquid;
  cache: Map<string, Template[]>;
  cachedChars: number;
}

function engine(mode: "html" | "text" | "slack"): Engine {
  const liquid = new Liquid({
    strictFilters: true,
    strictVariables: true,
    ownPropertyOnly: true,
    jsTruthy: true,
    // an in-memory, empty file system: nothing a template writes can read a file
    templates: {},
    dynamicPartials: false,
    locale: "en-US",
    timezoneOffset: 0,
    parseLimit: TEMPLATE_LIMITS.sourceChars,
    renderLimit: TEMPLATE_LIMITS.renderMs,
    memoryLimit: TEMPLATE_LIMITS.memory,
    ...(mode === "html"
      ? { outputEscape: "escape" as const }
      : mode === "slack"
        ? { outputEscape: (value: unknown) => escapeSlack(str(value)) }
        : {}),
  });
  for (const tag of ["include", "render", "layout"]) delete liquid.tags[tag];
  if (mode !== "text") {
    // Every output is escaped exactly once, by outputEscape: `| raw` cannot switch it off for data,
    // and `| escape` (a habit from Shopify themes) does not escape twice.
    const identity = (value: unknown) => value;
    for (const name of ["raw", "escape", "escape_once", "xml_escape"]) liquid.registerFilter(name, identity);
  }
  if (mode === "html") {
    // line breaks in a value become <br>, the value itself still escaped
    liquid.registerFilter("newline_to_br", { handler: (value: unknown) => escapeHtml(str(value)).replace(/\r?\n/g, "<br>\n"), raw: true });
  }
  return { liquid, cache: new Map(), cachedChars: 0 };
}

const ENGINES = { html: engine("html"), text: engine("text"), slack: engine("slack") };

function parse(e: Engine, source: string): Template[] {
  const hit = e.cache.get(source);
  if (hit) {
    // least recently used goes first: refresh this one's place
    e.cache.delete(source);
    e.cache.set(source, hit);
    return hit;
  }
  const templates = e.liquid.parse(source);
  e.cache.set(source, templates);
  e.cachedChars += source.length;
  // bounded by count and by size: the least recently used go first
  for (const oldest of e.cache.keys()) {
    if (e.cache.size <= CACHE_MAX && e.cachedChars <= CACHE_MAX_CHARS) break;
    e.cache.delete(oldest);
    e.cachedChars -= oldest.length;
  }
  return templates;
}

function bodyEngine(channel: TemplatedChannel): Engine {
  return channel === "email" ? ENGINES.html : channel === "slack" ? ENGINES.slack : ENGINES.text;
}

// ---- errors a merchant can act on

export interface TemplateIssue {
  field: "subject" | "body";
  message: string;
  line?: number;
}

export class TemplateError extends Error {
  readonly errors: TemplateIssue[];
  constructor(errors: TemplateIssue[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.name = "TemplateError";
    this.errors = errors;
  }
}

type Schema = "leaf" | { [key: string]: Schema } | [Schema];
const SHIPMENT_SCHEMA: Schema = Object.fromEntries(
  [
    "carrier",
    "tracking_number",
    "tracking_url",
    "status",
    "status_label",
    "reason",
    "reason_label",
    "eta",
    "delivered_at",
    "location",
    "service",
    "pickup_location",
    "headline",
    "explanation",
    "next",
    "attention",
  ].map((k) => [k, "leaf" as const]),
);
const leaves = (...keys: string[]): Schema => Object.fromEntries(keys.map((k) => [k, "leaf" as const]));
const CONTEXT_SCHEMA: { [key: string]: Schema } = {
  shop: leaves("name", "url", "tracking_page_url", "support_email"),
  customer: leaves("first_name", "name", "returning"),
  order: leaves("name", "total", "currency", "status_url", "tracking_link"),
  shipment: SHIPMENT_SCHEMA,
  shipments: [SHIPMENT_SCHEMA],
  shipment_count: "leaf",
  moment: "leaf",
  moment_label: "leaf",
  locale: "leaf",
  alert: leaves("title", "detail", "case_url"),
};
const KNOWN_PATHS: string[] = (() => {
  const out: string[] = [];
  const walk = (schema: Schema, prefix: string) => {
    if (prefix) out.push(prefix);
    if (schema === "leaf" || Array.isArray(schema)) return;
    for (const [k, v] of Object.entries(schema)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(CONTEXT_SCHEMA, "");
  return out;
})();
const FIELD_NAMES = [...new Set(KNOWN_PATHS.map((p) => p.split(".").pop()!))];

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d <= bestD && c !== word) {
      best = c;
      bestD = d;
      if (d === 0) break;
    }
  }
  return best;
}

function suggestVariable(path: string): string | null {
  const whole = closest(path, KNOWN_PATHS);
  if (whole) return whole;
  const parts = path.split(".");
  if (parts.length < 2) return null;
  const field = closest(parts[parts.length - 1]!, FIELD_NAMES);
  return field ? [...parts.slice(0, -1), field].join(".") : null;
}

function unknownVariable(path: string, suggestion: string | null = suggestVariable(path)): string {
  return `Unknown variable "${path}".${suggestion ? ` Did you mean "${suggestion}"?` : ""} The variables you can use are listed next to the editor.`;
}

/** Turns a liquidjs error into words a merchant can act on. */
function describe(error: unknown, field: TemplateIssue["field"]): TemplateIssue {
  const raw = error instanceof Error ? error.message : String(error);
  const lineMatch = /line:(\d+)/.exec(raw);
  const line = lineMatch ? Number(lineMatch[1]) : undefined;
  const text = raw.replace(/,\s*line:\d+,\s*col:\d+\s*$/, "").trim();
  const at = line !== undefined ? ` (line ${line})` : "";
  const issue = (message: string): TemplateIssue => ({ field, message, ...(line !== undefined ? { line } : {}) });
  let m: RegExpExecArray | null;
  if ((m = /undefined variable: (.+)$/.exec(text))) return issue(`${unknownVariable(m[1]!.trim())}${at}`);
  if ((m = /undefined filter: (\S+)/.exec(text))) {
    const suggestion = closest(m[1]!, Object.keys(ENGINES.text.liquid.filters));
    return issue(`Unknown filter "${m[1]}"${at}.${suggestion ? ` Did you mean "${suggestion}"?` : " Check its spelling against the Liquid filters list."}`);
  }
  if ((m = /tag (\{%-?\s*(\w+)[\s\S]*?%\}) not closed/.exec(text))) return issue(`${m[1]} is never closed${at}: add {% end${m[2]} %}.`);
  if ((m = /tag "(\w+)" not found/.exec(text))) {
    const tag = m[1]!;
    if (tag.startsWith("end")) return issue(`{% ${tag} %}${at} has no matching {% ${tag.slice(3)} %} before it.`);
    if (["include", "render", "layout"].includes(tag)) return issue(`{% ${tag} %}${at} is not available in message templates: write the content here.`);
    return issue(`Unknown tag {% ${tag} %}${at}.`);
  }
  if ((m = /output "([\s\S]*)" not closed/.exec(text))) return issue(`An output tag ${m[1]!.slice(0, 40)} is not closed${at}: add }}.`);
  if (/parse length limit exceeded/.test(text)) return issue(`This template is too long (at most ${TEMPLATE_LIMITS.sourceChars} characters).`);
  if (/limit exceeded/.test(text)) {
    return issue(`This template does too much work when it renders${at} (a very large loop or range?). Simplify it.`);
  }
  if ((m = /invalid value expression: "(.*)"/.exec(text))) {
    return issue(m[1] ? `Liquid cannot read "${m[1]}"${at}.` : `A tag is missing its value or condition${at}, for example {% if customer.returning %}.`);
  }
  return issue(`Liquid error${at}: ${text}`);
}

/** Every variable the template reads from the context (any branch, any loop) must exist. */
function checkVariables(e: Engine, templates: Template[], field: TemplateIssue["field"]): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const analysis = e.liquid.analyzeSync(templates, { partials: false });
  for (const variables of Object.values(analysis.globals)) {
    for (const variable of variables) {
      const problem = checkPath(variable.segments);
      if (problem) {
        const line = variable.location.row;
        issues.push({ field, message: `${problem} (line ${line})`, line });
      }
    }
  }
  return dedupe(issues);
}

const SPECIAL = new Set(["size", "first", "last"]);

/** Walks a variable's segments down the context's shape; an explanation when it leaves it. */
function checkPath(segments: ReadonlyArray<unknown>): string | null {
  const written: string[] = [];
  for (const segment of segments) {
    if (typeof segment !== "string" && typeof segment !== "number") break; // a computed key: cannot check further
    written.push(String(segment));
  }
  let schema: Schema = CONTEXT_SCHEMA;
  for (let i = 0; i < written.length; i++) {
    const segment = written[i]!;
    const fail = (levelKeys: readonly string[], hint = "") => {
      const fixed = closest(segment, levelKeys);
      const suggestion = fixed ? [...written.slice(0, i), fixed, ...written.slice(i + 1)].join(".") : suggestVariable(written.join("."));
      return unknownVariable(written.join("."), suggestion) + hint;
    };
    if (Array.isArray(schema)) {
      if (/^\d+$/.test(segment) || segment === "first" || segment === "last") schema = schema[0];
      else if (segment === "size") return null;
      else return fail([...SPECIAL], ` ${written.slice(0, i).join(".")} is a list: loop over it with {% for s in ${written.slice(0, i).join(".")} %}…{% endfor %}.`);
    } else if (schema === "leaf") {
      return SPECIAL.has(segment) && i === written.length - 1 ? null : fail([]);
    } else if (Object.hasOwn(schema, segment)) {
      schema = schema[segment]!;
    } else if (i > 0 && segment === "size") {
      return null;
    } else {
      return fail(Object.keys(schema));
    }
  }
  return null;
}

function dedupe(issues: TemplateIssue[]): TemplateIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- validation at save time

/**
 * Strict render of a sample. A variable the sample lacks although the context's shape has it (say
 * `shipments[2]` with one shipment) depends on the data, not a typo: that sample is rendered again
 * leniently, still under the limits. Names outside the context (a loop variable's misspelled field)
 * stay errors.
 */
function renderSample(e: Engine, templates: Template[], sample: TemplateContext): string {
  try {
    return str(e.liquid.renderSync(templates, sample, { strictVariables: true }));
  } catch (error) {
    const missing = error instanceof Error ? /undefined variable: ([^,]+)/.exec(error.message)?.[1]?.trim() : undefined;
    const segments = missing?.split(".") ?? [];
    if (!missing || !Object.hasOwn(CONTEXT_SCHEMA, segments[0]!) || checkPath(segments) !== null) throw error;
    return str(e.liquid.renderSync(templates, sample, { strictVariables: false }));
  }
}

export type ValidationResult = { ok: true } | { ok: false; errors: TemplateIssue[] };

export interface TemplateInput {
  channel: TemplatedChannel;
  subject?: string | null;
  body: string;
  /** the language to render the samples in (default en) */
  locale?: Locale;
}

/**
 * Parses and renders the template against sample contexts (one shipment; three shipments from a
 * returning customer) with strict variables and filters, so a typo is an error at save time, not a
 * blank in a customer's inbox.
 */
export function validateTemplate(input: TemplateInput): ValidationResult {
  const errors: TemplateIssue[] = [];
  const locale = input.locale ?? "en";
  const samples = [sampleContext(locale), sampleContext(locale, { shipmentCount: 3, returning: true, moment: "delivered" })];

  const check = (field: TemplateIssue["field"], source: string, e: Engine, maxSource: number): string[] | null => {
    if (source.length > maxSource) {
      errors.push({ field, message: `Too long: at most ${maxSource} characters (this one has ${source.length}).` });
      return null;
    }
    const tags = tagCount(source);
    if (tags > TEMPLATE_LIMITS.tags) {
      errors.push({ field, message: `Too many Liquid tags: at most ${TEMPLATE_LIMITS.tags} {{ }} and {% %} together (this one has ${tags}). Use a loop instead of repeating a tag.` });
      return null;
    }
    let templates: Template[];
    try {
      templates = parse(e, source);
    } catch (error) {
      errors.push(describe(error, field));
      return null;
    }
    const unknown = checkVariables(e, templates, field);
    if (unknown.length) {
      errors.push(...unknown);
      return null;
    }
    const outputs: string[] = [];
    for (const sample of samples) {
      try {
        outputs.push(renderSample(e, templates, sample));
      } catch (error) {
        errors.push(describe(error, field));
        return null;
      }
    }
    return outputs;
  };

  if (input.channel === "email") {
    const subject = input.subject ?? "";
    if (!subject.trim()) errors.push({ field: "subject", message: "An email needs a subject." });
    else {
      const out = check("subject", subject, ENGINES.text, TEMPLATE_LIMITS.subjectSourceChars);
      if (out && out.every((o) => !cleanSubject(o))) errors.push({ field: "subject", message: "The subject comes out empty." });
      else if (out && out.some((o) => cleanSubject(o).length > TEMPLATE_LIMITS.subjectChars)) {
        errors.push({ field: "subject", message: `The subject is too long once filled in (at most ${TEMPLATE_LIMITS.subjectChars} characters).` });
      }
    }
  }

  if (!input.body.trim()) errors.push({ field: "body", message: "The message is empty." });
  else {
    const out = check("body", input.body, bodyEngine(input.channel), TEMPLATE_LIMITS.sourceChars);
    if (out) {
      const longest = Math.max(...out.map((o) => o.trim().length));
      if (out.every((o) => !o.trim())) errors.push({ field: "body", message: "The message comes out empty." });
      else if (input.channel === "sms" && longest > TEMPLATE_LIMITS.smsChars) {
        errors.push({
          field: "body",
          message: `This SMS is ${longest} characters once filled in with the sample order; the limit is ${TEMPLATE_LIMITS.smsChars} (carriers split long texts, and each part is billed).`,
        });
      } else if (input.channel === "email" && longest > TEMPLATE_LIMITS.emailChars) {
        errors.push({ field: "body", message: `This email is too large once filled in (${longest} characters; at most ${TEMPLATE_LIMITS.emailChars}).` });
      }
    }
  }

  return errors.length ? { ok: false, errors: dedupe(errors) } : { ok: true };
}

// ---- rendering at send time

export interface RenderedMessage {
  /** email only: one line, no CR/LF */
  subject: string | null;
  /** SMS and Slack: the message; email: the plain-text alternative */
  text: string;
  /** email only */
  html: string | null;
}

/** The link as written when it is a safe https one (see safeHttpsUrl), else "". */
function safeUrl(value: unknown): string {
  return safeHttpsUrl(value) === null ? "" : str(value).trim();
}

function safeShipment(s: Partial<TemplateShipment> | undefined): TemplateShipment {
  return {
    carrier: str(s?.carrier),
    tracking_number: str(s?.tracking_number),
    tracking_url: safeUrl(s?.tracking_url),
    status: (s?.status ?? "unknown") as ShipmentStatus,
    status_label: str(s?.status_label),
    reason: (s?.reason ?? "") as StatusReason | "",
    reason_label: str(s?.reason_label),
    eta: str(s?.eta),
    delivered_at: str(s?.delivered_at),
    location: str(s?.location),
    service: str(s?.service),
    pickup_location: str(s?.pickup_location),
    headline: str(s?.headline),
    explanation: str(s?.explanation),
    next: str(s?.next),
    attention: str(s?.attention),
  };
}

/**
 * A plain copy of the context with only the documented keys: nothing inherited, no functions, and
 * links that are https or empty (a `javascript:` or plain-http tracking URL never reaches an href).
 */
function safeContext(c: TemplateContext): TemplateContext {
  const shipments = (Array.isArray(c.shipments) && c.shipments.length ? c.shipments : [c.shipment]).map(safeShipment);
  return {
    shop: { name: str(c.shop?.name), url: safeUrl(c.shop?.url), tracking_page_url: safeUrl(c.shop?.tracking_page_url), support_email: str(c.shop?.support_email) },
    customer: { first_name: str(c.customer?.first_name), name: str(c.customer?.name), returning: c.customer?.returning === true },
    order: { name: str(c.order?.name), total: str(c.order?.total), currency: str(c.order?.currency), status_url: safeUrl(c.order?.status_url), tracking_link: safeUrl(c.order?.tracking_link) },
    shipment: c.shipment ? safeShipment(c.shipment) : shipments[0]!,
    shipments,
    shipment_count: shipments.length,
    moment: str(c.moment),
    moment_label: str(c.moment_label),
    locale: c.locale,
    alert: { title: str(c.alert?.title), detail: str(c.alert?.detail), case_url: safeUrl(c.alert?.case_url) },
  };
}

/** One line: CR, LF and other control characters become spaces (no header injection). */
function cleanSubject(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").replace(/\s{2,}/g, " ").trim();
}

function tidyText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  euro: "€",
  copy: "©",
  middot: "·",
};

function decodeEntities(value: string): string {
  return value.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const BLOCK = "p|div|h[1-6]|ul|ol|table|tr|blockquote|section|header|footer";

/** The plain-text alternative of an HTML email: paragraphs and line breaks kept, links as "text (url)". */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<(style|script|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\s+/g, " ");
  s = s.replace(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, h1?: string, h2?: string, inner = "") => {
    const href = (h1 ?? h2 ?? "").trim();
    const label = decodeEntities(inner.replace(/<[^>]*>/g, "")).trim();
    const target = decodeEntities(href);
    if (!target || target === label || target === `mailto:${label}` || /^(javascript|data):/i.test(target)) return inner;
    return `${inner} (${href})`;
  });
  s = s
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, "\n- ")
    .replace(new RegExp(`</?(?:${BLOCK})\\b[^>]*>`, "gi"), "\n\n")
    .replace(/<\/?[a-z!][^>]*>/gi, "");
  s = decodeEntities(s);
  return s
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export interface RenderInput {
  channel: TemplatedChannel;
  subject?: string | null;
  body: string;
  context: TemplateContext;
}

/**
 * Renders a (validated) template for one message. Email: the body is HTML with every value escaped,
 * plus a plain-text version; the subject is one line. SMS: plain text. Slack: mrkdwn, values escaped
 * for Slack, line breaks kept. A variable missing at send time renders empty rather than losing the
 * message; a broken template or one over the limits throws a TemplateError.
 */
export function renderMessage(input: RenderInput): RenderedMessage {
  const context = safeContext(input.context);
  const run = (field: TemplateIssue["field"], e: Engine, source: string): string => {
    try {
      return str(e.liquid.renderSync(parse(e, source), context, { strictVariables: false }));
    } catch (error) {
      throw new TemplateError([describe(error, field)]);
    }
  };
  if (input.channel === "email") {
    const subject = cleanSubject(run("subject", ENGINES.text, input.subject ?? ""));
    const html = run("body", ENGINES.html, input.body).trim();
    return { subject, html, text: htmlToText(html) };
  }
  const text = run("body", bodyEngine(input.channel), input.body);
  return { subject: null, html: null, text: tidyText(text) };
}

// ---- default templates

const ON = "{{ order.name }}";
const CAR = "{{ shipment.carrier }}";
const ETA = "{{ shipment.eta }}";
const LOC = "{{ shipment.location }}";
const URL = "{{ shop.tracking_page_url }}";
const SUP = "{{ shop.support_email }}";
const N = "{{ shipment_count }}";
const REASON = "{{ shipment.reason_label }}";
const STATUS = "{{ shipment.status_label }}";
const HAS_ETA = "shipment.eta != blank";
const HAS_LOC = "shipment.location != blank";
const HAS_DELIVERED = "shipment.delivered_at != blank";
const HAS_REASON = 'shipment.reason_label != blank and shipment.reason != "other"';
const CUSTOMS = 'shipment.reason == "customs"';
const PICKUP = "{{ shipment.pickup_location }}";
const HAS_PICKUP = "shipment.pickup_location != blank";

const when = (condition: string, then: string, otherwise?: string) =>
  otherwise === undefined ? `{% if ${condition} %}${then}{% endif %}` : `{% if ${condition} %}${then}{% else %}${otherwise}{% endif %}`;
/** one package / several packages */
const pl = (one: string, many: string) => `{% if shipment_count > 1 %}${many}{% else %}${one}{% endif %}`;
const mailto = `<a href="mailto:${SUP}" style="color:#1f2124">${SUP}</a>`;

interface LocaleCopy {
  greeting: string;
  packagesHeading: string;
  carrierLabel: string;
  trackingLabel: string;
  expected: string;
  cta: string;
  returning: string;
  help: string;
  signature: string;
  footer: string;
  stop: string;
  email: Record<CustomerKey, { subject: string; lead: string[] }>;
  sms: Record<CustomerKey, string>;
}

const EN: LocaleCopy = {
  greeting: when("customer.first_name != blank", "Hi {{ customer.first_name }},", "Hello,"),
  packagesHeading: "Packages in this update:",
  carrierLabel: "Carrier",
  trackingLabel: "Tracking number",
  expected: "Expected delivery",
  cta: "Track your order",
  returning: "Thanks for shopping with us again, it means a lot.",
  help: `Questions? Just reply to this email or write to ${mailto}.`,
  signature: "Thanks,<br>The {{ shop.name }} team",
  footer: `You're receiving this email about order ${ON} from <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
  stop: "Reply STOP to opt out.",
  email: {
    packed: {
      subject: `Your order ${ON} is packed`,
      lead: [
        `Good news: your order ${ON} is packed and its shipping label has been created. ${pl(`We'll hand it to ${CAR} shortly.`, `It's packed in ${N} packages, which we'll hand to the carrier shortly.`)}`,
        `We'll write again as soon as the carrier scans ${pl("it", "them")}, so you can follow every step.`,
      ],
    },
    first_scan: {
      subject: `Your order ${ON} is on its way`,
      lead: [
        `Your order ${ON} is on its way: ${pl(`${CAR} has scanned your package`, `the carrier has scanned your ${N} packages`)}.${when(HAS_ETA, ` Expected delivery: ${ETA}.`)}`,
        "You can follow its journey on the tracking page at any time.",
      ],
    },
    out_for_delivery: {
      subject: `Arriving today: order ${ON}`,
      lead: [
        `${pl("Your package is", "Your packages are")} out for delivery with ${CAR} and should arrive today.`,
        `If nobody is there to receive ${pl("it", "them")}, the carrier usually leaves a notice or tries again on the next business day.`,
      ],
    },
    delivered: {
      subject: `Delivered: your order ${ON}`,
      lead: [
        `${pl("Your package was", "Your packages were")} delivered${when(HAS_DELIVERED, ` on {{ shipment.delivered_at }}`)}${when(HAS_LOC, ` (${LOC})`)}. We hope you love your order!`,
        `Can't find ${pl("it", "them")}? Check around your door, with your neighbours or in your building's mail room. If ${pl("it still doesn't", "they still don't")} turn up, reply to this email and we'll sort it out.`,
      ],
    },
    post_delivery: {
      subject: `Did everything arrive OK? (order ${ON})`,
      lead: [
        `Your order ${ON} was delivered a little while ago, and we wanted to check in: did everything arrive, and in good shape?`,
        "If anything is missing, damaged or not quite right, just reply to this email and we'll make it right.",
      ],
    },
    delay_weather: {
      subject: `Weather delay on your order ${ON}`,
      lead: [
        `Severe weather is slowing the carrier down, and ${pl("your package is", "your packages are")} running late.${when(HAS_ETA, ` ${CAR}'s new estimate is ${ETA}.`, ` ${CAR} hasn't given a new delivery date yet; we'll let you know as soon as it does.`)}`,
        `There's nothing you need to do: ${pl("your package", "your packages")} will move again as soon as conditions allow.`,
      ],
    },
    delay_address: {
      subject: `Action needed: please confirm your address (order ${ON})`,
      lead: [
        `${CAR} couldn't deliver ${pl("your package", "your packages")} because of a problem with the delivery address.`,
        "Please reply to this email with your full address, including any apartment number, building name or door code, so we can sort it out with the carrier. The sooner we hear from you, the sooner your order is back on track.",
      ],
    },
    delay_failed_attempt: {
      subject: `We missed you: delivery attempt for order ${ON}`,
      lead: [
        `${CAR} tried to deliver ${pl("your package", "your packages")} but couldn't complete the delivery.${when(HAS_REASON, ` Reason given by the carrier: ${REASON}.`)}`,
        `What happens next: the carrier usually tries again on the next business day, or leaves a notice telling you where to collect ${pl("it", "them")}. The tracking page shows the latest. If you need a hand, just reply to this email.`,
      ],
    },
    delay_held: {
      subject: when(CUSTOMS, `Your order ${ON} is in customs`, `Your order ${ON} is held at a carrier facility`),
      lead: [
        when(
          CUSTOMS,
          `${pl("Your package is", "Your packages are")} being held at customs. Customs checks usually take a few days, and ${CAR} will move ${pl("it", "them")} on as soon as ${pl("it's", "they're")} cleared.`,
          `${pl("Your package is", "Your packages are")} being held at a ${CAR} facility${when(HAS_LOC, ` (${LOC})`)}. It happens, and things usually move again within a day or two.`,
        ),
        when(
          CUSTOMS,
          "If customs needs anything from you (a document or a duty payment), the carrier will contact you directly. Not sure a message is genuine? Reply to this email and we'll check.",
          "We're keeping an eye on it and will write as soon as it moves. There's nothing you need to do for now.",
        ),
      ],
    },
    delay_lost: {
      subject: `About your order ${ON}: we're on it`,
      lead: [
        `We're sorry: ${pl("your package appears", "your packages appear")} to be lost, and ${CAR} hasn't been able to locate ${pl("it", "them")}.`,
        "We're already on it, and whatever happens we'll make it right: we'll send a replacement or refund you. You don't need to do anything; we'll be in touch with the next step very soon.",
      ],
    },
    delay_returned: {
      subject: `Your order ${ON} is being returned to us`,
      lead: [
        `${CAR} couldn't deliver ${pl("your package", "your packages")} and is sending ${pl("it", "them")} back to us.${when(HAS_REASON, ` Reason given by the carrier: ${REASON}.`)}`,
        "Please reply to this email to tell us what you'd prefer: we can send your order again (just confirm your address) or refund you once it's back with us.",
      ],
    },
    ready_for_pickup: {
      subject: when(HAS_PICKUP, `Ready for pickup at ${PICKUP}: order ${ON}`, `Ready for pickup: order ${ON}`),
      lead: [
        `${pl("Your package is", "Your packages are")} ready for pickup${when(HAS_PICKUP, ` at <strong>${PICKUP}</strong>`)}. ${CAR} is holding ${pl("it", "them")} for you there.`,
        `Bring your ID and your order or tracking number to collect ${pl("it", "them")}. Parcels left uncollected too long are sent back, so please pick ${pl("it", "them")} up soon.`,
      ],
    },
    delay_late: {
      subject: `Your order ${ON} is running late`,
      lead: [
        `${pl("Your package is", "Your packages are")} taking longer than we promised, and we're sorry for the wait.${when(HAS_ETA, ` The latest estimate is ${ETA}.`, ` ${CAR} hasn't given a new delivery date yet.`)}`,
        `We're following it up with ${CAR} and will write to you as soon as we know more. There's nothing you need to do.`,
      ],
    },
    delay_other: {
      subject: `Your order ${ON} is delayed`,
      lead: [
        `${pl("Your package is", "Your packages are")} taking longer than expected to arrive.${when(HAS_ETA, ` ${CAR} now expects to deliver on ${ETA}.`, ` ${CAR} hasn't shared a new delivery date yet.`)}`,
        "We're keeping an eye on it and will let you know as soon as it moves. Sorry for the wait!",
      ],
    },
    rule_message: {
      subject: `An update about your order ${ON}`,
      lead: [
        `Here's the latest on your order ${ON}: <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
        "We'll keep you posted. You can check the tracking page at any time.",
      ],
    },
  },
  sms: {
    packed: `your order ${ON} is packed and will be handed to the carrier soon. We'll text you once it's scanned. Follow it here: ${URL}`,
    first_scan: `your order ${ON} is on its way${when(HAS_ETA, `, expected ${ETA}`)}. Track it: ${URL}`,
    out_for_delivery: `your order ${ON} is out for delivery and should arrive today. Track it: ${URL}`,
    delivered: `your order ${ON} was delivered${when(HAS_LOC, ` (${LOC})`)}. Can't find it? Check with neighbours, then write to ${SUP}. Details: ${URL}`,
    post_delivery: `did your order ${ON} arrive in good shape? If anything is missing or damaged, write to ${SUP} and we'll make it right. ${URL}`,
    delay_weather: `bad weather is delaying your order ${ON}.${when(HAS_ETA, ` New estimate: ${ETA}.`)} Nothing to do on your side. Track it: ${URL}`,
    delay_address: `the carrier can't deliver your order ${ON} because of a problem with the address. Please send your full address to ${SUP}. ${URL}`,
    delay_failed_attempt: `the carrier tried to deliver your order ${ON} but couldn't. They usually try again the next business day or leave a pickup notice. Details: ${URL}`,
    delay_held: `${when(CUSTOMS, `your order ${ON} is held at customs and will move on once cleared.`, `your order ${ON} is held at a carrier facility; we're keeping an eye on it.`)} Track it: ${URL}`,
    delay_lost: `we're sorry, your order ${ON} appears to be lost in transit. We're on it and will make it right with a replacement or refund. No action needed. ${URL}`,
    delay_returned: `the carrier is returning your order ${ON} to us. Write to ${SUP}: should we send it again (confirm your address) or refund you? ${URL}`,
    ready_for_pickup: `your order ${ON} is ready for pickup${when(HAS_PICKUP, ` at ${PICKUP}`)}. Bring your ID to collect it. Details: ${URL}`,
    delay_late: `your order ${ON} is running late: it's taking longer than we promised${when(HAS_ETA, `; latest estimate: ${ETA}`)}. We're following it up with the carrier. Track it: ${URL}`,
    delay_other: `your order ${ON} is delayed${when(HAS_ETA, `; new estimate: ${ETA}`)}. We're keeping an eye on it. Track it: ${URL}`,
    rule_message: `an update on your order ${ON}: ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Track it: ${URL}`,
  },
};

const FR: LocaleCopy = {
  greeting: when("customer.first_name != blank", "Bonjour {{ customer.first_name }},", "Bonjour,"),
  packagesHeading: "Colis concernés :",
  carrierLabel: "Transporteur",
  trackingLabel: "Numéro de suivi",
  expected: "Livraison prévue",
  cta: "Suivre ma commande",
  returning: "Merci de nous faire à nouveau confiance, cela nous fait très plaisir.",
  help: `Une question ? Répondez simplement à cet e-mail ou écrivez-nous à ${mailto}.`,
  signature: "Bien cordialement,<br>L'équipe {{ shop.name }}",
  footer: `Vous recevez cet e-mail au sujet de votre commande ${ON} chez <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
  stop: "Répondez STOP pour ne plus recevoir de SMS.",
  email: {
    packed: {
      subject: `Votre commande ${ON} est emballée`,
      lead: [
        `Bonne nouvelle : votre commande ${ON} est emballée et son étiquette de transport a été créée. ${pl(`Nous la remettrons très bientôt à ${CAR}.`, `Elle est répartie en ${N} colis, que nous remettrons très bientôt au transporteur.`)}`,
        `Nous vous écrirons dès que le transporteur ${pl("l'aura prise en charge", "les aura pris en charge")}, pour que vous puissiez suivre chaque étape.`,
      ],
    },
    first_scan: {
      subject: `Votre commande ${ON} est en route`,
      lead: [
        `Votre commande ${ON} est en route : ${pl(`${CAR} a pris en charge votre colis`, `le transporteur a pris en charge vos ${N} colis`)}.${when(HAS_ETA, ` Livraison prévue : ${ETA}.`)}`,
        "Vous pouvez suivre son parcours à tout moment sur la page de suivi.",
      ],
    },
    out_for_delivery: {
      subject: `Livraison aujourd'hui : commande ${ON}`,
      lead: [
        `${pl("Votre colis est", "Vos colis sont")} en cours de livraison avec ${CAR} et ${pl("devrait", "devraient")} arriver aujourd'hui.`,
        `S'il n'y a personne pour ${pl("le", "les")} réceptionner, le transporteur laisse généralement un avis de passage ou repasse le jour ouvré suivant.`,
      ],
    },
    delivered: {
      subject: `Livrée : votre commande ${ON}`,
      lead: [
        `${pl("Votre colis a été livré", "Vos colis ont été livrés")}${when(HAS_DELIVERED, ` le {{ shipment.delivered_at }}`)}${when(HAS_LOC, ` (${LOC})`)}. Nous espérons que votre commande vous plaira !`,
        `Vous ne ${pl("le", "les")} trouvez pas ? Regardez près de votre porte, chez vos voisins ou auprès de votre gardien. ${pl("S'il reste introuvable", "S'ils restent introuvables")}, répondez à cet e-mail et nous trouverons une solution.`,
      ],
    },
    post_delivery: {
      subject: `Tout est bien arrivé ? (commande ${ON})`,
      lead: [
        `Votre commande ${ON} a été livrée il y a peu, et nous voulions prendre de vos nouvelles : tout est-il bien arrivé, en bon état ?`,
        "Si un article manque, est abîmé ou ne convient pas, répondez simplement à cet e-mail et nous arrangerons cela.",
      ],
    },
    delay_weather: {
      subject: `Retard dû à la météo pour votre commande ${ON}`,
      lead: [
        `De mauvaises conditions météo ralentissent le transporteur, et ${pl("votre colis a", "vos colis ont")} du retard.${when(HAS_ETA, ` Nouvelle date estimée par ${CAR} : ${ETA}.`, ` ${CAR} n'a pas encore communiqué de nouvelle date ; nous vous tiendrons au courant dès que ce sera le cas.`)}`,
        `Vous n'avez rien à faire : ${pl("votre colis repartira", "vos colis repartiront")} dès que les conditions le permettront.`,
      ],
    },
    delay_address: {
      subject: `Action requise : merci de confirmer votre adresse (commande ${ON})`,
      lead: [
        `${CAR} n'a pas pu livrer ${pl("votre colis", "vos colis")} en raison d'un problème d'adresse.`,
        `Merci de répondre à cet e-mail en indiquant votre adresse complète (numéro d'appartement, bâtiment, digicode…) afin que nous puissions régler cela avec le transporteur. Plus vite nous aurons votre réponse, plus vite ${pl("votre colis repartira", "vos colis repartiront")}.`,
      ],
    },
    delay_failed_attempt: {
      subject: `Livraison manquée pour votre commande ${ON}`,
      lead: [
        `${CAR} a tenté de livrer ${pl("votre colis", "vos colis")}, sans succès.${when(HAS_REASON, ` Motif indiqué par le transporteur : ${REASON}.`)}`,
        `Et maintenant ? Le transporteur repasse généralement le jour ouvré suivant, ou laisse un avis de passage indiquant où retirer ${pl("le colis", "les colis")}. La page de suivi affiche les dernières informations. Besoin d'aide ? Répondez simplement à cet e-mail.`,
      ],
    },
    delay_held: {
      subject: when(CUSTOMS, `Votre commande ${ON} est en douane`, `Votre commande ${ON} est retenue chez le transporteur`),
      lead: [
        when(
          CUSTOMS,
          `${pl("Votre colis est retenu", "Vos colis sont retenus")} en douane. Les contrôles douaniers prennent généralement quelques jours, et ${CAR} ${pl("le", "les")} réacheminera dès la fin du dédouanement.`,
          `${pl("Votre colis est retenu", "Vos colis sont retenus")} dans un centre ${CAR}${when(HAS_LOC, ` (${LOC})`)}. Cela arrive, et la situation se débloque généralement en un ou deux jours.`,
        ),
        when(
          CUSTOMS,
          "Si la douane a besoin de quelque chose de votre part (un document ou le paiement de droits), le transporteur vous contactera directement. Un doute sur un message ? Répondez à cet e-mail et nous vérifierons.",
          `Nous suivons la situation de près et vous écrirons dès que ${pl("votre colis repartira", "vos colis repartiront")}. Vous n'avez rien à faire pour l'instant.`,
        ),
      ],
    },
    delay_lost: {
      subject: `Votre commande ${ON} : nous nous en occupons`,
      lead: [
        `Nous sommes désolés : ${pl("votre colis semble avoir été perdu", "vos colis semblent avoir été perdus")}, et ${CAR} n'arrive pas à ${pl("le", "les")} localiser.`,
        "Nous nous en occupons déjà et, quoi qu'il arrive, nous trouverons une solution : un nouvel envoi de votre commande ou un remboursement. Vous n'avez rien à faire ; nous revenons très vite vers vous.",
      ],
    },
    delay_returned: {
      subject: `Votre commande ${ON} nous est retournée`,
      lead: [
        `${CAR} n'a pas pu livrer ${pl("votre colis", "vos colis")} et ${pl("nous le renvoie", "nous les renvoie")}.${when(HAS_REASON, ` Motif indiqué par le transporteur : ${REASON}.`)}`,
        "Répondez à cet e-mail pour nous dire ce que vous préférez : un nouvel envoi (confirmez simplement votre adresse) ou un remboursement dès que le colis nous sera revenu.",
      ],
    },
    ready_for_pickup: {
      subject: when(HAS_PICKUP, `Disponible au retrait à ${PICKUP} : commande ${ON}`, `Disponible au retrait : commande ${ON}`),
      lead: [
        `${pl("Votre colis est disponible", "Vos colis sont disponibles")} au retrait${when(HAS_PICKUP, ` à <strong>${PICKUP}</strong>`)}. ${CAR} ${pl("le", "les")} garde pour vous.`,
        `Munissez-vous d'une pièce d'identité et de votre numéro de commande ou de suivi pour ${pl("le", "les")} retirer. Un colis non retiré à temps est renvoyé : pensez à passer ${pl("le", "les")} chercher bientôt.`,
      ],
    },
    delay_late: {
      subject: `Votre commande ${ON} est en retard`,
      lead: [
        `${pl("Votre colis met", "Vos colis mettent")} plus de temps que promis, et nous en sommes désolés.${when(HAS_ETA, ` Dernière estimation : ${ETA}.`, ` ${CAR} n'a pas encore communiqué de nouvelle date.`)}`,
        `Nous suivons la situation avec ${CAR} et vous écrirons dès que nous en saurons plus. Vous n'avez rien à faire.`,
      ],
    },
    delay_other: {
      subject: `Votre commande ${ON} a du retard`,
      lead: [
        `${pl("Votre colis met", "Vos colis mettent")} plus de temps que prévu à arriver.${when(HAS_ETA, ` ${CAR} prévoit désormais une livraison le ${ETA}.`, ` ${CAR} n'a pas encore communiqué de nouvelle date.`)}`,
        "Nous suivons la situation et vous préviendrons dès que les choses bougent. Merci de votre patience !",
      ],
    },
    rule_message: {
      subject: `Du nouveau sur votre commande ${ON}`,
      lead: [
        `Voici les dernières nouvelles de votre commande ${ON} : <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
        "Nous vous tiendrons au courant. Vous pouvez consulter la page de suivi à tout moment.",
      ],
    },
  },
  sms: {
    packed: `votre commande ${ON} est emballée et sera bientôt remise au transporteur. Nous vous préviendrons dès sa prise en charge. Suivi : ${URL}`,
    first_scan: `votre commande ${ON} est en route${when(HAS_ETA, `, livraison prévue le ${ETA}`)}. Suivi : ${URL}`,
    out_for_delivery: `votre commande ${ON} est en cours de livraison et devrait arriver aujourd'hui. Suivi : ${URL}`,
    delivered: `votre commande ${ON} a été livrée${when(HAS_LOC, ` (${LOC})`)}. Introuvable ? Demandez à vos voisins, puis écrivez-nous à ${SUP}. Détails : ${URL}`,
    post_delivery: `votre commande ${ON} est-elle bien arrivée, en bon état ? Sinon, écrivez-nous à ${SUP} et nous arrangerons cela. ${URL}`,
    delay_weather: `la météo retarde votre commande ${ON}.${when(HAS_ETA, ` Nouvelle estimation : ${ETA}.`)} Vous n'avez rien à faire. Suivi : ${URL}`,
    delay_address: `le transporteur ne peut pas livrer votre commande ${ON} : problème d'adresse. Merci d'envoyer votre adresse complète à ${SUP}. ${URL}`,
    delay_failed_attempt: `le transporteur n'a pas pu livrer votre commande ${ON}. Il repasse généralement le jour ouvré suivant ou laisse un avis de passage. Détails : ${URL}`,
    delay_held: `${when(CUSTOMS, `votre commande ${ON} est retenue en douane ; elle repartira dès la fin du dédouanement.`, `votre commande ${ON} est retenue dans un centre du transporteur ; nous suivons la situation.`)} Suivi : ${URL}`,
    delay_lost: `nous sommes désolés, votre commande ${ON} semble perdue par le transporteur. Nous nous en occupons : nouvel envoi ou remboursement. Rien à faire de votre côté. ${URL}`,
    delay_returned: `le transporteur nous retourne votre commande ${ON}. Écrivez-nous à ${SUP} : nouvel envoi (confirmez votre adresse) ou remboursement ? ${URL}`,
    ready_for_pickup: `votre commande ${ON} est disponible au retrait${when(HAS_PICKUP, ` à ${PICKUP}`)}. Munissez-vous d'une pièce d'identité. Détails : ${URL}`,
    delay_late: `votre commande ${ON} est en retard : elle met plus de temps que promis${when(HAS_ETA, ` ; dernière estimation : ${ETA}`)}. Nous suivons la situation avec le transporteur. Suivi : ${URL}`,
    delay_other: `votre commande ${ON} a du retard${when(HAS_ETA, ` ; nouvelle estimation : ${ETA}`)}. Nous suivons la situation. Suivi : ${URL}`,
    rule_message: `du nouveau sur votre commande ${ON} : ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Suivi : ${URL}`,
  },
};

const ES: LocaleCopy = {
  greeting: when("customer.first_name != blank", "Hola, {{ customer.first_name }}:", "Hola:"),
  packagesHeading: "Paquetes de esta actualización:",
  carrierLabel: "Transportista",
  trackingLabel: "Número de seguimiento",
  expected: "Entrega prevista",
  cta: "Seguir mi pedido",
  returning: "¡Gracias por volver a comprar con nosotros!",
  help: `¿Tienes alguna pregunta? Responde a este correo o escríbenos a ${mailto}.`,
  signature: "Un saludo,<br>El equipo de {{ shop.name }}",
  footer: `Recibes este correo por tu pedido ${ON} en <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
  stop: "Responde STOP para darte de baja.",
  email: {
    packed: {
      subject: `Tu pedido ${ON} ya está empaquetado`,
      lead: [
        `¡Buenas noticias! Tu pedido ${ON} ya está empaquetado y su etiqueta de envío está creada. ${pl(`Se lo entregaremos a ${CAR} muy pronto.`, `Está repartido en ${N} paquetes, que entregaremos al transportista muy pronto.`)}`,
        `Te escribiremos en cuanto el transportista ${pl("lo escanee", "los escanee")}, para que puedas seguir cada paso.`,
      ],
    },
    first_scan: {
      subject: `Tu pedido ${ON} está en camino`,
      lead: [
        `Tu pedido ${ON} está en camino: ${pl(`${CAR} ya ha escaneado tu paquete`, `el transportista ya ha escaneado tus ${N} paquetes`)}.${when(HAS_ETA, ` Entrega prevista: ${ETA}.`)}`,
        "Puedes seguir su recorrido en cualquier momento en la página de seguimiento.",
      ],
    },
    out_for_delivery: {
      subject: `Llega hoy: pedido ${ON}`,
      lead: [
        `${pl("Tu paquete está", "Tus paquetes están")} en reparto con ${CAR} y ${pl("debería", "deberían")} llegar hoy.`,
        `Si no hay nadie para recibir${pl("lo", "los")}, el transportista suele dejar un aviso o volver a intentarlo el siguiente día hábil.`,
      ],
    },
    delivered: {
      subject: `Entregado: tu pedido ${ON}`,
      lead: [
        `${pl("Tu paquete ha sido entregado", "Tus paquetes han sido entregados")}${when(HAS_DELIVERED, ` el {{ shipment.delivered_at }}`)}${when(HAS_LOC, ` (${LOC})`)}. ¡Esperamos que te encante tu pedido!`,
        `¿No ${pl("lo", "los")} encuentras? Revisa cerca de tu puerta, pregunta a tus vecinos o en la conserjería. ${pl("Si sigue sin aparecer", "Si siguen sin aparecer")}, responde a este correo y lo solucionaremos.`,
      ],
    },
    post_delivery: {
      subject: `¿Llegó todo bien? (pedido ${ON})`,
      lead: [
        `Tu pedido ${ON} se entregó hace poco y queríamos saber cómo te fue: ¿llegó todo y en buen estado?`,
        "Si falta algo, llegó dañado o no es lo que esperabas, responde a este correo y lo solucionaremos.",
      ],
    },
    delay_weather: {
      subject: `Retraso por mal tiempo en tu pedido ${ON}`,
      lead: [
        `El mal tiempo está ralentizando al transportista y ${pl("tu paquete va", "tus paquetes van")} con retraso.${when(HAS_ETA, ` La nueva fecha estimada de ${CAR} es el ${ETA}.`, ` ${CAR} aún no ha dado una nueva fecha de entrega; te avisaremos en cuanto la tengamos.`)}`,
        `No tienes que hacer nada: ${pl("tu paquete seguirá", "tus paquetes seguirán")} su ruta en cuanto el tiempo lo permita.`,
      ],
    },
    delay_address: {
      subject: `Acción necesaria: confirma tu dirección (pedido ${ON})`,
      lead: [
        `${CAR} no ha podido entregar ${pl("tu paquete", "tus paquetes")} por un problema con la dirección de entrega.`,
        "Responde a este correo con tu dirección completa (piso, puerta, edificio o código de acceso) para que podamos solucionarlo con el transportista. Cuanto antes nos respondas, antes recibirás tu pedido.",
      ],
    },
    delay_failed_attempt: {
      subject: `Intento de entrega fallido: pedido ${ON}`,
      lead: [
        `${CAR} intentó entregar ${pl("tu paquete", "tus paquetes")}, pero no pudo completar la entrega.${when(HAS_REASON, ` Motivo indicado por el transportista: ${REASON}.`)}`,
        `¿Y ahora qué? El transportista suele volver a intentarlo el siguiente día hábil o deja un aviso indicando dónde recoger${pl("lo", "los")}. En la página de seguimiento verás la información más reciente. Si necesitas ayuda, responde a este correo.`,
      ],
    },
    delay_held: {
      subject: when(CUSTOMS, `Tu pedido ${ON} está en la aduana`, `Tu pedido ${ON} está retenido en un centro del transportista`),
      lead: [
        when(
          CUSTOMS,
          `${pl("Tu paquete está retenido", "Tus paquetes están retenidos")} en la aduana. Los trámites aduaneros suelen tardar unos días, y ${CAR} ${pl("lo", "los")} pondrá de nuevo en ruta en cuanto ${pl("esté despachado", "estén despachados")}.`,
          `${pl("Tu paquete está retenido", "Tus paquetes están retenidos")} en un centro de ${CAR}${when(HAS_LOC, ` (${LOC})`)}. Es algo que pasa y suele resolverse en uno o dos días.`,
        ),
        when(
          CUSTOMS,
          "Si la aduana necesita algo de ti (un documento o el pago de aranceles), el transportista se pondrá en contacto contigo directamente. ¿Dudas de si un mensaje es auténtico? Responde a este correo y lo comprobaremos.",
          "Lo estamos vigilando y te escribiremos en cuanto se mueva. Por ahora no tienes que hacer nada.",
        ),
      ],
    },
    delay_lost: {
      subject: `Sobre tu pedido ${ON}: ya nos estamos ocupando`,
      lead: [
        `Lo sentimos: ${pl("parece que tu paquete se ha perdido", "parece que tus paquetes se han perdido")} y ${CAR} no consigue localizar${pl("lo", "los")}.`,
        "Ya nos estamos ocupando y, pase lo que pase, lo solucionaremos: te mandaremos un reemplazo o te devolveremos el dinero. No tienes que hacer nada; te escribiremos muy pronto con el siguiente paso.",
      ],
    },
    delay_returned: {
      subject: `Tu pedido ${ON} vuelve a nuestra tienda`,
      lead: [
        `${CAR} no ha podido entregar ${pl("tu paquete", "tus paquetes")} y ${pl("nos lo está devolviendo", "nos los está devolviendo")}.${when(HAS_REASON, ` Motivo indicado por el transportista: ${REASON}.`)}`,
        "Responde a este correo para decirnos qué prefieres: que te lo mandemos de nuevo (solo confirma tu dirección) o un reembolso cuando nos llegue.",
      ],
    },
    ready_for_pickup: {
      subject: when(HAS_PICKUP, `Listo para recoger en ${PICKUP}: pedido ${ON}`, `Listo para recoger: pedido ${ON}`),
      lead: [
        `${pl("Tu paquete está listo", "Tus paquetes están listos")} para recoger${when(HAS_PICKUP, ` en <strong>${PICKUP}</strong>`)}. ${CAR} ${pl("lo", "los")} guarda para ti.`,
        `Lleva tu documento de identidad y el número de pedido o de seguimiento para recoger${pl("lo", "los")}. Los paquetes que no se recogen a tiempo se devuelven, así que pasa a buscar${pl("lo", "los")} pronto.`,
      ],
    },
    delay_late: {
      subject: `Tu pedido ${ON} está tardando más de lo prometido`,
      lead: [
        `${pl("Tu paquete está tardando", "Tus paquetes están tardando")} más de lo que te prometimos; lo sentimos.${when(HAS_ETA, ` Última fecha estimada: ${ETA}.`, ` ${CAR} aún no ha indicado una nueva fecha.`)}`,
        `Estamos haciendo el seguimiento con ${CAR} y te escribiremos en cuanto sepamos más. No tienes que hacer nada.`,
      ],
    },
    delay_other: {
      subject: `Tu pedido ${ON} va con retraso`,
      lead: [
        `${pl("Tu paquete está tardando", "Tus paquetes están tardando")} más de lo previsto.${when(HAS_ETA, ` ${CAR} prevé entregar${pl("lo", "los")} el ${ETA}.`, ` ${CAR} aún no ha indicado una nueva fecha.`)}`,
        "Lo estamos vigilando y te avisaremos en cuanto se mueva. ¡Gracias por tu paciencia!",
      ],
    },
    rule_message: {
      subject: `Novedades sobre tu pedido ${ON}`,
      lead: [
        `Esto es lo último sobre tu pedido ${ON}: <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
        "Te mantendremos al tanto. Puedes consultar la página de seguimiento cuando quieras.",
      ],
    },
  },
  sms: {
    packed: `tu pedido ${ON} ya está empaquetado y pronto se entregará al transportista. Te avisaremos cuando lo escanee. Síguelo aquí: ${URL}`,
    first_scan: `tu pedido ${ON} está en camino${when(HAS_ETA, `, entrega prevista el ${ETA}`)}. Síguelo: ${URL}`,
    out_for_delivery: `tu pedido ${ON} está en reparto y debería llegar hoy. Síguelo: ${URL}`,
    delivered: `tu pedido ${ON} ha sido entregado${when(HAS_LOC, ` (${LOC})`)}. ¿No lo encuentras? Pregunta a tus vecinos y luego escríbenos a ${SUP}. Detalles: ${URL}`,
    post_delivery: `¿llegó bien tu pedido ${ON}? Si falta algo o llegó dañado, escríbenos a ${SUP} y lo solucionaremos. ${URL}`,
    delay_weather: `el mal tiempo está retrasando tu pedido ${ON}.${when(HAS_ETA, ` Nueva fecha estimada: ${ETA}.`)} No tienes que hacer nada. Síguelo: ${URL}`,
    delay_address: `el transportista no puede entregar tu pedido ${ON} por un problema con la dirección. Envíanos tu dirección completa a ${SUP}. ${URL}`,
    delay_failed_attempt: `el transportista intentó entregar tu pedido ${ON}, sin éxito. Suele volver a intentarlo el siguiente día hábil o deja un aviso de recogida. Detalles: ${URL}`,
    delay_held: `${when(CUSTOMS, `tu pedido ${ON} está retenido en la aduana; seguirá su ruta en cuanto se despache.`, `tu pedido ${ON} está retenido en un centro del transportista; lo estamos vigilando.`)} Síguelo: ${URL}`,
    delay_lost: `lo sentimos, parece que tu pedido ${ON} se ha perdido en el transporte. Ya nos ocupamos: reemplazo o reembolso. No tienes que hacer nada. ${URL}`,
    delay_returned: `el transportista nos está devolviendo tu pedido ${ON}. Escríbenos a ${SUP}: ¿te lo mandamos de nuevo (confirma tu dirección) o prefieres un reembolso? ${URL}`,
    ready_for_pickup: `tu pedido ${ON} está listo para recoger${when(HAS_PICKUP, ` en ${PICKUP}`)}. Lleva tu documento de identidad. Detalles: ${URL}`,
    delay_late: `tu pedido ${ON} está tardando más de lo prometido${when(HAS_ETA, `; última fecha estimada: ${ETA}`)}. Lo estamos siguiendo con el transportista. Síguelo: ${URL}`,
    delay_other: `tu pedido ${ON} va con retraso${when(HAS_ETA, `; nueva fecha estimada: ${ETA}`)}. Lo estamos vigilando. Síguelo: ${URL}`,
    rule_message: `novedades sobre tu pedido ${ON}: ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Síguelo: ${URL}`,
  },
};

const DE: LocaleCopy = {
  greeting: when("customer.first_name != blank", "Hallo {{ customer.first_name }},", "Guten Tag,"),
  packagesHeading: "Pakete in dieser Nachricht:",
  carrierLabel: "Paketdienst",
  trackingLabel: "Sendungsnummer",
  expected: "Voraussichtliche Zustellung",
  cta: "Bestellung verfolgen",
  returning: "Schön, dass Sie wieder bei uns bestellt haben. Vielen Dank!",
  help: `Fragen? Antworten Sie einfach auf diese E-Mail oder schreiben Sie an ${mailto}.`,
  signature: "Viele Grüße<br>Ihr Team von {{ shop.name }}",
  footer: `Sie erhalten diese E-Mail zu Ihrer Bestellung ${ON} bei <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
  stop: "Abmelden: Antworten Sie mit STOP.",
  email: {
    packed: {
      subject: `Ihre Bestellung ${ON} ist verpackt`,
      lead: [
        `Gute Nachrichten: Ihre Bestellung ${ON} ist verpackt und das Paketlabel wurde erstellt. ${pl(`Wir übergeben sie in Kürze an ${CAR}.`, `Sie ist auf ${N} Pakete verteilt, die wir in Kürze an den Paketdienst übergeben.`)}`,
        `Sobald der Paketdienst ${pl("sie", "die Pakete")} scannt, melden wir uns wieder, damit Sie jeden Schritt verfolgen können.`,
      ],
    },
    first_scan: {
      subject: `Ihre Bestellung ${ON} ist unterwegs`,
      lead: [
        `Ihre Bestellung ${ON} ist unterwegs: ${pl(`${CAR} hat Ihr Paket übernommen`, `der Paketdienst hat Ihre ${N} Pakete übernommen`)}.${when(HAS_ETA, ` Voraussichtliche Zustellung: ${ETA}.`)}`,
        "Auf der Seite zur Sendungsverfolgung sehen Sie jederzeit, wo Ihre Bestellung gerade ist.",
      ],
    },
    out_for_delivery: {
      subject: `Kommt heute: Bestellung ${ON}`,
      lead: [
        `${pl("Ihr Paket ist", "Ihre Pakete sind")} bei ${CAR} in Zustellung und ${pl("sollte", "sollten")} heute ankommen.`,
        "Wenn niemand da ist, hinterlässt der Paketdienst in der Regel eine Benachrichtigung oder versucht es am nächsten Werktag erneut.",
      ],
    },
    delivered: {
      subject: `Zugestellt: Ihre Bestellung ${ON}`,
      lead: [
        `${pl("Ihr Paket wurde", "Ihre Pakete wurden")}${when(HAS_DELIVERED, ` am {{ shipment.delivered_at }}`)} zugestellt${when(HAS_LOC, ` (${LOC})`)}. Wir hoffen, Ihre Bestellung gefällt Ihnen!`,
        `Sie finden ${pl("es", "sie")} nicht? Schauen Sie an der Haustür, bei Ihren Nachbarn oder im Paketraum Ihres Hauses nach. Falls ${pl("es weiterhin fehlt", "sie weiterhin fehlen")}, antworten Sie auf diese E-Mail, und wir kümmern uns darum.`,
      ],
    },
    post_delivery: {
      subject: `Ist alles gut angekommen? (Bestellung ${ON})`,
      lead: [
        `Ihre Bestellung ${ON} wurde vor Kurzem zugestellt, und wir möchten kurz nachfragen: Ist alles vollständig und unbeschädigt angekommen?`,
        "Falls etwas fehlt, beschädigt ist oder nicht stimmt, antworten Sie einfach auf diese E-Mail, und wir kümmern uns darum.",
      ],
    },
    delay_weather: {
      subject: `Wetterbedingte Verzögerung bei Ihrer Bestellung ${ON}`,
      lead: [
        `Schlechtes Wetter bremst den Paketdienst aus, und ${pl("Ihr Paket verspätet", "Ihre Pakete verspäten")} sich.${when(HAS_ETA, ` Neuer voraussichtlicher Termin laut ${CAR}: ${ETA}.`, ` ${CAR} hat noch keinen neuen Termin genannt; wir melden uns, sobald es einen gibt.`)}`,
        `Sie müssen nichts tun: ${pl("Ihr Paket wird", "Ihre Pakete werden")} weiterbefördert, sobald das Wetter es zulässt.`,
      ],
    },
    delay_address: {
      subject: `Bitte bestätigen Sie Ihre Adresse (Bestellung ${ON})`,
      lead: [
        `${CAR} konnte ${pl("Ihr Paket", "Ihre Pakete")} wegen eines Problems mit der Lieferadresse nicht zustellen.`,
        "Bitte antworten Sie auf diese E-Mail mit Ihrer vollständigen Adresse (mit Hausnummer, Stockwerk, Zusätzen wie c/o oder Zugangscode), damit wir das mit dem Paketdienst klären können. Je schneller wir von Ihnen hören, desto schneller kommt Ihre Bestellung bei Ihnen an.",
      ],
    },
    delay_failed_attempt: {
      subject: `Zustellversuch verpasst: Bestellung ${ON}`,
      lead: [
        `${CAR} hat versucht, ${pl("Ihr Paket", "Ihre Pakete")} zuzustellen, konnte die Zustellung aber nicht abschließen.${when(HAS_REASON, ` Angegebener Grund: ${REASON}.`)}`,
        `Wie geht es weiter? Der Paketdienst versucht es meist am nächsten Werktag erneut oder hinterlässt eine Benachrichtigung, wo Sie ${pl("das Paket", "die Pakete")} abholen können. Auf der Seite zur Sendungsverfolgung sehen Sie den aktuellen Stand. Brauchen Sie Hilfe? Antworten Sie einfach auf diese E-Mail.`,
      ],
    },
    delay_held: {
      subject: when(CUSTOMS, `Ihre Bestellung ${ON} ist beim Zoll`, `Ihre Bestellung ${ON} wird im Paketzentrum festgehalten`),
      lead: [
        when(
          CUSTOMS,
          `${pl("Ihr Paket wird", "Ihre Pakete werden")} derzeit beim Zoll festgehalten. Die Zollabfertigung dauert meist einige Tage; ${CAR} befördert ${pl("es", "sie")} weiter, sobald ${pl("es freigegeben ist", "sie freigegeben sind")}.`,
          `${pl("Ihr Paket wird", "Ihre Pakete werden")} in einem Paketzentrum von ${CAR} festgehalten${when(HAS_LOC, ` (${LOC})`)}. Das kommt vor und löst sich meist innerhalb von ein bis zwei Tagen.`,
        ),
        when(
          CUSTOMS,
          "Falls der Zoll etwas von Ihnen benötigt (ein Dokument oder die Zahlung von Einfuhrabgaben), meldet sich der Paketdienst direkt bei Ihnen. Unsicher, ob eine Nachricht echt ist? Antworten Sie auf diese E-Mail, wir prüfen das gern.",
          "Wir behalten die Sendung im Blick und melden uns, sobald sie sich wieder bewegt. Sie müssen im Moment nichts tun.",
        ),
      ],
    },
    delay_lost: {
      subject: `Ihre Bestellung ${ON}: Wir kümmern uns darum`,
      lead: [
        `Es tut uns leid: ${pl("Ihr Paket ist", "Ihre Pakete sind")} offenbar verloren gegangen, ${CAR} kann ${pl("es", "sie")} nicht mehr auffinden.`,
        "Wir kümmern uns bereits darum und finden in jedem Fall eine Lösung: Sie erhalten Ersatz oder Ihr Geld zurück. Sie müssen nichts tun; wir melden uns in Kürze mit dem nächsten Schritt.",
      ],
    },
    delay_returned: {
      subject: `Ihre Bestellung ${ON} wird an uns zurückgeschickt`,
      lead: [
        `${CAR} konnte ${pl("Ihr Paket", "Ihre Pakete")} nicht zustellen und schickt ${pl("es", "sie")} an uns zurück.${when(HAS_REASON, ` Angegebener Grund: ${REASON}.`)}`,
        "Antworten Sie auf diese E-Mail und sagen Sie uns, was Ihnen lieber ist: eine erneute Zusendung (bestätigen Sie einfach Ihre Adresse) oder eine Erstattung, sobald die Sendung wieder bei uns ist.",
      ],
    },
    ready_for_pickup: {
      subject: when(HAS_PICKUP, `Zur Abholung bereit: ${PICKUP} (Bestellung ${ON})`, `Zur Abholung bereit: Bestellung ${ON}`),
      lead: [
        `${pl("Ihr Paket liegt", "Ihre Pakete liegen")} zur Abholung bereit${when(HAS_PICKUP, `: <strong>${PICKUP}</strong>`)}. ${CAR} bewahrt ${pl("es", "sie")} dort für Sie auf.`,
        `Bringen Sie zur Abholung einen Ausweis und Ihre Bestell- oder Sendungsnummer mit. Nicht abgeholte Pakete werden nach einiger Zeit zurückgeschickt; holen Sie ${pl("es", "sie")} also bald ab.`,
      ],
    },
    delay_late: {
      subject: `Ihre Bestellung ${ON} ist später als versprochen`,
      lead: [
        `${pl("Ihr Paket braucht", "Ihre Pakete brauchen")} länger als versprochen; das tut uns leid.${when(HAS_ETA, ` Aktuelle Schätzung: ${ETA}.`, ` ${CAR} hat noch keinen neuen Termin genannt.`)}`,
        `Wir haken bei ${CAR} nach und melden uns, sobald wir mehr wissen. Sie müssen nichts tun.`,
      ],
    },
    delay_other: {
      subject: `Ihre Bestellung ${ON} verspätet sich`,
      lead: [
        `${pl("Ihr Paket braucht", "Ihre Pakete brauchen")} länger als erwartet.${when(HAS_ETA, ` ${CAR} rechnet jetzt mit der Zustellung am ${ETA}.`, ` ${CAR} hat noch keinen neuen Termin genannt.`)}`,
        "Wir behalten die Sendung im Blick und melden uns, sobald es Neuigkeiten gibt. Danke für Ihre Geduld!",
      ],
    },
    rule_message: {
      subject: `Neuigkeiten zu Ihrer Bestellung ${ON}`,
      lead: [
        `Der aktuelle Stand Ihrer Bestellung ${ON}: <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
        "Wir halten Sie auf dem Laufenden. Den aktuellen Stand sehen Sie jederzeit auf der Seite zur Sendungsverfolgung.",
      ],
    },
  },
  sms: {
    packed: `Ihre Bestellung ${ON} ist verpackt und wird in Kürze an den Paketdienst übergeben. Wir melden uns, sobald sie gescannt wurde. Verfolgen: ${URL}`,
    first_scan: `Ihre Bestellung ${ON} ist unterwegs${when(HAS_ETA, `, voraussichtlich am ${ETA}`)}. Verfolgen: ${URL}`,
    out_for_delivery: `Ihre Bestellung ${ON} ist in Zustellung und sollte heute ankommen. Verfolgen: ${URL}`,
    delivered: `Ihre Bestellung ${ON} wurde zugestellt${when(HAS_LOC, ` (${LOC})`)}. Nicht gefunden? Fragen Sie bei Nachbarn nach und schreiben Sie dann an ${SUP}. Details: ${URL}`,
    post_delivery: `Ist Ihre Bestellung ${ON} gut angekommen? Falls etwas fehlt oder beschädigt ist, schreiben Sie an ${SUP}, wir kümmern uns darum. ${URL}`,
    delay_weather: `Schlechtes Wetter verzögert Ihre Bestellung ${ON}.${when(HAS_ETA, ` Neuer Termin: ${ETA}.`)} Sie müssen nichts tun. Verfolgen: ${URL}`,
    delay_address: `Der Paketdienst kann Ihre Bestellung ${ON} wegen eines Adressproblems nicht zustellen. Bitte senden Sie Ihre vollständige Adresse an ${SUP}. ${URL}`,
    delay_failed_attempt: `Der Paketdienst konnte Ihre Bestellung ${ON} nicht zustellen. Meist folgt am nächsten Werktag ein neuer Versuch oder eine Abholbenachrichtigung. Details: ${URL}`,
    delay_held: `${when(CUSTOMS, `Ihre Bestellung ${ON} ist beim Zoll; nach der Freigabe geht es weiter.`, `Ihre Bestellung ${ON} wird in einem Paketzentrum festgehalten; wir behalten sie im Blick.`)} Verfolgen: ${URL}`,
    delay_lost: `Es tut uns leid: Ihre Bestellung ${ON} ist offenbar verloren gegangen. Wir kümmern uns darum, mit Ersatz oder Erstattung. Sie müssen nichts tun. ${URL}`,
    delay_returned: `Der Paketdienst schickt Ihre Bestellung ${ON} an uns zurück. Schreiben Sie an ${SUP}: erneute Zusendung (Adresse bestätigen) oder Erstattung? ${URL}`,
    ready_for_pickup: `Ihre Bestellung ${ON} liegt zur Abholung bereit${when(HAS_PICKUP, `: ${PICKUP}`)}. Bitte Ausweis mitbringen. Details: ${URL}`,
    delay_late: `Ihre Bestellung ${ON} braucht länger als versprochen${when(HAS_ETA, `; aktuelle Schätzung: ${ETA}`)}. Wir haken beim Paketdienst nach. Verfolgen: ${URL}`,
    delay_other: `Ihre Bestellung ${ON} verspätet sich${when(HAS_ETA, `; neuer Termin: ${ETA}`)}. Wir behalten sie im Blick. Verfolgen: ${URL}`,
    rule_message: `Neuigkeiten zu Ihrer Bestellung ${ON}: ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Verfolgen: ${URL}`,
  },
};

const COPY: Record<Locale, LocaleCopy> = { en: EN, fr: FR, es: ES, de: DE };

/** Moments whose email thanks a returning customer. */
const THANKS_RETURNING: ReadonlySet<CustomerKey> = new Set<CustomerKey>(["packed", "first_scan", "delivered", "post_delivery"]);
/** Moments where an estimated date would be noise (already delivered, or no longer meaningful). */
const NO_ETA: ReadonlySet<CustomerKey> = new Set<CustomerKey>(["ready_for_pickup", "delivered", "post_delivery", "delay_lost", "delay_returned"]);

const STYLE = {
  wrap: "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2124;max-width:560px;margin:0 auto;padding:24px",
  p: "margin:0 0 16px",
  box: "margin:0 0 16px;padding:12px 16px;background:#f4f6f8;border-radius:8px",
  button: "display:inline-block;padding:12px 20px;background:#1f2124;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold",
  footer: "margin:24px 0 0;font-size:12px;color:#6d7175",
};

function packagesBlock(c: LocaleCopy, eta: boolean): string {
  const itemEta = eta ? when("s.eta != blank", ` (${c.expected}: {{ s.eta }})`) : "";
  const singleEta = eta ? when(HAS_ETA, `<br>${c.expected}: ${ETA}`) : "";
  return [
    "{% if shipment_count > 1 %}",
    `<p style="margin:0 0 8px">${c.packagesHeading}</p>`,
    `<ul style="margin:0 0 16px;padding-left:20px">`,
    `{% for s in shipments %}<li>{{ s.carrier }} {{ s.tracking_number }} — {{ s.status_label }}${itemEta}</li>`,
    "{% endfor %}</ul>",
    "{% else %}",
    `<p style="${STYLE.box}">${c.carrierLabel}: ${CAR}${when("shipment.service != blank", " ({{ shipment.service }})")}<br>${c.trackingLabel}: {{ shipment.tracking_number }}${singleEta}</p>`,
    "{% endif %}",
  ].join("\n");
}

function emailBody(c: LocaleCopy, key: CustomerKey): string {
  const p = (inner: string) => `<p style="${STYLE.p}">${inner}</p>`;
  return [
    `<div style="${STYLE.wrap}">`,
    p(c.greeting),
    ...c.email[key].lead.map(p),
    packagesBlock(c, !NO_ETA.has(key)),
    `<p style="margin:24px 0"><a href="${URL}" style="${STYLE.button}">${c.cta}</a></p>`,
    ...(THANKS_RETURNING.has(key) ? [when("customer.returning", p(c.returning))] : []),
    p(c.help),
    p(c.signature),
    `<p style="${STYLE.footer}">${c.footer}</p>`,
    "</div>",
  ].join("\n");
}

const SLACK_UPDATE = [
  "*{{ moment_label }}* · order {{ order.name }}{% if customer.name != blank %} ({{ customer.name }}){% endif %}",
  "{% for s in shipments %}• {{ s.carrier }} {{ s.tracking_number }}: {{ s.status_label }}{% if s.reason_label != blank %} ({{ s.reason_label }}){% endif %}{% if s.location != blank %}, {{ s.location }}{% endif %}",
  "{% endfor %}<{{ shop.tracking_page_url }}|Tracking page>",
].join("\n");

const SLACK_ALERT = [
  ":rotating_light: *{{ alert.title }}*",
  "{% if alert.detail != blank %}{{ alert.detail }}",
  "{% endif %}Order {{ order.name }}{% if customer.name != blank %} · {{ customer.name }}{% endif %} · {{ shipment.carrier }} {{ shipment.tracking_number }} ({{ shipment.status_label }}{% if shipment.reason_label != blank %}, {{ shipment.reason_label }}{% endif %})",
  "{% if alert.case_url != blank %}<{{ alert.case_url }}|Open the case> · {% endif %}<{{ shop.tracking_page_url }}|Tracking page>",
].join("\n");

export interface DefaultTemplate {
  subject: string | null;
  body: string;
}

const DEFAULTS: Map<string, DefaultTemplate> = (() => {
  const out = new Map<string, DefaultTemplate>();
  for (const [locale, copy] of Object.entries(COPY) as Array<[Locale, LocaleCopy]>) {
    for (const key of CUSTOMER_TEMPLATE_KEYS) {
      out.set(`${key}|email|${locale}`, { subject: copy.email[key].subject, body: emailBody(copy, key) });
      out.set(`${key}|sms|${locale}`, { subject: null, body: `{{ shop.name }}: ${copy.sms[key]}\n${copy.stop}` });
    }
  }
  for (const key of TEMPLATE_KEYS) out.set(`${key}|slack|en`, { subject: null, body: key === "internal_alert" ? SLACK_ALERT : SLACK_UPDATE });
  return out;
})();

/**
 * The template Shipwatch ships for a key (a moment, "rule_message" or "internal_alert"), channel and
 * language; English when that language has none; null when the key has no template on that channel.
 */
export function defaultTemplate(template: string, channel: TemplatedChannel, locale: Locale): DefaultTemplate | null {
  const found = DEFAULTS.get(`${template}|${channel}|${locale}`) ?? DEFAULTS.get(`${template}|${channel}|en`);
  return found ? { ...found } : null;
}
