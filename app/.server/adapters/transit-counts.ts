import { sql } from "kysely";
import { TRANSIT_BUCKETS, type TransitModel } from "~/domain/transit-model";
import { ROLLED_UP, type TransitModelRepository } from "../ports";
import type { Database } from "./db/database";

/**
 * The transit model stored as additive counts (TransitCount: one row per shop, histogram and bucket). Rows are
 * only ever counted up (`count = count + 1` on conflict), never rewritten from a copy in memory, so workers
 * learning at the same time add up instead of overwriting each other (the model's `merge` is a sum for the
 * same reason). Upserts go through Kysely's onConflict, which both SQLite and PostgreSQL speak.
 */
export function createTransitCountRepository({ db }: Database): TransitModelRepository {
  return {
    async load(shop) {
      const rows = await db.selectFrom("TransitCount").select(["histogram", "bucket", "count"]).where("shop", "=", shop).execute();
      const model: TransitModel = { version: 1, histograms: {} };
      for (const row of rows) {
        const bucket = Number(row.bucket);
        const count = Number(row.count);
        // a row no code writes (edited by hand) is left out rather than trusted
        if (!Number.isInteger(bucket) || bucket < 0 || bucket >= TRANSIT_BUCKETS || !(count > 0)) continue;
        const counts = model.histograms[row.histogram] ?? (model.histograms[row.histogram] = []);
        while (counts.length <= bucket) counts.push(0);
        counts[bucket] = count;
      }
      return model;
    },

    async learn(shop, shipmentId, counts) {
      for (const { bucket } of counts) {
        if (!Number.isInteger(bucket) || bucket < 0 || bucket >= TRANSIT_BUCKETS) throw new RangeError(`transit bucket ${bucket} is not 0…${TRANSIT_BUCKETS - 1}`);
      }
      // one increment per histogram, whatever the caller repeated
      const unique = new Map(counts.map((c) => [c.histogram, c.bucket]));
      return db.transaction().execute(async (trx) => {
        const marked = await trx
          .updateTable("Shipment")
          .set({ rolledUp: sql<number>`"rolledUp" | ${ROLLED_UP.learned}` })
          .where("shop", "=", shop)
          .where("id", "=", shipmentId)
          .where(sql<boolean>`("rolledUp" & ${ROLLED_UP.learned}) = 0`)
          .executeTakeFirst();
        if (Number(marked.numUpdatedRows) === 0) return false;
        for (const [histogram, bucket] of unique) {
          await trx
            .insertInto("TransitCount")
            .values({ shop, histogram, bucket, count: 1 })
            .onConflict((oc) => oc.columns(["shop", "histogram", "bucket"]).doUpdateSet({ count: sql<number>`"TransitCount"."count" + 1` }))
            .execute();
        }
        return true;
      });
    },

    async setFirstEstimates(shop, estimates) {
      if (!estimates.length) return 0;
      let written = 0;
      await db.transaction().execute(async (trx) => {
        for (const { id, estimate } of estimates) {
          const result = await trx
            .updateTable("Shipment")
            .set({ firstEstimate: JSON.stringify({ earliest: estimate.earliest, latest: estimate.latest, source: estimate.source }) })
            .where("shop", "=", shop)
            .where("id", "=", id)
            .where("firstEstimate", "is", null)
            .executeTakeFirst();
          written += Number(result.numUpdatedRows);
        }
      });
      return written;
    },
  };
}
