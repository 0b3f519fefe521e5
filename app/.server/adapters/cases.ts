import type { Selectable } from "kysely";
import type { ConditionCheck, ExceptionType, Owner, Priority } from "~/domain/rules";
import type { CaseRecord, CaseRepository, CaseStatus, Resolution } from "../services/ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import type { DB } from "./db/schema.generated";

const OPEN = "open";

export function createCaseRepository({ db }: Database): CaseRepository {
  const byId = (shop: string, id: number) => db.selectFrom("ExceptionCase").selectAll().where("shop", "=", shop).where("id", "=", id);
  return {
    async get(shop, id) {
      const row = await byId(shop, id).executeTakeFirst();
      return row ? toCase(row) : null;
    },
    async list(shop, q) {
      let query = db.selectFrom("ExceptionCase").where("shop", "=", shop);
      if (q.status === "open") query = query.where("status", "in", ["open", "snoozed"]);
      else if (q.status && q.status !== "all") query = query.where("status", "=", q.status);
      if (q.type) query = query.where("type", "=", q.type);
      if (q.owner) query = query.where("owner", "=", q.owner);
      if (q.priority) query = query.where("priority", "=", q.priority);
      if (q.assignee) query = query.where("assignee", "=", q.assignee);
      if (q.overdueAt !== undefined) query = query.where("dueAt", "<", q.overdueAt).where("status", "!=", "resolved");
      if (q.openedBefore !== undefined) query = query.where("openedAt", "<", q.openedBefore);
      if (q.shipmentId !== undefined) query = query.where("shipmentId", "=", q.shipmentId);
      const [rows, total] = await Promise.all([
        query
          .selectAll()
          .orderBy("openedAt", "desc")
          .orderBy("id", "desc")
          .limit(Math.min(q.limit ?? 50, 500))
          .offset(q.offset ?? 0)
          .execute(),
        query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
      ]);
      return { cases: rows.map(toCase), total: Number(total.n) };
    },
    async openForShipments(shop, shipmentIds) {
      if (!shipmentIds.length) return [];
      const rows = await db
        .selectFrom("ExceptionCase")
        .selectAll()
        .where("shop", "=", shop)
        .where("shipmentId", "in", [...shipmentIds])
        .where("openSlot", "=", OPEN)
        .execute();
      return rows.map(toCase);
    },
    async update(shop, id, changes, at) {
      const { holdMessages, ...rest } = changes;
      const result = await db
        .updateTable("ExceptionCase")
        .set({ ...rest, ...(holdMessages === undefined ? {} : { holdMessages: holdMessages ? 1 : 0 }), updatedAt: at })
        .where("shop", "=", shop)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async resolve(shop, id, resolution, actor, at) {
      const result = await db
        .updateTable("ExceptionCase")
        .set({ status: "resolved", openSlot: `closed:${id}`, resolution, resolvedBy: actor, resolvedAt: at, snoozedUntil: null, updatedAt: at })
        .where("shop", "=", shop)
        .where("id", "=", id)
        .where("status", "!=", "resolved")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async reopen(shop, id, at) {
      // reopening is refused by the unique index if another case of the type opened meanwhile
      try {
        const result = await db
          .updateTable("ExceptionCase")
          .set({ status: "open", openSlot: OPEN, resolution: null, resolvedAt: null, resolvedBy: null, updatedAt: at })
          .where("shop", "=", shop)
          .where("id", "=", id)
          .where("status", "=", "resolved")
          .executeTakeFirst();
        return Number(result.numUpdatedRows) > 0;
      } catch {
        return false;
      }
    },
    async wakeSnoozed(at) {
      const woken = await db
        .updateTable("ExceptionCase")
        .set({ status: "open", snoozedUntil: null, updatedAt: at })
        .where("status", "=", "snoozed")
        .where("snoozedUntil", "<=", at)
        .returning(["id", "shop"])
        .execute();
      for (const c of woken) {
        await db.insertInto("CaseActivity").values({ shop: c.shop, caseId: c.id, at, actor: "shipwatch", kind: "woken", detail: "Snooze ended: back in the queue." }).execute();
      }
      return woken.length;
    },
    async addActivity(shop, caseId, a) {
      await db.insertInto("CaseActivity").values({ shop, caseId, at: a.at, actor: a.actor, kind: a.kind, detail: a.detail }).execute();
    },
    async activities(shop, caseId) {
      return db
        .selectFrom("CaseActivity")
        .select(["id", "caseId", "at", "actor", "kind", "detail"])
        .where("shop", "=", shop)
        .where("caseId", "=", caseId)
        .orderBy("at")
        .orderBy("id")
        .execute();
    },
  };
}

export function toCase(row: Selectable<DB["ExceptionCase"]>): CaseRecord {
  return {
    id: row.id,
    shop: row.shop,
    shipmentId: row.shipmentId,
    shipmentKey: row.shipmentKey,
    orderId: row.orderId,
    orderName: row.orderName,
    trackingNumber: row.trackingNumber,
    type: row.type as ExceptionType,
    owner: row.owner as Owner,
    assignee: row.assignee,
    priority: row.priority as Priority,
    status: row.status as CaseStatus,
    snoozedUntil: row.snoozedUntil,
    openedAt: row.openedAt,
    dueAt: row.dueAt,
    resolvedAt: row.resolvedAt,
    resolution: row.resolution as Resolution | null,
    resolvedBy: row.resolvedBy,
    ruleId: row.ruleId,
    ruleName: row.ruleName,
    reason: row.reason,
    explanation: readJson<ConditionCheck[]>(row.explanation, []),
    holdMessages: row.holdMessages === 1,
    openedOnState: row.openedOnState,
    updatedAt: row.updatedAt,
  };
}
