import { describe, expect, it } from "vitest";
import { bestEstimate, type EstimateInput, type EstimateResult } from "./estimate";
import { EXCEPTION_TYPES } from "./rules";
import { SHIPMENT_STATUSES, type ShipmentStatus } from "./status";
import {
  pickupPlaceOf,
  SHOPPER_VISIBLE_CASES,
  shopperVisibleCase,
  STORY_LANGUAGES,
  storyLanguage,
  storyStatusLabel,
  tellStory,
  type Story,
  type StoryCaseType,
  type StoryInput,
  type StoryLanguage,
  type StoryShipment,
} from "./story";

const at = (iso: string) => Date.parse(iso);
const ZONE = "Europe/London";
const NOW = at("2026-12-05T10:00:00Z");
const LAST_SCAN = at("2026-11-27T15:00:00Z");
const SHIPPED = at("2026-11-25T15:00:00Z");
const DELIVERED = at("2026-12-04T13:00:00Z");
const DUE = at("2026-12-07T12:00:00Z");

const shipment = (status: ShipmentStatus, over: Partial<StoryShipment> = {}): StoryShipment => ({
  status,
  reason: status === "delayed" ? "weather" : status === "exception" ? "damaged" : null,
  carrierName: "UPS",
  carrierCode: "ups",
  lastCarrierScanAt: LAST_SCAN,
  shippedAt: SHIPPED,
  deliveredAt: status === "delivered" ? DELIVERED : null,
  pickupLocation: status === "available_for_pickup" ? "Walgreens, 120 Main St" : null,
  ...over,
});

const ESTIMATES = {
  carrier: { carrierEta: at("2026-12-09T00:00:00Z") },
  learned: { learned: { earliest: at("2026-12-08T12:00:00Z"), latest: at("2026-12-10T12:00:00Z") } },
  promise: { promise: { by: at("2026-12-10T23:59:59.999-05:00"), zone: "America/New_York" } },
  moved: { carrierEta: at("2026-12-09T00:00:00Z"), previous: { earliest: "2026-12-07", latest: "2026-12-07", source: "carrier" as const } },
  none: {},
} satisfies Record<string, Partial<EstimateInput>>;
type EstimateCase = keyof typeof ESTIMATES;

function estimateFor(s: StoryShipment, which: EstimateCase, now = NOW): EstimateResult {
  return bestEstimate({ now, zone: ZONE, status: s.status, deliveredAt: s.deliveredAt, carrierEta: null, ...ESTIMATES[which] });
}

function story(status: ShipmentStatus, caseType: StoryCaseType | null, which: EstimateCase, locale: string, over: Partial<StoryInput> = {}): Story {
  const s = shipment(status);
  return tellStory({
    locale,
    zone: ZONE,
    now: NOW,
    shipment: s,
    cases: caseType ? [{ type: caseType, openedAt: at("2026-12-01T09:00:00Z"), dueAt: DUE }] : [],
    estimate: estimateFor(s, which),
    ...over,
  });
}

const texts = (s: Story) => [s.headline, s.explanation, s.next, s.statusLabel, s.attention?.message ?? ""];
const formatters = new Map<string, Intl.DateTimeFormat>();
const dayIn = (locale: string, ms: number, zone = ZONE) => {
  const key = `${locale}|${zone}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", timeZone: zone }));
  return formatters.get(key)!.format(ms);
};
/** Progress words a shopper reads as "all is well", per language. */
const progressLabels = (language: StoryLanguage) =>
  (["label_created", "picked_up", "in_transit", "out_for_delivery", "available_for_pickup", "delivered"] as const).map((s) => storyStatusLabel(s, language));
/** Words only English uses: one of them in French, Spanish, German or Japanese is English leaking through. */
const ENGLISH = /\b(the|your|parcel|we|will|since|update|arriving|expected|delivery|order|carrier|today|soon)\b/i;

const CASE_TYPES: readonly (StoryCaseType | null)[] = [null, ...EXCEPTION_TYPES, "fulfillment_delayed"];
const ESTIMATE_CASES = Object.keys(ESTIMATES) as EstimateCase[];

describe("tellStory: every status × open case × estimate source × language", () => {
  const rows: [ShipmentStatus, StoryCaseType | null, EstimateCase, StoryLanguage][] = [];
  for (const status of SHIPMENT_STATUSES) for (const c of CASE_TYPES) for (const e of ESTIMATE_CASES) for (const l of STORY_LANGUAGES) rows.push([status, c, e, l]);

  it(`GIVEN ${rows.length} combinations THEN each is whole, honest and in its own language`, () => {
    // checked by hand and collected: thousands of expect() calls would cost more than the stories
    const problems: string[] = [];
    for (const [status, caseType, which, language] of rows) {
      const where = `${status} × ${caseType ?? "no case"} × ${which} × ${language}`;
      const fail = (what: string, text = "") => problems.push(`${where}: ${what}${text ? ` — ${JSON.stringify(text)}` : ""}`);
      const s = story(status, caseType, which, language);

      // whole: every field said, nothing left unfilled
      for (const t of [s.headline, s.explanation, s.next, s.statusLabel]) {
        if (!t.trim()) fail("an empty field");
        if (/undefined|null|NaN|\[object|\$\{|\s\s|\s[.,)]|^\s|\s$/.test(t)) fail("a hole in the words", t);
      }

      // attention exactly while a case the shopper would notice is open (never for an unknown status, never once delivered)
      const visible = caseType !== null && caseType !== "unknown_status" && status !== "delivered" && shopperVisibleCase(status, [{ type: caseType }]) !== null;
      if ((s.attention !== null) !== visible) fail(`attention ${s.attention ? "set" : "missing"}`);

      if (s.attention) {
        // never plain progress while a case is open
        if (progressLabels(language).includes(s.statusLabel)) fail("a progress label", s.statusLabel);
        const inTransit = storyStatusLabel("in_transit", language).toLowerCase();
        for (const t of texts(s)) if (t.toLowerCase().includes(inTransit) || /on its way/i.test(t)) fail("reads as on its way", t);
        if (s.attention.message !== `${s.explanation}${language === "ja" ? "" : " "}${s.next}`) fail("the message is not the explanation and what's next", s.attention.message);
        if (Number.isNaN(Date.parse(s.attention.since))) fail("no since", s.attention.since);
        // the carrier and its last word, with the date, in plain sight
        if (caseType !== "fulfillment_delayed") {
          if (!s.attention.message.includes("UPS")) fail("no carrier", s.attention.message);
          const scanDay = dayIn(language, caseType === "not_picked_up" ? SHIPPED : LAST_SCAN);
          if (!s.attention.message.includes(scanDay)) fail(`no last scan (${scanDay})`, s.attention.message);
        }
        // and when the shop will write
        if (!s.attention.message.includes(dayIn(language, DUE))) fail("no day the shop will write by", s.attention.message);
      }

      // no English leaking into the other languages
      if (language !== "en") {
        const en = texts(story(status, caseType, which, "en"));
        for (const [i, t] of texts(s).entries()) {
          const own = t.replace(/UPS|Walgreens, 120 Main St/g, "");
          if (ENGLISH.test(own)) fail("English words", t);
          if (t && t === en[i]) fail("the English text", t);
          if (language === "ja" && /[A-Za-z]/.test(own)) fail("Latin letters in Japanese", t);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("GIVEN passed dates (a carrier date, a case's due time) THEN none of them is shown, in any language", () => {
    const passedEta = at("2026-12-02T00:00:00Z");
    const passedDue = at("2026-12-03T12:00:00Z");
    for (const language of STORY_LANGUAGES) {
      for (const status of SHIPMENT_STATUSES) {
        if (status === "delivered") continue;
        for (const caseType of CASE_TYPES) {
          const s = shipment(status);
          const estimate = bestEstimate({ now: NOW, zone: ZONE, status, deliveredAt: null, carrierEta: passedEta, previous: null });
          const told = tellStory({ locale: language, zone: ZONE, now: NOW, shipment: s, cases: caseType ? [{ type: caseType, openedAt: NOW - 86_400_000, dueAt: passedDue }] : [], estimate });
          for (const t of texts(told)) {
            expect(t, `${status} × ${caseType} × ${language}`).not.toContain(dayIn(language, passedEta, "UTC"));
            expect(t, `${status} × ${caseType} × ${language}`).not.toContain(dayIn(language, passedDue));
          }
          // an overdue promise to write moves to tomorrow, never to a day gone by
          if (told.attention) expect(told.attention.message).toContain(dayIn(language, NOW + 86_400_000));
        }
      }
    }
  });
});

describe("tellStory: the words, in English", () => {
  it("GIVEN a silent parcel with a stalled case THEN the issue's own sentence", () => {
    const s = story("in_transit", "stalled", "carrier", "en-GB");
    expect(s.attention).toEqual({
      since: "2026-11-27T15:00:00.000Z",
      message: "No update from UPS since 27 November. We have asked UPS to trace it and will write to you by 7 December.",
    });
    expect(s.statusLabel).toBe("Delayed");
    expect(s.headline).toBe("Waiting for news from UPS");
  });

  it("GIVEN US English THEN American dates", () => {
    expect(story("in_transit", "stalled", "none", "en-US").attention?.message).toBe(
      "No update from UPS since November 27. We have asked UPS to trace it and will write to you by December 7.",
    );
  });

  it("GIVEN an estimate that moved later THEN the story says so", () => {
    const s = story("in_transit", null, "moved", "en-GB");
    expect(s.explanation).toBe("Your parcel is on its way with UPS; last scan on 27 November. Now expected 9 December, was 7 December.");
    expect(s.headline).toBe("Arriving Wednesday 9 December");
    expect(s.statusLabel).toBe("On its way");
    expect(s.attention).toBeNull();
  });

  it("GIVEN a late parcel THEN its own words, with the new estimate", () => {
    const s = story("in_transit", "late", "moved", "en-GB");
    expect(s.headline).toBe("Running late");
    expect(s.statusLabel).toBe("Delayed");
    expect(s.attention?.message).toBe(
      "Your parcel is taking longer than we promised. UPS last scanned it on 27 November. Now expected 9 December, was 7 December. " +
        "We are following it up with UPS and will write to you by 7 December.",
    );
  });

  it("GIVEN a parcel waiting at a pickup point THEN ready for pickup at the place, not arriving today, even if it came late", () => {
    for (const c of [null, "late", "stalled"] as const) {
      const s = story("available_for_pickup", c, "carrier", "en-GB");
      expect(s.headline).toBe("Ready for pickup at Walgreens, 120 Main St");
      expect(s.explanation).toBe("UPS is holding your parcel at Walgreens, 120 Main St since 27 November.");
      expect(s.statusLabel).toBe("Ready for pickup");
      expect(s.attention).toBeNull();
      expect(texts(s).join(" ")).not.toMatch(/arriving|today/i);
    }
    expect(tellStory({ locale: "en", zone: ZONE, now: NOW, shipment: shipment("available_for_pickup", { pickupLocation: null }), cases: [], estimate: null }).headline).toBe("Ready for pickup");
  });

  it.each<[string, ShipmentStatus, EstimateCase, string, string]>([
    ["the carrier's date", "in_transit", "carrier", "Arriving Wednesday 9 December", "UPS expects to deliver it on Wednesday 9 December."],
    ["a learned window", "in_transit", "learned", "Arriving 8 – 10 December", "Expected 8 – 10 December, going by how long parcels like this usually take."],
    ["the promise", "picked_up", "promise", "Arriving by Thursday 10 December", "Expected by Thursday 10 December."],
  ])("GIVEN %s THEN the estimate is the headline", (_what, status, which, headline, sentence) => {
    const s = story(status, null, which, "en-GB");
    expect(s.headline.replace(/\s+/g, " ")).toBe(headline);
    expect(s.explanation.replace(/\s+/g, " ")).toContain(sentence);
  });

  it("GIVEN an estimate for today or tomorrow THEN said so", () => {
    const today = bestEstimate({ now: NOW, zone: ZONE, status: "in_transit", deliveredAt: null, carrierEta: at("2026-12-05T00:00:00Z") });
    const tomorrow = bestEstimate({ now: NOW, zone: ZONE, status: "in_transit", deliveredAt: null, carrierEta: at("2026-12-06T00:00:00Z") });
    expect(story("in_transit", null, "none", "en", { estimate: today }).headline).toBe("Arriving today");
    expect(story("in_transit", null, "none", "en", { estimate: tomorrow }).headline).toBe("Arriving tomorrow");
    expect(story("in_transit", null, "none", "en").headline).toBe("On its way");
  });

  it.each<[ShipmentStatus, StoryCaseType | null, Partial<Story>]>([
    ["label_created", null, { headline: "Packed, waiting for UPS", statusLabel: "Packed, waiting for the carrier" }],
    ["label_created", "not_picked_up", { headline: "Not yet collected by UPS", explanation: "Your order was packed on 25 November, but UPS has not collected it yet." }],
    ["delivered", null, { headline: "Delivered on 4 December", statusLabel: "Delivered" }],
    ["delivered", "late", { headline: "Delivered on 4 December", attention: null }],
    ["delayed", null, { headline: "Delayed: weather", explanation: "UPS reports a delay (weather); last scan on 27 November." }],
    ["exception", "lost", { headline: "Your parcel appears to be lost", statusLabel: "Problem with delivery" }],
    ["attempted_delivery", "failed_attempt", { headline: "Delivery attempt failed", statusLabel: "Delivery attempted" }],
    ["returned_to_sender", "returned_to_sender", { headline: "Returned to us", statusLabel: "Returned to sender" }],
    ["returning_to_sender", "returned_to_sender", { headline: "Coming back to us", statusLabel: "Returning to sender" }],
    ["unknown", "unknown_status", { headline: "Checking on your parcel", statusLabel: "Status unavailable", attention: null }],
    ["label_created", "fulfillment_delayed", { headline: "Taking longer to ship", next: "We are on it and will write to you by 7 December." }],
  ])("GIVEN %s with %s THEN its words", (status, caseType, expected) => {
    expect(story(status, caseType, "none", "en-GB")).toMatchObject(expected);
  });

  it("GIVEN several open cases THEN the most serious is told", () => {
    const s = story("in_transit", null, "none", "en-GB", {
      cases: [
        { type: "late", openedAt: NOW, dueAt: DUE },
        { type: "stalled", openedAt: NOW, dueAt: DUE },
        { type: "unknown_status", openedAt: NOW, dueAt: DUE },
      ],
    });
    expect(s.headline).toBe("Waiting for news from UPS");
    expect(shopperVisibleCase("in_transit", [{ type: "late" }, { type: "lost" }])?.type).toBe("lost");
    expect(SHOPPER_VISIBLE_CASES).not.toContain("unknown_status");
    expect(new Set(SHOPPER_VISIBLE_CASES)).toEqual(new Set([...EXCEPTION_TYPES.filter((t) => t !== "unknown_status"), "fulfillment_delayed"]));
  });

  it("GIVEN no carrier the shopper would know THEN 'the carrier'", () => {
    const s = tellStory({
      locale: "en-GB",
      zone: ZONE,
      now: NOW,
      shipment: shipment("in_transit", { carrierName: "Other carrier", carrierCode: "other" }),
      cases: [{ type: "stalled", openedAt: NOW, dueAt: null }],
      estimate: null,
    });
    expect(s.attention?.message).toBe("No update from the carrier since 27 November. We have asked the carrier to trace it and will write to you soon.");
  });

  it("GIVEN a recipient in Tokyo THEN their day of the last scan", () => {
    const s = tellStory({
      locale: "ja",
      zone: "Asia/Tokyo",
      now: NOW,
      shipment: shipment("in_transit", { lastCarrierScanAt: at("2026-11-27T20:00:00Z") }),
      cases: [{ type: "stalled", openedAt: NOW, dueAt: DUE }],
      estimate: null,
    });
    expect(s.attention?.message).toBe("11月28日以降、UPSからの更新がありません。UPSに調査を依頼しました。12月7日までにご連絡いたします。");
  });
});

describe("storyLanguage", () => {
  it.each([
    ["fr-CA", "fr"],
    ["de_AT", "de"],
    ["ja-JP", "ja"],
    ["EN-gb", "en"],
    ["it", "en"],
    [null, "en"],
    ["", "en"],
  ] as const)("GIVEN %j THEN %s", (locale, language) => {
    expect(storyLanguage(locale)).toBe(language);
  });

  it("GIVEN a malformed locale THEN the story is still told, in its language", () => {
    expect(story("in_transit", "stalled", "none", "fr_zz_@@").attention?.message).toContain("27 novembre");
  });
});

describe("pickupPlaceOf: where the parcel waits", () => {
  const scan = (rawMessage: string | null, location: string | null = "Brooklyn, NY, United States") => [
    { status: "available_for_pickup" as const, rawMessage, location },
    { status: "in_transit" as const, rawMessage: "Arrived at Facility", location: "Newark, NJ, United States" },
  ];
  it.each([
    ["Ready for pickup at UPS Access Point, 120 Court St", "UPS Access Point, 120 Court St"],
    ["Available for pickup at the Post Office", "Brooklyn, NY, United States"],
    ["Disponible en point relais Tabac du Centre, 12 rue Haute", "point relais Tabac du Centre, 12 rue Haute"],
    ["Available for pickup", "Brooklyn, NY, United States"],
    [null, "Brooklyn, NY, United States"],
  ])("%s → %s", (message, place) => {
    expect(pickupPlaceOf(scan(message))).toBe(place);
  });
  it("no pickup scan → none; a scan without words or place → none", () => {
    expect(pickupPlaceOf([{ status: "in_transit", rawMessage: "at UPS Access Point, 1 Main St", location: "X" }])).toBeNull();
    expect(pickupPlaceOf(scan(null, null))).toBeNull();
  });
});
