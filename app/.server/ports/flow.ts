/**
 * Ports — Shopify Flow: the triggers Shipwatch sends a shop's workflows (extensions/flow-*), and the marks that
 * let each one be sent once.
 */

/** The trigger extensions' handles (their shopify.extension.toml), as flowTriggerReceive names them. */
export const FLOW_TRIGGERS = {
  exceptionOpened: "shipwatch-exception-opened",
  exceptionResolved: "shipwatch-exception-resolved",
  delayDetected: "shipwatch-delay-detected",
  delivered: "shipwatch-shipment-delivered",
} as const;
export type FlowTrigger = (typeof FLOW_TRIGGERS)[keyof typeof FLOW_TRIGGERS];

/** Shopify refuses a trigger payload above this size (bytes of its JSON). */
export const FLOW_PAYLOAD_LIMIT_BYTES = 50 * 1024;

/**
 * The bit of Shipment.rolledUp that says Flow was told of the delivery. The scorecard owns bits 0–1 and 4–7 and
 * the transit model bit 2 (ports/scorecard.ts); each writer sets only its own bits, with a compare-and-set.
 */
export const ROLLED_UP_FLOW_DELIVERED = 0x100;

export type FlowSendOutcome =
  | { ok: true; /** Shopify said no workflow of the shop starts with this trigger */ unused: boolean }
  | { ok: false; retryable: boolean; retryAfterMs: number | null; error: string };

/** Sends one trigger to a shop's Flow (the Admin GraphQL mutation flowTriggerReceive, with its offline token). */
export interface FlowTriggers {
  send(shop: string, accessToken: string, trigger: FlowTrigger, payload: Record<string, unknown>): Promise<FlowSendOutcome>;
}

/**
 * Which triggers a shop uses in an enabled workflow, as Flow's lifecycle callbacks tell it
 * (extensions/flow-lifecycle). A shop nobody told us about uses none: Flow calls back before a merchant can
 * enable a workflow that starts with one of our triggers, so nothing is sent that no workflow would run.
 */
export interface FlowTriggerUses {
  /** Flow's word for (shop, trigger) at `changedAt`: false (and nothing changes) when a newer word is recorded */
  record(shop: string, trigger: FlowTrigger, enabled: boolean, changedAt: number, now: number): Promise<boolean>;
  enabled(shop: string): Promise<ReadonlySet<FlowTrigger>>;
}

/**
 * Durable "told once" marks, without a table of their own: a case's trigger is an activity on the case (which
 * also shows support that Flow was told), a delivery a bit of the shipment. A claim is a compare-and-set:
 * true for the one caller that made it.
 */
export interface FlowMarks {
  claimCase(shop: string, caseId: number, trigger: FlowTrigger, at: number, detail: string): Promise<boolean>;
  /** the send failed for good or will be retried: the next attempt claims again */
  releaseCase(shop: string, caseId: number, trigger: FlowTrigger): Promise<void>;
  claimDelivered(shop: string, shipmentId: number): Promise<boolean>;
  releaseDelivered(shop: string, shipmentId: number): Promise<void>;
}
