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
  // asked for every delivery the worker processes
  const installedOf = compiledOnce(db, (p: { shop: string }) => db.selectFrom("Shop").select("uninstalledAt").where("shop", "=", p.shop));
  // read for every shipment recomputed
  const carriersOf = compiledOnce(db, (p: { shop: string }) => db.selectFrom("Shop").select("carriers").where("shop", "=", p.shop));
  // both asked again and again by the deliveries of one turn of the event loop (db/turn-memo.ts)
  const installed = memoForTurn(async (shop) => {
    const row = await firstRow(installedOf({ shop }));
    return !!row && row.uninstalledAt === null;
  });
  const carriers = memoForTurn(async (shop) => {
    const row = await firstRow(carriersOf({ shop }));
    const parsed = readJson<unknown>(row?.carriers, []);
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === "string") : [];
  });
  const forget = (shop: string) => {
    installed.forget(shop);
    carriers.forget(shop);
  };
  return {
    async ensureInstalled(shop, at) {
      await db
        .insertInto("Shop")
        .values({ shop, installedAt: at })
        .onConflict((oc) => oc.column("shop").doUpdateSet({ uninstalledAt: null }).where("Shop.uninstalledAt", "is not", null))
        .execute();
      forget(shop);
    },
    isInstalled: (shop) => installed.get(shop),
    async markUninstalled(shop, at) {
      await db.updateTable("Shop").set({ uninstalledAt: at }).where("shop", "=", shop).execute();
      forget(shop);
    },
    carriers: (shop) => carriers.get(shop),
    async purge(shop) {
      const removed: Record<string, number> = {};
      for (const table of SHOP_TABLES) {
        const result = await db.deleteFrom(table).where("shop", "=", shop).executeTakeFirst();
        removed[table] = Number(result.numDeletedRows);
      }
      forget(shop);
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
