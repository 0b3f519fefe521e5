import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { SMTPServer } from "smtp-server";

/**
 * A local SMTP server that accepts every message and keeps it, for tests, the demo and the benchmark.
 * No TLS, no authentication required (credentials in the URL are accepted and ignored). Beside it, a message
 * log over HTTP shaped after Mailgun's Events API (`eventsUrl`), which the app's probe asks about a message by
 * its Message-ID.
 */
export interface CapturedEmail {
  /** envelope sender (MAIL FROM) */
  from: string;
  /** envelope recipients (RCPT TO) */
  to: string[];
  /** decoded Subject header */
  subject: string;
  /** the Message-ID header, angle brackets included */
  messageId: string | null;
  /** headers by lower-case name (unfolded; a repeated header's values joined with ", ") */
  headers: Record<string, string>;
  /** the raw body after the headers (MIME parts as sent) */
  text: string;
  /** the whole message as received */
  raw: string;
  receivedAt: number;
}

export interface SmtpFailure {
  code: number;
  message: string;
}

export interface SmtpCapture {
  /** smtp://127.0.0.1:<port> */
  url: string;
  port: number;
  /** accepted messages, in order of arrival */
  readonly messages: CapturedEmail[];
  /** messages answered with an injected failure */
  readonly rejected: { code: number; messageId: string | null; receivedAt: number }[];
  /**
   * The message log, as Mailgun's Events API answers it: `GET <eventsUrl>?message-id=<id without angle
   * brackets>&event=accepted|rejected&limit=<n>`, basic auth `api:<eventsApiKey>`, answered
   * `{ "items": [ { "id", "event", "timestamp", "recipient", "envelope", "message": { "headers": { "message-id",
   * "from", "to", "subject" } } } ], "paging": { … } }`. With its credentials in the user-info.
   */
  eventsUrl: string;
  /** the events API's queries, in order (what the probe asked) */
  readonly eventQueries: URLSearchParams[];
  /**
   * Runs for each message once it is accepted (stored) and before the server answers 250: a test can stop the
   * sender inside the window where the relay has the message and the sender does not know it yet. null: none.
   */
  onAccept(hook: ((message: CapturedEmail) => void | Promise<void>) | null): void;
  /** resolves once at least `count` messages were accepted; rejects after timeoutMs */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedEmail[]>;
  /**
   * The next `count` messages are answered with `code` at the end of DATA (e.g. 451 then 550). Calls queue
   * up: failNext(1, 451); failNext(1, 550) fails the next message with 451 and the one after with 550.
   */
  failNext(count: number, code: number, message?: string): void;
  /** forgets captured messages and pending failures */
  reset(): void;
  close(): Promise<void>;
}

export interface SmtpCaptureOptions {
  /** 0 (default): any free port */
  port?: number;
  host?: string;
  /** the events API's port; 0 (default): any free port */
  eventsPort?: number;
  /** the events API's domain and key (the path's /v3/<domain>/events, basic auth api:<key>) */
  eventsDomain?: string;
  eventsApiKey?: string;
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  const host = options.host ?? "127.0.0.1";
  const messages: CapturedEmail[] = [];
  const rejected: SmtpCapture["rejected"] = [];
  const failures: SmtpFailure[] = [];
  const eventQueries: URLSearchParams[] = [];
  let acceptHook: ((message: CapturedEmail) => void | Promise<void>) | null = null;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    banner: "Shipwatch SMTP capture",
    // closing does not wait for pooled clients to hang up
    closeTimeout: 100,
    onAuth(_auth, _session, callback) {
      callback(null, { user: "capture" });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", (error: Error) => callback(error));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const parsed = parseMessage(raw);
        const failure = failures.shift();
        if (failure) {
          rejected.push({ code: failure.code, messageId: parsed.headers["message-id"] ?? null, receivedAt: Date.now() });
          const error = Object.assign(new Error(failure.message), { responseCode: failure.code });
          callback(error);
          return;
        }
        const mailFrom = session.envelope.mailFrom;
        const message: CapturedEmail = {
          from: mailFrom ? mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeWords(parsed.headers.subject ?? ""),
          messageId: parsed.headers["message-id"] ?? null,
          headers: parsed.headers,
          text: parsed.body,
          raw,
          receivedAt: Date.now(),
        };
        messages.push(message);
        notify();
        const answer = () => callback(null, "Message captured");
        const hook = acceptHook;
        if (!hook) return answer();
        Promise.resolve()
          .then(() => hook(message))
          .then(answer, answer);
      });
    },
  });
  server.on("error", () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off("error", reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  const events = await startEventsApi({
    host,
    port: options.eventsPort ?? 0,
    domain: options.eventsDomain ?? "mg.capture.test",
    apiKey: options.eventsApiKey ?? "key-capture",
    messages,
    rejected,
    queries: eventQueries,
  });

  return {
    url: `smtp://${host}:${port}`,
    port,
    eventsUrl: events.url,
    eventQueries,
    onAccept(hook) {
      acceptHook = hook;
    },
    messages,
    rejected,
    waitFor(count, timeoutMs = 5_000) {
      if (messages.length >= count) return Promise.resolve(messages.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`SMTP capture: ${messages.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
      });
    },
    failNext(count, code, message) {
      if (!Number.isInteger(code) || code < 400 || code > 599) throw new Error(`failNext: ${code} is not an SMTP failure code (4xx or 5xx)`);
      const text = message ?? (code < 500 ? "Requested action aborted: try again later" : "Requested action not taken: mailbox unavailable");
      for (let i = 0; i < count; i++) failures.push({ code, message: text });
    },
    reset() {
      messages.length = 0;
      rejected.length = 0;
      failures.length = 0;
      eventQueries.length = 0;
      acceptHook = null;
    },
    async close() {
      await events.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The message log over HTTP, after Mailgun's Events API (GET /v3/{domain}/events): an "accepted" event per
 * accepted message, a "rejected" one per message answered with an injected failure, newest first, filtered
 * by `message-id` (without angle brackets), `event` and `recipient`, at most `limit` (300).
 */
async function startEventsApi(options: {
  host: string;
  port: number;
  domain: string;
  apiKey: string;
  messages: readonly CapturedEmail[];
  rejected: SmtpCapture["rejected"];
  queries: URLSearchParams[];
}) {
  const path = `/v3/${options.domain}/events`;
  const expected = `Basic ${Buffer.from(`api:${options.apiKey}`).toString("base64")}`;
  const bare = (id: string | null) => (id ?? "").replace(/^<|>$/g, "");
  const eventId = () => randomBytes(16).toString("base64url");

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? "/", "http://capture");
    if (url.pathname !== path) return send(404, { message: "Not Found" });
    if (req.method !== "GET") return send(405, { message: "Method Not Allowed" });
    if (req.headers.authorization !== expected) return send(401, { message: "Invalid private key" });
    options.queries.push(url.searchParams);
    const limit = Math.min(300, Math.max(1, Number(url.searchParams.get("limit") ?? 300) || 300));
    const wantedId = url.searchParams.get("message-id");
    const wantedEvent = url.searchParams.get("event");
    const wantedRecipient = url.searchParams.get("recipient");
    const accepted = options.messages.map((m) => ({
      id: eventId(),
      event: "accepted",
      timestamp: m.receivedAt / 1000,
      recipient: m.to[0] ?? "",
      envelope: { sender: m.from, targets: m.to.join(", "), transport: "smtp" },
      message: { headers: { "message-id": bare(m.messageId), from: m.headers.from ?? "", to: m.headers.to ?? "", subject: m.subject } },
    }));
    const refused = options.rejected.map((r) => ({
      id: eventId(),
      event: "rejected",
      timestamp: r.receivedAt / 1000,
      recipient: "",
      reject: { reason: `SMTP ${r.code}` },
      message: { headers: { "message-id": bare(r.messageId) } },
    }));
    const items = [...accepted, ...refused]
      .filter((e) => (!wantedId || e.message.headers["message-id"] === bare(wantedId)) && (!wantedEvent || e.event === wantedEvent) && (!wantedRecipient || e.recipient === wantedRecipient))
      .sort((a, b) => b.timestamp - a.timestamp)
      .slice(0, limit);
    const page = (token: string) => `http://${req.headers.host}${path}/${token}`;
    send(200, { items, paging: { first: page("first"), last: page("last"), next: page("next"), previous: page("previous") } });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://api:${options.apiKey}@${options.host}:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Splits a message into unfolded, lower-case-keyed headers and the body. */
function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const normalized = raw.replace(/\r\n/g, "\n");
  const split = normalized.indexOf("\n\n");
  const head = split === -1 ? normalized : normalized.slice(0, split);
  const body = split === -1 ? "" : normalized.slice(split + 2);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { headers, body };
}

/** RFC 2047 encoded words (=?UTF-8?B?…?= / =?UTF-8?Q?…?=), as nodemailer writes non-ASCII subjects. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_match, _charset: string, encoding: string, text: string) => {
      if (encoding.toUpperCase() === "B") return Buffer.from(text, "base64").toString("utf8");
      const bytes = text.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      return Buffer.from(bytes, "latin1").toString("utf8");
    });
}

// `tsx scripts/local-services/smtp-capture.ts [port]`: run it on its own and print what arrives
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const capture = await startSmtpCapture({ port: Number(process.argv[2] ?? 2525) });
  let seen = 0;
  console.log(`SMTP capture listening on ${capture.url}; its message log (Mailgun-style events API) on ${capture.eventsUrl}`);
  setInterval(() => {
    for (; seen < capture.messages.length; seen++) {
      const m = capture.messages[seen]!;
      console.log(`${new Date(m.receivedAt).toISOString()} ${m.from} → ${m.to.join(", ")}: ${m.subject}`);
    }
  }, 250);
}
