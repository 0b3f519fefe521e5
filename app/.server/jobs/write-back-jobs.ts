import { z } from "zod";
import { WRITE_BACK_JOB, type ScanWriteBack } from "../services/scan-write-back";
import { UnrecoverableJobError, type JobDefinition } from "../ports";

const Payload = z.object({ fulfillmentId: z.string().min(1).max(100), eventKey: z.string().min(1).max(500) });

/** Writes one feed scan to Shopify. Shopify busy or down: retried with backoff; Shopify refusing: parked with its words. */
export function writeBackScanJob(deps: { writeBack: Pick<ScanWriteBack, "writeScan"> }): JobDefinition {
  return {
    name: WRITE_BACK_JOB,
    async handle(payload, ctx) {
      const parsed = Payload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableJobError(`bad payload: ${parsed.error.issues[0]!.message}`);
      const result = await deps.writeBack.writeScan(ctx.shop, parsed.data);
      if (result.outcome === "retry") throw new Error(result.message);
      if (result.outcome === "refused") throw new UnrecoverableJobError(result.message);
    },
  };
}
