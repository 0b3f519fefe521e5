import { describe, expect, it } from "vitest";
import { isValidTimeZone } from "./business-time";
import { countryCodeOf, KNOWN_COUNTRIES, KNOWN_ZONES, zoneForDestination, type DestinationPlace } from "./time-zones";

/** Every ISO 3166-1 alpha-2 code (the tz database's iso3166.tab). */
const ISO_3166 = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC
CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD
GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH
KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW
MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC
SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY
UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`.split(/\s+/);
/** Nobody lives there: Antarctica, Bouvet Island, Heard and McDonald Islands. */
const UNINHABITED = new Set(["AQ", "BV", "HM"]);
const SHOP = "Etc/GMT+12"; // a zone no address resolves to: a result equal to it is the fallback

const zone = (place: DestinationPlace, fallback = SHOP) => zoneForDestination(place, fallback);

describe("zoneForDestination: every country", () => {
  it("GIVEN any inhabited ISO country code THEN a zone of its own, never the shop's", () => {
    const missing = ISO_3166.filter((c) => !UNINHABITED.has(c) && zone({ country: c }) === SHOP);
    expect(missing).toEqual([]);
    for (const c of UNINHABITED) expect(zone({ country: c })).toBe(SHOP);
  });

  it("GIVEN the tables THEN every zone they can answer is one this runtime knows", () => {
    expect(KNOWN_ZONES.filter((z) => !isValidTimeZone(z))).toEqual([]);
    expect(KNOWN_COUNTRIES.filter((c) => !ISO_3166.includes(c)).sort()).toEqual(["AC", "TA", "XK"]);
  });

  it.each<[string, DestinationPlace, string]>([
    // the shoppers the issue names: single-zone countries by code
    ["Tokyo", { country: "JP", region: "JP-13", postalCode: "100-0005" }, "Asia/Tokyo"],
    ["London", { country: "GB", region: null, postalCode: "EC1A 1BB" }, "Europe/London"],
    ["Berlin", { country: "DE", postalCode: "10115" }, "Europe/Berlin"],
    ["Seoul, lower case", { country: "kr" }, "Asia/Seoul"],
    ["Kazakhstan (one clock since 2024)", { country: "KZ", region: "KZ-ATY" }, "Asia/Almaty"],
    ["Kosovo (Shopify's XK)", { country: "XK" }, "Europe/Belgrade"],
  ])("GIVEN %s THEN its own zone", (_what, place, expected) => {
    expect(zone(place)).toBe(expected);
  });
});

describe("zoneForDestination: countries by name", () => {
  it.each<[string, string]>([
    ["Japan", "Asia/Tokyo"],
    ["United Kingdom", "Europe/London"],
    ["  united kingdom ", "Europe/London"],
    ["UK", "Europe/London"],
    ["Germany", "Europe/Berlin"],
    ["Allemagne", "Europe/Berlin"],
    ["Vereinigtes Königreich", "Europe/London"],
    ["日本", "Asia/Tokyo"],
    ["Côte d'Ivoire", "Africa/Abidjan"],
    ["Cote d’Ivoire", "Africa/Abidjan"],
    ["Bosnia & Herzegovina", "Europe/Sarajevo"],
    ["St. Lucia", "America/St_Lucia"],
    ["Hong Kong", "Asia/Hong_Kong"],
    ["Myanmar", "Asia/Yangon"],
    ["Czech Republic", "Europe/Prague"],
    ["South Korea", "Asia/Seoul"],
    ["España", "Europe/Madrid"],
  ])("GIVEN the country %j THEN %s", (name, expected) => {
    expect(zone({ country: name })).toBe(expected);
  });

  it("GIVEN a name with a region THEN the region decides as with the code", () => {
    expect(zone({ country: "United States", region: "CA" })).toBe("America/Los_Angeles");
    expect(countryCodeOf("Brazil")).toBe("BR");
    expect(countryCodeOf("Atlantis")).toBeNull();
    expect(countryCodeOf("ZZ")).toBeNull();
    expect(countryCodeOf("")).toBeNull();
  });
});

describe("zoneForDestination: countries with several clocks", () => {
  it.each<[string, DestinationPlace, string]>([
    // United States: state, else ZIP prefix; the ZIP refines its own state
    ["California", { country: "US", region: "CA" }, "America/Los_Angeles"],
    ["a ZIP alone (San Francisco)", { country: "US", postalCode: "94105" }, "America/Los_Angeles"],
    ["ZIP+4 alone (Chicago)", { country: "US", postalCode: "60601-1234" }, "America/Chicago"],
    ["El Paso, Texas", { country: "US", region: "TX", postalCode: "79901" }, "America/Denver"],
    ["Dallas, Texas", { country: "US", region: "TX", postalCode: "75201" }, "America/Chicago"],
    ["Pensacola, Florida", { country: "US", region: "FL", postalCode: "32501" }, "America/Chicago"],
    ["Knoxville, Tennessee", { country: "US", region: "TN", postalCode: "37902" }, "America/New_York"],
    ["Coeur d'Alene, Idaho", { country: "US", region: "ID", postalCode: "83814" }, "America/Los_Angeles"],
    ["Honolulu by ZIP", { country: "US", postalCode: "96813" }, "Pacific/Honolulu"],
    ["Anchorage by ZIP", { country: "US", postalCode: "99501" }, "America/Anchorage"],
    ["San Juan by ZIP", { country: "US", postalCode: "00901" }, "America/Puerto_Rico"],
    ["a ZIP from another state: the state wins", { country: "US", region: "NY", postalCode: "94105" }, "America/New_York"],
    ["military mail (APO) with no state", { country: "US", postalCode: "09021" }, "America/New_York"],
    // Canada: province, else the postal code's first letter
    ["British Columbia", { country: "CA", region: "BC" }, "America/Vancouver"],
    ["Vancouver by postal code", { country: "CA", postalCode: "V6B 1A1" }, "America/Vancouver"],
    ["Halifax by postal code", { country: "CA", postalCode: "B3H 1A1" }, "America/Halifax"],
    ["St. John's by postal code", { country: "CA", postalCode: "A1C 5M2" }, "America/St_Johns"],
    ["Labrador by postal code", { country: "CA", region: "NL", postalCode: "A0P 1C0" }, "America/Goose_Bay"],
    ["Regina by postal code", { country: "CA", postalCode: "S4P 3Y2" }, "America/Regina"],
    ["Calgary by postal code", { country: "CA", postalCode: "T2P 1J9" }, "America/Edmonton"],
    ["Kenora, Ontario", { country: "CA", region: "ON", postalCode: "P9N 1A1" }, "America/Winnipeg"],
    ["Rankin Inlet, Nunavut", { country: "CA", postalCode: "X0C 0G0" }, "America/Rankin_Inlet"],
    ["Yellowknife by postal code", { country: "CA", postalCode: "X1A 2L9" }, "America/Edmonton"],
    // Australia: state, else postcode
    ["Western Australia", { country: "AU", region: "WA" }, "Australia/Perth"],
    ["Perth by postcode", { country: "AU", postalCode: "6000" }, "Australia/Perth"],
    ["Brisbane by postcode", { country: "AU", postalCode: "4000" }, "Australia/Brisbane"],
    ["Adelaide by postcode", { country: "AU", postalCode: "5000" }, "Australia/Adelaide"],
    ["Darwin by postcode", { country: "AU", postalCode: "0800" }, "Australia/Darwin"],
    ["Canberra by postcode", { country: "AU", postalCode: "2600" }, "Australia/Sydney"],
    ["Broken Hill, NSW", { country: "AU", region: "NSW", postalCode: "2880" }, "Australia/Broken_Hill"],
    ["Hobart by postcode", { country: "AU", postalCode: "7000" }, "Australia/Hobart"],
    // Brazil: state, else CEP
    ["Amazonas", { country: "BR", region: "AM" }, "America/Manaus"],
    ["Acre by CEP", { country: "BR", postalCode: "69900-000" }, "America/Rio_Branco"],
    ["São Paulo by CEP", { country: "BR", postalCode: "01310-100" }, "America/Sao_Paulo"],
    ["Cuiabá by CEP", { country: "BR", postalCode: "78005-000" }, "America/Cuiaba"],
    ["Fernando de Noronha", { country: "BR", region: "PE", postalCode: "53990-000" }, "America/Noronha"],
    // Mexico: Shopify's and ISO codes alike, else postal prefix
    ["Quintana Roo (Shopify's code)", { country: "MX", region: "Q ROO" }, "America/Cancun"],
    ["Quintana Roo (ISO code)", { country: "MX", region: "MX-ROO" }, "America/Cancun"],
    ["Baja California", { country: "MX", region: "BC" }, "America/Tijuana"],
    ["Jalisco", { country: "MX", region: "JAL" }, "America/Mexico_City"],
    ["Tijuana by postal code", { country: "MX", postalCode: "22000" }, "America/Tijuana"],
    ["Ciudad Juárez, Chihuahua", { country: "MX", region: "CHIH", postalCode: "32000" }, "America/Ciudad_Juarez"],
    ["Hermosillo by postal code", { country: "MX", postalCode: "83000" }, "America/Hermosillo"],
    // Russia: region, else roughly the postal code
    ["Moscow", { country: "RU", region: "MOW" }, "Europe/Moscow"],
    ["Novosibirsk", { country: "RU", region: "NVS" }, "Asia/Novosibirsk"],
    ["Vladivostok by postal code", { country: "RU", postalCode: "690000" }, "Asia/Vladivostok"],
    ["Yekaterinburg by postal code", { country: "RU", postalCode: "620000" }, "Asia/Yekaterinburg"],
    ["Kaliningrad by postal code", { country: "RU", postalCode: "236000" }, "Europe/Kaliningrad"],
    ["St Petersburg by postal code", { country: "RU", postalCode: "190000" }, "Europe/Moscow"],
    // Indonesia
    ["Bali", { country: "ID", region: "BA" }, "Asia/Makassar"],
    ["Jakarta", { country: "ID", region: "ID-JK" }, "Asia/Jakarta"],
    ["Jayapura by postal code", { country: "ID", postalCode: "99111" }, "Asia/Jayapura"],
    ["Denpasar by postal code", { country: "ID", postalCode: "80111" }, "Asia/Makassar"],
    // islands on their own clock
    ["Las Palmas, Canary Islands", { country: "ES", region: "GC" }, "Atlantic/Canary"],
    ["Tenerife by postal code", { country: "ES", postalCode: "38001" }, "Atlantic/Canary"],
    ["Madrid", { country: "ES", region: "M", postalCode: "28001" }, "Europe/Madrid"],
    ["Azores", { country: "PT", region: "PT-20" }, "Atlantic/Azores"],
    ["Ponta Delgada by postal code", { country: "PT", postalCode: "9500-001" }, "Atlantic/Azores"],
    ["Lisbon by postal code", { country: "PT", postalCode: "1100-148" }, "Europe/Lisbon"],
    ["Galápagos", { country: "EC", region: "W" }, "Pacific/Galapagos"],
    ["Quito", { country: "EC", region: "P" }, "America/Guayaquil"],
    ["Chatham Islands by postcode", { country: "NZ", postalCode: "8942" }, "Pacific/Chatham"],
    ["Auckland", { country: "NZ", region: "AUK", postalCode: "1010" }, "Pacific/Auckland"],
    ["Easter Island", { country: "CL", region: "VS", postalCode: "2770000" }, "Pacific/Easter"],
    ["Punta Arenas", { country: "CL", region: "MA" }, "America/Punta_Arenas"],
    ["Santiago", { country: "CL", region: "RM" }, "America/Santiago"],
    ["Lubumbashi", { country: "CD", region: "HK" }, "Africa/Lubumbashi"],
    ["Kinshasa", { country: "CD", region: "KN" }, "Africa/Kinshasa"],
    ["Hovd, Mongolia", { country: "MN", region: "MN-043" }, "Asia/Hovd"],
    ["Kiritimati", { country: "KI", region: "L" }, "Pacific/Kiritimati"],
    ["Kosrae", { country: "FM", region: "KSA" }, "Pacific/Kosrae"],
    ["Bougainville", { country: "PG", region: "NSB" }, "Pacific/Bougainville"],
    ["Pituffik, Greenland", { country: "GL", postalCode: "3970" }, "America/Thule"],
    ["Nuku Hiva, Marquesas", { country: "PF", postalCode: "98742" }, "Pacific/Marquesas"],
    ["Papeete", { country: "PF", postalCode: "98714" }, "Pacific/Tahiti"],
  ])("GIVEN %s THEN %s", (_what, place, expected) => {
    expect(zone(place)).toBe(expected);
  });

  it("GIVEN only the country THEN the shop's zone when the shop is in it (a domestic order), else the main zone", () => {
    expect(zone({ country: "US" }, "America/Denver")).toBe("America/Denver");
    expect(zone({ country: "US" }, "Europe/Paris")).toBe("America/New_York");
    expect(zone({ country: "AU" }, "Australia/Perth")).toBe("Australia/Perth");
    expect(zone({ country: "BR", region: "??" }, "Europe/Lisbon")).toBe("America/Sao_Paulo");
    expect(zone({ country: "CA", postalCode: "not a code" }, "Asia/Tokyo")).toBe("America/Toronto");
    // a region we know is not "nothing known", even where the shop's zone lies in the country
    expect(zone({ country: "ES", region: "M" }, "Atlantic/Canary")).toBe("Europe/Madrid");
  });

  it("GIVEN nothing known THEN the shop's zone", () => {
    expect(zone({ country: null }, "Europe/Madrid")).toBe("Europe/Madrid");
    expect(zone({ country: "ZZ", region: "XX" }, "Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(zone({}, "America/Chicago")).toBe("America/Chicago");
  });
});
