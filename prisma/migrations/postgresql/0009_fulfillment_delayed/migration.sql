-- DropIndex
DROP INDEX "ExceptionCase_shop_shipmentId_type_openSlot_key";

-- AlterTable
ALTER TABLE "Order" ADD COLUMN     "closedAt" BIGINT,
ADD COLUMN     "fulfillmentStatus" TEXT,
ADD COLUMN     "handlingCheckAt" BIGINT,
ADD COLUMN     "waitingLines" TEXT NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "ShopSettings" ADD COLUMN     "handlingTime" TEXT NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "ExceptionCase" ALTER COLUMN "shipmentId" DROP NOT NULL;

-- CreateIndex
CREATE INDEX "Order_handlingCheckAt_idx" ON "Order"("handlingCheckAt");

-- CreateIndex
CREATE INDEX "ExceptionCase_shop_shipmentId_idx" ON "ExceptionCase"("shop", "shipmentId");

-- CreateIndex
CREATE UNIQUE INDEX "ExceptionCase_shop_shipmentKey_type_openSlot_key" ON "ExceptionCase"("shop", "shipmentKey", "type", "openSlot");

