import { randomUUID } from "node:crypto";
import { carrierPlace, type CarrierScan } from "~/domain/carrier-apis";
import type { Clock } from "~/domain/clock";
import { upsHandOffs } from "~/domain/hand-offs";
import { upsCode } from "~/domain/ups-track";
import type { CarrierTrackClient, CarrierTrackResult } from "../../ports";
import { callCarrier, carrierFailure, type CarrierAnswer } from "./http";
import { createOAuthTokens } from "./oauth";

/** UPS answers errors as `{ "response": { "errors": [ { "code", "message" } ] } }`. */
const errorOf = (json: unknown) => (json as { response?: { errors?: { code?: unknown; message?: unknown }[] } } | null)?.response?.errors?.[0];

/**
 * UPS (docs: "OAuth Client Credentials", "Tracking API"): a token from POST /security/v1/oauth/token with the
 * client id and secret as HTTP basic auth, then GET /api/track/v1/details/{inquiryNumber} with it. `apiBase` is
 * https://onlinetools.ups.com in production and a local stand-in in tests (UPS_API_BASE).
 */
export function createUpsClient(options: { apiBase: string; timeoutMs: number; clock: Clock }): CarrierTrackClient {
  const { apiBase, timeoutMs, clock } = options;
  const tokens = createOAuthTokens({
    carrier: "UPS",
    clock,
    timeoutMs,
    errorOf,
    request: (c) => ({
      url: `${apiBase}/security/v1/oauth/token`,
      headers: { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString("base64")}` },
      body: { form: { grant_type: "client_credentials" } },
    }),
  });

  return {
    carrier: "ups",
    checkCredentials: (credentials) => tokens.check(credentials),
    async track(credentials, trackingNumber) {
      const result = await tokens.withToken(credentials, (token) =>
        callCarrier(
          "UPS",
          {
            url: `${apiBase}/api/track/v1/details/${encodeURIComponent(trackingNumber)}?locale=en_US&returnSignature=false`,
            method: "GET",
            // transId / transactionSrc: required by UPS on every call, for their support to find it
            headers: { authorization: `Bearer ${token}`, transId: randomUUID().replace(/-/g, "").slice(0, 32), transactionSrc: "shipwatch" },
            timeoutMs,
          },
          clock,
        ),
      );
      if ("failure" in result) return result.failure;
      const { answer } = result;
      if (answer.status === 404) return { ok: true, value: { found: false, message: notFoundWords(answer) } };
      if (answer.status !== 200) return carrierFailure("UPS", answer, errorOf(answer.json));
      return { ok: true, value: readTrack(answer) };
    },
  };
}

interface UpsActivity {
  date?: string;
  time?: string;
  gmtDate?: string;
  gmtTime?: string;
  status?: { type?: string; code?: string; description?: string };
  location?: { address?: { city?: string; stateProvince?: string; countryCode?: string; country?: string } };
}
interface UpsPackage {
  trackingNumber?: string;
  activity?: UpsActivity[];
  /** other numbers of the package: a Mail Innovations parcel's USPS number among them ({ number, type }) */
  alternateTrackingNumber?: unknown;
  deliveryDate?: { type?: string; date?: string }[];
}

function readTrack(answer: CarrierAnswer): CarrierTrackResult {
  const shipment = (answer.json as { trackResponse?: { shipment?: { package?: UpsPackage[]; warnings?: { message?: string }[] }[] } } | null)?.trackResponse?.shipment?.[0];
  const pkg = shipment?.package?.[0];
  if (!pkg) return { found: false, message: shipment?.warnings?.[0]?.message ?? "UPS has no package with this number yet" };
  const scans: CarrierScan[] = [];
  for (const a of pkg.activity ?? []) {
    // the GMT date and time when UPS gives them; otherwise the local ones, read as UTC
    const happenedAt = stamp(a.gmtDate ?? a.date, a.gmtTime ?? a.time);
    if (happenedAt === null) continue;
    const address = a.location?.address;
    scans.push({
      code: upsCode(a.status?.type, a.status?.code),
      message: a.status?.description?.trim() || null,
      happenedAt,
      location: carrierPlace(address?.city, address?.stateProvince, address?.countryCode ?? address?.country),
    });
  }
  // rescheduled, else scheduled delivery date
  const estimate = pkg.deliveryDate?.find((d) => d.type === "RDD") ?? pkg.deliveryDate?.find((d) => d.type === "SDD");
  const handOffs = upsHandOffs(pkg.alternateTrackingNumber, typeof pkg.trackingNumber === "string" ? [pkg.trackingNumber] : []);
  return { found: true, scans, estimatedDeliveryAt: estimate?.date ? stamp(estimate.date, "000000") : null, ...(handOffs.length ? { handOffs } : {}) };
}

function stamp(date: string | undefined, time: string | undefined): number | null {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date ?? "");
  if (!d) return null;
  // local times come as "143000", GMT times as "14:30:00"
  const t = /^(\d{2})(\d{2})(\d{2})$/.exec((time ?? "").replace(/:/g, "")) ?? [null, "00", "00", "00"];
  return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3]));
}

function notFoundWords(answer: CarrierAnswer): string {
  const error = errorOf(answer.json);
  return typeof error?.message === "string" ? error.message : "UPS has no package with this number yet";
}
