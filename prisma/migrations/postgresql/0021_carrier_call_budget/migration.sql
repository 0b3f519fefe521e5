-- AlterTable
ALTER TABLE "CarrierAccount" ADD COLUMN     "callBudget" DOUBLE PRECISION,
ADD COLUMN     "callBudgetAt" BIGINT;

