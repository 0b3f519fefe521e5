import fs from "node:fs";
import path from "node:path";
import type { ShipmentStatus, StatusReason } from "~/domain/status";

/**
 * The tracking page's words: the theme block's own locale files (extensions/tracking-page/locales), so the
 * page at /apps/track and the block on a merchant's page say the same things in the same languages.
 */
export const PAGE_LANGUAGES = ["en", "fr", "de", "es", "ja"] as const;
export type PageLanguage = (typeof PAGE_LANGUAGES)[number];

export interface PageStrings {
  heading: string;
  intro: string;
  find_by: string;
  by_order: string;
  by_tracking: string;
  order_label: string;
  order_hint: string;
  email_label: string;
  email_hint: string;
  tracking_label: string;
  submit: string;
  loading: string;
  missing_order: string;
  missing_tracking: string;
  too_long: string;
  not_found: string;
  too_many_attempts: string;
  rate_limited: string;
  failed: string;
  order_title: string;
  shipment_of: string;
  no_shipments: string;
  progress: string;
  step_done: string;
  step_current: string;
  step_next: string;
  eta: string;
  delivered_on: string;
  carrier: string;
  tracking_number: string;
  carrier_link: string;
  opens_new: string;
  history: string;
  show_all: string;
  milestones: Record<"label_created" | "in_transit" | "out_for_delivery" | "delivered", string>;
  status: Record<ShipmentStatus, string>;
  reason: Record<StatusReason, string>;
  next: Record<ShipmentStatus, string>;
  page: { another: string; refresh: string; items: string; destination: string; estimate: string };
}

// found from the working directory (the project's folder), like every file the server reads: the same code runs
// from server/ under tsx and bundled from build/runtime/ (scripts/build-runtime.ts)
const LOCALES_DIR = path.resolve("extensions/tracking-page/locales") + path.sep;

function load(language: PageLanguage): PageStrings {
  const file = `${LOCALES_DIR}${language === "en" ? "en.default" : language}.json`;
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as { order_tracking: PageStrings };
  return json.order_tracking;
}

/** Read once at start: a missing or broken locale file fails the boot, not a shopper's page. */
const STRINGS: Record<PageLanguage, PageStrings> = Object.fromEntries(PAGE_LANGUAGES.map((l) => [l, load(l)])) as Record<PageLanguage, PageStrings>;

export const pageStrings = (language: PageLanguage): PageStrings => STRINGS[language];

/**
 * The shopper's language from Accept-Language (Shopify's app proxy passes the browser's header on): the first
 * of ours by preference, English otherwise. Liquid's `request.locale` is no use here: the server's words are
 * written before Shopify renders the page.
 */
export function pageLanguage(acceptLanguage: string | string[] | undefined): PageLanguage {
  const header = (Array.isArray(acceptLanguage) ? acceptLanguage.join(",") : (acceptLanguage ?? "")).slice(0, 500);
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { base: tag.trim().toLowerCase().split(/[-_]/)[0] ?? "", q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.base && Number.isFinite(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) if ((PAGE_LANGUAGES as readonly string[]).includes(entry.base)) return entry.base as PageLanguage;
  return "en";
}
