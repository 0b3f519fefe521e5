-- AlterTable (a column added at the end: SQLite adds it in place, no copy of the table)
ALTER TABLE "BackfillRun" ADD COLUMN "bytesRead" BIGINT NOT NULL DEFAULT 0;
