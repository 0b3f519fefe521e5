import type { ExceptionType, CaseChanges } from "~/domain/rules";
import type { ShipmentStatus } from "~/domain/status";
import type { StatusClass } from "~/domain/status-classes";
import type { ShipmentRecord, StoredOrder } from "./shipments";

/** Ports — what one part of the app tells the others happened, so neither calls the other. */

/** One evaluated shipment, as the exception desk tells it. */
export interface EvaluatedShipment {
  shipment: ShipmentRecord;
  order: StoredOrder | null;
  /** the case types open for it once this evaluation is written */
  openCaseTypes: ExceptionType[];
  intents: CaseChanges["intents"];
  /** the shop's class for any status (its Status mapping choices over the defaults) */
  classOf: (status: ShipmentStatus) => StatusClass;
  /**
   * Set while the shipment is where an import of the shop's history (the backfill) left it, nothing having happened
   * to it since: until when the import read it. What it reached then already passed (domain/history.ts).
   */
  historyUntil?: number | null;
}

/**
 * Told of a batch of evaluated shipments before the evaluation is written: a crash in between leaves the
 * shipments due, so they are evaluated (and told, idempotently) again. What it returns runs after the
 * evaluation is written (scheduling the sends, which read the cases).
 */
export type EvaluationSubscriber = (shop: string, evaluated: EvaluatedShipment[]) => Promise<() => Promise<void>>;
