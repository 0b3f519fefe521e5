/**
 * The Liquid the default messages are written with: the variables and conditions every language repeats, so
 * a language file reads as sentences and a variable's name is spelt in one place.
 */

export const ON = "{{ order.name }}";
export const CAR = "{{ shipment.carrier }}";
export const ETA = "{{ shipment.eta }}";
export const LOC = "{{ shipment.location }}";
export const URL = "{{ shop.tracking_page_url }}";
export const SUP = "{{ shop.support_email }}";
export const N = "{{ shipment_count }}";
export const REASON = "{{ shipment.reason_label }}";
export const STATUS = "{{ shipment.status_label }}";
export const HAS_ETA = "shipment.eta != blank";
export const HAS_LOC = "shipment.location != blank";
export const HAS_DELIVERED = "shipment.delivered_at != blank";
export const HAS_REASON = 'shipment.reason_label != blank and shipment.reason != "other"';
export const CUSTOMS = 'shipment.reason == "customs"';
export const PICKUP = "{{ shipment.pickup_location }}";
export const HAS_PICKUP = "shipment.pickup_location != blank";

export const when = (condition: string, then: string, otherwise?: string) =>
  otherwise === undefined ? `{% if ${condition} %}${then}{% endif %}` : `{% if ${condition} %}${then}{% else %}${otherwise}{% endif %}`;
/** one package / several packages */
export const pl = (one: string, many: string) => `{% if shipment_count > 1 %}${many}{% else %}${one}{% endif %}`;
export const mailto = `<a href="mailto:${SUP}" style="color:#1f2124">${SUP}</a>`;
