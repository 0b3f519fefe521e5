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

/** A shop's connected helpdesk as stored: secrets sealed (SecretBox), settings as written by the domain. */
export interface HelpdeskConnectionRecord {
  id: number;
  shop: string;
  /** gorgias | zendesk | intercom | freshdesk | gladly | reamaze */
  provider: string;
  /** the random id in the webhook URL */
  publicId: string;
  settings: unknown;
  sealedCredentials: string | null;
  sealedWebhookSecret: string | null;
  lastTicketAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface HelpdeskConnectionRepository {
  list(shop: string): Promise<HelpdeskConnectionRecord[]>;
  get(shop: string, provider: string): Promise<HelpdeskConnectionRecord | null>;
  getById(shop: string, id: number): Promise<HelpdeskConnectionRecord | null>;
  /** the connection a webhook URL names, whichever shop it is (the URL is how an inbound webhook finds its shop) */
  byPublicId(publicId: string): Promise<HelpdeskConnectionRecord | null>;
  /**
   * Creates the shop's connection of this provider (with `publicId`) or updates it. An undefined sealed value
   * keeps the stored one; null clears it.
   */
  save(shop: string, provider: string, change: { publicId: string; settings: unknown; sealedCredentials?: string | null; sealedWebhookSecret?: string | null }, at: number): Promise<HelpdeskConnectionRecord>;
  remove(shop: string, provider: string): Promise<boolean>;
  touch(shop: string, id: number, at: number): Promise<void>;
}

/**
 * Marks of what Shipwatch wrote on a helpdesk ticket, one per (connection, ticket, kind). A claim is taken before
 * the call and given back when it fails; a claim left "sending" by a worker that died is taken over after
 * `staleBefore`, so a crash loses nothing (the call may then be made twice; tags are idempotent, a note may repeat).
 */
export interface HelpdeskWriteMarks {
  /** true: this caller may write; false: it is done, or another worker is writing it now */
  claim(shop: string, connectionId: number, ticketId: string, kind: string, at: number, staleBefore: number): Promise<boolean>;
  done(shop: string, connectionId: number, ticketId: string, kind: string, at: number): Promise<void>;
  release(shop: string, connectionId: number, ticketId: string, kind: string): Promise<void>;
  /** the status of a mark, or null */
  status(shop: string, connectionId: number, ticketId: string, kind: string): Promise<"sending" | "done" | null>;
}

/** Every helpdesk client by provider (the composition root builds them with their API bases). */
export interface HelpdeskClients {
  gorgias: HelpdeskClient<"gorgias">;
  zendesk: HelpdeskClient<"zendesk">;
}

/**
 * Before a proactive email goes out: the customer's open WISMO ticket, if a connected helpdesk can take the
 * update as an internal note. `noted`: the note is on the ticket (now, or by an earlier attempt of this message).
 */
export type TicketNoteOutcome = { noted: true; reason: string; providerId: string } | { noted: false; error?: string };

export interface TicketNoteOutlet {
  noteInstead(shop: string, message: { notificationId: number; email: string; orderId: string; orderName: string; subject: string | null; text: string }): Promise<TicketNoteOutcome>;
}
