import type { Insertable, Selectable } from "kysely";
import type { ShipmentStatus, StatusReason } from "~/domain/status";
import type { EstimatedDelivery } from "~/domain/estimate";
import type { EventRecord, FulfillmentRecord, ParcelItem, ShipmentLegRepository, ShipmentRecord, ShipmentRepository, ShipmentWrite, ShopDays, ShownEstimate } from "../ports";
import { appendLookups, METRIC, type RollUpIncrement } from "~/domain/scorecard";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import { compiledOnce, firstRow, rowsTouched } from "./db/prepared";
import { addRollUps, markAsked } from "./scorecard";
import type { DB } from "./db/schema.generated";

/** `days`: the shop's day of an instant, to count lookups and first asks in the scorecard's roll-ups (none without it) */
export function createShipmentRepository({ db }: Database, options: { days?: ShopDays } = {}): ShipmentRepository {
  // the statements every recompute of a shipment runs (services/shipment-tracking.ts)
  const q = {
    fulfillment: compiledOnce(db, (p: { shop: string; fulfillmentId: string }) =>
      db.selectFrom("Fulfillment").selectAll().where("shop", "=", p.shop).where("fulfillmentId", "=", p.fulfillmentId),
    ),
    events: compiledOnce(db, (p: { shop: string; fulfillmentId: string }) =>
      db
        .selectFrom("ShipmentEvent")
        .selectAll()
        .where("shop", "=", p.shop)
        .where("fulfillmentId", "=", p.fulfillmentId)
        .orderBy("happenedAt", "desc")
        .orderBy("id", "desc"),
    ),
    shipmentsOfFulfillment: compiledOnce(db, (p: { shop: string; fulfillmentId: string }) =>
      db.selectFrom("Shipment").selectAll().where("shop", "=", p.shop).where("fulfillmentId", "=", p.fulfillmentId),
    ),
    shipmentByKey: compiledOnce(db, (p: { shop: string; shipmentKey: string }) =>
      db.selectFrom("Shipment").selectAll().where("shop", "=", p.shop).where("shipmentKey", "=", p.shipmentKey),
    ),
    saveFulfillment: compiledOnce(db, (p: Insertable<DB["Fulfillment"]> & { updatedAt: number }) =>
      db
        .insertInto("Fulfillment")
        .values(p)
        .onConflict((oc) =>
          oc
            .columns(["shop", "fulfillmentId"])
            .doUpdateSet((eb) => ({
              orderId: eb.ref("excluded.orderId"),
              name: eb.ref("excluded.name"),
              status: eb.ref("excluded.status"),
              shipmentStatus: eb.ref("excluded.shipmentStatus"),
              service: eb.ref("excluded.service"),
              trackingCompany: eb.ref("excluded.trackingCompany"),
              trackingNumbers: eb.ref("excluded.trackingNumbers"),
              trackingUrls: eb.ref("excluded.trackingUrls"),
              destination: eb.ref("excluded.destination"),
              items: eb.ref("excluded.items"),
              originCountry: eb.ref("excluded.originCountry"),
              originProvince: eb.ref("excluded.originProvince"),
              updatedAt: eb.ref("excluded.updatedAt"),
            }))
            // an older snapshot that arrives late never overwrites a newer one
            .where("Fulfillment.updatedAt", "<=", p.updatedAt),
        ),
    ),
    insertEvent: compiledOnce(db, (p: EventRecord & { shop: string }) =>
      db.insertInto("ShipmentEvent").values(p).onConflict((oc) => oc.columns(["shop", "eventKey"]).doNothing()),
    ),
    setPreviousStatus: compiledOnce(db, (p: { shop: string; eventKey: string; previousStatus: string | null }) =>
      db.updateTable("ShipmentEvent").set({ previousStatus: p.previousStatus }).where("shop", "=", p.shop).where("eventKey", "=", p.eventKey),
    ),
    // `updatedAt`: the time of the write, which is also a new shipment's creation
    upsertShipment: compiledOnce(db, ({ shop, shipmentKey, ...write }: ShipmentWrite & { shop: string }) =>
      db
        .insertInto("Shipment")
        // a shipment whose state changed is due for evaluation now (the sweep evaluates due shipments in batches)
        .values({ ...write, shop, shipmentKey, createdAt: write.updatedAt, nextCheckAt: write.updatedAt })
        .onConflict((oc) => oc.columns(["shop", "shipmentKey"]).doUpdateSet({ ...write, nextCheckAt: write.updatedAt }))
        .returning("id"),
    ),
  };
  return {
    async getFulfillment(shop, fulfillmentId) {
      const row = await firstRow(q.fulfillment({ shop, fulfillmentId }));
      return row ? toFulfillment(row) : null;
    },
    async saveFulfillmentIfNewer(shop, f) {
      const values = {
        shop,
        fulfillmentId: f.fulfillmentId,
        orderId: f.orderId,
        name: f.name,
        status: f.status,
        shipmentStatus: f.shipmentStatus,
        service: f.service,
        trackingCompany: f.trackingCompany,
        trackingNumbers: JSON.stringify(f.trackingNumbers),
        trackingUrls: JSON.stringify(f.trackingUrls),
        destination: f.destination == null ? null : JSON.stringify(f.destination),
        items: JSON.stringify(f.items),
        originCountry: f.originCountry,
        originProvince: f.originProvince,
        createdAt: f.createdAt,
        updatedAt: f.updatedAt,
      };
      return (await rowsTouched(q.saveFulfillment(values))) > 0;
    },
    async insertEvent(shop, e) {
      return (await rowsTouched(q.insertEvent({ shop, ...e }))) > 0;
    },
    async tombstoneEvent(shop, event) {
      // a deleted event has left the timeline, so it follows nothing
      await db
        .insertInto("ShipmentEvent")
        .values({ ...event, shop, previousStatus: null })
        .onConflict((oc) => oc.columns(["shop", "eventKey"]).doUpdateSet({ deletedAt: event.deletedAt, previousStatus: null }))
        .execute();
    },
    async listEvents(shop, fulfillmentId) {
      const { rows } = await q.events({ shop, fulfillmentId });
      return rows.map(toEvent);
    },
    async setPreviousStatuses(shop, changes) {
      for (const c of changes) await q.setPreviousStatus({ shop, eventKey: c.eventKey, previousStatus: c.previousStatus });
    },
    async listShipmentsOfFulfillment(shop, fulfillmentId) {
      const { rows } = await q.shipmentsOfFulfillment({ shop, fulfillmentId });
      return rows.map(toShipment);
    },
    async getShipmentByKey(shop, shipmentKey) {
      const row = await firstRow(q.shipmentByKey({ shop, shipmentKey }));
      return row ? toShipment(row) : null;
    },
    async getShipmentByTracking(shop, trackingNumber) {
      const own = await db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("shipmentKey", "=", trackingNumber).executeTakeFirst();
      if (own) return toShipment(own);
      // a later leg's number (a hand-off): the parcel it belongs to, in this shop only
      const handedOn = await db
        .selectFrom("ShipmentLeg")
        .innerJoin("Shipment", (join) => join.onRef("Shipment.id", "=", "ShipmentLeg.shipmentId").onRef("Shipment.shop", "=", "ShipmentLeg.shop"))
        .selectAll("Shipment")
        .where("ShipmentLeg.shop", "=", shop)
        .where("ShipmentLeg.trackingNumber", "=", trackingNumber)
        .executeTakeFirst();
      return handedOn ? toShipment(handedOn) : null;
    },
    async upsertShipment(shop, shipmentKey, write, at) {
      const row = await firstRow(q.upsertShipment({ ...write, updatedAt: at, shop, shipmentKey }));
      if (!row) throw new Error(`shipment ${shipmentKey} was not written`);
      return row.id;
    },
    async markDue(shop, ids, at) {
      if (!ids.length) return;
      await db.updateTable("Shipment").set({ nextCheckAt: at }).where("shop", "=", shop).where("id", "in", [...ids]).execute();
    },
    async markSuperseded(shop, keys, at) {
      if (!keys.length) return;
      await db
        .updateTable("Shipment")
        .set({ supersededAt: at, updatedAt: at, nextCheckAt: at })
        .where("shop", "=", shop)
        .where("shipmentKey", "in", keys)
        .execute();
    },
    async renameOrder(shop, orderId, orderName) {
      await db
        .updateTable("Shipment")
        .set({ orderName })
        .where("shop", "=", shop)
        .where("orderId", "=", orderId)
        .where("orderName", "!=", orderName)
        .execute();
    },
    async cancelShipmentsOfOrder(shop, orderId, at) {
      await db
        .updateTable("Shipment")
        .set({ cancelledAt: at, updatedAt: at })
        .where("shop", "=", shop)
        .where("orderId", "=", orderId)
        .where("cancelledAt", "is", null)
        .execute();
    },
    async listShipmentsOfOrder(shop, orderId) {
      const rows = await db
        .selectFrom("Shipment")
        .selectAll()
        .where("shop", "=", shop)
        .where("orderId", "=", orderId)
        .orderBy("id")
        .execute();
      return rows.map(toShipment);
    },
    async getShipment(shop, id) {
      const row = await db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      return row ? toShipment(row) : null;
    },
    async getShipments(shop, ids) {
      if (!ids.length) return [];
      const rows = await db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("id", "in", [...ids]).execute();
      return rows.map(toShipment);
    },
    async setEvaluation(shop, id, evaluation) {
      await db.updateTable("Shipment").set(evaluation).where("shop", "=", shop).where("id", "=", id).execute();
    },
    async dueForCheck(now, limit) {
      // served by the index on nextCheckAt: the cost follows the due shipments, not all of them
      return db
        .selectFrom("Shipment")
        .select(["shop", "id"])
        .where("nextCheckAt", "<=", now)
        .orderBy("nextCheckAt")
        .limit(limit)
        .execute();
    },
    async recordLookups(shop, lookups) {
      if (!lookups.length) return;
      const dayOf = options.days ? await options.days(shop) : null;
      // one commit for the whole batch
      await db.transaction().execute(async (trx) => {
        const recentById = new Map<number, number[]>();
        const read = await trx.selectFrom("Shipment").select(["id", "recentLookups"]).where("shop", "=", shop).where("id", "in", lookups.map((l) => l.id)).execute();
        for (const row of read) recentById.set(row.id, readJson<number[]>(row.recentLookups, []));
        const increments: RollUpIncrement[] = [];
        for (const { id, count, lastAt } of lookups) {
          if (!recentById.has(id)) continue;
          // the last lookups' times: a shopper looking 3+ times in 24 h makes the parcel due for evaluation now
          const { recent, becameWorried } = appendLookups(recentById.get(id)!, count, lastAt);
          await trx
            .updateTable("Shipment")
            .set((eb) => ({ lookupCount: eb("lookupCount", "+", count), lastLookedUpAt: lastAt, recentLookups: JSON.stringify(recent), ...(becameWorried ? { nextCheckAt: lastAt } : {}) }))
            .where("shop", "=", shop)
            .where("id", "=", id)
            .execute();
          if (!dayOf) continue;
          const day = dayOf(lastAt);
          increments.push({ day, metric: METRIC.lookup, key: "", count, total: 0 }, ...(await markAsked(trx, shop, id, lastAt, day)));
        }
        await addRollUps(trx, shop, increments);
      });
    },
    async listEventsOfFulfillments(shop, fulfillmentIds) {
      if (!fulfillmentIds.length) return [];
      const rows = await db
        .selectFrom("ShipmentEvent")
        .selectAll()
        .where("shop", "=", shop)
        .where("fulfillmentId", "in", fulfillmentIds)
        .orderBy("happenedAt", "desc")
        .orderBy("id", "desc")
        .execute();
      return rows.map(toEvent);
    },
    async getFulfillments(shop, fulfillmentIds) {
      if (!fulfillmentIds.length) return [];
      const rows = await db
        .selectFrom("Fulfillment")
        .selectAll()
        .where("shop", "=", shop)
        .where("fulfillmentId", "in", [...fulfillmentIds])
        .execute();
      return rows.map(toFulfillment);
    },
    async rememberShownEstimates(shop, shown) {
      if (!shown.length) return;
      // rare (an estimate changes a few times in a parcel's life): one small UPDATE each, one commit
      await db.transaction().execute(async (trx) => {
        for (const { id, shown: estimate } of shown) {
          await trx.updateTable("Shipment").set({ shownEstimate: JSON.stringify(estimate) }).where("shop", "=", shop).where("id", "=", id).execute();
        }
      });
    },
    async countUnmapped(shop, source, code, example, at) {
      await db
        .insertInto("UnmappedStatusCode")
        .values({ shop, source, code, count: 1, exampleMessage: example, firstSeenAt: at, lastSeenAt: at })
        .onConflict((oc) =>
          oc.columns(["shop", "source", "code"]).doUpdateSet((eb) => ({
            count: eb("UnmappedStatusCode.count", "+", 1),
            lastSeenAt: at,
            exampleMessage: eb.fn.coalesce("excluded.exampleMessage", "UnmappedStatusCode.exampleMessage"),
          })),
        )
        .execute();
    },
  };
}

function toFulfillment(row: Selectable<DB["Fulfillment"]>): FulfillmentRecord {
  const destination = readJson<{ countryCode?: string | null; provinceCode?: string | null } | null>(row.destination, null);
  return {
    fulfillmentId: row.fulfillmentId,
    orderId: row.orderId,
    name: row.name,
    status: row.status,
    shipmentStatus: row.shipmentStatus,
    service: row.service,
    trackingCompany: row.trackingCompany,
    trackingNumbers: readJson<string[]>(row.trackingNumbers, []),
    trackingUrls: readJson<string[]>(row.trackingUrls, []),
    destination,
    items: readJson<ParcelItem[]>(row.items, []),
    destinationCountry: destination?.countryCode ?? null,
    destinationProvince: destination?.provinceCode ?? null,
    originCountry: row.originCountry,
    originProvince: row.originProvince,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toEvent(row: Selectable<DB["ShipmentEvent"]>): EventRecord {
  return {
    eventKey: row.eventKey,
    fulfillmentId: row.fulfillmentId,
    orderId: row.orderId,
    source: row.source,
    rawStatus: row.rawStatus,
    rawMessage: row.rawMessage,
    status: row.status as ShipmentStatus,
    reason: row.reason as StatusReason | null,
    previousStatus: row.previousStatus as ShipmentStatus | null,
    happenedAt: row.happenedAt,
    estimatedDeliveryAt: row.estimatedDeliveryAt,
    location: row.location,
    receivedAt: row.receivedAt,
    deletedAt: row.deletedAt,
  };
}

export function toShipment(row: Selectable<DB["Shipment"]>): ShipmentRecord {
  return { ...row, status: row.status as ShipmentStatus, reason: row.reason as StatusReason | null, shownEstimate: readJson<ShownEstimate | null>(row.shownEstimate, null), firstEstimate: readJson<EstimatedDelivery | null>(row.firstEstimate, null), recentLookups: readJson<number[]>(row.recentLookups, []) };
}

/** The legs a parcel was handed on to (ShipmentLeg): each shop's numbers are its own. */
export function createShipmentLegRepository({ db }: Database): ShipmentLegRepository {
  return {
    async add(shop, leg) {
      return db.transaction().execute(async (tx) => {
        const last = await tx
          .selectFrom("ShipmentLeg")
          .select((eb) => eb.fn.max("position").as("position"))
          .where("shop", "=", shop)
          .where("shipmentId", "=", leg.shipmentId)
          .executeTakeFirst();
        const position = Number(last?.position ?? 0) + 1;
        const inserted = await tx
          .insertInto("ShipmentLeg")
          .values({ shop, ...leg, position })
          .onConflict((oc) => oc.columns(["shop", "trackingNumber"]).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return null;
        // between carriers now: silence is judged again (domain/hand-offs.ts), at once
        await tx.updateTable("Shipment").set({ handedOffAt: leg.addedAt, nextCheckAt: leg.addedAt }).where("shop", "=", shop).where("id", "=", leg.shipmentId).execute();
        return { ...leg, position };
      });
    },
    async listOf(shop, shipmentIds) {
      if (!shipmentIds.length) return [];
      const rows = await db
        .selectFrom("ShipmentLeg")
        .select(["shipmentId", "position", "carrierCode", "carrierName", "trackingNumber", "source", "addedAt"])
        .where("shop", "=", shop)
        .where("shipmentId", "in", [...shipmentIds])
        .orderBy("shipmentId")
        .orderBy("position")
        .execute();
      return rows.map((r) => ({ ...r, addedAt: Number(r.addedAt) }));
    },
  };
}
