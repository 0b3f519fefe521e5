-- AlterTable
ALTER TABLE "Fulfillment" ADD COLUMN     "items" TEXT;

-- AlterTable
ALTER TABLE "Shipment" ADD COLUMN     "shownEstimate" TEXT;

