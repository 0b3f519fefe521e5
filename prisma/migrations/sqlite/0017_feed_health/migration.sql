-- CreateTable
CREATE TABLE "FeedHealth" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "firstEventAt" BIGINT NOT NULL,
    "lastEventAt" BIGINT NOT NULL,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "hourStart" BIGINT NOT NULL,
    "hourCount" INTEGER NOT NULL DEFAULT 0,
    "hoursSeen" INTEGER NOT NULL DEFAULT 0,
    "normPerHour" REAL NOT NULL DEFAULT 0,
    "quietSince" BIGINT,
    "updatedAt" BIGINT NOT NULL
);

-- CreateIndex
CREATE INDEX "FeedHealth_lastEventAt_idx" ON "FeedHealth"("lastEventAt");

-- CreateIndex
CREATE UNIQUE INDEX "FeedHealth_shop_source_carrier_key" ON "FeedHealth"("shop", "source", "carrier");

