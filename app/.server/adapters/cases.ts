import { sql, type Selectable, type Updateable } from "kysely";
import { PRIORITIES, type ConditionCheck, type ExceptionType, type Owner, type Priority } from "~/domain/rules";
import type { CaseRecord, CaseRepository, CaseStatus, Resolution, ShopDays } from "../ports";
import type { Database } from "./db/database";
import { addRollUps, resolutionIncrements } from "./scorecard";
import { readJson } from "./db/json-column";
import type { DB } from "./db/schema.generated";

const OPEN = "open";

/** the most urgent first: PRIORITIES runs from low to urgent */
const PRIORITY_RANK = sql<number>`case "priority" ${sql.join(
  [...PRIORITIES].reverse().map((p, i) => sql`when ${p} then ${sql.lit(i)}`),
  sql` `,
)} else ${sql.lit(PRIORITIES.length)} end`;

/** `days`: the shop's day of an instant, to count resolutions (and reopenings) in the scorecard's roll-ups */
export function createCaseRepository({ db }: Database, options: { days?: ShopDays } = {}): CaseRepository {
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
      const search = q.search?.trim();
      if (search) {
        const { names, key, email } = searchKeys(search);
        query = query.where((eb) =>
          eb.or([
            // the start of an order name is enough ("#10" finds #1001)
            ...names.map((name) => eb("orderName", "like", `${name}%`)),
            eb("shipmentKey", "=", key),
            // the email is the order's (cases keep no personal data); the same shop's orders only
            ...(email
              ? [eb("orderId", "in", db.selectFrom("Order").select("orderId").where("shop", "=", shop).where(sql`lower("email")`, "=", email))]
              : []),
          ]),
        );
      }
      let ordered = query.selectAll();
      if (q.sort === "urgency" || q.sort === "least_urgent") {
        // least urgent first is the same order read from its end
        const way = q.sort === "urgency" ? "asc" : "desc";
        ordered = ordered
          .orderBy(PRIORITY_RANK, way)
          // no deadline sorts after every deadline
          .orderBy(sql`case when "dueAt" is null then 1 else 0 end`, way)
          .orderBy("dueAt", way)
          .orderBy("openedAt", way)
          .orderBy("id", way);
      }
      else if (q.sort === "oldest") ordered = ordered.orderBy("openedAt").orderBy("id");
      else ordered = ordered.orderBy("openedAt", "desc").orderBy("id", "desc");
      const [rows, total] = await Promise.all([
        ordered
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
    async change(shop, id, change, activity) {
      const at = activity.at;
      const set: Updateable<DB["ExceptionCase"]> = { updatedAt: at };
      if (change.assignee !== undefined) set.assignee = change.assignee;
      if (change.priority !== undefined) set.priority = change.priority;
      // a hand-off or a reopening starts a new breach for the SLA alerts (adapters/sla-alerts.ts): the claim is cleared
      if (change.owner || (change.to === "open" && change.from === "resolved")) Object.assign(set, { slaAlertedAt: null, slaAlertedOwner: null });
      if (change.owner) set.owner = change.owner.to;
      if (change.to === "snoozed") set.status = "snoozed";
      // a snoozed case snoozed again stays snoozed, until the new time
      if (change.snoozedUntil !== undefined) set.snoozedUntil = change.snoozedUntil;
      // a resolved case leaves the one-open-case-per-type slot; reopening takes it back (the unique index refuses a twin)
      if (change.to === "resolved") Object.assign(set, { status: "resolved", openSlot: `closed:${id}`, resolution: change.resolution ?? null, resolvedBy: activity.actor, resolvedAt: at, snoozedUntil: null });
      if (change.to === "open") Object.assign(set, { status: "open", openSlot: OPEN, resolution: null, resolvedAt: null, resolvedBy: null, snoozedUntil: null });
      // resolving counts a resolution on its day; reopening takes it back from the day it was counted on
      const counts = options.days && (change.to === "resolved" || (change.to === "open" && change.from === "resolved"));
      const dayOf = counts ? await options.days!(shop) : null;
      try {
        return await db.transaction().execute(async (trx) => {
          const before = dayOf ? await trx.selectFrom("ExceptionCase").select(["type", "openedAt", "resolvedAt"]).where("shop", "=", shop).where("id", "=", id).executeTakeFirst() : undefined;
          let update = trx.updateTable("ExceptionCase").set(set).where("shop", "=", shop).where("id", "=", id).where("status", "=", change.from);
          // a hand-off says which team it took the case from: someone else's hand-off meanwhile wins
          if (change.owner) update = update.where("owner", "=", change.owner.from);
          const result = await update.executeTakeFirst();
          if (Number(result.numUpdatedRows) === 0) return "changed_meanwhile" as const;
          if (dayOf && before) {
            if (change.to === "resolved") await addRollUps(trx, shop, resolutionIncrements(dayOf(at), before.type, before.openedAt, at, 1));
            else if (before.resolvedAt !== null) await addRollUps(trx, shop, resolutionIncrements(dayOf(before.resolvedAt), before.type, before.openedAt, before.resolvedAt, -1));
          }
          await trx.insertInto("CaseActivity").values({ shop, caseId: id, at, actor: activity.actor, kind: activity.kind, detail: activity.detail }).execute();
          return "applied" as const;
        });
      } catch (error) {
        if (change.to === "open" && isUniqueViolation(error)) return "duplicate_open";
        throw error;
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

/** What a search box's text can be: an order name ("1001" is "#1001"), a tracking number, an email. */
function searchKeys(text: string): { names: string[]; key: string; email: string | null } {
  // LIKE's wildcards are the search's own characters, never the searcher's
  const name = text.replace(/[%_]/g, "");
  return {
    names: name.startsWith("#") ? [name] : [name, `#${name}`],
    key: text.replace(/\s+/g, "").toUpperCase(),
    email: text.includes("@") ? text.toLowerCase() : null,
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

/** SQLite's and PostgreSQL's words for a unique index refusing a row. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "23505" || /UNIQUE constraint failed|duplicate key value/i.test(e?.message ?? "");
}
