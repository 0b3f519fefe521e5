/**
 * Ports — a helpdesk's REST API as Shipwatch uses it: an internal note and tags on a ticket the customer opened,
 * and a check that a connection's credentials work. Adapters (app/.server/adapters/helpdesks) never throw for a
 * provider's answer: they classify it.
 */

/** Gorgias: HTTP basic with the user's email and an API key, on https://<account>.gorgias.com/api */
export interface GorgiasCredentials {
  /** "acme", "acme.gorgias.com" or "https://acme.gorgias.com" */
  account: string;
  email: string;
  apiKey: string;
}

/** Zendesk: HTTP basic as "<email>/token:<api token>", on https://<subdomain>.zendesk.com/api/v2 */
export interface ZendeskCredentials {
  /** "acme", "acme.zendesk.com" or "https://acme.zendesk.com" */
  subdomain: string;
  email: string;
  apiToken: string;
}

/** Each provider's credentials, by provider. */
export interface HelpdeskConnectionCredentials {
  gorgias: GorgiasCredentials;
  zendesk: ZendeskCredentials;
}

export type HelpdeskProvider = keyof HelpdeskConnectionCredentials;

export type HelpdeskCallResult =
  | { ok: true }
  | {
      ok: false;
      /** no answer, a timeout, 429 and 5xx are worth retrying; a refusal (401, 403, 404, 422) is not */
      retryable: boolean;
      /** from Retry-After, when the provider said */
      retryAfterMs?: number;
      /** "<Provider> <status>: <the provider's own words>", secrets masked */
      error: string;
    };

export interface HelpdeskClient<P extends HelpdeskProvider = HelpdeskProvider> {
  /** an internal note (never shown to the customer) on the ticket */
  addNote(creds: HelpdeskConnectionCredentials[P], ticketId: string, text: string): Promise<HelpdeskCallResult>;
  /** adds the tags, keeping the ticket's others */
  addTags(creds: HelpdeskConnectionCredentials[P], ticketId: string, tags: string[]): Promise<HelpdeskCallResult>;
  /** do these credentials reach the account? (Settings, on connect) */
  check(creds: HelpdeskConnectionCredentials[P]): Promise<HelpdeskCallResult>;
}
