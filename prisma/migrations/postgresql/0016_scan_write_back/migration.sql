-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "writeBackScans" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ScanWriteBack" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "shopifyEventId" TEXT,
    "error" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "ScanWriteBack_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ScanWriteBack_shop_status_updatedAt_idx" ON "ScanWriteBack"("shop", "status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScanWriteBack_shop_eventKey_key" ON "ScanWriteBack"("shop", "eventKey");

