import { createHash } from "node:crypto";
import { isIP, type Socket } from "node:net";
import nodemailer from "nodemailer";
import { oneLine } from "~/domain/text";
import { permanent, readCredentials, type ChannelSender } from "./credentials";
import { connectionErrorWords, pinDestination, tcpDialer, type DestinationPolicy, type DialTarget } from "./destination";
import { maskSecrets, type SendFailure } from "./http";

export interface EmailChannelOptions {
  /** the operator's relay (SMTP_URL), used by shops that have not connected their own */
  smtpUrl?: string | null;
  /** the operator's default From (EMAIL_FROM) */
  from?: string | null;
  timeoutMs: number;
  /** transporters kept open at once (one pool per SMTP URL); the least recently used is closed beyond it */
  maxTransporters?: number;
  /** a shop's own SMTP server is the merchant's: checked and pinned at send time (the operator's relay is trusted) */
  destination: DestinationPolicy;
}

export const EMAIL_NOT_CONFIGURED = "email is not configured: connect an SMTP server or set SMTP_URL";

type Transporter = ReturnType<typeof createRelayPool>;

/** The Message-ID a send key always gets, so a retried send is recognizably the same message. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}@shipwatch>`;
}

/** The pool's limits: a relay that stops answering is a timeout here, not a pooled socket waiting ten minutes. */
function poolOptions(timeoutMs: number) {
  return { pool: true, maxConnections: 3, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, idleTimeout: 60_000 } as const;
}

/** The operator's relay (SMTP_URL): configured by whoever runs the app, read by nodemailer as it is. */
function createRelayPool(url: string, timeoutMs: number) {
  return nodemailer.createTransport({ url, ...poolOptions(timeoutMs) });
}

/**
 * A shop's own server, dialled at the checked address only: every connection of the pool comes from the dialer
 * (nodemailer resolves nothing itself), and TLS (smtps, or STARTTLS) verifies the certificate against the host name.
 */
function createPinnedPool(server: ShopSmtpServer, target: DialTarget, dial: DestinationPolicy["dial"], timeoutMs: number) {
  const connect = dial ?? tcpDialer;
  return nodemailer.createTransport({
    ...poolOptions(timeoutMs),
    host: target.hostname,
    port: server.port,
    secure: server.secure,
    ...(server.auth ? { auth: server.auth } : {}),
    ...(isIP(target.hostname) ? {} : { servername: target.hostname }),
    getSocket: (_options: unknown, callback: (error: Error | null, socketOptions?: { connection: Socket }) => void) => {
      connect(target).then(
        (connection) => callback(null, { connection }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  } as Parameters<typeof nodemailer.createTransport>[0]);
}

interface ShopSmtpServer {
  hostname: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | null;
}

/**
 * A shop's SMTP URL, read here rather than by nodemailer: its URL parser turns a query into client options
 * (?host=, ?proxy=, ?tls.rejectUnauthorized=), which would connect somewhere other than the host that was checked.
 */
function readShopSmtpUrl(value: string): { ok: true; server: ShopSmtpServer } | { ok: false; error: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, error: "the SMTP URL is not valid" };
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") return { ok: false, error: "the SMTP URL must be smtp://… or smtps://…" };
  if (url.search || url.hash) return { ok: false, error: "the SMTP URL has options after the host, which are not supported: remove them" };
  const secure = url.protocol === "smtps:";
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  return {
    ok: true,
    server: {
      hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      auth: url.username || url.password ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : null,
    },
  };
}

/**
 * Email over SMTP (nodemailer): the shop's own server when it connected one, else the operator's relay.
 * One pooled transporter per SMTP URL. 4xx replies and connection trouble are retryable; 5xx replies
 * (except 503, a session-state complaint) are permanent.
 */
export function createEmailChannel(options: EmailChannelOptions): { send: ChannelSender; close(): Promise<void> } {
  const transporters = new Map<string, Transporter>();
  const maxTransporters = options.maxTransporters ?? 200;

  /** one pool per key (the relay's URL, or a shop's URL and the address it was pinned to) */
  const transporterFor = (key: string, create: () => Transporter): Transporter => {
    const existing = transporters.get(key);
    if (existing) {
      // most recently used last
      transporters.delete(key);
      transporters.set(key, existing);
      return existing;
    }
    const created = create();
    // failures reach the sender through sendMail; a pool-level error must not become an uncaught event
    created.on("error", () => undefined);
    transporters.set(key, created);
    while (transporters.size > maxTransporters) {
      const [oldestKey, oldest] = transporters.entries().next().value as [string, Transporter];
      transporters.delete(oldestKey);
      oldest.close();
    }
    return created;
  };

  /** the shop's own server, resolved and checked now; the pool for the address it was pinned to */
  const shopTransporter = async (smtpUrl: string): Promise<{ ok: true; transporter: Transporter } | { ok: false; failure: SendFailure }> => {
    const read = readShopSmtpUrl(smtpUrl);
    if (!read.ok) return { ok: false, failure: permanent(`SMTP: ${read.error}`) };
    const pinned = await pinDestination(read.server.hostname, read.server.port, options.destination, options.timeoutMs);
    if (!pinned.ok) {
      const error = maskSecrets(pinned.retryable ? `SMTP: could not connect: ${pinned.reason}` : `SMTP: refused before connecting: ${pinned.reason}; only public addresses are called`, [smtpUrl]);
      return { ok: false, failure: { ok: false, retryable: pinned.retryable, retryAfterMs: null, status: null, error } };
    }
    const { target } = pinned;
    const transporter = transporterFor(`${smtpUrl}\n${target.address}`, () => createPinnedPool(read.server, target, options.destination.dial, options.timeoutMs));
    return { ok: true, transporter };
  };

  const send: ChannelSender = async (message, credentials) => {
    const creds = readCredentials("email", credentials);
    if (!creds.ok) return creds.failure;
    const shopUrl = creds.secret.smtpUrl || null;
    const smtpUrl = shopUrl || options.smtpUrl || null;
    if (!smtpUrl) return permanent(EMAIL_NOT_CONFIGURED);
    const from = creds.settings.from || options.from || null;
    if (!from) return permanent("email has no From address: set one in the channel's settings or EMAIL_FROM");
    if (!message.to) return permanent("email: the message has no address to send to");

    let transporter: Transporter;
    if (shopUrl) {
      const shop = await shopTransporter(shopUrl);
      if (!shop.ok) return shop.failure;
      transporter = shop.transporter;
    } else {
      transporter = transporterFor(smtpUrl, () => createRelayPool(smtpUrl, options.timeoutMs));
    }
    try {
      const info = await transporter.sendMail({
        from,
        to: message.to,
        ...(creds.settings.replyTo ? { replyTo: creds.settings.replyTo } : {}),
        subject: message.subject ?? "",
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: messageIdFor(message.idempotencyKey),
        headers: { "X-Shipwatch-Key": message.idempotencyKey },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      return { ok: true, providerId: typeof info.messageId === "string" ? info.messageId : messageIdFor(message.idempotencyKey) };
    } catch (error) {
      return classifySmtpError(error, smtpUrl, options.timeoutMs);
    }
  };

  return {
    send,
    async close() {
      for (const transporter of transporters.values()) transporter.close();
      transporters.clear();
    },
  };
}

/** Codes that no retry will fix: bad credentials, bad configuration, nothing to send to. */
const PERMANENT_CODES = new Set(["EAUTH", "ENOAUTH", "EOAUTH2", "ECONFIG", "EENVELOPE", "EMAXRECIPIENTS", "EREQUIRETLS"]);

interface SmtpErrorShape {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
  name?: unknown;
}

function classifySmtpError(error: unknown, smtpUrl: string, timeoutMs: number): SendFailure {
  const e: SmtpErrorShape = typeof error === "object" && error !== null ? (error as SmtpErrorShape) : { message: String(error) };
  const secrets = [smtpUrl];
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : null;
  const code = typeof e.code === "string" ? e.code : null;
  const text = typeof e.message === "string" ? e.message : "unknown error";

  if (responseCode !== null) {
    // the server's own reply: what it says about the message is worth reading, in one short line
    const reply = typeof e.response === "string" && e.response ? e.response.replace(/^\d{3}[ -]/, "") : text;
    const isPermanent = responseCode >= 500 && responseCode !== 503;
    return {
      ok: false,
      retryable: !isPermanent,
      retryAfterMs: null,
      status: responseCode,
      error: maskSecrets(`SMTP ${responseCode}: ${oneLine(reply, 300)}`, secrets),
      ...unusableMailbox(responseCode, reply),
    };
  }
  if (code === "EABORT" || e.name === "TimeoutError" || e.name === "AbortError" || code === "ETIMEDOUT") {
    return { ok: false, retryable: true, retryAfterMs: null, status: null, error: `SMTP: no answer within ${timeoutMs} ms` };
  }
  if (code && PERMANENT_CODES.has(code)) {
    return { ok: false, retryable: false, retryAfterMs: null, status: null, error: maskSecrets(`SMTP ${code}: ${oneLine(text, 300)}`, secrets) };
  }
  // whatever answered that is not an SMTP server (a banner, an HTTP page) is not repeated
  if (code === "EPROTOCOL") {
    return { ok: false, retryable: true, retryAfterMs: null, status: null, error: "SMTP: the server did not answer as an SMTP server" };
  }
  return { ok: false, retryable: true, retryAfterMs: null, status: null, error: `SMTP: could not connect: ${connectionErrorWords(systemError(e))}` };
}

/** The system error behind nodemailer's own code (ESOCKET, ECONNECTION…): it keeps it as originalCode. */
function systemError(e: SmtpErrorShape & { originalCode?: unknown }): { code?: string } {
  if (typeof e.originalCode === "string") return { code: e.originalCode };
  const inText = typeof e.message === "string" ? /\b(E[A-Z_]{3,})\b/.exec(e.message)?.[1] : undefined;
  if (inText && inText !== e.code) return { code: inText };
  if (typeof e.message === "string" && /TLS|SSL|certificate/i.test(e.message)) return { code: "EPROTO" };
  return typeof e.code === "string" && !["ESOCKET", "ECONNECTION", "EDNS", "ETLS"].includes(e.code) ? { code: e.code } : {};
}

/**
 * RFC 3463's permanent addressing codes for the recipient (5.1.x): the address itself cannot receive mail, in
 * words without the address. The sender's own (5.1.7, 5.1.8) and everything else stay the merchant's to fix.
 */
const UNUSABLE_MAILBOX_CODES: Record<string, string> = {
  "1": "the receiving server says the mailbox does not exist",
  "2": "the address's domain does not receive mail",
  "3": "the receiving server says the address is malformed",
  "6": "the mailbox has moved, with no forwarding address",
  "10": "the address's domain accepts no mail (null MX)",
};

function unusableMailbox(responseCode: number, reply: string): { unusableRecipient?: string } {
  const detail = /^\s*5\.1\.(\d{1,3})\b/.exec(reply)?.[1];
  const words = responseCode >= 500 && responseCode !== 503 && detail ? UNUSABLE_MAILBOX_CODES[detail] : undefined;
  return words ? { unusableRecipient: `${words} (SMTP ${responseCode} 5.1.${detail})` } : {};
}
