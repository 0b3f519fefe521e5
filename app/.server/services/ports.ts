import type { OrderSnapshot } from "~/domain/order";
import type { ShipmentStatus, StatusReason } from "~/domain/status";

/** Ports: what the services need from storage. Adapters in ../adapters implement them; every call takes the shop. */

export interface NewDelivery {
  shop: string;
  topic: string;
  webhookId: string;
  eventId: string | null;
  triggeredAt: number | null;
  apiVersion: string | null;
  body: string;
  receivedAt: number;
}

export interface DeliveryStore {
  /** Stores the delivery and its processing job together; a known webhook id stores nothing. */
  storeNew(delivery: NewDelivery): Promise<{ stored: true; id: number } | { stored: false }>;
}

export interface StoredDelivery {
  id: number;
  shop: string;
  topic: string;
  webhookId: string;
  body: string;
  status: string;
  receivedAt: number;
  triggeredAt: number | null;
}

export interface DeliveryRepository {
  get(id: number): Promise<StoredDelivery | null>;
  markProcessed(
    id: number,
    outcome: { status: "processed" | "ignored"; orderId?: string | null; note?: string; scrubBody?: boolean },
    at: number,
  ): Promise<void>;
  markFailed(id: number, error: string): Promise<void>;
  listFailed(shop: string, limit: number): Promise<(StoredDelivery & { error: string | null })[]>;
  /** marks failed deliveries received again; returns their ids for re-enqueueing */
  reopenFailed(shop: string, ids?: number[]): Promise<number[]>;
  /** replaces stored raw bodies that mention these orders (customers/redact) */
  scrubBodies(shop: string, orderIds: string[], customerEmail: string | null): Promise<number>;
  receivedBefore(at: number, limit: number): Promise<StoredDelivery[]>;
}

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
  destination: unknown;
  createdAt: number;
  updatedAt: number;
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
  shippedAt: number;
  cancelledAt: number | null;
  supersededAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type ShipmentWrite = Omit<ShipmentRecord, "id" | "shop" | "createdAt">;

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
  upsertShipment(shop: string, shipmentKey: string, write: ShipmentWrite, at: number): Promise<void>;
  markSuperseded(shop: string, shipmentKeys: string[], at: number): Promise<void>;
  renameOrder(shop: string, orderId: string, orderName: string): Promise<void>;
  cancelShipmentsOfOrder(shop: string, orderId: string, at: number): Promise<void>;
  listShipmentsOfOrder(shop: string, orderId: string): Promise<ShipmentRecord[]>;
  countUnmapped(shop: string, source: string, code: string, example: string | null, at: number): Promise<void>;
}

export interface StoredOrder extends OrderSnapshot {
  redactedAt: number | null;
}

export interface OrderRepository {
  /** keeps the newest snapshot by updated_at; returns whether this one was stored */
  saveIfNewer(shop: string, order: OrderSnapshot): Promise<boolean>;
  findByName(shop: string, name: string): Promise<StoredOrder | null>;
  findById(shop: string, orderId: string): Promise<StoredOrder | null>;
  findForCustomer(shop: string, customer: { id: string | null; email: string | null }, orderIds: string[]): Promise<StoredOrder[]>;
  redact(shop: string, orderIds: string[], at: number): Promise<number>;
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
  shipmentDetail(shop: string, id: number): Promise<{ shipment: ShipmentRecord; events: EventRecord[]; siblings: ShipmentRecord[] } | null>;
}
