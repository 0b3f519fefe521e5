import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "~/domain/clock";
import { afterShipCode, afterShipLocation, afterShipScanKey, afterShipSlugOf } from "~/domain/aftership";
import { easyPostCarrierOf, easyPostCode, easyPostLocation, easyPostScanKey, FEED_ONLY_CARRIERS } from "~/domain/easypost";
import { verifyAfterShip } from "../feeds/aftership-signature";
import { verifyEasyPost } from "../feeds/easypost-signature";
import type { AfterShipClient, DeliveryStore, EasyPostClient, FeedConnectionRecord, FeedConnectionRepository, FeedProvider, JobRequest, ProviderOutcome, SecretBox, ShipmentRepository } from "../ports";
import { AfterShipTracking, AfterShipWebhook, TRACKING_EVENTS } from "./aftership-payloads";
import { EasyPostEvent, EasyPostTracker, TRACKER_EVENTS } from "./easypost-payloads";
import type { FeedScan, ShipmentTracking } from "./shipment-tracking";

export type TrackingFeeds = ReturnType<typeof createTrackingFeeds>;

/** The topic feed events are stored under, beside Shopify's webhook deliveries (same durability, parking and replay). */
export const EASYPOST_FEED_TOPIC = "feeds/easypost";
export const REGISTER_TRACKER_JOB = "register-easypost-tracker";
export const AFTERSHIP_FEED_TOPIC = "feeds/aftership";
export const REGISTER_AFTERSHIP_TRACKING_JOB = "register-aftership-tracking";

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
  secrets: SecretBox;
  /** the delivery store: an event and its processing job are committed together */
  store: DeliveryStore;
  shipments: Pick<ShipmentRepository, "getShipmentByKey" | "listShipmentsOfFulfillment">;
  tracking: Pick<ShipmentTracking, "applyFeedScans">;
  enqueue: (job: JobRequest) => Promise<void>;
  /** the app's public URL (SHOPIFY_APP_URL): the webhook URL the merchant pastes into EasyPost or AfterShip */
  appUrl: string;
  clock: Clock;
  onStored?: () => void;
}) {
  const { connections, easypost, aftership, secrets, clock } = deps;
  const webhookUrlOf = (provider: FeedProvider, id: string) => `${deps.appUrl}/feeds/${provider}/${id}`;
  const checkKey = (provider: FeedProvider, apiKey: string): Promise<ProviderOutcome<null>> =>
    provider === "easypost" ? easypost.checkKey(apiKey) : aftership.checkKey(apiKey);
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
    async connect(shop: string, input: { apiKey: string; webhookSecret: string; carriers?: string[] }, provider: FeedProvider = "easypost"): Promise<ConnectOutcome> {
      const check = await checkKey(provider, input.apiKey);
      if (!check.ok) return { ok: false, error: check.retryable ? "provider_unavailable" : "provider_rejected", message: check.message };
      const existing = await connections.forShop(shop, provider);
      const saved = await connections.save(
        shop,
        {
          id: existing?.id ?? randomBytes(16).toString("base64url"),
          provider,
          sealedApiKey: secrets.seal(input.apiKey),
          sealedWebhookSecret: secrets.seal(input.webhookSecret),
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
      const label = provider === "easypost" ? "EasyPost" : "AfterShip";
      if (!existing) {
        const fieldErrors: Record<string, string> = {};
        if (!input.apiKey) fieldErrors.apiKey = `Enter your ${label} API key`;
        if (!input.webhookSecret) fieldErrors.webhookSecret = `Enter your ${label} webhook secret`;
        if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
      }
      if (existing && !input.apiKey && !input.webhookSecret) {
        await connections.setCarriers(shop, provider, input.carriers, clock.now());
        return { ok: true };
      }
      const apiKey = input.apiKey || openSecret(existing!.sealedApiKey);
      const check = await checkKey(provider, apiKey);
      // the provider's words: under the key the merchant typed, or over the form when it was the saved key
      if (!check.ok) return { ok: false, fieldErrors: input.apiKey ? { apiKey: check.message } : { form: check.message } };
      await connections.save(
        shop,
        {
          id: existing?.id ?? randomBytes(16).toString("base64url"),
          provider,
          sealedApiKey: input.apiKey ? secrets.seal(input.apiKey) : existing!.sealedApiKey,
          sealedWebhookSecret: input.webhookSecret ? secrets.seal(input.webhookSecret) : existing!.sealedWebhookSecret,
          carriers: input.carriers,
        },
        clock.now(),
      );
      return { ok: true };
    },

    async disconnect(shop: string, provider: FeedProvider): Promise<boolean> {
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
    async receive(connectionId: string, rawBody: Buffer, signature: string | null, provider: FeedProvider = "easypost"): Promise<FeedReceipt> {
      const connection = await connections.get(connectionId);
      if (!connection || connection.provider !== provider) return { outcome: "not_found" };
      const verify = provider === "easypost" ? verifyEasyPost : verifyAfterShip;
      if (!verify(rawBody, signature, openSecret(connection.sealedWebhookSecret))) return { outcome: "unauthorized" };
      const body = rawBody.toString("utf8");
      const eventId = eventIdOf(body, provider === "easypost" ? "id" : "event_id");
      const result = await deps.store.storeNew({
        shop: connection.shop,
        topic: provider === "easypost" ? EASYPOST_FEED_TOPIC : AFTERSHIP_FEED_TOPIC,
        // the provider retries an event with its id: a retry is a duplicate, answered 200 and not stored twice
        webhookId: `${provider}:${connection.id}:${eventId ?? `sha256:${createHash("sha256").update(rawBody).digest("hex")}`}`,
        eventId,
        triggeredAt: null,
        apiVersion: null,
        body,
        receivedAt: clock.now(),
      });
      if (!result.stored) return { outcome: "duplicate" };
      deps.onStored?.();
      return { outcome: "stored" };
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
      const trackingNumber = tracker.data.tracking_code.replace(/\s+/g, "").toUpperCase();
      await connections.recordEvent(shop, "easypost", clock.now());
      const shipment = await deps.shipments.getShipmentByKey(shop, trackingNumber);
      if (!shipment || shipment.supersededAt !== null || shipment.cancelledAt !== null) {
        await connections.recordUnknownTracking(shop, "easypost", trackingNumber);
        return { outcome: "ignored", why: `no live shipment with tracking number ${trackingNumber}` };
      }
      // the tracker's estimate is today's word: it goes with its latest scan, not with the history
      const latest = Math.max(...tracker.data.tracking_details.map((d) => d.datetime));
      const scans: FeedScan[] = tracker.data.tracking_details.map((d) => {
        const code = easyPostCode(d.status, d.status_detail);
        const scan = { code, message: d.message?.trim() || d.description?.trim() || null, happenedAt: d.datetime, location: easyPostLocation(d.tracking_location) };
        const estimatedDeliveryAt = d.datetime === latest ? (tracker.data.est_delivery_date ?? null) : null;
        return { ...scan, eventKey: easyPostScanKey(trackingNumber, scan), source: "easypost", estimatedDeliveryAt };
      });
      const shipmentIds = await lock(shipment.orderId, () => deps.tracking.applyFeedScans(shop, shipment.fulfillmentId, shipment.orderId, scans));
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
      const trackingNumber = tracking.data.tracking_number.replace(/\s+/g, "").toUpperCase();
      await connections.recordEvent(shop, "aftership", clock.now());
      const shipment = await deps.shipments.getShipmentByKey(shop, trackingNumber);
      if (!shipment || shipment.supersededAt !== null || shipment.cancelledAt !== null) {
        await connections.recordUnknownTracking(shop, "aftership", trackingNumber);
        return { outcome: "ignored", why: `no live shipment with tracking number ${trackingNumber}` };
      }
      const scans: FeedScan[] = tracking.data.checkpoints.map((c) => {
        const scan = {
          code: afterShipCode(c.tag, c.subtag),
          message: c.message?.trim() || null,
          happenedAt: c.checkpoint_time,
          location: afterShipLocation({ city: c.city, state: c.state, country_iso3: c.country_region ?? c.country_iso3, location: c.location }),
        };
        return { ...scan, eventKey: afterShipScanKey(trackingNumber, scan), source: "aftership", estimatedDeliveryAt: null };
      });
      const shipmentIds = await lock(shipment.orderId, () => deps.tracking.applyFeedScans(shop, shipment.fulfillmentId, shipment.orderId, scans));
      return { outcome: "processed", orderId: shipment.orderId, shipmentIds };
    },

    /** A new fulfillment: for each connected feed, a tracker for each parcel on a carrier the shop chose, registered by a queued job. */
    async fulfillmentCreated(shop: string, fulfillmentId: string) {
      const feeds = [
        { connection: await connections.forShop(shop, "easypost"), job: REGISTER_TRACKER_JOB },
        { connection: await connections.forShop(shop, "aftership"), job: REGISTER_AFTERSHIP_TRACKING_JOB },
      ].filter((f): f is { connection: FeedConnectionRecord; job: string } => f.connection !== null);
      if (!feeds.length) return;
      const parcels = await deps.shipments.listShipmentsOfFulfillment(shop, fulfillmentId);
      for (const { connection, job } of feeds) {
        const chosen = new Set(connection.carriers === "default" ? FEED_ONLY_CARRIERS : connection.carriers);
        for (const s of parcels) {
          if (!s.trackingNumber || s.supersededAt !== null || !chosen.has(s.carrierCode)) continue;
          await deps.enqueue({ name: job, shop, payload: { trackingNumber: s.trackingNumber, carrier: s.carrierCode } });
        }
      }
    },

    /** POST /tracking/<version>/trackings, as `registerTracker` does for EasyPost: 429/5xx retried, a refused key marks the connection failing. */
    async registerAfterShipTracking(shop: string, tracking: { trackingNumber: string; carrier: string }): Promise<RegistrationOutcome> {
      const connection = await connections.forShop(shop, "aftership");
      if (!connection) return { outcome: "not_connected" };
      const result = await aftership.createTracking(openSecret(connection.sealedApiKey), { trackingNumber: tracking.trackingNumber, slug: afterShipSlugOf(tracking.carrier) });
      if (result.ok) {
        await connections.markConnected(shop, "aftership", clock.now());
        return { outcome: "registered" };
      }
      if (result.retryable) return { outcome: "retry", message: result.message };
      if (result.status === 401 || result.status === 403) await connections.markFailing(shop, "aftership", result.message, clock.now());
      return { outcome: "refused", message: result.message };
    },

    /** POST /v2/trackers. A 429/5xx is retried with backoff; EasyPost refusing the key marks the connection failing. */
    async registerTracker(shop: string, tracker: { trackingNumber: string; carrier: string }): Promise<RegistrationOutcome> {
      const connection = await connections.forShop(shop, "easypost");
      if (!connection) return { outcome: "not_connected" };
      const result = await easypost.createTracker(openSecret(connection.sealedApiKey), { trackingCode: tracker.trackingNumber, carrier: easyPostCarrierOf(tracker.carrier) });
      if (result.ok) {
        await connections.markConnected(shop, "easypost", clock.now());
        return { outcome: "registered" };
      }
      if (result.retryable) return { outcome: "retry", message: result.message };
      if (result.status === 401 || result.status === 403) await connections.markFailing(shop, "easypost", result.message, clock.now());
      return { outcome: "refused", message: result.message };
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
