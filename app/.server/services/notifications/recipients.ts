import { toE164, type Channel, type Recipient } from "~/domain/notifications";
import type { DestinationPlace } from "~/domain/time-zones";
import type { ChannelConnectionRecord, NotificationRecord, ShipmentRecord, StoredOrder } from "../../ports";

/** Who a message goes to and where they are: read from the order, the parcel and the channel's settings. */

export function recipientOf(order: StoredOrder, shipment: ShipmentRecord): Recipient {
  const methods = order.shippingLines.flatMap((l) => [l.title, l.code]).filter(Boolean);
  const phone = toE164(order.phone, shipment.destinationCountry ?? order.destination?.countryCode);
  return { email: order.email, phone, orderValue: order.totalPrice, shippingMethod: [shipment.service, ...methods].filter(Boolean).join(" ") };
}

export function addressOf(channel: Channel, order: StoredOrder | null, conn: ChannelConnectionRecord, shipment?: ShipmentRecord): string | null {
  const country = shipment?.destinationCountry ?? order?.destination?.countryCode;
  switch (channel) {
    case "email":
      return order?.email ?? null;
    case "sms":
      return toE164(order?.phone, country);
    case "klaviyo":
      return order?.email ?? toE164(order?.phone, country);
    case "webhook":
      return typeof conn.settings.url === "string" ? conn.settings.url : null;
    case "slack":
      return typeof conn.settings.label === "string" && conn.settings.label ? conn.settings.label : "Slack";
    case "shopify":
      return order ? `Order ${order.name}` : null;
  }
}

/**
 * Where the recipient is, for their time zone: the parcel's destination, else the order's shipping address (a
 * fulfillment need not carry one). The shipment keeps no postal code: the order's gives it, when it names the same
 * country.
 */
export function recipientPlace(shipment: ShipmentRecord, order: StoredOrder | null): DestinationPlace {
  const address = order?.destination ?? null;
  const addressCountry = address?.countryCode ?? address?.country ?? null;
  const country = shipment.destinationCountry ?? addressCountry;
  const sameCountry = address !== null && (shipment.destinationCountry === null || shipment.destinationCountry.toUpperCase() === address.countryCode?.toUpperCase());
  return {
    country,
    region: shipment.destinationProvince ?? (sameCountry ? address.provinceCode : null),
    postalCode: sameCountry ? address.zip : null,
  };
}

/** a customer message with nowhere to go, in words (never the address itself: reasons are not redacted) */
export function recipientProblem(msg: NotificationRecord): string | null {
  switch (msg.channel) {
    case "email":
      if (!msg.recipient) return "No email address on the order";
      return usableEmail(msg.recipient) ? null : "Email address not usable: the order's address is not a complete email address";
    case "sms":
      return msg.recipient ? null : "No phone number usable for SMS on the order";
    case "klaviyo":
      return msg.recipient ? null : "No email address or phone number on the order";
    default:
      return null;
  }
}

/** one mailbox: local part, @, a dotted domain; no spaces, brackets or list separators */
function usableEmail(value: string): boolean {
  return /^[^\s@<>()[\],;:"\\]+@[^\s@<>()[\],;:"\\]+\.[^\s@<>()[\],;:"\\.]+$/.test(value.trim()) && value.length <= 254;
}

/** "Shop <hello@shop.com>" → "hello@shop.com" */
export function addressIn(value: string): string | null {
  const match = /<([^<>\s]+@[^<>\s]+)>/.exec(value) ?? /([^\s<>"]+@[^\s<>"]+)/.exec(value);
  return match ? match[1]! : null;
}
