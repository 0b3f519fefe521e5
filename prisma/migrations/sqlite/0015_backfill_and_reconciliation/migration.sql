-- CreateTable
CREATE TABLE "BackfillRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "days" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "operationId" TEXT,
    "operationStatus" TEXT,
    "error" TEXT,
    "linesRead" INTEGER NOT NULL DEFAULT 0,
    "ordersSeen" INTEGER NOT NULL DEFAULT 0,
    "ordersImported" INTEGER NOT NULL DEFAULT 0,
    "fulfillmentsSeen" INTEGER NOT NULL DEFAULT 0,
    "fulfillmentsImported" INTEGER NOT NULL DEFAULT 0,
    "eventsSeen" INTEGER NOT NULL DEFAULT 0,
    "eventsImported" INTEGER NOT NULL DEFAULT 0,
    "objectCount" INTEGER,
    "historyUntil" BIGINT NOT NULL,
    "startedAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,
    "updatedAt" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "ImportedFulfillment" (
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "historyUntil" BIGINT NOT NULL,

    PRIMARY KEY ("shop", "fulfillmentId")
);

-- CreateTable
CREATE TABLE "ReconciliationState" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "watermark" BIGINT,
    "lastRunAt" BIGINT,
    "lastError" TEXT
);

-- CreateTable
CREATE TABLE "ReconciliationRun" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "startedAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,
    "ordersSeen" INTEGER NOT NULL DEFAULT 0,
    "repaired" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT
);

-- CreateIndex
CREATE INDEX "BackfillRun_shop_id_idx" ON "BackfillRun"("shop", "id");

-- CreateIndex
CREATE INDEX "ReconciliationRun_shop_startedAt_idx" ON "ReconciliationRun"("shop", "startedAt");

