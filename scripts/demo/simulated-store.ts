/**
 * A simulated Shopify store's month of webhook deliveries: orders, fulfillments and carrier events,
 * delivered the way Shopify really delivers them (out of order, sometimes twice).
 *
 * PURE and deterministic: no I/O, no clock (the caller passes `end`), no Math.random (a seeded
 * mulberry32 PRNG). `npm run demo` signs and POSTs the deliveries; tests use them directly.
 *
 * `intended` is the ground truth: for every tracking number, the status and reason the app should
 * end up showing. It is the state of the latest non-deleted carrier event by happened_at, so it does
 * not depend on the order in which the deliveries arrive.
 */
import { allCouriers, getTracking } from "ts-tracking-number";
import { carrierHolidays, DEFAULT_CARRIER_WORKDAYS, SHOP_WORKDAYS } from "../../app/domain/business-time";
import type { ShipmentStatus, StatusReason } from "../../app/domain/status";

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export type Scenario =
  | "delivered"
  | "in_transit"
  | "out_for_delivery"
  | "available_for_pickup"
  | "never_picked_up"
  | "stalled"
  | "weather_delay"
  | "failed_attempt"
  | "address_issue"
  | "damaged"
  | "returned_to_sender"
  | "lost";

export const NORMAL_SCENARIOS = ["delivered", "in_transit", "out_for_delivery", "available_for_pickup"] as const satisfies readonly Scenario[];
export const PROBLEM_SCENARIOS = [
  "never_picked_up",
  "stalled",
  "weather_delay",
  "failed_attempt",
  "address_issue",
  "damaged",
  "returned_to_sender",
  "lost",
] as const satisfies readonly Scenario[];
export const SCENARIOS: readonly Scenario[] = [...NORMAL_SCENARIOS, ...PROBLEM_SCENARIOS];

export function isProblemScenario(scenario: Scenario): boolean {
  return (PROBLEM_SCENARIOS as readonly Scenario[]).includes(scenario);
}

export type CarrierCode = "ups" | "usps" | "fedex" | "dhl" | "canada_post";
export const CARRIER_CODES: readonly CarrierCode[] = ["ups", "usps", "fedex", "dhl", "canada_post"];

/** The `tracking_company` Shopify stores for each carrier. */
export const SHOPIFY_CARRIER_NAMES: Readonly<Record<CarrierCode, string>> = {
  ups: "UPS",
  usps: "USPS",
  fedex: "FedEx",
  dhl: "DHL Express",
  canada_post: "Canada Post",
};

/**
 * The courier code ts-tracking-number reports for each carrier. The library has no Canada Post
 * courier: Canada Post numbers are S10 (UPU) numbers ending in "CA", reported as "s10".
 */
export const TRACKING_LIBRARY_COURIER_CODES: Readonly<Record<CarrierCode, string>> = {
  ups: "ups",
  usps: "usps",
  fedex: "fedex",
  dhl: "dhl",
  canada_post: "s10",
};

export type WebhookTopic =
  | "orders/create"
  | "orders/updated"
  | "orders/cancelled"
  | "fulfillments/create"
  | "fulfillments/update"
  | "fulfillment_events/create"
  | "fulfillment_events/delete";

/** Shopify REST `fulfillment_events` status values this simulator emits (lowercase). */
export type FulfillmentEventStatus =
  | "label_printed"
  | "confirmed"
  | "carrier_picked_up"
  | "in_transit"
  | "delayed"
  | "out_for_delivery"
  | "ready_for_pickup"
  | "attempted_delivery"
  | "delivered"
  | "failure";

export interface SimulatedDelivery {
  topic: WebhookTopic;
  /** X-Shopify-Webhook-Id: unique per delivery; a duplicate (Shopify retry) re-uses it with an identical payload. */
  webhookId: string;
  /** X-Shopify-Event-Id: shared by the deliveries one change caused (an event's create and the fulfillment update). */
  eventId: string;
  /** X-Shopify-Triggered-At: the simulated time of the change (ISO, UTC). */
  triggeredAt: string;
  /** Shopify's REST webhook payload (snake_case). */
  payload: Record<string, unknown>;
}

export interface IntendedShipment {
  orderName: string;
  trackingNumber: string;
  carrierCode: CarrierCode;
  scenario: Scenario;
  status: ShipmentStatus;
  reason: StatusReason | null;
  fulfillmentId: number;
  email: string;
}

export interface SimulatedStore {
  shop: string;
  deliveries: SimulatedDelivery[];
  /** One entry per tracking number (cancelled orders have none), in fulfillment id order. */
  intended: IntendedShipment[];
  /** Orders created, cancelled ones included. */
  orders: number;
}

export interface SimulateStoreOptions {
  seed: number;
  /** How many tracking numbers to produce (`intended.length`). */
  shipments: number;
  /** Shop domain, e.g. "shipwatch-demo.myshopify.com". */
  shop: string;
  /** The simulated "now": nothing happens after it. */
  end: Date;
  /** Orders spread over this many days before `end` (default 30). */
  days?: number;
  /** Share of deliveries re-sent later with the same webhook id (default 0.03). */
  duplicateRate?: number;
  /**
   * Deliveries are shuffled within windows of about this many neighbours, and a few fulfillments' first
   * event is delivered before the fulfillment (default 8). 0 or 1 delivers in chronological order.
   */
  reorderWindow?: number;
  /** The first order's number (default 1001): a store's later period continues its numbering. */
  firstOrderNumber?: number;
}

/** Scenario → the state the app should show. */
export const SCENARIO_OUTCOMES: Readonly<Record<Scenario, { status: ShipmentStatus; reason: StatusReason | null }>> = {
  delivered: { status: "delivered", reason: null },
  in_transit: { status: "in_transit", reason: null },
  out_for_delivery: { status: "out_for_delivery", reason: null },
  available_for_pickup: { status: "available_for_pickup", reason: null },
  never_picked_up: { status: "label_created", reason: null },
  stalled: { status: "in_transit", reason: null },
  weather_delay: { status: "delayed", reason: "weather" },
  failed_attempt: { status: "attempted_delivery", reason: "recipient_unavailable" },
  address_issue: { status: "exception", reason: "address_issue" },
  damaged: { status: "exception", reason: "damaged" },
  returned_to_sender: { status: "returned_to_sender", reason: null },
  lost: { status: "exception", reason: "lost" },
};

/** Carrier messages for problems: worded so that a keyword normalizer reads exactly one reason. */
export const PROBLEM_MESSAGES = {
  weather: "Severe weather conditions have delayed delivery",
  failedAttempt: "Delivery attempted - no one available to sign",
  address: "Incorrect address - unable to deliver",
  damaged: "Package damaged in transit",
  returning: "Returning to sender",
  returningTransit: "In transit - returning to sender",
  returned: "Returned to sender - delivered to shipper",
  lost: "Package lost - cannot be located",
} as const;

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    // Spread neighbouring seeds (1, 2, 3…) apart before seeding.
    const s = Math.imul((Math.trunc(seed) | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35;
    this.next = mulberry32(s >>> 0);
  }
  float(): number {
    return this.next();
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  /** A duration in [min, max), whole seconds. */
  duration(min: number, max: number): number {
    return Math.floor((min + this.next() * (max - min)) / SECOND) * SECOND;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return at(items, Math.floor(this.next() * items.length));
  }
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return at(entries, entries.length - 1)[0];
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += String(Math.floor(this.next() * 10));
    return s;
  }
  uuid(): string {
    let hex = "";
    for (let i = 0; i < 4; i++) {
      const word = (this.next() * 4294967296) >>> 0;
      hex += at(HEX, word >>> 24) + at(HEX, (word >>> 16) & 0xff) + at(HEX, (word >>> 8) & 0xff) + at(HEX, word & 0xff);
    }
    const variant = at(HEX, (parseInt(hex.charAt(16), 16) & 0x3) | 0x8).charAt(1);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function at<T>(items: readonly T[], index: number): T {
  const value = items[index];
  if (value === undefined) throw new Error(`index ${index} out of range (length ${items.length})`);
  return value;
}

function last<T>(items: readonly T[]): T {
  return at(items, items.length - 1);
}

// ---------------------------------------------------------------------------------------------
// Places
// ---------------------------------------------------------------------------------------------

type CountryCode = "US" | "CA" | "GB" | "DE" | "AU";

interface Place {
  city: string;
  province: string | null;
  provinceCode: string | null;
  countryCode: CountryCode;
  zip: string;
  lat: number;
  lng: number;
  /** How a carrier names the facility (DHL style), when it is a hub. */
  facility?: string;
}

const COUNTRY_NAMES: Record<CountryCode, string> = {
  US: "United States",
  CA: "Canada",
  GB: "United Kingdom",
  DE: "Germany",
  AU: "Australia",
};
const DHL_COUNTRY_NAMES: Record<CountryCode, string> = {
  US: "USA",
  CA: "CANADA",
  GB: "UNITED KINGDOM",
  DE: "GERMANY",
  AU: "AUSTRALIA",
};

function place(
  city: string,
  province: string | null,
  provinceCode: string | null,
  countryCode: CountryCode,
  zip: string,
  lat: number,
  lng: number,
  facility?: string,
): Place {
  return facility === undefined
    ? { city, province, provinceCode, countryCode, zip, lat, lng }
    : { city, province, provinceCode, countryCode, zip, lat, lng, facility };
}

const US_CITIES: readonly Place[] = [
  place("New York", "New York", "NY", "US", "10001", 40.7506, -73.9972),
  place("Brooklyn", "New York", "NY", "US", "11201", 40.6943, -73.9903),
  place("Los Angeles", "California", "CA", "US", "90012", 34.0614, -118.2396),
  place("San Francisco", "California", "CA", "US", "94103", 37.7725, -122.4091),
  place("San Diego", "California", "CA", "US", "92101", 32.7193, -117.1628),
  place("Chicago", "Illinois", "IL", "US", "60614", 41.9227, -87.6533),
  place("Houston", "Texas", "TX", "US", "77002", 29.7569, -95.3625),
  place("Austin", "Texas", "TX", "US", "78701", 30.2711, -97.7437),
  place("Dallas", "Texas", "TX", "US", "75201", 32.7882, -96.7996),
  place("Phoenix", "Arizona", "AZ", "US", "85004", 33.4515, -112.0686),
  place("Philadelphia", "Pennsylvania", "PA", "US", "19103", 39.9522, -75.1743),
  place("Pittsburgh", "Pennsylvania", "PA", "US", "15222", 40.449, -79.991),
  place("Seattle", "Washington", "WA", "US", "98101", 47.6114, -122.3305),
  place("Portland", "Oregon", "OR", "US", "97205", 45.5206, -122.6958),
  place("Denver", "Colorado", "CO", "US", "80202", 39.7525, -104.9995),
  place("Atlanta", "Georgia", "GA", "US", "30303", 33.7529, -84.3898),
  place("Miami", "Florida", "FL", "US", "33130", 25.7676, -80.2044),
  place("Orlando", "Florida", "FL", "US", "32801", 28.5421, -81.379),
  place("Boston", "Massachusetts", "MA", "US", "02116", 42.3496, -71.0746),
  place("Minneapolis", "Minnesota", "MN", "US", "55401", 44.9848, -93.2694),
  place("Nashville", "Tennessee", "TN", "US", "37203", 36.1504, -86.7919),
  place("Charlotte", "North Carolina", "NC", "US", "28202", 35.2285, -80.8401),
  place("Raleigh", "North Carolina", "NC", "US", "27601", 35.7727, -78.6382),
  place("Detroit", "Michigan", "MI", "US", "48226", 42.3314, -83.0503),
  place("Salt Lake City", "Utah", "UT", "US", "84101", 40.7563, -111.9006),
  place("Kansas City", "Missouri", "MO", "US", "64105", 39.1025, -94.5897),
  place("Madison", "Wisconsin", "WI", "US", "53703", 43.0766, -89.3805),
];
const CA_CITIES: readonly Place[] = [
  place("Toronto", "Ontario", "ON", "CA", "M5V 2T6", 43.6426, -79.3871),
  place("Ottawa", "Ontario", "ON", "CA", "K1P 5G4", 45.4215, -75.6972),
  place("Montreal", "Quebec", "QC", "CA", "H3B 2Y5", 45.5017, -73.5673),
  place("Quebec City", "Quebec", "QC", "CA", "G1R 4P5", 46.8139, -71.208),
  place("Vancouver", "British Columbia", "BC", "CA", "V6B 1A1", 49.2827, -123.1207),
  place("Victoria", "British Columbia", "BC", "CA", "V8W 1N4", 48.4284, -123.3656),
  place("Calgary", "Alberta", "AB", "CA", "T2P 1J9", 51.0447, -114.0719),
  place("Edmonton", "Alberta", "AB", "CA", "T5J 2R7", 53.5461, -113.4938),
  place("Winnipeg", "Manitoba", "MB", "CA", "R3C 4T3", 49.8951, -97.1384),
  place("Halifax", "Nova Scotia", "NS", "CA", "B3J 1S9", 44.6488, -63.5752),
  place("Saskatoon", "Saskatchewan", "SK", "CA", "S7K 1J5", 52.1332, -106.67),
];
const GB_CITIES: readonly Place[] = [
  place("London", null, null, "GB", "EC1A 1BB", 51.5203, -0.0977),
  place("Manchester", null, null, "GB", "M1 1AE", 53.4808, -2.2426),
  place("Birmingham", null, null, "GB", "B1 1BB", 52.4796, -1.9026),
  place("Leeds", null, null, "GB", "LS1 4AP", 53.7997, -1.5492),
  place("Bristol", null, null, "GB", "BS1 4DJ", 51.4545, -2.5879),
  place("Edinburgh", null, null, "GB", "EH1 1YZ", 55.9533, -3.1883),
];
const DE_CITIES: readonly Place[] = [
  place("Berlin", null, null, "DE", "10115", 52.5321, 13.3849),
  place("Munich", null, null, "DE", "80331", 48.1374, 11.5755),
  place("Hamburg", null, null, "DE", "20095", 53.5511, 9.9937),
  place("Cologne", null, null, "DE", "50667", 50.9375, 6.9603),
  place("Frankfurt am Main", null, null, "DE", "60311", 50.1109, 8.6821),
  place("Stuttgart", null, null, "DE", "70173", 48.7758, 9.1829),
];
const AU_CITIES: readonly Place[] = [
  place("Sydney", "New South Wales", "NSW", "AU", "2000", -33.8688, 151.2093),
  place("Melbourne", "Victoria", "VIC", "AU", "3000", -37.8136, 144.9631),
  place("Brisbane", "Queensland", "QLD", "AU", "4000", -27.4698, 153.0251),
  place("Perth", "Western Australia", "WA", "AU", "6000", -31.9523, 115.8613),
  place("Adelaide", "South Australia", "SA", "AU", "5000", -34.9285, 138.6007),
  place("Canberra", "Australian Capital Territory", "ACT", "AU", "2601", -35.2809, 149.13),
];
const CITIES: Record<CountryCode, readonly Place[]> = { US: US_CITIES, CA: CA_CITIES, GB: GB_CITIES, DE: DE_CITIES, AU: AU_CITIES };

interface Location {
  key: "us" | "ca";
  address1: string;
  place: Place;
}
const US_WAREHOUSE: Location = {
  key: "us",
  address1: "2250 Westbelt Drive",
  place: place("Columbus", "Ohio", "OH", "US", "43228", 39.9597, -83.1241),
};
const CA_WAREHOUSE: Location = {
  key: "ca",
  address1: "6300 Northwest Drive",
  place: place("Mississauga", "Ontario", "ON", "CA", "L5T 2N7", 43.6481, -79.68),
};

/** Sort facilities each carrier routes through, by country. */
const HUBS: Record<CarrierCode, Partial<Record<CountryCode, readonly Place[]>>> = {
  ups: {
    US: [
      place("Louisville", "Kentucky", "KY", "US", "40209", 38.174, -85.7365, "WORLDPORT"),
      place("Hodgkins", "Illinois", "IL", "US", "60525", 41.7689, -87.8573),
      place("Mesquite", "Texas", "TX", "US", "75149", 32.7668, -96.5992),
      place("Ontario", "California", "CA", "US", "91761", 34.0633, -117.6509),
      place("Parsippany", "New Jersey", "NJ", "US", "07054", 40.8579, -74.426),
    ],
    CA: [
      place("Concord", "Ontario", "ON", "CA", "L4K 4P9", 43.797, -79.4988),
      place("Richmond", "British Columbia", "BC", "CA", "V6V 1X6", 49.1666, -123.1336),
    ],
    GB: [place("Castle Donington", null, null, "GB", "DE74 2SA", 52.8311, -1.328)],
    DE: [place("Cologne", null, null, "DE", "51147", 50.8659, 7.1427)],
    AU: [place("Mascot", "New South Wales", "NSW", "AU", "2020", -33.9264, 151.1898)],
  },
  usps: {
    US: [
      place("Forest Park", "Illinois", "IL", "US", "60130", 41.8795, -87.8137),
      place("Palmetto", "Georgia", "GA", "US", "30268", 33.5179, -84.6697),
      place("Denver", "Colorado", "CO", "US", "80266", 39.7765, -104.9683),
      place("Dallas", "Texas", "TX", "US", "75260", 32.8473, -96.8483),
      place("Bell", "California", "CA", "US", "90201", 33.9775, -118.1870),
      place("Jersey City", "New Jersey", "NJ", "US", "07097", 40.7282, -74.0776),
      place("Federal Way", "Washington", "WA", "US", "98003", 47.3223, -122.3126),
    ],
  },
  fedex: {
    US: [
      place("Memphis", "Tennessee", "TN", "US", "38118", 35.0424, -89.9767, "MEMPHIS HUB"),
      place("Indianapolis", "Indiana", "IN", "US", "46241", 39.7173, -86.2944),
      place("Newark", "New Jersey", "NJ", "US", "07114", 40.6895, -74.1745),
      place("Fort Worth", "Texas", "TX", "US", "76177", 32.9868, -97.3186),
      place("Oakland", "California", "CA", "US", "94621", 37.7126, -122.2197),
    ],
    CA: [
      place("Mississauga", "Ontario", "ON", "CA", "L5S 1S5", 43.6863, -79.6219),
      place("Richmond", "British Columbia", "BC", "CA", "V7B 1B5", 49.1939, -123.1844),
    ],
    GB: [place("Stansted", null, null, "GB", "CM24 1RY", 51.886, 0.2389)],
    DE: [place("Cologne", null, null, "DE", "51147", 50.8659, 7.1427)],
    AU: [place("Mascot", "New South Wales", "NSW", "AU", "2020", -33.9264, 151.1898)],
  },
  dhl: {
    US: [
      place("Hebron", "Kentucky", "KY", "US", "41048", 39.0489, -84.6678, "CINCINNATI HUB"),
      place("Jamaica", "New York", "NY", "US", "11430", 40.6413, -73.7781, "NEW YORK CITY GATEWAY"),
      place("Los Angeles", "California", "CA", "US", "90045", 33.9416, -118.4085, "LOS ANGELES GATEWAY"),
    ],
    CA: [place("Mississauga", "Ontario", "ON", "CA", "L5T 2N7", 43.6777, -79.6248, "TORONTO GATEWAY")],
    GB: [place("Castle Donington", null, null, "GB", "DE74 2TR", 52.8311, -1.328, "EAST MIDLANDS HUB")],
    DE: [place("Schkeuditz", null, null, "DE", "04435", 51.4239, 12.2364, "LEIPZIG HUB")],
    AU: [place("Mascot", "New South Wales", "NSW", "AU", "2020", -33.9264, 151.1898, "SYDNEY GATEWAY")],
  },
  canada_post: {
    CA: [
      place("Mississauga", "Ontario", "ON", "CA", "L5T 2M6", 43.6613, -79.6494),
      place("Montreal", "Quebec", "QC", "CA", "H4T 1M9", 45.5085, -73.6827),
      place("Richmond", "British Columbia", "BC", "CA", "V6X 3E5", 49.1783, -123.1338),
      place("Calgary", "Alberta", "AB", "CA", "T2E 8R7", 51.0814, -114.0125),
      place("Winnipeg", "Manitoba", "MB", "CA", "R3C 0M4", 49.8935, -97.1383),
    ],
  },
};

function hubsIn(carrier: CarrierCode, country: CountryCode): readonly Place[] {
  return HUBS[carrier][country] ?? [];
}

// ---------------------------------------------------------------------------------------------
// Carrier voices
// ---------------------------------------------------------------------------------------------

interface CarrierVoice {
  label: string;
  confirmed: string;
  pickedUp: string;
  originScan: (p: Place) => string;
  departOrigin: (p: Place) => string;
  arriveHub: (p: Place) => string;
  departHub: (p: Place) => string;
  transit: (p: Place) => string;
  arriveDestination: (p: Place) => string;
  outForDelivery: string;
  delivered: readonly string[];
  readyForPickup: string;
}

const dhlName = (p: Place): string => `${p.facility ?? p.city.toUpperCase()} - ${DHL_COUNTRY_NAMES[p.countryCode]}`;

const VOICES: Record<CarrierCode, CarrierVoice> = {
  ups: {
    label: "Shipper created a label, UPS has not received the package yet.",
    confirmed: "Order Processed: Ready for UPS",
    pickedUp: "Pickup Scan",
    originScan: () => "Origin Scan",
    departOrigin: () => "Departed from Facility",
    arriveHub: () => "Arrived at Facility",
    departHub: () => "Departed from Facility",
    transit: () => "Processing at UPS Facility",
    arriveDestination: () => "Arrived at Facility",
    outForDelivery: "Out For Delivery Today",
    delivered: ["Delivered", "Delivered - Front Door", "Delivered - Left at Front Desk"],
    readyForPickup: "Package available for pickup at UPS Access Point location",
  },
  usps: {
    label: "Shipping Label Created, USPS Awaiting Item",
    confirmed: "Pre-Shipment Info Sent to USPS, USPS Awaiting Item",
    pickedUp: "USPS picked up item",
    originScan: () => "Accepted at USPS Origin Facility",
    departOrigin: () => "Departed USPS Facility",
    arriveHub: () => "Arrived at USPS Regional Facility",
    departHub: () => "Departed USPS Regional Facility",
    transit: () => "In Transit to Next Facility",
    arriveDestination: () => "Arrived at Post Office",
    outForDelivery: "Out for Delivery",
    delivered: ["Delivered, In/At Mailbox", "Delivered, Front Door/Porch", "Delivered, Left with Individual", "Delivered, Parcel Locker"],
    readyForPickup: "Available for Pickup",
  },
  fedex: {
    label: "Shipment information sent to FedEx",
    confirmed: "Label created",
    pickedUp: "Picked up",
    originScan: () => "At FedEx origin facility",
    departOrigin: () => "Left FedEx origin facility",
    arriveHub: () => "Arrived at FedEx hub",
    departHub: () => "Departed FedEx hub",
    transit: () => "In transit",
    arriveDestination: () => "At local FedEx facility",
    outForDelivery: "On FedEx vehicle for delivery",
    delivered: ["Delivered", "Delivered - Left at front door"],
    readyForPickup: "Ready for pickup at FedEx retail location",
  },
  dhl: {
    label: "Shipment information received",
    confirmed: "Shipment information received",
    pickedUp: "Shipment picked up",
    originScan: (p) => `Processed at ${dhlName(p)}`,
    departOrigin: (p) => `Departed Facility in ${dhlName(p)}`,
    arriveHub: (p) => `Arrived at DHL Sort Facility ${dhlName(p)}`,
    departHub: (p) => `Departed Facility in ${dhlName(p)}`,
    transit: (p) => `Processed at ${dhlName(p)}`,
    arriveDestination: (p) => `Arrived at DHL Delivery Facility ${dhlName(p)}`,
    outForDelivery: "Out for delivery - with delivery courier",
    delivered: ["Delivered", "Delivered - Signed for by receiver"],
    readyForPickup: "Ready for pickup at DHL ServicePoint",
  },
  canada_post: {
    label: "Electronic information submitted by shipper",
    confirmed: "Shipping label created",
    pickedUp: "Item picked up by Canada Post",
    originScan: () => "Item accepted at the Post Office",
    departOrigin: () => "Item processed",
    arriveHub: () => "Item processed",
    departHub: () => "Item in transit",
    transit: () => "Item in transit",
    arriveDestination: () => "Item arrived at local delivery facility",
    outForDelivery: "Item out for delivery",
    delivered: ["Delivered", "Delivered to your community mailbox, parcel locker or apt./condo mailbox"],
    readyForPickup: "Item available for pickup at Post Office",
  },
};

// ---------------------------------------------------------------------------------------------
// Tracking numbers
// ---------------------------------------------------------------------------------------------

/** ts-tracking-number turns letters into digits this way before a mod 10 check. */
function checkValue(c: string): number {
  return /\d/.test(c) ? Number(c) : (c.charCodeAt(0) - 3) % 10;
}

function mod10Check(serial: string, evensMultiplier: number, oddsMultiplier: number): number {
  let evens = 0;
  let odds = 0;
  for (let i = 0; i < serial.length; i++) {
    if (i % 2 === 0) evens += checkValue(serial.charAt(i));
    else odds += checkValue(serial.charAt(i));
  }
  return (10 - ((evens * evensMultiplier + odds * oddsMultiplier) % 10)) % 10;
}

function weightedCheck(serial: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < serial.length; i++) sum += Number(serial.charAt(i)) * at(weights, i);
  return sum;
}

interface StoreAccounts {
  upsShippers: readonly string[];
  uspsMailerId: string;
}

type ShippingTitle = "Standard Shipping" | "Express" | "Economy";

function generateTrackingNumber(rng: Rng, carrier: CarrierCode, accounts: StoreAccounts, shipping: ShippingTitle, international: boolean, upsCode: string | null): string {
  switch (carrier) {
    case "ups": {
      const service = upsCode ?? (international ? "66" : shipping === "Express" ? rng.pick(["01", "02", "13"]) : "03");
      const serial = rng.pick(accounts.upsShippers) + service + rng.digits(7);
      return `1Z${serial}${mod10Check(serial, 1, 2)}`;
    }
    case "usps": {
      const prefix = shipping === "Express" ? "940551" : shipping === "Economy" ? "920011" : "940011";
      const serial = prefix + accounts.uspsMailerId + rng.digits(7);
      return serial + String(mod10Check(serial, 3, 1));
    }
    case "fedex": {
      if (shipping !== "Express" && !international && rng.chance(0.5)) {
        // FedEx Ground, 15 digits.
        const serial = rng.digits(14);
        return serial + String(mod10Check(serial, 1, 3));
      }
      const serial = String(rng.int(2, 8)) + rng.digits(10);
      return serial + String(weightedCheck(serial, [3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1]) % 11 % 10);
    }
    case "dhl": {
      const serial = String(rng.int(1, 9)) + rng.digits(8);
      return serial + String(Number(serial) % 7);
    }
    case "canada_post": {
      const serial = rng.digits(8);
      const remainder = weightedCheck(serial, [8, 6, 4, 2, 3, 5, 9, 7]) % 11;
      const check = remainder === 1 ? 0 : remainder === 0 ? 5 : 11 - remainder;
      return `${rng.weighted<string>([["CP", 5], ["RR", 2], ["EE", 2]])}${serial}${check}CA`;
    }
  }
}

const COURIERS_BY_CODE = new Map(allCouriers.map((c) => [c.courier_code, c]));
/** Every tracking number pattern the library knows, compiled once: as `findTracking` searches text, and whole-number. */
const LIBRARY_PATTERNS: readonly { courier: (typeof allCouriers)[number]; search: RegExp; whole: RegExp }[] = allCouriers.flatMap((courier) =>
  courier.tracking_numbers.map((t) => {
    const source = typeof t.regex === "string" ? t.regex : t.regex.join("");
    return { courier, search: new RegExp(source, "g"), whole: new RegExp(`^(?:${source})$`) };
  }),
);

/**
 * What `findTracking(text)` reports, computed the library's way (every pattern searched through the
 * text, parts that are a prefix or suffix of a longer match dropped, the rest validated with
 * `getTracking`) but with the patterns compiled once: `findTracking` recompiles them on every call,
 * which made it most of this simulator's running time.
 */
function findTrackingFast(text: string, knownValid: string | null = null): string[] {
  const parts: string[] = [];
  for (const { search } of LIBRARY_PATTERNS) {
    search.lastIndex = 0;
    for (const match of text.matchAll(search)) {
      const part = match[0].replace(/[^a-zA-Z\d]/g, "");
      if (!parts.includes(part)) parts.push(part);
    }
  }
  const notSuffix = parts.filter((t) => !parts.some((a) => a.length > t.length && a.endsWith(t)));
  const notAffix = notSuffix.filter((t) => !notSuffix.some((a) => a.length > t.length && a.startsWith(t)));
  return notAffix.filter((t) => t === knownValid || getTracking(t) !== undefined);
}

/**
 * True when ts-tracking-number reads `number` as `carrier` and as nothing else: `getTracking`
 * validates it for that courier and for no other, and searching it as text (`findTracking`) finds
 * only the number itself (not, say, a FedEx 12-digit number inside a UPS 1Z number).
 */
export function isUnambiguousTrackingNumber(number: string, carrier: CarrierCode): boolean {
  const code = TRACKING_LIBRARY_COURIER_CODES[carrier];
  if (carrier === "canada_post" && !number.endsWith("CA")) return false;
  const courier = COURIERS_BY_CODE.get(code);
  if (courier === undefined || getTracking(number, [courier]) === undefined) return false;
  // Another courier can only validate the number if one of its patterns matches all of it.
  for (const { courier: other, whole } of LIBRARY_PATTERNS) {
    if (other !== courier && whole.test(number) && getTracking(number, [other]) !== undefined) return false;
  }
  const found = findTrackingFast(number, number);
  return found.length === 1 && found[0] === number;
}

function trackingUrl(carrier: CarrierCode, number: string): string {
  switch (carrier) {
    case "ups":
      return `https://www.ups.com/track?loc=en_US&tracknum=${number}`;
    case "usps":
      return `https://tools.usps.com/go/TrackConfirmAction?tLabels=${number}`;
    case "fedex":
      return `https://www.fedex.com/fedextrack/?trknbr=${number}`;
    case "dhl":
      return `https://www.dhl.com/en/express/tracking.html?AWB=${number}&brand=DHL`;
    case "canada_post":
      return `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${number}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Customers and catalog
// ---------------------------------------------------------------------------------------------

const FIRST_NAMES: Record<CountryCode, readonly string[]> = {
  US: ["Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan", "Harper", "Mason", "Amelia", "Logan", "Ella", "Jackson", "Aiden", "Chloe", "Daniel", "Grace", "Maya", "Carlos", "Priya", "Wei", "Aaliyah", "Marcus", "Hannah", "Diego", "Nora", "Samuel"],
  CA: ["Olivia", "Liam", "Charlotte", "Noah", "Chloé", "William", "Emily", "Benjamin", "Léa", "Nathan", "Zoe", "Owen", "Félix", "Maya", "Jacob", "Avery", "Gabriel", "Sarah"],
  GB: ["Oliver", "Amelia", "George", "Isla", "Harry", "Poppy", "Jack", "Freya", "Charlie", "Ivy", "Alfie", "Florence"],
  DE: ["Lukas", "Anna", "Leon", "Lena", "Felix", "Marie", "Jonas", "Sophie", "Paul", "Lea", "Finn", "Hannah"],
  AU: ["Jack", "Charlotte", "Oliver", "Mia", "William", "Olivia", "Noah", "Isla", "Thomas", "Ruby", "Lachlan", "Matilda"],
};
const LAST_NAMES: Record<CountryCode, readonly string[]> = {
  US: ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Lee", "Nguyen", "Patel", "Kim", "Chen", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green"],
  CA: ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Smith", "Brown", "Wilson", "MacDonald", "Campbell", "Martin", "Lee", "Singh", "Wong", "Morin", "Fraser"],
  GB: ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans", "Thomas", "Roberts", "Walker"],
  DE: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter"],
  AU: ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin", "White", "Anderson", "Walker"],
};
const STREETS: Record<CountryCode, readonly string[]> = {
  US: ["Maple Street", "Oak Avenue", "Elm Street", "Cedar Lane", "Pine Street", "Washington Avenue", "Lakeview Drive", "Park Avenue", "Hillcrest Road", "Sunset Boulevard", "Main Street", "Highland Avenue", "River Road", "Spring Street", "Willow Way"],
  CA: ["Queen Street West", "King Street East", "Rue Sainte-Catherine", "Yonge Street", "Granville Street", "Jasper Avenue", "Portage Avenue", "Spring Garden Road", "Bank Street", "Rue Saint-Denis"],
  GB: ["High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road", "Park Road", "Kings Road"],
  DE: ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Lindenstraße", "Bergstraße", "Kirchweg", "Friedrichstraße"],
  AU: ["George Street", "Collins Street", "Queen Street", "Hay Street", "King William Street", "Elizabeth Street", "Bourke Street", "Ann Street"],
};

interface Product {
  title: string;
  sku: string;
  price: number;
}
const PRODUCTS: readonly Product[] = [
  { title: "Trailhead Insulated Bottle 750ml", sku: "TH-BTL-750", price: 34.0 },
  { title: "Summit Merino Beanie", sku: "SM-BEANIE-CHR", price: 29.0 },
  { title: "Ridgeline Daypack 22L", sku: "RL-PACK-22", price: 89.0 },
  { title: "Basecamp Camp Mug", sku: "BC-MUG-12", price: 18.5 },
  { title: "Alpine Fleece Pullover - Medium", sku: "AF-PULL-M", price: 74.0 },
  { title: "Alpine Fleece Pullover - Large", sku: "AF-PULL-L", price: 74.0 },
  { title: "Switchback Trekking Poles (pair)", sku: "SB-POLES", price: 119.0 },
  { title: "Firelight Headlamp", sku: "FL-HEAD-300", price: 42.0 },
  { title: "Trail Mix Sampler", sku: "TM-SAMPLER", price: 24.0 },
  { title: "Cascade Rain Shell - Small", sku: "CS-SHELL-S", price: 149.0 },
  { title: "Cascade Rain Shell - Medium", sku: "CS-SHELL-M", price: 149.0 },
  { title: "Wool Hiking Socks (3 pack)", sku: "WS-SOCK-3", price: 27.0 },
  { title: "Packable Down Vest", sku: "PD-VEST-M", price: 129.0 },
  { title: "Compact Camp Stove", sku: "CC-STOVE", price: 64.0 },
  { title: "Ultralight Sleeping Pad", sku: "UL-PAD-R", price: 99.0 },
  { title: "Gift Card $50", sku: "GC-50", price: 50.0 },
];

const PHONE_PREFIX: Record<CountryCode, () => string> = {
  US: () => "+1 614-555-01",
  CA: () => "+1 416-555-01",
  GB: () => "+44 20 7946 0",
  DE: () => "+49 30 1234 5",
  AU: () => "+61 2 5550 1",
};

interface Address {
  address1: string;
  address2: string | null;
  place: Place;
}

interface Customer {
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  vip: boolean;
  tags: string[];
  address: Address;
  id: number;
}

function ascii(value: string): string {
  return value
    .normalize("NFD")
    .replace(/ü/g, "ue")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

// ---------------------------------------------------------------------------------------------
// Plans (times in ms since epoch, ids assigned once everything is placed in time)
// ---------------------------------------------------------------------------------------------

interface LineItemPlan {
  product: Product;
  quantity: number;
  id: number;
}

interface OrderPlan {
  seq: number;
  createdAt: number;
  customer: Customer;
  lineItems: LineItemPlan[];
  shipping: { title: ShippingTitle; price: number; id: number };
  tags: string[];
  locale: string;
  update: { at: number; tags: string[] } | null;
  cancel: { at: number; reason: string } | null;
  fulfillments: FulfillmentPlan[];
  id: number;
  number: number;
  name: string;
}

interface EventPlan {
  status: FulfillmentEventStatus;
  message: string;
  place: Place;
  happenedAt: number;
  createdAt: number;
  estimatedDeliveryAt: number | null;
  id: number;
}

interface FulfillmentPlan {
  seq: number;
  order: OrderPlan;
  indexInOrder: number;
  carrier: CarrierCode;
  trackingCompany: string;
  numbers: string[];
  scenario: Scenario;
  location: Location;
  /** the carrier service booked and its days on this lane */
  service: CarrierService;
  createdAt: number;
  events: EventPlan[];
  lineItems: LineItemPlan[];
  deletion: { eventIndex: number; at: number } | null;
  arriveBeforeCreate: boolean;
  id: number;
}

interface Step {
  kind: "label" | "pickup" | "transit" | "destination" | "ofd" | "delivered" | "problem";
  status: FulfillmentEventStatus;
  message: string;
  place: Place;
  /** ms after the fulfillment was created */
  offset: number;
  /** ms after the fulfillment was created; rounded to the evening of that day later */
  estimate: number | null;
}

const SCENARIO_WEIGHTS: readonly (readonly [Scenario, number])[] = [
  ["delivered", 0.745],
  ["in_transit", 0.08],
  ["out_for_delivery", 0.03],
  ["available_for_pickup", 0.045],
  ["never_picked_up", 0.015],
  ["stalled", 0.015],
  ["weather_delay", 0.015],
  ["failed_attempt", 0.015],
  ["address_issue", 0.01],
  ["damaged", 0.01],
  ["returned_to_sender", 0.01],
  ["lost", 0.01],
];

/** How long before `end` a scenario's last event sits; null = anywhere in the window. */
const SCENARIO_QUIET: Readonly<Record<Scenario, readonly [number, number] | null>> = {
  delivered: null,
  returned_to_sender: null,
  in_transit: [1 * HOUR, 30 * HOUR],
  out_for_delivery: [30 * MINUTE, 8 * HOUR],
  available_for_pickup: [1 * HOUR, 60 * HOUR],
  never_picked_up: [3 * DAY + 2 * HOUR, 12 * DAY],
  stalled: [3 * DAY + 2 * HOUR, 9 * DAY],
  weather_delay: [1 * HOUR, 40 * HOUR],
  failed_attempt: [1 * HOUR, 30 * HOUR],
  address_issue: [2 * HOUR, 5 * DAY],
  damaged: [2 * HOUR, 5 * DAY],
  lost: [2 * HOUR, 5 * DAY],
};

function distanceKm(a: Place, b: Place): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 12_742 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Sort facilities on the way from the origin to the destination, in the order a parcel meets them. */
function routeHubs(rng: Rng, carrier: CarrierCode, origin: Location, destination: Place): Place[] {
  const onTheWay = (pool: readonly Place[], n: number, from: Place): Place[] => {
    const ranked = pool
      .filter((p) => p.city !== destination.city && p.city !== from.city)
      .map((p) => ({ p, detour: distanceKm(from, p) + distanceKm(p, destination) - distanceKm(from, destination) }))
      .sort((a, b) => a.detour - b.detour)
      .filter((x, i) => i === 0 || x.detour <= Math.max(300, 0.4 * distanceKm(from, destination)))
      .slice(0, n > 1 ? n + 1 : n)
      .map((x) => x.p);
    const chosen: Place[] = [];
    while (chosen.length < n && ranked.length > 0) chosen.push(...ranked.splice(rng.int(0, ranked.length - 1), 1));
    return chosen.sort((a, b) => distanceKm(from, a) - distanceKm(from, b));
  };
  if (carrier === "canada_post") return onTheWay(hubsIn(carrier, "CA"), rng.int(0, 1), origin.place);
  const home = onTheWay(hubsIn(carrier, "US"), destination.countryCode === "US" ? rng.weighted([[1, 0.6], [2, 0.4]]) : 1, origin.place);
  if (destination.countryCode === "US") return home;
  return [...home, ...onTheWay(hubsIn(carrier, destination.countryCode), 1, home[0] ?? origin.place)];
}

// ---------------------------------------------------------------------------------------------
// Carrier timing
// ---------------------------------------------------------------------------------------------
//
// Real carriers run their lanes to a timetable, which is what lets a shop learn them: a lane (carrier ×
// service × warehouse → destination) takes a set number of business days, the carrier's map says how many,
// and most parcels arrive on that day, some a day early or late, a few later still. The carrier collects at
// the shop's daily pickup (a label printed after the cut-off waits for the next one), sorts overnight, scans
// each working day, and delivers in the daytime on the days it works (Saturday for UPS, USPS and FedEx,
// never on Sunday, nor on the holidays it publishes: business-time.ts, `carrierHolidays`). Figures are the
// published transit maps' bands, roughly: UPS Ground and FedEx Home Delivery 1–5 days across the lower 48, USPS
// Ground Advantage 2–5 and Priority Mail 1–3, Canada Post Expedited 1–6 from Toronto (Regular a day more beyond
// the next province), Xpresspost 1–3, DHL Express 2–3 days abroad.

/** Days (0 = Sunday) each carrier works: scans and delivers, as the app's calendars assume (business-time.ts). */
const WORKDAYS: Readonly<Record<CarrierCode, readonly number[]>> = {
  ups: DEFAULT_CARRIER_WORKDAYS.ups,
  usps: DEFAULT_CARRIER_WORKDAYS.usps,
  fedex: DEFAULT_CARRIER_WORKDAYS.fedex,
  dhl: DEFAULT_CARRIER_WORKDAYS.dhl,
  canada_post: DEFAULT_CARRIER_WORKDAYS.canada_post,
};
/** The shop's daily pickup comes on the days it is open, Monday to Friday (a Saturday pickup is a paid extra). */
const PICKUP_DAYS: Readonly<Record<CarrierCode, readonly number[]>> = {
  ups: SHOP_WORKDAYS,
  usps: SHOP_WORKDAYS,
  fedex: SHOP_WORKDAYS,
  dhl: SHOP_WORKDAYS,
  canada_post: SHOP_WORKDAYS,
};
/** Fulfillments created before this hour (shop time) leave with the afternoon's pickup; the shop's promise cut-off matches it. */
const PICKUP_CUTOFF_HOUR = 14;
/** Share of parcels fulfilled before the cut-off that still miss the pickup (packed late). */
const MISSED_PICKUP = 0.03;

/** A lane's timing for one parcel: the carrier's days for it and how far real parcels stray from them. */
interface CarrierService {
  /** business days from pickup to delivery on the carrier's calendar, as its transit map gives them */
  days: number;
  /** shares of parcels a day early, a day late, and two or three days late */
  early: number;
  late: number;
  tail: number;
  /** the UPS service code its tracking number carries ("03" Ground, "01" Next Day Air…); null for other carriers */
  upsCode: string | null;
}

const day = (ms: number, offsetMinutes: number): number => Math.floor((ms + offsetMinutes * MINUTE) / DAY);
const hourOfDay = (ms: number, offsetMinutes: number): number => (ms + offsetMinutes * MINUTE - day(ms, offsetMinutes) * DAY) / HOUR;
const weekdayOfDay = (d: number): number => (((d + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
/** The instant of a local hour (fractional) on a local date (days since 1970-01-01), at a fixed offset from UTC. */
const localAt = (d: number, hour: number, offsetMinutes: number): number => Math.round(d * DAY + hour * HOUR - offsetMinutes * MINUTE);
/** A place's offset from UTC, near enough for the hour of a delivery (no daylight saving: an hour off keeps the date). */
const offsetOf = (p: Place): number => Math.round(p.lng / 15) * 60;

const holidayCache = new Map<string, ReadonlySet<number>>();
/** Days a carrier neither scans nor delivers: the carriers' published holidays (business-time.ts). */
function carrierHolidaysIn(carrier: CarrierCode, year: number): ReadonlySet<number> {
  const key = `${carrier}|${year}`;
  let known = holidayCache.get(key);
  if (known === undefined) {
    known = new Set(carrierHolidays(carrier, year).map((iso) => Math.round(Date.parse(`${iso}T00:00:00Z`) / DAY)));
    holidayCache.set(key, known);
  }
  return known;
}

function isWorkday(carrier: CarrierCode, d: number, days: Readonly<Record<CarrierCode, readonly number[]>> = WORKDAYS): boolean {
  return days[carrier].includes(weekdayOfDay(d)) && !carrierHolidaysIn(carrier, new Date(d * DAY).getUTCFullYear()).has(d);
}

/** The `n`th working day of the carrier after day `from` (n ≥ 1). */
function addWorkdays(carrier: CarrierCode, from: number, n: number): number {
  let d = from;
  for (let counted = 0; counted < n; ) if (isWorkday(carrier, ++d)) counted++;
  return d;
}

/** Index of the band `km` falls in: 0 up to the first limit, 1 up to the second… */
function band(km: number, limits: readonly number[]): number {
  let i = 0;
  while (i < limits.length && km > at(limits, i)) i++;
  return i;
}

const EXPRESS_SPREAD = { early: 0, late: 0.04, tail: 0.01 };
const GROUND_SPREAD = { early: 0.05, late: 0.07, tail: 0.02 };
const POSTAL_SPREAD = { early: 0.07, late: 0.1, tail: 0.03 };
const CANADA_POST_SPREAD = { early: 0.05, late: 0.08, tail: 0.02 };
const ABROAD_SPREAD = { early: 0.04, late: 0.1, tail: 0.04 };

/** The carrier service the shop books for a shipping method, and its days on this lane. */
function carrierService(rng: Rng, carrier: CarrierCode, shipping: ShippingTitle, origin: Location, destination: Place): CarrierService {
  const km = distanceKm(origin.place, destination);
  const service = (days: number, spread: { early: number; late: number; tail: number }, upsCode: string | null = null): CarrierService => ({ days, ...spread, upsCode });
  const express = shipping === "Express";
  const economy = shipping === "Economy";
  const country = destination.countryCode;
  if (country !== origin.place.countryCode) {
    if (carrier === "dhl") return service(country === "AU" ? 3 : 2, ABROAD_SPREAD);
    const upsCode = carrier === "ups" ? "66" : null;
    if (country === "CA") return service((express ? 2 : 2 + band(km, [900, 1800, 2800])) + (economy ? 1 : 0), ABROAD_SPREAD, upsCode);
    const far = country === "AU" ? 1 : 0;
    return service((express ? 2 : economy ? 6 : 4) + far, ABROAD_SPREAD, upsCode);
  }
  switch (carrier) {
    case "ups": {
      if (express) {
        const upsCode = rng.weighted<string>([["01", 0.4], ["02", 0.4], ["13", 0.2]]);
        return service(upsCode === "02" ? 2 : 1, EXPRESS_SPREAD, upsCode);
      }
      const ground = 1 + band(km, [450, 900, 1600, 2500]);
      return economy ? service(ground + 1, POSTAL_SPREAD, "03") : service(ground, GROUND_SPREAD, "03");
    }
    case "fedex": {
      if (express) return service(rng.chance(0.5) ? 1 : 2, EXPRESS_SPREAD);
      const ground = 1 + band(km, [450, 900, 1600, 2500]);
      return economy ? service(ground + 2, POSTAL_SPREAD) : service(ground, GROUND_SPREAD);
    }
    case "usps":
      if (express) return service(1 + band(km, [1600]), EXPRESS_SPREAD);
      if (economy) return service(2 + band(km, [450, 1300, 2500]), POSTAL_SPREAD);
      return service(1 + band(km, [450, 1600]), POSTAL_SPREAD);
    case "dhl":
      return service(1 + band(km, [1600]), EXPRESS_SPREAD);
    case "canada_post": {
      if (express) return service(1 + band(km, [600, 3000]), CANADA_POST_SPREAD);
      const expedited = 1 + band(km, [150, 600, 1400, 2200, 3000]);
      return service(expedited + (economy && km > 600 ? 1 : 0), CANADA_POST_SPREAD);
    }
  }
}

/** The business days one parcel takes: the lane's, or a day early, a day late, or two or three days late. */
function daysTaken(rng: Rng, service: CarrierService): number {
  const r = rng.float();
  if (r < service.early) return Math.max(1, service.days - 1);
  if (r < service.early + service.late) return service.days + 1;
  if (r < service.early + service.late + service.tail) return service.days + (rng.chance(0.7) ? 2 : 3);
  return service.days;
}

/**
 * When the shop's staff print a fulfillment's label, near `t`: on a weekday, mostly in the morning before the
 * pickup cut-off, some in the afternoon; now and then at any hour (a weekend rush, a late evening).
 */
function labelTime(rng: Rng, t: number): number {
  if (rng.chance(0.04)) return t;
  let d = day(t, SHOP_OFFSET_MINUTES);
  // the weekend's orders go out on Friday or Monday
  if (weekdayOfDay(d) === 6) d += rng.chance(0.5) ? -1 : 2;
  else if (weekdayOfDay(d) === 0) d += rng.chance(0.5) ? -2 : 1;
  const hour = rng.chance(0.72) ? 8 + rng.float() * (PICKUP_CUTOFF_HOUR - 8) : PICKUP_CUTOFF_HOUR + rng.float() * 4;
  return localAt(d, hour, SHOP_OFFSET_MINUTES);
}

/**
 * A parcel's journey when nothing goes wrong, as offsets from the fulfillment's creation (`createdAt`): label,
 * pickup at the day's collection, origin scan and departure that evening, the sort hubs on the way, a scan on
 * every working day it travels, and on the delivery day the local facility before dawn, the van in the morning
 * and the doorstep by evening, in the recipient's hours.
 */
function happyPath(rng: Rng, carrier: CarrierCode, origin: Location, destination: Place, createdAt: number, service: CarrierService): Step[] {
  const voice = VOICES[carrier];
  const from = origin.place;
  const shop = SHOP_OFFSET_MINUTES;
  const there = offsetOf(destination);
  const labelConfirmed = rng.chance(carrier === "dhl" ? 0.8 : 0.2);
  const labelAt = createdAt + rng.duration(2 * MINUTE, 60 * MINUTE);
  // the pickup: today's if the label was ready before the cut-off, else the next pickup day's
  let pickupDay = day(createdAt, shop);
  if (hourOfDay(createdAt, shop) >= PICKUP_CUTOFF_HOUR || !isWorkday(carrier, pickupDay, PICKUP_DAYS) || rng.chance(MISSED_PICKUP)) {
    do pickupDay++;
    while (!isWorkday(carrier, pickupDay, PICKUP_DAYS));
  }
  const pickupAt = Math.max(labelAt + 30 * MINUTE, localAt(pickupDay, 15.5 + rng.float() * 3, shop));
  const originAt = pickupAt + rng.duration(1 * HOUR, 3 * HOUR);
  const departAt = originAt + rng.duration(1 * HOUR, 4 * HOUR);
  // delivery on the recipient's date: the carrier's working days counted from the pickup
  const deliveryDay = addWorkdays(carrier, pickupDay, daysTaken(rng, service));
  const arriveAt = Math.max(departAt + 2 * HOUR, localAt(deliveryDay, 3 + rng.float() * 3.5, there));
  const ofdAt = Math.max(arriveAt + 1 * HOUR, localAt(deliveryDay, 7 + rng.float() * 2.5, there));
  const deliveredAt = Math.max(ofdAt + 30 * MINUTE, localAt(deliveryDay, Math.min(19, hourOfDay(ofdAt, there) + 1 + rng.float() * 8), there));

  type Scan = { kind: Step["kind"]; status: FulfillmentEventStatus; message: (p: Place) => string; place: Place | null; at: number };
  const scans: Scan[] = [];
  const scan = (kind: Step["kind"], status: FulfillmentEventStatus, message: (p: Place) => string, place: Place | null, when: number) => scans.push({ kind, status, message, place, at: when });
  scan("label", labelConfirmed ? "confirmed" : "label_printed", () => (labelConfirmed ? voice.confirmed : voice.label), from, labelAt);
  if (rng.chance(0.25)) scan("pickup", "carrier_picked_up", () => voice.pickedUp, from, pickupAt);
  scan("transit", "in_transit", voice.originScan, from, originAt);
  scan("transit", "in_transit", voice.departOrigin, from, departAt);
  // the hubs, spread between the departure and the arrival at the local facility, in the order met
  const hubs = routeHubs(rng, carrier, origin, destination);
  const span = arriveAt - departAt;
  hubs.forEach((hub, i) => {
    const slot = span / (hubs.length + 0.5);
    const arrive = departAt + slot * (i + 0.25) + rng.float() * slot * 0.5;
    scan("transit", "in_transit", voice.arriveHub, hub, arrive);
    if (rng.chance(0.3)) scan("transit", "in_transit", voice.transit, hub, arrive + slot * 0.1);
    scan("transit", "in_transit", voice.departHub, hub, arrive + slot * (0.2 + rng.float() * 0.1));
  });
  // a scan on every working day the parcel is on the road that has none (the carrier's feed is never silent for long)
  for (let d = day(departAt, shop) + 1; d < deliveryDay; d++) {
    if (!isWorkday(carrier, d)) continue;
    const dayStart = localAt(d, 0, shop);
    if (scans.some((s) => s.at >= dayStart && s.at < dayStart + DAY)) continue;
    const when = localAt(d, 5 + rng.float() * 14, shop);
    if (when > departAt && when < arriveAt) scan("transit", "in_transit", voice.transit, null, when);
  }
  scan("destination", "in_transit", voice.arriveDestination, destination, arriveAt);
  scan("ofd", "out_for_delivery", () => voice.outForDelivery, destination, ofdAt);
  scan("delivered", "delivered", () => rng.pick(voice.delivered), destination, deliveredAt);

  scans.sort((a, b) => a.at - b.at);
  const steps: Step[] = [];
  let previous = -Infinity;
  let place = from;
  for (const s of scans) {
    place = s.place ?? place;
    const offset = Math.max(Math.round((s.at - createdAt) / SECOND) * SECOND, previous + MINUTE);
    previous = offset;
    steps.push({ kind: s.kind, status: s.status, message: s.message(place), place, offset, estimate: null });
  }
  const delivered = last(steps);
  const departed = steps.find((s) => s.kind === "transit" && s.offset >= departAt - createdAt);
  const ofd = steps.find((s) => s.kind === "ofd");
  // the carrier's expected date: the evening of the delivery day, in the recipient's hours
  const expected = Math.round((localAt(deliveryDay, 20, there) - createdAt) / SECOND) * SECOND;
  if (departed && rng.chance(0.6)) departed.estimate = Math.max(expected, delivered.offset);
  if (ofd && rng.chance(0.7)) ofd.estimate = Math.max(expected, delivered.offset);
  return steps;
}

function indexesOf(steps: readonly Step[], kinds: readonly Step["kind"][]): number[] {
  const out: number[] = [];
  steps.forEach((s, i) => {
    if (kinds.includes(s.kind)) out.push(i);
  });
  return out;
}

/** The carrier events of one fulfillment, as offsets from its creation. */
function scenarioSteps(rng: Rng, scenario: Scenario, carrier: CarrierCode, origin: Location, destination: Place, createdAt: number, service: CarrierService): Step[] {
  const voice = VOICES[carrier];
  const happy = happyPath(rng, carrier, origin, destination, createdAt, service);
  const plannedDelivery = last(happy).offset;
  const upTo = (index: number): Step[] => happy.slice(0, index + 1);
  const kindIndex = (kind: Step["kind"]): number => indexesOf(happy, [kind])[0] ?? happy.length - 1;
  const transitIndexes = indexesOf(happy, ["transit"]);
  const append = (steps: Step[], status: FulfillmentEventStatus, message: string, where: Place, min: number, max: number, estimate: number | null = null): Step[] => {
    const offset = last(steps).offset + rng.duration(min, max);
    steps.push({ kind: "problem", status, message, place: where, offset, estimate });
    return steps;
  };
  switch (scenario) {
    case "delivered":
      return happy;
    case "in_transit":
      return upTo(rng.pick([...transitIndexes, kindIndex("destination")]));
    case "stalled":
      return upTo(rng.pick(transitIndexes));
    case "out_for_delivery":
      return upTo(kindIndex("ofd"));
    case "available_for_pickup": {
      const steps = upTo(kindIndex("destination"));
      return append(steps, "ready_for_pickup", voice.readyForPickup, destination, 2 * HOUR, 20 * HOUR);
    }
    case "never_picked_up": {
      const steps = upTo(0);
      if (at(steps, 0).status === "label_printed" && rng.chance(0.35)) append(steps, "confirmed", voice.confirmed, origin.place, 1 * HOUR, 20 * HOUR);
      return steps;
    }
    case "weather_delay": {
      const steps = upTo(rng.pick([...transitIndexes.slice(1), kindIndex("destination")]));
      const estimate = plannedDelivery + rng.duration(1 * DAY, 3 * DAY);
      return append(steps, "delayed", PROBLEM_MESSAGES.weather, last(steps).place, 3 * HOUR, 14 * HOUR, estimate);
    }
    case "failed_attempt":
      return append(upTo(kindIndex("ofd")), "attempted_delivery", PROBLEM_MESSAGES.failedAttempt, destination, 1 * HOUR, 8 * HOUR);
    case "address_issue": {
      const steps = upTo(rng.chance(0.5) ? kindIndex("ofd") : kindIndex("destination"));
      return append(steps, "failure", PROBLEM_MESSAGES.address, destination, 1 * HOUR, 8 * HOUR);
    }
    case "damaged": {
      const steps = upTo(rng.pick(transitIndexes));
      return append(steps, "failure", PROBLEM_MESSAGES.damaged, last(steps).place, 2 * HOUR, 16 * HOUR);
    }
    case "lost": {
      const steps = upTo(rng.pick(transitIndexes.slice(1)));
      return append(steps, "failure", PROBLEM_MESSAGES.lost, last(steps).place, 3 * DAY, 8 * DAY);
    }
    case "returned_to_sender": {
      const steps = upTo(kindIndex("destination"));
      append(steps, "failure", PROBLEM_MESSAGES.returning, destination, 4 * HOUR, 2 * DAY);
      const hubs = steps.filter((s) => s.kind === "transit" && s.place !== origin.place).map((s) => s.place);
      append(steps, "in_transit", PROBLEM_MESSAGES.returningTransit, hubs.length > 0 ? last(hubs) : destination, 12 * HOUR, 40 * HOUR);
      return append(steps, "delivered", PROBLEM_MESSAGES.returned, origin.place, 12 * HOUR, 3 * DAY);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Time formatting
// ---------------------------------------------------------------------------------------------

/** The simulated shop keeps Eastern Standard Time; payload timestamps carry its offset, like Shopify's. */
const SHOP_OFFSET_MINUTES = -5 * 60;
const SHOP_OFFSET_LABEL = "-05:00";

function shopTime(ms: number): string {
  let text = shopTimes.get(ms);
  if (text === undefined) {
    text = `${new Date(ms + SHOP_OFFSET_MINUTES * MINUTE).toISOString().slice(0, 19)}${SHOP_OFFSET_LABEL}`;
    if (shopTimes.size > 200_000) shopTimes.clear();
    shopTimes.set(ms, text);
  }
  return text;
}
/** Formatting is a visible share of the run time and the same instants recur in many payloads. */
const shopTimes = new Map<number, string>();

/** 8 pm on the day of `ms` at a UTC offset (the next day when `ms` is later than that). */
function eveningOf(ms: number, offsetMinutes: number): number {
  const local = ms + offsetMinutes * MINUTE;
  let evening = Math.floor(local / DAY) * DAY + 20 * HOUR - offsetMinutes * MINUTE;
  if (evening < ms) evening += DAY;
  return evening;
}

function money(value: number): string {
  return value.toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// The simulation
// ---------------------------------------------------------------------------------------------

const COUNTRY_WEIGHTS: readonly (readonly [CountryCode, number])[] = [
  ["US", 0.62],
  ["CA", 0.2],
  ["GB", 0.07],
  ["DE", 0.05],
  ["AU", 0.06],
];

function carrierFor(rng: Rng, country: CountryCode): CarrierCode {
  switch (country) {
    case "US":
      return rng.weighted<CarrierCode>([["ups", 0.35], ["usps", 0.35], ["fedex", 0.25], ["dhl", 0.05]]);
    case "CA":
      return rng.weighted<CarrierCode>([["canada_post", 0.7], ["ups", 0.15], ["fedex", 0.15]]);
    default:
      return rng.weighted<CarrierCode>([["dhl", 0.8], ["fedex", 0.1], ["ups", 0.1]]);
  }
}

const EXTRA_ORDER_TAGS = ["wholesale", "gift", "subscription", "first-order", "preorder", "influencer"] as const;
const UPDATE_TAGS = ["gift-wrapped", "priority", "address-verified", "loyalty", "reviewed"] as const;

export function simulateStore(options: SimulateStoreOptions): SimulatedStore {
  const days = options.days ?? 30;
  const duplicateRate = options.duplicateRate ?? 0.03;
  const reorderWindow = options.reorderWindow ?? 8;
  const shipments = Math.max(0, Math.floor(options.shipments));
  const end = Math.floor(options.end.getTime() / SECOND) * SECOND;
  const start = end - days * DAY;
  const rng = new Rng(options.seed);

  // Store-level constants.
  const shopId = 50_000_000_000 + rng.int(0, 9_999_999_999);
  const locationIds = { us: 61_000_000_000 + rng.int(0, 999_999_999), ca: 62_000_000_000 + rng.int(0, 999_999_999) };
  // A UPS shipper number is six characters, mostly digits. Its one letter avoids those that start other
  // couriers' patterns (Amazon "C/F…", DHL "J…", UPS waybill "K/T/V…", OnTrac "C/D…"), which would
  // make every number of this shipper read as two.
  const upsShipper = (): string => {
    const digits = rng.digits(5);
    const cut = rng.int(1, 3);
    return digits.slice(0, cut) + rng.pick([..."BEGLMNPRSUWXY"]) + digits.slice(cut);
  };
  const accounts: StoreAccounts = { upsShippers: [upsShipper(), upsShipper()], uspsMailerId: String(rng.int(2, 8)) + rng.digits(7) };

  // ---- customers ----
  const customers: Customer[] = [];
  const emails = new Set<string>();
  const newCustomer = (): Customer => {
    const country = rng.weighted(COUNTRY_WEIGHTS);
    const firstName = rng.pick(FIRST_NAMES[country]);
    const lastName = rng.pick(LAST_NAMES[country]);
    const style = rng.int(0, 3);
    const base = style === 0 ? `${ascii(firstName)}.${ascii(lastName)}` : style === 1 ? `${ascii(firstName).charAt(0)}${ascii(lastName)}` : style === 2 ? `${ascii(firstName)}${ascii(lastName)}${rng.int(1, 99)}` : `${ascii(firstName)}_${ascii(lastName)}`;
    let email = `${base}@example.com`;
    for (let n = 2; emails.has(email); n++) email = `${base}${n}@example.com`;
    emails.add(email);
    const city = rng.pick(CITIES[country]);
    const street = rng.pick(STREETS[country]);
    const houseNumber = rng.int(1, country === "US" ? 9800 : 240);
    const address1 = country === "DE" ? `${street} ${houseNumber}` : `${houseNumber} ${street}`;
    const vip = rng.chance(0.05);
    const tags = vip ? ["vip"] : rng.chance(0.15) ? ["newsletter"] : [];
    const customer: Customer = {
      firstName,
      lastName,
      email,
      phone: rng.chance(0.7) ? `${PHONE_PREFIX[country]()}${rng.digits(2)}` : null,
      vip,
      tags,
      address: { address1, address2: rng.chance(0.2) ? `${rng.pick(["Apt", "Unit", "Suite"])} ${rng.int(1, 40)}` : null, place: city },
      id: 0,
    };
    customers.push(customer);
    return customer;
  };

  // ---- tracking numbers ----
  const usedNumbers = new Set<string>();
  const trackingNumber = (carrier: CarrierCode, shipping: ShippingTitle, international: boolean, upsCode: string | null): string => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const candidate = generateTrackingNumber(rng, carrier, accounts, shipping, international, upsCode);
      if (usedNumbers.has(candidate) || !isUnambiguousTrackingNumber(candidate, carrier)) continue;
      usedNumbers.add(candidate);
      return candidate;
    }
    throw new Error(`could not generate an unambiguous ${carrier} tracking number`);
  };

  // ---- fulfillment timing ----
  let fulfillmentSeq = 0;
  /** Builds a fulfillment whose creation time falls in [earliest, latest] (null when the scenario cannot). */
  const planFulfillment = (
    order: OrderPlan,
    scenario: Scenario,
    carrier: CarrierCode,
    window: { earliest: number; latest: number } | null,
    lead: number,
  ): FulfillmentPlan | null => {
    const location = carrier === "canada_post" ? CA_WAREHOUSE : US_WAREHOUSE;
    const destination = order.customer.address.place;
    const service = carrierService(rng, carrier, order.shipping.title, location, destination);
    // The journey depends on the day and hour it starts (pickups, working days), so it is built for a creation
    // time and the time is searched for: one whose journey ends before `end`, or leaves the scenario's quiet
    // spell before it.
    const journey = (at: number) => {
      const steps = scenarioSteps(rng, scenario, carrier, location, destination, at, service);
      // Carriers' feeds reach Shopify a little after the scan; created_at keeps the scan order.
      const createdOffsets: number[] = [];
      let previous = -Infinity;
      for (const step of steps) {
        const created = Math.max(step.offset + rng.duration(1 * MINUTE, 40 * MINUTE), previous + SECOND);
        createdOffsets.push(created);
        previous = created;
      }
      return { steps, createdOffsets, lastCreated: last(createdOffsets) };
    };
    const quiet = SCENARIO_QUIET[scenario];
    let built: ReturnType<typeof journey> | null = null;
    let createdAt: number | null = null;
    if (quiet === null) {
      const margin = rng.duration(5 * MINUTE, 12 * HOUR);
      const lo = window ? Math.max(window.earliest, start + lead) : start + lead;
      let hi = window ? Math.min(window.latest, end) : end;
      for (let attempt = 0; attempt < 40 && lo <= hi && createdAt === null; attempt++) {
        const near = lo + rng.duration(0, hi - lo);
        const printed = labelTime(rng, near);
        const candidate = Math.floor((printed >= lo && printed <= hi ? printed : near) / SECOND) * SECOND;
        built = journey(candidate);
        if (candidate + built.lastCreated + margin <= end) createdAt = candidate;
        else hi = candidate - HOUR;
      }
      if (createdAt === null) {
        if (window) return null;
        // no time fits a realistic journey: this one keeps its shape, placed to end just before `end`
        built ??= journey(lo);
        createdAt = end - built.lastCreated - margin;
      }
    } else {
      for (let attempt = 0; attempt < 12 && createdAt === null; attempt++) {
        const lastAt = end - rng.duration(quiet[0], quiet[1]);
        // a first journey says about how long this one takes, from then on
        const guess = journey(lastAt - 4 * DAY);
        const candidate = Math.floor((lastAt - guess.lastCreated) / SECOND) * SECOND;
        built = journey(candidate);
        const quietFor = end - (candidate + built.lastCreated);
        if (quietFor >= quiet[0] && quietFor <= quiet[1]) createdAt = candidate;
      }
      if (createdAt === null || built === null) {
        // a moment no working carrier could have (an out-for-delivery van on a Sunday evening): the journey
        // keeps its shape, placed so that its last event is as quiet as the scenario needs
        built ??= journey(end - 4 * DAY);
        createdAt = end - built.lastCreated - rng.duration(quiet[0], quiet[1]);
      }
      if (window && (createdAt < window.earliest || createdAt > window.latest)) return null;
    }
    const { steps, createdOffsets } = built!;
    createdAt = Math.floor(createdAt / SECOND) * SECOND;
    const events: EventPlan[] = steps.map((step, i) => ({
      status: step.status,
      message: step.message,
      place: step.place,
      happenedAt: createdAt + step.offset,
      createdAt: createdAt + at(createdOffsets, i),
      estimatedDeliveryAt: step.estimate === null ? null : eveningOf(createdAt! + step.estimate, offsetOf(destination)),
      id: 0,
    }));
    let deletion: FulfillmentPlan["deletion"] = null;
    if (events.length >= 2 && rng.chance(0.01)) {
      const eventIndex = rng.int(0, events.length - 2);
      const deletedAt = Math.min(end, at(events, eventIndex).createdAt + rng.duration(10 * MINUTE, 36 * HOUR));
      deletion = { eventIndex, at: deletedAt };
    }
    return {
      seq: fulfillmentSeq++,
      order,
      indexInOrder: order.fulfillments.length + 1,
      carrier,
      trackingCompany: rng.chance(0.05) ? "Other" : SHOPIFY_CARRIER_NAMES[carrier],
      numbers: [],
      scenario,
      location,
      service,
      createdAt,
      events,
      lineItems: [],
      deletion,
      arriveBeforeCreate: rng.chance(0.02),
      id: 0,
    };
  };

  // ---- orders ----
  const orders: OrderPlan[] = [];
  let remaining = shipments;
  let orderSeq = 0;
  const newOrder = (split: boolean): OrderPlan => {
    const customer = customers.length > 0 && rng.chance(0.18) ? rng.pick(customers) : newCustomer();
    const country = customer.address.place.countryCode;
    const lineCount = Math.max(split ? 2 : 1, rng.weighted([[1, 0.55], [2, 0.28], [3, 0.12], [4, 0.05]]));
    const lineItems: LineItemPlan[] = [];
    const products = [...PRODUCTS];
    for (let i = 0; i < lineCount; i++) {
      const index = rng.int(0, products.length - 1);
      lineItems.push({ product: at(products, index), quantity: rng.weighted([[1, 0.75], [2, 0.2], [3, 0.05]]), id: 0 });
      products.splice(index, 1);
    }
    const title = rng.weighted<ShippingTitle>([["Standard Shipping", 0.65], ["Express", 0.2], ["Economy", 0.15]]);
    const domestic = country === "US" || country === "CA";
    const shippingPrice = title === "Express" ? (domestic ? 19.95 : 39.95) : title === "Economy" ? (domestic ? 4.95 : 14.95) : domestic ? 7.95 : 24.95;
    const tags: string[] = customer.vip ? ["vip"] : [];
    if (rng.chance(0.12)) tags.push(rng.pick(EXTRA_ORDER_TAGS));
    const order: OrderPlan = {
      seq: orderSeq++,
      createdAt: 0,
      customer,
      lineItems,
      shipping: { title, price: shippingPrice, id: 0 },
      tags,
      locale: country === "DE" ? "de" : country === "CA" && customer.address.place.provinceCode === "QC" && rng.chance(0.6) ? "fr-CA" : "en",
      update: null,
      cancel: null,
      fulfillments: [],
      id: 0,
      number: 0,
      name: "",
    };
    orders.push(order);
    return order;
  };
  const scheduleOrderUpdate = (order: OrderPlan): void => {
    if (!rng.chance(0.3)) return;
    const updatedAt = order.createdAt + rng.duration(30 * MINUTE, 4 * DAY);
    if (updatedAt > end) return;
    const added = rng.pick(UPDATE_TAGS);
    const tags = order.tags.includes(added) ? order.tags.filter((t) => t !== added) : [...order.tags, added];
    order.update = { at: updatedAt, tags };
  };
  const attachNumbers = (f: FulfillmentPlan): void => {
    const order = f.order;
    const international = order.customer.address.place.countryCode !== f.location.place.countryCode;
    const count = remaining >= 2 && rng.chance(0.03) ? 2 : 1;
    for (let i = 0; i < count; i++) f.numbers.push(trackingNumber(f.carrier, order.shipping.title, international, f.service.upsCode));
    remaining -= count;
    order.fulfillments.push(f);
  };

  while (remaining > 0) {
    if (rng.chance(0.01)) {
      // Cancelled before fulfilment: no shipment, not in `intended`.
      const order = newOrder(false);
      order.createdAt = start + rng.duration(0, Math.max(1, end - start - 2 * HOUR));
      order.cancel = {
        at: Math.min(end, order.createdAt + rng.duration(15 * MINUTE, 30 * HOUR)),
        reason: rng.weighted([["customer", 0.6], ["inventory", 0.2], ["fraud", 0.1], ["declined", 0.05], ["other", 0.05]]),
      };
      continue;
    }
    const split = remaining >= 2 && rng.chance(0.08);
    const order = newOrder(split);
    const destinationCountry = order.customer.address.place.countryCode;
    const lead = rng.duration(20 * MINUTE, 20 * MINUTE + rng.float() * 36 * HOUR);
    const first = planFulfillment(order, rng.weighted(SCENARIO_WEIGHTS), carrierFor(rng, destinationCountry), null, lead);
    if (first === null) throw new Error("unreachable: a fulfillment without a window always fits");
    order.createdAt = first.createdAt - lead;
    attachNumbers(first);
    if (split && remaining > 0) {
      for (let attempt = 0; attempt < 25; attempt++) {
        const window = { earliest: first.createdAt + 1 * HOUR, latest: first.createdAt + 4 * DAY };
        const second = planFulfillment(order, rng.weighted(SCENARIO_WEIGHTS), carrierFor(rng, destinationCountry), window, 0);
        if (second === null) continue;
        attachNumbers(second);
        break;
      }
    }
    // Split the order's line items between its fulfillments.
    const fulfillments = order.fulfillments;
    order.lineItems.forEach((item, i) => at(fulfillments, i < fulfillments.length ? i : rng.int(0, fulfillments.length - 1)).lineItems.push(item));
    scheduleOrderUpdate(order);
  }

  // ---- ids, in time order, like Shopify's ----
  const byTime = <T extends { seq: number }>(items: T[], time: (item: T) => number): T[] =>
    [...items].sort((a, b) => time(a) - time(b) || a.seq - b.seq);
  const sortedOrders = byTime(orders, (o) => o.createdAt);
  let orderId = 5_600_000_000_000 + rng.int(0, 300_000_000_000);
  let customerId = 7_100_000_000_000 + rng.int(0, 300_000_000_000);
  let lineItemId = 14_200_000_000_000 + rng.int(0, 300_000_000_000);
  let shippingLineId = 4_700_000_000_000 + rng.int(0, 300_000_000_000);
  sortedOrders.forEach((order, i) => {
    orderId += rng.int(200_000, 30_000_000);
    order.id = orderId;
    order.number = (options.firstOrderNumber ?? 1001) + i;
    order.name = `#${order.number}`;
    if (order.customer.id === 0) {
      customerId += rng.int(100_000, 20_000_000);
      order.customer.id = customerId;
    }
    for (const item of order.lineItems) {
      lineItemId += rng.int(1_000, 4_000_000);
      item.id = lineItemId;
    }
    shippingLineId += rng.int(1_000, 4_000_000);
    order.shipping.id = shippingLineId;
  });
  const fulfillments = byTime(
    sortedOrders.flatMap((o) => o.fulfillments),
    (f) => f.createdAt,
  );
  let fulfillmentId = 4_900_000_000_000 + rng.int(0, 300_000_000_000);
  for (const f of fulfillments) {
    fulfillmentId += rng.int(100_000, 20_000_000);
    f.id = fulfillmentId;
  }
  const allEvents = fulfillments.flatMap((f) => f.events.map((e, i) => ({ e, seq: f.seq * 1000 + i })));
  allEvents.sort((a, b) => a.e.createdAt - b.e.createdAt || a.seq - b.seq);
  let eventId = 2_900_000_000_000 + rng.int(0, 300_000_000_000);
  for (const { e } of allEvents) {
    eventId += rng.int(1_000, 2_000_000);
    e.id = eventId;
  }

  // ---- payloads ----
  const orderPayload = (order: OrderPlan, state: "create" | "updated" | "cancelled"): Record<string, unknown> => {
    const c = order.customer;
    const p = c.address.place;
    const subtotal = order.lineItems.reduce((sum, item) => sum + item.product.price * item.quantity, 0);
    const tags = state === "updated" && order.update ? order.update.tags : order.tags;
    const updatedAt = state === "updated" && order.update ? order.update.at : state === "cancelled" && order.cancel ? order.cancel.at : order.createdAt;
    const cancelled = state === "cancelled" && order.cancel;
    return {
      id: order.id,
      admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
      name: order.name,
      order_number: order.number,
      email: c.email,
      phone: c.phone,
      created_at: shopTime(order.createdAt),
      updated_at: shopTime(updatedAt),
      cancelled_at: cancelled ? shopTime(cancelled.at) : null,
      cancel_reason: cancelled ? cancelled.reason : null,
      currency: "USD",
      total_price: money(subtotal + order.shipping.price),
      subtotal_price: money(subtotal),
      customer_locale: order.locale,
      tags: tags.join(", "),
      customer: {
        id: c.id,
        email: c.email,
        first_name: c.firstName,
        last_name: c.lastName,
        phone: c.phone,
        tags: c.tags.join(", "),
        admin_graphql_api_id: `gid://shopify/Customer/${c.id}`,
      },
      shipping_address: {
        first_name: c.firstName,
        last_name: c.lastName,
        name: `${c.firstName} ${c.lastName}`,
        address1: c.address.address1,
        address2: c.address.address2,
        city: p.city,
        province: p.province,
        province_code: p.provinceCode,
        country: COUNTRY_NAMES[p.countryCode],
        country_code: p.countryCode,
        zip: p.zip,
        phone: c.phone,
      },
      shipping_lines: [
        {
          id: order.shipping.id,
          code: order.shipping.title,
          title: order.shipping.title,
          price: money(order.shipping.price),
          source: "shopify",
        },
      ],
      line_items: order.lineItems.map((item) => ({
        id: item.id,
        title: item.product.title,
        quantity: item.quantity,
        price: money(item.product.price),
        sku: item.product.sku,
      })),
    };
  };

  /**
   * The parts of a fulfillment that never change are built once and shared (frozen) by its ~10
   * payloads: building them afresh each time made garbage collection a third of the run time.
   */
  const fulfillmentParts = new Map<FulfillmentPlan, Record<string, unknown>>();
  const fulfillmentPayload = (f: FulfillmentPlan, updatedAt: number, shipmentStatus: FulfillmentEventStatus | null): Record<string, unknown> => {
    let parts = fulfillmentParts.get(f);
    if (parts === undefined) {
      const c = f.order.customer;
      const p = c.address.place;
      const urls = f.trackingCompany === "Other" ? [] : f.numbers.map((n) => trackingUrl(f.carrier, n));
      const origin = f.location;
      parts = {
        tracking_numbers: Object.freeze([...f.numbers]),
        tracking_url: urls[0] ?? null,
        tracking_urls: Object.freeze(urls),
        origin_address: Object.freeze({
          address1: origin.address1,
          address2: null,
          city: origin.place.city,
          zip: origin.place.zip,
          province_code: origin.place.provinceCode,
          country_code: origin.place.countryCode,
        }),
        destination: Object.freeze({
          first_name: c.firstName,
          last_name: c.lastName,
          name: `${c.firstName} ${c.lastName}`,
          address1: c.address.address1,
          address2: c.address.address2,
          city: p.city,
          zip: p.zip,
          province: p.province,
          province_code: p.provinceCode,
          country: COUNTRY_NAMES[p.countryCode],
          country_code: p.countryCode,
          phone: c.phone,
          latitude: p.lat,
          longitude: p.lng,
        }),
        receipt: Object.freeze({}),
        line_items: Object.freeze(
          f.lineItems.map((item) =>
            Object.freeze({ id: item.id, title: item.product.title, quantity: item.quantity, price: money(item.product.price), sku: item.product.sku }),
          ),
        ),
      };
      fulfillmentParts.set(f, parts);
    }
    return {
      id: f.id,
      order_id: f.order.id,
      status: "success",
      created_at: shopTime(f.createdAt),
      updated_at: shopTime(updatedAt),
      service: "manual",
      name: `${f.order.name}.${f.indexInOrder}`,
      admin_graphql_api_id: `gid://shopify/Fulfillment/${f.id}`,
      tracking_company: f.trackingCompany,
      shipment_status: shipmentStatus,
      tracking_number: at(f.numbers, 0),
      tracking_numbers: parts["tracking_numbers"],
      tracking_url: parts["tracking_url"],
      tracking_urls: parts["tracking_urls"],
      location_id: locationIds[f.location.key],
      origin_address: parts["origin_address"],
      destination: parts["destination"],
      email: f.order.customer.email,
      receipt: parts["receipt"],
      line_items: parts["line_items"],
    };
  };

  const eventPayload = (f: FulfillmentPlan, e: EventPlan): Record<string, unknown> => ({
    id: e.id,
    fulfillment_id: f.id,
    status: e.status,
    message: e.message,
    happened_at: shopTime(e.happenedAt),
    city: e.place.city,
    province: e.place.province,
    country: COUNTRY_NAMES[e.place.countryCode],
    zip: e.place.zip,
    address1: null,
    latitude: e.place.lat,
    longitude: e.place.lng,
    shop_id: shopId,
    created_at: shopTime(e.createdAt),
    updated_at: shopTime(e.createdAt),
    estimated_delivery_at: e.estimatedDeliveryAt === null ? null : shopTime(e.estimatedDeliveryAt),
    order_id: f.order.id,
    admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${e.id}`,
  });

  // ---- deliveries, chronological ----
  interface Raw {
    topic: WebhookTopic;
    at: number;
    seq: number;
    payload: Record<string, unknown>;
    /** the change this delivery belongs to (deliveries of one change share an X-Shopify-Event-Id) */
    change: number;
    fulfillment: FulfillmentPlan | null;
  }
  const raws: Raw[] = [];
  let change = 0;
  const push = (topic: WebhookTopic, when: number, payload: Record<string, unknown>, fulfillment: FulfillmentPlan | null = null, sameChange = false): void => {
    if (!sameChange) change++;
    raws.push({ topic, at: when, seq: raws.length, payload, change, fulfillment });
  };
  for (const order of sortedOrders) {
    push("orders/create", order.createdAt, orderPayload(order, "create"));
    if (order.update) push("orders/updated", order.update.at, orderPayload(order, "updated"));
    if (order.cancel) push("orders/cancelled", order.cancel.at, orderPayload(order, "cancelled"));
  }
  for (const f of fulfillments) {
    push("fulfillments/create", f.createdAt, fulfillmentPayload(f, f.createdAt, null), f);
    for (const e of f.events) {
      push("fulfillment_events/create", e.createdAt, eventPayload(f, e), f);
      push("fulfillments/update", e.createdAt, fulfillmentPayload(f, e.createdAt, e.status), f, true);
    }
    if (f.deletion) push("fulfillment_events/delete", f.deletion.at, eventPayload(f, at(f.events, f.deletion.eventIndex)), f);
  }
  raws.sort((a, b) => a.at - b.at || a.seq - b.seq);

  const changeIds = new Map<number, string>();
  const chronological: SimulatedDelivery[] = [];
  const owner = new Map<SimulatedDelivery, Raw>();
  for (const raw of raws) {
    let eventIdHeader = changeIds.get(raw.change);
    if (eventIdHeader === undefined) {
      eventIdHeader = rng.uuid();
      changeIds.set(raw.change, eventIdHeader);
    }
    const delivery: SimulatedDelivery = {
      topic: raw.topic,
      webhookId: rng.uuid(),
      eventId: eventIdHeader,
      triggeredAt: new Date(raw.at).toISOString(),
      payload: raw.payload,
    };
    owner.set(delivery, raw);
    chronological.push(delivery);
  }

  // ---- arrival order ----
  // Mostly chronological, shuffled among neighbours; about 1% arrive minutes to hours late (a failed
  // first attempt the app never saw), which can put an older carrier event after a newer one.
  const times = raws.map((raw) => raw.at);
  /** Index of the first chronological delivery at or after `t`. */
  const positionAt = (t: number): number => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(times, mid) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  /** Shopify's retry backoff: about a minute, doubling, up to about four hours. */
  const retryDelay = (): number => rng.duration(MINUTE, 2 * MINUTE) * 2 ** rng.int(0, 7);
  const shuffled = reorderWindow > 1;
  let arrival = chronological
    .map((delivery, i) => {
      if (shuffled && rng.chance(0.01)) return { delivery, key: positionAt(at(times, i) + retryDelay()) + rng.float() };
      return { delivery, key: i + (shuffled ? rng.float() * reorderWindow : 0) };
    })
    .sort((a, b) => a.key - b.key)
    .map((x) => x.delivery);

  // Some fulfillments' first event arrives before the fulfillment itself (at least one, when there is one):
  // their fulfillments/create is held back until just after that event.
  const early = new Set(shuffled ? fulfillments.filter((f) => f.arriveBeforeCreate) : []);
  const firstFulfillment = fulfillments[0];
  if (shuffled && early.size === 0 && firstFulfillment) early.add(firstFulfillment);
  if (early.size > 0) {
    const held = new Map<FulfillmentPlan, SimulatedDelivery>();
    const reordered: SimulatedDelivery[] = [];
    for (const delivery of arrival) {
      const f = owner.get(delivery)?.fulfillment;
      if (f && early.has(f)) {
        if (delivery.topic === "fulfillments/create") {
          held.set(f, delivery);
          continue;
        }
        if (delivery.topic === "fulfillment_events/create") {
          reordered.push(delivery);
          const create = held.get(f);
          if (create) reordered.push(create);
          early.delete(f);
          continue;
        }
      }
      reordered.push(delivery);
    }
    for (const [f, create] of held) if (early.has(f)) reordered.push(create); // (a fulfillment always has events)
    arrival = reordered;
  }

  // ---- retries: the same delivery again (same webhook id and payload), later ----
  const withDuplicates: { delivery: SimulatedDelivery; key: number }[] = [];
  arrival.forEach((delivery, i) => {
    withDuplicates.push({ delivery, key: i });
    if (rng.chance(duplicateRate)) {
      // The retry comes as many deliveries later as the store produces during the backoff.
      const sent = Date.parse(delivery.triggeredAt);
      const later = positionAt(sent + retryDelay()) - positionAt(sent);
      const copy: SimulatedDelivery = { ...delivery, payload: structuredClone(delivery.payload) };
      withDuplicates.push({ delivery: copy, key: i + 1 + later + rng.float() });
    }
  });
  arrival = withDuplicates.sort((a, b) => a.key - b.key).map((x) => x.delivery);

  // ---- ground truth ----
  const intended: IntendedShipment[] = [];
  for (const f of fulfillments) {
    const outcome = SCENARIO_OUTCOMES[f.scenario];
    for (const number of f.numbers) {
      intended.push({
        orderName: f.order.name,
        trackingNumber: number,
        carrierCode: f.carrier,
        scenario: f.scenario,
        status: outcome.status,
        reason: outcome.reason,
        fulfillmentId: f.id,
        email: f.order.customer.email,
      });
    }
  }

  return { shop: options.shop, deliveries: arrival, intended, orders: orders.length };
}
