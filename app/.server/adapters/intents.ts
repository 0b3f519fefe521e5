import type { IntentRepository } from "../services/ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";

export function createIntentRepository({ db }: Database): IntentRepository {
  return {
    async record(shop, shipmentId, caseId, intent, at) {
      const result = await db
        .insertInto("RuleIntent")
        .values({ shop, shipmentId, caseId, ruleId: intent.ruleId, kind: intent.kind, payload: JSON.stringify(intent.payload), createdAt: at })
        .onConflict((oc) => oc.columns(["shop", "shipmentId", "ruleId", "kind"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async pendingForShipment(shop, shipmentId) {
      const rows = await db
        .selectFrom("RuleIntent")
        .select(["id", "kind", "ruleId", "payload"])
        .where("shop", "=", shop)
        .where("shipmentId", "=", shipmentId)
        .where("status", "=", "pending")
        .orderBy("id")
        .execute();
      return rows.map((r) => ({ ...r, payload: readJson<Record<string, string>>(r.payload, {}) }));
    },
  };
}
