import { calendarFor } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import { zoneForDestination } from "~/domain/time-zones";
import { replayEstimates, type ReplayFigures, type ReplayParcel } from "~/domain/transit-replay";
import type { openDatabase } from "~/.server/adapters/db/database";
import { DEFAULT_SETTINGS } from "~/.server/services/shop-profile";
import { carrierHolidaysAround } from "~/.server/services/transit";

type Db = ReturnType<typeof openDatabase>["db"];

/**
 * States in a parcel's carrier history that mean its journey was not a plain one: an exception, a delay the
 * carrier reported, a failed attempt, a return, or a wait at a pickup point (then the shopper decides the day).
 * Read from the carrier's own events, so the set of clean parcels does not depend on what the app's sweep
 * happened to see while the month was arriving.
 */
const NOT_PLAIN = new Set(["exception", "delayed", "attempted_delivery", "returning_to_sender", "returned_to_sender", "available_for_pickup", "unknown"]);

export interface EstimateReplay {
  /** the month as the shop lived it: its history (imported on install) taught the model before the month began */
  withHistory: ReplayFigures;
  /** the month alone, as a shop with no history would have lived it */
  fromScratch: ReplayFigures;
  /** delivered parcels of the history the model started from */
  historyDelivered: number;
}

/**
 * The learned estimates and the "trending late" flag over the demo's month, replayed in time order from what the
 * app stored (domain/transit-replay.ts): each parcel gets the window the shop's model would have given the moment
 * it shipped, learned only from parcels delivered before then. The live app learned the whole month in the minute
 * the demo replayed it, so its own windows say nothing about how the model does over time; this does.
 */
export async function estimateReplay(db: Db, shop: string, options: { historyUntil: number }): Promise<EstimateReplay> {
  const settings = await db.selectFrom("ShopSettings").selectAll().where("shop", "=", shop).executeTakeFirst();
  const zone = settings?.timezone ?? "America/New_York";
  const holidays = JSON.parse(settings?.holidays ?? "[]") as string[];
  const carrierWorkdays = JSON.parse(settings?.carrierWorkdays ?? "{}") as Partial<Record<CarrierCode, number[]>>;
  // the cut-off the app counts from (services/transit.ts): the catch-all promise's
  const policies: { match: string; cutoffHour: number }[] = settings ? JSON.parse(settings.promisePolicies) : DEFAULT_SETTINGS.promisePolicies;
  const cutoffHour = (policies.find((p) => p.match.trim() === "*") ?? policies[0])?.cutoffHour ?? null;
  const shipments = await db
    .selectFrom("Shipment")
    .select(["id", "fulfillmentId", "orderId", "carrierCode", "service", "destinationCountry", "destinationProvince", "shippedAt", "deliveredAt", "promisedBy"])
    .where("shop", "=", shop)
    .where("supersededAt", "is", null)
    .where("cancelledAt", "is", null)
    .execute();
  // Shopify's fulfillment "service" names the fulfillment service ("manual"), not the carrier's: the shipping
  // method the shopper chose says more about how fast a parcel goes
  const methods = new Map<string, string | null>();
  for (const o of await db.selectFrom("Order").select(["orderId", "shippingLines"]).where("shop", "=", shop).execute()) {
    const lines = JSON.parse(o.shippingLines) as { code: string | null; title: string | null }[];
    methods.set(o.orderId, lines[0]?.title ?? lines[0]?.code ?? null);
  }
  const scans = new Map<string, number[]>();
  const troubled = new Set<string>();
  for (const e of await db.selectFrom("ShipmentEvent").select(["fulfillmentId", "happenedAt", "status"]).where("shop", "=", shop).where("deletedAt", "is", null).execute()) {
    if (NOT_PLAIN.has(e.status)) troubled.add(e.fulfillmentId);
    if (e.status === "label_created" || e.status === "unknown") continue;
    scans.set(e.fulfillmentId, [...(scans.get(e.fulfillmentId) ?? []), Number(e.happenedAt)]);
  }
  const calendars = new Map<string, ReturnType<typeof calendarFor>>();
  const calendarOf = (carrier: CarrierCode) => {
    let calendar = calendars.get(carrier);
    // as the app counts (services/transit.ts): the shop's holidays and the carrier's published ones
    if (!calendar) calendars.set(carrier, (calendar = calendarFor({ timezone: zone, carrier, holidays: [...holidays, ...carrierHolidaysAround(carrier, Date.now(), zone)], carrierWorkdays })));
    return calendar;
  };
  const parcels: ReplayParcel[] = shipments.map((s) => ({
    carrier: s.carrierCode as CarrierCode,
    service: s.service && s.service !== "manual" ? s.service : methods.get(s.orderId) ?? null,
    origin: null,
    destination: { country: s.destinationCountry, province: s.destinationProvince },
    shippedAt: Number(s.shippedAt),
    deliveredAt: s.deliveredAt === null ? null : Number(s.deliveredAt),
    promisedBy: s.promisedBy === null ? null : Number(s.promisedBy),
    scans: scans.get(s.fulfillmentId) ?? [],
    exception: troubled.has(s.fulfillmentId),
    calendar: calendarOf(s.carrierCode as CarrierCode),
    cutoffHour,
    zone: zoneForDestination({ country: s.destinationCountry, region: s.destinationProvince }, zone),
  }));
  const month = parcels.filter((p) => p.shippedAt > options.historyUntil);
  return {
    withHistory: replayEstimates(parcels, { scoreFrom: options.historyUntil }),
    fromScratch: replayEstimates(month),
    historyDelivered: parcels.filter((p) => p.shippedAt <= options.historyUntil && p.deliveredAt !== null).length,
  };
}

export function estimateLines(r: EstimateReplay): string[] {
  const pct = (n: number, d: number) => (d ? `${((n / d) * 100).toFixed(1)}%` : "n/a");
  const f = r.withHistory;
  const s = r.fromScratch;
  return [
    `learned window  ${pct(f.clean.inside, f.clean.scored)} of ${f.clean.scored} plain deliveries (no exception, delay, failed attempt or pickup point on the way) came inside the window given when they shipped (${pct(f.inside, f.scored)} of all ${f.scored}); mean width ${f.meanWidthDays.toFixed(2)} days, mean error ${f.meanErrorDays.toFixed(2)} days`,
    `                learned from the ${r.historyDelivered} deliveries of the month before (imported on install) and each delivery of the month as it came; knowing the whole month in advance, windows of at most 3 dates could hold ${(f.ceiling * 100).toFixed(1)}%`,
    `                a shop with no history: ${pct(s.clean.inside, s.clean.scored)} of ${s.clean.scored} plain, starting from published transit times; ${pct(s.warm.clean.inside, s.warm.clean.scored)} once it had 10 days of its own`,
    `trending late   ${f.lateFlagged} of ${f.late} late parcels flagged before their promise passed; ${f.onTimeFlagged} of ${f.onTime} on-time parcels flagged (false alarms)`,
  ];
}
