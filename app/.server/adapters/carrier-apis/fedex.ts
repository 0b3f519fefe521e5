import { carrierPlace, type CarrierScan } from "~/domain/carrier-apis";
import type { Clock } from "~/domain/clock";
import type { CarrierTrackClient, CarrierTrackResult } from "../../ports";
import { callCarrier, carrierFailure, instant, type CarrierAnswer } from "./http";
import { createOAuthTokens } from "./oauth";

/** FedEx answers errors as `{ "transactionId", "errors": [ { "code", "message" } ] }`. */
const errorOf = (json: unknown) => (json as { errors?: { code?: unknown; message?: unknown }[] } | null)?.errors?.[0];

/**
 * FedEx (docs: "API Authorization", "Track API"): a token from POST /oauth/token (a form with grant_type,
 * client_id = the API key, client_secret = the secret key), then POST /track/v1/trackingnumbers with detailed
 * scans. `apiBase` is https://apis.fedex.com in production and a local stand-in in tests (FEDEX_API_BASE).
 */
export function createFedExClient(options: { apiBase: string; timeoutMs: number; clock: Clock }): CarrierTrackClient {
  const { apiBase, timeoutMs, clock } = options;
  const tokens = createOAuthTokens({
    carrier: "FedEx",
    clock,
    timeoutMs,
    errorOf,
    request: (c) => ({ url: `${apiBase}/oauth/token`, headers: {}, body: { form: { grant_type: "client_credentials", client_id: c.clientId, client_secret: c.clientSecret } } }),
  });

  return {
    carrier: "fedex",
    checkCredentials: (credentials) => tokens.check(credentials),
    async track(credentials, trackingNumber) {
      const result = await tokens.withToken(credentials, (token) =>
        callCarrier(
          "FedEx",
          {
            url: `${apiBase}/track/v1/trackingnumbers`,
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "x-locale": "en_US" },
            body: { json: { includeDetailedScans: true, trackingInfo: [{ trackingNumberInfo: { trackingNumber } }] } },
            timeoutMs,
          },
          clock,
        ),
      );
      if ("failure" in result) return result.failure;
      const { answer } = result;
      if (answer.status !== 200) return carrierFailure("FedEx", answer, errorOf(answer.json));
      return { ok: true, value: readTrack(answer) };
    },
  };
}

interface FedExScan {
  date?: string;
  eventType?: string;
  eventDescription?: string;
  exceptionDescription?: string;
  scanLocation?: { city?: string; stateOrProvinceCode?: string; countryCode?: string };
}
interface FedExTrackResult {
  error?: { code?: string; message?: string };
  scanEvents?: FedExScan[];
  dateAndTimes?: { type?: string; dateTime?: string }[];
}

function readTrack(answer: CarrierAnswer): CarrierTrackResult {
  const result = (answer.json as { output?: { completeTrackResults?: { trackResults?: FedExTrackResult[] }[] } } | null)?.output?.completeTrackResults?.[0]?.trackResults?.[0];
  // an unknown number is a 200 with an error inside the result (TRACKING.TRACKINGNUMBER.NOTFOUND)
  if (!result || result.error) return { found: false, message: result?.error?.message ?? "FedEx has no shipment with this number yet" };
  const scans: CarrierScan[] = [];
  for (const s of result.scanEvents ?? []) {
    const happenedAt = instant(s.date);
    if (happenedAt === null) continue;
    const words = [s.eventDescription?.trim(), s.exceptionDescription?.trim()].filter(Boolean).join(": ");
    scans.push({
      code: s.eventType?.trim() || null,
      message: words || null,
      happenedAt,
      location: carrierPlace(s.scanLocation?.city, s.scanLocation?.stateOrProvinceCode, s.scanLocation?.countryCode),
    });
  }
  const estimate = result.dateAndTimes?.find((d) => d.type === "ESTIMATED_DELIVERY")?.dateTime;
  return { found: true, scans, estimatedDeliveryAt: instant(estimate) };
}
