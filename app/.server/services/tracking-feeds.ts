import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "~/domain/clock";
import { easyPostCarrierOf, easyPostCode, easyPostLocation, easyPostScanKey, FEED_ONLY_CARRIERS } from "~/domain/easypost";
import { verifyEasyPost } from "../feeds/easypost-signature";
import type { DeliveryStore, EasyPostClient, FeedConnectionRecord, FeedConnectionRepository, JobRequest, SecretBox, ShipmentRepository } from "../ports";
import { EasyPostEvent, EasyPostTracker, TRACKER_EVENTS } from "./easypost-payloads";
import type { FeedScan, ShipmentTracking } from "./shipment-tracking";

export type TrackingFeeds = ReturnType<typeof createTrackingFeeds>;

/** The topic feed events are stored under, beside Shopify's webhook deliveries (same durability, parking and replay). */
export const EASYPOST_FEED_TOPIC = "feeds/easypost";
export const REGISTER_TRACKER_JOB = "register-easypost-tracker";

export type ConnectOutcome =
  | { ok: true; id: string; webhookUrl: string }
  /** EasyPost refused the key: its words, nothing connected or replaced */
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
  secrets: SecretBox;
  /** the delivery store: an event and its processing job are committed together */
  store: DeliveryStore;
  shipments: Pick<ShipmentRepository, "getShipmentByKey" | "listShipmentsOfFulfillment">;
  tracking: Pick<ShipmentTracking, "applyFeedScans">;
  enqueue: (job: JobRequest) => Promise<void>;
  /** the app's public URL (SHOPIFY_APP_URL): the webhook URL the merchant pastes into EasyPost */
  appUrl: string;
  clock: Clock;
  onStored?: () => void;
}) {
  const { connections, easypost, secrets, clock } = deps;
  const webhookUrlOf = (id: string) => `${deps.appUrl}/feeds/easypost/${id}`;
  const openSecret = (sealed: string) => {
    const value = secrets.open(sealed);
    if (typeof value !== "string") throw new Error("a feed credential is not a string");
    return value;
  };

  return {
    /** PUT /api/v1/feeds/easypost: checks the key with EasyPost first; only a key EasyPost accepts is stored. */
    async connect(shop: string, input: { apiKey: string; webhookSecret: string; carriers?: string[] }): Promise<ConnectOutcome> {
      const check = await easypost.checkKey(input.apiKey);
      if (!check.ok) return { ok: false, error: check.retryable ? "provider_unavailable" : "provider_rejected", message: check.message };
      const existing = await connections.forShop(shop, "easypost");
      const saved = await connections.save(
        shop,
        {
          id: existing?.id ?? randomBytes(16).toString("base64url"),
          provider: "easypost",
          sealedApiKey: secrets.seal(input.apiKey),
          sealedWebhookSecret: secrets.seal(input.webhookSecret),
          carriers: input.carriers ?? existing?.carriers ?? "default",
        },
        clock.now(),
      );
      return { ok: true, id: saved.id, webhookUrl: webhookUrlOf(saved.id) };
    },

    /** The shop's connection as the admin may show it: never its credentials. */
    async connection(shop: string) {
      const c = await connections.forShop(shop, "easypost");
      if (!c) return null;
      const { sealedApiKey: _key, sealedWebhookSecret: _secret, ...shown } = c;
      return { ...shown, webhookUrl: webhookUrlOf(c.id) };
    },

    /**
     * POST /feeds/easypost/<id>: the signature is checked with that connection's own secret, so a body signed for
     * another connection (another shop) is refused; a signed body is stored with its job before the answer.
     */
    async receive(connectionId: string, rawBody: Buffer, signature: string | null): Promise<FeedReceipt> {
      const connection = await connections.get(connectionId);
      if (!connection || connection.provider !== "easypost") return { outcome: "not_found" };
      if (!verifyEasyPost(rawBody, signature, openSecret(connection.sealedWebhookSecret))) return { outcome: "unauthorized" };
      const body = rawBody.toString("utf8");
      const eventId = eventIdOf(body);
      const result = await deps.store.storeNew({
        shop: connection.shop,
        topic: EASYPOST_FEED_TOPIC,
        // EasyPost retries an event with its id: a retry is a duplicate, answered 200 and not stored twice
        webhookId: `easypost:${connection.id}:${eventId ?? `sha256:${createHash("sha256").update(rawBody).digest("hex")}`}`,
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

    /** A new fulfillment: a tracker for each parcel on a carrier the shop chose, registered by a queued job. */
    async fulfillmentCreated(shop: string, fulfillmentId: string) {
      const connection = await connections.forShop(shop, "easypost");
      if (!connection) return;
      const chosen = new Set(connection.carriers === "default" ? FEED_ONLY_CARRIERS : connection.carriers);
      for (const s of await deps.shipments.listShipmentsOfFulfillment(shop, fulfillmentId)) {
        if (!s.trackingNumber || s.supersededAt !== null || !chosen.has(s.carrierCode)) continue;
        await deps.enqueue({ name: REGISTER_TRACKER_JOB, shop, payload: { trackingNumber: s.trackingNumber, carrier: s.carrierCode } });
      }
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

function eventIdOf(body: string): string | null {
  try {
    const id = (JSON.parse(body) as { id?: unknown } | null)?.id;
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
