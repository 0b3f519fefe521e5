-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Order" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "customerId" TEXT,
    "customerName" TEXT,
    "customerTags" TEXT NOT NULL DEFAULT '[]',
    "orderTags" TEXT NOT NULL DEFAULT '[]',
    "totalPrice" REAL NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "shippingLines" TEXT NOT NULL DEFAULT '[]',
    "destination" TEXT,
    "locale" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,
    "cancelledAt" BIGINT,
    "redactedAt" BIGINT,
    "fulfillmentStatus" TEXT,
    "closedAt" BIGINT,
    "waitingLines" TEXT NOT NULL DEFAULT '[]',
    "handlingCheckAt" BIGINT
);
INSERT INTO "new_Order" ("cancelledAt", "createdAt", "currency", "customerId", "customerName", "customerTags", "destination", "email", "id", "locale", "name", "orderId", "orderTags", "phone", "redactedAt", "shippingLines", "shop", "totalPrice", "updatedAt") SELECT "cancelledAt", "createdAt", "currency", "customerId", "customerName", "customerTags", "destination", "email", "id", "locale", "name", "orderId", "orderTags", "phone", "redactedAt", "shippingLines", "shop", "totalPrice", "updatedAt" FROM "Order";
DROP TABLE "Order";
ALTER TABLE "new_Order" RENAME TO "Order";
CREATE INDEX "Order_shop_name_idx" ON "Order"("shop", "name");
CREATE INDEX "Order_shop_customerId_idx" ON "Order"("shop", "customerId");
CREATE INDEX "Order_shop_email_idx" ON "Order"("shop", "email");
CREATE INDEX "Order_handlingCheckAt_idx" ON "Order"("handlingCheckAt");
CREATE UNIQUE INDEX "Order_shop_orderId_key" ON "Order"("shop", "orderId");
CREATE TABLE "new_ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "holidays" TEXT NOT NULL DEFAULT '[]',
    "carrierWorkdays" TEXT NOT NULL DEFAULT '{}',
    "promisePolicies" TEXT NOT NULL DEFAULT '[]',
    "autoResolve" INTEGER NOT NULL DEFAULT 1,
    "statusClasses" TEXT NOT NULL DEFAULT '{}',
    "handlingTime" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" BIGINT NOT NULL
);
INSERT INTO "new_ShopSettings" ("autoResolve", "carrierWorkdays", "holidays", "promisePolicies", "shop", "statusClasses", "timezone", "updatedAt") SELECT "autoResolve", "carrierWorkdays", "holidays", "promisePolicies", "shop", "statusClasses", "timezone", "updatedAt" FROM "ShopSettings";
DROP TABLE "ShopSettings";
ALTER TABLE "new_ShopSettings" RENAME TO "ShopSettings";
CREATE TABLE "new_ExceptionCase" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shipmentId" INTEGER,
    "shipmentKey" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL,
    "trackingNumber" TEXT,
    "type" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "assignee" TEXT,
    "priority" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "openSlot" TEXT NOT NULL DEFAULT 'open',
    "snoozedUntil" BIGINT,
    "openedAt" BIGINT NOT NULL,
    "dueAt" BIGINT,
    "resolvedAt" BIGINT,
    "resolution" TEXT,
    "resolvedBy" TEXT,
    "ruleId" INTEGER,
    "ruleName" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "explanation" TEXT NOT NULL,
    "holdMessages" INTEGER NOT NULL DEFAULT 0,
    "openedOnState" TEXT NOT NULL DEFAULT '',
    "updatedAt" BIGINT NOT NULL
);
INSERT INTO "new_ExceptionCase" ("assignee", "dueAt", "explanation", "holdMessages", "id", "openSlot", "openedAt", "openedOnState", "orderId", "orderName", "owner", "priority", "reason", "resolution", "resolvedAt", "resolvedBy", "ruleId", "ruleName", "shipmentId", "shipmentKey", "shop", "snoozedUntil", "status", "trackingNumber", "type", "updatedAt") SELECT "assignee", "dueAt", "explanation", "holdMessages", "id", "openSlot", "openedAt", "openedOnState", "orderId", "orderName", "owner", "priority", "reason", "resolution", "resolvedAt", "resolvedBy", "ruleId", "ruleName", "shipmentId", "shipmentKey", "shop", "snoozedUntil", "status", "trackingNumber", "type", "updatedAt" FROM "ExceptionCase";
DROP TABLE "ExceptionCase";
ALTER TABLE "new_ExceptionCase" RENAME TO "ExceptionCase";
CREATE INDEX "ExceptionCase_shop_shipmentId_idx" ON "ExceptionCase"("shop", "shipmentId");
CREATE INDEX "ExceptionCase_shop_status_openedAt_idx" ON "ExceptionCase"("shop", "status", "openedAt");
CREATE INDEX "ExceptionCase_shop_owner_status_idx" ON "ExceptionCase"("shop", "owner", "status");
CREATE UNIQUE INDEX "ExceptionCase_shop_shipmentKey_type_openSlot_key" ON "ExceptionCase"("shop", "shipmentKey", "type", "openSlot");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

