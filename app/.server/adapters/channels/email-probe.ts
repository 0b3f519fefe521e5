import type { ChannelCredentials, OutgoingMessage, ProbeOutcome } from "../../ports";
import { messageIdFor } from "./email";
import { maskSecrets } from "./http";

export interface EmailProbeOptions {
  /**
   * The operator relay's message log (SMTP_PROBE_URL), shaped after Mailgun's Events API: the events endpoint,
   * credentials in the user-info, e.g. https://api:key-…@api.mailgun.net/v3/mg.example.com/events
   */
  probeUrl?: string | null;
  timeoutMs: number;
}

/**
 * Asks the operator's relay whether it accepted a message, by the Message-ID every send key always gets: the
 * way to settle a send whose worker died after handing it over, without mailing the customer twice. One GET,
 * as Mailgun's Events API answers it: `GET <events URL>?message-id=<id without angle brackets>&event=accepted`
 * with basic auth, answered `{ "items": [ { "event": "accepted", "message": { "headers": { "message-id" } } } ],
 * "paging": { … } }`. A shop's own SMTP server has no such log: `unsupported`.
 */
export function createEmailProbe(options: EmailProbeOptions) {
  const endpoint = options.probeUrl ? parseProbeUrl(options.probeUrl) : null;

  return async function probe(message: Pick<OutgoingMessage, "idempotencyKey">, credentials: ChannelCredentials): Promise<ProbeOutcome> {
    const ownServer = typeof credentials.secret?.smtpUrl === "string" && credentials.secret.smtpUrl !== "";
    if (!endpoint || ownServer) return { state: "unsupported" };
    const messageId = messageIdFor(message.idempotencyKey).replace(/^<|>$/g, "");
    const url = new URL(endpoint.url);
    url.searchParams.set("message-id", messageId);
    url.searchParams.set("event", "accepted");
    url.searchParams.set("limit", "1");
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json", ...(endpoint.authorization ? { Authorization: endpoint.authorization } : {}) },
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const body = await response.text();
      if (response.status < 200 || response.status >= 300) return { state: "error", error: `the relay's message log answered ${response.status}` };
      const found = acceptedIn(body, messageId);
      if (found === null) return { state: "error", error: "the relay's message log gave an answer that is not an event list" };
      return found ? { state: "accepted", providerId: `<${messageId}>` } : { state: "unknown" };
    } catch (error) {
      const text = error instanceof Error ? (error.name === "TimeoutError" ? `no answer within ${options.timeoutMs} ms` : error.message) : String(error);
      return { state: "error", error: maskSecrets(`the relay's message log could not be asked: ${text}`, [endpoint.secret]) };
    }
  };
}

/** The URL without its user-info, and that user-info as a basic Authorization header (fetch refuses it in the URL). */
function parseProbeUrl(raw: string): { url: string; authorization: string | null; secret: string | null } {
  const url = new URL(raw);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = "";
  url.password = "";
  const authorization = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` : null;
  return { url: url.toString(), authorization, secret: password || null };
}

/**
 * An "accepted" event for exactly this Message-ID (a log that ignores the filter must not confirm another
 * message); null when the answer is not an event list at all (not to be read as "never accepted").
 */
function acceptedIn(body: string, messageId: string): boolean | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const items = typeof parsed === "object" && parsed !== null ? (parsed as { items?: unknown }).items : null;
  if (!Array.isArray(items)) return null;
  return items.some((item: unknown) => {
    if (typeof item !== "object" || item === null) return false;
    const { event, message } = item as { event?: unknown; message?: { headers?: Record<string, unknown> } };
    const id = message?.headers?.["message-id"];
    return event === "accepted" && typeof id === "string" && id.replace(/^<|>$/g, "") === messageId;
  });
}
