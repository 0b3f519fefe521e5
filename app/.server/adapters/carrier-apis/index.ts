import type { CarrierApi } from "~/domain/carrier-apis";
import type { Clock } from "~/domain/clock";
import type { CarrierTrackClient } from "../../ports";
import { createDhlClient } from "./dhl";
import { createFedExClient } from "./fedex";
import { createUpsClient } from "./ups";
import { createUspsClient } from "./usps";

/** One Track API client per carrier, each on its own API base (the *_API_BASE settings). */
export function createCarrierTrackClients(options: { apiBases: Record<CarrierApi, string>; timeoutMs: number; clock: Clock }): Record<CarrierApi, CarrierTrackClient> {
  const { apiBases, timeoutMs, clock } = options;
  return {
    ups: createUpsClient({ apiBase: apiBases.ups, timeoutMs, clock }),
    usps: createUspsClient({ apiBase: apiBases.usps, timeoutMs, clock }),
    fedex: createFedExClient({ apiBase: apiBases.fedex, timeoutMs, clock }),
    dhl: createDhlClient({ apiBase: apiBases.dhl, timeoutMs, clock }),
  };
}
