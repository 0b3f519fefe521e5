/**
 * Helpdesk tickets as Shipwatch reads them: the contract ticket of `POST /api/v1/tickets` (ARCHITECTURE.md) and
 * each helpdesk's inbound webhook, parsed into that one shape. Pure: JSON in, a ticket or the names of the wrong
 * fields out. Signatures are checked before any of this runs (app/.server/helpdesks/signatures.ts).
 *
 * Gorgias and Zendesk let the merchant write the webhook body themselves (a Gorgias HTTP integration's form, a
 * Zendesk trigger's JSON body with placeholders), so Settings shows the templates below and they render straight
 * into the contract shape. Where a helpdesk's docs fix a payload of their own, that shape is read too:
 *   - Gorgias: the Ticket object of its REST API (`customer.email`, `messages[].body_text`, `created_datetime`)
 *   - Zendesk: the `zen:event-type:ticket.created` event (its `detail` names the requester by id only, so no email)
 *   - Intercom: the `notification_event` of topic `conversation.user.created` (conversation `source` in HTML)
 *   - Re:amaze: the conversation object (`slug`, `author.email`, `message.body`)
 * Freshdesk's automation webhooks carry whatever body the rule defines and Gladly's webhooks carry ids only, so
 * both arrive in the contract shape, from the rule or from the merchant's relay.
 */

export const TICKET_SOURCES = ["gorgias", "zendesk", "intercom", "freshdesk", "gladly", "reamaze", "api"] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];
/** the sources that arrive as a helpdesk's webhook (the rest call the Support API with a token) */
export type HelpdeskSource = Exclude<TicketSource, "api">;

export interface HelpdeskTicket {
  id: string;
  source: TicketSource;
  customerEmail: string | null;
  subject: string;
  body: string;
  /** ISO 8601, UTC */
  createdAt: string;
}

/** `errors` names the fields that are wrong, as the 400 answer lists them */
export type TicketParse = { ok: true; ticket: HelpdeskTicket } | { ok: false; errors: string[] };

/** A ticket's words beyond this are cut: the classifier reads the start, and a long thread is not an error. */
export const MAX_TICKET_BODY_CHARS = 20_000;
export const MAX_TICKET_SUBJECT_CHARS = 500;
const MAX_ID_CHARS = 255;
const MAX_EMAIL_CHARS = 254;

/**
 * The form of the Gorgias HTTP integration (trigger: ticket created; method POST; request content type JSON).
 * Gorgias renders each value and sends the form as a JSON object, so the values need no escaping of their own.
 * `created_datetime` renders without a zone; Gorgias keeps its times in UTC.
 */
export const GORGIAS_TICKET_FORM: Readonly<Record<string, string>> = Object.freeze({
  id: "{{ticket.id}}",
  source: "gorgias",
  customerEmail: "{{ticket.customer.email}}",
  subject: "{{ticket.subject}}",
  body: "{{ticket.messages[0].body_text}}",
  createdAt: "{{ticket.created_datetime}}",
});

/**
 * The JSON body of the Zendesk trigger (condition: ticket is created; action: notify the Shipwatch webhook, JSON,
 * POST). Zendesk escapes placeholders it puts inside a JSON body. `ticket.description` is the first comment;
 * `ticket.created_at_with_timestamp` is ISO 8601 in UTC.
 */
export const ZENDESK_TICKET_BODY = `{
  "id": "{{ticket.id}}",
  "source": "zendesk",
  "customerEmail": "{{ticket.requester.email}}",
  "subject": "{{ticket.title}}",
  "body": "{{ticket.description}}",
  "createdAt": "{{ticket.created_at_with_timestamp}}"
}`;

/** The ticket of `POST /api/v1/tickets`: the contract shape, `source` required. */
export function parseTicket(input: unknown): TicketParse {
  if (!isRecord(input)) return { ok: false, errors: ["ticket"] };
  const errors: string[] = [];
  const source = TICKET_SOURCES.find((s) => s === input.source);
  if (!source) errors.push("source");
  return contractTicket(input, source ?? "api", errors);
}

/** A helpdesk's webhook body, already verified as coming from `source`. */
export function parseHelpdeskWebhook(source: HelpdeskSource, input: unknown): TicketParse {
  if (!isRecord(input)) return { ok: false, errors: ["ticket"] };
  const native = NATIVE[source]?.(input);
  if (native) return native;
  const errors: string[] = [];
  // the templates name their source; a body meant for another helpdesk's endpoint is a misconfiguration
  if (input.source !== undefined && input.source !== source) errors.push("source");
  return contractTicket(input, source, errors);
}

/** Intercom checks a new webhook (and keeps checking it) with a `ping` notification: answer 200, store nothing. */
export function isHelpdeskPing(source: HelpdeskSource, input: unknown): boolean {
  return source === "intercom" && isRecord(input) && input.type === "notification_event" && input.topic === "ping";
}

// ---- the contract shape

function contractTicket(input: Record<string, unknown>, source: TicketSource, errors: string[]): TicketParse {
  return build(errors, source, {
    id: input.id,
    customerEmail: input.customerEmail,
    subject: input.subject,
    body: input.body,
    // the contract's time is ISO text; epoch seconds are read only where a helpdesk's own payload uses them
    createdAt: typeof input.createdAt === "number" ? null : input.createdAt,
  });
}

interface RawTicket {
  id: unknown;
  customerEmail: unknown;
  subject: unknown;
  body: unknown;
  /** ISO text, or epoch seconds where a native shape uses them */
  createdAt: unknown;
}

function build(errors: string[], source: TicketSource, raw: RawTicket): TicketParse {
  const id = identifier(raw.id);
  if (id === null) errors.push("id");
  const customerEmail = email(raw.customerEmail);
  if (customerEmail === undefined) errors.push("customerEmail");
  const subject = typeof raw.subject === "string" ? cut(words(raw.subject).replace(/\s+/g, " ").trim(), MAX_TICKET_SUBJECT_CHARS) : null;
  if (subject === null) errors.push("subject");
  const body = typeof raw.body === "string" ? cut(words(raw.body).trim(), MAX_TICKET_BODY_CHARS) : null;
  // a ticket with neither a subject nor words has nothing to read
  if (body === null || (body === "" && subject === "")) errors.push("body");
  const createdAt = isoTime(raw.createdAt);
  if (createdAt === null) errors.push("createdAt");
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, ticket: { id: id!, source, customerEmail: customerEmail!, subject: subject!, body: body!, createdAt: createdAt! } };
}

// a template value the helpdesk left unrendered (a test send, a misspelt placeholder)
const UNRENDERED = /\{\{|\}\}/;

function identifier(value: unknown): string | null {
  const text = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : typeof value === "string" ? words(value).trim() : "";
  return text === "" || text.length > MAX_ID_CHARS || UNRENDERED.test(text) || /\s/.test(text) ? null : text;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** null: no email given (a chat from an anonymous visitor); undefined: something that is not an email. */
function email(value: unknown): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "") return null;
  return text.length <= MAX_EMAIL_CHARS && EMAIL.test(text) && !UNRENDERED.test(text) ? text.toLowerCase() : undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * ISO 8601 date-times as helpdesks render them: Gorgias without a zone and with microseconds, Zendesk's
 * placeholder without seconds. No zone means UTC (both keep their times in UTC). A number is epoch seconds
 * (Intercom); a date alone or nonsense (month 13) is not a time.
 */
function isoTime(value: unknown): string | null {
  if (typeof value === "number") {
    return Number.isFinite(value) && value > 0 && value < 1e11 ? new Date(Math.round(value * 1000)).toISOString() : null;
  }
  if (typeof value !== "string") return null;
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "0", frac = "0", zone = "Z"] = m;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  const local = Date.UTC(parts[0], parts[1] - 1, parts[2], parts[3], parts[4], parts[5], ms);
  const check = new Date(local);
  // Date.UTC rolls 2026-02-30 over into March; a date that does not round-trip does not exist
  if (check.getUTCFullYear() !== parts[0] || check.getUTCMonth() !== parts[1] - 1 || check.getUTCDate() !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) {
    return null;
  }
  return new Date(local - zoneOffsetMs(zone)).toISOString();
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0")) * 60_000;
}

// ---- the helpdesks' own shapes

type NativeParser = (input: Record<string, unknown>) => TicketParse | null;

const NATIVE: Partial<Record<HelpdeskSource, NativeParser>> = {
  gorgias(input) {
    const ticket = isRecord(input.ticket) ? input.ticket : input;
    if (!Array.isArray(ticket.messages) && !isRecord(ticket.customer)) return null;
    const messages = Array.isArray(ticket.messages) ? ticket.messages.filter(isRecord) : [];
    // the customer's first message is the question; a ticket an agent opened still has its first message
    const first = messages.find((m) => m.from_agent === false) ?? messages[0];
    const body = first ? (typeof first.body_text === "string" ? first.body_text : typeof first.body_html === "string" ? htmlToText(first.body_html) : undefined) : "";
    return build([], "gorgias", {
      id: ticket.id,
      customerEmail: isRecord(ticket.customer) ? ticket.customer.email : undefined,
      subject: ticket.subject ?? "",
      body,
      createdAt: ticket.created_datetime,
    });
  },
  zendesk(input) {
    if (typeof input.type !== "string" || !input.type.startsWith("zen:event-type:")) return null;
    if (input.type !== "zen:event-type:ticket.created") return { ok: false, errors: ["type"] };
    const detail = isRecord(input.detail) ? input.detail : {};
    return build([], "zendesk", {
      id: detail.id,
      customerEmail: null,
      subject: detail.subject ?? "",
      body: detail.description ?? "",
      createdAt: detail.created_at ?? input.time,
    });
  },
  intercom(input) {
    if (input.type !== "notification_event") return null;
    if (input.topic !== "conversation.user.created") return { ok: false, errors: ["topic"] };
    const item = isRecord(input.data) && isRecord(input.data.item) ? input.data.item : {};
    const first = isRecord(item.source) ? item.source : {};
    const author = isRecord(first.author) ? first.author : {};
    return build([], "intercom", {
      id: item.id,
      customerEmail: author.email,
      subject: typeof first.subject === "string" ? htmlToText(first.subject) : "",
      body: typeof first.body === "string" ? htmlToText(first.body) : undefined,
      createdAt: item.created_at,
    });
  },
  reamaze(input) {
    const conversation = isRecord(input.conversation) ? input.conversation : input;
    if (typeof conversation.slug !== "string" || !isRecord(conversation.message)) return null;
    const author = isRecord(conversation.author) ? conversation.author : {};
    const message = conversation.message;
    return build([], "reamaze", {
      id: conversation.slug,
      customerEmail: author.email,
      subject: conversation.subject ?? "",
      body: typeof message.body === "string" ? htmlToText(message.body) : undefined,
      createdAt: conversation.created_at,
    });
  },
};

// ---- text

const LONE_SURROGATE = /\p{Cs}/gu;
// control characters other than tab and line breaks
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** Someone's words, kept as written (line breaks too), minus what is not text. Escaping is the view's job. */
function words(text: string): string {
  return text.replace(LONE_SURROGATE, "\uFFFD").replace(/\r\n?/g, "\n").replace(CONTROL, "");
}

function cut(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Intercom and Re:amaze send the customer's message as HTML: keep its words and its paragraphs, not its markup. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|li|h[1-6]|blockquote|tr)\s*>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
      if (name.startsWith("#")) {
        const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
