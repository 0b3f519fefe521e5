import { z } from "zod";
import { PROCESS_DELIVERY_JOB } from "../adapters/delivery-store";
import type { createDeliveryProcessor } from "../services/delivery-processor";
import type { DeliveryRepository } from "../services/ports";
import { UnrecoverableJobError, type JobDefinition } from "./queue";

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
