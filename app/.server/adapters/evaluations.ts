import type { EvaluationStore } from "../ports";
import type { Database } from "./db/database";
import { toCase } from "./cases";

const SYSTEM = "shipwatch";

/**
 * One transaction per batch: a sweep of hundreds of shipments commits once instead of a few times per
 * shipment. Cases still open through the unique (shop, shipment, type, openSlot) index, so a concurrent
 * evaluation elsewhere cannot make a twin. Kept short (a batch is bounded by the caller).
 */
export function createEvaluationStore({ db }: Database): EvaluationStore {
  return {
    async apply(shop, items, at) {
      return db.transaction().execute(async (trx) => {
        const opened = [];
        for (const { shipment, changes } of items) {
          let firstCaseId: number | null = null;
          for (const c of changes.open) {
            const row = await trx
              .insertInto("ExceptionCase")
              .values({
                shop,
                shipmentId: shipment.id,
                shipmentKey: shipment.shipmentKey,
                orderId: shipment.orderId,
                orderName: shipment.orderName,
                trackingNumber: shipment.trackingNumber,
                type: c.type,
                owner: c.owner,
                priority: c.priority,
                status: "open",
                openSlot: "open",
                openedAt: at,
                dueAt: c.dueAt,
                ruleId: c.rule.id,
                ruleName: c.rule.name,
                reason: c.reason,
                explanation: JSON.stringify(c.checks),
                holdMessages: c.holdMessages ? 1 : 0,
                openedOnState: c.openedOnState,
                updatedAt: at,
              })
              .onConflict((oc) => oc.columns(["shop", "shipmentId", "type", "openSlot"]).doNothing())
              .returningAll()
              .executeTakeFirst();
            if (!row) continue;
            firstCaseId ??= row.id;
            opened.push(toCase(row));
            await trx.insertInto("CaseActivity").values({ shop, caseId: row.id, at, actor: SYSTEM, kind: "opened", detail: c.reason }).execute();
          }
          for (const r of changes.raise) {
            await trx
              .updateTable("ExceptionCase")
              .set({ priority: r.priority, holdMessages: r.holdMessages ? 1 : 0, updatedAt: at })
              .where("shop", "=", shop)
              .where("id", "=", r.caseId)
              .execute();
            await trx.insertInto("CaseActivity").values({ shop, caseId: r.caseId, at, actor: SYSTEM, kind: "priority", detail: r.why }).execute();
          }
          for (const r of changes.resolve) {
            const result = await trx
              .updateTable("ExceptionCase")
              .set({ status: "resolved", openSlot: `closed:${r.caseId}`, resolution: "waited", resolvedBy: SYSTEM, resolvedAt: at, snoozedUntil: null, updatedAt: at })
              .where("shop", "=", shop)
              .where("id", "=", r.caseId)
              .where("status", "!=", "resolved")
              .executeTakeFirst();
            if (Number(result.numUpdatedRows) > 0) {
              await trx.insertInto("CaseActivity").values({ shop, caseId: r.caseId, at, actor: SYSTEM, kind: "auto_resolved", detail: r.why }).execute();
            }
          }
          for (const intent of changes.intents) {
            await trx
              .insertInto("RuleIntent")
              .values({ shop, shipmentId: shipment.id, caseId: firstCaseId, ruleId: intent.ruleId, kind: intent.kind, payload: JSON.stringify(intent.payload), createdAt: at })
              .onConflict((oc) => oc.columns(["shop", "shipmentId", "ruleId", "kind"]).doNothing())
              .execute();
          }
          // Only if the shipment is as it was read: a delivery processed meanwhile left it due (nextCheckAt = now),
          // and it must stay due so that change is evaluated too.
          await trx
            .updateTable("Shipment")
            .set({ nextCheckAt: changes.nextCheckAt, promisedBy: changes.promisedBy })
            .where("shop", "=", shop)
            .where("id", "=", shipment.id)
            .where("updatedAt", "=", shipment.updatedAt)
            .where("eventCount", "=", shipment.eventCount)
            .where("status", "=", shipment.status)
            // markDue (an order arriving) moves only nextCheckAt
            .where("nextCheckAt", shipment.nextCheckAt === null ? "is" : "=", shipment.nextCheckAt)
            .execute();
        }
        return opened;
      });
    },
  };
}
