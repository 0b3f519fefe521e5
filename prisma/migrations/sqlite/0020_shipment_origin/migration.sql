-- AlterTable
ALTER TABLE "Fulfillment" ADD COLUMN "originCountry" TEXT;
ALTER TABLE "Fulfillment" ADD COLUMN "originProvince" TEXT;

-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN "originCountry" TEXT;
ALTER TABLE "Shipment" ADD COLUMN "originProvince" TEXT;

