import type { ShopRepository } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import { compiledOnce, firstRow } from "./db/prepared";
import { memoForTurn } from "./db/turn-memo";
import type { DB } from "./db/schema.generated";

/** Every table that holds a shop's rows. A table missing here survives shop/redact: keep it complete. */
const SHOP_TABLES = [
  "WebhookDelivery",
  "Job",
  "Order",
  "Fulfillment",
  "Shipment",
  "ShipmentEvent",
  "ShipmentLeg",
  "UnmappedStatusCode",
  "DataRequestExport",
  "ShopSettings",
  "StatusMappingOverride",
  "EscalationRule",
  "ExceptionCase",
  "CaseActivity",
  "NotificationSettings",
  "ChannelConnection",
  "Notification",
  "MessageTemplate",
  "RuleIntent",
  "ApiKey",
  "TransitCount",
  "ScorecardDay",
  "Ticket",
  "SlaAlert",
  "TeamAlertRoute",
  "FlowTriggerUse",
  "HelpdeskConnection",
  "HelpdeskWrite",
  "RedactedCustomerKey",
  "FeedConnection",
  "CarrierAccount",
  "CarrierPoll",
  "FeedHealth",
  "ScanWriteBack",
  "BackfillRun",
  "ImportedFulfillment",
  "ReconciliationState",
  "ReconciliationRun",
  "Session",
  "Shop",
] as const satisfies readonly (keyof DB)[];

export function createShopRepository({ db }: Database): ShopRepository {
  // whether the shop is installed (every delivery asks) and its carriers (every shipment recomputed), read once per
  // turn of the event loop (db/turn-memo.ts); every write to the row below forgets it
  const rowOf = compiledOnce(db, (p: { shop: string }) => db.selectFrom("Shop").select(["uninstalledAt", "carriers"]).where("shop", "=", p.shop));
  const shopRow = memoForTurn(async (shop) => {
    const row = await firstRow(rowOf({ shop }));
    const parsed = readJson<unknown>(row?.carriers, []);
    return {
      installed: !!row && row.uninstalledAt === null,
      carriers: Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === "string") : [],
    };
  });
  return {
    async ensureInstalled(shop, at) {
      await shopRow.forgetAfter(
        shop,
        db
          .insertInto("Shop")
          .values({ shop, installedAt: at })
          .onConflict((oc) => oc.column("shop").doUpdateSet({ uninstalledAt: null }).where("Shop.uninstalledAt", "is not", null))
          .execute(),
      );
    },
    isInstalled: async (shop) => (await shopRow.get(shop)).installed,
    async markUninstalled(shop, at) {
      await shopRow.forgetAfter(shop, db.updateTable("Shop").set({ uninstalledAt: at }).where("shop", "=", shop).execute());
    },
    carriers: async (shop) => (await shopRow.get(shop)).carriers,
    async purge(shop) {
      const removed: Record<string, number> = {};
      try {
        for (const table of SHOP_TABLES) {
          const result = await db.deleteFrom(table).where("shop", "=", shop).executeTakeFirst();
          removed[table] = Number(result.numDeletedRows);
        }
      } finally {
        shopRow.forget(shop);
      }
      return removed;
    },
    async deleteSessions(shop) {
      const result = await db.deleteFrom("Session").where("shop", "=", shop).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async recordDataRequest(shop, request, at) {
      await db
        .insertInto("DataRequestExport")
        .values({
          shop,
          requestId: request.requestId,
          customerId: request.customerId,
          email: request.email,
          export: JSON.stringify(request.export),
          createdAt: at,
        })
        .execute();
    },
  };
}
