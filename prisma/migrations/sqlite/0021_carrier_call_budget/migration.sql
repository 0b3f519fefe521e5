-- AlterTable
ALTER TABLE "CarrierAccount" ADD COLUMN "callBudget" REAL;
ALTER TABLE "CarrierAccount" ADD COLUMN "callBudgetAt" BIGINT;

