import type { Locale, TemplatedChannel } from "../../notifications";
import { CUSTOMER_TEMPLATE_KEYS, TEMPLATE_KEYS, type CustomerKey } from "../keys";
import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import type { Language, LocaleCopy } from "./language";
import { CAR, ETA, HAS_ETA, URL, when } from "./liquid";

/**
 * The templates Shipwatch ships: each language's words (one data file per language) laid into one email
 * layout and one SMS shape, plus the Slack messages (one set, in English, that every language falls back to).
 */

/** Every language Shipwatch writes in, by locale. */
export const LANGUAGES: Record<Locale, Language> = { en, fr, es, de };

/** Moments whose email thanks a returning customer. */
const THANKS_RETURNING: ReadonlySet<CustomerKey> = new Set<CustomerKey>(["packed", "first_scan", "delivered", "post_delivery"]);
/** Moments where an estimated date would be noise (already delivered, or no longer meaningful). */
const NO_ETA: ReadonlySet<CustomerKey> = new Set<CustomerKey>(["ready_for_pickup", "delivered", "post_delivery", "delay_lost", "delay_returned"]);
/** Order-level moments: nothing has shipped, so there is no parcel, carrier or tracking number to list. */
const NO_PACKAGES: ReadonlySet<CustomerKey> = new Set<CustomerKey>(["fulfillment_delayed"]);

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
    ...(NO_PACKAGES.has(key) ? [] : [packagesBlock(c, !NO_ETA.has(key))]),
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
  for (const [locale, { messages: copy }] of Object.entries(LANGUAGES) as Array<[Locale, Language]>) {
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
