import type { TracesMatcher } from "~/domain/redaction";

/** Ports — Where webhook deliveries are stored and worked off. Adapters implement them; every call takes the shop. */

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
  /** parks the delivery; `scrubBody` replaces its stored body (it names a redacted customer) */
  markFailed(id: number, error: string, options?: { scrubBody?: boolean }): Promise<void>;
  listFailed(shop: string, limit: number): Promise<(StoredDelivery & { error: string | null })[]>;
  /** marks failed deliveries received again; returns their ids for re-enqueueing */
  reopenFailed(shop: string, ids?: number[]): Promise<number[]>;
  /**
   * customers/redact: replaces the stored bodies of settled deliveries (processed, ignored, parked) that are about
   * these orders or mention the customer; masks the customer in bodies still waiting to be processed
   */
  scrubBodies(shop: string, orderIds: string[], customer: TracesMatcher): Promise<number>;
  /** deliveries still waiting to be processed that arrived before `at`, by id, after `afterId` (paging) */
  receivedBefore(at: number, limit: number, afterId?: number): Promise<StoredDelivery[]>;
  /** when the shop's oldest delivery still waiting to be processed arrived, among those received since `since`; null: none waits */
  oldestWaiting(shop: string, since: number): Promise<number | null>;
}
