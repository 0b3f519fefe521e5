import type { FeedHealthRecord, FeedHealthStore, FeedProvider } from "../ports";
import type { Database } from "./db/database";
import type { DB } from "./db/schema.generated";

type Row = { [K in keyof DB["FeedHealth"]]: unknown };

function toRecord(row: Row): FeedHealthRecord {
  return {
    shop: String(row.shop),
    source: String(row.source) as FeedProvider,
    carrier: String(row.carrier),
    firstEventAt: Number(row.firstEventAt),
    lastEventAt: Number(row.lastEventAt),
    eventCount: Number(row.eventCount),
    hourStart: Number(row.hourStart),
    hourCount: Number(row.hourCount),
    hoursSeen: Number(row.hoursSeen),
    normPerHour: Number(row.normPerHour),
    quietSince: row.quietSince === null || row.quietSince === undefined ? null : Number(row.quietSince),
    updatedAt: Number(row.updatedAt),
  };
}

export function createFeedHealthStore({ db }: Database): FeedHealthStore {
  const one = (shop: string, source: FeedProvider, carrier: string) =>
    db.selectFrom("FeedHealth").selectAll().where("shop", "=", shop).where("source", "=", source).where("carrier", "=", carrier);
  return {
    async get(shop, source, carrier) {
      const row = await one(shop, source, carrier).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async save(shop, source, carrier, rate, at) {
      const values = { ...rate, updatedAt: at };
      await db
        .insertInto("FeedHealth")
        .values({ shop, source, carrier, ...values })
        .onConflict((oc) => oc.columns(["shop", "source", "carrier"]).doUpdateSet(values))
        .execute();
    },
    async markQuiet(shop, source, carrier, since, at) {
      const result = await db
        .updateTable("FeedHealth")
        .set({ quietSince: since, updatedAt: at })
        .where("shop", "=", shop)
        .where("source", "=", source)
        .where("carrier", "=", carrier)
        .where("quietSince", "is", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async markRecovered(shop, source, carrier, at) {
      const result = await db
        .updateTable("FeedHealth")
        .set({ quietSince: null, updatedAt: at })
        .where("shop", "=", shop)
        .where("source", "=", source)
        .where("carrier", "=", carrier)
        .where("quietSince", "is not", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async silentSince(before, notBefore, limit) {
      // the lastEventAt index: only feeds silent for a while are read, however many are busy
      const rows = await db
        .selectFrom("FeedHealth")
        .selectAll()
        .where("lastEventAt", "<", before)
        .where("lastEventAt", ">=", notBefore)
        .where("quietSince", "is", null)
        .orderBy("lastEventAt")
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async parcelsInFlight(shop, carrier, shippedSince) {
      const row = await db
        .selectFrom("Shipment")
        .select((eb) => eb.fn.countAll().as("n"))
        .where("shop", "=", shop)
        .where("carrierCode", "=", carrier)
        .where("deliveredAt", "is", null)
        .where("cancelledAt", "is", null)
        .where("supersededAt", "is", null)
        .where("shippedAt", ">=", shippedSince)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async forShop(shop) {
      return (await db.selectFrom("FeedHealth").selectAll().where("shop", "=", shop).orderBy("source").orderBy("carrier").execute()).map(toRecord);
    },
    async quietForShop(shop) {
      return (await db.selectFrom("FeedHealth").selectAll().where("shop", "=", shop).where("quietSince", "is not", null).execute()).map(toRecord);
    },
  };
}
