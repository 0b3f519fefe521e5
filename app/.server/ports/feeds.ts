/** Ports — tracking feeds (EasyPost, AfterShip): where a shop's feed connection is kept, and the provider's API. */

export type FeedProvider = "easypost" | "aftership";
export type FeedStatus = "connected" | "failing";

/** A connection with its credentials still sealed: only the feed service opens them. */
export interface FeedConnectionRecord {
  id: string;
  shop: string;
  provider: FeedProvider;
  sealedApiKey: string;
  sealedWebhookSecret: string;
  /** "default" (the carriers Shopify does not track) or the carrier codes the merchant chose */
  carriers: "default" | string[];
  status: FeedStatus;
  lastError: string | null;
  lastEventAt: number | null;
  eventCount: number;
  unknownTrackingCount: number;
  lastUnknownTracking: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface FeedConnectionRepository {
  /** one per shop and provider: a second save replaces the credentials and keeps the id */
  save(
    shop: string,
    connection: { id: string; provider: FeedProvider; sealedApiKey: string; sealedWebhookSecret: string; carriers: "default" | string[] },
    at: number,
  ): Promise<FeedConnectionRecord>;
  /** by the id in the webhook URL, whatever the shop (the signature then proves the sender) */
  get(id: string): Promise<FeedConnectionRecord | null>;
  forShop(shop: string, provider: FeedProvider): Promise<FeedConnectionRecord | null>;
  recordEvent(shop: string, provider: FeedProvider, at: number): Promise<void>;
  recordUnknownTracking(shop: string, provider: FeedProvider, trackingNumber: string): Promise<void>;
  markFailing(shop: string, provider: FeedProvider, error: string, at: number): Promise<void>;
  markConnected(shop: string, provider: FeedProvider, at: number): Promise<void>;
  setCarriers(shop: string, provider: FeedProvider, carriers: "default" | string[], at: number): Promise<void>;
  /** deletes the connection and its credentials: its webhook URL stops working at once; true when there was one */
  remove(shop: string, provider: FeedProvider): Promise<boolean>;
}

/** What the provider said, in its own words; `retryable` for a 429, a 5xx or no answer at all. */
export type ProviderOutcome<T> = { ok: true; value: T } | { ok: false; status: number | null; message: string; retryable: boolean };

export interface EasyPostClient {
  /** a cheap authenticated read: does EasyPost accept this API key? */
  checkKey(apiKey: string): Promise<ProviderOutcome<null>>;
  /** POST /v2/trackers; EasyPost answers an existing tracker for a known code, so a repeat is harmless */
  createTracker(apiKey: string, tracker: { trackingCode: string; carrier: string | null }): Promise<ProviderOutcome<{ id: string }>>;
}

export interface AfterShipClient {
  /** a cheap authenticated read (the account's couriers): does AfterShip accept this API key? */
  checkKey(apiKey: string): Promise<ProviderOutcome<null>>;
  /** POST /tracking/<version>/trackings; a tracking AfterShip already has (meta code 4003) counts as registered */
  createTracking(apiKey: string, tracking: { trackingNumber: string; slug: string | null }): Promise<ProviderOutcome<{ id: string }>>;
}
