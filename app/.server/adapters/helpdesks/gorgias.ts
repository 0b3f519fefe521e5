import { isRecord } from "../channels/http";
import type { GorgiasCredentials, HelpdeskCallResult, HelpdeskClient } from "../../ports/helpdesks";
import { accountOrigin, basicAuth, callHelpdesk, originFor, refusal } from "./http";

export interface GorgiasClientOptions {
  /** replaces https://<account>.gorgias.com for every account (GORGIAS_API_BASE: the local stand-in) */
  apiBase?: string;
  timeoutMs: number;
}

const PROVIDER = "Gorgias";

/**
 * Gorgias REST API (developers.gorgias.com): HTTP basic with the user's email and an API key.
 *   note   POST /api/tickets/{id}/messages   channel "internal-note", from the API user: agents see it, the customer never does
 *   tags   POST /api/tickets/{id}/tags       { names }: adds, keeping the ticket's other tags (PUT would replace them)
 *   check  GET  /api/account
 * Gorgias allows an API key 40 calls per 20 s and answers 429 with Retry-After beyond that.
 */
export function createGorgiasClient(options: GorgiasClientOptions): HelpdeskClient<"gorgias"> {
  async function call(creds: GorgiasCredentials, method: "GET" | "POST", path: string, json?: unknown): Promise<HelpdeskCallResult> {
    const account = accountOrigin(creds.account, "gorgias.com");
    if (!account) return refusal(PROVIDER, `"${creds.account}" is not a Gorgias account (acme or acme.gorgias.com)`);
    const result = await callHelpdesk({
      provider: PROVIDER,
      method,
      url: `${originFor(options.apiBase, account)}/api${path}`,
      authorization: basicAuth(creds.email, creds.apiKey),
      json,
      timeoutMs: options.timeoutMs,
      secrets: [creds.apiKey],
      words: gorgiasWords,
    });
    return result.ok ? { ok: true } : result;
  }

  const ticketPath = (ticketId: string) => (/^\d{1,18}$/.test(ticketId) ? `/tickets/${ticketId}` : null);

  return {
    async addNote(creds, ticketId, text) {
      const path = ticketPath(ticketId);
      if (!path) return refusal(PROVIDER, `ticket ids are numbers, not "${ticketId.slice(0, 40)}"`);
      return call(creds, "POST", `${path}/messages`, {
        channel: "internal-note",
        via: "api",
        from_agent: true,
        sender: { email: creds.email },
        source: { type: "internal-note" },
        body_text: text,
        body_html: noteHtml(text),
      });
    },
    async addTags(creds, ticketId, tags) {
      const path = ticketPath(ticketId);
      if (!path) return refusal(PROVIDER, `ticket ids are numbers, not "${ticketId.slice(0, 40)}"`);
      const names = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
      if (names.length === 0) return { ok: true };
      return call(creds, "POST", `${path}/tags`, { names });
    },
    check: (creds) => call(creds, "GET", "/account"),
  };
}

/** Gorgias explains a refusal in `error.msg` (400s list field errors in `error.data`), or in `message`. */
function gorgiasWords(body: unknown): string | null {
  if (!isRecord(body)) return null;
  const error = body.error;
  if (isRecord(error)) {
    const msg = typeof error.msg === "string" ? error.msg : typeof error.message === "string" ? error.message : null;
    const fields = isRecord(error.data) ? Object.keys(error.data).join(", ") : "";
    if (msg) return fields ? `${msg} (${fields})` : msg;
  }
  if (typeof error === "string") return error;
  return typeof body.message === "string" ? body.message : null;
}

/** The note's HTML body: the text escaped, its lines kept. */
function noteHtml(text: string): string {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return escaped.replace(/\r?\n/g, "<br>");
}
