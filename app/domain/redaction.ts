import type { Destination, OrderSnapshot } from "./order";

/**
 * What customers/redact erases, and how a customer's personal data is recognised in free text (carrier
 * messages, support notes, provider errors, message previews) and in later deliveries.
 *
 * Everything is compared through canonical keys ("email:maya@x.com", "phone:135550123", "words:maya chen"),
 * so the same code serves both when the plain values are known (at the redaction) and when only keyed
 * hashes of the keys are kept (after it: the tombstone).
 */

export const REDACTED = "[redacted]";

/** The personal values of one customer, as found in the request and in what we stored about them. */
export interface PersonalTraces {
  emails: string[];
  phones: string[];
  /** full names ("Maya Chen") and street lines ("120 Elgin St"): several words each */
  words: string[];
}

/** The identifiers that say a delivery is about a customer. */
export interface SubjectIds {
  customerIds?: (string | null | undefined)[];
  orderIds?: (string | null | undefined)[];
  fulfillmentIds?: (string | null | undefined)[];
  emails?: (string | null | undefined)[];
  phones?: (string | null | undefined)[];
}

// The shortest phone number compared (local numbers have 7 digits); the longest tail compared (a national
// number without its country or trunk prefix: "+1 613 555 0123", "613-555-0123" and "16135550123" agree).
const PHONE_MIN_DIGITS = 7;
const PHONE_TAIL = 9;
// A lone first name is too common to erase from a shop's texts; a name or street line has two words or more.
const MIN_WORDS = 2;
const MAX_WORDS = 8;

export function emailKey(value: string | null | undefined): string | null {
  const email = value?.trim().toLowerCase();
  return email && /^[^\s@]+@[^\s@]+$/.test(email) ? `email:${email}` : null;
}

export function phoneKey(value: string | null | undefined): string | null {
  const digits = value?.replace(/\D/g, "") ?? "";
  return digits.length >= PHONE_MIN_DIGITS ? `phone:${digits.slice(-PHONE_TAIL)}` : null;
}

/** Words compare without case, accents of width (NFKC), punctuation or spacing: "120 Elgin St." is "120 elgin st". */
function wordsOf(value: string): string[] {
  return value.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function wordsKey(value: string | null | undefined): string | null {
  const words = wordsOf(value ?? "");
  return words.length >= MIN_WORDS && words.length <= MAX_WORDS ? `words:${words.join(" ")}` : null;
}

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;
const unique = (keys: (string | null)[]) => [...new Set(keys.filter(present))];

/** The keys of a customer's traces: a two-word name is also known the other way round ("Chen, Maya"). */
export function traceKeys(traces: PersonalTraces): string[] {
  const reversed = traces.words.map((w) => wordsOf(w)).filter((w) => w.length === 2).map(([a, b]) => `${b} ${a}`);
  return unique([...traces.emails.map(emailKey), ...traces.phones.map(phoneKey), ...[...traces.words, ...reversed].map(wordsKey)]);
}

export function subjectKeys(ids: SubjectIds): string[] {
  const idKeys = (kind: string, values: SubjectIds["customerIds"]) =>
    (values ?? []).filter(present).map((v) => String(v).trim()).filter(Boolean).map((v) => `${kind}:${v}`);
  return unique([
    ...idKeys("customer", ids.customerIds),
    ...idKeys("order", ids.orderIds),
    ...idKeys("fulfillment", ids.fulfillmentIds),
    ...(ids.emails ?? []).map(emailKey),
    ...(ids.phones ?? []).map(phoneKey),
  ]);
}

/** Collects a customer's traces from the request and their stored orders and parcels' addresses. */
export function collectTraces(sources: {
  emails?: (string | null | undefined)[];
  phones?: (string | null | undefined)[];
  names?: (string | null | undefined)[];
  destinations?: (Partial<Destination> | null | undefined)[];
}): PersonalTraces {
  const destinations = (sources.destinations ?? []).filter(present);
  const list = (values: (string | null | undefined)[]) => [...new Set(values.filter(present).map((v) => v.trim()).filter(Boolean))];
  return {
    emails: list(sources.emails ?? []),
    phones: list([...(sources.phones ?? []), ...destinations.map((d) => d.phone)]),
    words: list([...(sources.names ?? []), ...destinations.flatMap((d) => [d.name, d.address1])]).filter((w) => wordsKey(w) !== null),
  };
}

interface Span {
  key: string;
  start: number;
  end: number;
}

// characters an address is written with: anything but space, "@" and the punctuation that surrounds one in text
const EMAIL_CHAR = /[^\s@<>"'(),;:[\]]/;
// a run of digits with the separators phone numbers are written with: "+1 (613) 555-0123", "613.555.0123"
const PHONE_IN_TEXT = /\+?\(?\d[\d\s().-]{5,}\d/g;
const WORD_IN_TEXT = /[\p{L}\p{N}]+/gu;

/**
 * The "local@domain" stretches of the text. Found from each "@" outwards, never by a pattern that starts at
 * every character: a regular expression like /[^@]+@[^@]+/ takes quadratic time on a long run with no "@"
 * (a 400 KB word held the process for two minutes). Each character is looked at a bounded number of times.
 */
export function emailsIn(text: string): { value: string; start: number }[] {
  const found: { value: string; start: number }[] = [];
  for (let at = text.indexOf("@"); at !== -1; at = text.indexOf("@", at + 1)) {
    let start = at;
    while (start > 0 && EMAIL_CHAR.test(text[start - 1]!)) start--;
    let end = at + 1;
    while (end < text.length && EMAIL_CHAR.test(text[end]!)) end++;
    if (start < at && end > at + 1) found.push({ value: text.slice(start, end), start });
  }
  return found;
}

/**
 * Every stretch of the text that could be someone's email, phone number, name or street line, with its key.
 * The text's words are taken in runs of up to `maxWords`, whatever separates them, so "MAYA CHEN," and
 * "Chen, Maya" are found as well as "Maya Chen".
 */
export function candidateSpans(text: string, maxWords = MAX_WORDS): Span[] {
  const spans: Span[] = [];
  for (const m of emailsIn(text)) {
    const value = m.value.replace(/[.]+$/, "");
    const key = emailKey(value);
    if (key) spans.push({ key, start: m.start, end: m.start + value.length });
  }
  for (const m of text.matchAll(PHONE_IN_TEXT)) {
    const key = phoneKey(m[0]);
    if (key) spans.push({ key, start: m.index, end: m.index + m[0].length });
  }
  const words = [...text.matchAll(WORD_IN_TEXT)].map((m) => ({ word: m[0].normalize("NFKC").toLowerCase(), start: m.index, end: m.index + m[0].length }));
  for (let i = 0; i < words.length; i++) {
    for (let n = MIN_WORDS; n <= maxWords && i + n <= words.length; n++) {
      const run = words.slice(i, i + n);
      spans.push({ key: `words:${run.map((w) => w.word).join(" ")}`, start: run[0]!.start, end: run[n - 1]!.end });
    }
  }
  return spans;
}

/** Replaces the spans (overlapping ones merged) with the marker. */
export function maskSpans(text: string, spans: readonly { start: number; end: number }[]): string {
  if (!spans.length) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  let out = "";
  let at = 0;
  for (const s of merged) {
    out += text.slice(at, s.start) + REDACTED;
    at = s.end;
  }
  return out + text.slice(at);
}

export interface TracesMatcher {
  /** no usable trace: nothing to look for */
  empty: boolean;
  /** the text with every trace of the customer replaced by the marker */
  mask(text: string): string;
  mentions(text: string): boolean;
  /**
   * Lower-case fragments of which any matching text contains at least one: a cheap filter for the database
   * (LIKE) before the exact match runs here. For a phone number, its last four digits, however it was written.
   */
  fragments: string[];
}

/**
 * SQLite's lower() only folds ASCII letters: a fragment is filtered on its longest ASCII stretch ("lodie" of
 * "élodie"), which either database finds whatever its case; a word with no such stretch is taken as it is.
 */
function caseFreeCore(word: string): string {
  const core = (word.match(/[\x20-\x7e]+/g) ?? []).reduce((a, b) => (b.length > a.length ? b : a), "");
  return core.length >= 3 ? core : word;
}

/** A matcher for one customer's traces, when their plain values are at hand (the redaction itself). */
export function tracesMatcher(traces: PersonalTraces): TracesMatcher {
  const keys = new Set(traceKeys(traces));
  const maxWords = Math.max(MIN_WORDS, ...traces.words.map((w) => wordsOf(w).length));
  const spansIn = (text: string) => candidateSpans(text, maxWords).filter((s) => keys.has(s.key));
  return {
    empty: keys.size === 0,
    mask: (text) => maskSpans(text, spansIn(text)),
    mentions: (text) => spansIn(text).length > 0,
    fragments: [
      ...traces.emails.map((e) => e.trim().toLowerCase()),
      ...traces.phones.map((p) => p.replace(/\D/g, "").slice(-4)).filter((d) => d.length === 4),
      ...traces.words.map((w) => caseFreeCore(wordsOf(w).reduce((a, b) => (b.length > a.length ? b : a), ""))),
    ].filter((f) => f.length >= 3),
  };
}

/**
 * Masks a stored value: JSON (an object or array) is masked string by string and written back as JSON, so a
 * mask never breaks a column another part of the app parses; anything else is masked as text.
 */
export function maskStoredValue(value: string, mask: (text: string) => string): string {
  const trimmed = value.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(maskJson(JSON.parse(value), mask));
    } catch {
      // not JSON after all: masked as text below
    }
  }
  return mask(value);
}

function maskJson(value: unknown, mask: (text: string) => string): unknown {
  if (typeof value === "string") return mask(value);
  if (Array.isArray(value)) return value.map((v) => maskJson(v, mask));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskJson(v, mask)]));
  return value;
}

/** An order about a redacted customer, as it may be stored: everything but who they are and where they live. */
export function withoutCustomer(order: OrderSnapshot): OrderSnapshot {
  return { ...order, email: null, phone: null, customerId: null, customerName: null, destination: null };
}

/**
 * The part of an address that is not personal: the country and region. The shipment's time zone and the
 * merchant's "destination is in" rules read them; a redacted customer's parcels keep that much.
 */
export function regionOnly(destination: Destination | null): Destination | null {
  if (!destination) return null;
  return {
    name: null,
    address1: null,
    city: null,
    province: destination.province,
    provinceCode: destination.provinceCode,
    zip: null,
    country: destination.country,
    countryCode: destination.countryCode,
    phone: null,
  };
}

/**
 * The identifiers a webhook body carries, whatever its topic and even when it does not parse as its topic's
 * schema: a parked body of a redacted customer must be recognised too. Looks for `email`, `phone`, `order_id`,
 * `fulfillment_id` and a `customer` object's `id` at any depth; the body's own `id` is an order's for orders/*
 * and a fulfillment's for fulfillments/*.
 */
export function subjectIdsOfBody(topic: string, body: unknown): SubjectIds {
  const ids: Required<SubjectIds> = { customerIds: [], orderIds: [], fulfillmentIds: [], emails: [], phones: [] };
  const scalar = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : null);
  let budget = 5_000;
  const walk = (node: unknown, depth: number) => {
    if (!node || typeof node !== "object" || depth > 8 || --budget < 0) return;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === "email" || key === "contact_email") ids.emails.push(scalar(value));
      else if (key === "phone") ids.phones.push(scalar(value));
      else if (key === "order_id") ids.orderIds.push(scalar(value));
      else if (key === "fulfillment_id") ids.fulfillmentIds.push(scalar(value));
      else if (key === "customer" && value && typeof value === "object" && !Array.isArray(value)) {
        ids.customerIds.push(scalar((value as { id?: unknown }).id));
      }
      walk(value, depth + 1);
    }
  };
  walk(body, 0);
  const own = body && typeof body === "object" && !Array.isArray(body) ? scalar((body as { id?: unknown }).id) : null;
  if (topic.startsWith("orders/")) ids.orderIds.push(own);
  if (topic.startsWith("fulfillments/")) ids.fulfillmentIds.push(own);
  return ids;
}
