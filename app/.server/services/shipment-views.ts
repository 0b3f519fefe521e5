import type { Clock } from "~/domain/clock";
import { bestEstimate, type EstimatedDelivery, type EstimateInput, type EstimateResult } from "~/domain/estimate";
import type { Destination } from "~/domain/order";
import { handOffLine } from "~/domain/hand-offs";
import type { ExceptionType } from "~/domain/rules";
import type { ShipmentView } from "~/domain/shipment-view";
import { pickupPlaceOf, tellStory, type Story, type StoryCase } from "~/domain/story";
import { zoneForDestination } from "~/domain/time-zones";
import { safeHttpsUrl } from "~/domain/urls";
import type { CaseRecord, CaseRepository, EventRecord, FulfillmentRecord, OrderRepository, ShipmentLegRecord, ShipmentRecord, ShipmentRepository, ShownEstimate, StoredOrder } from "../ports";

/**
 * The shipment objects of the storefront lookup, the order status extension, the Support API and the admin's
 * shipment page: one story, told the same everywhere (ARCHITECTURE.md, "Shipment object, added fields").
 *
 * One read per kind per answer, whatever the number of parcels: events, fulfillments (items and addresses),
 * open cases and orders (locale, address) are each read once for all the shipments asked about.
 */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Everything one shipment's object is made of, already read. */
export interface ShipmentFacts {
  shipment: ShipmentRecord;
  /** the fulfillment's events, newest first (tombstones are left out here) */
  events: readonly EventRecord[];
  fulfillment: FulfillmentRecord | null;
  order: StoredOrder | null;
  /** the shipment's open cases (snoozed ones too: the trouble is still there) */
  cases: readonly Pick<CaseRecord, "type" | "openedAt" | "dueAt">[];
  /** the shop's time zone: promises are counted in it, and it is the recipient's when nothing else is known */
  shopZone: string;
  now: number;
  /** what the shop's transit model expects for this parcel, in the recipient's zone (services/transit.ts); absent: none */
  learned?: { earliest: number; latest: number } | null;
  /** the carriers it was handed on to (multi-leg parcels); absent: none */
  legs?: readonly ShipmentLegRecord[];
}

/** The place a parcel goes, as far as the address says: the fulfillment's, else the order's. */
function placeOf(facts: ShipmentFacts): Partial<Destination> | null {
  const fromFulfillment = asDestination(facts.fulfillment?.destination);
  return fromFulfillment ?? facts.order?.destination ?? null;
}

function asDestination(value: unknown): Partial<Destination> | null {
  return value && typeof value === "object" ? (value as Partial<Destination>) : null;
}

const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : null);

/**
 * Where it goes, never the street. A redacted customer's parcel keeps its region only (customers/redact
 * clears the rest), and the view says no city for it even if a copy of one survived somewhere.
 */
export function destinationOf(facts: ShipmentFacts): ShipmentView["destination"] {
  const place = placeOf(facts);
  const redacted = facts.order?.redactedAt != null;
  return {
    city: redacted ? null : text(place?.city),
    province: text(place?.province) ?? text(place?.provinceCode) ?? facts.shipment.destinationProvince,
    country: text(place?.country) ?? text(place?.countryCode) ?? facts.shipment.destinationCountry,
  };
}

/** The recipient's zone: from the address (country, region, postal code), else the shop's. */
export function recipientZone(facts: ShipmentFacts): string {
  const place = placeOf(facts);
  return zoneForDestination(
    {
      country: text(place?.countryCode) ?? text(place?.country) ?? facts.shipment.destinationCountry,
      region: text(place?.provinceCode) ?? facts.shipment.destinationProvince,
      postalCode: text(place?.zip),
    },
    facts.shopZone,
  );
}

const sameEstimate = (a: EstimatedDelivery, b: EstimatedDelivery) => a.latest === b.latest && a.source === b.source;

/**
 * The best estimate, and whether it moved later than the one shoppers saw before (the shipment's
 * shownEstimate). `remember` is what to write when the estimate shown changed; null when nothing changed.
 */
export function estimateOf(facts: ShipmentFacts, zone: string): { estimate: EstimateResult; remember: ShownEstimate | null } {
  const s = facts.shipment;
  const input: EstimateInput = {
    now: facts.now,
    zone,
    status: s.status,
    deliveredAt: s.deliveredAt,
    carrierEta: s.estimatedDeliveryAt,
    learned: facts.learned ?? null,
    promise: s.promisedBy !== null ? { by: s.promisedBy, zone: facts.shopZone } : null,
  };
  const shown = s.shownEstimate;
  const estimate = bestEstimate({ ...input, previous: shown?.current ?? null });
  const current = estimate.estimatedDelivery;
  // a delivered parcel keeps the estimate last shown (estimate.ts): history, nothing to remember
  if (s.status === "delivered" || s.deliveredAt !== null) return { estimate, remember: null };
  // unchanged since it was last shown: the move to tell, if any, is the one from the estimate before that
  if (shown && current && sameEstimate(current, shown.current)) return { estimate: bestEstimate({ ...input, previous: shown.was }), remember: null };
  // no estimate now keeps the last one shown, so a later one is still told as a move
  return { estimate, remember: current ? { current, was: shown?.current ?? null } : null };
}

/**
 * The story of one shipment (app/domain/story.ts) from what was read: the page, the Support API and messages
 * tell it from here. `locale` is the language to tell it in (a message's), else the order's.
 */
export function storyOfShipment(facts: ShipmentFacts, zone: string, estimate: EstimateResult, locale?: string | null): Story {
  const s = facts.shipment;
  const events = facts.events.filter((e) => e.deletedAt === null);
  return tellStory({
    locale: locale ?? facts.order?.locale ?? null,
    zone,
    now: facts.now,
    shipment: {
      status: s.status,
      reason: s.reason,
      carrierName: s.carrierName,
      carrierCode: s.carrierCode,
      lastCarrierScanAt: s.lastCarrierScanAt,
      shippedAt: s.shippedAt,
      deliveredAt: s.deliveredAt,
      pickupLocation: s.status === "available_for_pickup" ? pickupPlaceOf(events) : null,
    },
    cases: facts.cases.filter((c) => !predictedOnly(c.type, s, facts.now)).map((c): StoryCase => ({ type: c.type, openedAt: c.openedAt, dueAt: c.dueAt })),
    estimate,
  });
}

/** One shipment's object, and the estimate to remember for it (null: nothing to write). */
export function shipmentViewOf(facts: ShipmentFacts, locale?: string | null): { view: ShipmentView; remember: ShownEstimate | null } {
  const { shipment: s } = facts;
  const events = facts.events.filter((e) => e.deletedAt === null);
  const zone = recipientZone(facts);
  const { estimate, remember } = estimateOf(facts, zone);
  const story = storyOfShipment(facts, zone, estimate, locale);
  const view: ShipmentView = {
    trackingNumber: s.trackingNumber,
    carrier: { code: s.carrierCode, name: s.carrierName },
    // checked again on the way out: rows stored before tracking URLs were checked on the way in
    trackingUrl: safeHttpsUrl(s.trackingUrl),
    status: s.status,
    statusLabel: story.statusLabel,
    reason: s.reason,
    estimatedDeliveryAt: estimate.estimatedDeliveryAt,
    lastEventAt: iso(s.lastEventAt),
    // newest first, the order shoppers and agents read a timeline in
    events: timelineOf(events, facts.legs ?? []),
    estimatedDelivery: estimate.estimatedDelivery,
    attention: story.attention,
    items: (facts.fulfillment?.items ?? []).map((i) => ({ title: i.title, quantity: i.quantity })),
    destination: destinationOf(facts),
    story: { headline: story.headline, explanation: story.explanation, next: story.next },
  };
  return { view, remember };
}

/**
 * The shopper's timeline: the scans, and a plain line for each hand-off ("Handed to USPS, tracking 9400…") at the
 * moment it was learned, in the shape of an event (the contract's fields, nothing new), newest first.
 */
function timelineOf(events: readonly EventRecord[], legs: readonly ShipmentLegRecord[]): ShipmentView["events"] {
  const lines = [
    ...events.map((e) => ({ at: e.happenedAt, line: { status: e.status, reason: e.reason, message: e.rawMessage, location: e.location } })),
    ...legs.map((l) => ({ at: l.addedAt, line: { status: "in_transit" as const, reason: null, message: handOffLine(l), location: null } })),
  ];
  // a stable sort keeps the scans' own order among equal times
  if (legs.length) lines.sort((a, b) => b.at - a.at);
  return lines.map(({ at, line }) => ({ status: line.status, reason: line.reason, happenedAt: new Date(at).toISOString(), message: line.message, location: line.location }));
}

/**
 * Open cases that say the parcel is not travelling like the parcels the model learned from (silent, lost, held,
 * going back): "parcels like this arrive in 2–3 days" would contradict the attention shown beside it, so no
 * learned window is shown while one is open; the promise, or nothing, stands. A late parcel still moving, or one
 * after a failed attempt, keeps its learned window: that is when a fresh date helps most.
 */
const NO_LEARNED_WINDOW_WHILE: ReadonlySet<ExceptionType> = new Set<ExceptionType>([
  "not_picked_up",
  "stalled",
  "lost",
  "address_issue",
  "damaged",
  "customs_hold",
  "returned_to_sender",
  "carrier_exception",
  "unknown_status",
]);

/** Whether a parcel still on its way, with these open cases, is shown a learned window at all. */
export function learnedWindowApplies(shipment: Pick<ShipmentRecord, "status" | "deliveredAt">, openCaseTypes: readonly ExceptionType[]): boolean {
  if (shipment.deliveredAt !== null || shipment.status === "delivered") return false;
  return !openCaseTypes.some((t) => NO_LEARNED_WINDOW_WHILE.has(t));
}

/**
 * A late case opened before the promised day is the transit model's prediction ("trending late"): support acts
 * on it, but the shopper is not told the parcel is "taking longer than we promised" while the promise still
 * stands. The page shows the learned window instead, and the shop may send the "may arrive a day later"
 * message (delay_trending). Once the promise has passed the same case is plain lateness, and the story tells it.
 */
function predictedOnly(type: ExceptionType, shipment: Pick<ShipmentRecord, "promisedBy">, now: number): boolean {
  return type === "late" && shipment.promisedBy !== null && now <= shipment.promisedBy;
}

/** A shipment's learned window for the recipient's zone, from a model already in hand (services/transit.ts). */
export type LearnedEstimator = (shipment: ShipmentRecord, zone: string, now: number) => { earliest: number; latest: number } | null;

export interface ShipmentViewsDeps {
  shipments: Pick<ShipmentRepository, "listEventsOfFulfillments" | "getFulfillments" | "rememberShownEstimates">;
  orders: Pick<OrderRepository, "findByIds">;
  cases: Pick<CaseRepository, "openForShipments">;
  /** the shop's time zone (its settings) */
  shopZone: (shop: string) => Promise<string>;
  /** the shop's learned-window function, read once per answer (from caches); absent: no learned estimates */
  learned?: (shop: string) => Promise<LearnedEstimator>;
  /** the legs of multi-leg parcels (one read per answer); absent: none shown */
  legs?: (shop: string, shipmentIds: readonly number[]) => Promise<ShipmentLegRecord[]>;
  clock: Clock;
}

/** `known.orders` spares reading orders the caller has; `known.locale` tells the stories in that language (a ticket's), else each order's */
export type ShipmentViews = (shop: string, records: readonly ShipmentRecord[], known?: { orders?: readonly StoredOrder[]; locale?: string | null }) => Promise<ShipmentView[]>;

/**
 * Builds the objects of the live (not superseded) shipments given, in their order. `known.orders` spares the
 * read of orders the caller already has. The estimate shoppers were shown is written only when it changed,
 * and a failed write loses only the "was" of a later story: the answer never fails for it.
 */
export function createShipmentViews(deps: ShipmentViewsDeps): ShipmentViews {
  const { shipments, orders, cases, clock } = deps;
  return async function views(shop, records, known) {
    const live = records.filter((s) => s.supersededAt === null);
    if (!live.length) return [];
    const fulfillmentIds = [...new Set(live.map((s) => s.fulfillmentId))];
    const orderIds = [...new Set(live.map((s) => s.orderId))];
    const knownOrders = (known?.orders ?? []).filter((o) => orderIds.includes(o.orderId));
    const missing = orderIds.filter((id) => !knownOrders.some((o) => o.orderId === id));
    const [events, fulfillments, open, readOrders, shopZone, learnedOf, legs] = await Promise.all([
      shipments.listEventsOfFulfillments(shop, fulfillmentIds),
      shipments.getFulfillments(shop, fulfillmentIds),
      cases.openForShipments(shop, live.map((s) => s.id)),
      missing.length ? orders.findByIds(shop, missing) : Promise.resolve([]),
      deps.shopZone(shop),
      deps.learned ? deps.learned(shop) : Promise.resolve(null),
      deps.legs ? deps.legs(shop, live.map((s) => s.id)) : Promise.resolve([]),
    ]);
    const now = clock.now();
    const orderById = new Map([...knownOrders, ...readOrders].map((o) => [o.orderId, o]));
    const fulfillmentById = new Map(fulfillments.map((f) => [f.fulfillmentId, f]));
    const eventsOf = groupBy(events, (e) => e.fulfillmentId);
    const casesOf = groupBy(open, (c) => String(c.shipmentId));
    const legsOf = groupBy(legs, (l) => String(l.shipmentId));
    const remember: { id: number; shown: ShownEstimate }[] = [];
    const views = live.map((shipment) => {
      const facts: ShipmentFacts = {
        shipment,
        events: eventsOf.get(shipment.fulfillmentId) ?? [],
        fulfillment: fulfillmentById.get(shipment.fulfillmentId) ?? null,
        order: orderById.get(shipment.orderId) ?? null,
        cases: casesOf.get(String(shipment.id)) ?? [],
        shopZone,
        now,
        legs: legsOf.get(String(shipment.id)) ?? [],
      };
      // a delivered parcel keeps the estimate it was shown: no window to work out for it
      if (learnedOf && learnedWindowApplies(shipment, facts.cases.map((c) => c.type))) facts.learned = learnedOf(shipment, recipientZone(facts), now);
      const built = shipmentViewOf(facts, known?.locale);
      if (built.remember) remember.push({ id: shipment.id, shown: built.remember });
      return built.view;
    });
    if (remember.length) await shipments.rememberShownEstimates(shop, remember).catch(() => undefined);
    return views;
  };
}

function groupBy<T>(list: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
