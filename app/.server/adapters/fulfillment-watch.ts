import { FULFILLMENT_DELAY_CASE, orderCaseKey } from "~/domain/fulfillment-delay";
import type { FulfillmentWatchStore, ShopDays } from "../ports";
import type { Database } from "./db/database";
import { toCase } from "./cases";
import { addRollUps, openingIncrements, resolutionIncrements } from "./scorecard";

const SYSTEM = "shipwatch";
const TYPE = FULFILLMENT_DELAY_CASE.type;

/**
 * Orders waiting to ship (Order.handlingCheckAt, indexed) and their order-level cases. An order-level case has no
 * shipment (shipmentId null) and is filed under "order:<orderId>" in shipmentKey: the unique open-slot index
 * (shop, shipmentKey, type, openSlot) keeps it to one open case per order, as it does per shipment.
 * `days`: the shop's day of an instant, to count cases opened and resolved in the scorecard's roll-ups.
 */
export function createFulfillmentWatchStore({ db }: Database, options: { days?: ShopDays } = {}): FulfillmentWatchStore {
  return {
    async dueOrders(at, limit) {
      return db
        .selectFrom("Order")
        .select(["shop", "orderId"])
        .where("handlingCheckAt", "<=", at)
        .orderBy("handlingCheckAt")
        .limit(limit)
        .execute();
    },
    async latestCase(shop, orderId) {
      const row = await db
        .selectFrom("ExceptionCase")
        .selectAll()
        .where("shop", "=", shop)
        .where("shipmentKey", "=", orderCaseKey(orderId))
        .where("type", "=", TYPE)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? toCase(row) : null;
    },
    async apply(shop, order, plan, at) {
      const counting = options.days && (plan.open || plan.resolve);
      const day = counting ? (await options.days!(shop))(at) : null;
      return db.transaction().execute(async (trx) => {
        let opened = null;
        let resolved = false;
        // Only a plan made from the order as it still is: a newer snapshot saved meanwhile is due (its save said
        // so) and is judged on its own, so a stale "late" never opens a case on an order that has since shipped.
        const current = await trx
          .updateTable("Order")
          .set({ handlingCheckAt: plan.nextCheckAt })
          .where("shop", "=", shop)
          .where("orderId", "=", order.orderId)
          .where("updatedAt", "=", order.updatedAt)
          .executeTakeFirst();
        if (Number(current.numUpdatedRows) === 0) return { opened, resolved };
        if (plan.open) {
          const row = await trx
            .insertInto("ExceptionCase")
            .values({
              shop,
              shipmentId: null,
              shipmentKey: orderCaseKey(order.orderId),
              orderId: order.orderId,
              orderName: order.name,
              trackingNumber: null,
              type: TYPE,
              owner: FULFILLMENT_DELAY_CASE.owner,
              priority: plan.open.priority,
              status: "open",
              openSlot: "open",
              openedAt: at,
              dueAt: plan.open.dueAt,
              ruleId: null,
              ruleName: FULFILLMENT_DELAY_CASE.ruleName,
              reason: plan.open.reason,
              explanation: "[]",
              holdMessages: 0,
              openedOnState: "",
              updatedAt: at,
            })
            .onConflict((oc) => oc.columns(["shop", "shipmentKey", "type", "openSlot"]).doNothing())
            .returningAll()
            .executeTakeFirst();
          if (row) {
            opened = toCase(row);
            await trx.insertInto("CaseActivity").values({ shop, caseId: row.id, at, actor: SYSTEM, kind: "opened", detail: `${FULFILLMENT_DELAY_CASE.ruleName}: ${plan.open.reason}` }).execute();
            if (day) await addRollUps(trx, shop, openingIncrements(day, row, at));
          }
        }
        if (plan.resolve) {
          const { caseId, why } = plan.resolve;
          const row = await trx
            .updateTable("ExceptionCase")
            .set({ status: "resolved", openSlot: `closed:${caseId}`, resolution: "waited", resolvedBy: SYSTEM, resolvedAt: at, snoozedUntil: null, updatedAt: at })
            .where("shop", "=", shop)
            .where("id", "=", caseId)
            .where("status", "!=", "resolved")
            .returning(["type", "openedAt"])
            .executeTakeFirst();
          if (row) {
            resolved = true;
            await trx.insertInto("CaseActivity").values({ shop, caseId, at, actor: SYSTEM, kind: "auto_resolved", detail: why }).execute();
            if (day) await addRollUps(trx, shop, resolutionIncrements(day, row.type, row.openedAt, at, 1));
          }
        }
        return { opened, resolved };
      });
    },
    async postpone(shop, orderId, until) {
      await db.updateTable("Order").set({ handlingCheckAt: until }).where("shop", "=", shop).where("orderId", "=", orderId).execute();
    },
    async recheckShop(shop, at) {
      const waiting = db
        .selectFrom("ExceptionCase")
        .select("orderId")
        .where("shop", "=", shop)
        .where("type", "=", TYPE)
        .where("openSlot", "=", "open");
      const result = await db
        .updateTable("Order")
        .set({ handlingCheckAt: at })
        .where("shop", "=", shop)
        .where((eb) => eb.or([eb("waitingLines", "!=", "[]"), eb("orderId", "in", waiting)]))
        .where("cancelledAt", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
