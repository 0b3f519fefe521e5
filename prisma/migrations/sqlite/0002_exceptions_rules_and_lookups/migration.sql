-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "holidays" TEXT NOT NULL DEFAULT '[]',
    "carrierWorkdays" TEXT NOT NULL DEFAULT '{}',
    "promisePolicies" TEXT NOT NULL DEFAULT '[]',
    "autoResolve" INTEGER NOT NULL DEFAULT 1,
    "statusClasses" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "StatusMappingOverride" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "updatedAt" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "EscalationRule" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "enabled" INTEGER NOT NULL DEFAULT 1,
    "stopAfter" INTEGER NOT NULL DEFAULT 0,
    "conditions" TEXT NOT NULL,
    "actions" TEXT NOT NULL,
    "builtIn" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "ExceptionCase" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shipmentId" INTEGER NOT NULL,
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

-- CreateTable
CREATE TABLE "CaseActivity" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "caseId" INTEGER NOT NULL,
    "at" BIGINT NOT NULL,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "RuleIntent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shipmentId" INTEGER NOT NULL,
    "caseId" INTEGER,
    "ruleId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "lastFour" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "lastUsedAt" BIGINT,
    "revokedAt" BIGINT
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Shipment" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shipmentKey" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL,
    "trackingNumber" TEXT,
    "carrierCode" TEXT NOT NULL,
    "carrierName" TEXT NOT NULL,
    "carrierSource" TEXT NOT NULL,
    "trackingUrl" TEXT,
    "service" TEXT,
    "status" TEXT NOT NULL DEFAULT 'label_created',
    "reason" TEXT,
    "statusChangedAt" BIGINT,
    "lastEventAt" BIGINT,
    "lastCarrierScanAt" BIGINT,
    "firstCarrierScanAt" BIGINT,
    "estimatedDeliveryAt" BIGINT,
    "deliveredAt" BIGINT,
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "destinationCountry" TEXT,
    "destinationProvince" TEXT,
    "shippedAt" BIGINT NOT NULL,
    "promisedBy" BIGINT,
    "nextCheckAt" BIGINT,
    "lookupCount" INTEGER NOT NULL DEFAULT 0,
    "lastLookedUpAt" BIGINT,
    "cancelledAt" BIGINT,
    "supersededAt" BIGINT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL
);
INSERT INTO "new_Shipment" ("cancelledAt", "carrierCode", "carrierName", "carrierSource", "createdAt", "deliveredAt", "deliveryAttempts", "destinationCountry", "destinationProvince", "estimatedDeliveryAt", "eventCount", "firstCarrierScanAt", "fulfillmentId", "id", "lastCarrierScanAt", "lastEventAt", "orderId", "orderName", "reason", "service", "shipmentKey", "shippedAt", "shop", "status", "statusChangedAt", "supersededAt", "trackingNumber", "trackingUrl", "updatedAt") SELECT "cancelledAt", "carrierCode", "carrierName", "carrierSource", "createdAt", "deliveredAt", "deliveryAttempts", "destinationCountry", "destinationProvince", "estimatedDeliveryAt", "eventCount", "firstCarrierScanAt", "fulfillmentId", "id", "lastCarrierScanAt", "lastEventAt", "orderId", "orderName", "reason", "service", "shipmentKey", "shippedAt", "shop", "status", "statusChangedAt", "supersededAt", "trackingNumber", "trackingUrl", "updatedAt" FROM "Shipment";
DROP TABLE "Shipment";
ALTER TABLE "new_Shipment" RENAME TO "Shipment";
CREATE INDEX "Shipment_shop_fulfillmentId_idx" ON "Shipment"("shop", "fulfillmentId");
CREATE INDEX "Shipment_shop_orderId_idx" ON "Shipment"("shop", "orderId");
CREATE INDEX "Shipment_shop_status_idx" ON "Shipment"("shop", "status");
CREATE INDEX "Shipment_shop_lastEventAt_idx" ON "Shipment"("shop", "lastEventAt");
CREATE INDEX "Shipment_nextCheckAt_idx" ON "Shipment"("nextCheckAt");
CREATE UNIQUE INDEX "Shipment_shop_shipmentKey_key" ON "Shipment"("shop", "shipmentKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "StatusMappingOverride_shop_source_code_key" ON "StatusMappingOverride"("shop", "source", "code");

-- CreateIndex
CREATE INDEX "EscalationRule_shop_position_idx" ON "EscalationRule"("shop", "position");

-- CreateIndex
CREATE INDEX "ExceptionCase_shop_status_openedAt_idx" ON "ExceptionCase"("shop", "status", "openedAt");

-- CreateIndex
CREATE INDEX "ExceptionCase_shop_owner_status_idx" ON "ExceptionCase"("shop", "owner", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ExceptionCase_shop_shipmentId_type_openSlot_key" ON "ExceptionCase"("shop", "shipmentId", "type", "openSlot");

-- CreateIndex
CREATE INDEX "CaseActivity_shop_caseId_at_idx" ON "CaseActivity"("shop", "caseId", "at");

-- CreateIndex
CREATE INDEX "RuleIntent_shop_status_idx" ON "RuleIntent"("shop", "status");

-- CreateIndex
CREATE UNIQUE INDEX "RuleIntent_shop_shipmentId_ruleId_kind_key" ON "RuleIntent"("shop", "shipmentId", "ruleId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_shop_idx" ON "ApiKey"("shop");

