-- CreateTable
CREATE TABLE "CarrierAccount" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "credentials" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'connected',
    "lastError" TEXT,
    "polling" INTEGER NOT NULL DEFAULT 1,
    "pausedUntil" BIGINT,
    "lastPollAt" BIGINT,
    "lastEventAt" BIGINT,
    "pollCount" INTEGER NOT NULL DEFAULT 0,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "failureCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "CarrierAccount_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CarrierPoll" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "trackingNumber" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'active',
    "nextPollAt" BIGINT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastPolledAt" BIGINT,
    "lastError" TEXT,
    "stopReason" TEXT,
    "startedAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "CarrierPoll_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CarrierAccount_shop_carrier_key" ON "CarrierAccount"("shop", "carrier");

-- CreateIndex
CREATE INDEX "CarrierPoll_nextPollAt_idx" ON "CarrierPoll"("nextPollAt");

-- CreateIndex
CREATE UNIQUE INDEX "CarrierPoll_shop_carrier_trackingNumber_key" ON "CarrierPoll"("shop", "carrier", "trackingNumber");

