-- CreateTable
CREATE TABLE "NotificationSettings" (
    "shop" TEXT NOT NULL,
    "policy" TEXT NOT NULL DEFAULT '{}',
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "NotificationSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "ChannelConnection" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "enabled" INTEGER NOT NULL DEFAULT 0,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "secret" TEXT,
    "failingSince" BIGINT,
    "lastError" TEXT,
    "lastSuccessAt" BIGINT,
    "alertedAt" BIGINT,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "ChannelConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "sendKey" TEXT NOT NULL,
    "shipmentId" INTEGER NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL,
    "moment" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "ruleId" INTEGER,
    "template" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "recipient" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "combinedInto" INTEGER,
    "sendAt" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lockedUntil" BIGINT,
    "subject" TEXT,
    "preview" TEXT,
    "html" TEXT,
    "providerId" TEXT,
    "createdAt" BIGINT NOT NULL,
    "sentAt" BIGINT,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MessageTemplate" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "MessageTemplate_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ChannelConnection_shop_channel_key" ON "ChannelConnection"("shop", "channel");

-- CreateIndex
CREATE INDEX "Notification_shop_status_createdAt_idx" ON "Notification"("shop", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_shop_orderId_moment_channel_idx" ON "Notification"("shop", "orderId", "moment", "channel");

-- CreateIndex
CREATE INDEX "Notification_shop_shipmentId_idx" ON "Notification"("shop", "shipmentId");

-- CreateIndex
CREATE INDEX "Notification_status_sendAt_idx" ON "Notification"("status", "sendAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_shop_sendKey_key" ON "Notification"("shop", "sendKey");

-- CreateIndex
CREATE UNIQUE INDEX "MessageTemplate_shop_template_channel_locale_key" ON "MessageTemplate"("shop", "template", "channel", "locale");

