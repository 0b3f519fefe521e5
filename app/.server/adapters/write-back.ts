import type { ScanWriteBackStore } from "../ports";
import type { Database } from "./db/database";

/** ScanWriteBack rows (one per scan claimed) and the shop's opt-in (ShopSettings.writeBackScans). */
export function createScanWriteBackStore({ db }: Database): ScanWriteBackStore {
  const enabled = async (shop: string) => {
    const row = await db.selectFrom("ShopSettings").select("writeBackScans").where("shop", "=", shop).executeTakeFirst();
    return row?.writeBackScans === 1;
  };
  return {
    enabled,
    async setEnabled(shop, enabled, at) {
      // a shop that never saved its settings gets the defaults and this one choice
      await db
        .insertInto("ShopSettings")
        .values({ shop, writeBackScans: enabled ? 1 : 0, updatedAt: at })
        .onConflict((oc) => oc.column("shop").doUpdateSet({ writeBackScans: enabled ? 1 : 0, updatedAt: at }))
        .execute();
    },
    async claim(shop, scan, at) {
      const inserted = await db
        .insertInto("ScanWriteBack")
        .values({ shop, eventKey: scan.eventKey, fulfillmentId: scan.fulfillmentId, status: "pending", createdAt: at, updatedAt: at })
        .onConflict((oc) => oc.columns(["shop", "eventKey"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (inserted) return true;
      const row = await db.selectFrom("ScanWriteBack").select("status").where("shop", "=", shop).where("eventKey", "=", scan.eventKey).executeTakeFirst();
      return row?.status === "pending" || row?.status === "failed";
    },
    async finish(shop, eventKey, result, at) {
      await db
        .updateTable("ScanWriteBack")
        .set({ status: result.status, shopifyEventId: result.shopifyEventId ?? null, error: result.error ?? null, updatedAt: at })
        .where("shop", "=", shop)
        .where("eventKey", "=", eventKey)
        .execute();
    },
    async writtenFor(shop, fulfillmentId) {
      const rows = await db.selectFrom("ScanWriteBack").select("eventKey").where("shop", "=", shop).where("fulfillmentId", "=", fulfillmentId).where("status", "=", "written").execute();
      return new Set(rows.map((r) => r.eventKey));
    },
    async summary(shop, since) {
      const rows = await db
        .selectFrom("ScanWriteBack")
        .select(["status", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.max("updatedAt").as("last")])
        .where("shop", "=", shop)
        .where("updatedAt", ">=", since)
        .groupBy("status")
        .execute();
      const count = (status: string) => Number(rows.find((r) => r.status === status)?.n ?? 0);
      const written = rows.find((r) => r.status === "written");
      const lastFailure = await db
        .selectFrom("ScanWriteBack")
        .select("error")
        .where("shop", "=", shop)
        .where("status", "=", "failed")
        .where("updatedAt", ">=", since)
        .orderBy("updatedAt", "desc")
        .limit(1)
        .executeTakeFirst();
      return {
        enabled: await enabled(shop),
        written: count("written"),
        skipped: count("skipped"),
        failed: count("failed"),
        lastWrittenAt: written?.last == null ? null : Number(written.last),
        lastError: lastFailure?.error ?? null,
      };
    },
  };
}
