import { sql, type Transaction } from "kysely";
import { METRIC, problemSince, type RollUpIncrement } from "~/domain/scorecard";
import type { CaseRecord, EvaluationStore, ShopDays } from "../ports";
import type { Database, DB } from "./db/database";
import { toCase } from "./cases";
import { addRollUps, openingIncrements, resolutionIncrements } from "./scorecard";

const SYSTEM = "shipwatch";
/** rows per multi-row statement: well inside both databases' bound-parameter limits (about 20 columns a row) */
const ROWS_PER_STATEMENT = 500;

type Activity = { caseId: number; kind: string; detail: string };

/**
 * One transaction per batch, and a few statements per batch whatever its size: the cases, their activities and
 * the intents are each written as one multi-row statement, and on PostgreSQL the shipments' next checks too (there
 * a statement is a round trip, and a sweep of 10,000 due shipments was 20,000 of them). Cases still open through
 * the unique (shop, shipmentKey, type, openSlot) index, so a concurrent evaluation elsewhere cannot make a twin.
 * Kept short (a batch is bounded by the caller).
 * `days`: the shop's day of an instant, to count cases opened and resolved (and case before ask) in the
 * scorecard's roll-ups, in this same transaction.
 */
export function createEvaluationStore({ db, dialect }: Database, options: { days?: ShopDays } = {}): EvaluationStore {
  return {
    async apply(shop, items, at) {
      const counting = options.days && items.some((i) => i.changes.open.length || i.changes.resolve.length);
      const day = counting ? (await options.days!(shop))(at) : null;
      return db.transaction().execute(async (trx) => {
        // counted only for the rows this transaction really wrote (a twin case or an already resolved one is not)
        const increments: RollUpIncrement[] = [];
        const activities: Activity[] = [];

        // the cases to open, all at once; a twin of one already open is not inserted (and not returned)
        const wanted = items.flatMap(({ shipment, changes }) =>
          changes.open.map((c) => ({
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
          })),
        );
        const inserted = new Map<string, CaseRecord>();
        for (const chunk of chunks(wanted)) {
          const rows = await trx
            .insertInto("ExceptionCase")
            .values(chunk)
            .onConflict((oc) => oc.columns(["shop", "shipmentKey", "type", "openSlot"]).doNothing())
            .returningAll()
            .execute();
          for (const row of rows) inserted.set(`${row.shipmentKey}|${row.type}`, toCase(row));
        }
        // in the order planned: each shipment's cases as its rules ranked them, the first being the one its intents name
        const opened: CaseRecord[] = [];
        const firstCaseOf = new Map<number, number>();
        for (const { shipment, changes } of items) {
          for (const c of changes.open) {
            const row = inserted.get(`${shipment.shipmentKey}|${c.type}`);
            if (!row) continue;
            if (!firstCaseOf.has(shipment.id)) firstCaseOf.set(shipment.id, row.id);
            opened.push(row);
            if (day) increments.push(...openingIncrements(day, row, problemSince(shipment, at)));
            activities.push({ caseId: row.id, kind: "opened", detail: c.reason });
          }
        }

        // a shipment's first case: "case before ask" is decided when both a case and an ask are there
        const firstCases = items.filter(({ shipment }) => firstCaseOf.has(shipment.id) && shipment.firstCaseAt === null).map(({ shipment }) => shipment.id);
        if (day && firstCases.length) {
          for (const chunk of chunks(firstCases)) {
            const marked = await trx.updateTable("Shipment").set({ firstCaseAt: at }).where("shop", "=", shop).where("id", "in", chunk).where("firstCaseAt", "is", null).returning(["firstAskedAt"]).execute();
            for (const m of marked) if (m.firstAskedAt !== null) increments.push({ day, metric: METRIC.caseBeforeAsk, key: "both", count: 1, total: 0 });
          }
        }

        // a higher priority is rare and each its own: one statement each
        for (const r of items.flatMap((i) => i.changes.raise)) {
          await trx.updateTable("ExceptionCase").set({ priority: r.priority, holdMessages: r.holdMessages ? 1 : 0, updatedAt: at }).where("shop", "=", shop).where("id", "=", r.caseId).execute();
          activities.push({ caseId: r.caseId, kind: "priority", detail: r.why });
        }

        // resolutions: only the cases not resolved meanwhile are counted and get their activity
        const resolving = new Map(items.flatMap((i) => i.changes.resolve.map((r) => [r.caseId, r.why] as const)));
        for (const chunk of chunks([...resolving.keys()])) {
          const resolved = await trx
            .updateTable("ExceptionCase")
            .set({ status: "resolved", openSlot: sql<string>`'closed:' || ${sql.ref("id")}`, resolution: "waited", resolvedBy: SYSTEM, resolvedAt: at, snoozedUntil: null, updatedAt: at })
            .where("shop", "=", shop)
            .where("id", "in", chunk)
            .where("status", "!=", "resolved")
            .returning(["id", "type", "openedAt"])
            .execute();
          for (const row of resolved.sort((a, b) => a.id - b.id)) {
            if (day) increments.push(...resolutionIncrements(day, row.type, row.openedAt, at, 1));
            activities.push({ caseId: row.id, kind: "auto_resolved", detail: resolving.get(row.id)! });
          }
        }

        for (const chunk of chunks(activities)) {
          await trx.insertInto("CaseActivity").values(chunk.map((a) => ({ shop, caseId: a.caseId, at, actor: SYSTEM, kind: a.kind, detail: a.detail }))).execute();
        }

        const intents = items.flatMap(({ shipment, changes }) =>
          changes.intents.map((intent) => ({ shop, shipmentId: shipment.id, caseId: firstCaseOf.get(shipment.id) ?? null, ruleId: intent.ruleId, kind: intent.kind, payload: JSON.stringify(intent.payload), createdAt: at })),
        );
        for (const chunk of chunks(intents)) {
          await trx.insertInto("RuleIntent").values(chunk).onConflict((oc) => oc.columns(["shop", "shipmentId", "ruleId", "kind"]).doNothing()).execute();
        }

        if (dialect === "postgres") for (const chunk of chunks(items)) await moveNextChecks(trx, shop, chunk);
        else for (const item of items) await moveNextCheck(trx, shop, item);
        await addRollUps(trx, shop, increments);
        return opened;
      });
    },
  };
}

type Item = Parameters<EvaluationStore["apply"]>[1][number];

/**
 * A shipment's next check and promise, only where the shipment is as it was read: a delivery processed meanwhile
 * left it due (nextCheckAt = now), and it must stay due so that change is evaluated too (markDue, an order
 * arriving, moves only nextCheckAt). On SQLite, one statement per shipment: a statement is a function call there,
 * and its planner would not join a VALUES list on the primary key.
 */
async function moveNextCheck(trx: Transaction<DB>, shop: string, { shipment, changes }: Item) {
  await trx
    .updateTable("Shipment")
    .set({ nextCheckAt: changes.nextCheckAt, promisedBy: changes.promisedBy })
    .where("shop", "=", shop)
    .where("id", "=", shipment.id)
    .where("updatedAt", "=", shipment.updatedAt)
    .where("eventCount", "=", shipment.eventCount)
    .where("status", "=", shipment.status)
    .where("nextCheckAt", shipment.nextCheckAt === null ? "is" : "=", shipment.nextCheckAt)
    .execute();
}

/**
 * The same for many shipments in one statement, on PostgreSQL, where each statement is a round trip. The casts
 * give the VALUES list its types.
 */
async function moveNextChecks(trx: Transaction<DB>, shop: string, items: readonly Item[]) {
  const rows = items.map(
    ({ shipment: s, changes: c }) =>
      sql`(CAST(${s.id} AS bigint), CAST(${c.nextCheckAt} AS bigint), CAST(${c.promisedBy} AS bigint), CAST(${s.updatedAt} AS bigint), CAST(${s.eventCount} AS bigint), CAST(${s.status} AS text), CAST(${s.nextCheckAt} AS bigint))`,
  );
  await sql`WITH "read" ("id", "next", "promisedBy", "updatedAt", "eventCount", "status", "nextCheckAt") AS (VALUES ${sql.join(rows)})
    UPDATE "Shipment" SET "nextCheckAt" = "read"."next", "promisedBy" = "read"."promisedBy"
    FROM "read"
    WHERE "Shipment"."shop" = ${shop} AND "Shipment"."id" = "read"."id" AND "Shipment"."updatedAt" = "read"."updatedAt"
      AND "Shipment"."eventCount" = "read"."eventCount" AND "Shipment"."status" = "read"."status"
      AND "Shipment"."nextCheckAt" IS NOT DISTINCT FROM "read"."nextCheckAt"`.execute(trx);
}

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += ROWS_PER_STATEMENT) out.push(list.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}
