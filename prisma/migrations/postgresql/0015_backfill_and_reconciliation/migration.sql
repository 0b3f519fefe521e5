-- CreateTable
CREATE TABLE "BackfillRun" (
    "id" SERIAL NOT NULL,
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
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "BackfillRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImportedFulfillment" (
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "historyUntil" BIGINT NOT NULL,

    CONSTRAINT "ImportedFulfillment_pkey" PRIMARY KEY ("shop","fulfillmentId")
);

-- CreateTable
CREATE TABLE "ReconciliationState" (
    "shop" TEXT NOT NULL,
    "watermark" BIGINT,
    "lastRunAt" BIGINT,
    "lastError" TEXT,

    CONSTRAINT "ReconciliationState_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "ReconciliationRun" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "startedAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,
    "ordersSeen" INTEGER NOT NULL DEFAULT 0,
    "repaired" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "ReconciliationRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BackfillRun_shop_id_idx" ON "BackfillRun"("shop", "id");

-- CreateIndex
CREATE INDEX "ReconciliationRun_shop_startedAt_idx" ON "ReconciliationRun"("shop", "startedAt");

