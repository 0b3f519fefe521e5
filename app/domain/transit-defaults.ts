/**
 * What a shop with no history of its own should expect from each carrier service: the starting point of the
 * transit-time model (transit-model.ts), which the shop's own deliveries replace as they come in.
 *
 * Figures are business days from the day the carrier has the parcel to the day it is delivered, as the carriers
 * describe their services publicly (service pages and rate guides: UPS "Ground: 1–5 business days", USPS Ground
 * Advantage "2–5 days" and Priority Mail "1–3 days", FedEx Ground "1–5 business days" (1–7 to Alaska and Hawaii,
 * left out), Canada Post Regular Parcel "2–9", Expedited "1–7", Xpresspost "1–3" (the longer figures are remote
 * areas), DHL Express Worldwide "1–4"). They are the ranges as commonly published, written down from those
 * descriptions rather than re-checked against each page on the day (these pages change): `typical` is the middle
 * of the range where a carrier publishes none. They only steer a shop's first weeks; twenty of its own
 * deliveries on a service outweigh them.
 *
 * `international` is the figure when the parcel crosses a border; a service sold only across borders
 * (UPS Worldwide Saver) has only that one; a service with no figure for a scope falls back to the carrier's "*".
 */
import type { CarrierCode } from "./carriers";
import { buildTable } from "./normalize";

/** Business days: the fastest common case, the usual one, and the slow end (about the 90th percentile). */
export interface TransitRange {
  min: number;
  typical: number;
  max: number;
}

export interface ServiceDefaults {
  domestic?: TransitRange;
  international?: TransitRange;
}

const r = (min: number, typical: number, max: number): TransitRange => ({ min, typical, max });

/**
 * carrier → canonical service name → ranges. Canonical names are what `normalizeService` gives (lower case,
 * single spaces, no carrier name in front); "*" is the carrier's figure for a service it does not recognise.
 */
export const TRANSIT_DEFAULTS: Record<CarrierCode, Record<string, ServiceDefaults>> = {
  ups: {
    ground: { domestic: r(1, 3, 5) },
    "3 day select": { domestic: r(2, 3, 3) },
    "2nd day air": { domestic: r(1, 2, 2) },
    "next day air": { domestic: r(1, 1, 1) },
    standard: { international: r(2, 4, 7) }, // UPS Standard: Canada and Mexico, by ground
    "worldwide expedited": { international: r(2, 4, 5) },
    "worldwide saver": { international: r(1, 2, 3) },
    "worldwide express": { international: r(1, 2, 3) },
    "*": { domestic: r(1, 3, 5), international: r(2, 4, 7) },
  },
  usps: {
    "ground advantage": { domestic: r(2, 3, 5) },
    "priority mail": { domestic: r(1, 2, 3) },
    "priority mail express": { domestic: r(1, 1, 2) },
    "media mail": { domestic: r(2, 5, 8) },
    "priority mail international": { international: r(6, 8, 10) },
    "priority mail express international": { international: r(3, 4, 5) },
    "first class package international": { international: r(7, 12, 20) },
    "*": { domestic: r(2, 3, 5), international: r(6, 10, 15) },
  },
  fedex: {
    ground: { domestic: r(1, 3, 5) },
    "home delivery": { domestic: r(1, 3, 5) },
    "ground economy": { domestic: r(2, 5, 7) }, // formerly SmartPost, handed to USPS for the last mile
    "express saver": { domestic: r(2, 3, 3) },
    "2day": { domestic: r(1, 2, 2) },
    "standard overnight": { domestic: r(1, 1, 1) },
    "priority overnight": { domestic: r(1, 1, 1) },
    "international priority": { international: r(1, 2, 3) },
    "international economy": { international: r(2, 4, 5) },
    "*": { domestic: r(1, 3, 5), international: r(2, 4, 6) },
  },
  dhl: {
    "express worldwide": { domestic: r(1, 1, 2), international: r(1, 3, 4) },
    "ecommerce parcel": { domestic: r(2, 4, 8), international: r(5, 9, 15) },
    "*": { domestic: r(1, 2, 4), international: r(1, 3, 5) },
  },
  canada_post: {
    "regular parcel": { domestic: r(2, 4, 9) },
    "expedited parcel": { domestic: r(1, 3, 7) },
    xpresspost: { domestic: r(1, 2, 3), international: r(4, 5, 7) },
    priority: { domestic: r(1, 1, 2), international: r(2, 3, 4) },
    "tracked packet": { international: r(6, 8, 10) },
    "*": { domestic: r(2, 4, 8), international: r(6, 10, 15) },
  },
  ontrac: { "*": { domestic: r(1, 2, 3) } }, // regional: mostly next-day and two-day ground
  amazon: { "*": { domestic: r(1, 2, 3) } },
  royal_mail: {
    "tracked 24": { domestic: r(1, 1, 2) },
    "tracked 48": { domestic: r(2, 2, 3) },
    "special delivery": { domestic: r(1, 1, 1) },
    "international tracked": { international: r(3, 5, 7) },
    "*": { domestic: r(1, 2, 4), international: r(3, 6, 10) },
  },
  australia_post: {
    "parcel post": { domestic: r(2, 4, 8) },
    "express post": { domestic: r(1, 2, 3) },
    "*": { domestic: r(2, 4, 8), international: r(6, 10, 15) },
  },
  purolator: {
    ground: { domestic: r(1, 3, 5) },
    express: { domestic: r(1, 1, 2) },
    "*": { domestic: r(1, 3, 5), international: r(2, 4, 7) },
  },
  lasership: { "*": { domestic: r(1, 2, 3) } },
  other: { "*": { domestic: r(2, 4, 7), international: r(5, 10, 15) } },
};

/** When nothing at all is known (an unknown carrier without figures): a slow, honest guess. */
export const FALLBACK_TRANSIT: ServiceDefaults = TRANSIT_DEFAULTS.other["*"]!;

/**
 * Service names as merchants, Shopify and carrier feeds write them, after cleaning (lower case, letters and digits
 * separated by single spaces, the carrier's own name dropped from the front), mapped to the canonical names above.
 * A name not listed stays as written (cleaned): it still keys the shop's own lanes, it just starts from the
 * carrier's "*" figures.
 */
// A function declaration below is hoisted, so the table can use it at load.
export const SERVICE_ALIASES: ReadonlyMap<string, string> = buildTable<string>(
  [
    ["ground advantage", "ground advantage"],
    ["first class package", "ground advantage"], // replaced by Ground Advantage in July 2023
    ["first class", "ground advantage"],
    ["parcel select", "ground advantage"],
    ["priority", "priority"], // Canada Post Priority; USPS "Priority" is rewritten to "priority mail" per carrier below
    ["priority mail", "priority mail"],
    ["priority mail express", "priority mail express"],
    ["express mail", "priority mail express"],
    ["media mail", "media mail"],
    ["priority mail international", "priority mail international"],
    ["priority mail express international", "priority mail express international"],
    ["first class package international", "first class package international"],
    ["first class international", "first class package international"],
    ["ground", "ground"],
    ["home delivery", "home delivery"],
    ["ground home delivery", "home delivery"],
    ["ground economy", "ground economy"],
    ["smartpost", "ground economy"],
    ["smart post", "ground economy"],
    ["express saver", "express saver"],
    ["2day", "2day"],
    ["2 day", "2day"],
    ["two day", "2day"],
    ["standard overnight", "standard overnight"],
    ["priority overnight", "priority overnight"],
    ["international priority", "international priority"],
    ["international economy", "international economy"],
    ["3 day select", "3 day select"],
    ["three day select", "3 day select"],
    ["2nd day air", "2nd day air"],
    ["second day air", "2nd day air"],
    ["next day air", "next day air"],
    ["next day air saver", "next day air"],
    ["standard", "standard"],
    ["worldwide expedited", "worldwide expedited"],
    ["worldwide saver", "worldwide saver"],
    ["worldwide express", "worldwide express"],
    ["express worldwide", "express worldwide"],
    ["express", "express"],
    ["ecommerce", "ecommerce parcel"],
    ["ecommerce parcel", "ecommerce parcel"],
    ["parcel", "ecommerce parcel"],
    ["regular parcel", "regular parcel"],
    ["regular", "regular parcel"],
    ["expedited parcel", "expedited parcel"],
    ["expedited", "expedited parcel"],
    ["xpresspost", "xpresspost"],
    ["tracked packet", "tracked packet"],
    ["tracked 24", "tracked 24"],
    ["tracked 48", "tracked 48"],
    ["special delivery", "special delivery"],
    ["international tracked", "international tracked"],
    ["parcel post", "parcel post"],
    ["express post", "express post"],
  ],
  cleanServiceName,
);

/**
 * A service name compared as words: lower case, letters and digits only, single spaces ("Priority  Mail®",
 * "PRIORITY_MAIL" and "priority-mail" are one name). Carrier names in front are dropped by the caller, which knows
 * the carrier.
 */
export function cleanServiceName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/([a-z])([0-9])/g, "$1 $2")
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}
