import type { BackfillRunRecord, BackfillStatus, BackfillStore, BackfillTrigger, ReconciliationStore } from "../ports";
import type { Database } from "./db/database";
import type { DB } from "./db/schema.generated";
import { sql, type Selectable } from "kysely";

type Row = Selectable<DB["BackfillRun"]>;

function toRecord(row: Row): BackfillRunRecord {
  return {
    id: row.id,
    shop: row.shop,
    trigger: row.trigger as BackfillTrigger,
    days: row.days,
    status: row.status as BackfillStatus,
    operationId: row.operationId,
    operationStatus: row.operationStatus,
    error: row.error,
    linesRead: row.linesRead,
    bytesRead: Number(row.bytesRead),
    ordersSeen: row.ordersSeen,
    ordersImported: row.ordersImported,
    fulfillmentsSeen: row.fulfillmentsSeen,
    fulfillmentsImported: row.fulfillmentsImported,
    eventsSeen: row.eventsSeen,
    eventsImported: row.eventsImported,
    objectCount: row.objectCount,
    historyUntil: Number(row.historyUntil),
    startedAt: Number(row.startedAt),
    finishedAt: row.finishedAt === null ? null : Number(row.finishedAt),
    updatedAt: Number(row.updatedAt),
  };
}

const ACTIVE: BackfillStatus[] = ["queued", "running", "importing"];

export function createBackfillStore({ db }: Database): BackfillStore {
  return {
    async create(shop, run) {
      const row = await db
        .insertInto("BackfillRun")
        .values({ shop, trigger: run.trigger, days: run.days, status: "queued", historyUntil: run.historyUntil, startedAt: run.at, updatedAt: run.at })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },
    async get(shop, id) {
      const row = await db.selectFrom("BackfillRun").selectAll().where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async latest(shop) {
      const row = await db.selectFrom("BackfillRun").selectAll().where("shop", "=", shop).orderBy("id", "desc").limit(1).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async active(shop) {
      const row = await db.selectFrom("BackfillRun").selectAll().where("shop", "=", shop).where("status", "in", ACTIVE).orderBy("id", "desc").limit(1).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async update(shop, id, change) {
      await db.updateTable("BackfillRun").set(change).where("shop", "=", shop).where("id", "=", id).execute();
    },
    async markImported(shop, fulfillmentIds, historyUntil) {
      if (!fulfillmentIds.length) return;
      await db
        .insertInto("ImportedFulfillment")
        .values(fulfillmentIds.map((fulfillmentId) => ({ shop, fulfillmentId, historyUntil })))
        .onConflict((oc) => oc.columns(["shop", "fulfillmentId"]).doUpdateSet((eb) => ({ historyUntil: eb.ref("excluded.historyUntil") })))
        .execute();
    },
    async importedUntil(shop) {
      const row = await db.selectFrom("BackfillRun").select("historyUntil").where("shop", "=", shop).where("status", "=", "done").orderBy("id", "desc").limit(1).executeTakeFirst();
      return row ? Number(row.historyUntil) : null;
    },
    async historyOf(shop, fulfillmentIds) {
      const marks = new Map<string, number>();
      for (let i = 0; i < fulfillmentIds.length; i += 500) {
        const rows = await db
          .selectFrom("ImportedFulfillment")
          .select(["fulfillmentId", "historyUntil"])
          .where("shop", "=", shop)
          .where("fulfillmentId", "in", fulfillmentIds.slice(i, i + 500))
          .execute();
        for (const r of rows) marks.set(r.fulfillmentId, Number(r.historyUntil));
      }
      return marks;
    },
  };
}

export function createReconciliationStore({ db, dialect }: Database): ReconciliationStore {
  return {
    async shopsWithHistory() {
      const rows = await db
        .selectFrom("BackfillRun")
        .innerJoin("Shop", "Shop.shop", "BackfillRun.shop")
        .select("BackfillRun.shop")
        .distinct()
        .where("BackfillRun.status", "=", "done")
        .where("Shop.uninstalledAt", "is", null)
        .orderBy("BackfillRun.shop")
        .execute();
      return rows.map((r) => r.shop);
    },
    async watermark(shop) {
      const row = await db.selectFrom("ReconciliationState").select("watermark").where("shop", "=", shop).executeTakeFirst();
      return row?.watermark == null ? null : Number(row.watermark);
    },
    async start(shop, at, leaseMs) {
      // one statement: on SQLite it takes the write lock before it reads (a read, then a write, in one transaction
      // would fail at once as "database is locked" when another process wrote in between)
      const begin = (executor: typeof db) =>
        sql<{ id: number }>`
          INSERT INTO "ReconciliationRun" ("shop", "startedAt")
          SELECT ${shop}, ${at}
          WHERE NOT EXISTS (SELECT 1 FROM "ReconciliationRun" WHERE "shop" = ${shop} AND "finishedAt" IS NULL AND "startedAt" > ${at - leaseMs})
          RETURNING "id"`.execute(executor);
      const { rows } =
        dialect === "postgres"
          ? // each statement sees what was committed before it began: two workers starting the shop's run take turns here
            await db.transaction().execute(async (trx) => {
              await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`reconcile:${shop}`}, 0))`.execute(trx);
              return begin(trx);
            })
          : await begin(db);
      return rows[0]?.id ?? null;
    },
    async finish(shop, runId, result) {
      await db
        .updateTable("ReconciliationRun")
        .set({ finishedAt: result.at, ordersSeen: result.ordersSeen, repaired: result.repaired, error: result.error })
        .where("shop", "=", shop)
        .where("id", "=", runId)
        .execute();
      // a failed run keeps the watermark where it was: the next one asks for the same orders again
      const state = { watermark: result.watermark, lastRunAt: result.at, lastError: result.error };
      await db
        .insertInto("ReconciliationState")
        .values({ shop, ...state })
        .onConflict((oc) => oc.column("shop").doUpdateSet(result.error === null ? state : { lastRunAt: result.at, lastError: result.error }))
        .execute();
    },
    async summary(shop, since) {
      const state = await db.selectFrom("ReconciliationState").selectAll().where("shop", "=", shop).executeTakeFirst();
      const sum = await db
        .selectFrom("ReconciliationRun")
        .select((eb) => eb.fn.sum<number>("repaired").as("repaired"))
        .where("shop", "=", shop)
        .where("startedAt", ">=", since)
        .executeTakeFirst();
      return {
        watermark: state?.watermark == null ? null : Number(state.watermark),
        lastRunAt: state?.lastRunAt == null ? null : Number(state.lastRunAt),
        lastError: state?.lastError ?? null,
        repairedSince: Number(sum?.repaired ?? 0),
      };
    },
  };
}
