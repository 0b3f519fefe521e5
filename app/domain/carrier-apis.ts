/**
 * What the four direct carrier APIs (UPS, USPS, FedEx, DHL) have in common once their answers are read: the
 * sources their scans are recorded under, how a scan's code is read through a carrier's table, and how a scan is
 * keyed and placed. Each carrier's own table lives beside this file (ups-track.ts, usps-track.ts, fedex-track.ts,
 * dhl-track.ts); the polling cadence is carrier-polling.ts.
 */
import { reasonFromMessage, refineWithMessage, STATUSES_WITHOUT_REASON, type NormalizedStatus } from "./normalize";
import type { ShipmentStatus, StatusReason } from "./status";

export const CARRIER_APIS = ["ups", "usps", "fedex", "dhl"] as const;
export type CarrierApi = (typeof CARRIER_APIS)[number];
export const isCarrierApi = (value: unknown): value is CarrierApi => typeof value === "string" && (CARRIER_APIS as readonly string[]).includes(value);

/** The source each carrier's scans are recorded under (and whose unmapped-codes inbox they fill). */
export const CARRIER_API_SOURCES = { ups: "ups_api", usps: "usps_api", fedex: "fedex_api", dhl: "dhl_api" } as const;
export type CarrierApiSource = (typeof CARRIER_API_SOURCES)[CarrierApi];
export const CARRIER_API_NAMES: Readonly<Record<CarrierApi, string>> = { ups: "UPS", usps: "USPS", fedex: "FedEx", dhl: "DHL" };

export interface CodeReading {
  status: ShipmentStatus;
  reason?: StatusReason;
}

/** One scan as a carrier API reports it, before it is read: the carrier's raw code and words. */
export interface CarrierScan {
  code: string | null;
  message: string | null;
  happenedAt: number;
  location: string | null;
}

/**
 * What a carrier exception is, when its reason says: nobody there (or the business closed) is a failed attempt at
 * the door; only the weather, or the carrier running late, is a delay (the parcel is moving, only late), as the same
 * scan reads through Shopify ("delayed"), EasyPost (weather_delay) and AfterShip (Exception_016/017), where UPS's own
 * API files it under its exception type. Any other reason stays an exception: a customs hold may need the shopper's papers.
 */
const EXCEPTION_BY_REASON: Partial<Record<StatusReason, ShipmentStatus>> = {
  recipient_unavailable: "attempted_delivery",
  business_closed: "attempted_delivery",
  weather: "delayed",
  carrier_delay: "delayed",
};

/**
 * Reads one raw code through a carrier's table and the carrier's message. A code the table does not have is
 * "unknown" and unmapped (it goes to that source's inbox), never a guess. `refine` lets a carrier whose codes are
 * coarse (DHL) make a status more precise from its own wording.
 */
export function readCarrierCode(
  table: ReadonlyMap<string, CodeReading> | ((code: string) => CodeReading | undefined),
  input: { code: string | null | undefined; message?: string | null },
  options: { refine?: (status: ShipmentStatus, message: string) => ShipmentStatus } = {},
): NormalizedStatus {
  // lower-cased like every source's codes: the merchant's overrides are kept that way (services/status-mapping.ts)
  const code = (input.code ?? "").trim().toLowerCase() || null;
  const reading = code === null ? undefined : typeof table === "function" ? table(code) : table.get(code);
  const mapped = code === null || reading !== undefined;
  const fromMessage = reasonFromMessage(input.message);
  let status: ShipmentStatus = reading?.status ?? "unknown";
  if (reading && options.refine && input.message) status = options.refine(status, input.message.toLowerCase());
  const reason = reading?.reason ?? fromMessage.reason;
  status = refineWithMessage(status, code !== null, fromMessage.impliedStatus, reason);
  if (status === "exception" && reason !== null) status = EXCEPTION_BY_REASON[reason] ?? status;
  return { status, reason: STATUSES_WITHOUT_REASON.has(status) ? null : reason, code, mapped };
}

/** "Ottawa, ON, CA": the shape Shopify's fulfillment events give a place, so scans from two sources compare. */
export function carrierPlace(...parts: (string | null | undefined)[]): string | null {
  const kept = parts.map((p) => p?.trim()).filter((p): p is string => !!p);
  return kept.length ? kept.join(", ") : null;
}

/** A carrier API resends a parcel's whole history on every poll and gives scans no id: the key is what stays put. */
export function carrierScanKey(carrier: CarrierApi, trackingNumber: string, scan: Pick<CarrierScan, "happenedAt" | "code">): string {
  return `${CARRIER_API_SOURCES[carrier]}:${trackingNumber}:${scan.happenedAt}:${scan.code ?? ""}`;
}
