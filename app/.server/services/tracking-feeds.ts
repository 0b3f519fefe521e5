import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "~/domain/clock";
import { afterShipCode, afterShipLocation, afterShipScanKey, afterShipSlugOf } from "~/domain/aftership";
import { easyPostCarrierOf, easyPostCode, easyPostLocation, easyPostScanKey, FEED_ONLY_CARRIERS } from "~/domain/easypost";
import { afterShipHandOffs, easyPostHandOffs, type HandOff } from "~/domain/hand-offs";
import { shipEngineCarrierOf, shipEngineCode, shipEngineLocation, shipEngineScanKey } from "~/domain/shipengine";
import { TERMINAL_STATUSES } from "~/domain/status";
import { verifyAfterShip } from "../feeds/aftership-signature";
import { verifyEasyPost } from "../feeds/easypost-signature";
import { verifyShipEngine, type ShipEngineSignature } from "../feeds/shipengine-signature";
import type {
  AfterShipClient,
  DeliveryStore,
  EasyPostClient,
  FeedConnectionRecord,
  FeedConnectionRepository,
  FeedProvider,
  JobRequest,
  ProviderOutcome,
  SecretBox,
  ShipEngineClient,
  ShipmentLegRecord,
  ShipmentRecord,
  ShipmentRepository,
} from "../ports";
import { AfterShipTracking, AfterShipWebhook, TRACKING_EVENTS } from "./aftership-payloads";
import { EasyPostEvent, EasyPostTracker, TRACKER_EVENTS } from "./easypost-payloads";
import { ShipEngineTracking, ShipEngineWebhook, TRACK_RESOURCE_TYPES } from "./shipengine-payloads";
import type { HandOffs } from "./hand-offs";
import type { FeedScan, ShipmentTracking } from "./shipment-tracking";

export type TrackingFeeds = ReturnType<typeof createTrackingFeeds>;

/** The topic feed events are stored under, beside Shopify's webhook deliveries (same durability, parking and replay). */
export const EASYPOST_FEED_TOPIC = "feeds/easypost";
export const REGISTER_TRACKER_JOB = "register-easypost-tracker";
export const AFTERSHIP_FEED_TOPIC = "feeds/aftership";
export const REGISTER_AFTERSHIP_TRACKING_JOB = "register-aftership-tracking";
export const SHIPENGINE_FEED_TOPIC = "feeds/shipengine";
export const REGISTER_SHIPENGINE_TRACKING_JOB = "register-shipengine-tracking";

/** Each feed's name in the merchant's words, its stored topic and the job that registers a parcel with it. */
export const FEED_PROVIDERS: Record<FeedProvider, { label: string; topic: string; registerJob: string }> = {
  easypost: { label: "EasyPost", topic: EASYPOST_FEED_TOPIC, registerJob: REGISTER_TRACKER_JOB },
  aftership: { label: "AfterShip", topic: AFTERSHIP_FEED_TOPIC, registerJob: REGISTER_AFTERSHIP_TRACKING_JOB },
  shipengine: { label: "ShipEngine", topic: SHIPENGINE_FEED_TOPIC, registerJob: REGISTER_SHIPENGINE_TRACKING_JOB },
};

export type ConnectOutcome =
  | { ok: true; id: string; webhookUrl: string }
  /** the provider refused the key: its words, nothing connected or replaced */
  | { ok: false; error: "provider_rejected" | "provider_unavailable"; message: string };

export type FeedReceipt = { outcome: "stored" } | { outcome: "duplicate" } | { outcome: "unauthorized" } | { outcome: "not_found" };

export type FeedEventOutcome =
  | { outcome: "processed"; orderId: string | null; shipmentIds: number[] }
  | { outcome: "ignored"; why: string }
  | { outcome: "malformed"; why: string };

export type RegistrationOutcome = { outcome: "registered" | "not_connected" } | { outcome: "retry" | "refused"; message: string };

/** Runs work on one order at a time (the delivery processor's lock: feed scans and Shopify events share it). */
export type OrderLock = <T>(orderId: string, work: () => Promise<T>) => Promise<T>;

/**
 * Tracking feeds (ARCHITECTURE.md, "Tracking feeds"): a shop connects its EasyPost account, EasyPost POSTs signed
 * tracker events to the connection's URL, and each is stored before the answer and merged later, through the
 * same pipeline as Shopify's events, into the shop's shipment with that tracking number.
 */
export function createTrackingFeeds(deps: {
  connections: FeedConnectionRepository;
  easypost: EasyPostClient;
  aftership: AfterShipClient;
  shipengine: ShipEngineClient;
  secrets: SecretBox;
  /** the delivery store: an event and its processing job are committed together */
  store: DeliveryStore;
  shipments: Pick<ShipmentRepository, "getShipmentByTracking" | "listShipmentsOfFulfillment">;
  tracking: Pick<ShipmentTracking, "applyFeedScans">;
  /** hand-offs a feed reports (the next carrier's number) become legs of the shipment */
  handOffs?: Pick<HandOffs, "record">;
  enqueue: (job: JobRequest) => Promise<void>;
  /** the app's public URL (SHOPIFY_APP_URL): the webhook URL the merchant pastes into EasyPost or AfterShip */
  appUrl: string;
  clock: Clock;
  onStored?: () => void;
  /** a feed event about a live parcel on `carrier` was merged: its freshness figure rolls forward (services/feed-health.ts) */
  onFeedEvent?: (shop: string, provider: FeedProvider, carrier: string) => Promise<void>;
}) {
  const { connections, easypost, aftership, shipengine, secrets, clock } = deps;
  const webhookUrlOf = (provider: FeedProvider, id: string) => `${deps.appUrl}/feeds/${provider}/${id}`;
  const checkKey = (provider: FeedProvider, apiKey: string): Promise<ProviderOutcome<null>> =>
    provider === "easypost" ? easypost.checkKey(apiKey) : aftership.checkKey(apiKey);

  /**
   * ShipEngine's side of a connection: its webhooks are read (which checks the key), and the connection's URL is
   * registered for `track` unless it already is, so the merchant pastes nothing. The webhook's id is what is kept.
   */
  async function registerShipEngineWebhook(apiKey: string, connectionId: string): Promise<ProviderOutcome<{ id: string }>> {
    const listed = await shipengine.listWebhooks(apiKey);
    if (!listed.ok) return listed;
    const url = webhookUrlOf("shipengine", connectionId);
    const existing = listed.value.find((w) => w.event === "track" && w.url === url);
    return existing ? { ok: true, value: { id: existing.id } } : shipengine.createTrackWebhook(apiKey, url);
  }

  /** The provider's side of a new key: checked, and for ShipEngine the webhook registered; what to keep as the "secret". */
  async function acceptKey(provider: FeedProvider, apiKey: string, connectionId: string, webhookSecret: string | undefined): Promise<ProviderOutcome<string | null>> {
    if (provider === "shipengine") {
      const webhook = await registerShipEngineWebhook(apiKey, connectionId);
      return webhook.ok ? { ok: true, value: webhook.value.id } : webhook;
    }
    const check = await checkKey(provider, apiKey);
    return check.ok ? { ok: true, value: webhookSecret ?? null } : check;
  }
  /** A verified event, stored with its processing job before the answer. */
  async function storeEvent(connection: FeedConnectionRecord, rawBody: Buffer, eventId: string | null): Promise<FeedReceipt> {
    const result = await deps.store.storeNew({
      shop: connection.shop,
      topic: FEED_PROVIDERS[connection.provider].topic,
      // the provider retries an event with its id: a retry is a duplicate, answered 200 and not stored twice
      webhookId: `${connection.provider}:${connection.id}:${eventId ?? `sha256:${createHash("sha256").update(rawBody).digest("hex")}`}`,
      eventId,
      triggeredAt: null,
      apiVersion: null,
      body: rawBody.toString("utf8"),
      receivedAt: clock.now(),
    });
    if (!result.stored) return { outcome: "duplicate" };
    deps.onStored?.();
    return { outcome: "stored" };
  }

  /**
   * The shop's live shipment with a feed event's tracking number, the event counted on the connection; a number the
   * shop does not have (or a superseded or cancelled parcel) is counted as unknown and ignored.
   */
  async function liveShipmentOf(shop: string, provider: FeedProvider, rawTrackingNumber: string): Promise<{ shipment: ShipmentRecord; trackingNumber: string } | { ignored: FeedEventOutcome }> {
    const asSent = rawTrackingNumber.replace(/\s+/g, "").toUpperCase();
    await connections.recordEvent(shop, provider, clock.now());
    // the number may be a later leg of a parcel (a hand-off): its scans land on that parcel's one timeline
    const shipment = await deps.shipments.getShipmentByTracking(shop, asSent);
    if (!shipment || shipment.supersededAt !== null || shipment.cancelledAt !== null) {
      await connections.recordUnknownTracking(shop, provider, asSent);
      return { ignored: { outcome: "ignored", why: `no live shipment with tracking number ${asSent}` } };
    }
    await deps.onFeedEvent?.(shop, provider, shipment.carrierCode);
    // scans are keyed by the parcel's own number, whichever leg's number they came under: a feed that follows the
    // hand-off in the first tracking and also reports the next leg's tracking gives the same scan once
    return { shipment, trackingNumber: shipment.trackingNumber ?? asSent };
  }

  /** The hand-offs a feed reported become legs; the shipment is due for evaluation when one is new (silence waits). */
  async function recordHandOffs(shop: string, shipment: ShipmentRecord, handOffs: HandOff[], provider: FeedProvider, shipmentIds: number[]): Promise<number[]> {
    if (!handOffs.length || !deps.handOffs) return shipmentIds;
    const added = await deps.handOffs.record(shop, shipment, handOffs, provider);
    return added.length && !shipmentIds.includes(shipment.id) ? [...shipmentIds, shipment.id] : shipmentIds;
  }

  /** A registration's answer: registered (the connection mended), retried on 429/5xx, refused (a refused key marks the connection failing). */
  async function settleRegistration(shop: string, provider: FeedProvider, result: ProviderOutcome<unknown>): Promise<RegistrationOutcome> {
    if (result.ok) {
      await connections.markConnected(shop, provider, clock.now());
      return { outcome: "registered" };
    }
    if (result.retryable) return { outcome: "retry", message: result.message };
    if (result.status === 401 || result.status === 403) await connections.markFailing(shop, provider, result.message, clock.now());
    return { outcome: "refused", message: result.message };
  }

  const openSecret = (sealed: string) => {
    const value = secrets.open(sealed);
    if (typeof value !== "string") throw new Error("a feed credential is not a string");
    return value;
  };

  return {
    /**
     * PUT /api/v1/feeds/easypost (and /aftership): checks the key with the provider first; only a key the provider
     * accepts is stored.
     */
    async connect(shop: string, input: { apiKey: string; webhookSecret?: string; carriers?: string[] }, provider: FeedProvider = "easypost"): Promise<ConnectOutcome> {
      const existing = await connections.forShop(shop, provider);
      const id = existing?.id ?? randomBytes(16).toString("base64url");
      const accepted = await acceptKey(provider, input.apiKey, id, input.webhookSecret);
      if (!accepted.ok) return { ok: false, error: accepted.retryable ? "provider_unavailable" : "provider_rejected", message: accepted.message };
      const saved = await connections.save(
        shop,
        {
          id,
          provider,
          sealedApiKey: secrets.seal(input.apiKey),
          sealedWebhookSecret: secrets.seal(accepted.value ?? ""),
          carriers: input.carriers ?? existing?.carriers ?? "default",
        },
        clock.now(),
      );
      return { ok: true, id: saved.id, webhookUrl: webhookUrlOf(provider, saved.id) };
    },

    /**
     * Settings → Tracking feeds: connects a feed or changes it. An empty API key or webhook secret keeps the saved
     * one; any change of credentials is checked with the provider first (its words on refusal, nothing changed).
     * Carriers alone are saved without asking the provider.
     */
    async update(
      shop: string,
      provider: FeedProvider,
      input: { apiKey: string; webhookSecret: string; carriers: "default" | string[] },
    ): Promise<{ ok: true } | { ok: false; fieldErrors: Record<string, string> }> {
      const existing = await connections.forShop(shop, provider);
      const { label } = FEED_PROVIDERS[provider];
      // ShipEngine signs with its own published keys: there is no webhook secret to enter
      const needsSecret = provider !== "shipengine";
      if (!existing) {
        const fieldErrors: Record<string, string> = {};
        if (!input.apiKey) fieldErrors.apiKey = `Enter your ${label} API key`;
        if (needsSecret && !input.webhookSecret) fieldErrors.webhookSecret = `Enter your ${label} webhook secret`;
        if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
      }
      if (existing && !input.apiKey && (!needsSecret || !input.webhookSecret)) {
        await connections.setCarriers(shop, provider, input.carriers, clock.now());
        return { ok: true };
      }
      const apiKey = input.apiKey || openSecret(existing!.sealedApiKey);
      const id = existing?.id ?? randomBytes(16).toString("base64url");
      const accepted = await acceptKey(provider, apiKey, id, input.webhookSecret || undefined);
      // the provider's words: under the key the merchant typed, or over the form when it was the saved key
      if (!accepted.ok) return { ok: false, fieldErrors: input.apiKey ? { apiKey: accepted.message } : { form: accepted.message } };
      await connections.save(
        shop,
        {
          id,
          provider,
          sealedApiKey: input.apiKey ? secrets.seal(input.apiKey) : existing!.sealedApiKey,
          sealedWebhookSecret: accepted.value ? secrets.seal(accepted.value) : existing!.sealedWebhookSecret,
          carriers: input.carriers,
        },
        clock.now(),
      );
      return { ok: true };
    },

    async disconnect(shop: string, provider: FeedProvider): Promise<boolean> {
      const existing = await connections.forShop(shop, provider);
      // the webhook Shipwatch registered with ShipEngine is removed there too; if ShipEngine cannot be reached, its
      // events to the (now unknown) URL get 404s, which is all that is lost
      if (existing?.provider === "shipengine" && openSecret(existing.sealedWebhookSecret)) {
        await shipengine.deleteWebhook(openSecret(existing.sealedApiKey), openSecret(existing.sealedWebhookSecret));
      }
      return connections.remove(shop, provider);
    },

    /** The shop's connection as the admin may show it: never its credentials. */
    async connection(shop: string, provider: FeedProvider = "easypost") {
      const c = await connections.forShop(shop, provider);
      if (!c) return null;
      const { sealedApiKey: _key, sealedWebhookSecret: _secret, ...shown } = c;
      return { ...shown, webhookUrl: webhookUrlOf(provider, c.id) };
    },

    /**
     * POST /feeds/easypost/<id> (and /feeds/aftership/<id>): the signature is checked with that connection's own
     * secret, so a body signed for another connection (another shop) is refused; a signed body is stored with its
     * job before the answer.
     */
    async receive(connectionId: string, rawBody: Buffer, signature: string | null, provider: Exclude<FeedProvider, "shipengine"> = "easypost"): Promise<FeedReceipt> {
      const connection = await connections.get(connectionId);
      if (!connection || connection.provider !== provider) return { outcome: "not_found" };
      const verify = provider === "easypost" ? verifyEasyPost : verifyAfterShip;
      if (!verify(rawBody, signature, openSecret(connection.sealedWebhookSecret))) return { outcome: "unauthorized" };
      return storeEvent(connection, rawBody, eventIdOf(rawBody.toString("utf8"), provider === "easypost" ? "id" : "event_id"));
    },

    /**
     * POST /feeds/shipengine/<id>: ShipEngine's RSA-SHA256 signature is checked with the public key it names (from
     * ShipEngine's JWKS) over `<timestamp>.<body>`, the timestamp within minutes of now; its events carry no id, so a
     * retry (the same body) is recognised by its hash.
     */
    async receiveShipEngine(connectionId: string, rawBody: Buffer, signature: ShipEngineSignature): Promise<FeedReceipt> {
      const connection = await connections.get(connectionId);
      if (!connection || connection.provider !== "shipengine") return { outcome: "not_found" };
      if (!signature.keyId || !signature.signature || !signature.timestamp) return { outcome: "unauthorized" };
      const key = await shipengine.signingKey(signature.keyId);
      if (!verifyShipEngine(rawBody, signature, key, clock.now())) return { outcome: "unauthorized" };
      return storeEvent(connection, rawBody, null);
    },


    /**
     * Merges one stored EasyPost event into the shop's shipment with the tracker's tracking number. A tracking
     * number the shop does not have is ignored and counted on the connection; a body that is not a tracker event
     * is malformed (parked for replay); other event kinds are ignored.
     */
    async applyEasyPostEvent(shop: string, body: unknown, lock: OrderLock): Promise<FeedEventOutcome> {
      const event = EasyPostEvent.safeParse(body);
      if (!event.success) return { outcome: "malformed", why: `not an EasyPost Event: ${issuesOf(event.error)}` };
      if (!TRACKER_EVENTS.has(event.data.description)) return { outcome: "ignored", why: `EasyPost ${event.data.description} events are not tracking` };
      const tracker = EasyPostTracker.safeParse(event.data.result);
      if (!tracker.success) return { outcome: "malformed", why: `the event's result is not a Tracker: ${issuesOf(tracker.error)}` };
      const live = await liveShipmentOf(shop, "easypost", tracker.data.tracking_code);
      if ("ignored" in live) return live.ignored;
      const { shipment, trackingNumber } = live;
      // the tracker's estimate is today's word: it goes with its latest scan, not with the history
      const latest = Math.max(...tracker.data.tracking_details.map((d) => d.datetime));
      const scans: FeedScan[] = tracker.data.tracking_details.map((d) => {
        const code = easyPostCode(d.status, d.status_detail);
        const scan = { code, message: d.message?.trim() || d.description?.trim() || null, happenedAt: d.datetime, location: easyPostLocation(d.tracking_location) };
        const estimatedDeliveryAt = d.datetime === latest ? (tracker.data.est_delivery_date ?? null) : null;
        return { ...scan, eventKey: easyPostScanKey(trackingNumber, scan), source: "easypost", estimatedDeliveryAt };
      });
      const merged = await lock(shipment.orderId, () => deps.tracking.applyFeedScans(shop, shipment.fulfillmentId, shipment.orderId, scans));
      const ownNumbers = [tracker.data.tracking_code, ...(shipment.trackingNumber ? [shipment.trackingNumber] : [])];
      const shipmentIds = await recordHandOffs(shop, shipment, easyPostHandOffs(tracker.data.carrier_detail, ownNumbers), "easypost", merged);
      return { outcome: "processed", orderId: shipment.orderId, shipmentIds };
    },

    /**
     * Merges one stored AfterShip webhook into the shop's shipment with the tracking's number, the same way as an
     * EasyPost event: unknown numbers ignored and counted, a body that is not a tracking update parked.
     */
    async applyAfterShipEvent(shop: string, body: unknown, lock: OrderLock): Promise<FeedEventOutcome> {
      const event = AfterShipWebhook.safeParse(body);
      if (!event.success) return { outcome: "malformed", why: `not an AfterShip webhook: ${issuesOf(event.error)}` };
      if (!TRACKING_EVENTS.has(event.data.event)) return { outcome: "ignored", why: `AfterShip ${event.data.event} events are not scans` };
      const tracking = AfterShipTracking.safeParse(event.data.msg);
      if (!tracking.success) return { outcome: "malformed", why: `the webhook's msg is not a Tracking: ${issuesOf(tracking.error)}` };
      const live = await liveShipmentOf(shop, "aftership", tracking.data.tracking_number);
      if ("ignored" in live) return live.ignored;
      const { shipment, trackingNumber } = live;
      const scans: FeedScan[] = tracking.data.checkpoints.map((c) => {
        const scan = {
          code: afterShipCode(c.tag, c.subtag),
          message: c.message?.trim() || null,
          happenedAt: c.checkpoint_time,
          location: afterShipLocation({ city: c.city, state: c.state, country_iso3: c.country_region ?? c.country_iso3, location: c.location }),
        };
        return { ...scan, eventKey: afterShipScanKey(trackingNumber, scan), source: "aftership", estimatedDeliveryAt: null };
      });
      const merged = await lock(shipment.orderId, () => deps.tracking.applyFeedScans(shop, shipment.fulfillmentId, shipment.orderId, scans));
      const ownNumbers = [tracking.data.tracking_number, ...(shipment.trackingNumber ? [shipment.trackingNumber] : [])];
      const shipmentIds = await recordHandOffs(shop, shipment, afterShipHandOffs(tracking.data.next_couriers, ownNumbers), "aftership", merged);
      return { outcome: "processed", orderId: shipment.orderId, shipmentIds };
    },

    /**
     * Merges one stored ShipEngine `track` webhook into the shop's shipment with its tracking number, the same way as
     * the other feeds: unknown numbers ignored and counted, a body that is not tracking information parked.
     */
    async applyShipEngineEvent(shop: string, body: unknown, lock: OrderLock): Promise<FeedEventOutcome> {
      const event = ShipEngineWebhook.safeParse(body);
      if (!event.success) return { outcome: "malformed", why: `not a ShipEngine webhook: ${issuesOf(event.error)}` };
      if (!TRACK_RESOURCE_TYPES.has(event.data.resource_type)) return { outcome: "ignored", why: `ShipEngine ${event.data.resource_type} webhooks are not tracking` };
      const tracking = ShipEngineTracking.safeParse(event.data.data);
      if (!tracking.success) return { outcome: "malformed", why: `the webhook's data is not tracking information: ${issuesOf(tracking.error)}` };
      const live = await liveShipmentOf(shop, "shipengine", tracking.data.tracking_number);
      if ("ignored" in live) return live.ignored;
      const { shipment, trackingNumber } = live;
      // the estimate is today's word: it goes with the latest event, not with the history
      const latest = Math.max(...tracking.data.events.map((e) => e.occurred_at));
      const scans: FeedScan[] = tracking.data.events.map((e) => {
        const scan = {
          code: shipEngineCode(e.status_code, e.status_detail_code),
          message: e.description?.trim() || e.carrier_status_description?.trim() || e.status_description?.trim() || null,
          happenedAt: e.occurred_at,
          location: shipEngineLocation(e),
        };
        const estimatedDeliveryAt = e.occurred_at === latest ? tracking.data.estimated_delivery_date : null;
        return { ...scan, eventKey: shipEngineScanKey(trackingNumber, scan), source: "shipengine", estimatedDeliveryAt };
      });
      const shipmentIds = await lock(shipment.orderId, () => deps.tracking.applyFeedScans(shop, shipment.fulfillmentId, shipment.orderId, scans));
      return { outcome: "processed", orderId: shipment.orderId, shipmentIds };
    },

    /**
     * A new fulfillment (from a webhook, or brought in by the history import): for each connected feed, a tracker
     * for each parcel on a carrier the shop chose, registered by a queued job. A parcel already delivered or back
     * with the shop has nothing left to follow, and a tracker costs the merchant money.
     */
    async fulfillmentCreated(shop: string, fulfillmentId: string) {
      const feeds: FeedConnectionRecord[] = [];
      for (const provider of Object.keys(FEED_PROVIDERS) as FeedProvider[]) {
        const connection = await connections.forShop(shop, provider);
        if (connection) feeds.push(connection);
      }
      if (!feeds.length) return;
      const parcels = await deps.shipments.listShipmentsOfFulfillment(shop, fulfillmentId);
      for (const connection of feeds) {
        const chosen = new Set(connection.carriers === "default" ? FEED_ONLY_CARRIERS : connection.carriers);
        for (const s of parcels) {
          if (!s.trackingNumber || s.supersededAt !== null || TERMINAL_STATUSES.has(s.status) || !chosen.has(s.carrierCode)) continue;
          // ShipEngine does not detect carriers: a parcel on a carrier it has no code for is not sent to be refused
          if (connection.provider === "shipengine" && shipEngineCarrierOf(s.carrierCode) === null) continue;
          await deps.enqueue({ name: FEED_PROVIDERS[connection.provider].registerJob, shop, payload: { trackingNumber: s.trackingNumber, carrier: s.carrierCode } });
        }
      }
    },

    /**
     * A hand-off's new leg: each connected feed but the one that reported it (which follows the parcel already) is asked
     * to track the new number. The merchant's carrier choice is not applied: Shopify has no scans for a number it was
     * never given, so the feeds are the only way its scans arrive.
     */
    async trackLeg(shop: string, leg: ShipmentLegRecord, reportedBy: string): Promise<void> {
      for (const provider of Object.keys(FEED_PROVIDERS) as FeedProvider[]) {
        if (provider === reportedBy) continue;
        if (!(await connections.forShop(shop, provider))) continue;
        if (provider === "shipengine" && shipEngineCarrierOf(leg.carrierCode) === null) continue;
        await deps.enqueue({ name: FEED_PROVIDERS[provider].registerJob, shop, payload: { trackingNumber: leg.trackingNumber, carrier: leg.carrierCode } });
      }
    },

    /** POST /tracking/<version>/trackings, as `registerTracker` does for EasyPost: 429/5xx retried, a refused key marks the connection failing. */
    async registerAfterShipTracking(shop: string, tracking: { trackingNumber: string; carrier: string }): Promise<RegistrationOutcome> {
      const connection = await connections.forShop(shop, "aftership");
      if (!connection) return { outcome: "not_connected" };
      const result = await aftership.createTracking(openSecret(connection.sealedApiKey), { trackingNumber: tracking.trackingNumber, slug: afterShipSlugOf(tracking.carrier) });
      return settleRegistration(shop, "aftership", result);
    },

    /** POST /v1/tracking/start, retried and parked like the others; a carrier ShipEngine has no code for is refused with words saying so. */
    async registerShipEngineTracking(shop: string, tracking: { trackingNumber: string; carrier: string }): Promise<RegistrationOutcome> {
      const connection = await connections.forShop(shop, "shipengine");
      if (!connection) return { outcome: "not_connected" };
      const carrierCode = shipEngineCarrierOf(tracking.carrier);
      if (!carrierCode) return { outcome: "refused", message: `ShipEngine needs a carrier code, and Shipwatch has none for "${tracking.carrier}"` };
      const result = await shipengine.startTracking(openSecret(connection.sealedApiKey), { carrierCode, trackingNumber: tracking.trackingNumber });
      return settleRegistration(shop, "shipengine", result);
    },

    /** POST /v2/trackers. A 429/5xx is retried with backoff; EasyPost refusing the key marks the connection failing. */
    async registerTracker(shop: string, tracker: { trackingNumber: string; carrier: string }): Promise<RegistrationOutcome> {
      const connection = await connections.forShop(shop, "easypost");
      if (!connection) return { outcome: "not_connected" };
      const result = await easypost.createTracker(openSecret(connection.sealedApiKey), { trackingCode: tracker.trackingNumber, carrier: easyPostCarrierOf(tracker.carrier) });
      return settleRegistration(shop, "easypost", result);
    },
  };
}

function eventIdOf(body: string, field: "id" | "event_id"): string | null {
  try {
    const id = (JSON.parse(body) as Record<string, unknown> | null)?.[field];
    return typeof id === "string" && /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

function issuesOf(error: { issues: { path: (string | number)[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
    .join("; ");
}

export type { FeedConnectionRecord };
