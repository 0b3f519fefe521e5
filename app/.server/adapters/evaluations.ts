import { METRIC, problemSince, type RollUpIncrement } from "~/domain/scorecard";
import type { EvaluationStore, ShopDays } from "../ports";
import type { Database } from "./db/database";
import { toCase } from "./cases";
import { addRollUps, openingIncrements, resolutionIncrements } from "./scorecard";

const SYSTEM = "shipwatch";

/**
 * One transaction per batch: a sweep of hundreds of shipments commits once instead of a few times per
 * shipment. Cases still open through the unique (shop, shipmentKey, type, openSlot) index, so a concurrent
 * evaluation elsewhere cannot make a twin. Kept short (a batch is bounded by the caller).
 * `days`: the shop's day of an instant, to count cases opened and resolved (and case before ask) in the
 * scorecard's roll-ups, in this same transaction.
 */
export function createEvaluationStore({ db }: Database, options: { days?: ShopDays } = {}): EvaluationStore {
  return {
    async apply(shop, items, at) {
      const counting = options.days && items.some((i) => i.changes.open.length || i.changes.resolve.length);
      const day = counting ? (await options.days!(shop))(at) : null;
      return db.transaction().execute(async (trx) => {
        const opened = [];
        // counted only for the rows this transaction really wrote (a twin case or an already resolved one is not)
        const increments: RollUpIncrement[] = [];
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
              .onConflict((oc) => oc.columns(["shop", "shipmentKey", "type", "openSlot"]).doNothing())
              .returningAll()
              .executeTakeFirst();
            if (!row) continue;
            firstCaseId ??= row.id;
            opened.push(toCase(row));
            if (day) increments.push(...openingIncrements(day, row, problemSince(shipment, at)));
            await trx.insertInto("CaseActivity").values({ shop, caseId: row.id, at, actor: SYSTEM, kind: "opened", detail: c.reason }).execute();
          }
          if (day && firstCaseId !== null && shipment.firstCaseAt === null) {
            // its first case: "case before ask" is decided when both a case and an ask are there
            const marked = await trx.updateTable("Shipment").set({ firstCaseAt: at }).where("shop", "=", shop).where("id", "=", shipment.id).where("firstCaseAt", "is", null).returning(["firstAskedAt"]).executeTakeFirst();
            if (marked && marked.firstAskedAt !== null) increments.push({ day, metric: METRIC.caseBeforeAsk, key: "both", count: 1, total: 0 });
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
            const resolved = await trx
              .updateTable("ExceptionCase")
              .set({ status: "resolved", openSlot: `closed:${r.caseId}`, resolution: "waited", resolvedBy: SYSTEM, resolvedAt: at, snoozedUntil: null, updatedAt: at })
              .where("shop", "=", shop)
              .where("id", "=", r.caseId)
              .where("status", "!=", "resolved")
              .returning(["type", "openedAt"])
              .executeTakeFirst();
            if (resolved) {
              if (day) increments.push(...resolutionIncrements(day, resolved.type, resolved.openedAt, at, 1));
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
        await addRollUps(trx, shop, increments);
        return opened;
      });
    },
  };
}
