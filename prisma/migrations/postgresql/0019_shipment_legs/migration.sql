-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "handedOffAt" BIGINT;

-- CreateTable
CREATE TABLE "ShipmentLeg" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shipmentId" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "carrierCode" TEXT NOT NULL,
    "carrierName" TEXT NOT NULL,
    "trackingNumber" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "addedAt" BIGINT NOT NULL,

    CONSTRAINT "ShipmentLeg_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShipmentLeg_shop_shipmentId_idx" ON "ShipmentLeg"("shop", "shipmentId");

-- CreateIndex
CREATE UNIQUE INDEX "ShipmentLeg_shop_trackingNumber_key" ON "ShipmentLeg"("shop", "trackingNumber");

