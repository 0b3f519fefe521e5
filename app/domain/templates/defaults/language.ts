import type { ShipmentStatus, StatusReason } from "../../status";
import type { CustomerKey } from "../keys";

/**
 * What one language file holds. The types make a missing or misspelt key a compile error (and a key written
 * twice in one object is TS1117); defaults.test.ts also checks that every language has exactly English's keys.
 */
export interface Language {
  /** `shipment.status_label` */
  statusLabels: Record<ShipmentStatus, string>;
  /** `shipment.reason_label` */
  reasonLabels: Record<StatusReason, string>;
  sample: SampleLocale;
  messages: LocaleCopy;
}

/** The sample order in this language (validation and the editor's preview). */
export interface SampleLocale {
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

/** The words of the default customer messages (Liquid), assembled into email and SMS templates by ./index. */
export interface LocaleCopy {
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
