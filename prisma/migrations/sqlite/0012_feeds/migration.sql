-- CreateTable
CREATE TABLE "FeedConnection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "apiKey" TEXT NOT NULL,
    "webhookSecret" TEXT NOT NULL,
    "carriers" TEXT NOT NULL DEFAULT 'default',
    "status" TEXT NOT NULL DEFAULT 'connected',
    "lastError" TEXT,
    "lastEventAt" BIGINT,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "unknownTrackingCount" INTEGER NOT NULL DEFAULT 0,
    "lastUnknownTracking" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "FeedConnection_shop_provider_key" ON "FeedConnection"("shop", "provider");

