/**
 * A recipient's time zone from their shipping address: quiet hours are the shopper's night, not the
 * merchant's. Countries that span zones are resolved by region code; an unknown place falls back to the
 * shop's zone (the caller's). Pure data; the zone names are IANA names every runtime knows.
 */

const COUNTRY_ZONES: Record<string, string> = {
  AT: "Europe/Vienna", BE: "Europe/Brussels", BG: "Europe/Sofia", CH: "Europe/Zurich", CY: "Asia/Nicosia",
  CZ: "Europe/Prague", DE: "Europe/Berlin", DK: "Europe/Copenhagen", EE: "Europe/Tallinn", ES: "Europe/Madrid",
  FI: "Europe/Helsinki", FR: "Europe/Paris", GB: "Europe/London", GR: "Europe/Athens", HR: "Europe/Zagreb",
  HU: "Europe/Budapest", IE: "Europe/Dublin", IS: "Atlantic/Reykjavik", IT: "Europe/Rome", LT: "Europe/Vilnius",
  LU: "Europe/Luxembourg", LV: "Europe/Riga", MT: "Europe/Malta", NL: "Europe/Amsterdam", NO: "Europe/Oslo",
  PL: "Europe/Warsaw", PT: "Europe/Lisbon", RO: "Europe/Bucharest", RS: "Europe/Belgrade", SE: "Europe/Stockholm",
  SI: "Europe/Ljubljana", SK: "Europe/Bratislava", UA: "Europe/Kyiv", TR: "Europe/Istanbul", RU: "Europe/Moscow",
  IL: "Asia/Jerusalem", AE: "Asia/Dubai", SA: "Asia/Riyadh", QA: "Asia/Qatar", IN: "Asia/Kolkata",
  PK: "Asia/Karachi", BD: "Asia/Dhaka", TH: "Asia/Bangkok", VN: "Asia/Ho_Chi_Minh", MY: "Asia/Kuala_Lumpur",
  SG: "Asia/Singapore", PH: "Asia/Manila", HK: "Asia/Hong_Kong", TW: "Asia/Taipei", CN: "Asia/Shanghai",
  KR: "Asia/Seoul", JP: "Asia/Tokyo", ID: "Asia/Jakarta", NZ: "Pacific/Auckland", ZA: "Africa/Johannesburg",
  NG: "Africa/Lagos", KE: "Africa/Nairobi", EG: "Africa/Cairo", MA: "Africa/Casablanca", AR: "America/Argentina/Buenos_Aires",
  CL: "America/Santiago", CO: "America/Bogota", PE: "America/Lima", BR: "America/Sao_Paulo", MX: "America/Mexico_City",
  US: "America/New_York", CA: "America/Toronto", AU: "Australia/Sydney", PR: "America/Puerto_Rico",
};

const US: Record<string, string> = {
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
  WY: "America/Denver", PR: "America/Puerto_Rico", GU: "Pacific/Guam", VI: "America/St_Thomas",
};

const CA: Record<string, string> = {
  AB: "America/Edmonton", BC: "America/Vancouver", MB: "America/Winnipeg", NB: "America/Moncton", NL: "America/St_Johns",
  NS: "America/Halifax", NT: "America/Yellowknife", NU: "America/Iqaluit", ON: "America/Toronto", PE: "America/Halifax",
  QC: "America/Toronto", SK: "America/Regina", YT: "America/Whitehorse",
};

const AU: Record<string, string> = {
  ACT: "Australia/Sydney", NSW: "Australia/Sydney", NT: "Australia/Darwin", QLD: "Australia/Brisbane", SA: "Australia/Adelaide",
  TAS: "Australia/Hobart", VIC: "Australia/Melbourne", WA: "Australia/Perth",
};

const BY_REGION: Record<string, Record<string, string>> = { US, CA, AU };

/** The recipient's zone: by region where a country spans several, by country otherwise, else the fallback. */
export function zoneForDestination(country: string | null | undefined, region: string | null | undefined, fallback: string): string {
  const c = (country ?? "").trim().toUpperCase();
  if (!c) return fallback;
  const r = (region ?? "").trim().toUpperCase();
  return BY_REGION[c]?.[r] ?? COUNTRY_ZONES[c] ?? fallback;
}
