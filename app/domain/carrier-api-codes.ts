/**
 * The four carrier APIs' code tables behind one lookup by source, for the status mapping (each source reads its
 * codes with its own table, and the Status mapping page lists each table and its unmapped-codes inbox).
 */
import { CARRIER_API_NAMES, CARRIER_API_SOURCES, CARRIER_APIS, type CarrierApiSource, type CodeReading } from "./carrier-apis";
import { DHL_STATUS_TABLE, normalizeDhl } from "./dhl-track";
import { FEDEX_EVENT_TABLE, normalizeFedEx } from "./fedex-track";
import type { NormalizedStatus, RawCarrierStatus } from "./normalize";
import type { ShipmentStatus } from "./status";
import { normalizeUps, UPS_TYPE_TABLE } from "./ups-track";
import { normalizeUsps, USPS_EVENT_TABLE } from "./usps-track";

interface CarrierApiReader {
  normalize(input: Pick<RawCarrierStatus, "code" | "message">): NormalizedStatus;
  /** the default table as the Status mapping page lists it (UPS: its activity types; activity codes refine them) */
  table: ReadonlyMap<string, ShipmentStatus>;
}

const statuses = (table: ReadonlyMap<string, CodeReading>) => new Map([...table].map(([code, r]) => [code, r.status]));

const READERS: Readonly<Record<CarrierApiSource, CarrierApiReader>> = {
  ups_api: { normalize: normalizeUps, table: statuses(UPS_TYPE_TABLE) },
  usps_api: { normalize: normalizeUsps, table: statuses(USPS_EVENT_TABLE) },
  fedex_api: { normalize: normalizeFedEx, table: statuses(FEDEX_EVENT_TABLE) },
  dhl_api: { normalize: normalizeDhl, table: statuses(DHL_STATUS_TABLE) },
};

export function carrierApiReader(source: string): CarrierApiReader | null {
  return Object.hasOwn(READERS, source) ? READERS[source as CarrierApiSource] : null;
}

/** The four sources in the merchant's words, for the Status mapping page. */
export const CARRIER_API_STATUS_SOURCES: readonly { source: CarrierApiSource; label: string; about: string }[] = CARRIER_APIS.map((carrier) => ({
  source: CARRIER_API_SOURCES[carrier],
  label: `${CARRIER_API_NAMES[carrier]} (your account)`,
  about:
    carrier === "ups"
      ? "Scans Shipwatch asks UPS for with your UPS account: the activity type, then the activity code (such as i/ot)."
      : carrier === "usps"
        ? "Scans Shipwatch asks USPS for with your USPS account: the event code (such as 01 or OF)."
        : carrier === "fedex"
          ? "Scans Shipwatch asks FedEx for with your FedEx account: the scan event type (such as DE)."
          : "Scans Shipwatch asks DHL for with your DHL API key: DHL's status code (pre-transit, transit, delivered, failure, unknown).",
}));
