import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { readBody, send, type InjectedFailure } from "./http";

/**
 * One local HTTP server standing in for the REST APIs of Gorgias and Zendesk, for tests and the demo (point
 * GORGIAS_API_BASE and ZENDESK_API_BASE at its url). Shaped from their docs:
 *   Gorgias (developers.gorgias.com), HTTP basic "<email>:<api key>", errors as { error: { msg } }
 *     GET  /api/account
 *     GET  /api/tickets/:id
 *     POST /api/tickets/:id/messages    needs channel and from_agent; channel "internal-note" makes a private note
 *     GET  /api/tickets/:id/tags
 *     POST /api/tickets/:id/tags        { names?: string[], ids?: number[] }: adds, 201 and no body
 *   Zendesk (developer.zendesk.com), HTTP basic "<email>/token:<api token>", errors as { error, description }
 *     GET  /api/v2/users/me
 *     GET  /api/v2/tickets/:id
 *     PUT  /api/v2/tickets/:id          { ticket: { comment?: { body | html_body, public? }, tags?, additional_tags? } }
 *     GET|PUT|POST /api/v2/tickets/:id/tags   show | add | set
 * Both accept an optional ".json" on the path. Tickets live in memory (addTicket seeds them; an unknown one is
 * 404 as on the real thing), every request is recorded, and failNext() scripts 429 (with Retry-After), 5xx or a
 * held answer (a timeout).
 */
export const HELPDESKS = ["gorgias", "zendesk"] as const;
export type Helpdesk = (typeof HELPDESKS)[number];

export type { InjectedFailure };

export interface RecordedRequest {
  helpdesk: Helpdesk;
  method: string;
  path: string;
  /** lower-case names */
  headers: Record<string, string>;
  /** the raw body, exactly as received */
  body: string;
  receivedAt: number;
  /** the status answered (0 while a "timeout" is held) */
  status: number;
}

/** A Gorgias message or a Zendesk comment on a ticket. */
export interface FakeMessage {
  id: number;
  body: string;
  html: string | null;
  /** false for a Gorgias internal note or a Zendesk private comment */
  public: boolean;
  /** Gorgias's channel ("internal-note", "email", …); null on Zendesk */
  channel: string | null;
  /** the API user who wrote it */
  author: string;
  createdAt: string;
}

export interface FakeTicket {
  helpdesk: Helpdesk;
  id: string;
  subject: string;
  customerEmail: string | null;
  tags: string[];
  messages: FakeMessage[];
  createdAt: string;
}

export interface FakeHelpdesksOptions {
  /** 0 (default): any free port */
  port?: number;
  host?: string;
  /** require exactly these credentials (default: any non-empty email and key) */
  gorgias?: { email: string; apiKey: string };
  /** require exactly these credentials (default: any non-empty email and token) */
  zendesk?: { email: string; apiToken: string };
  /** how long a "timeout" failure holds its answer, unless the client hangs up first (default 30 s) */
  holdMs?: number;
}

export interface FakeHelpdesks {
  /** http://127.0.0.1:<port>: the api base for both helpdesks */
  url: string;
  port: number;
  /** recorded requests, of one helpdesk or both */
  requests(helpdesk?: Helpdesk): RecordedRequest[];
  /** the stored tickets (copies), of one helpdesk or both */
  tickets(helpdesk?: Helpdesk): FakeTicket[];
  /** one stored ticket (a copy), or null */
  ticket(helpdesk: Helpdesk, id: string): FakeTicket | null;
  /** seeds a ticket, as if a customer had opened it; returns its id */
  addTicket(helpdesk: Helpdesk, ticket?: { id?: string; subject?: string; customerEmail?: string | null; tags?: string[] }): string;
  /** the next `count` requests to `helpdesk` get `failure` instead of the normal answer */
  failNext(helpdesk: Helpdesk, count: number, failure: InjectedFailure): void;
  /** forgets requests, failures and tickets */
  reset(): void;
  close(): Promise<void>;
}


export async function startFakeHelpdesks(options: FakeHelpdesksOptions = {}): Promise<FakeHelpdesks> {
  const host = options.host ?? "127.0.0.1";
  const holdMs = options.holdMs ?? 30_000;

  const recorded: RecordedRequest[] = [];
  const failures = new Map<Helpdesk, InjectedFailure[]>();
  const held = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  const stores: Record<Helpdesk, Map<string, FakeTicket>> = { gorgias: new Map(), zendesk: new Map() };
  let nextTicketId = 1000;
  let nextMessageId = 5000;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, "text/plain", `fake helpdesks: ${error instanceof Error ? error.message : String(error)}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const body = await readBody(req);
    const helpdesk = helpdeskOf(url.pathname);
    if (!helpdesk) return send(res, 404, "text/plain", "no fake helpdesk at this path");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const record: RecordedRequest = { helpdesk, method: req.method ?? "GET", path: url.pathname + url.search, headers, body, receivedAt: Date.now(), status: 0 };
    recorded.push(record);
    const answer: Answer = (status, value, extra = {}) => {
      record.status = status;
      if (value === undefined) return send(res, status, "application/json", "", extra);
      send(res, status, typeof value === "string" ? "text/plain" : "application/json", typeof value === "string" ? value : JSON.stringify(value), extra);
    };

    const failure = failures.get(helpdesk)?.shift();
    if (failure === "timeout") {
      const entry = {
        res,
        timer: setTimeout(() => {
          held.delete(entry);
          answer(504, "held past the client's timeout");
        }, holdMs),
      };
      held.add(entry);
      res.on("close", () => {
        clearTimeout(entry.timer);
        held.delete(entry);
      });
      return;
    }
    if (failure) {
      const extra: Record<string, string> = failure.retryAfter !== undefined ? { "Retry-After": String(failure.retryAfter) } : {};
      const text = failure.body ?? JSON.stringify(failureBody(helpdesk, failure.status));
      record.status = failure.status;
      return send(res, failure.status, text.startsWith("{") ? "application/json" : "text/plain", text, extra);
    }

    const path = url.pathname.replace(/\.json$/, "");
    const method = req.method ?? "GET";
    const json = parseJson(body);
    if (helpdesk === "gorgias") {
      const user = gorgiasUser(headers.authorization);
      if (!user) return answer(401, { error: { msg: "Unauthorized: the email and API key do not match an API user of this account" } });
      return gorgias(method, path, json, user, answer);
    }
    const user = zendeskUser(headers.authorization);
    if (!user) return answer(401, { error: "Couldn't authenticate you" });
    return zendesk(method, path, json, user, answer);
  }

  type Answer = (status: number, value?: unknown, extra?: Record<string, string>) => void;

  function basicPair(authorization: string | undefined): [string, string] | null {
    const encoded = /^Basic (.+)$/i.exec(authorization ?? "")?.[1];
    if (!encoded) return null;
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon < 0 ? null : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }

  function gorgiasUser(authorization: string | undefined): string | null {
    const pair = basicPair(authorization);
    if (!pair || !pair[0] || !pair[1]) return null;
    const expected = options.gorgias;
    return !expected || (pair[0] === expected.email && pair[1] === expected.apiKey) ? pair[0] : null;
  }

  /** Zendesk's API tokens go as "<email>/token:<token>"; a bare "<email>:<token>" is a password login, refused */
  function zendeskUser(authorization: string | undefined): string | null {
    const pair = basicPair(authorization);
    const email = pair ? /^(.+)\/token$/.exec(pair[0])?.[1] : undefined;
    if (!pair || !email || !pair[1]) return null;
    const expected = options.zendesk;
    return !expected || (email === expected.email && pair[1] === expected.apiToken) ? email : null;
  }

  function addMessage(ticket: FakeTicket, message: Omit<FakeMessage, "id" | "createdAt">): FakeMessage {
    const stored = { ...message, id: nextMessageId++, createdAt: new Date().toISOString() };
    ticket.messages.push(stored);
    return stored;
  }

  function gorgias(method: string, path: string, json: unknown, user: string, answer: Answer) {
    const error = (status: number, msg: string, data?: Record<string, string[]>) => answer(status, { error: { msg, ...(data ? { data } : {}) } });
    if (path === "/api/account" || path === "/api/account/") {
      if (method !== "GET") return error(405, "Method not allowed");
      return answer(200, { domain: "acme", status: { status: "active" }, created_datetime: "2024-01-01T00:00:00" });
    }
    const m = /^\/api\/tickets\/([^/]+)(?:\/(messages|tags))?\/?$/.exec(path);
    if (!m) return error(404, "Not found");
    const ticket = stores.gorgias.get(m[1]!);
    if (!ticket) return error(404, "Ticket not found");
    const view = () => gorgiasTicket(ticket);
    switch (`${method} ${m[2] ?? ""}`) {
      case "GET ":
        return answer(200, view());
      case "GET tags":
        return answer(200, { data: ticket.tags.map((name, i) => ({ id: i + 1, name })) });
      case "POST tags": {
        const names = isRecord(json) ? json.names : undefined;
        const ids = isRecord(json) ? json.ids : undefined;
        if (names === undefined && ids === undefined) return error(400, "Invalid data", { names: ["Provide names or ids."] });
        if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== "string" || n.trim() === "" || n.length > 256))) {
          return error(400, "Invalid data", { names: ["Not a valid list of tag names."] });
        }
        if (ids !== undefined && (!Array.isArray(ids) || ids.length > 0)) return error(400, "Invalid data", { ids: ["Unknown tag ids."] });
        for (const name of (names as string[] | undefined) ?? []) if (!ticket.tags.includes(name.trim())) ticket.tags.push(name.trim());
        return answer(201);
      }
      case "POST messages": {
        if (!isRecord(json)) return error(400, "Invalid data", { _schema: ["Invalid input type."] });
        const data: Record<string, string[]> = {};
        if (typeof json.channel !== "string" || !json.channel) data.channel = ["Missing data for required field."];
        if (typeof json.from_agent !== "boolean") data.from_agent = ["Missing data for required field."];
        const text = typeof json.body_text === "string" ? json.body_text : null;
        const html = typeof json.body_html === "string" ? json.body_html : null;
        if (!text && !html) data.body_text = ["A message needs body_text or body_html."];
        if (json.channel === "internal-note" && json.from_agent !== true) data.from_agent = ["Internal notes are written by agents."];
        if (Object.keys(data).length > 0) return error(400, "Invalid data", data);
        const note = json.channel === "internal-note";
        const message = addMessage(ticket, { body: text ?? "", html, public: !note, channel: json.channel as string, author: user });
        return answer(201, {
          id: message.id,
          ticket_id: Number(ticket.id),
          channel: message.channel,
          via: typeof json.via === "string" ? json.via : "api",
          from_agent: json.from_agent,
          public: message.public,
          body_text: message.body,
          body_html: message.html,
          sender: { email: user },
          created_datetime: message.createdAt,
          uri: `/api/tickets/${ticket.id}/messages/${message.id}/`,
        });
      }
      default:
        return error(405, "Method not allowed");
    }
  }

  function zendesk(method: string, path: string, json: unknown, user: string, answer: Answer) {
    const invalid = (description: string) => answer(422, { error: "RecordInvalid", description: "Record validation errors", details: { base: [{ description }] } });
    if (path === "/api/v2/users/me") {
      if (method !== "GET") return answer(405, { error: "InvalidEndpoint", description: "Method not allowed" });
      return answer(200, { user: { id: 9001, email: user, role: "admin", active: true } });
    }
    const m = /^\/api\/v2\/tickets\/([^/]+?)(\/tags)?$/.exec(path);
    if (!m) return answer(404, { error: "InvalidEndpoint", description: "Not found" });
    const ticket = stores.zendesk.get(m[1]!);
    if (!ticket) return answer(404, { error: "RecordNotFound", description: "Not found" });
    const tagList = (value: unknown): string[] | null =>
      Array.isArray(value) && value.every((t) => typeof t === "string") ? value.map((t: string) => t.trim().toLowerCase().replace(/\s+/g, "_")).filter(Boolean) : typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : null;
    if (m[2]) {
      if (method === "GET") return answer(200, { tags: ticket.tags });
      if (method !== "PUT" && method !== "POST") return answer(405, { error: "InvalidEndpoint", description: "Method not allowed" });
      const tags = tagList(isRecord(json) ? json.tags : undefined);
      if (!tags) return invalid("Tags must be a list of strings");
      // PUT adds, POST replaces: the two are easy to swap and only one keeps the merchant's tags
      ticket.tags = method === "POST" ? [...new Set(tags)] : [...new Set([...ticket.tags, ...tags])];
      return answer(200, { tags: ticket.tags });
    }
    if (method === "GET") return answer(200, { ticket: zendeskTicket(ticket) });
    if (method !== "PUT") return answer(405, { error: "InvalidEndpoint", description: "Method not allowed" });
    const update = isRecord(json) && isRecord(json.ticket) ? json.ticket : null;
    if (!update) return answer(400, { error: "InvalidParameter", description: "ticket parameter is missing" });
    let comment: { body: string; html: string | null; public: boolean } | null = null;
    if (update.comment !== undefined) {
      const c = isRecord(update.comment) ? update.comment : {};
      const body = typeof c.body === "string" ? c.body : null;
      const html = typeof c.html_body === "string" ? c.html_body : null;
      if (!body?.trim() && !html?.trim()) return invalid("Comment: cannot be blank");
      comment = { body: body ?? html!.replace(/<[^>]*>/g, ""), html, public: c.public !== false };
    }
    if (update.tags !== undefined) {
      const tags = tagList(update.tags);
      if (!tags) return invalid("Tags must be a list of strings");
      ticket.tags = [...new Set(tags)];
    }
    if (update.additional_tags !== undefined) {
      const tags = tagList(update.additional_tags);
      if (!tags) return invalid("Tags must be a list of strings");
      ticket.tags = [...new Set([...ticket.tags, ...tags])];
    }
    const events: unknown[] = [];
    if (comment) {
      const message = addMessage(ticket, { ...comment, channel: null, author: user });
      events.push({ id: message.id, type: "Comment", body: message.body, public: message.public, author_id: 9001 });
    }
    return answer(200, { ticket: zendeskTicket(ticket), audit: { id: nextMessageId++, ticket_id: Number(ticket.id), events } });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const copy = (t: FakeTicket): FakeTicket => ({ ...t, tags: [...t.tags], messages: t.messages.map((m) => ({ ...m })) });

  return {
    url: `http://${host}:${port}`,
    port,
    requests: (helpdesk) => (helpdesk ? recorded.filter((r) => r.helpdesk === helpdesk) : recorded.slice()),
    tickets: (helpdesk) => (helpdesk ? [...stores[helpdesk].values()] : [...stores.gorgias.values(), ...stores.zendesk.values()]).map(copy),
    ticket(helpdesk, id) {
      const ticket = stores[helpdesk].get(id);
      return ticket ? copy(ticket) : null;
    },
    addTicket(helpdesk, ticket = {}) {
      const id = ticket.id ?? String(nextTicketId++);
      stores[helpdesk].set(id, {
        helpdesk,
        id,
        subject: ticket.subject ?? "Where is my order?",
        customerEmail: ticket.customerEmail === undefined ? "customer@example.com" : ticket.customerEmail,
        tags: [...(ticket.tags ?? [])],
        messages: [],
        createdAt: new Date().toISOString(),
      });
      return id;
    },
    failNext(helpdesk, count, failure) {
      if (!HELPDESKS.includes(helpdesk)) throw new Error(`failNext: unknown helpdesk ${String(helpdesk)}`);
      const queue = failures.get(helpdesk) ?? [];
      for (let i = 0; i < count; i++) queue.push(failure);
      failures.set(helpdesk, queue);
    },
    reset() {
      recorded.length = 0;
      failures.clear();
      stores.gorgias.clear();
      stores.zendesk.clear();
    },
    close() {
      for (const entry of held) {
        clearTimeout(entry.timer);
        entry.res.destroy();
      }
      held.clear();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function gorgiasTicket(ticket: FakeTicket) {
  return {
    id: Number(ticket.id),
    subject: ticket.subject,
    status: "open",
    channel: "email",
    customer: ticket.customerEmail ? { email: ticket.customerEmail } : null,
    tags: ticket.tags.map((name, i) => ({ id: i + 1, name })),
    messages: ticket.messages.map((m) => ({ id: m.id, channel: m.channel, public: m.public, body_text: m.body, body_html: m.html, created_datetime: m.createdAt })),
    created_datetime: ticket.createdAt.replace("Z", ""),
  };
}

function zendeskTicket(ticket: FakeTicket) {
  return {
    id: Number(ticket.id),
    subject: ticket.subject,
    status: "open",
    tags: ticket.tags,
    requester_id: 7001,
    created_at: ticket.createdAt.replace(/\.\d+Z$/, "Z"),
  };
}

function helpdeskOf(path: string): Helpdesk | null {
  if (path.startsWith("/api/v2/")) return "zendesk";
  if (path.startsWith("/api/")) return "gorgias";
  return null;
}

function failureBody(helpdesk: Helpdesk, status: number): unknown {
  if (helpdesk === "gorgias") {
    return { error: { msg: status === 429 ? "Too many requests: the API rate limit was reached" : status >= 500 ? "Internal server error" : "Bad request" } };
  }
  if (status === 429) return { error: "APIRateLimitExceeded", description: "Number of allowed API requests per minute exceeded" };
  if (status === 409) return { error: "Conflict", description: "The ticket was updated by another request; try again" };
  return status >= 500 ? { error: "InternalError", description: "Something went wrong on our side" } : { error: "InvalidParameter", description: "Bad request" };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// `tsx scripts/local-services/fake-helpdesks.ts [port]`: run it on its own, e.g. for the demo
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fake = await startFakeHelpdesks({ port: Number(process.argv[2] ?? 4020) });
  console.log(`fake helpdesks on ${fake.url}`);
  console.log(`  GORGIAS_API_BASE=${fake.url} ZENDESK_API_BASE=${fake.url}`);
}
