-- AlterTable
ALTER TABLE "Fulfillment" ADD COLUMN     "originCountry" TEXT,
ADD COLUMN     "originProvince" TEXT;

-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "originCountry" TEXT,
ADD COLUMN     "originProvince" TEXT;

