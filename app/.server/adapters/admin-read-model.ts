import { sql } from "kysely";
import { SHIPMENT_STATUSES } from "~/domain/status";
import type { AdminReadModel, ShipmentListPage } from "../ports";
import type { ShipmentRepository } from "../ports";
import type { Database } from "./db/database";
import { toEvent, toShipment } from "./shipments";

/** Read models for the admin pages. Every query is scoped to the signed-in shop. */
export function createAdminReadModel(deps: { database: Database; shipments: ShipmentRepository }): AdminReadModel {
  const { db } = deps.database;
  return {
    async listShipments(shop, query): Promise<ShipmentListPage> {
      const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 100);
      const page = Math.max(query.page ?? 1, 1);
      let base = db.selectFrom("Shipment").where("shop", "=", shop).where("supersededAt", "is", null);
      if (query.status && (SHIPMENT_STATUSES as readonly string[]).includes(query.status)) base = base.where("status", "=", query.status);
      if (query.carrier) base = base.where("carrierCode", "=", query.carrier);
      const search = query.search?.trim();
      if (search) {
        const upper = search.replace(/\s+/g, "").toUpperCase();
        const name = search.startsWith("#") ? search : `#${search}`;
        base = base.where((eb) => eb.or([eb("shipmentKey", "=", upper), eb("orderName", "=", name), eb("shipmentKey", "like", `${upper.replace(/[%_]/g, "")}%`)]));
      }
      const [rows, total, statusRows, carrierRows] = await Promise.all([
        base
          .selectAll()
          // most recent carrier activity first; a label nobody has scanned counts from when it was made
          .orderBy(sql`coalesce("lastEventAt", "shippedAt")`, "desc")
          .orderBy("id", "desc")
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
        db
          .selectFrom("Shipment")
          .where("shop", "=", shop)
          .where("supersededAt", "is", null)
          .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
          .groupBy("status")
          .execute(),
        db
          .selectFrom("Shipment")
          .where("shop", "=", shop)
          .select(["carrierCode", "carrierName"])
          .distinct()
          .orderBy("carrierName")
          .execute(),
      ]);
      return {
        shipments: rows.map(toShipment),
        page,
        pageSize,
        total: Number(total.n),
        statusCounts: Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)])),
        carriers: carrierRows.map((c) => ({ code: c.carrierCode, name: c.carrierName })),
      };
    },

    async shipmentDetail(shop, id) {
      const row = await db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      if (!row) return null;
      const shipment = toShipment(row);
      const events = (
        await db
          .selectFrom("ShipmentEvent")
          .selectAll()
          .where("shop", "=", shop)
          .where("fulfillmentId", "=", shipment.fulfillmentId)
          .where("deletedAt", "is", null)
          .orderBy("happenedAt", "desc")
          .orderBy("id", "desc")
          .execute()
      ).map(toEvent);
      const siblings = (await deps.shipments.listShipmentsOfOrder(shop, shipment.orderId)).filter((s) => s.id !== shipment.id);
      const legs = await db
        .selectFrom("ShipmentLeg")
        .select(["shipmentId", "position", "carrierCode", "carrierName", "trackingNumber", "source", "addedAt"])
        .where("shop", "=", shop)
        .where("shipmentId", "=", shipment.id)
        .orderBy("position")
        .execute();
      return { shipment, events, siblings, legs: legs.map((l) => ({ ...l, addedAt: Number(l.addedAt) })) };
    },
  };
}
