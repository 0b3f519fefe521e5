import type { EstimatedDelivery } from "~/domain/estimate";
import type { Destination, OrderSnapshot } from "~/domain/order";
import type { TracesMatcher } from "~/domain/redaction";
import type { ShipmentStatus, StatusReason } from "~/domain/status";

/** Ports — Shipments, their orders, shops and the admin's read models. Adapters implement them; every call takes the shop. */

export interface FulfillmentRecord {
  fulfillmentId: string;
  orderId: string;
  name: string | null;
  status: string;
  shipmentStatus: string | null;
  service: string | null;
  trackingCompany: string | null;
  trackingNumbers: string[];
  trackingUrls: string[];
  destinationCountry: string | null;
  destinationProvince: string | null;
  /** the region it ships from (Shopify's origin_address), when Shopify said */
  originCountry: string | null;
  originProvince: string | null;
  destination: unknown;
  /** what is in this parcel (Shopify's fulfillment line_items, cleaned and capped) */
  items: ParcelItem[];
  createdAt: number;
  updatedAt: number;
}

/** One line of a parcel as the shopper reads it: no price, no SKU, nothing personal. */
export interface ParcelItem {
  title: string;
  quantity: number;
}

/**
 * The delivery estimate shoppers were last shown, and the one shown before it changed: the story says
 * "now expected 9 December, was 7 December" from these.
 */
export interface ShownEstimate {
  current: EstimatedDelivery;
  was: EstimatedDelivery | null;
}

export interface EventRecord {
  eventKey: string;
  fulfillmentId: string;
  orderId: string | null;
  source: string;
  rawStatus: string | null;
  rawMessage: string | null;
  status: ShipmentStatus;
  reason: StatusReason | null;
  previousStatus: ShipmentStatus | null;
  happenedAt: number;
  estimatedDeliveryAt: number | null;
  location: string | null;
  receivedAt: number;
  deletedAt: number | null;
}

export interface ShipmentRecord {
  id: number;
  shop: string;
  shipmentKey: string;
  fulfillmentId: string;
  orderId: string;
  orderName: string;
  trackingNumber: string | null;
  carrierCode: string;
  carrierName: string;
  carrierSource: string;
  trackingUrl: string | null;
  service: string | null;
  status: ShipmentStatus;
  reason: StatusReason | null;
  statusChangedAt: number | null;
  lastEventAt: number | null;
  lastCarrierScanAt: number | null;
  firstCarrierScanAt: number | null;
  estimatedDeliveryAt: number | null;
  deliveredAt: number | null;
  deliveryAttempts: number;
  eventCount: number;
  destinationCountry: string | null;
  destinationProvince: string | null;
  /** the region it ships from (its fulfillment's origin_address), when Shopify said */
  originCountry: string | null;
  originProvince: string | null;
  shippedAt: number;
  promisedBy: number | null;
  nextCheckAt: number | null;
  lookupCount: number;
  lastLookedUpAt: number | null;
  /** the estimate shoppers were last shown (written by the shipment views when it changes) */
  shownEstimate: ShownEstimate | null;
  cancelledAt: number | null;
  supersededAt: number | null;
  createdAt: number;
  updatedAt: number;
  /** the first estimate the shipment was given, kept once set (on time and estimate accuracy are judged by it) */
  firstEstimate: EstimatedDelivery | null;
  /** the first shopper lookup or WISMO ticket about it, and when its first case opened ("case before ask") */
  firstAskedAt: number | null;
  firstCaseAt: number | null;
  /** its latest storefront lookups (epoch ms, oldest first, at most 10) */
  recentLookups: number[];
  /** which of its facts the scorecard's roll-ups (and the transit model) have counted: bits, see ports/scorecard */
  rolledUp: number;
  /** when it was last handed to another carrier (a leg added): silence waits a little after it (domain/hand-offs.ts) */
  handedOffAt?: number | null;
}

/** A later leg of a parcel: the next carrier and its number after a hand-off (docs: ShipmentLeg in schema.prisma). */
export interface ShipmentLegRecord {
  shipmentId: number;
  /** 1 for the first hand-off, 2 for the next… */
  position: number;
  carrierCode: string;
  carrierName: string;
  trackingNumber: string;
  /** the source that reported the hand-off */
  source: string;
  addedAt: number;
}

export interface ShipmentLegRepository {
  /**
   * Adds the leg after the shipment's others unless the shop already has that number as a leg (the same hand-off
   * twice adds one), and marks the shipment handed off and due for evaluation. Returns the leg when it was added.
   */
  add(shop: string, leg: Omit<ShipmentLegRecord, "position">): Promise<ShipmentLegRecord | null>;
  /** the legs of several shipments, by shipment then position */
  listOf(shop: string, shipmentIds: readonly number[]): Promise<ShipmentLegRecord[]>;
}

/** What recomputing from Shopify's data writes; evaluation and lookups own the other columns. */
export type ShipmentWrite = Omit<ShipmentRecord, "id" | "shop" | "createdAt" | "promisedBy" | "nextCheckAt" | "lookupCount" | "lastLookedUpAt" | "shownEstimate" | "firstEstimate" | "firstAskedAt" | "firstCaseAt" | "recentLookups" | "rolledUp" | "handedOffAt"
>;

export interface ShipmentRepository {
  getFulfillment(shop: string, fulfillmentId: string): Promise<FulfillmentRecord | null>;
  /** keeps the newest snapshot by updated_at; returns whether this one was stored */
  saveFulfillmentIfNewer(shop: string, fulfillment: FulfillmentRecord): Promise<boolean>;
  /** inserts an event unless its key is known (a tombstone included); returns whether it was inserted */
  insertEvent(shop: string, event: EventRecord): Promise<boolean>;
  /** marks an event deleted, leaving a tombstone (with the event's data) even if the event has not arrived yet */
  tombstoneEvent(shop: string, event: EventRecord & { deletedAt: number }): Promise<void>;
  listEvents(shop: string, fulfillmentId: string): Promise<EventRecord[]>;
  setPreviousStatuses(shop: string, changes: { eventKey: string; previousStatus: ShipmentStatus | null }[]): Promise<void>;
  listShipmentsOfFulfillment(shop: string, fulfillmentId: string): Promise<ShipmentRecord[]>;
  getShipmentByKey(shop: string, shipmentKey: string): Promise<ShipmentRecord | null>;
  /** the shipment with this tracking number: its own, else the one it was handed on to as a later leg */
  getShipmentByTracking(shop: string, trackingNumber: string): Promise<ShipmentRecord | null>;
  /** returns the shipment's id; a written shipment is due for evaluation at once */
  upsertShipment(shop: string, shipmentKey: string, write: ShipmentWrite, at: number): Promise<number>;
  /** due for evaluation now (its order changed) */
  markDue(shop: string, ids: readonly number[], at: number): Promise<void>;
  markSuperseded(shop: string, shipmentKeys: string[], at: number): Promise<void>;
  renameOrder(shop: string, orderId: string, orderName: string): Promise<void>;
  cancelShipmentsOfOrder(shop: string, orderId: string, at: number): Promise<void>;
  listShipmentsOfOrder(shop: string, orderId: string): Promise<ShipmentRecord[]>;
  countUnmapped(shop: string, source: string, code: string, example: string | null, at: number): Promise<void>;
  getShipment(shop: string, id: number): Promise<ShipmentRecord | null>;
  getShipments(shop: string, ids: readonly number[]): Promise<ShipmentRecord[]>;
  setEvaluation(shop: string, id: number, evaluation: { nextCheckAt: number | null; promisedBy: number | null }): Promise<void>;
  /** shipments whose next check is due, across shops, oldest first (the silence sweep) */
  dueForCheck(now: number, limit: number): Promise<{ shop: string; id: number }[]>;
  /** adds storefront lookups to shipments' counts (a number and the latest time, nothing about who asked) */
  recordLookups(shop: string, lookups: { id: number; count: number; lastAt: number }[]): Promise<void>;
  /** the events of several fulfillments in one read, newest first (as listEvents) */
  listEventsOfFulfillments(shop: string, fulfillmentIds: string[]): Promise<EventRecord[]>;
  /** several fulfillments in one read (their items and destinations for the shipment views) */
  getFulfillments(shop: string, fulfillmentIds: readonly string[]): Promise<FulfillmentRecord[]>;
  /** records the estimates shoppers were shown, for the shipments whose estimate changed */
  rememberShownEstimates(shop: string, shown: readonly { id: number; shown: ShownEstimate }[]): Promise<void>;
}

export interface StoredOrder extends OrderSnapshot {
  redactedAt: number | null;
}

export interface OrderRepository {
  /** keeps the newest snapshot by updated_at; returns whether this one was stored */
  saveIfNewer(shop: string, order: OrderSnapshot): Promise<boolean>;
  findByName(shop: string, name: string): Promise<StoredOrder | null>;
  findById(shop: string, orderId: string): Promise<StoredOrder | null>;
  /** the two fields a shipment takes from its order, read without the rest (every recompute asks) */
  headerOf(shop: string, orderId: string): Promise<{ name: string; cancelledAt: number | null } | null>;
  findByIds(shop: string, orderIds: readonly string[]): Promise<StoredOrder[]>;
  findForCustomer(shop: string, customer: { id: string | null; email: string | null; phone?: string | null }, orderIds: string[]): Promise<StoredOrder[]>;
  /** clears the orders' personal fields and their fulfillments' addresses down to the region (customers/redact) */
  redact(shop: string, orderIds: string[], at: number): Promise<number>;
}

/** What customers/redact reaches beyond the order rows: its tombstone, data-request copies, every text column. */
export interface RedactionStore {
  /** keeps these keyed hashes for the shop (a known one once) */
  rememberKeys(shop: string, keyHashes: readonly string[], at: number): Promise<void>;
  /** whether the shop keeps any (most never redacted anyone: the common answer, asked first and cheaply) */
  hasKeys(shop: string): Promise<boolean>;
  /** those of these keyed hashes the shop keeps */
  knownKeys(shop: string, keyHashes: readonly string[]): Promise<Set<string>>;
  /** the fulfillments of these orders, with their delivery addresses */
  fulfillmentsOf(shop: string, orderIds: readonly string[]): Promise<{ fulfillmentId: string; destination: Destination | null }[]>;
  /** deletes the copies made for the customer's data requests; returns how many */
  forgetDataRequests(shop: string, customer: { id: string | null; emails: readonly string[] }): Promise<number>;
  /**
   * masks the customer's traces in every text column of every table of the shop, found from the database's own
   * schema (a column added later is reached too); stored webhook bodies are the delivery repository's. Returns
   * how many values changed.
   */
  maskEverywhere(shop: string, customer: TracesMatcher): Promise<number>;
}

export interface ShopRepository {
  ensureInstalled(shop: string, at: number): Promise<void>;
  isInstalled(shop: string): Promise<boolean>;
  markUninstalled(shop: string, at: number): Promise<void>;
  carriers(shop: string): Promise<string[]>;
  /** deletes every row the shop owns, in every table (shop/redact) */
  purge(shop: string): Promise<Record<string, number>>;
  deleteSessions(shop: string): Promise<number>;
  recordDataRequest(shop: string, request: { requestId: string | null; customerId: string | null; email: string | null; export: unknown }, at: number): Promise<void>;
}

export interface ShipmentListQuery {
  status?: ShipmentStatus | null;
  carrier?: string | null;
  search?: string | null;
  page?: number;
  pageSize?: number;
}

export interface ShipmentListPage {
  shipments: ShipmentRecord[];
  page: number;
  pageSize: number;
  total: number;
  statusCounts: Partial<Record<ShipmentStatus, number>>;
  carriers: { code: string; name: string }[];
}

/** Read models for the admin pages. Every query is scoped to the signed-in shop. */
export interface AdminReadModel {
  listShipments(shop: string, query: ShipmentListQuery): Promise<ShipmentListPage>;
  /** `legs`: the carriers it was handed on to after its own (multi-leg parcels), in order */
  shipmentDetail(shop: string, id: number): Promise<{ shipment: ShipmentRecord; events: EventRecord[]; siblings: ShipmentRecord[]; legs: ShipmentLegRecord[] } | null>;
}
