-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "lastLookedUpAt" BIGINT,
ADD COLUMN     "lookupCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nextCheckAt" BIGINT,
ADD COLUMN     "promisedBy" BIGINT;

-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "holidays" TEXT NOT NULL DEFAULT '[]',
    "carrierWorkdays" TEXT NOT NULL DEFAULT '{}',
    "promisePolicies" TEXT NOT NULL DEFAULT '[]',
    "autoResolve" INTEGER NOT NULL DEFAULT 1,
    "statusClasses" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "ShopSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "StatusMappingOverride" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "StatusMappingOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EscalationRule" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "enabled" INTEGER NOT NULL DEFAULT 1,
    "stopAfter" INTEGER NOT NULL DEFAULT 0,
    "conditions" TEXT NOT NULL,
    "actions" TEXT NOT NULL,
    "builtIn" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "EscalationRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ExceptionCase" (
    "id" SERIAL NOT NULL,
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
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "ExceptionCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseActivity" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "caseId" INTEGER NOT NULL,
    "at" BIGINT NOT NULL,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL,

    CONSTRAINT "CaseActivity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RuleIntent" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shipmentId" INTEGER NOT NULL,
    "caseId" INTEGER,
    "ruleId" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" BIGINT NOT NULL,

    CONSTRAINT "RuleIntent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "lastFour" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "lastUsedAt" BIGINT,
    "revokedAt" BIGINT,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

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

-- CreateIndex
CREATE INDEX "Shipment_nextCheckAt_idx" ON "Shipment"("nextCheckAt");

