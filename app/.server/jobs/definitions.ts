import { z } from "zod";
import { PROCESS_DELIVERY_JOB } from "../adapters/delivery-store";
import type { createDeliveryProcessor } from "../services/delivery-processor";
import type { DeliveryRepository } from "../services/ports";
import { UnrecoverableJobError, type JobDefinition } from "./queue";

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

const ProcessDeliveryPayload = z.object({ deliveryId: z.number().int().positive() });

/** Webhook deliveries are processed in the background, in any order, any number of times. */
export function processDeliveryJob(deps: {
  processor: ReturnType<typeof createDeliveryProcessor>;
  deliveries: DeliveryRepository;
}): JobDefinition {
  return {
    name: PROCESS_DELIVERY_JOB,
    async handle(payload) {
      const { deliveryId } = ProcessDeliveryPayload.parse(payload);
      const result = await deps.processor.process(deliveryId);
      // The processor already parked the delivery; retrying a malformed body cannot help.
      if (result.outcome === "malformed") throw new UnrecoverableJobError(result.why);
    },
    async onParked(payload, _ctx, error) {
      const parsed = ProcessDeliveryPayload.safeParse(payload);
      if (parsed.success) await deps.deliveries.markFailed(parsed.data.deliveryId, error.message);
    },
  };
}
