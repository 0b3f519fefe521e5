import { z } from "zod";
import { handlingTimeOf } from "~/domain/fulfillment-delay";
import type { SettingsRepository, ShopSettingsRecord } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";

const PolicySchema = z.object({ match: z.string(), businessDays: z.number(), cutoffHour: z.number() });

export function createSettingsRepository({ db }: Database): SettingsRepository {
  return {
    async get(shop) {
      const row = await db.selectFrom("ShopSettings").selectAll().where("shop", "=", shop).executeTakeFirst();
      if (!row) return null;
      const policies = PolicySchema.array().safeParse(readJson<unknown>(row.promisePolicies, []));
      return {
        timezone: row.timezone,
        holidays: readJson<string[]>(row.holidays, []),
        carrierWorkdays: readJson<Record<string, number[]>>(row.carrierWorkdays, {}),
        promisePolicies: policies.success ? policies.data : [],
        autoResolve: row.autoResolve === 1,
        statusClasses: readJson<ShopSettingsRecord["statusClasses"]>(row.statusClasses, {}),
        // "{}" (the column's default) and anything unreadable mean the default handling time
        handlingTime: handlingTimeOf(readJson<unknown>(row.handlingTime, {})),
      };
    },
    async createIfAbsent(shop, s, at) {
      const created = await db
        .insertInto("ShopSettings")
        .values({ shop, ...columns(s, at) })
        .onConflict((oc) => oc.column("shop").doNothing())
        .returning("shop")
        .executeTakeFirst();
      // a row comes back only when this insert made it (a conflict returns none, on SQLite and PostgreSQL alike)
      return created !== undefined;
    },
    async save(shop, s, at) {
      const values = columns(s, at);
      await db
        .insertInto("ShopSettings")
        .values({ shop, ...values })
        .onConflict((oc) => oc.column("shop").doUpdateSet(values))
        .execute();
    },
  };
}

function columns(s: ShopSettingsRecord, at: number) {
  return {
    timezone: s.timezone,
    holidays: JSON.stringify(s.holidays),
    carrierWorkdays: JSON.stringify(s.carrierWorkdays),
    promisePolicies: JSON.stringify(s.promisePolicies),
    autoResolve: s.autoResolve ? 1 : 0,
    statusClasses: JSON.stringify(s.statusClasses),
    handlingTime: JSON.stringify(s.handlingTime),
    updatedAt: at,
  };
}
