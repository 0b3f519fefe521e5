import { carrierPlace, type CarrierScan } from "~/domain/carrier-apis";
import type { Clock } from "~/domain/clock";
import type { CarrierTrackClient, CarrierTrackResult } from "../../ports";
import { callCarrier, carrierFailure, instant, type CarrierAnswer } from "./http";
import { createOAuthTokens } from "./oauth";

/**
 * USPS answers errors as `{ "error": { "code", "message" } }` (its APIs) or `{ "error", "error_description" }`
 * (its OAuth server): both read as code + message.
 */
function errorOf(json: unknown): { code?: unknown; message?: unknown } | undefined {
  const body = json as { error?: unknown; error_description?: unknown } | null;
  if (body?.error && typeof body.error === "object") return body.error as { code?: unknown; message?: unknown };
  if (typeof body?.error === "string") return { code: body.error, message: body.error_description };
  return undefined;
}

/**
 * USPS's new APIs (docs: "OAuth 2.0" v3, "Tracking" v3): a token from POST /oauth2/v3/token (client credentials
 * in a JSON body), then GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL with it. `apiBase` is
 * https://apis.usps.com in production and a local stand-in in tests (USPS_API_BASE).
 */
export function createUspsClient(options: { apiBase: string; timeoutMs: number; clock: Clock }): CarrierTrackClient {
  const { apiBase, timeoutMs, clock } = options;
  const tokens = createOAuthTokens({
    carrier: "USPS",
    clock,
    timeoutMs,
    errorOf,
    request: (c) => ({ url: `${apiBase}/oauth2/v3/token`, headers: {}, body: { json: { grant_type: "client_credentials", client_id: c.clientId, client_secret: c.clientSecret } } }),
  });

  return {
    carrier: "usps",
    checkCredentials: (credentials) => tokens.check(credentials),
    async track(credentials, trackingNumber) {
      const result = await tokens.withToken(credentials, (token) =>
        callCarrier(
          "USPS",
          { url: `${apiBase}/tracking/v3/tracking/${encodeURIComponent(trackingNumber)}?expand=DETAIL`, method: "GET", headers: { authorization: `Bearer ${token}` }, timeoutMs },
          clock,
        ),
      );
      if ("failure" in result) return result.failure;
      const { answer } = result;
      if (answer.status === 404) return { ok: true, value: { found: false, message: String(errorOf(answer.json)?.message ?? "USPS has no item with this number yet") } };
      if (answer.status !== 200) return carrierFailure("USPS", answer, errorOf(answer.json));
      return { ok: true, value: readTrack(answer) };
    },
  };
}

interface UspsEvent {
  eventType?: string;
  eventTimestamp?: string;
  GMTTimestamp?: string;
  eventCode?: string;
  eventCity?: string;
  eventState?: string;
  eventCountry?: string;
}

function readTrack(answer: CarrierAnswer): CarrierTrackResult {
  const body = answer.json as { trackingEvents?: UspsEvent[]; expectedDeliveryTimeStamp?: string } | null;
  const scans: CarrierScan[] = [];
  for (const e of body?.trackingEvents ?? []) {
    const happenedAt = instant(e.GMTTimestamp) ?? instant(e.eventTimestamp);
    if (happenedAt === null) continue;
    scans.push({
      code: e.eventCode?.trim() || null,
      message: e.eventType?.trim() || null,
      happenedAt,
      // USPS leaves the country empty for domestic scans
      location: carrierPlace(e.eventCity, e.eventState, e.eventCountry || (e.eventCity ? "US" : null)),
    });
  }
  return { found: true, scans, estimatedDeliveryAt: instant(body?.expectedDeliveryTimeStamp) };
}
