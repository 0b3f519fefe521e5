import { createHash } from "node:crypto";
import nodemailer from "nodemailer";
import { permanent, readCredentials, type ChannelSender } from "./credentials";
import { maskSecrets, type SendFailure } from "./http";

export interface EmailChannelOptions {
  /** the operator's relay (SMTP_URL), used by shops that have not connected their own */
  smtpUrl?: string | null;
  /** the operator's default From (EMAIL_FROM) */
  from?: string | null;
  timeoutMs: number;
  /** transporters kept open at once (one pool per SMTP URL); the least recently used is closed beyond it */
  maxTransporters?: number;
}

export const EMAIL_NOT_CONFIGURED = "email is not configured: connect an SMTP server or set SMTP_URL";

type Transporter = ReturnType<typeof createPool>;

/** The Message-ID a send key always gets, so a retried send is recognizably the same message. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 32)}@shipwatch>`;
}

function createPool(url: string, timeoutMs: number) {
  return nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: 3,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    // a relay that stops answering is a timeout here, not a pooled socket waiting ten minutes
    idleTimeout: 60_000,
  });
}

/**
 * Email over SMTP (nodemailer): the shop's own server when it connected one, else the operator's relay.
 * One pooled transporter per SMTP URL. 4xx replies and connection trouble are retryable; 5xx replies
 * (except 503, a session-state complaint) are permanent.
 */
export function createEmailChannel(options: EmailChannelOptions): { send: ChannelSender; close(): Promise<void> } {
  const transporters = new Map<string, Transporter>();
  const maxTransporters = options.maxTransporters ?? 200;

  const transporterFor = (url: string): Transporter => {
    const existing = transporters.get(url);
    if (existing) {
      // most recently used last
      transporters.delete(url);
      transporters.set(url, existing);
      return existing;
    }
    const created = createPool(url, options.timeoutMs);
    // failures reach the sender through sendMail; a pool-level error must not become an uncaught event
    created.on("error", () => undefined);
    transporters.set(url, created);
    while (transporters.size > maxTransporters) {
      const [oldestUrl, oldest] = transporters.entries().next().value as [string, Transporter];
      transporters.delete(oldestUrl);
      oldest.close();
    }
    return created;
  };

  const send: ChannelSender = async (message, credentials) => {
    const creds = readCredentials("email", credentials);
    if (!creds.ok) return creds.failure;
    const smtpUrl = creds.secret.smtpUrl || options.smtpUrl || null;
    if (!smtpUrl) return permanent(EMAIL_NOT_CONFIGURED);
    const from = creds.settings.from || options.from || null;
    if (!from) return permanent("email has no From address: set one in the channel's settings or EMAIL_FROM");
    if (!message.to) return permanent("email: the message has no address to send to");

    try {
      const info = await transporterFor(smtpUrl).sendMail({
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
    const reply = typeof e.response === "string" && e.response ? e.response.replace(/^\d{3}[ -]/, "") : text;
    const isPermanent = responseCode >= 500 && responseCode !== 503;
    return {
      ok: false,
      retryable: !isPermanent,
      retryAfterMs: null,
      status: responseCode,
      error: maskSecrets(`SMTP ${responseCode}: ${reply.trim()}`, secrets),
    };
  }
  if (code === "EABORT" || e.name === "TimeoutError" || e.name === "AbortError" || code === "ETIMEDOUT") {
    return { ok: false, retryable: true, retryAfterMs: null, status: null, error: `SMTP: no answer within ${timeoutMs} ms` };
  }
  if (code && PERMANENT_CODES.has(code)) {
    return { ok: false, retryable: false, retryAfterMs: null, status: null, error: maskSecrets(`SMTP ${code}: ${text}`, secrets) };
  }
  return { ok: false, retryable: true, retryAfterMs: null, status: null, error: maskSecrets(`SMTP${code ? ` ${code}` : ""}: ${text}`, secrets) };
}
