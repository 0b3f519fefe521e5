/**
 * Turns what Shopify tells us about a fulfillment (a status code and the carrier's free-text message) into
 * Shipwatch's status + reason. Two lessons from karrio's weak spots shape this file: a raw code may appear in a
 * table only once, and a code we do not know is "unknown", never "in transit" — a guess there hides exactly the
 * shipments a merchant needs to see.
 */
import type { ShipmentStatus, StatusReason } from "./status";

/** Where a raw code comes from: Shopify, or a tracking feed (each feed has its own code table). */
export type StatusSource = "shopify_fulfillment_event" | "shopify_shipment_status" | "easypost" | "aftership" | "shipengine"
  // the direct carrier APIs (app/domain/carrier-apis.ts)
  | "ups_api" | "usps_api" | "fedex_api" | "dhl_api";

export interface RawCarrierStatus {
  source: StatusSource;
  code: string | null | undefined;
  message?: string | null;
}

export interface NormalizedStatus {
  status: ShipmentStatus;
  reason: StatusReason | null;
  /** the raw code as given (trimmed, lower-cased), or null when none */
  code: string | null;
  /** false when the code was not in the table: the caller counts it as unmapped and shows it for mapping */
  mapped: boolean;
}

function normalizeRawCode(code: string): string {
  return code.trim().toLowerCase();
}

/**
 * The raw code of a feed whose scans carry a coarse status and a finer detail (EasyPost, ShipEngine):
 * `status/detail`, lower-cased, or the status alone when there is no detail; null when there is neither.
 */
export function statusDetailCode(status: string | null | undefined, detail: string | null | undefined): string | null {
  const s = normalizeRawCode(status ?? "");
  const d = normalizeRawCode(detail ?? "");
  if (!s && !d) return null;
  return d ? `${s}/${d}` : s;
}

/**
 * Builds a lookup table from raw codes, failing when the module loads if two rows claim the same code (after
 * normalizing it). A silent duplicate would let the later row quietly win, and nobody would notice until a
 * merchant's shipment showed the wrong status.
 */
export function buildTable<V>(
  rows: ReadonlyArray<readonly [string, V]>,
  normalizeKey: (raw: string) => string = normalizeRawCode,
): ReadonlyMap<string, V> {
  const table = new Map<string, V>();
  for (const [raw, value] of rows) {
    const key = normalizeKey(raw);
    if (key === "") throw new Error(`Table row "${raw}" has an empty code`);
    if (table.has(key)) throw new Error(`Duplicate code "${key}" in table (row "${raw}")`);
    table.set(key, value);
  }
  return table;
}

/**
 * Shopify's fulfillment statuses, keyed by the lower-case REST/webhook value. GraphQL enum names are the same
 * words upper-cased, so lower-casing the input covers both.
 * Sources: shopify.dev Admin REST Fulfillment.shipment_status and FulfillmentEvent.status; Admin GraphQL
 * FulfillmentEventStatus (DELAYED since 2025-01, CARRIER_PICKED_UP since 2025-10; PICKED_UP in `unstable`);
 * Customer Account API `unstable` FulfillmentEventStatus (BUYER_ACTION_REQUIRED, READY_FOR_RECIPIENT_PICKUP,
 * RETURNING_TO_SENDER).
 */
export const SHOPIFY_STATUS_TABLE: ReadonlyMap<string, ShipmentStatus> = buildTable<ShipmentStatus>([
  ["label_printed", "label_created"],
  ["label_purchased", "label_created"],
  // "confirmed" means the carrier has the shipment's details, not the parcel: no movement yet.
  ["confirmed", "label_created"],
  ["carrier_picked_up", "picked_up"],
  ["picked_up", "picked_up"],
  ["in_transit", "in_transit"],
  ["delayed", "delayed"],
  ["out_for_delivery", "out_for_delivery"],
  ["ready_for_pickup", "available_for_pickup"],
  ["ready_for_recipient_pickup", "available_for_pickup"],
  ["attempted_delivery", "attempted_delivery"],
  ["delivered", "delivered"],
  ["failure", "exception"],
  ["returning_to_sender", "returning_to_sender"],
  // The buyer has to act (pay duties, confirm an address) before anything moves: a problem, not progress.
  ["buyer_action_required", "exception"],
]);

interface ReasonRule {
  reason: StatusReason;
  says: RegExp;
  /** words that turn a match into routine progress, e.g. "cleared customs" is good news, not a customs hold */
  unless?: RegExp;
}

/**
 * Carrier wording → reason, checked in order, first match wins. Causes come before symptoms ("held at facility
 * due to weather" is about weather; "address correction, delivery delayed" is about the address), and the generic
 * delay words come last so that they only catch what nothing more specific explains.
 * Wording collected from UPS, USPS, FedEx, DHL, Canada Post and Royal Mail tracking messages and from the
 * AfterShip, EasyPost and 17TRACK sub-status vocabularies.
 */
const REASON_RULES: readonly ReasonRule[] = [
  {
    reason: "refused",
    says: /\b(refused|refusal|rejected by (the )?(recipient|consignee|receiver|addressee|customer)|(recipient|consignee|receiver|addressee|customer) (has )?(refused|rejected|declined)|delivery (was )?declined)\b/,
  },
  { reason: "damaged", says: /\b(damaged?|damages)\b/ },
  {
    reason: "lost",
    says: /\b(lost|can ?not be (located|found)|could not be (located|found)|unable to locate (the |your )?(package|parcel|shipment|item)|missing (package|parcel|shipment|item)|(package|parcel|shipment|item) (is |was )?missing)\b/,
  },
  {
    reason: "customs",
    says: /\b(customs|import clearance|clearance delay|clearance event|awaiting clearance|duties|duty|import (tax|taxes|fees))\b/,
    // Routine customs scans on a healthy international parcel; calling them a customs problem would mark the
    // parcel as delayed on its normal route.
    unless: /\b(cleared|released|complete|completed|processing|in progress|started|submitted|presented|arrived|departed|transferred|updated|information (sent|received))\b/,
  },
  {
    reason: "address_issue",
    says: /\b((incorrect|insufficient|incomplete|bad|wrong|invalid|inaccurate|unknown) (delivery |street |recipient |shipping )?address|address (correction|corrected|needed|required|is (incorrect|incomplete|insufficient|invalid|wrong|unknown))|address (incorrect|incomplete|insufficient|invalid|not found|unknown|issue|problem)|undeliverable as addressed|unable to locate (the )?(delivery |recipient )?address|addressee unknown|(recipient|addressee|customer|consignee|receiver) (has )?moved|moved,? left no (forwarding )?address|no such (number|street|address)|(apartment|suite|unit|house|street) number (is )?(missing|required|needed)|missing (apartment|suite|unit|house|street) number)\b/,
  },
  {
    reason: "weather",
    says: /\b(weather|storms?|snow|snowstorms?|snowfall|blizzards?|hurricanes?|typhoons?|tornado(es)?|floods?|flooding|wildfires?|ice storms?|icy (roads|conditions)|natural disasters?)\b/,
  },
  {
    reason: "recipient_unavailable",
    says: /\b((recipient|addressee|customer|consignee|receiver)( was| is)? (not available|unavailable|not home|not at home|not in|absent)|no (one|body) (was |is )?(available|home|at home|present|in)|nobody (was |is )?(available|home|at home|present|in)|no ?one to (sign|receive|accept)|no authori[sz]ed recipient|signature (was )?not obtained|unable to obtain (a )?signature|signature (was )?(required|needed)[^.]{0,40}\b(not (available|obtained|present)|unavailable))\b/,
  },
  {
    reason: "business_closed",
    says: /\b(business (was |is )?closed|closed on arrival|closed for (the )?(holiday|holidays|day|weekend)|(office|store|premises|receiving) (was |is )?closed)\b/,
  },
  {
    reason: "held_at_facility",
    says: /\b(held at|held in|being held|hold at|on hold|awaiting collection)\b/,
    // A parcel held for the shopper to collect is "ready for pickup", which the status code already says.
    unless: /\b(for (customer |recipient )?pick ?-?up|ready for (pick ?-?up|collection)|available for (pick ?-?up|collection))\b/,
  },
  {
    reason: "carrier_delay",
    says: /\b(delay|delays|delayed|late|later than (expected|planned|scheduled)|missed (connection|flight|departure|truck|trailer)|late flight|running late|behind schedule|high (package |shipping )?volume)\b/,
  },
];

interface ReturnRule {
  implies: "returning_to_sender" | "returned_to_sender";
  says: RegExp;
}

/**
 * Order matters: "returned to shipper in transit" and "will be returned to the sender" contain the words of a
 * finished return but describe one still under way, so the in-progress wordings are checked first.
 */
const RETURN_RULES: readonly ReturnRule[] = [
  {
    implies: "returning_to_sender",
    says: /\b(being returned|returning|will be returned|to be returned|return(ed)? to (the )?(sender|shipper)[^.]{0,30}\b(in transit|in progress|initiated|on (its|the) way|en route))\b/,
  },
  {
    implies: "returned_to_sender",
    says: /\b(returned to (the )?(original )?(sender|shipper)|return to (sender|shipper) (is )?completed?|delivered,? to (the )?(original )?(sender|shipper))\b/,
  },
  { implies: "returning_to_sender", says: /\b(return to (the )?(sender|shipper))\b/ },
];

/** Reasons that, by themselves, mean the parcel is behind schedule. */
const DELAY_REASONS: ReadonlySet<StatusReason> = new Set<StatusReason>(["weather", "carrier_delay", "customs"]);

/** Statuses that a delay reason in the message turns into "delayed": the parcel is moving, only late. */
const DELAYABLE_STATUSES: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["in_transit", "picked_up"]);

/** Statuses where a message about a return is more precise than the status code itself. */
const RETURNABLE_STATUSES: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>([
  "exception",
  "in_transit",
  "delayed",
  "attempted_delivery",
]);

/**
 * A "delivered" event whose message says it was delivered back to the sender, or a return in progress that is
 * reported finished: the finished return is the truth. Showing a shopper "Delivered" for a parcel that went back
 * to the merchant is the worst wrong answer this module can give.
 */
const FINISHED_RETURN_OVERRIDES: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>([
  "delivered",
  "returning_to_sender",
]);

/** A delivered parcel or a label waiting for pickup has no problem to explain. */
export const STATUSES_WITHOUT_REASON: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["delivered", "label_created"]);

function readableMessage(message: string | null | undefined): string | null {
  if (message === null || message === undefined) return null;
  const text = message.toLowerCase().replace(/\s+/g, " ").trim();
  return text === "" ? null : text;
}

/** Reads why a parcel is held up, and whether it is on its way back, from a carrier's free-text message. */
export function reasonFromMessage(message: string | null | undefined): {
  reason: StatusReason | null;
  impliedStatus: ShipmentStatus | null;
} {
  const text = readableMessage(message);
  if (text === null) return { reason: null, impliedStatus: null };

  const reasonRule = REASON_RULES.find((rule) => rule.says.test(text) && !(rule.unless?.test(text) ?? false));
  const returnRule = RETURN_RULES.find((rule) => rule.says.test(text));
  return { reason: reasonRule?.reason ?? null, impliedStatus: returnRule?.implies ?? null };
}

export function refineWithMessage(
  codeStatus: ShipmentStatus,
  hasCode: boolean,
  impliedStatus: ShipmentStatus | null,
  reason: StatusReason | null,
): ShipmentStatus {
  if (impliedStatus !== null) {
    // With an unknown code we keep "unknown" so that the code stays visible for mapping; with no code at all,
    // the message is all we have.
    const returnable = RETURNABLE_STATUSES.has(codeStatus) || (codeStatus === "unknown" && !hasCode);
    if (returnable) return impliedStatus;
    if (impliedStatus === "returned_to_sender" && FINISHED_RETURN_OVERRIDES.has(codeStatus)) return impliedStatus;
  }
  if (reason !== null && DELAY_REASONS.has(reason) && DELAYABLE_STATUSES.has(codeStatus)) return "delayed";
  return codeStatus;
}

export function normalizeShopifyStatus(input: RawCarrierStatus): NormalizedStatus {
  const code = input.code === null || input.code === undefined ? null : normalizeRawCode(input.code) || null;
  const { reason, impliedStatus } = reasonFromMessage(input.message);

  const tableStatus = code === null ? undefined : SHOPIFY_STATUS_TABLE.get(code);
  const mapped = code === null || tableStatus !== undefined;
  const status = refineWithMessage(tableStatus ?? "unknown", code !== null, impliedStatus, reason);

  return {
    status,
    reason: STATUSES_WITHOUT_REASON.has(status) ? null : reason,
    code,
    mapped,
  };
}
