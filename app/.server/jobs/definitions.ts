import { z } from "zod";
import type { createDeliveryProcessor } from "../services/delivery-processor";
import type { ParkedEvaluation } from "../services/exception-desk";
import { PROCESS_DELIVERY_JOB, UnrecoverableJobError, type DeliveryRepository, type JobDefinition, type JobRequest } from "../ports";

export const SILENCE_SWEEP_JOB = "silence-sweep";

/**
 * The silence sweep: evaluates only the shipments whose next check is due (an indexed column), so its
 * cost follows the due shipments, not all of them. A full batch means more are due: it goes again at once.
 */
export function silenceSweepJob(deps: { sweep: (limit: number) => Promise<{ evaluated: number }>; enqueueAgain: () => Promise<void>; batch?: number }): JobDefinition {
  const batch = deps.batch ?? 500;
  return {
    name: SILENCE_SWEEP_JOB,
    async handle() {
      const { evaluated } = await deps.sweep(batch);
      if (evaluated === batch) await deps.enqueueAgain();
    },
  };
}

export const EVALUATE_SHIPMENT_JOB = "evaluate-shipment";
const EvaluateShipmentPayload = z.object({ shipmentId: z.number().int().positive() });

/**
 * A shipment the sweep set aside, evaluated once more on its own: a passing fault (a busy database) is over,
 * and a lasting one is parked with its error, where `npm run replay -- --list` shows it and a replay (once the
 * row is mended) runs it again. The sweep itself comes back to the shipment a day later in any case.
 */
export function evaluateShipmentJob(deps: { evaluate: (shop: string, shipmentId: number) => Promise<unknown> }): JobDefinition {
  return {
    name: EVALUATE_SHIPMENT_JOB,
    async handle(payload, ctx) {
      const { shipmentId } = EvaluateShipmentPayload.parse(payload);
      try {
        await deps.evaluate(ctx.shop, shipmentId);
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        throw new Error(`shipment ${shipmentId} could not be evaluated: ${why}`, { cause: error });
      }
    },
  };
}

/** What becomes of the shipments the sweep parks: each is logged with its id and queued as a job of its own (above). */
export function recordParkedEvaluations(deps: {
  enqueue: (job: JobRequest) => Promise<void>;
  logger: { error(details: object, message: string): void };
}) {
  return async (parked: readonly ParkedEvaluation[]) => {
    for (const { shop, shipmentId, error } of parked) {
      deps.logger.error({ shop, shipmentId, err: error }, "shipment could not be evaluated; parked, the sweep goes on");
      // one attempt: the job exists to record the failure where an operator finds and replays it
      await deps.enqueue({ name: EVALUATE_SHIPMENT_JOB, shop, payload: { shipmentId }, maxAttempts: 1 });
    }
  };
}

const ProcessDeliveryPayload = z.object({ deliveryId: z.number().int().positive() });

/** Webhook deliveries are processed in the background, in any order, any number of times. */
export function processDeliveryJob(deps: {
  processor: ReturnType<typeof createDeliveryProcessor>;
  deliveries: DeliveryRepository;
}): JobDefinition {
  return {
    name: PROCESS_DELIVERY_JOB,
    // the processing only touches the database (work for providers is enqueued, never done inline)
    sharesCommits: true,
    async handle(payload) {
      const { deliveryId } = ProcessDeliveryPayload.parse(payload);
      const result = await deps.processor.process(deliveryId);
      // The processor already parked the delivery; retrying a malformed or refused body cannot help. The
      // job is parked too, so the operator sees it beside the others (and a refusal is worth seeing).
      if (result.outcome === "malformed" || result.outcome === "refused") throw new UnrecoverableJobError(result.why);
    },
    async onParked(payload, _ctx, error) {
      const parsed = ProcessDeliveryPayload.safeParse(payload);
      if (parsed.success) await deps.deliveries.markFailed(parsed.data.deliveryId, error.message);
    },
  };
}
