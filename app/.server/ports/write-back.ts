/** Ports — writing feed scans back to Shopify as fulfillment events (opt-in per shop). */
import type { FulfillmentEventInput } from "~/domain/write-back";
import type { AdminResult } from "./shopify-admin";

export type ScanWriteBackStatus = "pending" | "written" | "skipped" | "failed";

export interface ScanWriteBackSummary {
  enabled: boolean;
  written: number;
  skipped: number;
  failed: number;
  lastWrittenAt: number | null;
  lastError: string | null;
}

export interface ScanWriteBackStore {
  enabled(shop: string): Promise<boolean>;
  setEnabled(shop: string, enabled: boolean, at: number): Promise<void>;
  /**
   * Claims one scan for writing: true the first time, and again while an earlier attempt is pending or failed
   * (a retry); false once it was written or skipped, so nothing reaches Shopify twice.
   */
  claim(shop: string, scan: { eventKey: string; fulfillmentId: string }, at: number): Promise<boolean>;
  finish(shop: string, eventKey: string, result: { status: Exclude<ScanWriteBackStatus, "pending">; shopifyEventId?: string | null; error?: string | null }, at: number): Promise<void>;
  /** the event keys of a fulfillment's scans already written to Shopify */
  writtenFor(shop: string, fulfillmentId: string): Promise<Set<string>>;
  summary(shop: string, since: number): Promise<ScanWriteBackSummary>;
}

/** Admin GraphQL `fulfillmentEventCreate`; Shopify's userErrors come back as a refusal in its words. */
export interface FulfillmentEventWriter {
  createFulfillmentEvent(shop: string, accessToken: string, input: FulfillmentEventInput): Promise<AdminResult<{ id: string }>>;
}
