import { localParts } from "./business-time";
import { daysBetween, type EstimatedDelivery, type EstimateResult } from "./estimate";
import type { ExceptionType } from "./rules";
import type { ShipmentStatus, StatusReason } from "./status";
import { reasonLabel, statusLabel as templateStatusLabel } from "./templates";

/**
 * One story of a parcel, told the same way everywhere a shopper or support reads it: the tracking page, the
 * order status extension, messages, the Support API and the admin. Pure: the shipment, its open cases, its
 * estimate (see estimate.ts), the recipient's zone and `now` come in; words come out.
 *
 * While a case the shopper would notice is open, the story says so in plain words (what the carrier last did
 * and when, what the shop is doing, when it will write) and never reads as plain progress: that is the
 * contract's `attention`. Dates are the recipient's days, in their language.
 */

export const STORY_LANGUAGES = ["en", "fr", "es", "de", "ja"] as const;
export type StoryLanguage = (typeof STORY_LANGUAGES)[number];

/** The contract's exception types, and the unfulfilled order's case the next issue adds. */
export type StoryCaseType = ExceptionType | "fulfillment_delayed";

/**
 * Cases a shopper would notice, most serious first: when several are open, the story tells the first. An
 * unknown carrier status is the operator's business, not the shopper's.
 */
export const SHOPPER_VISIBLE_CASES: readonly StoryCaseType[] = [
  "returned_to_sender",
  "lost",
  "damaged",
  "address_issue",
  "failed_attempt",
  "customs_hold",
  "carrier_exception",
  "stalled",
  "not_picked_up",
  "late",
  "fulfillment_delayed",
];

export interface StoryCase {
  type: StoryCaseType;
  openedAt: number;
  /** when the shop's team is due to act (the case's SLA); the story promises to write by then */
  dueAt?: number | null;
}

export interface StoryShipment {
  status: ShipmentStatus;
  reason: StatusReason | null;
  carrierName: string | null;
  /** "other" names no carrier the shopper would know: the story says "the carrier" */
  carrierCode?: string | null;
  lastCarrierScanAt: number | null;
  /** when the label was created (the fulfillment) */
  shippedAt?: number | null;
  deliveredAt: number | null;
  /** where a parcel waits for the shopper ("Walgreens, 120 Main St"), when the carrier says */
  pickupLocation?: string | null;
}

export interface StoryInput {
  /** the shopper's locale ("en-GB", "fr-CA", "ja"): the language of the words and the style of the dates */
  locale: string | null | undefined;
  /** the recipient's time zone (zoneForDestination) */
  zone: string;
  now: number;
  shipment: StoryShipment;
  /** the shipment's open cases */
  cases: readonly StoryCase[];
  estimate: EstimateResult | null;
}

export interface Story {
  headline: string;
  explanation: string;
  next: string;
  statusLabel: string;
  attention: null | { since: string; message: string };
}

/** A parcel waiting at a pickup point has arrived as far as it will go: lateness and silence are behind it. */
const MOOT_AT_PICKUP: ReadonlySet<StoryCaseType> = new Set<StoryCaseType>(["late", "stalled", "not_picked_up"]);

/**
 * The case the shopper would notice, if any. Once delivered, the journey's troubles are behind: none. At a
 * pickup point, what matters is that it waits there, not that it came late.
 */
export function shopperVisibleCase<C extends Pick<StoryCase, "type">>(status: ShipmentStatus, cases: readonly C[]): C | null {
  if (status === "delivered") return null;
  for (const type of SHOPPER_VISIBLE_CASES) {
    if (status === "available_for_pickup" && MOOT_AT_PICKUP.has(type)) continue;
    const open = cases.find((c) => c.type === type);
    if (open) return open;
  }
  return null;
}

/** The language a locale is told in: one of ours by its first part, else English. */
export function storyLanguage(locale: string | null | undefined): StoryLanguage {
  const base = (locale ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return (STORY_LANGUAGES as readonly string[]).includes(base) ? (base as StoryLanguage) : "en";
}

/** A status in the shopper's language: the words of status.ts and templates.ts, and Japanese for the page. */
export function storyStatusLabel(status: ShipmentStatus, language: StoryLanguage): string {
  return language === "ja" ? JA_STATUS_LABELS[status] : templateStatusLabel(status, language);
}

/** While a case is open the label says the trouble, never progress. */
const CASE_STATUS: Record<StoryCaseType, ShipmentStatus> = {
  not_picked_up: "delayed",
  stalled: "delayed",
  late: "delayed",
  customs_hold: "delayed",
  fulfillment_delayed: "delayed",
  lost: "exception",
  damaged: "exception",
  address_issue: "exception",
  carrier_exception: "exception",
  unknown_status: "unknown",
  failed_attempt: "attempted_delivery",
  returned_to_sender: "returning_to_sender",
};

/** Statuses whose headline is the estimate, when there is one. */
const ESTIMATE_HEADLINE: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["picked_up", "in_transit"]);

const DAY_MS = 86_400_000;

/** The parcel's story in the shopper's language. */
export function tellStory(input: StoryInput): Story {
  const { shipment, now, zone } = input;
  const language = storyLanguage(input.locale);
  const words = WORDS[language];
  const dates = dateWords(input.locale, language, zone);
  const visible = shopperVisibleCase(shipment.status, input.cases);
  const estimate = input.estimate?.estimatedDelivery ?? null;
  const carrier = carrierOf(shipment, words);
  const facts: Facts = {
    carrier,
    last: shipment.lastCarrierScanAt !== null ? dates.day(shipment.lastCarrierScanAt) : null,
    packed: shipment.shippedAt != null ? dates.day(shipment.shippedAt) : null,
    delivered: shipment.deliveredAt !== null ? dates.day(shipment.deliveredAt) : null,
    place: shipment.pickupLocation?.trim() || null,
    reason: reasonWords(shipment.reason, language),
    by: visible?.dueAt != null ? dates.day(Math.max(visible.dueAt, now + DAY_MS)) : null,
    estimate: estimate ? estimateSentence(estimate, input.estimate?.movedFrom ?? null, carrier, words, dates) : "",
    returned: shipment.status === "returned_to_sender",
  };
  if (visible) {
    const said = words.cases[visible.type](facts);
    const labelStatus = visible.type === "returned_to_sender" && facts.returned ? "returned_to_sender" : CASE_STATUS[visible.type];
    return {
      ...said,
      statusLabel: storyStatusLabel(labelStatus, language),
      attention: { since: new Date(sinceOf(visible, shipment)).toISOString(), message: `${said.explanation}${words.join}${said.next}` },
    };
  }
  const said = words.status[shipment.status](facts);
  const headline = estimate && ESTIMATE_HEADLINE.has(shipment.status) ? estimateHeadline(estimate, words, dates, now, zone) : said.headline;
  return { ...said, headline, statusLabel: storyStatusLabel(shipment.status, language), attention: null };
}

/** When the trouble the shopper sees began: the last news of the parcel (for an uncollected one, its label). */
function sinceOf(c: StoryCase, s: StoryShipment): number {
  if (c.type === "fulfillment_delayed") return c.openedAt;
  if (c.type === "not_picked_up") return s.shippedAt ?? c.openedAt;
  return s.lastCarrierScanAt ?? s.shippedAt ?? c.openedAt;
}

function carrierOf(s: StoryShipment, words: Words): string {
  const name = s.carrierName?.trim();
  return name && s.carrierCode !== "other" ? name : words.carrier;
}

/** A reason as it reads inside a sentence; "other" says nothing. */
function reasonWords(reason: StatusReason | null, language: StoryLanguage): string | null {
  if (!reason || reason === "other") return null;
  const label = language === "ja" ? JA_REASON_LABELS[reason] : reasonLabel(reason, language);
  // English, French and Spanish write a common noun in lower case mid-sentence; German keeps its capitals
  return language === "en" || language === "fr" || language === "es" ? label.charAt(0).toLowerCase() + label.slice(1) : label;
}

// ---- dates

interface DateWords {
  /** an instant's day in the recipient's zone: "27 November" */
  day(ms: number): string;
  /** an ISO date, already the recipient's: "27 November" */
  isoDay(iso: string): string;
  /** with its weekday: "Tuesday 9 December" */
  isoWeekday(iso: string): string;
  /** "9–11 December" */
  isoRange(from: string, to: string): string;
}

// Building Intl formatters costs far more than using them: kept per locale and zone (a bounded few).
const dateWordsKept = new Map<string, DateWords>();
const DATE_WORDS_KEPT = 500;

function dateWords(locale: string | null | undefined, language: StoryLanguage, zone: string): DateWords {
  const tag = localeTag(locale, language);
  const key = `${tag}|${zone}`;
  const known = dateWordsKept.get(key);
  if (known) return known;
  if (dateWordsKept.size >= DATE_WORDS_KEPT) dateWordsKept.clear();
  const made = makeDateWords(tag, language, zone);
  dateWordsKept.set(key, made);
  return made;
}

function makeDateWords(tag: string, language: StoryLanguage, zone: string): DateWords {
  const inZone = new Intl.DateTimeFormat(tag, { day: "numeric", month: "long", timeZone: zone });
  const plain = new Intl.DateTimeFormat(tag, { day: "numeric", month: "long", timeZone: "UTC" });
  const weekday = new Intl.DateTimeFormat(tag, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" });
  // an ISO date is a calendar day: read at noon UTC it is that day in the UTC formatter
  const noon = (iso: string) => Date.parse(`${iso}T12:00:00Z`);
  return {
    day: (ms) => inZone.format(ms),
    isoDay: (iso) => plain.format(noon(iso)),
    isoWeekday: (iso) => weekday.format(noon(iso)),
    // Intl's Japanese range is numeric ("12/08～12/10"): the written form reads better
    isoRange: (from, to) => (language === "ja" ? `${plain.format(noon(from))}～${plain.format(noon(to))}` : plain.formatRange(noon(from), noon(to))),
  };
}

/** The locale as Intl takes it ("en_GB" → "en-GB"), when it is in the story's language; else the language alone. */
function localeTag(locale: string | null | undefined, language: StoryLanguage): string {
  const written = (locale ?? "").trim().replace(/_/g, "-");
  try {
    const [canonical] = Intl.getCanonicalLocales(written);
    return canonical && storyLanguage(canonical) === language ? canonical : language;
  } catch {
    return language;
  }
}

// ---- the estimate in words

function estimateSentence(e: EstimatedDelivery, movedFrom: EstimatedDelivery | null, carrier: string, words: Words, dates: DateWords): string {
  if (movedFrom) return words.estimate.moved(span(e, dates), span(movedFrom, dates));
  if (e.source === "learned" && e.earliest !== e.latest) return words.estimate.learned(dates.isoRange(e.earliest, e.latest));
  if (e.source === "promise") return words.estimate.promise(dates.isoWeekday(e.latest));
  if (e.source === "learned") return words.estimate.learned(dates.isoWeekday(e.latest));
  return words.estimate.carrier(carrier, dates.isoWeekday(e.latest));
}

function span(e: EstimatedDelivery, dates: DateWords): string {
  return e.earliest === e.latest ? dates.isoDay(e.latest) : dates.isoRange(e.earliest, e.latest);
}

function estimateHeadline(e: EstimatedDelivery, words: Words, dates: DateWords, now: number, zone: string): string {
  if (e.earliest !== e.latest) return words.estimate.arrivingWindow(dates.isoRange(e.earliest, e.latest));
  if (e.source === "promise") return words.estimate.arrivingBy(dates.isoWeekday(e.latest));
  const inDays = daysBetween(localParts(now, zone).isoDate, e.latest);
  if (inDays === 0) return words.estimate.today;
  if (inDays === 1) return words.estimate.tomorrow;
  return words.estimate.arriving(dates.isoWeekday(e.latest));
}

// ---- the words, per language (every language has every entry: the types say so)

interface Facts {
  /** the carrier's name, or the language's word for "the carrier" */
  carrier: string;
  /** the day of the last carrier scan */
  last: string | null;
  /** the day the label was created */
  packed: string | null;
  delivered: string | null;
  /** the pickup point */
  place: string | null;
  /** the reason, in words fitted for the middle of a sentence */
  reason: string | null;
  /** the day the shop will write by */
  by: string | null;
  /** the estimate as a sentence, or "" (each language puts it after its own sentence) */
  estimate: string;
  /** already back with the shop (not only on its way back) */
  returned: boolean;
}

interface Said {
  headline: string;
  explanation: string;
  next: string;
}

interface Words {
  /** the carrier, when its name is unknown: the subject of a sentence */
  carrier: string;
  /** what joins two sentences */
  join: string;
  status: Record<ShipmentStatus, (f: Facts) => Said>;
  cases: Record<StoryCaseType, (f: Facts) => Said>;
  estimate: {
    carrier(carrier: string, day: string): string;
    learned(days: string): string;
    promise(day: string): string;
    moved(now: string, was: string): string;
    arriving(day: string): string;
    arrivingWindow(days: string): string;
    arrivingBy(day: string): string;
    today: string;
    tomorrow: string;
  };
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sp = (s: string) => (s ? ` ${s}` : "");

const EN: Words = (() => {
  const writeTo = (f: Facts) => (f.by ? `will write to you by ${f.by}` : "will write to you soon");
  const on = (f: Facts) => (f.last ? ` on ${f.last}` : "");
  const why = (f: Facts) => (f.reason ? ` (${f.reason})` : "");
  const outForDelivery = "We will let you know when it is out for delivery.";
  const tryAgain = (f: Facts) => `${cap(f.carrier)} usually tries again the next business day or leaves a notice saying where to collect it.`;
  const sendAgain = "Contact us and we will send it again or refund you.";
  return {
    carrier: "the carrier",
    join: " ",
    status: {
      unknown: (f) => ({ headline: "Checking on your parcel", explanation: `We could not read the latest update from ${f.carrier}.`, next: "We are looking into it and will update this page as soon as we know more." }),
      label_created: (f) => ({
        headline: `Packed, waiting for ${f.carrier}`,
        explanation: `Your order is packed and its shipping label was created${f.packed ? ` on ${f.packed}` : ""}. ${cap(f.carrier)} has not scanned it yet.${sp(f.estimate)}`,
        next: `We will let you know as soon as ${f.carrier} scans it.`,
      }),
      picked_up: (f) => ({ headline: `Picked up by ${f.carrier}`, explanation: `${cap(f.carrier)} picked up your parcel${on(f)}.${sp(f.estimate)}`, next: outForDelivery }),
      in_transit: (f) => ({
        headline: "On its way",
        explanation: `Your parcel is on its way with ${f.carrier}${f.last ? `; last scan on ${f.last}` : ""}.${sp(f.estimate)}`,
        next: outForDelivery,
      }),
      delayed: (f) => ({
        headline: f.reason ? `Delayed: ${f.reason}` : "Delayed",
        explanation: `${cap(f.carrier)} reports a delay${why(f)}${f.last ? `; last scan on ${f.last}` : ""}.${sp(f.estimate)}`,
        next: "We are keeping an eye on it and will let you know when it moves again.",
      }),
      out_for_delivery: (f) => ({
        headline: "Out for delivery",
        explanation: `${cap(f.carrier)} is delivering your parcel today.`,
        next: `If nobody is in, ${f.carrier} usually leaves a notice or tries again the next business day.`,
      }),
      available_for_pickup: (f) => ({
        headline: f.place ? `Ready for pickup at ${f.place}` : "Ready for pickup",
        explanation: `${cap(f.carrier)} is holding your parcel ${f.place ? `at ${f.place}` : "at a pickup point"}${f.last ? ` since ${f.last}` : ""}.`,
        next: "Bring your ID and tracking number to collect it: parcels left too long are sent back.",
      }),
      attempted_delivery: (f) => ({ headline: "Delivery attempted", explanation: `${cap(f.carrier)} tried to deliver your parcel${on(f)} but could not${why(f)}.`, next: tryAgain(f) }),
      delivered: (f) => ({
        headline: f.delivered ? `Delivered on ${f.delivered}` : "Delivered",
        explanation: `${cap(f.carrier)} delivered your parcel${f.delivered ? ` on ${f.delivered}` : ""}.`,
        next: "Can't find it? Look around your door and ask your neighbours, then contact us.",
      }),
      exception: (f) => ({
        headline: "Problem with delivery",
        explanation: `${cap(f.carrier)} reported a problem with your parcel${why(f)}${on(f)}.`,
        next: "We are looking into it and will let you know what happens next.",
      }),
      returning_to_sender: (f) => ({ headline: "Returning to sender", explanation: `${cap(f.carrier)} could not deliver your parcel and is sending it back to us.`, next: sendAgain }),
      returned_to_sender: (f) => ({ headline: "Returned to sender", explanation: `${cap(f.carrier)} has returned your parcel to us.`, next: sendAgain }),
    },
    cases: {
      stalled: (f) => ({
        headline: `Waiting for news from ${f.carrier}`,
        explanation: f.last ? `No update from ${f.carrier} since ${f.last}.` : `No recent update from ${f.carrier}.`,
        next: `We have asked ${f.carrier} to trace it and ${writeTo(f)}.`,
      }),
      lost: (f) => ({
        headline: "Your parcel appears to be lost",
        explanation: f.last ? `${cap(f.carrier)} has not scanned your parcel since ${f.last} and cannot locate it.` : `${cap(f.carrier)} cannot locate your parcel.`,
        next: `We are on it and will make it right with a replacement or a refund. We ${writeTo(f)}.`,
      }),
      late: (f) => ({
        headline: "Running late",
        explanation: `Your parcel is taking longer than we promised.${f.last ? ` ${cap(f.carrier)} last scanned it on ${f.last}.` : ""}${sp(f.estimate)}`,
        next: `We are following it up with ${f.carrier} and ${writeTo(f)}.`,
      }),
      not_picked_up: (f) => ({
        headline: `Not yet collected by ${f.carrier}`,
        explanation: `Your order was packed${f.packed ? ` on ${f.packed}` : ""}, but ${f.carrier} has not collected it yet.`,
        next: `We are checking with our warehouse and ${f.carrier}, and ${writeTo(f)}.`,
      }),
      failed_attempt: (f) => ({
        headline: "Delivery attempt failed",
        explanation: `${cap(f.carrier)} tried to deliver your parcel${on(f)} but could not${why(f)}.`,
        next: `${tryAgain(f)} We are keeping an eye on it and ${writeTo(f)}.`,
      }),
      address_issue: (f) => ({
        headline: "Problem with the delivery address",
        explanation: `${cap(f.carrier)} could not deliver your parcel${on(f)} because of a problem with the address.`,
        next: `Please contact us with your full address, including any apartment number or door code. We are sorting it out with ${f.carrier} and ${writeTo(f)}.`,
      }),
      damaged: (f) => ({
        headline: "Damaged in transit",
        explanation: `${cap(f.carrier)} reported${on(f)} that your parcel was damaged.`,
        next: `We are sorting it out and will make it right. We ${writeTo(f)}.`,
      }),
      customs_hold: (f) => ({
        headline: "Held at customs",
        explanation: f.last ? `${cap(f.carrier)} reports that your parcel has been held at customs since ${f.last}.` : `${cap(f.carrier)} reports that your parcel is held at customs.`,
        next: `Customs checks usually take a few days. If customs needs anything from you, ${f.carrier} will contact you directly. We ${writeTo(f)}.`,
      }),
      returned_to_sender: (f) => ({
        headline: f.returned ? "Returned to us" : "Coming back to us",
        explanation: `${cap(f.carrier)} could not deliver your parcel and ${f.returned ? "has sent it back" : "is sending it back"} to us${f.last ? ` (last scan on ${f.last})` : ""}.`,
        next: `We can send it again or refund you: we ${writeTo(f)} to ask which you prefer.`,
      }),
      carrier_exception: (f) => ({
        headline: "Problem with delivery",
        explanation: `${cap(f.carrier)} reported a problem with your parcel${on(f)}${why(f)}.`,
        next: `We are looking into it with ${f.carrier} and ${writeTo(f)}.`,
      }),
      unknown_status: (f) => EN.status.unknown(f),
      fulfillment_delayed: (f) => ({
        headline: "Taking longer to ship",
        explanation: "Your order is taking longer than usual to leave our warehouse.",
        next: `We are on it and ${writeTo(f)}.`,
      }),
    },
    estimate: {
      carrier: (carrier, day) => `${cap(carrier)} expects to deliver it on ${day}.`,
      learned: (days) => `Expected ${days}, going by how long parcels like this usually take.`,
      promise: (day) => `Expected by ${day}.`,
      moved: (now, was) => `Now expected ${now}, was ${was}.`,
      arriving: (day) => `Arriving ${day}`,
      arrivingWindow: (days) => `Arriving ${days}`,
      arrivingBy: (day) => `Arriving by ${day}`,
      today: "Arriving today",
      tomorrow: "Arriving tomorrow",
    },
  };
})();

const FR: Words = (() => {
  const writeTo = (f: Facts) => (f.by ? `vous écrirons d'ici le ${f.by}` : "vous écrirons très bientôt");
  const on = (f: Facts) => (f.last ? ` le ${f.last}` : "");
  const why = (f: Facts) => (f.reason ? ` (${f.reason})` : "");
  const outForDelivery = "Nous vous préviendrons quand il sera en cours de livraison.";
  const tryAgain = (f: Facts) => `${cap(f.carrier)} repasse généralement le jour ouvré suivant ou laisse un avis indiquant où le retirer.`;
  const sendAgain = "Contactez-nous : nous pouvons vous le renvoyer ou vous rembourser.";
  return {
    carrier: "le transporteur",
    join: " ",
    status: {
      unknown: (f) => ({
        headline: "Vérification en cours",
        explanation: `Nous n'avons pas pu lire la dernière information envoyée par ${f.carrier}.`,
        next: "Nous vérifions et mettrons cette page à jour dès que nous en saurons plus.",
      }),
      label_created: (f) => ({
        headline: "Emballé, en attente de prise en charge",
        explanation: `Votre commande est emballée et son étiquette d'expédition a été créée${f.packed ? ` le ${f.packed}` : ""}. ${cap(f.carrier)} ne l'a pas encore scannée.${sp(f.estimate)}`,
        next: `Nous vous préviendrons dès que ${f.carrier} l'aura scannée.`,
      }),
      picked_up: (f) => ({ headline: `Pris en charge par ${f.carrier}`, explanation: `${cap(f.carrier)} a pris en charge votre colis${on(f)}.${sp(f.estimate)}`, next: outForDelivery }),
      in_transit: (f) => ({
        headline: "En cours d'acheminement",
        explanation: `Votre colis est en route avec ${f.carrier}${f.last ? ` ; dernier scan le ${f.last}` : ""}.${sp(f.estimate)}`,
        next: outForDelivery,
      }),
      delayed: (f) => ({
        headline: f.reason ? `Retardé : ${f.reason}` : "Retardé",
        explanation: `${cap(f.carrier)} signale un retard${why(f)}${f.last ? ` ; dernier scan le ${f.last}` : ""}.${sp(f.estimate)}`,
        next: "Nous le surveillons et vous préviendrons dès qu'il repartira.",
      }),
      out_for_delivery: (f) => ({
        headline: "En cours de livraison",
        explanation: `${cap(f.carrier)} livre votre colis aujourd'hui.`,
        next: `En cas d'absence, ${f.carrier} laisse généralement un avis de passage ou repasse le jour ouvré suivant.`,
      }),
      available_for_pickup: (f) => ({
        headline: f.place ? `Disponible au retrait : ${f.place}` : "Disponible au retrait",
        explanation: `${cap(f.carrier)} garde votre colis ${f.place ? `au point de retrait ${f.place}` : "dans un point de retrait"}${f.last ? ` depuis le ${f.last}` : ""}.`,
        next: "Munissez-vous d'une pièce d'identité et de votre numéro de suivi pour le retirer : un colis non retiré est renvoyé au bout de quelques jours.",
      }),
      attempted_delivery: (f) => ({ headline: "Tentative de livraison", explanation: `${cap(f.carrier)} a tenté de livrer votre colis${on(f)} sans y parvenir${why(f)}.`, next: tryAgain(f) }),
      delivered: (f) => ({
        headline: f.delivered ? `Livré le ${f.delivered}` : "Livré",
        explanation: `${cap(f.carrier)} a livré votre colis${f.delivered ? ` le ${f.delivered}` : ""}.`,
        next: "Vous ne le trouvez pas ? Regardez autour de votre porte et demandez à vos voisins, puis contactez-nous.",
      }),
      exception: (f) => ({
        headline: "Problème de livraison",
        explanation: `${cap(f.carrier)} a signalé un problème avec votre colis${why(f)}${on(f)}.`,
        next: "Nous nous en occupons et vous tiendrons informé de la suite.",
      }),
      returning_to_sender: (f) => ({ headline: "En retour vers l'expéditeur", explanation: `${cap(f.carrier)} n'a pas pu livrer votre colis et nous le renvoie.`, next: sendAgain }),
      returned_to_sender: (f) => ({ headline: "Retourné à l'expéditeur", explanation: `${cap(f.carrier)} nous a retourné votre colis.`, next: sendAgain }),
    },
    cases: {
      stalled: (f) => ({
        headline: "En attente de nouvelles",
        explanation: f.last ? `${cap(f.carrier)} n'a donné aucune nouvelle depuis le ${f.last}.` : `${cap(f.carrier)} n'a donné aucune nouvelle récemment.`,
        next: `Nous avons demandé une enquête et ${f.carrier} recherche votre colis ; nous ${writeTo(f)}.`,
      }),
      lost: (f) => ({
        headline: "Votre colis semble perdu",
        explanation: f.last ? `${cap(f.carrier)} n'a pas scanné votre colis depuis le ${f.last} et ne parvient pas à le localiser.` : `${cap(f.carrier)} ne parvient pas à localiser votre colis.`,
        next: `Nous nous en occupons et trouverons une solution : un nouvel envoi ou un remboursement. Nous ${writeTo(f)}.`,
      }),
      late: (f) => ({
        headline: "En retard",
        explanation: `Votre colis met plus de temps que promis.${f.last ? ` Dernier scan par ${f.carrier} le ${f.last}.` : ""}${sp(f.estimate)}`,
        next: `Nous suivons la situation avec ${f.carrier} et nous ${writeTo(f)}.`,
      }),
      not_picked_up: (f) => ({
        headline: `Pas encore pris en charge par ${f.carrier}`,
        explanation: `Votre commande a été emballée${f.packed ? ` le ${f.packed}` : ""}, mais ${f.carrier} ne l'a pas encore prise en charge.`,
        next: `Nous vérifions avec notre entrepôt et ${f.carrier}, et nous ${writeTo(f)}.`,
      }),
      failed_attempt: (f) => ({
        headline: "Échec de la tentative de livraison",
        explanation: `${cap(f.carrier)} a tenté de livrer votre colis${on(f)} sans y parvenir${why(f)}.`,
        next: `${tryAgain(f)} Nous suivons la situation et nous ${writeTo(f)}.`,
      }),
      address_issue: (f) => ({
        headline: "Problème avec l'adresse de livraison",
        explanation: `${cap(f.carrier)} n'a pas pu livrer votre colis${on(f)} à cause d'un problème d'adresse.`,
        next: `Merci de nous envoyer votre adresse complète, avec le numéro d'appartement ou le digicode. Nous réglons cela avec ${f.carrier} et nous ${writeTo(f)}.`,
      }),
      damaged: (f) => ({
        headline: "Endommagé pendant le transport",
        explanation: `${cap(f.carrier)} a signalé${on(f)} que votre colis a été endommagé.`,
        next: `Nous nous en occupons et trouverons une solution. Nous ${writeTo(f)}.`,
      }),
      customs_hold: (f) => ({
        headline: "Retenu en douane",
        explanation: f.last ? `${cap(f.carrier)} indique que votre colis est retenu en douane depuis le ${f.last}.` : `${cap(f.carrier)} indique que votre colis est retenu en douane.`,
        next: `Les contrôles douaniers prennent généralement quelques jours. Si la douane a besoin de quelque chose, ${f.carrier} vous contactera directement. Nous ${writeTo(f)}.`,
      }),
      returned_to_sender: (f) => ({
        headline: f.returned ? "Revenu chez nous" : "En retour chez nous",
        explanation: `${cap(f.carrier)} n'a pas pu livrer votre colis et ${f.returned ? "nous l'a renvoyé" : "nous le renvoie"}${f.last ? ` (dernier scan le ${f.last})` : ""}.`,
        next: `Nous pouvons vous le renvoyer ou vous rembourser : nous ${writeTo(f)} pour savoir ce que vous préférez.`,
      }),
      carrier_exception: (f) => ({
        headline: "Problème de livraison",
        explanation: `${cap(f.carrier)} a signalé un problème avec votre colis${on(f)}${why(f)}.`,
        next: `Nous examinons la situation avec ${f.carrier} et nous ${writeTo(f)}.`,
      }),
      unknown_status: (f) => FR.status.unknown(f),
      fulfillment_delayed: (f) => ({
        headline: "Expédition retardée",
        explanation: "Votre commande met plus de temps que d'habitude à quitter notre entrepôt.",
        next: `Nous nous en occupons et nous ${writeTo(f)}.`,
      }),
    },
    estimate: {
      carrier: (carrier, day) => `${cap(carrier)} prévoit de le livrer le ${day}.`,
      learned: (days) => `Livraison prévue : ${days}, d'après le délai habituel des colis comme celui-ci.`,
      promise: (day) => `Livraison prévue au plus tard le ${day}.`,
      moved: (now, was) => `Nouvelle date prévue : ${now} (au lieu du ${was}).`,
      arriving: (day) => `Livraison prévue le ${day}`,
      arrivingWindow: (days) => `Livraison prévue : ${days}`,
      arrivingBy: (day) => `Livraison prévue au plus tard le ${day}`,
      today: "Livraison prévue aujourd'hui",
      tomorrow: "Livraison prévue demain",
    },
  };
})();

const ES: Words = (() => {
  const writeTo = (f: Facts) => (f.by ? `le escribiremos a más tardar el ${f.by}` : "le escribiremos muy pronto");
  const on = (f: Facts) => (f.last ? ` el ${f.last}` : "");
  const why = (f: Facts) => (f.reason ? ` (${f.reason})` : "");
  const outForDelivery = "Le avisaremos cuando salga a reparto.";
  const tryAgain = (f: Facts) => `${cap(f.carrier)} suele volver a intentarlo el siguiente día hábil o deja un aviso indicando dónde recogerlo.`;
  const sendAgain = "Contáctenos: podemos enviárselo de nuevo o reembolsarle.";
  return {
    carrier: "la empresa de transporte",
    join: " ",
    status: {
      unknown: (f) => ({
        headline: "Comprobando su paquete",
        explanation: `No hemos podido leer la última actualización de ${f.carrier}.`,
        next: "Lo estamos revisando y actualizaremos esta página en cuanto sepamos más.",
      }),
      label_created: (f) => ({
        headline: `Empaquetado, esperando a ${f.carrier}`,
        explanation: `Su pedido está empaquetado y su etiqueta de envío se creó${f.packed ? ` el ${f.packed}` : ""}. ${cap(f.carrier)} todavía no lo ha escaneado.${sp(f.estimate)}`,
        next: `Le avisaremos en cuanto ${f.carrier} lo escanee.`,
      }),
      picked_up: (f) => ({ headline: `Recogido por ${f.carrier}`, explanation: `${cap(f.carrier)} recogió su paquete${on(f)}.${sp(f.estimate)}`, next: outForDelivery }),
      in_transit: (f) => ({
        headline: "En tránsito",
        explanation: `Su paquete está en camino con ${f.carrier}${f.last ? `; último escaneo el ${f.last}` : ""}.${sp(f.estimate)}`,
        next: outForDelivery,
      }),
      delayed: (f) => ({
        headline: f.reason ? `Con retraso: ${f.reason}` : "Con retraso",
        explanation: `${cap(f.carrier)} informa de un retraso${why(f)}${f.last ? `; último escaneo el ${f.last}` : ""}.${sp(f.estimate)}`,
        next: "Lo estamos vigilando y le avisaremos cuando vuelva a moverse.",
      }),
      out_for_delivery: (f) => ({
        headline: "En reparto",
        explanation: `${cap(f.carrier)} entrega su paquete hoy.`,
        next: `Si no hay nadie, ${f.carrier} suele dejar un aviso o volver a intentarlo el siguiente día hábil.`,
      }),
      available_for_pickup: (f) => ({
        headline: f.place ? `Listo para recoger en ${f.place}` : "Listo para recoger",
        explanation: `${cap(f.carrier)} guarda su paquete ${f.place ? `en ${f.place}` : "en un punto de recogida"}${f.last ? ` desde el ${f.last}` : ""}.`,
        next: "Lleve su documento de identidad y el número de seguimiento para recogerlo: los paquetes que no se recogen se devuelven pasado un tiempo.",
      }),
      attempted_delivery: (f) => ({ headline: "Intento de entrega", explanation: `${cap(f.carrier)} intentó entregar su paquete${on(f)}, sin éxito${why(f)}.`, next: tryAgain(f) }),
      delivered: (f) => ({
        headline: f.delivered ? `Entregado el ${f.delivered}` : "Entregado",
        explanation: `${cap(f.carrier)} entregó su paquete${f.delivered ? ` el ${f.delivered}` : ""}.`,
        next: "¿No lo encuentra? Mire alrededor de su puerta y pregunte a sus vecinos; después, contáctenos.",
      }),
      exception: (f) => ({
        headline: "Problema con la entrega",
        explanation: `${cap(f.carrier)} informó de un problema con su paquete${why(f)}${on(f)}.`,
        next: "Lo estamos revisando y le informaremos de los siguientes pasos.",
      }),
      returning_to_sender: (f) => ({ headline: "En devolución al remitente", explanation: `${cap(f.carrier)} no pudo entregar su paquete y nos lo está devolviendo.`, next: sendAgain }),
      returned_to_sender: (f) => ({ headline: "Devuelto al remitente", explanation: `${cap(f.carrier)} nos ha devuelto su paquete.`, next: sendAgain }),
    },
    cases: {
      stalled: (f) => ({
        headline: `Esperando noticias de ${f.carrier}`,
        explanation: f.last ? `Sin novedades de ${f.carrier} desde el ${f.last}.` : `No hay novedades recientes de ${f.carrier}.`,
        next: `Hemos pedido a ${f.carrier} que lo localice y ${writeTo(f)}.`,
      }),
      lost: (f) => ({
        headline: "Su paquete parece haberse perdido",
        explanation: f.last ? `${cap(f.carrier)} no ha escaneado su paquete desde el ${f.last} y no consigue localizarlo.` : `${cap(f.carrier)} no consigue localizar su paquete.`,
        next: `Nos estamos ocupando y lo solucionaremos con un nuevo envío o un reembolso. ${cap(writeTo(f))}.`,
      }),
      late: (f) => ({
        headline: "Va con retraso",
        explanation: `Su paquete está tardando más de lo prometido.${f.last ? ` ${cap(f.carrier)} lo escaneó por última vez el ${f.last}.` : ""}${sp(f.estimate)}`,
        next: `Estamos haciendo el seguimiento con ${f.carrier} y ${writeTo(f)}.`,
      }),
      not_picked_up: (f) => ({
        headline: `${cap(f.carrier)} aún no lo ha recogido`,
        explanation: `Su pedido se empaquetó${f.packed ? ` el ${f.packed}` : ""}, pero ${f.carrier} todavía no lo ha recogido.`,
        next: `Lo estamos comprobando con nuestro almacén y con ${f.carrier}, y ${writeTo(f)}.`,
      }),
      failed_attempt: (f) => ({
        headline: "Intento de entrega fallido",
        explanation: `${cap(f.carrier)} intentó entregar su paquete${on(f)}, sin éxito${why(f)}.`,
        next: `${tryAgain(f)} Lo estamos vigilando y ${writeTo(f)}.`,
      }),
      address_issue: (f) => ({
        headline: "Problema con la dirección de entrega",
        explanation: `${cap(f.carrier)} no pudo entregar su paquete${on(f)} por un problema con la dirección.`,
        next: `Envíenos su dirección completa, con el número de piso o el código de acceso. Lo estamos resolviendo con ${f.carrier} y ${writeTo(f)}.`,
      }),
      damaged: (f) => ({
        headline: "Dañado durante el transporte",
        explanation: `${cap(f.carrier)} informó${on(f)} de que su paquete resultó dañado.`,
        next: `Nos estamos ocupando y lo solucionaremos. ${cap(writeTo(f))}.`,
      }),
      customs_hold: (f) => ({
        headline: "Retenido en aduana",
        explanation: f.last ? `${cap(f.carrier)} indica que su paquete está retenido en aduana desde el ${f.last}.` : `${cap(f.carrier)} indica que su paquete está retenido en aduana.`,
        next: `Los trámites aduaneros suelen tardar unos días. Si la aduana necesita algo de usted, ${f.carrier} se pondrá en contacto directamente. ${cap(writeTo(f))}.`,
      }),
      returned_to_sender: (f) => ({
        headline: f.returned ? "De vuelta en la tienda" : "De camino de vuelta a la tienda",
        explanation: `${cap(f.carrier)} no pudo entregar su paquete y ${f.returned ? "nos lo ha devuelto" : "nos lo está devolviendo"}${f.last ? ` (último escaneo el ${f.last})` : ""}.`,
        next: `Podemos enviárselo de nuevo o reembolsarle: ${writeTo(f)} para saber qué prefiere.`,
      }),
      carrier_exception: (f) => ({
        headline: "Problema con la entrega",
        explanation: `${cap(f.carrier)} informó de un problema con su paquete${on(f)}${why(f)}.`,
        next: `Lo estamos revisando con ${f.carrier} y ${writeTo(f)}.`,
      }),
      unknown_status: (f) => ES.status.unknown(f),
      fulfillment_delayed: (f) => ({
        headline: "El envío se está retrasando",
        explanation: "Su pedido está tardando más de lo habitual en salir de nuestro almacén.",
        next: `Nos estamos ocupando y ${writeTo(f)}.`,
      }),
    },
    estimate: {
      carrier: (carrier, day) => `${cap(carrier)} prevé entregarlo el ${day}.`,
      learned: (days) => `Entrega prevista: ${days}, según lo que suelen tardar los envíos como este.`,
      promise: (day) => `Entrega prevista a más tardar el ${day}.`,
      moved: (now, was) => `Ahora se espera el ${now}; antes, el ${was}.`,
      arriving: (day) => `Llega el ${day}`,
      arrivingWindow: (days) => `Entrega prevista: ${days}`,
      arrivingBy: (day) => `Llega a más tardar el ${day}`,
      today: "Llega hoy",
      tomorrow: "Llega mañana",
    },
  };
})();

const DE: Words = (() => {
  // the carrier is always the subject here: German declines "der Paketdienst" in every other place
  const writeTo = (f: Facts) => (f.by ? `schreiben Ihnen bis zum ${f.by}` : "schreiben Ihnen in Kürze");
  const on = (f: Facts) => (f.last ? ` am ${f.last}` : "");
  const why = (f: Facts) => (f.reason ? ` (${f.reason})` : "");
  const outForDelivery = "Wir melden uns, wenn es in Zustellung ist.";
  const tryAgain = (f: Facts) => `${cap(f.carrier)} versucht es meist am nächsten Werktag erneut oder hinterlässt eine Benachrichtigung, wo Sie das Paket abholen können.`;
  const sendAgain = "Melden Sie sich bei uns: Wir schicken es erneut oder erstatten Ihnen den Betrag.";
  return {
    carrier: "der Paketdienst",
    join: " ",
    status: {
      unknown: (f) => ({
        headline: "Wir prüfen Ihre Sendung",
        explanation: `${cap(f.carrier)} hat eine Meldung geschickt, die wir nicht lesen konnten.`,
        next: "Wir prüfen das und aktualisieren diese Seite, sobald wir mehr wissen.",
      }),
      label_created: (f) => ({
        headline: "Verpackt, wartet auf Abholung",
        explanation: `Ihre Bestellung ist verpackt, das Versandetikett wurde${f.packed ? ` am ${f.packed}` : ""} erstellt. ${cap(f.carrier)} hat das Paket noch nicht gescannt.${sp(f.estimate)}`,
        next: `Wir melden uns, sobald ${f.carrier} es scannt.`,
      }),
      picked_up: (f) => ({ headline: "Abgeholt", explanation: `${cap(f.carrier)} hat Ihr Paket${on(f)} abgeholt.${sp(f.estimate)}`, next: outForDelivery }),
      in_transit: (f) => ({
        headline: "Unterwegs",
        explanation: `${cap(f.carrier)} transportiert Ihr Paket${f.last ? `; letzter Scan am ${f.last}` : ""}.${sp(f.estimate)}`,
        next: outForDelivery,
      }),
      delayed: (f) => ({
        headline: f.reason ? `Verspätet: ${f.reason}` : "Verspätet",
        explanation: `${cap(f.carrier)} meldet eine Verzögerung${why(f)}${f.last ? `; letzter Scan am ${f.last}` : ""}.${sp(f.estimate)}`,
        next: "Wir behalten es im Blick und melden uns, sobald es weitergeht.",
      }),
      out_for_delivery: (f) => ({
        headline: "In Zustellung",
        explanation: `${cap(f.carrier)} stellt Ihr Paket heute zu.`,
        next: `Wenn niemand da ist, hinterlässt ${f.carrier} meist eine Benachrichtigung oder versucht es am nächsten Werktag erneut.`,
      }),
      available_for_pickup: (f) => ({
        headline: f.place ? `Zur Abholung bereit: ${f.place}` : "Zur Abholung bereit",
        explanation: `${cap(f.carrier)} hält Ihr Paket${f.place ? ` bei ${f.place}` : " in einer Abholstelle"}${f.last ? ` seit dem ${f.last}` : ""} bereit.`,
        next: "Bringen Sie einen Ausweis und die Sendungsnummer mit: Nicht abgeholte Pakete werden nach einiger Zeit zurückgeschickt.",
      }),
      attempted_delivery: (f) => ({
        headline: "Zustellversuch",
        explanation: `${cap(f.carrier)} hat${on(f)} versucht, Ihr Paket zuzustellen, leider ohne Erfolg${why(f)}.`,
        next: tryAgain(f),
      }),
      delivered: (f) => ({
        headline: f.delivered ? `Zugestellt am ${f.delivered}` : "Zugestellt",
        explanation: `${cap(f.carrier)} hat Ihr Paket${f.delivered ? ` am ${f.delivered}` : ""} zugestellt.`,
        next: "Sie finden es nicht? Schauen Sie rund um Ihre Tür und fragen Sie Ihre Nachbarn, dann melden Sie sich bei uns.",
      }),
      exception: (f) => ({
        headline: "Problem bei der Zustellung",
        explanation: `${cap(f.carrier)} hat${on(f)} ein Problem mit Ihrem Paket gemeldet${why(f)}.`,
        next: "Wir kümmern uns darum und sagen Ihnen, wie es weitergeht.",
      }),
      returning_to_sender: (f) => ({ headline: "Auf dem Rückweg zum Absender", explanation: `${cap(f.carrier)} konnte Ihr Paket nicht zustellen und schickt es an uns zurück.`, next: sendAgain }),
      returned_to_sender: (f) => ({ headline: "An den Absender zurückgeschickt", explanation: `${cap(f.carrier)} hat Ihr Paket an uns zurückgeschickt.`, next: sendAgain }),
    },
    cases: {
      stalled: (f) => ({
        headline: "Warten auf Neuigkeiten",
        explanation: f.last ? `${cap(f.carrier)} hat Ihr Paket seit dem ${f.last} nicht mehr gescannt.` : `${cap(f.carrier)} hat Ihr Paket länger nicht mehr gescannt.`,
        next: `Wir haben einen Nachforschungsauftrag gestellt und ${writeTo(f)}.`,
      }),
      lost: (f) => ({
        headline: "Ihr Paket ist vermutlich verloren gegangen",
        explanation: f.last ? `${cap(f.carrier)} hat Ihr Paket seit dem ${f.last} nicht mehr gescannt und kann es nicht finden.` : `${cap(f.carrier)} kann Ihr Paket nicht finden.`,
        next: `Wir kümmern uns darum und finden eine Lösung: eine Ersatzlieferung oder eine Erstattung. Wir ${writeTo(f)}.`,
      }),
      late: (f) => ({
        headline: "Später als versprochen",
        explanation: `Ihr Paket braucht länger als versprochen.${f.last ? ` ${cap(f.carrier)} hat es zuletzt am ${f.last} gescannt.` : ""}${sp(f.estimate)}`,
        next: `Wir haken beim Paketdienst nach und ${writeTo(f)}.`,
      }),
      not_picked_up: (f) => ({
        headline: "Noch nicht abgeholt",
        explanation: `Ihre Bestellung wurde${f.packed ? ` am ${f.packed}` : ""} verpackt, aber ${f.carrier} hat sie noch nicht abgeholt.`,
        next: `Wir klären das mit unserem Lager und dem Paketdienst und ${writeTo(f)}.`,
      }),
      failed_attempt: (f) => ({
        headline: "Zustellversuch fehlgeschlagen",
        explanation: `${cap(f.carrier)} hat${on(f)} versucht, Ihr Paket zuzustellen, leider ohne Erfolg${why(f)}.`,
        next: `${tryAgain(f)} Wir behalten es im Blick und ${writeTo(f)}.`,
      }),
      address_issue: (f) => ({
        headline: "Problem mit der Lieferadresse",
        explanation: `${cap(f.carrier)} konnte Ihr Paket${on(f)} wegen eines Problems mit der Adresse nicht zustellen.`,
        next: `Bitte schicken Sie uns Ihre vollständige Adresse, mit Wohnungsnummer oder Türcode. Wir klären das mit dem Paketdienst und ${writeTo(f)}.`,
      }),
      damaged: (f) => ({
        headline: "Beim Transport beschädigt",
        explanation: `${cap(f.carrier)} hat${on(f)} gemeldet, dass Ihr Paket beschädigt wurde.`,
        next: `Wir kümmern uns darum und finden eine Lösung. Wir ${writeTo(f)}.`,
      }),
      customs_hold: (f) => ({
        headline: "Beim Zoll festgehalten",
        explanation: f.last ? `${cap(f.carrier)} meldet, dass Ihr Paket seit dem ${f.last} beim Zoll liegt.` : `${cap(f.carrier)} meldet, dass Ihr Paket beim Zoll liegt.`,
        next: `Die Zollabfertigung dauert meist einige Tage. Falls der Zoll etwas von Ihnen braucht, meldet sich ${f.carrier} direkt bei Ihnen. Wir ${writeTo(f)}.`,
      }),
      returned_to_sender: (f) => ({
        headline: f.returned ? "Zu uns zurückgeschickt" : "Auf dem Rückweg zu uns",
        explanation: `${cap(f.carrier)} konnte Ihr Paket nicht zustellen und ${f.returned ? "hat es an uns zurückgeschickt" : "schickt es an uns zurück"}${f.last ? ` (letzter Scan am ${f.last})` : ""}.`,
        next: `Wir können es erneut schicken oder Ihnen den Betrag erstatten: Wir ${writeTo(f)}, um zu fragen, was Ihnen lieber ist.`,
      }),
      carrier_exception: (f) => ({
        headline: "Problem bei der Zustellung",
        explanation: `${cap(f.carrier)} hat${on(f)} ein Problem mit Ihrem Paket gemeldet${why(f)}.`,
        next: `Wir klären das mit dem Paketdienst und ${writeTo(f)}.`,
      }),
      unknown_status: (f) => DE.status.unknown(f),
      fulfillment_delayed: (f) => ({
        headline: "Der Versand verzögert sich",
        explanation: "Ihre Bestellung braucht länger als sonst, um unser Lager zu verlassen.",
        next: `Wir kümmern uns darum und ${writeTo(f)}.`,
      }),
    },
    estimate: {
      carrier: (carrier, day) => `${cap(carrier)} rechnet mit der Zustellung am ${day}.`,
      learned: (days) => `Voraussichtliche Zustellung: ${days} (nach der üblichen Laufzeit solcher Sendungen).`,
      promise: (day) => `Voraussichtliche Zustellung bis ${day}.`,
      moved: (now, was) => `Jetzt erwartet am ${now}, zuvor am ${was}.`,
      arriving: (day) => `Zustellung am ${day}`,
      arrivingWindow: (days) => `Zustellung: ${days}`,
      arrivingBy: (day) => `Zustellung bis ${day}`,
      today: "Zustellung heute",
      tomorrow: "Zustellung morgen",
    },
  };
})();

const JA: Words = (() => {
  const writeTo = (f: Facts) => (f.by ? `${f.by}までにご連絡いたします` : "近日中にご連絡いたします");
  const on = (f: Facts) => (f.last ? `${f.last}に` : "");
  const why = (f: Facts) => (f.reason ? `（${f.reason}）` : "");
  const outForDelivery = "配達に出ましたらお知らせします。";
  const tryAgain = (f: Facts) => `${f.carrier}は通常、翌営業日に再配達するか、受取場所を記した不在票を残します。`;
  const sendAgain = "再送または返金をご希望の場合は、当店までご連絡ください。";
  return {
    carrier: "配送業者",
    join: "",
    status: {
      unknown: (f) => ({ headline: "配送状況を確認中です", explanation: `${f.carrier}からの最新情報を読み取れませんでした。`, next: "確認のうえ、わかり次第このページを更新します。" }),
      label_created: (f) => ({
        headline: "梱包済み・集荷待ち",
        explanation: `ご注文の商品は梱包済みで、${f.packed ? `${f.packed}に` : ""}配送ラベルが作成されました。${f.carrier}による集荷スキャンはまだありません。${f.estimate}`,
        next: `${f.carrier}が集荷しましたらお知らせします。`,
      }),
      picked_up: (f) => ({ headline: `${f.carrier}が集荷しました`, explanation: `${f.carrier}が${on(f)}荷物を集荷しました。${f.estimate}`, next: outForDelivery }),
      in_transit: (f) => ({ headline: "輸送中", explanation: `荷物は${f.carrier}で輸送中です${f.last ? `（最終スキャン：${f.last}）` : ""}。${f.estimate}`, next: outForDelivery }),
      delayed: (f) => ({
        headline: f.reason ? `遅延：${f.reason}` : "遅延しています",
        explanation: `${f.carrier}から遅延の連絡がありました${why(f)}${f.last ? `（最終スキャン：${f.last}）` : ""}。${f.estimate}`,
        next: "引き続き状況を確認し、動きがありましたらお知らせします。",
      }),
      out_for_delivery: (f) => ({ headline: "配達中", explanation: `${f.carrier}が本日お届けします。`, next: `ご不在の場合、${f.carrier}は通常、不在票を残すか翌営業日に再配達します。` }),
      available_for_pickup: (f) => ({
        headline: f.place ? `${f.place}で受け取れます` : "受け取り可能です",
        explanation: `${f.carrier}が荷物を${f.place ?? "受取場所"}で保管しています${f.last ? `（${f.last}から）` : ""}。`,
        next: "身分証明書と追跡番号をお持ちのうえお受け取りください。一定期間受け取られない荷物は返送されます。",
      }),
      attempted_delivery: (f) => ({ headline: "配達を試みました", explanation: `${f.carrier}が${on(f)}配達を試みましたが、お届けできませんでした${why(f)}。`, next: tryAgain(f) }),
      delivered: (f) => ({
        headline: f.delivered ? `${f.delivered}に配達済み` : "配達済み",
        explanation: `${f.carrier}が${f.delivered ? `${f.delivered}に` : ""}荷物をお届けしました。`,
        next: "見当たらない場合は、玄関まわりやご近所をご確認のうえ、当店までお問い合わせください。",
      }),
      exception: (f) => ({ headline: "配送に問題があります", explanation: `${f.carrier}から${on(f)}荷物に関する問題の報告がありました${why(f)}。`, next: "状況を確認し、今後の対応をお知らせします。" }),
      returning_to_sender: (f) => ({ headline: "差出人に返送中", explanation: `${f.carrier}は荷物をお届けできず、当店へ返送中です。`, next: sendAgain }),
      returned_to_sender: (f) => ({ headline: "差出人に返送済み", explanation: `${f.carrier}から荷物が当店に返送されました。`, next: sendAgain }),
    },
    cases: {
      stalled: (f) => ({
        headline: `${f.carrier}からの連絡待ち`,
        explanation: f.last ? `${f.last}以降、${f.carrier}からの更新がありません。` : `${f.carrier}からの最近の更新がありません。`,
        next: `${f.carrier}に調査を依頼しました。${writeTo(f)}。`,
      }),
      lost: (f) => ({
        headline: "荷物が紛失した可能性があります",
        explanation: f.last ? `${f.carrier}は${f.last}以降この荷物をスキャンしておらず、所在を確認できていません。` : `${f.carrier}は荷物の所在を確認できていません。`,
        next: `当店で対応し、再送または返金にて必ず解決いたします。${writeTo(f)}。`,
      }),
      late: (f) => ({
        headline: "お届けが遅れています",
        explanation: `お約束した日より配送に時間がかかっています。${f.last ? `${f.carrier}の最終スキャンは${f.last}です。` : ""}${f.estimate}`,
        next: `${f.carrier}に確認中です。${writeTo(f)}。`,
      }),
      not_picked_up: (f) => ({
        headline: `${f.carrier}による集荷がまだです`,
        explanation: `ご注文の商品は${f.packed ? `${f.packed}に` : ""}梱包済みですが、${f.carrier}がまだ集荷していません。`,
        next: `倉庫と${f.carrier}に確認中です。${writeTo(f)}。`,
      }),
      failed_attempt: (f) => ({
        headline: "配達できませんでした",
        explanation: `${f.carrier}が${on(f)}配達を試みましたが、お届けできませんでした${why(f)}。`,
        next: `${tryAgain(f)}引き続き状況を確認し、${writeTo(f)}。`,
      }),
      address_issue: (f) => ({
        headline: "お届け先住所に問題があります",
        explanation: `住所の問題により、${f.carrier}は${on(f)}荷物をお届けできませんでした。`,
        next: `部屋番号などを含む正確なご住所をお知らせください。${f.carrier}と調整のうえ、${writeTo(f)}。`,
      }),
      damaged: (f) => ({
        headline: "荷物が破損しました",
        explanation: `${f.carrier}から${on(f)}荷物が破損したとの報告がありました。`,
        next: `当店で対応し、必ず解決いたします。${writeTo(f)}。`,
      }),
      customs_hold: (f) => ({
        headline: "税関で保留中です",
        explanation: f.last ? `${f.carrier}によると、荷物は${f.last}から税関で保留されています。` : `${f.carrier}によると、荷物は税関で保留されています。`,
        next: `通関には通常数日かかります。税関から必要な手続きがある場合は、${f.carrier}から直接ご連絡があります。${writeTo(f)}。`,
      }),
      returned_to_sender: (f) => ({
        headline: f.returned ? "当店に返送されました" : "当店へ返送中です",
        explanation: `${f.carrier}は荷物をお届けできず、${f.returned ? "当店に返送しました" : "当店へ返送中です"}${f.last ? `（最終スキャン：${f.last}）` : ""}。`,
        next: `再送または返金が可能です。ご希望を伺うため、${writeTo(f)}。`,
      }),
      carrier_exception: (f) => ({
        headline: "配送に問題があります",
        explanation: `${f.carrier}から${on(f)}荷物に関する問題の報告がありました${why(f)}。`,
        next: `${f.carrier}と確認のうえ、${writeTo(f)}。`,
      }),
      unknown_status: (f) => JA.status.unknown(f),
      fulfillment_delayed: (f) => ({ headline: "発送が遅れています", explanation: "ご注文の商品の出荷に通常より時間がかかっています。", next: `当店で対応中です。${writeTo(f)}。` }),
    },
    estimate: {
      carrier: (carrier, day) => `${carrier}は${day}のお届けを予定しています。`,
      learned: (days) => `同様の荷物の通常の配送日数から、${days}のお届け見込みです。`,
      promise: (day) => `${day}までのお届け予定です。`,
      moved: (now, was) => `お届け予定日は${now}に変更されました（変更前：${was}）。`,
      arriving: (day) => `${day}お届け予定`,
      arrivingWindow: (days) => `${days}お届け予定`,
      arrivingBy: (day) => `${day}までにお届け予定`,
      today: "本日お届け予定",
      tomorrow: "明日お届け予定",
    },
  };
})();

const WORDS: Record<StoryLanguage, Words> = { en: EN, fr: FR, es: ES, de: DE, ja: JA };

/** Japanese for the tracking page (messages are sent in en, fr, es and de). */
const JA_STATUS_LABELS: Record<ShipmentStatus, string> = {
  unknown: "状況不明",
  label_created: "梱包済み・集荷待ち",
  picked_up: "集荷済み",
  in_transit: "輸送中",
  delayed: "遅延",
  out_for_delivery: "配達中",
  available_for_pickup: "受け取り可能",
  attempted_delivery: "配達未完了",
  delivered: "配達済み",
  exception: "配送トラブル",
  returning_to_sender: "返送中",
  returned_to_sender: "返送済み",
};

const JA_REASON_LABELS: Record<StatusReason, string> = {
  weather: "悪天候",
  address_issue: "住所の問題",
  damaged: "破損",
  lost: "紛失",
  refused: "受取拒否",
  customs: "税関",
  held_at_facility: "配送センターで保留",
  recipient_unavailable: "受取人不在",
  business_closed: "休業",
  carrier_delay: "配送業者の遅延",
  other: "その他",
};

/**
 * Where a parcel waits for the shopper, from the newest "available for pickup" scan: the pickup point the carrier
 * names in its words ("Ready for pickup at UPS Access Point, 120 Court St") when it names one, else the scan's town.
 * `events` newest first.
 */
export function pickupPlaceOf(events: readonly { status: ShipmentStatus; location: string | null; rawMessage: string | null }[]): string | null {
  const scan = events.find((e) => e.status === "available_for_pickup");
  if (!scan) return null;
  const named = /\b(?:at|to|à|en|bei|in)\s+(?:the\s+)?(.{3,120}?)\s*\.?$/i.exec(scan.rawMessage?.trim() ?? "")?.[1];
  // a place with an address ("…, 120 Court St") names the counter; "at the Post Office" names a kind of place, and the town says more
  if (named && /[0-9,]/.test(named)) return named;
  return scan.location?.trim() || null;
}
