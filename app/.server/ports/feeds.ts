/** Ports — tracking feeds (EasyPost, AfterShip, ShipEngine): where a shop's feed connection is kept, and the provider's API. */

export type FeedProvider = "easypost" | "aftership" | "shipengine";
export type FeedStatus = "connected" | "failing";

/** A connection with its credentials still sealed: only the feed service opens them. */
export interface FeedConnectionRecord {
  id: string;
  shop: string;
  provider: FeedProvider;
  sealedApiKey: string;
  /** the webhook secret; for ShipEngine, which signs with its own published keys, the id of the webhook Shipwatch registered */
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

export interface ShipEngineClient {
  /** GET /v1/environment/webhooks: the account's webhooks, and a cheap authenticated read of the API key */
  listWebhooks(apiKey: string): Promise<ProviderOutcome<{ id: string; url: string; event: string }[]>>;
  /** POST /v1/environment/webhooks `{ "event": "track", "url" }`: where ShipEngine sends tracking updates */
  createTrackWebhook(apiKey: string, url: string): Promise<ProviderOutcome<{ id: string }>>;
  /** DELETE /v1/environment/webhooks/<id> (204): ShipEngine stops sending there */
  deleteWebhook(apiKey: string, webhookId: string): Promise<ProviderOutcome<null>>;
  /** POST /v1/tracking/start?carrier_code&tracking_number (204): ShipEngine sends this parcel's updates to the track webhook */
  startTracking(apiKey: string, parcel: { carrierCode: string; trackingNumber: string }): Promise<ProviderOutcome<null>>;
  /** the public key (a JWK from ShipEngine's JWKS) a webhook names in x-shipengine-rsa-sha256-key-id; null when ShipEngine publishes none */
  signingKey(keyId: string): Promise<JsonWebKey | null>;
}
