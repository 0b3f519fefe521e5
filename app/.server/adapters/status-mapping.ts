import { sql } from "kysely";
import { isShipmentStatus, isStatusReason } from "~/domain/status";
import type { StatusMappingRepository, StatusOverrideRecord } from "../ports";
import type { Database } from "./db/database";

/** The raw code as the normalizer keys it: what was stored is the code as Shopify sent it. */
const rawCodeKey = sql<string>`lower(trim("rawStatus"))`;

export function createStatusMappingRepository({ db }: Database): StatusMappingRepository {
  return {
    async listOverrides(shop) {
      const rows = await db
        .selectFrom("StatusMappingOverride")
        .select(["source", "code", "status", "reason", "updatedAt"])
        .where("shop", "=", shop)
        .orderBy("source")
        .orderBy("code")
        .execute();
      // a row that no longer names a status Shipwatch knows is ignored rather than fed to the shipments
      return rows.flatMap((r): StatusOverrideRecord[] =>
        isShipmentStatus(r.status) ? [{ source: r.source, code: r.code, status: r.status, reason: isStatusReason(r.reason) ? r.reason : null, updatedAt: r.updatedAt }] : [],
      );
    },
    async saveOverride(shop, o, at) {
      await db
        .insertInto("StatusMappingOverride")
        .values({ shop, source: o.source, code: o.code, status: o.status, reason: o.reason, updatedAt: at })
        .onConflict((oc) => oc.columns(["shop", "source", "code"]).doUpdateSet({ status: o.status, reason: o.reason, updatedAt: at }))
        .execute();
    },
    async removeOverride(shop, source, code) {
      const result = await db.deleteFrom("StatusMappingOverride").where("shop", "=", shop).where("source", "=", source).where("code", "=", code).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async listUnmapped(shop) {
      return db
        .selectFrom("UnmappedStatusCode")
        .select(["source", "code", "count", "exampleMessage", "firstSeenAt", "lastSeenAt"])
        .where("shop", "=", shop)
        .orderBy("count", "desc")
        .orderBy("code")
        .execute();
    },
    async examplesOf(shop, source, code, limit) {
      const rows = await db
        .selectFrom("ShipmentEvent")
        .select(["rawMessage", (eb) => eb.fn.max("happenedAt").as("latest")])
        .where("shop", "=", shop)
        .where("source", "=", source)
        .where(rawCodeKey, "=", code)
        .where("rawMessage", "is not", null)
        .groupBy("rawMessage")
        .orderBy("latest", "desc")
        .limit(limit)
        .execute();
      return rows.map((r) => r.rawMessage!).filter((m) => m.trim() !== "");
    },
    async eventsWithCodes(shop, source, codes) {
      if (codes.length === 0) return [];
      const rows = await db
        .selectFrom("ShipmentEvent")
        .select(["eventKey", "fulfillmentId", "rawStatus", "rawMessage", "status", "reason"])
        .where("shop", "=", shop)
        .where("source", "=", source)
        .where(rawCodeKey, "in", codes)
        .execute();
      return rows.map((r) => ({
        ...r,
        status: isShipmentStatus(r.status) ? r.status : "unknown",
        reason: isStatusReason(r.reason) ? r.reason : null,
      }));
    },
    async setEventReadings(shop, changes) {
      if (changes.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const c of changes) {
          await trx.updateTable("ShipmentEvent").set({ status: c.status, reason: c.reason }).where("shop", "=", shop).where("eventKey", "=", c.eventKey).execute();
        }
      });
    },
    async fulfillmentsWithShipmentStatus(shop, codes) {
      if (codes.length === 0) return [];
      const rows = await db
        .selectFrom("Fulfillment")
        .select("fulfillmentId")
        .where("shop", "=", shop)
        .where(sql<string>`lower(trim("shipmentStatus"))`, "in", codes)
        .execute();
      return rows.map((r) => r.fulfillmentId);
    },
  };
}
