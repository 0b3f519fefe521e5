import type { ShipmentStatus, StatusReason } from "~/domain/status";

/** Ports — A merchant's own readings of carrier codes and the codes nobody mapped. Adapters implement them; every call takes the shop. */

/** A merchant's own reading of a raw carrier code, which wins over the default table. */
export interface StatusOverrideRecord {
  source: string;
  /** the raw code as the normalizer keys it (trimmed, lower-case) */
  code: string;
  status: ShipmentStatus;
  /** null: read the reason from the carrier's message, as for a default code */
  reason: StatusReason | null;
  updatedAt: number;
}

export interface UnmappedCodeRecord {
  source: string;
  code: string;
  count: number;
  exampleMessage: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** A stored event as re-normalization reads it. */
export interface StoredEventReading {
  eventKey: string;
  fulfillmentId: string;
  rawStatus: string | null;
  rawMessage: string | null;
  status: ShipmentStatus;
  reason: StatusReason | null;
}

export interface StatusMappingRepository {
  listOverrides(shop: string): Promise<StatusOverrideRecord[]>;
  saveOverride(shop: string, override: Omit<StatusOverrideRecord, "updatedAt">, at: number): Promise<void>;
  removeOverride(shop: string, source: string, code: string): Promise<boolean>;
  listUnmapped(shop: string): Promise<UnmappedCodeRecord[]>;
  /** up to `limit` distinct carrier messages stored with the code, newest first */
  examplesOf(shop: string, source: string, code: string, limit: number): Promise<string[]>;
  /** the shop's events of a source whose raw code (trimmed, lower-case) is one of `codes` */
  eventsWithCodes(shop: string, source: string, codes: string[]): Promise<StoredEventReading[]>;
  setEventReadings(shop: string, changes: { eventKey: string; status: ShipmentStatus; reason: StatusReason | null }[]): Promise<void>;
  /** fulfillments whose shipment_status (trimmed, lower-case) is one of `codes` */
  fulfillmentsWithShipmentStatus(shop: string, codes: string[]): Promise<string[]>;
}
