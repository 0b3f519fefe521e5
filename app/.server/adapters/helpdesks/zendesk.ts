import { isRecord } from "../channels/http";
import type { HelpdeskCallResult, HelpdeskClient, ZendeskCredentials } from "../../ports/helpdesks";
import { accountOrigin, basicAuth, callHelpdesk, originFor, refusal, type HelpdeskFailure } from "./http";

export interface ZendeskClientOptions {
  /** replaces https://<subdomain>.zendesk.com for every account (ZENDESK_API_BASE: the local stand-in) */
  apiBase?: string;
  timeoutMs: number;
}

const PROVIDER = "Zendesk";

/**
 * Zendesk Support API (developer.zendesk.com): HTTP basic as "<email>/token:<api token>".
 *   note   PUT /api/v2/tickets/{id}        { ticket: { comment: { body, public: false } } }: a private comment
 *   tags   PUT /api/v2/tickets/{id}/tags   { tags }: adds (POST would replace the ticket's tags; PUT on the
 *                                          ticket with `tags` would too)
 *   check  GET /api/v2/users/me            an agent's token; an end user's cannot touch tickets
 * Zendesk answers 429 with Retry-After past the plan's limit, and 409 when two updates of one ticket collide.
 */
export function createZendeskClient(options: ZendeskClientOptions): HelpdeskClient<"zendesk"> {
  async function call(creds: ZendeskCredentials, method: "GET" | "PUT", path: string, json?: unknown): Promise<{ ok: true; body: unknown } | HelpdeskFailure> {
    const account = accountOrigin(creds.subdomain, "zendesk.com");
    if (!account) return refusal(PROVIDER, `"${creds.subdomain}" is not a Zendesk subdomain (acme or acme.zendesk.com)`);
    return callHelpdesk({
      provider: PROVIDER,
      method,
      url: `${originFor(options.apiBase, account)}/api/v2${path}`,
      authorization: basicAuth(`${creds.email}/token`, creds.apiToken),
      json,
      timeoutMs: options.timeoutMs,
      secrets: [creds.apiToken],
      words: zendeskWords,
      // a collision with another update of the same ticket: the next attempt goes through
      alsoRetryable: [409],
    });
  }

  const ticketPath = (ticketId: string) => (/^\d{1,18}$/.test(ticketId) ? `/tickets/${ticketId}` : null);
  const done = (result: Awaited<ReturnType<typeof call>>): HelpdeskCallResult => (result.ok ? { ok: true } : result);

  return {
    async addNote(creds, ticketId, text) {
      const path = ticketPath(ticketId);
      if (!path) return refusal(PROVIDER, `ticket ids are numbers, not "${ticketId.slice(0, 40)}"`);
      return done(await call(creds, "PUT", path, { ticket: { comment: { body: text, public: false } } }));
    },
    async addTags(creds, ticketId, tags) {
      const path = ticketPath(ticketId);
      if (!path) return refusal(PROVIDER, `ticket ids are numbers, not "${ticketId.slice(0, 40)}"`);
      const unique = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
      if (unique.length === 0) return { ok: true };
      return done(await call(creds, "PUT", `${path}/tags`, { tags: unique }));
    },
    async check(creds) {
      const result = await call(creds, "GET", "/users/me");
      if (!result.ok) return result;
      const role = isRecord(result.body) && isRecord(result.body.user) ? result.body.user.role : null;
      return role === "end-user" ? refusal(PROVIDER, `${creds.email} is an end user; the token must belong to an agent or admin`) : { ok: true };
    },
  };
}

/**
 * Zendesk's refusals: { error: "Couldn't authenticate you" }, { error: "RecordNotFound", description: "Not found" },
 * { error: "RecordInvalid", description, details: { field: [{ description }] } }, or { error: { title, message } }.
 */
function zendeskWords(body: unknown): string | null {
  if (!isRecord(body)) return null;
  const { error, description, details } = body;
  const detailWords = isRecord(details)
    ? Object.values(details)
        .flatMap((list) => (Array.isArray(list) ? list : []))
        .map((d) => (isRecord(d) && typeof d.description === "string" ? d.description : null))
        .filter((d): d is string => d !== null)
    : [];
  if (isRecord(error)) {
    const words = [error.title, error.message].filter((w): w is string => typeof w === "string");
    return words.length > 0 ? words.join(": ") : null;
  }
  const parts = [typeof error === "string" ? error : null, typeof description === "string" ? description : null, ...detailWords].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(": ") : null;
}
