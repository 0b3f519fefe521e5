import fs from "node:fs";
import path from "node:path";
import type { ShipmentView } from "~/domain/shipment-view";
import { milestoneOf, type ShipmentStatus } from "~/domain/status";
import { zoneForDestination } from "~/domain/time-zones";
import { escapeText as esc, fillEscaped as fill } from "./escape";
import { pageStrings, type PageLanguage, type PageStrings } from "./strings";

/**
 * The tracking page Shopify shows at https://<shop>/apps/track (ARCHITECTURE.md, "Tracking page and message
 * links"): HTML that Shopify renders as Liquid inside the shop's theme. The answer is written here, on the
 * server, so a shopper opening a message link on a phone reads the status at once; the small script
 * (page.js) only adds the form's lookups in place and a refresh.
 *
 * Shopify evaluates the whole body as Liquid. Nothing in it is Liquid: every value that came from a shopper,
 * a carrier or a merchant goes through escapeText, which writes braces as character references; the page's
 * own stylesheet and script hold no Liquid delimiter (a test reads them).
 */

/**
 * A shipment as the page reads it: the contract's object, where the added fields may still be missing (an
 * answer from before they were filled in). The page then says less, never something wrong.
 */
export type PageShipment = Omit<ShipmentView, "estimatedDelivery" | "attention" | "items" | "destination" | "story"> &
  Partial<Pick<ShipmentView, "estimatedDelivery" | "attention" | "items" | "destination" | "story">>;

export type PageAnswer =
  | { kind: "found"; order: { name: string }; shipments: PageShipment[] }
  | { kind: "form" }
  | { kind: "not_found" }
  | { kind: "too_many_attempts"; retryAfterSeconds: number }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "bad_request" }
  | { kind: "failed" };

export interface PageInput {
  language: PageLanguage;
  /** where Shopify serves the page on the shop's domain (the signed `path_prefix`): the form and the script ask there */
  proxyPath: string;
  answer: PageAnswer;
  now: number;
}

// from the working directory (the project's folder): this code also runs bundled, from build/runtime/
const asset = (name: string) => fs.readFileSync(path.resolve("server/tracking-page", name), "utf8").trim();
/** The page's own stylesheet and script, inlined: no second request through the proxy before the page works. */
export const PAGE_CSS = asset("./page.css");
export const PAGE_JS = asset("./page.js");

/** The whole page, placed by Shopify in the theme's layout. */
export function renderTrackingPage(input: PageInput): string {
  const t = pageStrings(input.language);
  const found = input.answer.kind === "found";
  const data = {
    proxy: input.proxyPath,
    loading: t.loading,
    failed: t.failed,
    "missing-order": t.missing_order,
    "missing-tracking": t.missing_tracking,
  };
  return [
    `<div class="swp" lang="${esc(input.language)}" data-sw-page ${Object.entries(data).map(([k, v]) => `data-${k}="${esc(v)}"`).join(" ")}>`,
    `<style>${PAGE_CSS}</style>`,
    `<h1 class="swp-title">${esc(t.heading)}</h1>`,
    found ? "" : `<p class="swp-intro">${esc(t.intro)}</p>`,
    `<div class="swp-result" data-sw-result>${renderResult(input)}</div>`,
    found ? `<details class="swp-another"><summary>${esc(t.page.another)}</summary>${form(t, input.proxyPath)}</details>` : `<div class="swp-find">${form(t, input.proxyPath)}</div>`,
    `<p class="swp-vh" role="status" aria-live="polite" aria-atomic="true" data-sw-live></p>`,
    `<script>${PAGE_JS}</script>`,
    `</div>`,
  ].join("\n");
}

/**
 * What the page's script swaps in after a lookup from the form: the answer alone. `{% layout none %}` is the one
 * Liquid tag the app writes: it tells Shopify to send this part without the theme around it.
 */
export function renderTrackingResult(input: PageInput): string {
  return `{% layout none %}${renderResult(input)}`;
}

function renderResult(input: PageInput): string {
  const t = pageStrings(input.language);
  const { answer } = input;
  switch (answer.kind) {
    case "form":
      return "";
    case "found":
      return renderOrder(answer, t, input);
    case "not_found":
      return notice(t.not_found);
    case "too_many_attempts":
      return notice(fill(t.too_many_attempts, { minutes: Math.max(1, Math.ceil(answer.retryAfterSeconds / 60)) }), true);
    case "rate_limited":
      return notice(fill(t.rate_limited, { seconds: answer.retryAfterSeconds }), true);
    case "bad_request":
      return notice(esc(t.too_long));
    case "failed":
      return notice(esc(t.failed));
  }
}

/** A message in place of an answer; `html` is already escaped when `escaped` says so. */
function notice(text: string, escaped = false): string {
  return `<div class="swp-notice" data-sw-say><p>${escaped ? text : esc(text)}</p></div>`;
}

function form(t: PageStrings, proxyPath: string): string {
  // Without the script the form still works: a GET to the page, answered on the server. With it, the answer is
  // fetched and put in place, and the email never reaches the address bar or the browser's history.
  return `<form class="swp-form" method="get" action="${esc(proxyPath)}" novalidate data-sw-form>
<fieldset class="swp-mode"><legend>${esc(t.find_by)}</legend>
<label><input type="radio" name="by" value="order" checked> ${esc(t.by_order)}</label>
<label><input type="radio" name="by" value="tracking"> ${esc(t.by_tracking)}</label>
</fieldset>
<div class="swp-fields" data-by="order">
<div class="swp-field"><label for="swp-order">${esc(t.order_label)}</label><input id="swp-order" name="order" type="text" autocomplete="off" maxlength="64" aria-describedby="swp-order-hint swp-error"><p class="swp-hint" id="swp-order-hint">${esc(t.order_hint)}</p></div>
<div class="swp-field"><label for="swp-email">${esc(t.email_label)}</label><input id="swp-email" name="email" type="email" autocomplete="email" maxlength="254" aria-describedby="swp-email-hint swp-error"><p class="swp-hint" id="swp-email-hint">${esc(t.email_hint)}</p></div>
</div>
<div class="swp-fields" data-by="tracking">
<div class="swp-field"><label for="swp-tracking">${esc(t.tracking_label)}</label><input id="swp-tracking" name="tracking" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" aria-describedby="swp-error"></div>
</div>
<p class="swp-error" id="swp-error" hidden></p>
<button type="submit" class="swp-button">${esc(t.submit)}</button>
</form>`;
}

// ---- the answer

const PROBLEMS: ReadonlySet<ShipmentStatus> = new Set(["delayed", "attempted_delivery", "exception", "returning_to_sender", "returned_to_sender"]);
const MILESTONES = ["label_created", "in_transit", "out_for_delivery", "delivered"] as const;
/** timeline entries shown before "Show all" */
const SHOWN_EVENTS = 4;

function renderOrder(answer: Extract<PageAnswer, { kind: "found" }>, t: PageStrings, input: PageInput): string {
  const list = answer.shipments;
  const parts = [`<h2 class="swp-order" id="swp-order-title" tabindex="-1">${fill(t.order_title, { order: answer.order.name })}</h2>`];
  if (!list.length) parts.push(`<p class="swp-explain">${esc(t.no_shipments)}</p>`);
  list.forEach((s, i) => parts.push(parcel(s, i, list.length, t, input)));
  // the script shows it; without the script a reload does the same
  parts.push(`<p class="swp-actions" hidden data-sw-actions><button type="button" class="swp-link" data-sw-refresh>${esc(t.page.refresh)}</button></p>`);
  // an order with nothing shipped yet says so to a screen reader too, not just the order's name
  const said = list.length ? list.map((s) => headlineOf(s, t, input)).join(". ") : t.no_shipments;
  return `<section class="swp-answer" aria-labelledby="swp-order-title"><p class="swp-vh" data-sw-say>${fill(t.order_title, { order: answer.order.name })}. ${esc(said)}</p>${parts.join("")}</section>`;
}

/** While a case is open the service's label already says the trouble; otherwise the status in the page's language. */
function labelOf(s: PageShipment, t: PageStrings): string {
  if (s.attention) return s.statusLabel;
  const status = t.status[s.status] ?? s.statusLabel;
  return s.reason && s.reason !== "other" && t.reason[s.reason] ? `${status} · ${t.reason[s.reason]}` : status;
}

function headlineOf(s: PageShipment, t: PageStrings, input: PageInput): string {
  if (s.story?.headline) return s.story.headline;
  // the estimate is the headline of a parcel on its way; otherwise its status
  const eta = !s.attention && (s.status === "in_transit" || s.status === "picked_up") ? estimateText(s, input) : null;
  return eta ? t.eta.replace("{date}", eta) : labelOf(s, t);
}

function toneOf(s: PageShipment): string {
  if (s.attention || PROBLEMS.has(s.status)) return " swp-problem";
  return s.status === "delivered" ? " swp-delivered" : "";
}

function parcel(s: PageShipment, i: number, total: number, t: PageStrings, input: PageInput): string {
  const zone = zoneOf(s);
  const dates = formats(input.language, zone ?? "UTC");
  const out: string[] = [`<article class="swp-parcel${toneOf(s)}">`];
  if (total > 1) out.push(`<p class="swp-count">${fill(t.shipment_of, { n: i + 1, total })}</p>`);
  const label = labelOf(s, t);
  const headline = headlineOf(s, t, input);
  if (headline !== label) out.push(`<p class="swp-label"><span class="swp-pill">${esc(label)}</span></p>`);
  out.push(`<h3 class="swp-headline">${esc(headline)}</h3>`);
  if (s.attention?.message) {
    out.push(`<div class="swp-attention"><p>${esc(s.attention.message)}</p></div>`);
  } else if (s.story && (s.story.explanation || s.story.next)) {
    out.push(`<p class="swp-explain">${esc([s.story.explanation, s.story.next].filter(Boolean).join(" "))}</p>`);
  } else {
    out.push(`<p class="swp-explain">${esc(t.next[s.status] ?? t.next.unknown)}</p>`);
  }
  // a story's headline already says when a parcel was delivered; without one, the page says it
  const delivered = s.status === "delivered" && !s.story?.headline ? deliveredText(s, t, dates) : "";
  if (delivered) out.push(`<p class="swp-when">${esc(delivered)}</p>`);
  out.push(progress(s, t));
  out.push(facts(s, t, estimateText(s, input)));
  const items = (s.items ?? []).filter((item) => item && item.title);
  if (items.length) {
    out.push(`<div class="swp-items"><h4>${esc(t.page.items)}</h4><ul>${items.map((item) => `<li><span class="swp-qty">${esc(item.quantity)} ×</span> ${esc(item.title)}</li>`).join("")}</ul></div>`);
  }
  out.push(timeline(s, t, dates, zone === null));
  out.push(`</article>`);
  return out.join("");
}

function deliveredText(s: PageShipment, t: PageStrings, dates: Formats): string {
  const at = s.events.find((e) => e.status === "delivered")?.happenedAt ?? s.lastEventAt;
  return at ? t.delivered_on.replace("{date}", dates.day.format(new Date(at))) : "";
}

/** Statuses for which no delivery date is true: it has arrived, or is on its way back. */
const NO_ESTIMATE: ReadonlySet<ShipmentStatus> = new Set(["delivered", "available_for_pickup", "returning_to_sender", "returned_to_sender"]);

/** The estimate in the recipient's days; a passed one for a parcel still coming is never shown. */
function estimateText(s: PageShipment, input: PageInput): string | null {
  if (NO_ESTIMATE.has(s.status)) return null;
  const zone = zoneOf(s) ?? "UTC";
  const today = isoDay(input.now, zone);
  const dates = formats(input.language, zone);
  const e = s.estimatedDelivery;
  if (e && /^\d{4}-\d{2}-\d{2}$/.test(e.earliest) && /^\d{4}-\d{2}-\d{2}$/.test(e.latest)) {
    if (e.latest < today) return null;
    const from = e.earliest < today ? today : e.earliest;
    return from === e.latest ? dates.isoWeekday.format(noon(from)) : dates.isoDay.formatRange(noon(from), noon(e.latest));
  }
  if (!s.estimatedDeliveryAt) return null;
  const at = Date.parse(s.estimatedDeliveryAt);
  if (!Number.isFinite(at)) return null;
  // a carrier's bare date arrives as that day's midnight UTC: read as the day it names
  const day = at % 86_400_000 === 0 ? new Date(at).toISOString().slice(0, 10) : isoDay(at, zone);
  if (day < today) return null;
  return dates.isoWeekday.format(noon(day));
}

function progress(s: PageShipment, t: PageStrings): string {
  let at = milestoneOf(s.status);
  const finished = s.status === "delivered";
  // off the happy path: the furthest milestone reached, packed at least
  if (at === null) at = Math.max(0, ...s.events.map((e) => milestoneOf(e.status) ?? 0));
  const steps = MILESTONES.map((name, k) => {
    const past = k < at || (finished && k === at);
    const state = past ? t.step_done : k === at ? t.step_current : t.step_next;
    return `<li class="${past ? "swp-past" : k === at ? "swp-now" : ""}"${k === at ? ' aria-current="step"' : ""}><span class="swp-dot"></span><span class="swp-step">${esc(t.milestones[name])}</span><span class="swp-vh"> (${esc(state)})</span></li>`;
  });
  return `<ol class="swp-steps" aria-label="${esc(t.progress)}">${steps.join("")}</ol>`;
}

function facts(s: PageShipment, t: PageStrings, estimate: string | null): string {
  const rows: [string, string][] = [];
  if (estimate) rows.push([t.page.estimate, estimate]);
  rows.push([t.carrier, s.carrier.name]);
  if (s.trackingNumber) rows.push([t.tracking_number, s.trackingNumber]);
  const place = [s.destination?.city, s.destination?.province, s.destination?.country].map((p) => p?.trim()).filter(Boolean).join(", ");
  if (place) rows.push([t.page.destination, place]);
  const list = `<dl class="swp-facts">${rows.map(([term, value]) => `<div><dt>${esc(term)}</dt><dd>${esc(value)}</dd></div>`).join("")}</dl>`;
  const link = /^https:\/\//i.test(s.trackingUrl ?? "")
    ? `<a class="swp-link" href="${esc(s.trackingUrl)}" target="_blank" rel="noopener noreferrer">${fill(t.carrier_link, { carrier: s.carrier.name })}<span class="swp-vh"> ${esc(t.opens_new)}</span></a>`
    : "";
  return `<div class="swp-carrier">${list}${link}</div>`;
}

function timeline(s: PageShipment, t: PageStrings, dates: Formats, zoneUnknown: boolean): string {
  if (!s.events.length) return "";
  const entry = (e: PageShipment["events"][number], k: number) => {
    const at = new Date(e.happenedAt);
    const time = Number.isFinite(at.getTime())
      ? `<time datetime="${esc(e.happenedAt)}"${zoneUnknown ? " data-sw-local" : ""}>${esc(dates.moment.format(at))}</time>`
      : "";
    const message = e.message ? `<span class="swp-msg">${esc(e.message)}</span>` : "";
    const where = e.location ? `<span class="swp-place">${esc(e.location)}</span>` : "";
    return `<li${k ? "" : ' class="swp-latest"'}>${time}<strong>${esc(t.status[e.status] ?? e.status)}</strong>${message}${where}</li>`;
  };
  const recent = s.events.slice(0, SHOWN_EVENTS).map(entry).join("");
  const older = s.events.slice(SHOWN_EVENTS).map((e, k) => entry(e, k + SHOWN_EVENTS)).join("");
  const more = older ? `<details class="swp-more"><summary>${fill(t.show_all, { count: s.events.length })}</summary><ol class="swp-events">${older}</ol></details>` : "";
  return `<div class="swp-history"><h4>${esc(t.history)}</h4><ol class="swp-events">${recent}</ol>${more}</div>`;
}

// ---- dates

/** The recipient's zone from the destination, when the answer names one. */
function zoneOf(s: PageShipment): string | null {
  const d = s.destination;
  if (!d?.country) return null;
  const zone = zoneForDestination({ country: d.country, region: d.province }, "");
  return zone || null;
}

interface Formats {
  day: Intl.DateTimeFormat;
  moment: Intl.DateTimeFormat;
  isoDay: Intl.DateTimeFormat;
  isoWeekday: Intl.DateTimeFormat;
  ymd: Intl.DateTimeFormat;
}

// Building Intl formatters costs far more than using them: kept per language and zone (a bounded few).
const kept = new Map<string, Formats>();

function formats(language: PageLanguage, zone: string): Formats {
  const key = `${language}|${zone}`;
  let f = kept.get(key);
  if (f) return f;
  if (kept.size >= 500) kept.clear();
  f = {
    day: new Intl.DateTimeFormat(language, { weekday: "long", day: "numeric", month: "long", timeZone: zone }),
    moment: new Intl.DateTimeFormat(language, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZone: zone }),
    isoDay: new Intl.DateTimeFormat(language, { day: "numeric", month: "long", timeZone: "UTC" }),
    isoWeekday: new Intl.DateTimeFormat(language, { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }),
    ymd: new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone }),
  };
  kept.set(key, f);
  return f;
}

/** An ISO date read at noon UTC is that day in the UTC formatters. */
const noon = (iso: string) => new Date(`${iso}T12:00:00Z`);
const isoDay = (ms: number, zone: string) => formats("en", zone).ymd.format(new Date(ms));
