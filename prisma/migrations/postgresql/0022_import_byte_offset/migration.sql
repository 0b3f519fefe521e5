-- AlterTable
ALTER TABLE "BackfillRun" ADD COLUMN     "bytesRead" BIGINT NOT NULL DEFAULT 0;

