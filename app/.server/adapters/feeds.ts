import type { FeedConnectionRecord, FeedConnectionRepository, FeedProvider, FeedStatus } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import { compiledOnce, firstRow } from "./db/prepared";
import type { DB } from "./db/schema.generated";

type Row = Omit<DB["FeedConnection"], "carriers" | "status" | "eventCount" | "unknownTrackingCount"> & {
  carriers: string;
  status: string;
  eventCount: number;
  unknownTrackingCount: number;
};

function toRecord(row: Row): FeedConnectionRecord {
  const carriers = row.carriers === "default" ? "default" : readJson<string[]>(row.carriers, []);
  return {
    id: row.id,
    shop: row.shop,
    provider: row.provider as FeedProvider,
    sealedApiKey: row.apiKey,
    sealedWebhookSecret: row.webhookSecret,
    carriers,
    status: row.status as FeedStatus,
    lastError: row.lastError,
    lastEventAt: row.lastEventAt,
    eventCount: row.eventCount,
    unknownTrackingCount: row.unknownTrackingCount,
    lastUnknownTracking: row.lastUnknownTracking,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function createFeedConnectionRepository({ db }: Database): FeedConnectionRepository {
  // read for every new fulfillment (does the shop's feed track its carrier?)
  const connectionOf = compiledOnce(db, (p: { shop: string; provider: FeedProvider }) =>
    db.selectFrom("FeedConnection").selectAll().where("shop", "=", p.shop).where("provider", "=", p.provider),
  );
  const forShop = async (shop: string, provider: FeedProvider) => {
    const row = await firstRow(connectionOf({ shop, provider }));
    return row ? toRecord(row) : null;
  };
  return {
    async save(shop, c, at) {
      const carriers = c.carriers === "default" ? "default" : JSON.stringify(c.carriers);
      await db
        .insertInto("FeedConnection")
        .values({ id: c.id, shop, provider: c.provider, apiKey: c.sealedApiKey, webhookSecret: c.sealedWebhookSecret, carriers, status: "connected", createdAt: at, updatedAt: at })
        // a second connect replaces the credentials; the id (the webhook URL the merchant pasted) stays
        .onConflict((oc) =>
          oc.columns(["shop", "provider"]).doUpdateSet({ apiKey: c.sealedApiKey, webhookSecret: c.sealedWebhookSecret, carriers, status: "connected", lastError: null, updatedAt: at }),
        )
        .execute();
      return (await forShop(shop, c.provider))!;
    },
    async get(id) {
      const row = await db.selectFrom("FeedConnection").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    forShop,
    async recordEvent(shop, provider, at) {
      await db
        .updateTable("FeedConnection")
        .set((eb) => ({ eventCount: eb("eventCount", "+", 1), lastEventAt: at }))
        .where("shop", "=", shop)
        .where("provider", "=", provider)
        .execute();
    },
    async recordUnknownTracking(shop, provider, trackingNumber) {
      await db
        .updateTable("FeedConnection")
        .set((eb) => ({ unknownTrackingCount: eb("unknownTrackingCount", "+", 1), lastUnknownTracking: trackingNumber.slice(0, 64) }))
        .where("shop", "=", shop)
        .where("provider", "=", provider)
        .execute();
    },
    async markFailing(shop, provider, error, at) {
      await db.updateTable("FeedConnection").set({ status: "failing", lastError: error.slice(0, 500), updatedAt: at }).where("shop", "=", shop).where("provider", "=", provider).execute();
    },
    async setCarriers(shop, provider, carriers, at) {
      await db
        .updateTable("FeedConnection")
        .set({ carriers: carriers === "default" ? "default" : JSON.stringify(carriers), updatedAt: at })
        .where("shop", "=", shop)
        .where("provider", "=", provider)
        .execute();
    },
    async remove(shop, provider) {
      const result = await db.deleteFrom("FeedConnection").where("shop", "=", shop).where("provider", "=", provider).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async markConnected(shop, provider, at) {
      await db
        .updateTable("FeedConnection")
        .set({ status: "connected", lastError: null, updatedAt: at })
        .where("shop", "=", shop)
        .where("provider", "=", provider)
        .where("status", "!=", "connected")
        .execute();
    },
  };
}
