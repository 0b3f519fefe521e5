import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Clock } from "~/domain/clock";
import type { FieldErrors } from "~/domain/field-errors";
import {
  HELPDESK_FACTS,
  HELPDESK_PROVIDERS,
  isApiHelpdesk,
  isHelpdeskProvider,
  notedInsteadReason,
  OPEN_TICKET_WINDOW_MS,
  parseConnectionForm,
  readPublicSettings,
  updateNote,
  wismoNote,
  type ApiHelpdesk,
  type ConnectionForm,
  type HelpdeskOptions,
  type HelpdeskProviderName,
} from "~/domain/helpdesk-connections";
import { GORGIAS_TICKET_FORM, isHelpdeskPing, parseHelpdeskWebhook, ZENDESK_TICKET_BODY } from "~/domain/helpdesk-tickets";
import { verifyHelpdeskSignature, type HeaderBag } from "../helpdesks/signatures";
import {
  UnrecoverableJobError,
  type HelpdeskCallResult,
  type HelpdeskClients,
  type HelpdeskConnectionCredentials,
  type HelpdeskConnectionRecord,
  type HelpdeskConnectionRepository,
  type HelpdeskWriteMarks,
  type JobDefinition,
  type JobRequest,
  type SecretBox,
  type TicketNoteOutlet,
  type TicketRepository,
} from "../ports";
import type { TicketDesk } from "./tickets";

export const HELPDESK_WRITEBACK_JOB = "helpdesk-writeback";
/** a claim on a ticket write left by a worker that died is taken over after this */
const WRITE_LEASE_MS = 5 * 60_000;

/** What every part reads: the stored connections, opened with the secret box, and the helpdesks' clients. */
interface ConnectionDeps {
  connections: HelpdeskConnectionRepository;
  secrets: SecretBox;
  clients: HelpdeskClients;
}

function openSealed(secrets: SecretBox, sealed: string | null): Record<string, unknown> {
  if (!sealed) return {};
  const value = secrets.open(sealed);
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** The API credentials of a Gorgias or Zendesk connection (throws SecretBoxError if they no longer decrypt). */
function apiCredentialsOf(secrets: SecretBox, conn: HelpdeskConnectionRecord): { provider: ApiHelpdesk; creds: HelpdeskConnectionCredentials[ApiHelpdesk] } | null {
  if (!isApiHelpdesk(conn.provider) || !conn.sealedCredentials) return null;
  const { account, email } = readPublicSettings(conn.settings);
  const secret = openSealed(secrets, conn.sealedCredentials);
  if (!account || !email) return null;
  return conn.provider === "gorgias"
    ? { provider: "gorgias", creds: { account, email, apiKey: String(secret.apiKey ?? "") } }
    : { provider: "zendesk", creds: { subdomain: account, email, apiToken: String(secret.apiToken ?? "") } };
}

function callClient(clients: HelpdeskClients, target: { provider: ApiHelpdesk; creds: HelpdeskConnectionCredentials[ApiHelpdesk] }) {
  return {
    addNote: (ticketId: string, text: string): Promise<HelpdeskCallResult> =>
      target.provider === "gorgias" ? clients.gorgias.addNote(target.creds as HelpdeskConnectionCredentials["gorgias"], ticketId, text) : clients.zendesk.addNote(target.creds as HelpdeskConnectionCredentials["zendesk"], ticketId, text),
    addTags: (ticketId: string, tags: string[]): Promise<HelpdeskCallResult> =>
      target.provider === "gorgias" ? clients.gorgias.addTags(target.creds as HelpdeskConnectionCredentials["gorgias"], ticketId, tags) : clients.zendesk.addTags(target.creds as HelpdeskConnectionCredentials["zendesk"], ticketId, tags),
    check: (): Promise<HelpdeskCallResult> => (target.provider === "gorgias" ? clients.gorgias.check(target.creds as HelpdeskConnectionCredentials["gorgias"]) : clients.zendesk.check(target.creds as HelpdeskConnectionCredentials["zendesk"])),
  };
}

// ---- Settings → Helpdesks

export interface HelpdeskConnectionView {
  provider: HelpdeskProviderName;
  label: string;
  connected: boolean;
  /** where the helpdesk posts its tickets (null until connected) */
  webhookUrl: string | null;
  secretKind: (typeof HELPDESK_FACTS)[HelpdeskProviderName]["secret"];
  hasWebhookSecret: boolean;
  hasApiCredentials: boolean;
  account: string | null;
  email: string | null;
  options: HelpdeskOptions;
  lastTicketAt: number | null;
  /** the body to paste into the helpdesk (Gorgias HTTP integration form, Zendesk webhook body) */
  template: string | null;
}

export type HelpdeskSaveResult = { ok: true; view: HelpdeskConnectionView; issuedSecret: string | null } | { ok: false; errors: FieldErrors };

/**
 * Connecting helpdesks in Settings: credentials checked with the helpdesk before anything is saved (a refusal
 * saves nothing), sealed at rest and never shown back; a webhook URL per connection; a secret Shipwatch issues
 * for helpdesks that cannot sign with their own, shown once and regenerable.
 */
export function createHelpdeskSettings(deps: ConnectionDeps & { appUrl: string; clock: Clock }) {
  const { connections, secrets, clock } = deps;
  const newPublicId = () => randomBytes(12).toString("hex");
  const newSecret = () => `swhd_${randomBytes(24).toString("base64url")}`;

  function view(provider: HelpdeskProviderName, conn: HelpdeskConnectionRecord | null): HelpdeskConnectionView {
    const settings = readPublicSettings(conn?.settings);
    const facts = HELPDESK_FACTS[provider];
    return {
      provider,
      label: facts.label,
      connected: !!conn,
      webhookUrl: conn ? `${deps.appUrl}/helpdesks/${provider}/${conn.publicId}` : null,
      secretKind: facts.secret,
      hasWebhookSecret: !!conn?.sealedWebhookSecret,
      hasApiCredentials: !!conn?.sealedCredentials,
      account: settings.account,
      email: settings.email,
      options: settings.options,
      lastTicketAt: conn?.lastTicketAt ?? null,
      template: facts.template === "gorgias" ? JSON.stringify(GORGIAS_TICKET_FORM, null, 2) : facts.template === "zendesk" ? ZENDESK_TICKET_BODY : null,
    };
  }

  return {
    async list(shop: string): Promise<HelpdeskConnectionView[]> {
      const stored = await connections.list(shop);
      return HELPDESK_PROVIDERS.map((p) => view(p, stored.find((c) => c.provider === p) ?? null));
    },

    async save(shop: string, provider: string, form: ConnectionForm): Promise<HelpdeskSaveResult> {
      if (!isHelpdeskProvider(provider)) return { ok: false, errors: { provider: "Unknown helpdesk" } };
      const existing = await connections.get(shop, provider);
      const parsed = parseConnectionForm(provider, form, { hasApiSecret: !!existing?.sealedCredentials });
      if (!parsed.ok) return parsed;
      const { settings, apiSecret, webhookSecret } = parsed.value;
      let sealedCredentials: string | undefined;
      if (isApiHelpdesk(provider)) {
        // the key typed now, or the stored one with the (maybe changed) account and email: checked either way
        const key = apiSecret ?? String(openSealed(secrets, existing?.sealedCredentials ?? null)[provider === "gorgias" ? "apiKey" : "apiToken"] ?? "");
        const creds = provider === "gorgias" ? { account: settings.account!, email: settings.email!, apiKey: key } : { subdomain: settings.account!, email: settings.email!, apiToken: key };
        const checked = await callClient(deps.clients, { provider, creds }).check();
        if (!checked.ok) {
          const field = provider === "gorgias" ? "apiKey" : "apiToken";
          return { ok: false, errors: { [field]: `${HELPDESK_FACTS[provider].label} refused these credentials: ${checked.error}` } };
        }
        if (apiSecret) sealedCredentials = secrets.seal(provider === "gorgias" ? { apiKey: apiSecret } : { apiToken: apiSecret });
      }
      let issuedSecret: string | null = null;
      let sealedWebhookSecret: string | undefined;
      if (HELPDESK_FACTS[provider].secret === "issued") {
        if (!existing?.sealedWebhookSecret) {
          issuedSecret = newSecret();
          sealedWebhookSecret = secrets.seal({ secret: issuedSecret });
        }
      } else if (webhookSecret) {
        sealedWebhookSecret = secrets.seal({ secret: webhookSecret });
      }
      const saved = await connections.save(shop, provider, { publicId: existing?.publicId ?? newPublicId(), settings, sealedCredentials, sealedWebhookSecret }, clock.now());
      return { ok: true, view: view(provider, saved), issuedSecret };
    },

    /** a new secret Shipwatch issues (the old one stops working at once); shown once */
    async regenerateSecret(shop: string, provider: string): Promise<{ ok: true; secret: string } | { ok: false; error: string }> {
      if (!isHelpdeskProvider(provider) || HELPDESK_FACTS[provider].secret !== "issued") return { ok: false, error: "This helpdesk signs with its own secret: paste it in the connection's form" };
      const existing = await connections.get(shop, provider);
      if (!existing) return { ok: false, error: `Connect ${HELPDESK_FACTS[provider].label} first` };
      const secret = newSecret();
      await connections.save(shop, provider, { publicId: existing.publicId, settings: existing.settings, sealedWebhookSecret: secrets.seal({ secret }) }, clock.now());
      return { ok: true, secret };
    },

    async disconnect(shop: string, provider: string): Promise<boolean> {
      return connections.remove(shop, provider);
    },
  };
}

// ---- inbound ticket webhooks, and tag/note back

export type HelpdeskWebhookOutcome =
  | { kind: "unauthorized"; message: string }
  | { kind: "bad_request"; fields: string[] }
  | { kind: "ping" }
  | { kind: "received"; wismo: boolean; recorded: boolean; orderName: string | null };

const WritebackPayload = z.object({
  connectionId: z.number().int().positive(),
  ticketId: z.string().min(1).max(255),
  tags: z.array(z.string()).max(10),
  note: z.string().max(100_000).nullable(),
});
export type HelpdeskWritebackPayload = z.infer<typeof WritebackPayload>;

/**
 * A helpdesk's ticket webhook: the URL's connection names the shop, the connection's secret proves the sender
 * (each helpdesk's own scheme, app/.server/helpdesks/signatures.ts), the body becomes the contract ticket and
 * goes the same record-once way as POST /api/v1/tickets. A WISMO ticket on a connection that asks for it queues
 * the tag and note back; the job claims a mark per ticket and kind first, so a repeated webhook or a re-run job
 * never writes twice.
 */
export function createHelpdeskInbox(deps: ConnectionDeps & { marks: HelpdeskWriteMarks; tickets: Pick<TicketDesk, "receive">; enqueue: (job: JobRequest) => Promise<void>; clock: Clock; maxAttempts?: number }) {
  const { connections, secrets, marks, clock } = deps;

  async function receive(source: string, publicId: string, rawBody: Buffer, headers: HeaderBag): Promise<HelpdeskWebhookOutcome> {
    const unauthorized = { kind: "unauthorized", message: "the signature is missing or invalid, or this URL is not a connected helpdesk" } as const;
    if (!isHelpdeskProvider(source) || !/^[0-9a-f]{24}$/.test(publicId)) return unauthorized;
    const conn = await connections.byPublicId(publicId);
    if (!conn || conn.provider !== source) return unauthorized;
    const secret = String(openSealed(secrets, conn.sealedWebhookSecret).secret ?? "");
    if (!secret) return { kind: "unauthorized", message: `paste ${HELPDESK_FACTS[source].label}'s signing secret into Settings → Helpdesks first` };
    if (!verifyHelpdeskSignature(source, { rawBody, headers, secret, now: clock.now() })) return unauthorized;
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString("utf8"));
    } catch {
      return { kind: "bad_request", fields: ["body"] };
    }
    if (isHelpdeskPing(source, body) || isTemplateTest(body)) return { kind: "ping" };
    const parsed = parseHelpdeskWebhook(source, body);
    if (!parsed.ok) return { kind: "bad_request", fields: parsed.errors };
    const { ticket } = parsed;
    const shop = conn.shop;
    const answer = await deps.tickets.receive(shop, { ...ticket, createdAt: Date.parse(ticket.createdAt) });
    await connections.touch(shop, conn.id, clock.now());
    const { options } = readPublicSettings(conn.settings);
    // queued for a repeat too: the first delivery may have been recorded and then lost its job (a crash); the marks keep it once
    if (answer.wismo && isApiHelpdesk(source) && conn.sealedCredentials && ((options.tagWismo && options.tags.length > 0) || options.noteReply)) {
      const payload: HelpdeskWritebackPayload = {
        connectionId: conn.id,
        ticketId: ticket.id,
        tags: options.tagWismo ? options.tags : [],
        note: options.noteReply ? wismoNote({ orderName: answer.orderName, suggestedReply: answer.suggestedReply }) : null,
      };
      await deps.enqueue({ name: HELPDESK_WRITEBACK_JOB, shop, payload, maxAttempts: deps.maxAttempts ?? 8 });
    }
    return { kind: "received", wismo: answer.wismo, recorded: answer.recorded, orderName: answer.orderName };
  }

  /** one write (tags or the note) at most once per ticket: claimed, made, marked done; given back on failure */
  async function writeOnce(shop: string, conn: HelpdeskConnectionRecord, ticketId: string, kind: string, call: () => Promise<HelpdeskCallResult>) {
    const now = clock.now();
    if (!(await marks.claim(shop, conn.id, ticketId, kind, now, now - WRITE_LEASE_MS))) return;
    let result: HelpdeskCallResult;
    try {
      result = await call();
    } catch (error) {
      await marks.release(shop, conn.id, ticketId, kind);
      throw error;
    }
    if (result.ok) return marks.done(shop, conn.id, ticketId, kind, clock.now());
    await marks.release(shop, conn.id, ticketId, kind);
    if (!result.retryable) throw new UnrecoverableJobError(result.error);
    throw new Error(result.error);
  }

  const job: JobDefinition = {
    name: HELPDESK_WRITEBACK_JOB,
    async handle(raw, ctx) {
      const parsed = WritebackPayload.safeParse(raw);
      if (!parsed.success) throw new UnrecoverableJobError(`${HELPDESK_WRITEBACK_JOB}: bad payload: ${parsed.error.message}`);
      const p = parsed.data;
      const conn = await connections.getById(ctx.shop, p.connectionId);
      // disconnected meanwhile: nothing to write to
      if (!conn) return;
      const target = apiCredentialsOf(secrets, conn);
      if (!target) return;
      const client = callClient(deps.clients, target);
      if (p.tags.length > 0) await writeOnce(ctx.shop, conn, p.ticketId, "tags", () => client.addTags(p.ticketId, p.tags));
      if (p.note) await writeOnce(ctx.shop, conn, p.ticketId, "note", () => client.addNote(p.ticketId, p.note!));
    },
  };

  return { receive, job };
}

/** A helpdesk's test send of a template whose placeholders it left unrendered (no real ticket behind it). */
function isTemplateTest(body: unknown): boolean {
  return typeof body === "object" && body !== null && typeof (body as { id?: unknown }).id === "string" && /^\{\{\s*ticket\.id\s*\}\}$/.test((body as { id: string }).id);
}

// ---- a proactive email as a note on the customer's open WISMO ticket

/**
 * Before a proactive email goes: if the customer asked "where is my order?" in a connected helpdesk that takes
 * notes (recently, about this order or about none in particular) and the connection wants it, the update goes
 * on that ticket as an internal note and the email stays unsent. Marked per message and ticket, so a retried
 * send finds the note there and adds none. A failure to write the note answers `noted: false`: the email goes.
 */
export function createTicketNotes(deps: ConnectionDeps & { marks: HelpdeskWriteMarks; tickets: Pick<TicketRepository, "wismoSince">; clock: Clock }): TicketNoteOutlet {
  const { connections, secrets, marks, clock } = deps;
  return {
    async noteInstead(shop, message) {
      const now = clock.now();
      const candidates = (await deps.tickets.wismoSince(shop, message.email, now - OPEN_TICKET_WINDOW_MS)).filter((t) => t.orderId === null || t.orderId === message.orderId);
      if (candidates.length === 0) return { noted: false };
      const stored = await connections.list(shop);
      for (const ticket of candidates) {
        const conn = stored.find((c) => c.provider === ticket.source);
        if (!conn || !isApiHelpdesk(conn.provider) || !readPublicSettings(conn.settings).options.noteInsteadOfEmail) continue;
        let target: ReturnType<typeof apiCredentialsOf>;
        try {
          target = apiCredentialsOf(secrets, conn);
        } catch (error) {
          return { noted: false, error: error instanceof Error ? error.message : String(error) };
        }
        if (!target) continue;
        const kind = `message:${message.notificationId}`;
        const noted = { noted: true, reason: notedInsteadReason(conn.provider, ticket.ticketId), providerId: `${conn.provider}:${ticket.ticketId}` } as const;
        if ((await marks.status(shop, conn.id, ticket.ticketId, kind)) === "done") return noted;
        // another attempt holds the claim (one cut off mid-call, not yet stale): the email goes rather than nothing
        if (!(await marks.claim(shop, conn.id, ticket.ticketId, kind, now, now - WRITE_LEASE_MS))) return { noted: false, error: "an earlier attempt to add the note did not finish" };
        const result = await callClient(deps.clients, target)
          .addNote(ticket.ticketId, updateNote({ orderName: message.orderName, subject: message.subject, text: message.text }))
          .catch((error: unknown) => ({ ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) }) as const);
        if (result.ok) {
          await marks.done(shop, conn.id, ticket.ticketId, kind, clock.now());
          return noted;
        }
        await marks.release(shop, conn.id, ticket.ticketId, kind);
        return { noted: false, error: result.error };
      }
      return { noted: false };
    },
  };
}
