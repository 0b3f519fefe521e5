-- AlterTable
ALTER TABLE "ExceptionCase" ADD COLUMN     "slaAlertedAt" BIGINT,
ADD COLUMN     "slaAlertedOwner" TEXT;

-- CreateTable
CREATE TABLE "SlaAlert" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "caseId" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "owner" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "destination" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lockedUntil" BIGINT,
    "text" TEXT,
    "createdAt" BIGINT NOT NULL,
    "sentAt" BIGINT,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "SlaAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamAlertRoute" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "secret" TEXT,
    "hint" TEXT,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "TeamAlertRoute_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SlaAlert_status_updatedAt_idx" ON "SlaAlert"("status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "SlaAlert_shop_caseId_seq_key" ON "SlaAlert"("shop", "caseId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "TeamAlertRoute_shop_owner_key" ON "TeamAlertRoute"("shop", "owner");

-- CreateIndex
CREATE INDEX "ExceptionCase_status_slaAlertedAt_dueAt_idx" ON "ExceptionCase"("status", "slaAlertedAt", "dueAt");

