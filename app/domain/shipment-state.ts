import {
  CARRIER_SCAN_STATUSES,
  type ShipmentStatus,
  type StatusReason,
} from "./status";

/** One carrier event as the state machine sees it. Times are epoch ms. */
export interface TimelineEvent {
  eventKey: string;
  status: ShipmentStatus;
  reason: StatusReason | null;
  happenedAt: number;
  estimatedDeliveryAt: number | null;
  deleted: boolean;
}

export interface FulfillmentSnapshot {
  /** Shopify fulfillment status: pending, open, success, cancelled, error, failure */
  status: string;
  /** the fulfillment's own shipment_status, already normalized; used only while no carrier event exists */
  shipmentStatus: { status: ShipmentStatus; reason: StatusReason | null } | null;
  createdAt: number;
  updatedAt: number;
}

export interface ShipmentState {
  status: ShipmentStatus;
  reason: StatusReason | null;
  statusChangedAt: number | null;
  lastEventAt: number | null;
  firstCarrierScanAt: number | null;
  lastCarrierScanAt: number | null;
  estimatedDeliveryAt: number | null;
  deliveredAt: number | null;
  deliveryAttempts: number;
  eventCount: number;
  cancelled: boolean;
  /** the status each event followed, in happened-at order (the event contract's "previous state") */
  previousStatusByEvent: Map<string, ShipmentStatus | null>;
}

/**
 * Ties on happened-at are common (carriers batch scans to the minute), so the order must still be total:
 * the later stage of the journey wins, then the event key. With a total order, duplicates and any
 * arrival order give the same state.
 */
const STAGE: Record<ShipmentStatus, number> = {
  unknown: 0,
  label_created: 1,
  picked_up: 2,
  in_transit: 3,
  delayed: 4,
  out_for_delivery: 5,
  available_for_pickup: 6,
  attempted_delivery: 7,
  exception: 8,
  returning_to_sender: 9,
  delivered: 10,
  returned_to_sender: 11,
};

export function compareEvents(a: TimelineEvent, b: TimelineEvent): number {
  return (
    a.happenedAt - b.happenedAt ||
    STAGE[a.status] - STAGE[b.status] ||
    (a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0)
  );
}

/** Events oldest first, without deleted ones and without repeats of the same key. */
export function orderedTimeline(events: readonly TimelineEvent[]): TimelineEvent[] {
  const byKey = new Map<string, TimelineEvent>();
  for (const e of events) {
    const seen = byKey.get(e.eventKey);
    // a tombstone wins over any copy of the same event, whichever arrived first
    if (!seen || e.deleted) byKey.set(e.eventKey, e);
  }
  return [...byKey.values()].filter((e) => !e.deleted).sort(compareEvents);
}

export function deriveShipmentState(fulfillment: FulfillmentSnapshot | null, events: readonly TimelineEvent[]): ShipmentState {
  const timeline = orderedTimeline(events);
  const previousStatusByEvent = new Map<string, ShipmentStatus | null>();
  let firstCarrierScanAt: number | null = null;
  let lastCarrierScanAt: number | null = null;
  let estimatedDeliveryAt: number | null = null;
  let deliveryAttempts = 0;
  let previous: ShipmentStatus | null = null;
  for (const e of timeline) {
    previousStatusByEvent.set(e.eventKey, previous);
    previous = e.status;
    if (CARRIER_SCAN_STATUSES.has(e.status)) {
      firstCarrierScanAt ??= e.happenedAt;
      lastCarrierScanAt = e.happenedAt;
    }
    if (e.estimatedDeliveryAt !== null) estimatedDeliveryAt = e.estimatedDeliveryAt;
    if (e.status === "attempted_delivery") deliveryAttempts += 1;
  }
  const cancelled = fulfillment?.status === "cancelled";
  const latest = timeline.at(-1);
  if (!latest) {
    // No carrier event yet: the fulfillment's own shipment status, else a label that nobody has scanned.
    const fallback = fulfillment?.shipmentStatus ?? { status: "label_created" as const, reason: null };
    return {
      status: fallback.status,
      reason: fallback.reason,
      statusChangedAt: fulfillment ? fulfillment.updatedAt : null,
      lastEventAt: null,
      firstCarrierScanAt: null,
      lastCarrierScanAt: null,
      estimatedDeliveryAt: null,
      deliveredAt: null,
      deliveryAttempts: 0,
      eventCount: 0,
      cancelled,
      previousStatusByEvent,
    };
  }
  // The current status began with the earliest event of the final run of that status.
  let statusChangedAt = latest.happenedAt;
  for (let i = timeline.length - 1; i >= 0 && timeline[i]!.status === latest.status; i--) {
    statusChangedAt = timeline[i]!.happenedAt;
  }
  return {
    status: latest.status,
    reason: latest.reason,
    statusChangedAt,
    lastEventAt: latest.happenedAt,
    firstCarrierScanAt,
    lastCarrierScanAt,
    estimatedDeliveryAt: latest.status === "delivered" ? null : estimatedDeliveryAt,
    deliveredAt: latest.status === "delivered" ? latest.happenedAt : null,
    deliveryAttempts,
    eventCount: timeline.length,
    cancelled,
    previousStatusByEvent,
  };
}

/** "1001", "#1001", " #1001 " all name order #1001. */
export function normalizeOrderName(input: string): string {
  const trimmed = input.trim();
  return trimmed.startsWith("#") ? trimmed : `#${trimmed}`;
}

/** The order a fulfillment belongs to, read from its name ("#1001.2" -> "#1001"). */
export function orderNameFromFulfillmentName(name: string | null | undefined): string | null {
  if (!name) return null;
  const match = /^(.*)\.\d+$/.exec(name.trim());
  return match ? match[1]! : name.trim();
}

/** Shipments are keyed by tracking number, upper-cased without spaces; a fulfillment without one is still tracked. */
export function shipmentKeyFor(trackingNumber: string | null, fulfillmentId: string): string {
  const cleaned = trackingNumber?.replace(/\s+/g, "").toUpperCase();
  return cleaned ? cleaned : `fulfillment:${fulfillmentId}`;
}
