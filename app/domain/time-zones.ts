import { isValidTimeZone } from "./business-time";

/**
 * A recipient's time zone from their shipping address: quiet hours and the dates a shopper reads are the
 * shopper's, not the merchant's. Pure data (IANA names) plus lookups.
 *
 * - A country with one zone takes it from its ISO 3166-1 alpha-2 code (every code the IANA zone.tab lists,
 *   plus the few extra codes Shopify uses). Countries whose several zones all keep the same clock today
 *   (Germany/Büsingen, Kazakhstan since 2024, Malaysia, Uzbekistan …) count as one.
 * - A country whose zones differ takes it from the region (Shopify's `province_code`, with or without the
 *   "CC-" prefix), else from the postal code (US ZIP prefixes, Canadian first letters, Australian postcodes,
 *   Brazilian CEP ranges, Mexican and Russian prefixes, and the islands that keep their own clock). A postal
 *   code that agrees with the region refines it (El Paso is on Mountain time, Texas is on Central).
 * - With nothing but the country, the shop's own zone when it lies in that country (a domestic order),
 *   else the country's main zone. The shop's zone alone only when the country is unknown.
 *
 * The single-zone table was generated once from the tz database's zone.tab (2025b); the rest is by hand.
 */

export interface DestinationPlace {
  /** ISO alpha-2 code ("JP") or the country's name ("Japan", "Royaume-Uni") */
  country?: string | null;
  /** the region's code ("CA", "JP-13", "Q ROO") */
  region?: string | null;
  /** the postal code as written ("94105-1234", "K1P 5K9", "01310-100") */
  postalCode?: string | null;
}

/** The recipient's zone: see the module comment for the order in which the address decides. */
export function zoneForDestination(place: DestinationPlace, fallback: string): string {
  const country = countryCodeOf(place.country);
  if (!country) return fallback;
  const single = SINGLE_ZONE[country];
  if (single) return usable(single) ?? fallback;
  const multi = MULTI_ZONE[country];
  if (!multi) return fallback;
  const code = regionCodeOf(place.region, country);
  const region = multi.aliases?.[code] ?? code;
  const byRegion = region ? (multi.regions[region] ?? (multi.regionsComplete ? undefined : multi.main)) : undefined;
  const postal = multi.byPostal?.(postalCodeOf(place.postalCode));
  // the postal code is finer than the region where it agrees with it, and the only clue where the region is missing
  const chosen =
    postal && (byRegion === undefined || postal.region === region)
      ? postal.zone
      : byRegion ?? (multi.zones.includes(fallback) ? fallback : multi.main);
  return usable(chosen) ?? usable(multi.main) ?? fallback;
}

/** A zone this runtime's Intl knows: a zone added to the tz database lately (America/Coyhaique, 2025) may not be. */
function usable(zone: string): string | undefined {
  return isValidTimeZone(zone) ? zone : undefined;
}

// ---- countries: codes and names

/** "JP", "jp", "Japan", "Japon", "Vereinigtes Königreich", "USA" → the ISO alpha-2 code; null when unknown. */
export function countryCodeOf(country: string | null | undefined): string | null {
  const raw = (country ?? "").trim();
  if (!raw) return null;
  const upper = raw.toUpperCase();
  if (Object.hasOwn(SINGLE_ZONE, upper) || Object.hasOwn(MULTI_ZONE, upper)) return upper;
  // a name, or a short form people write that is no ISO code ("UK", "USA")
  return countryNames().get(nameKey(raw)) ?? null;
}

const NAME_LOCALES = ["en", "fr", "es", "de", "ja"] as const;
/** Names stores and address forms use that Intl's display names do not give. */
const NAME_ALIASES: Record<string, string> = {
  USA: "US", "U.S.A.": "US", "United States of America": "US", America: "US",
  UK: "GB", "Great Britain": "GB", Britain: "GB", England: "GB", Scotland: "GB", Wales: "GB", "Northern Ireland": "GB",
  "Korea, Republic of": "KR", "Republic of Korea": "KR", Korea: "KR", "Russian Federation": "RU", "Czech Republic": "CZ",
  "Viet Nam": "VN", Turkey: "TR", "Ivory Coast": "CI", "Cote d'Ivoire": "CI", Macedonia: "MK", Swaziland: "SZ",
  Burma: "MM", "Cabo Verde": "CV", "East Timor": "TL", "Holy See": "VA", "Hong Kong": "HK", Macau: "MO", Macao: "MO",
  Palestine: "PS", "Iran, Islamic Republic of": "IR", "Syrian Arab Republic": "SY", "Lao People's Democratic Republic": "LA",
  "Tanzania, United Republic of": "TZ", "Moldova, Republic of": "MD", "Bolivia, Plurinational State of": "BO",
  "Venezuela, Bolivarian Republic of": "VE", "Micronesia, Federated States of": "FM", Holland: "NL", "The Netherlands": "NL",
  "Saint Martin": "MF", "Saint Barthelemy": "BL", "Saint Pierre and Miquelon": "PM", "Saint Kitts and Nevis": "KN",
  "Saint Lucia": "LC", "Saint Vincent and the Grenadines": "VC", "Saint Helena": "SH", "Virgin Islands, U.S.": "VI",
  "US Virgin Islands": "VI", "Virgin Islands, British": "VG", "Taiwan, Province of China": "TW",
};
let names: Map<string, string> | undefined;

function countryNames(): Map<string, string> {
  if (names) return names;
  const map = new Map<string, string>();
  const codes = [...Object.keys(SINGLE_ZONE), ...Object.keys(MULTI_ZONE)];
  for (const locale of NAME_LOCALES) {
    const display = new Intl.DisplayNames([locale], { type: "region", fallback: "none" });
    for (const code of codes) {
      const name = display.of(code);
      if (!name) continue;
      map.set(nameKey(name), code);
      // "Myanmar (Burma)", "Hong Kong SAR China": the short form too
      map.set(nameKey(name.replace(/\s*\(.*\)\s*$/, "").replace(/\s+SAR\b.*$/i, "")), code);
    }
  }
  for (const [alias, code] of Object.entries(NAME_ALIASES)) map.set(nameKey(alias), code);
  return (names = map);
}

/** Case, accents, punctuation and "&"/"and" do not matter: "Bosnia & Herzegovina" = "bosnia and herzegovina". */
function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/\b(st)\b\.?/g, "saint")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

function regionCodeOf(region: string | null | undefined, country: string): string {
  const r = (region ?? "").trim().toUpperCase();
  const bare = r.startsWith(`${country}-`) ? r.slice(country.length + 1) : r;
  return bare.replace(/[\s.]+/g, "");
}

function postalCodeOf(postalCode: string | null | undefined): string {
  return (postalCode ?? "").toUpperCase().replace(/[^A-Z0-9]/g, "");
}

// ---- countries with one clock

const SINGLE_ZONE: Record<string, string> = {
  AD: "Europe/Andorra", AE: "Asia/Dubai", AF: "Asia/Kabul", AG: "America/Antigua", AI: "America/Anguilla",
  AL: "Europe/Tirane", AM: "Asia/Yerevan", AO: "Africa/Luanda", AR: "America/Argentina/Buenos_Aires",
  AS: "Pacific/Pago_Pago", AT: "Europe/Vienna", AW: "America/Aruba", AX: "Europe/Mariehamn", AZ: "Asia/Baku",
  BA: "Europe/Sarajevo", BB: "America/Barbados", BD: "Asia/Dhaka", BE: "Europe/Brussels", BF: "Africa/Ouagadougou",
  BG: "Europe/Sofia", BH: "Asia/Bahrain", BI: "Africa/Bujumbura", BJ: "Africa/Porto-Novo",
  BL: "America/St_Barthelemy", BM: "Atlantic/Bermuda", BN: "Asia/Brunei", BO: "America/La_Paz",
  BQ: "America/Kralendijk", BS: "America/Nassau", BT: "Asia/Thimphu", BW: "Africa/Gaborone", BY: "Europe/Minsk",
  BZ: "America/Belize", CC: "Indian/Cocos", CF: "Africa/Bangui", CG: "Africa/Brazzaville", CH: "Europe/Zurich",
  CI: "Africa/Abidjan", CK: "Pacific/Rarotonga", CM: "Africa/Douala", CN: "Asia/Shanghai", CO: "America/Bogota",
  CR: "America/Costa_Rica", CU: "America/Havana", CV: "Atlantic/Cape_Verde", CW: "America/Curacao",
  CX: "Indian/Christmas", CY: "Asia/Nicosia", CZ: "Europe/Prague", DE: "Europe/Berlin", DJ: "Africa/Djibouti",
  DK: "Europe/Copenhagen", DM: "America/Dominica", DO: "America/Santo_Domingo", DZ: "Africa/Algiers",
  EE: "Europe/Tallinn", EG: "Africa/Cairo", EH: "Africa/El_Aaiun", ER: "Africa/Asmara", ET: "Africa/Addis_Ababa",
  FI: "Europe/Helsinki", FJ: "Pacific/Fiji", FK: "Atlantic/Stanley", FO: "Atlantic/Faroe", FR: "Europe/Paris",
  GA: "Africa/Libreville", GB: "Europe/London", GD: "America/Grenada", GE: "Asia/Tbilisi", GF: "America/Cayenne",
  GG: "Europe/Guernsey", GH: "Africa/Accra", GI: "Europe/Gibraltar", GM: "Africa/Banjul", GN: "Africa/Conakry",
  GP: "America/Guadeloupe", GQ: "Africa/Malabo", GR: "Europe/Athens", GS: "Atlantic/South_Georgia",
  GT: "America/Guatemala", GU: "Pacific/Guam", GW: "Africa/Bissau", GY: "America/Guyana", HK: "Asia/Hong_Kong",
  HN: "America/Tegucigalpa", HR: "Europe/Zagreb", HT: "America/Port-au-Prince", HU: "Europe/Budapest",
  IE: "Europe/Dublin", IL: "Asia/Jerusalem", IM: "Europe/Isle_of_Man", IN: "Asia/Kolkata", IO: "Indian/Chagos",
  IQ: "Asia/Baghdad", IR: "Asia/Tehran", IS: "Atlantic/Reykjavik", IT: "Europe/Rome", JE: "Europe/Jersey",
  JM: "America/Jamaica", JO: "Asia/Amman", JP: "Asia/Tokyo", KE: "Africa/Nairobi", KG: "Asia/Bishkek",
  KH: "Asia/Phnom_Penh", KM: "Indian/Comoro", KN: "America/St_Kitts", KP: "Asia/Pyongyang", KR: "Asia/Seoul",
  KW: "Asia/Kuwait", KY: "America/Cayman", KZ: "Asia/Almaty", LA: "Asia/Vientiane", LB: "Asia/Beirut",
  LC: "America/St_Lucia", LI: "Europe/Vaduz", LK: "Asia/Colombo", LR: "Africa/Monrovia", LS: "Africa/Maseru",
  LT: "Europe/Vilnius", LU: "Europe/Luxembourg", LV: "Europe/Riga", LY: "Africa/Tripoli", MA: "Africa/Casablanca",
  MC: "Europe/Monaco", MD: "Europe/Chisinau", ME: "Europe/Podgorica", MF: "America/Marigot",
  MG: "Indian/Antananarivo", MH: "Pacific/Majuro", MK: "Europe/Skopje", ML: "Africa/Bamako", MM: "Asia/Yangon",
  MO: "Asia/Macau", MP: "Pacific/Saipan", MQ: "America/Martinique", MR: "Africa/Nouakchott",
  MS: "America/Montserrat", MT: "Europe/Malta", MU: "Indian/Mauritius", MV: "Indian/Maldives", MW: "Africa/Blantyre",
  MY: "Asia/Kuala_Lumpur", MZ: "Africa/Maputo", NA: "Africa/Windhoek", NC: "Pacific/Noumea", NE: "Africa/Niamey",
  NF: "Pacific/Norfolk", NG: "Africa/Lagos", NI: "America/Managua", NL: "Europe/Amsterdam", NO: "Europe/Oslo",
  NP: "Asia/Kathmandu", NR: "Pacific/Nauru", NU: "Pacific/Niue", OM: "Asia/Muscat", PA: "America/Panama",
  PE: "America/Lima", PH: "Asia/Manila", PK: "Asia/Karachi", PL: "Europe/Warsaw", PM: "America/Miquelon",
  PN: "Pacific/Pitcairn", PR: "America/Puerto_Rico", PS: "Asia/Hebron", PW: "Pacific/Palau", PY: "America/Asuncion",
  QA: "Asia/Qatar", RE: "Indian/Reunion", RO: "Europe/Bucharest", RS: "Europe/Belgrade", RW: "Africa/Kigali",
  SA: "Asia/Riyadh", SB: "Pacific/Guadalcanal", SC: "Indian/Mahe", SD: "Africa/Khartoum", SE: "Europe/Stockholm",
  SG: "Asia/Singapore", SH: "Atlantic/St_Helena", SI: "Europe/Ljubljana", SJ: "Arctic/Longyearbyen",
  SK: "Europe/Bratislava", SL: "Africa/Freetown", SM: "Europe/San_Marino", SN: "Africa/Dakar",
  SO: "Africa/Mogadishu", SR: "America/Paramaribo", SS: "Africa/Juba", ST: "Africa/Sao_Tome",
  SV: "America/El_Salvador", SX: "America/Lower_Princes", SY: "Asia/Damascus", SZ: "Africa/Mbabane",
  TC: "America/Grand_Turk", TD: "Africa/Ndjamena", TF: "Indian/Kerguelen", TG: "Africa/Lome", TH: "Asia/Bangkok",
  TJ: "Asia/Dushanbe", TK: "Pacific/Fakaofo", TL: "Asia/Dili", TM: "Asia/Ashgabat", TN: "Africa/Tunis",
  TO: "Pacific/Tongatapu", TR: "Europe/Istanbul", TT: "America/Port_of_Spain", TV: "Pacific/Funafuti",
  TW: "Asia/Taipei", TZ: "Africa/Dar_es_Salaam", UG: "Africa/Kampala", UY: "America/Montevideo", UZ: "Asia/Tashkent",
  VA: "Europe/Vatican", VC: "America/St_Vincent", VE: "America/Caracas", VG: "America/Tortola",
  VI: "America/St_Thomas", VN: "Asia/Ho_Chi_Minh", VU: "Pacific/Efate", WF: "Pacific/Wallis", WS: "Pacific/Apia",
  YE: "Asia/Aden", YT: "Indian/Mayotte", ZA: "Africa/Johannesburg", ZM: "Africa/Lusaka", ZW: "Africa/Harare",
  // codes Shopify uses beyond ISO 3166-1: Ascension, Tristan da Cunha, Kosovo
  AC: "Atlantic/St_Helena", TA: "Atlantic/St_Helena", XK: "Europe/Belgrade",
};

// ---- countries with several clocks

interface PostalZone {
  zone: string;
  /** the region the postal code lies in, when the country has region codes: a postal code only refines its own region */
  region?: string;
}

interface MultiZone {
  /** the zone most of the country's people live on */
  main: string;
  /** every zone of the country (tz zone.tab): the shop's own zone, if it is one of them, beats `main` */
  zones: readonly string[];
  /** region code → zone */
  regions: Record<string, string>;
  /** true when `regions` lists every region; otherwise a region it does not list is on `main` */
  regionsComplete: boolean;
  /** other codes in use for the same regions (Shopify's, where they differ from ISO 3166-2) */
  aliases?: Record<string, string>;
  byPostal?: (postal: string) => PostalZone | undefined;
}

const list = (names: string) => names.split(" ");

/** Sorted [first key, value] ranges: the value of the last range starting at or before the key. */
function ranges<T>(table: ReadonlyArray<readonly [number, T | null]>): (key: number) => T | undefined {
  return (key) => {
    let found: T | null | undefined;
    for (const [start, value] of table) {
      if (start > key) break;
      found = value;
    }
    return found ?? undefined;
  };
}

const digits = (postal: string, n: number): number | undefined => (new RegExp(`^\\d{${n}}`).test(postal) ? Number(postal.slice(0, n)) : undefined);

// United States: states, then ZIP prefixes (first three digits).
const US_STATES: Record<string, string> = {
  AL: "America/Chicago", AK: "America/Anchorage", AZ: "America/Phoenix", AR: "America/Chicago", CA: "America/Los_Angeles",
  CO: "America/Denver", CT: "America/New_York", DE: "America/New_York", DC: "America/New_York", FL: "America/New_York",
  GA: "America/New_York", HI: "Pacific/Honolulu", ID: "America/Boise", IL: "America/Chicago", IN: "America/Indiana/Indianapolis",
  IA: "America/Chicago", KS: "America/Chicago", KY: "America/New_York", LA: "America/Chicago", ME: "America/New_York",
  MD: "America/New_York", MA: "America/New_York", MI: "America/Detroit", MN: "America/Chicago", MS: "America/Chicago",
  MO: "America/Chicago", MT: "America/Denver", NE: "America/Chicago", NV: "America/Los_Angeles", NH: "America/New_York",
  NJ: "America/New_York", NM: "America/Denver", NY: "America/New_York", NC: "America/New_York", ND: "America/Chicago",
  OH: "America/New_York", OK: "America/Chicago", OR: "America/Los_Angeles", PA: "America/New_York", RI: "America/New_York",
  SC: "America/New_York", SD: "America/Chicago", TN: "America/Chicago", TX: "America/Chicago", UT: "America/Denver",
  VT: "America/New_York", VA: "America/New_York", WA: "America/Los_Angeles", WV: "America/New_York", WI: "America/Chicago",
  WY: "America/Denver", PR: "America/Puerto_Rico", GU: "Pacific/Guam", VI: "America/St_Thomas", AS: "Pacific/Pago_Pago",
  MP: "Pacific/Saipan", PW: "Pacific/Palau", MH: "Pacific/Majuro",
};

/** ZIP prefix → state (null: unused, or military mail, which has no clock of its own). */
const US_ZIP_STATE = ranges<string>([
  [0, null], [5, "NY"], [6, "PR"], [8, "VI"], [9, "PR"], [10, "MA"], [28, "RI"], [30, "NH"], [39, "ME"], [50, "VT"],
  [55, "MA"], [56, "VT"], [60, "CT"], [70, "NJ"], [90, null], [100, "NY"], [150, "PA"], [197, "DE"], [200, "DC"], [201, "VA"],
  [202, "DC"], [206, "MD"], [220, "VA"], [247, "WV"], [269, null], [270, "NC"], [290, "SC"], [300, "GA"], [320, "FL"],
  [340, null], [341, "FL"], [350, "AL"], [370, "TN"], [386, "MS"], [398, "GA"], [400, "KY"], [428, null], [430, "OH"],
  [460, "IN"], [480, "MI"], [500, "IA"], [529, null], [530, "WI"], [550, "MN"], [568, null], [569, "DC"], [570, "SD"],
  [578, null], [580, "ND"], [589, null], [590, "MT"], [600, "IL"], [630, "MO"], [659, null], [660, "KS"], [680, "NE"],
  [694, null], [700, "LA"], [715, null], [716, "AR"], [730, "OK"], [733, "TX"], [734, "OK"], [750, "TX"], [800, "CO"],
  [817, null], [820, "WY"], [832, "ID"], [839, null], [840, "UT"], [848, null], [850, "AZ"], [866, null], [870, "NM"],
  [885, "TX"], [886, null], [889, "NV"], [899, null], [900, "CA"], [962, null], [967, "HI"], [969, "GU"], [970, "OR"],
  [980, "WA"], [995, "AK"],
]);

/** ZIP prefixes on another clock than the rest of their state. */
const US_ZIP_ZONE: Record<number, string> = {
  // Florida's panhandle west of the Apalachicola
  324: "America/Chicago", 325: "America/Chicago",
  // East Tennessee (Chattanooga, Knoxville, the Tri-Cities)
  373: "America/New_York", 374: "America/New_York", 376: "America/New_York", 377: "America/New_York", 378: "America/New_York", 379: "America/New_York",
  // western Kentucky
  420: "America/Chicago", 421: "America/Chicago", 422: "America/Chicago", 423: "America/Chicago", 424: "America/Chicago",
  // northwest (Gary) and southwest (Evansville) Indiana
  463: "America/Chicago", 464: "America/Chicago", 476: "America/Chicago", 477: "America/Chicago",
  // the western Dakotas and Nebraska panhandle
  577: "America/Denver", 586: "America/Denver", 693: "America/Denver",
  // El Paso and far west Texas
  798: "America/Denver", 799: "America/Denver", 885: "America/Denver",
  // the Idaho panhandle
  835: "America/Los_Angeles", 838: "America/Los_Angeles",
  // Malheur County, Oregon
  979: "America/Boise",
};

function usPostal(postal: string): PostalZone | undefined {
  const zip = digits(postal, 5) === undefined ? undefined : digits(postal, 3);
  if (zip === undefined) return undefined;
  if (postal.startsWith("96799")) return { zone: "Pacific/Pago_Pago", region: "AS" };
  const state = US_ZIP_STATE(zip);
  if (!state) return undefined;
  return { zone: US_ZIP_ZONE[zip] ?? US_STATES[state]!, region: state };
}

// Canada: provinces, then the postal code's first letter (and a few districts on another clock).
const CA_PROVINCES: Record<string, string> = {
  AB: "America/Edmonton", BC: "America/Vancouver", MB: "America/Winnipeg", NB: "America/Moncton", NL: "America/St_Johns",
  NS: "America/Halifax", NT: "America/Edmonton", NU: "America/Iqaluit", ON: "America/Toronto", PE: "America/Halifax",
  QC: "America/Toronto", SK: "America/Regina", YT: "America/Whitehorse",
};
const CA_LETTER: Record<string, string> = {
  A: "NL", B: "NS", C: "PE", E: "NB", G: "QC", H: "QC", J: "QC", K: "ON", L: "ON", M: "ON", N: "ON", P: "ON",
  R: "MB", S: "SK", T: "AB", V: "BC", Y: "YT",
};
const CA_DISTRICT: Record<string, string> = {
  A0P: "America/Goose_Bay", A0R: "America/Goose_Bay", // Labrador
  G4T: "America/Halifax", // Magdalen Islands
  P8N: "America/Winnipeg", P8T: "America/Winnipeg", P9A: "America/Winnipeg", P9N: "America/Winnipeg", P0V: "America/Winnipeg", // northwest Ontario
  S9V: "America/Edmonton", // Lloydminster
  V0B: "America/Edmonton", V1C: "America/Edmonton", // East Kootenay
  V1G: "America/Dawson_Creek", V1J: "America/Dawson_Creek", // Peace River
  X0B: "America/Cambridge_Bay", X0C: "America/Rankin_Inlet", // Kitikmeot, Kivalliq
};

function caPostal(postal: string): PostalZone | undefined {
  if (!/^[A-Z]\d[A-Z]/.test(postal)) return undefined;
  const district = postal.slice(0, 3);
  const region = postal[0] === "X" ? (["X0A", "X0B", "X0C"].includes(district) ? "NU" : "NT") : CA_LETTER[postal[0]!];
  if (!region) return undefined;
  return { zone: CA_DISTRICT[district] ?? CA_PROVINCES[region]!, region };
}

// Australia: states and territories, then postcodes.
const AU_STATES: Record<string, string> = {
  ACT: "Australia/Sydney", NSW: "Australia/Sydney", NT: "Australia/Darwin", QLD: "Australia/Brisbane", SA: "Australia/Adelaide",
  TAS: "Australia/Hobart", VIC: "Australia/Melbourne", WA: "Australia/Perth", JBT: "Australia/Sydney",
};
const AU_POSTCODE_STATE = ranges<string>([
  [0, null], [200, "ACT"], [300, null], [800, "NT"], [1000, "NSW"], [2600, "ACT"], [2619, "NSW"], [2900, "ACT"], [2921, "NSW"],
  [3000, "VIC"], [4000, "QLD"], [5000, "SA"], [6000, "WA"], [7000, "TAS"], [8000, "VIC"], [9000, "QLD"],
]);
const AU_POSTCODE_ZONE: Record<number, string> = { 2880: "Australia/Broken_Hill", 2898: "Australia/Lord_Howe", 6443: "Australia/Eucla" };

function auPostal(postal: string): PostalZone | undefined {
  const code = /^\d{4}$/.test(postal) ? Number(postal) : undefined;
  if (code === undefined) return undefined;
  const region = AU_POSTCODE_STATE(code);
  return region ? { zone: AU_POSTCODE_ZONE[code] ?? AU_STATES[region]!, region } : undefined;
}

// Brazil: states, then CEP ranges (first five digits).
const BR_STATES: Record<string, string> = {
  AC: "America/Rio_Branco", AL: "America/Maceio", AP: "America/Belem", AM: "America/Manaus", BA: "America/Bahia",
  CE: "America/Fortaleza", DF: "America/Sao_Paulo", ES: "America/Sao_Paulo", GO: "America/Sao_Paulo", MA: "America/Fortaleza",
  MT: "America/Cuiaba", MS: "America/Campo_Grande", MG: "America/Sao_Paulo", PA: "America/Belem", PB: "America/Fortaleza",
  PR: "America/Sao_Paulo", PE: "America/Recife", PI: "America/Fortaleza", RJ: "America/Sao_Paulo", RN: "America/Fortaleza",
  RS: "America/Sao_Paulo", RO: "America/Porto_Velho", RR: "America/Boa_Vista", SC: "America/Sao_Paulo", SP: "America/Sao_Paulo",
  SE: "America/Maceio", TO: "America/Araguaina",
};
const BR_CEP_STATE = ranges<string>([
  [1000, "SP"], [20000, "RJ"], [29000, "ES"], [30000, "MG"], [40000, "BA"], [49000, "SE"], [50000, "PE"], [57000, "AL"],
  [58000, "PB"], [59000, "RN"], [60000, "CE"], [64000, "PI"], [65000, "MA"], [66000, "PA"], [68900, "AP"], [69000, "AM"],
  [69300, "RR"], [69400, "AM"], [69900, "AC"], [70000, "DF"], [72800, "GO"], [73000, "DF"], [73700, "GO"], [76800, "RO"],
  [77000, "TO"], [78000, "MT"], [79000, "MS"], [80000, "PR"], [88000, "SC"], [90000, "RS"],
]);

function brPostal(postal: string): PostalZone | undefined {
  const cep = /^\d{8}$/.test(postal) ? digits(postal, 5) : undefined;
  if (cep === undefined) return undefined;
  if (cep === 53990) return { zone: "America/Noronha", region: "PE" }; // Fernando de Noronha
  const region = BR_CEP_STATE(cep);
  return region ? { zone: BR_STATES[region]!, region } : undefined;
}

// Mexico: states (ISO 3166-2:MX; Shopify's own codes are aliases), then the postal code's first two digits.
const MX_STATE_ZONES: Array<[zone: string, states: string]> = [
  ["America/Cancun", "ROO"],
  ["America/Tijuana", "BCN"],
  ["America/Hermosillo", "SON"],
  ["America/Mazatlan", "BCS SIN NAY"],
  ["America/Chihuahua", "CHH"],
  ["America/Merida", "CAM YUC"],
  ["America/Monterrey", "NLE COA TAM"],
  ["America/Mexico_City", "AGU CMX CHP COL DUR GUA GRO HID JAL MEX MIC MOR OAX PUE QUE SLP TAB TLA VER ZAC"],
];
const MX_STATES: Record<string, string> = {};
for (const [zone, states] of MX_STATE_ZONES) for (const state of list(states)) MX_STATES[state] = zone;
const MX_ALIASES: Record<string, string> = {
  AGS: "AGU", BC: "BCN", CAMP: "CAM", CHIS: "CHP", CHIH: "CHH", DF: "CMX", CDMX: "CMX", COAH: "COA", DGO: "DUR", GTO: "GUA",
  HGO: "HID", MICH: "MIC", NL: "NLE", QRO: "QUE", QROO: "ROO", TAMPS: "TAM", TLAX: "TLA",
};
const MX_POSTAL_STATE = ranges<string>([
  [0, null], [1, "CMX"], [17, null], [20, "AGU"], [21, "BCN"], [23, "BCS"], [24, "CAM"], [25, "COA"], [28, "COL"], [29, "CHP"],
  [31, "CHH"], [34, "DUR"], [36, "GUA"], [39, "GRO"], [42, "HID"], [44, "JAL"], [50, "MEX"], [58, "MIC"], [62, "MOR"],
  [63, "NAY"], [64, "NLE"], [68, "OAX"], [72, "PUE"], [76, "QUE"], [77, "ROO"], [78, "SLP"], [80, "SIN"], [83, "SON"],
  [86, "TAB"], [87, "TAM"], [90, "TLA"], [91, "VER"], [97, "YUC"], [98, "ZAC"],
]);

function mxPostal(postal: string): PostalZone | undefined {
  const prefix = /^\d{5}$/.test(postal) ? digits(postal, 2) : undefined;
  const region = prefix === undefined ? undefined : MX_POSTAL_STATE(prefix);
  if (!region) return undefined;
  // Ciudad Juárez keeps the US border's clock, not Chihuahua's
  return { zone: prefix === 32 ? "America/Ciudad_Juarez" : MX_STATES[region]!, region };
}

// Russia: ISO 3166-2:RU regions, then the postal code's first three digits (roughly: by region).
const RU_REGION_ZONES: Array<[zone: string, regions: string]> = [
  ["Europe/Kaliningrad", "KGD"],
  ["Europe/Samara", "SAM UD"],
  ["Europe/Astrakhan", "AST"],
  ["Europe/Saratov", "SAR"],
  ["Europe/Ulyanovsk", "ULY"],
  ["Europe/Volgograd", "VGG"],
  ["Europe/Kirov", "KIR"],
  ["Asia/Yekaterinburg", "BA CHE KGN KHM ORE PER SVE TYU YAN"],
  ["Asia/Omsk", "OMS"],
  ["Asia/Novosibirsk", "NVS"],
  ["Asia/Tomsk", "TOM"],
  ["Asia/Barnaul", "ALT AL"],
  ["Asia/Novokuznetsk", "KEM"],
  ["Asia/Krasnoyarsk", "KYA KK TY"],
  ["Asia/Irkutsk", "IRK BU"],
  ["Asia/Chita", "ZAB"],
  ["Asia/Yakutsk", "SA AMU"],
  ["Asia/Vladivostok", "PRI KHA YEV"],
  ["Asia/Magadan", "MAG"],
  ["Asia/Sakhalin", "SAK"],
  ["Asia/Kamchatka", "KAM"],
  ["Asia/Anadyr", "CHU"],
];
const RU_REGIONS: Record<string, string> = {};
for (const [zone, regions] of RU_REGION_ZONES) for (const region of list(regions)) RU_REGIONS[region] = zone;
const MOSCOW_REGIONS =
  "MOW MOS SPE LEN AD ARK BEL BRY CE CU DA IN IVA KB KC KDA KL KLU KO KOS KR KRS LIP ME MO MUR NEN NGR NIZ ORL PNZ PSK ROS RYA SE SMO STA TA TAM TUL TVE VLA VLG VOR YAR";
for (const region of list(MOSCOW_REGIONS)) RU_REGIONS[region] = "Europe/Moscow";

const RU_POSTAL_ZONE = ranges<string>([
  [100, "Europe/Moscow"], [236, "Europe/Kaliningrad"], [239, "Europe/Moscow"], [400, "Europe/Volgograd"], [405, "Europe/Moscow"],
  [410, "Europe/Saratov"], [414, "Europe/Astrakhan"], [417, "Europe/Moscow"], [426, "Europe/Samara"], [428, "Europe/Moscow"],
  [432, "Europe/Ulyanovsk"], [434, "Europe/Moscow"], [443, "Europe/Samara"], [447, "Europe/Moscow"], [450, "Asia/Yekaterinburg"],
  [463, "Europe/Moscow"], [610, "Europe/Kirov"], [614, "Asia/Yekaterinburg"], [630, "Asia/Novosibirsk"], [634, "Asia/Tomsk"],
  [637, null], [640, "Asia/Yekaterinburg"], [642, null], [644, "Asia/Omsk"], [647, null], [649, "Asia/Barnaul"],
  [650, "Asia/Novokuznetsk"], [655, "Asia/Krasnoyarsk"], [656, "Asia/Barnaul"], [660, "Asia/Krasnoyarsk"], [664, "Asia/Irkutsk"],
  [667, "Asia/Krasnoyarsk"], [669, "Asia/Irkutsk"], [672, "Asia/Chita"], [675, "Asia/Yakutsk"], [679, "Asia/Vladivostok"],
  [683, "Asia/Kamchatka"], [685, "Asia/Magadan"], [687, null], [689, "Asia/Anadyr"], [690, "Asia/Vladivostok"],
  [693, "Asia/Sakhalin"], [695, null],
]);

function ruPostal(postal: string): PostalZone | undefined {
  const prefix = /^\d{6}$/.test(postal) ? digits(postal, 3) : undefined;
  const zone = prefix === undefined ? undefined : RU_POSTAL_ZONE(prefix);
  return zone ? { zone } : undefined;
}

// Indonesia: provinces (WIB, WITA, WIT), then the postal code's first two digits.
const ID_REGIONS: Record<string, string> = {};
for (const r of list("BA NB NT KS KI KU SA SN ST SG SR GO")) ID_REGIONS[r] = "Asia/Makassar";
for (const r of list("MA MU PA PB PD PE PS PT")) ID_REGIONS[r] = "Asia/Jayapura";
for (const r of list("KB KT")) ID_REGIONS[r] = "Asia/Pontianak";
for (const r of list("AC SU SB RI KR JA SS BB BE LA JK BT JB JT YO JI")) ID_REGIONS[r] = "Asia/Jakarta";
const ID_POSTAL_ZONE = ranges<string>([
  [10, "Asia/Jakarta"], [70, "Asia/Makassar"], [73, "Asia/Pontianak"], [75, "Asia/Makassar"], [78, "Asia/Pontianak"],
  [80, "Asia/Makassar"], [88, null], [90, "Asia/Makassar"], [97, "Asia/Jayapura"],
]);

function idPostal(postal: string): PostalZone | undefined {
  const prefix = /^\d{5}$/.test(postal) ? digits(postal, 2) : undefined;
  const zone = prefix === undefined ? undefined : ID_POSTAL_ZONE(prefix);
  return zone ? { zone } : undefined;
}

/** A country whose mainland keeps one clock and whose islands another: a region it does not list is the mainland. */
function islands(main: string, zones: string, regions: Record<string, string>, byPostal?: MultiZone["byPostal"]): MultiZone {
  return { main, zones: list(zones), regions, regionsComplete: false, ...(byPostal ? { byPostal } : {}) };
}

const MULTI_ZONE: Record<string, MultiZone> = {
  US: {
    main: "America/New_York",
    zones: list(
      "America/New_York America/Detroit America/Kentucky/Louisville America/Kentucky/Monticello America/Indiana/Indianapolis " +
        "America/Indiana/Vincennes America/Indiana/Winamac America/Indiana/Marengo America/Indiana/Petersburg America/Indiana/Vevay " +
        "America/Chicago America/Indiana/Tell_City America/Indiana/Knox America/Menominee America/North_Dakota/Center " +
        "America/North_Dakota/New_Salem America/North_Dakota/Beulah America/Denver America/Boise America/Phoenix " +
        "America/Los_Angeles America/Anchorage America/Juneau America/Sitka America/Metlakatla America/Yakutat America/Nome " +
        "America/Adak Pacific/Honolulu",
    ),
    regions: US_STATES,
    regionsComplete: true,
    byPostal: usPostal,
  },
  CA: {
    main: "America/Toronto",
    zones: list(
      "America/St_Johns America/Halifax America/Glace_Bay America/Moncton America/Goose_Bay America/Blanc-Sablon America/Toronto " +
        "America/Iqaluit America/Atikokan America/Winnipeg America/Resolute America/Rankin_Inlet America/Regina " +
        "America/Swift_Current America/Edmonton America/Cambridge_Bay America/Inuvik America/Creston America/Dawson_Creek " +
        "America/Fort_Nelson America/Whitehorse America/Dawson America/Vancouver",
    ),
    regions: CA_PROVINCES,
    regionsComplete: true,
    byPostal: caPostal,
  },
  AU: {
    main: "Australia/Sydney",
    zones: list(
      "Australia/Lord_Howe Antarctica/Macquarie Australia/Hobart Australia/Melbourne Australia/Sydney Australia/Broken_Hill " +
        "Australia/Brisbane Australia/Lindeman Australia/Adelaide Australia/Darwin Australia/Perth Australia/Eucla",
    ),
    regions: AU_STATES,
    regionsComplete: true,
    byPostal: auPostal,
  },
  BR: {
    main: "America/Sao_Paulo",
    zones: list(
      "America/Noronha America/Belem America/Fortaleza America/Recife America/Araguaina America/Maceio America/Bahia " +
        "America/Sao_Paulo America/Campo_Grande America/Cuiaba America/Santarem America/Porto_Velho America/Boa_Vista " +
        "America/Manaus America/Eirunepe America/Rio_Branco",
    ),
    regions: BR_STATES,
    regionsComplete: true,
    byPostal: brPostal,
  },
  MX: {
    main: "America/Mexico_City",
    zones: list(
      "America/Mexico_City America/Cancun America/Merida America/Monterrey America/Matamoros America/Chihuahua " +
        "America/Ciudad_Juarez America/Ojinaga America/Mazatlan America/Bahia_Banderas America/Hermosillo America/Tijuana",
    ),
    regions: MX_STATES,
    aliases: MX_ALIASES,
    regionsComplete: true,
    byPostal: mxPostal,
  },
  RU: {
    main: "Europe/Moscow",
    zones: list(
      "Europe/Kaliningrad Europe/Moscow Europe/Kirov Europe/Volgograd Europe/Astrakhan Europe/Saratov Europe/Ulyanovsk " +
        "Europe/Samara Asia/Yekaterinburg Asia/Omsk Asia/Novosibirsk Asia/Barnaul Asia/Tomsk Asia/Novokuznetsk " +
        "Asia/Krasnoyarsk Asia/Irkutsk Asia/Chita Asia/Yakutsk Asia/Khandyga Asia/Vladivostok Asia/Ust-Nera Asia/Magadan " +
        "Asia/Sakhalin Asia/Srednekolymsk Asia/Kamchatka Asia/Anadyr",
    ),
    regions: RU_REGIONS,
    regionsComplete: true,
    byPostal: ruPostal,
  },
  ID: { main: "Asia/Jakarta", zones: list("Asia/Jakarta Asia/Pontianak Asia/Makassar Asia/Jayapura"), regions: ID_REGIONS, regionsComplete: true, byPostal: idPostal },
  CD: {
    main: "Africa/Kinshasa",
    zones: list("Africa/Kinshasa Africa/Lubumbashi"),
    // the west (Kinshasa, Kongo Central, Kwango, Kwilu, Mai-Ndombe and the former Équateur) is on Kinshasa time
    regions: Object.fromEntries([
      ...list("KN BC KG KL MN EQ MO NU SU TU").map((r) => [r, "Africa/Kinshasa"]),
      ...list("BU HK HL HU IT KC KE KS LO LU MA NK SA SK TA TO").map((r) => [r, "Africa/Lubumbashi"]),
    ]),
    regionsComplete: true,
  },
  MN: islands("Asia/Ulaanbaatar", "Asia/Ulaanbaatar Asia/Hovd", { "071": "Asia/Hovd", "043": "Asia/Hovd", "046": "Asia/Hovd" }),
  KI: { main: "Pacific/Tarawa", zones: list("Pacific/Tarawa Pacific/Kanton Pacific/Kiritimati"), regions: { G: "Pacific/Tarawa", P: "Pacific/Kanton", L: "Pacific/Kiritimati" }, regionsComplete: true },
  FM: {
    main: "Pacific/Pohnpei",
    zones: list("Pacific/Chuuk Pacific/Pohnpei Pacific/Kosrae"),
    regions: { TRK: "Pacific/Chuuk", YAP: "Pacific/Chuuk", PNI: "Pacific/Pohnpei", KSA: "Pacific/Kosrae" },
    regionsComplete: true,
    byPostal: (p) => ({ "96941": { zone: "Pacific/Pohnpei", region: "PNI" }, "96942": { zone: "Pacific/Chuuk", region: "TRK" }, "96943": { zone: "Pacific/Chuuk", region: "YAP" }, "96944": { zone: "Pacific/Kosrae", region: "KSA" } })[p.slice(0, 5)],
  },
  UM: { main: "Pacific/Wake", zones: list("Pacific/Midway Pacific/Wake"), regions: { "71": "Pacific/Midway", "79": "Pacific/Wake" }, regionsComplete: true },
  PG: islands("Pacific/Port_Moresby", "Pacific/Port_Moresby Pacific/Bougainville", { NSB: "Pacific/Bougainville" }),
  UA: islands("Europe/Kyiv", "Europe/Simferopol Europe/Kyiv", { "43": "Europe/Simferopol", "40": "Europe/Simferopol" }),
  NZ: islands("Pacific/Auckland", "Pacific/Auckland Pacific/Chatham", { CIT: "Pacific/Chatham" }, (p) =>
    /^\d{4}$/.test(p) ? (p === "8942" ? { zone: "Pacific/Chatham", region: "CIT" } : { zone: "Pacific/Auckland" }) : undefined,
  ),
  ES: islands("Europe/Madrid", "Europe/Madrid Africa/Ceuta Atlantic/Canary", { GC: "Atlantic/Canary", TF: "Atlantic/Canary", CN: "Atlantic/Canary", CE: "Africa/Ceuta", ML: "Africa/Ceuta" }, (p) => {
    const prefix = /^\d{5}$/.test(p) ? digits(p, 2) : undefined;
    if (prefix === 35) return { zone: "Atlantic/Canary", region: "GC" };
    if (prefix === 38) return { zone: "Atlantic/Canary", region: "TF" };
    return prefix === undefined ? undefined : { zone: "Europe/Madrid" };
  }),
  PT: islands("Europe/Lisbon", "Europe/Lisbon Atlantic/Madeira Atlantic/Azores", { "20": "Atlantic/Azores", "30": "Atlantic/Madeira" }, (p) => {
    const code = /^\d{7}$|^\d{4}$/.test(p) ? digits(p, 4) : undefined;
    if (code === undefined) return undefined;
    if (code >= 9500) return { zone: "Atlantic/Azores", region: "20" };
    if (code >= 9000) return { zone: "Atlantic/Madeira", region: "30" };
    return { zone: "Europe/Lisbon" };
  }),
  EC: islands("America/Guayaquil", "America/Guayaquil Pacific/Galapagos", { W: "Pacific/Galapagos" }, (p) =>
    /^\d{6}$/.test(p) ? (p.startsWith("20") ? { zone: "Pacific/Galapagos", region: "W" } : { zone: "America/Guayaquil" }) : undefined,
  ),
  CL: islands("America/Santiago", "America/Santiago America/Coyhaique America/Punta_Arenas Pacific/Easter", { AI: "America/Coyhaique", MA: "America/Punta_Arenas" }, (p) => {
    const code = /^\d{7}$/.test(p) ? Number(p) : undefined;
    if (code === undefined) return undefined;
    if (code >= 2_770_000 && code < 2_780_000) return { zone: "Pacific/Easter", region: "VS" };
    if (code >= 5_900_000 && code < 6_160_000) return { zone: "America/Coyhaique", region: "AI" };
    if (code >= 6_160_000 && code < 6_400_000) return { zone: "America/Punta_Arenas", region: "MA" };
    return { zone: "America/Santiago" };
  }),
  GL: islands("America/Nuuk", "America/Nuuk America/Danmarkshavn America/Scoresbysund America/Thule", {}, (p) =>
    p === "3970" ? { zone: "America/Thule" } : p === "3980" ? { zone: "America/Scoresbysund" } : /^\d{4}$/.test(p) ? { zone: "America/Nuuk" } : undefined,
  ),
  PF: islands("Pacific/Tahiti", "Pacific/Tahiti Pacific/Marquesas Pacific/Gambier", {}, (p) => {
    if (!/^987\d\d$/.test(p)) return undefined;
    if (p === "98755") return { zone: "Pacific/Gambier" };
    return { zone: p.startsWith("9874") ? "Pacific/Marquesas" : "Pacific/Tahiti" };
  }),
};

/** Every zone the tables can answer (for tests: each must be a zone Intl knows). */
export const KNOWN_ZONES: readonly string[] = [
  ...new Set([
    ...Object.values(SINGLE_ZONE),
    ...Object.values(MULTI_ZONE).flatMap((m) => [m.main, ...m.zones, ...Object.values(m.regions)]),
    ...Object.values(US_ZIP_ZONE),
    ...Object.values(CA_DISTRICT),
    ...Object.values(AU_POSTCODE_ZONE),
  ]),
];

/** The ISO codes the tables cover (for tests). */
export const KNOWN_COUNTRIES: readonly string[] = [...Object.keys(SINGLE_ZONE), ...Object.keys(MULTI_ZONE)];
