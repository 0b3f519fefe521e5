-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN "handedOffAt" BIGINT;

-- CreateTable
CREATE TABLE "ShipmentLeg" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "shipmentId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "carrierCode" TEXT NOT NULL,
    "carrierName" TEXT NOT NULL,
    "trackingNumber" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "addedAt" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "ShipmentLeg_shop_shipmentId_idx" ON "ShipmentLeg"("shop", "shipmentId");

-- CreateIndex
CREATE UNIQUE INDEX "ShipmentLeg_shop_trackingNumber_key" ON "ShipmentLeg"("shop", "trackingNumber");

