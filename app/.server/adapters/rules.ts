import type { Selectable } from "kysely";
import { ActionSchema, ConditionSchema, type Rule } from "~/domain/rules";
import type { RuleRepository } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import type { DB } from "./db/schema.generated";

export function createRuleRepository({ db }: Database): RuleRepository {
  return {
    async list(shop) {
      const rows = await db.selectFrom("EscalationRule").selectAll().where("shop", "=", shop).orderBy("position").orderBy("id").execute();
      return rows.map(toRule);
    },
    async get(shop, id) {
      const row = await db.selectFrom("EscalationRule").selectAll().where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      return row ? toRule(row) : null;
    },
    async create(shop, rule, at) {
      const last = await db
        .selectFrom("EscalationRule")
        .select((eb) => eb.fn.max("position").as("max"))
        .where("shop", "=", shop)
        .executeTakeFirst();
      const row = await db
        .insertInto("EscalationRule")
        .values({
          shop,
          name: rule.name,
          position: Number(last?.max ?? 0) + 1,
          enabled: rule.enabled === false ? 0 : 1,
          stopAfter: rule.stopAfter ? 1 : 0,
          conditions: JSON.stringify(rule.conditions),
          actions: JSON.stringify(rule.actions),
          builtIn: rule.builtIn ?? null,
          createdAt: at,
          updatedAt: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRule(row);
    },
    async update(shop, id, rule, at) {
      const result = await db
        .updateTable("EscalationRule")
        .set({
          name: rule.name,
          enabled: rule.enabled === false ? 0 : 1,
          stopAfter: rule.stopAfter ? 1 : 0,
          conditions: JSON.stringify(rule.conditions),
          actions: JSON.stringify(rule.actions),
          updatedAt: at,
        })
        .where("shop", "=", shop)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async setEnabled(shop, id, enabled, at) {
      const result = await db.updateTable("EscalationRule").set({ enabled: enabled ? 1 : 0, updatedAt: at }).where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async remove(shop, id) {
      const result = await db.deleteFrom("EscalationRule").where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async reorder(shop, ids, at) {
      for (const [index, id] of ids.entries()) {
        await db.updateTable("EscalationRule").set({ position: index + 1, updatedAt: at }).where("shop", "=", shop).where("id", "=", id).execute();
      }
    },
  };
}

/** Stored rules are re-validated on the way out: a row edited by hand cannot feed the evaluator garbage. */
function toRule(row: Selectable<DB["EscalationRule"]>): Rule {
  const conditions = ConditionSchema.array().safeParse(readJson<unknown>(row.conditions, []));
  const actions = ActionSchema.array().safeParse(readJson<unknown>(row.actions, []));
  const valid = conditions.success && actions.success;
  return {
    id: row.id,
    position: row.position,
    name: row.name,
    enabled: row.enabled === 1 && valid,
    stopAfter: row.stopAfter === 1,
    conditions: conditions.success ? conditions.data : [],
    actions: actions.success ? actions.data : [],
    builtIn: row.builtIn,
  };
}
