import { z } from "zod";
import { fieldErrorsOf, type FieldErrors } from "./field-errors";
import type { HelpdeskSource } from "./helpdesk-tickets";

/**
 * A shop's helpdesk connections as the merchant sets them up (Settings → Helpdesks): which helpdesks Shipwatch
 * can write back to, how each one proves its ticket webhooks are its own, and what Shipwatch does with a
 * "where is my order?" ticket. Pure: form values in, a connection's settings or the fields that are wrong out.
 */

export const HELPDESK_PROVIDERS = ["gorgias", "zendesk", "intercom", "freshdesk", "gladly", "reamaze"] as const satisfies readonly HelpdeskSource[];
export type HelpdeskProviderName = (typeof HELPDESK_PROVIDERS)[number];

/** The helpdesks with a REST API Shipwatch writes to (tags, internal notes): app/.server/ports/helpdesks.ts */
export const API_HELPDESKS = ["gorgias", "zendesk"] as const satisfies readonly HelpdeskProviderName[];
export type ApiHelpdesk = (typeof API_HELPDESKS)[number];
export const isApiHelpdesk = (p: string): p is ApiHelpdesk => (API_HELPDESKS as readonly string[]).includes(p);

/**
 * Where a connection's webhook secret comes from.
 *   issued    Shipwatch makes one (shown once, regenerable). Gorgias HTTP integrations and Freshdesk automation
 *             webhooks can only send fixed headers, so they send it as X-Shipwatch-Token over HTTPS; a relay that
 *             can sign sends X-Shipwatch-Signature (HMAC of the body) instead and the secret never travels.
 *   zendesk   the webhook's own signing secret, made by Zendesk (Webhooks → the webhook → Reveal secret)
 *   intercom  the Intercom app's client secret, which signs its webhooks (X-Hub-Signature)
 */
export type SecretKind = "issued" | "zendesk" | "intercom";

export interface HelpdeskFacts {
  label: string;
  secret: SecretKind;
  /** the body template Settings shows to paste into the helpdesk, if it lets the merchant write one */
  template: "gorgias" | "zendesk" | null;
}

export const HELPDESK_FACTS: Record<HelpdeskProviderName, HelpdeskFacts> = {
  gorgias: { label: "Gorgias", secret: "issued", template: "gorgias" },
  zendesk: { label: "Zendesk", secret: "zendesk", template: "zendesk" },
  intercom: { label: "Intercom", secret: "intercom", template: null },
  freshdesk: { label: "Freshdesk", secret: "issued", template: null },
  gladly: { label: "Gladly", secret: "issued", template: null },
  reamaze: { label: "Re:amaze", secret: "issued", template: null },
};

export const isHelpdeskProvider = (p: string): p is HelpdeskProviderName => (HELPDESK_PROVIDERS as readonly string[]).includes(p);

/** What Shipwatch does with a connection's WISMO tickets and with the customer's next update. */
export interface HelpdeskOptions {
  /** tag each WISMO ticket (API helpdesks) */
  tagWismo: boolean;
  tags: string[];
  /** add Shipwatch's answer (status and suggested reply) to each WISMO ticket as an internal note */
  noteReply: boolean;
  /** while the customer has an open WISMO ticket, a proactive email goes to that ticket as a note instead */
  noteInsteadOfEmail: boolean;
}

export const DEFAULT_HELPDESK_OPTIONS: HelpdeskOptions = Object.freeze({ tagWismo: true, tags: ["shipwatch-wismo"], noteReply: true, noteInsteadOfEmail: true }) as HelpdeskOptions;

/** A proactive email finds the customer's WISMO ticket this recent; older ones are taken as answered. */
export const OPEN_TICKET_WINDOW_MS = 7 * 86_400_000;

/** The public part of a connection: what Settings shows back (never a key, a token or a secret). */
export interface HelpdeskPublicSettings {
  /** Gorgias account or Zendesk subdomain */
  account: string | null;
  /** the API user's email */
  email: string | null;
  options: HelpdeskOptions;
}

// Zendesk tags cannot hold spaces; Gorgias takes any name. One rule for both keeps a tag usable in either.
const TAG = /^[a-z0-9][a-z0-9_:.\-/]{0,49}$/i;
const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

const OptionsForm = z.object({
  tagWismo: checkbox,
  tags: z
    .string()
    .default("")
    .transform((v) => [...new Set(v.split(/[,\n]/).map((t) => t.trim().toLowerCase()).filter(Boolean))])
    .refine((tags) => tags.length <= 5, "At most 5 tags")
    .refine((tags) => tags.every((t) => TAG.test(t)), "Letters, digits and - _ : . / only, no spaces, 50 characters each"),
  noteReply: checkbox,
  noteInsteadOfEmail: checkbox,
});

const text = (max: number, what: string) => z.string().trim().max(max, `At most ${max} characters`).refine((v) => !/[\u0000-\u001f]/.test(v), `${what} holds a control character`);
const emailField = z.string().trim().toLowerCase().max(254).email("Enter the email the API user signs in with");

/**
 * The connection form. An empty secret field keeps the stored one (Settings never shows secrets back), so a
 * merchant who changes an option does not type the API key again; connecting the first time needs it.
 */
export type ConnectionForm = Record<string, string | undefined>;

export interface ParsedConnection {
  settings: HelpdeskPublicSettings;
  /** the API key or token typed now; null: keep the stored one */
  apiSecret: string | null;
  /** the helpdesk's own webhook secret typed now (Zendesk, Intercom); null: keep the stored one */
  webhookSecret: string | null;
}

export function parseConnectionForm(provider: HelpdeskProviderName, form: ConnectionForm, stored: { hasApiSecret: boolean }): { ok: true; value: ParsedConnection } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const options = OptionsForm.safeParse(form);
  if (!options.success) Object.assign(errors, fieldErrorsOf(options.error.issues));
  let account: string | null = null;
  let email: string | null = null;
  let apiSecret: string | null = null;
  if (isApiHelpdesk(provider)) {
    const accountField = provider === "gorgias" ? "account" : "subdomain";
    const host = provider === "gorgias" ? "gorgias.com" : "zendesk.com";
    account = accountLabel(form[accountField] ?? "", host);
    if (!account) errors[accountField] = provider === "gorgias" ? "Enter your Gorgias account: acme, or acme.gorgias.com" : "Enter your Zendesk subdomain: acme, or acme.zendesk.com";
    const e = emailField.safeParse(form.email ?? "");
    if (e.success) email = e.data;
    else errors.email = e.error.issues[0]!.message;
    const secretField = provider === "gorgias" ? "apiKey" : "apiToken";
    const typed = text(200, "The key").safeParse(form[secretField] ?? "");
    if (!typed.success) errors[secretField] = typed.error.issues[0]!.message;
    else if (typed.data) apiSecret = typed.data;
    else if (!stored.hasApiSecret) errors[secretField] = provider === "gorgias" ? "Enter the API key (Settings → REST API in Gorgias)" : "Enter an API token (Admin Center → Apps and integrations → Zendesk API)";
  }
  let webhookSecret: string | null = null;
  if (HELPDESK_FACTS[provider].secret !== "issued") {
    const typed = text(200, "The secret").safeParse(form.webhookSecret ?? "");
    if (!typed.success) errors.webhookSecret = typed.error.issues[0]!.message;
    else if (typed.data) webhookSecret = typed.data;
  }
  if (Object.keys(errors).length > 0 || !options.success) return { ok: false, errors };
  const noteOptions = isApiHelpdesk(provider) ? options.data : { ...options.data, tagWismo: false, noteReply: false, noteInsteadOfEmail: false };
  return { ok: true, value: { settings: { account, email, options: noteOptions }, apiSecret, webhookSecret } };
}

/** Stored settings as written by parseConnectionForm; anything else reads as the defaults. */
export function readPublicSettings(value: unknown): HelpdeskPublicSettings {
  const v = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const o = typeof v.options === "object" && v.options !== null ? (v.options as Record<string, unknown>) : {};
  const bool = (x: unknown, fallback: boolean) => (typeof x === "boolean" ? x : fallback);
  return {
    account: typeof v.account === "string" ? v.account : null,
    email: typeof v.email === "string" ? v.email : null,
    options: {
      tagWismo: bool(o.tagWismo, DEFAULT_HELPDESK_OPTIONS.tagWismo),
      tags: Array.isArray(o.tags) ? o.tags.filter((t): t is string => typeof t === "string" && TAG.test(t)) : [...DEFAULT_HELPDESK_OPTIONS.tags],
      noteReply: bool(o.noteReply, DEFAULT_HELPDESK_OPTIONS.noteReply),
      noteInsteadOfEmail: bool(o.noteInsteadOfEmail, DEFAULT_HELPDESK_OPTIONS.noteInsteadOfEmail),
    },
  };
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** "acme", "acme.zendesk.com" or "https://acme.zendesk.com/agent" → "acme"; anything else → null */
export function accountLabel(value: string, domain: string): string | null {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/[/?#].*$/, "");
  const label = host.endsWith(`.${domain}`) ? host.slice(0, -(domain.length + 1)) : host;
  return LABEL.test(label) ? label : null;
}

/** The internal note on a WISMO ticket: what Shipwatch knows, and the reply it suggests, for the agent. */
export function wismoNote(input: { orderName: string | null; suggestedReply: string | null }): string {
  const head = input.orderName ? `Shipwatch matched this ticket to order ${input.orderName}.` : "Shipwatch found no order for this ticket (no order name, tracking number or recent order of this email).";
  return input.suggestedReply ? `${head}\n\nSuggested reply:\n\n${input.suggestedReply}` : head;
}

/** The note that replaces a proactive email while the customer's WISMO ticket is open. */
export function updateNote(input: { orderName: string; subject: string | null; text: string }): string {
  return `Shipwatch would have emailed the customer about order ${input.orderName} now; this ticket is open, so the update is here instead.\n\n${input.text}`;
}

/** The Outbox's words for a message added to a ticket instead of sent ("Added as a note to Zendesk ticket 123 …"). */
export const NOTED_INSTEAD_PREFIX = "Added as a note to ";
export function notedInsteadReason(provider: HelpdeskProviderName, ticketId: string): string {
  return `${NOTED_INSTEAD_PREFIX}${HELPDESK_FACTS[provider].label} ticket ${ticketId} instead of an email`;
}
