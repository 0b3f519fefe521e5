import { carrierPlace, type CarrierScan } from "~/domain/carrier-apis";
import type { Clock } from "~/domain/clock";
import type { CarrierTrackClient, CarrierTrackResult } from "../../ports";
import { callCarrier, carrierFailure, instant, type CarrierAnswer } from "./http";

/** DHL answers errors as RFC 7807 problems: `{ "status", "title", "detail" }`. */
function errorOf(json: unknown): { code?: unknown; message?: unknown } | undefined {
  const p = json as { title?: unknown; detail?: unknown } | null;
  if (!p || (p.title === undefined && p.detail === undefined)) return undefined;
  return { code: typeof p.title === "string" ? p.title : undefined, message: typeof p.detail === "string" ? p.detail : p.title };
}

/** A number no DHL division issues: asking for it costs one call and tells whether the key is accepted. */
const PROBE_NUMBER = "0000000000";

/**
 * DHL (docs: "Shipment Tracking - Unified"): GET /track/shipments?trackingNumber=… with the `DHL-API-Key` header;
 * no OAuth. `apiBase` is https://api-eu.dhl.com in production and a local stand-in in tests (DHL_API_BASE).
 * The account's clientId holds the API key.
 */
export function createDhlClient(options: { apiBase: string; timeoutMs: number; clock: Clock }): CarrierTrackClient {
  const { apiBase, timeoutMs, clock } = options;
  const lookup = (apiKey: string, trackingNumber: string) =>
    callCarrier("DHL", { url: `${apiBase}/track/shipments?trackingNumber=${encodeURIComponent(trackingNumber)}`, method: "GET", headers: { "DHL-API-Key": apiKey }, timeoutMs }, clock);

  return {
    carrier: "dhl",
    async checkCredentials(credentials) {
      const result = await lookup(credentials.clientId, PROBE_NUMBER);
      if ("failure" in result) return result.failure;
      // 404: the key was accepted and the (made-up) number is unknown, which is the answer expected
      if (result.answer.status === 200 || result.answer.status === 404) return { ok: true, value: null };
      return carrierFailure("DHL", result.answer, errorOf(result.answer.json));
    },
    async track(credentials, trackingNumber) {
      const result = await lookup(credentials.clientId, trackingNumber);
      if ("failure" in result) return result.failure;
      const { answer } = result;
      if (answer.status === 404) return { ok: true, value: { found: false, message: String(errorOf(answer.json)?.message ?? "DHL has no shipment with this number yet") } };
      if (answer.status !== 200) return carrierFailure("DHL", answer, errorOf(answer.json));
      return { ok: true, value: readTrack(answer) };
    },
  };
}

interface DhlEvent {
  timestamp?: string;
  statusCode?: string;
  status?: string;
  description?: string;
  location?: { address?: { addressLocality?: string; countryCode?: string } };
}

function readTrack(answer: CarrierAnswer): CarrierTrackResult {
  const shipment = (answer.json as { shipments?: { events?: DhlEvent[]; estimatedTimeOfDelivery?: string }[] } | null)?.shipments?.[0];
  if (!shipment) return { found: false, message: "DHL has no shipment with this number yet" };
  const scans: CarrierScan[] = [];
  for (const e of shipment.events ?? []) {
    const happenedAt = instant(e.timestamp);
    if (happenedAt === null) continue;
    scans.push({
      code: e.statusCode?.trim() || null,
      message: e.description?.trim() || e.status?.trim() || null,
      happenedAt,
      location: carrierPlace(e.location?.address?.addressLocality, e.location?.address?.countryCode),
    });
  }
  return { found: true, scans, estimatedDeliveryAt: instant(shipment.estimatedTimeOfDelivery) };
}
