import type { ApiKeyRepository, OfflineSessionLookup } from "../ports";
import type { Database } from "./db/database";

export function createApiKeyRepository({ db }: Database): ApiKeyRepository & OfflineSessionLookup {
  return {
    async create(shop, key, at) {
      const row = await db
        .insertInto("ApiKey")
        .values({ shop, name: key.name, hash: key.hash, lastFour: key.lastFour, createdAt: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async list(shop) {
      return db
        .selectFrom("ApiKey")
        .select(["id", "name", "lastFour", "createdAt", "lastUsedAt"])
        .where("shop", "=", shop)
        .where("revokedAt", "is", null)
        .orderBy("id")
        .execute();
    },
    async revoke(shop, id, at) {
      const result = await db.updateTable("ApiKey").set({ revokedAt: at }).where("shop", "=", shop).where("id", "=", id).where("revokedAt", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async revokeAll(shop, at) {
      const result = await db.updateTable("ApiKey").set({ revokedAt: at }).where("shop", "=", shop).where("revokedAt", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async shopForHash(hash, at) {
      const row = await db.selectFrom("ApiKey").select(["id", "shop"]).where("hash", "=", hash).where("revokedAt", "is", null).executeTakeFirst();
      if (!row) return null;
      await db.updateTable("ApiKey").set({ lastUsedAt: at }).where("id", "=", row.id).execute();
      return row.shop;
    },
    async hasOfflineSession(shop) {
      const row = await db.selectFrom("Session").select("id").where("id", "=", `offline_${shop}`).where("shop", "=", shop).executeTakeFirst();
      return !!row;
    },
  };
}
