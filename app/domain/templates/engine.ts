import { Liquid, type Template } from "liquidjs";
import type { TemplatedChannel } from "../notifications";
import type { ShipmentStatus, StatusReason } from "../status";
import { safeHttpsUrl } from "../urls";
import type { TemplateContext, TemplateShipment } from "./context";
import { closest, unknownVariable } from "./names";

/**
 * The Liquid engines that render merchants' message templates for every notification, and the errors
 * they raise in words a merchant can act on.
 *
 * Three engines, created once: HTML (email bodies: every output is HTML-escaped), plain text (SMS and
 * email subjects) and Slack (mrkdwn: `&`, `<`, `>` in values are escaped so a customer name cannot
 * ping `<!channel>` or forge a link). All three are strict about filters, read only own properties of
 * the context, cannot reach the file system (`include`, `render` and `layout` are removed) and carry
 * parse, render-time and memory limits, because the templates come from merchants.
 *
 * Values in the context are data: Liquid never evaluates the text of a value, so a customer called
 * `{{ shop.name }}` is printed as written.
 *
 * Pure: no I/O, no clock (liquidjs measures its own render time for the render limit).
 */

// ---- engines, limits, cache

export const TEMPLATE_LIMITS = {
  /** characters of Liquid source per field */
  sourceChars: 100_000,
  subjectSourceChars: 2_000,
  /** a rendered SMS longer than this is refused at save time (4 segments of GSM-7 text) */
  smsChars: 640,
  /** rendered subject */
  subjectChars: 250,
  /** rendered email HTML (Gmail clips messages above ~100 KB) */
  emailChars: 100_000,
  /** milliseconds per render */
  renderMs: 500,
  /** liquidjs' memory accounting (range sizes, string building), roughly characters */
  memory: 1_000_000,
  /**
   * `{{ … }}` and `{% … %}` per field. The default templates use under 60. Checking a template costs
   * tags × length in liquidjs (each variable's line is counted from the start of the source), so 20,000
   * `{{a}}` held the process for seconds; the count is taken before anything is parsed.
   */
  tags: 1_000,
} as const;

/** parsed templates kept per engine, and the total source they may hold */
const CACHE_MAX = 500;
const CACHE_MAX_CHARS = 5_000_000;

export function str(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(str).join("");
  return String(value);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&#34;" : "&#39;"));
}

function escapeSlack(value: string): string {
  return value.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

export interface Engine {
  liquid: Liquid;
  cache: Map<string, Template[]>;
  cachedChars: number;
}

function engine(mode: "html" | "text" | "slack"): Engine {
  const liquid = new Liquid({
    strictFilters: true,
    strictVariables: true,
    ownPropertyOnly: true,
    jsTruthy: true,
    // an in-memory, empty file system: nothing a template writes can read a file
    templates: {},
    dynamicPartials: false,
    locale: "en-US",
    timezoneOffset: 0,
    parseLimit: TEMPLATE_LIMITS.sourceChars,
    renderLimit: TEMPLATE_LIMITS.renderMs,
    memoryLimit: TEMPLATE_LIMITS.memory,
    ...(mode === "html"
      ? { outputEscape: "escape" as const }
      : mode === "slack"
        ? { outputEscape: (value: unknown) => escapeSlack(str(value)) }
        : {}),
  });
  for (const tag of ["include", "render", "layout"]) delete liquid.tags[tag];
  if (mode !== "text") {
    // Every output is escaped exactly once, by outputEscape: `| raw` cannot switch it off for data,
    // and `| escape` (a habit from Shopify themes) does not escape twice.
    const identity = (value: unknown) => value;
    for (const name of ["raw", "escape", "escape_once", "xml_escape"]) liquid.registerFilter(name, identity);
  }
  if (mode === "html") {
    // line breaks in a value become <br>, the value itself still escaped
    liquid.registerFilter("newline_to_br", { handler: (value: unknown) => escapeHtml(str(value)).replace(/\r?\n/g, "<br>\n"), raw: true });
  }
  return { liquid, cache: new Map(), cachedChars: 0 };
}

export const ENGINES = { html: engine("html"), text: engine("text"), slack: engine("slack") };

export function parse(e: Engine, source: string): Template[] {
  const hit = e.cache.get(source);
  if (hit) {
    // least recently used goes first: refresh this one's place
    e.cache.delete(source);
    e.cache.set(source, hit);
    return hit;
  }
  const templates = e.liquid.parse(source);
  e.cache.set(source, templates);
  e.cachedChars += source.length;
  // bounded by count and by size: the least recently used go first
  for (const oldest of e.cache.keys()) {
    if (e.cache.size <= CACHE_MAX && e.cachedChars <= CACHE_MAX_CHARS) break;
    e.cache.delete(oldest);
    e.cachedChars -= oldest.length;
  }
  return templates;
}

export function bodyEngine(channel: TemplatedChannel): Engine {
  return channel === "email" ? ENGINES.html : channel === "slack" ? ENGINES.slack : ENGINES.text;
}

// ---- errors a merchant can act on

export interface TemplateIssue {
  field: "subject" | "body";
  message: string;
  line?: number;
}

export class TemplateError extends Error {
  readonly errors: TemplateIssue[];
  constructor(errors: TemplateIssue[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    this.name = "TemplateError";
    this.errors = errors;
  }
}

/** Turns a liquidjs error into words a merchant can act on. */
export function describe(error: unknown, field: TemplateIssue["field"]): TemplateIssue {
  const raw = error instanceof Error ? error.message : String(error);
  const lineMatch = /line:(\d+)/.exec(raw);
  const line = lineMatch ? Number(lineMatch[1]) : undefined;
  const text = raw.replace(/,\s*line:\d+,\s*col:\d+\s*$/, "").trim();
  const at = line !== undefined ? ` (line ${line})` : "";
  const issue = (message: string): TemplateIssue => ({ field, message, ...(line !== undefined ? { line } : {}) });
  let m: RegExpExecArray | null;
  if ((m = /undefined variable: (.+)$/.exec(text))) return issue(`${unknownVariable(m[1]!.trim())}${at}`);
  if ((m = /undefined filter: (\S+)/.exec(text))) {
    const suggestion = closest(m[1]!, Object.keys(ENGINES.text.liquid.filters));
    return issue(`Unknown filter "${m[1]}"${at}.${suggestion ? ` Did you mean "${suggestion}"?` : " Check its spelling against the Liquid filters list."}`);
  }
  if ((m = /tag (\{%-?\s*(\w+)[\s\S]*?%\}) not closed/.exec(text))) return issue(`${m[1]} is never closed${at}: add {% end${m[2]} %}.`);
  if ((m = /tag "(\w+)" not found/.exec(text))) {
    const tag = m[1]!;
    if (tag.startsWith("end")) return issue(`{% ${tag} %}${at} has no matching {% ${tag.slice(3)} %} before it.`);
    if (["include", "render", "layout"].includes(tag)) return issue(`{% ${tag} %}${at} is not available in message templates: write the content here.`);
    return issue(`Unknown tag {% ${tag} %}${at}.`);
  }
  if ((m = /output "([\s\S]*)" not closed/.exec(text))) return issue(`An output tag ${m[1]!.slice(0, 40)} is not closed${at}: add }}.`);
  if (/parse length limit exceeded/.test(text)) return issue(`This template is too long (at most ${TEMPLATE_LIMITS.sourceChars} characters).`);
  if (/limit exceeded/.test(text)) {
    return issue(`This template does too much work when it renders${at} (a very large loop or range?). Simplify it.`);
  }
  if ((m = /invalid value expression: "(.*)"/.exec(text))) {
    return issue(m[1] ? `Liquid cannot read "${m[1]}"${at}.` : `A tag is missing its value or condition${at}, for example {% if customer.returning %}.`);
  }
  return issue(`Liquid error${at}: ${text}`);
}

// ---- rendering at send time

export interface RenderedMessage {
  /** email only: one line, no CR/LF */
  subject: string | null;
  /** SMS and Slack: the message; email: the plain-text alternative */
  text: string;
  /** email only */
  html: string | null;
}

/** The link as written when it is a safe https one (see safeHttpsUrl), else "". */
function safeUrl(value: unknown): string {
  return safeHttpsUrl(value) === null ? "" : str(value).trim();
}

function safeShipment(s: Partial<TemplateShipment> | undefined): TemplateShipment {
  return {
    carrier: str(s?.carrier),
    tracking_number: str(s?.tracking_number),
    tracking_url: safeUrl(s?.tracking_url),
    status: (s?.status ?? "unknown") as ShipmentStatus,
    status_label: str(s?.status_label),
    reason: (s?.reason ?? "") as StatusReason | "",
    reason_label: str(s?.reason_label),
    eta: str(s?.eta),
    delivered_at: str(s?.delivered_at),
    location: str(s?.location),
    service: str(s?.service),
    pickup_location: str(s?.pickup_location),
    headline: str(s?.headline),
    explanation: str(s?.explanation),
    next: str(s?.next),
    attention: str(s?.attention),
  };
}

/**
 * A plain copy of the context with only the documented keys: nothing inherited, no functions, and
 * links that are https or empty (a `javascript:` or plain-http tracking URL never reaches an href).
 */
function safeContext(c: TemplateContext): TemplateContext {
  const shipments = (Array.isArray(c.shipments) && c.shipments.length ? c.shipments : [c.shipment]).map(safeShipment);
  return {
    shop: { name: str(c.shop?.name), url: safeUrl(c.shop?.url), tracking_page_url: safeUrl(c.shop?.tracking_page_url), support_email: str(c.shop?.support_email) },
    customer: { first_name: str(c.customer?.first_name), name: str(c.customer?.name), returning: c.customer?.returning === true },
    order: { name: str(c.order?.name), total: str(c.order?.total), currency: str(c.order?.currency), status_url: safeUrl(c.order?.status_url), tracking_link: safeUrl(c.order?.tracking_link) },
    shipment: c.shipment ? safeShipment(c.shipment) : shipments[0]!,
    shipments,
    shipment_count: shipments.length,
    moment: str(c.moment),
    moment_label: str(c.moment_label),
    locale: c.locale,
    alert: { title: str(c.alert?.title), detail: str(c.alert?.detail), case_url: safeUrl(c.alert?.case_url) },
  };
}

/** One line: CR, LF and other control characters become spaces (no header injection). */
export function cleanSubject(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").replace(/\s{2,}/g, " ").trim();
}

function tidyText(value: string): string {
  return value
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  euro: "€",
  copy: "©",
  middot: "·",
};

function decodeEntities(value: string): string {
  return value.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const BLOCK = "p|div|h[1-6]|ul|ol|table|tr|blockquote|section|header|footer";

/** The plain-text alternative of an HTML email: paragraphs and line breaks kept, links as "text (url)". */
export function htmlToText(html: string): string {
  let s = html
    .replace(/<(style|script|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/\s+/g, " ");
  s = s.replace(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, h1?: string, h2?: string, inner = "") => {
    const href = (h1 ?? h2 ?? "").trim();
    const label = decodeEntities(inner.replace(/<[^>]*>/g, "")).trim();
    const target = decodeEntities(href);
    if (!target || target === label || target === `mailto:${label}` || /^(javascript|data):/i.test(target)) return inner;
    return `${inner} (${href})`;
  });
  s = s
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<li\b[^>]*>/gi, "\n- ")
    .replace(new RegExp(`</?(?:${BLOCK})\\b[^>]*>`, "gi"), "\n\n")
    .replace(/<\/?[a-z!][^>]*>/gi, "");
  s = decodeEntities(s);
  return s
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

export interface RenderInput {
  channel: TemplatedChannel;
  subject?: string | null;
  body: string;
  context: TemplateContext;
}

/**
 * Renders a (validated) template for one message. Email: the body is HTML with every value escaped,
 * plus a plain-text version; the subject is one line. SMS: plain text. Slack: mrkdwn, values escaped
 * for Slack, line breaks kept. A variable missing at send time renders empty rather than losing the
 * message; a broken template or one over the limits throws a TemplateError.
 */
export function renderMessage(input: RenderInput): RenderedMessage {
  const context = safeContext(input.context);
  const run = (field: TemplateIssue["field"], e: Engine, source: string): string => {
    try {
      return str(e.liquid.renderSync(parse(e, source), context, { strictVariables: false }));
    } catch (error) {
      throw new TemplateError([describe(error, field)]);
    }
  };
  if (input.channel === "email") {
    const subject = cleanSubject(run("subject", ENGINES.text, input.subject ?? ""));
    const html = run("body", ENGINES.html, input.body).trim();
    return { subject, html, text: htmlToText(html) };
  }
  const text = run("body", bodyEngine(input.channel), input.body);
  return { subject: null, html: null, text: tidyText(text) };
}
