-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "isOnline" INTEGER NOT NULL DEFAULT 0,
    "scope" TEXT,
    "expires" BIGINT,
    "accessToken" TEXT NOT NULL,
    "userId" BIGINT,
    "firstName" TEXT,
    "lastName" TEXT,
    "email" TEXT,
    "accountOwner" INTEGER,
    "locale" TEXT,
    "collaborator" INTEGER,
    "emailVerified" INTEGER,
    "refreshToken" TEXT,
    "refreshTokenExpires" BIGINT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shop" (
    "shop" TEXT NOT NULL,
    "installedAt" BIGINT NOT NULL,
    "uninstalledAt" BIGINT,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "carriers" TEXT NOT NULL DEFAULT '[]',

    CONSTRAINT "Shop_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "triggeredAt" BIGINT,
    "apiVersion" TEXT,
    "body" TEXT NOT NULL,
    "receivedAt" BIGINT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "processedAt" BIGINT,
    "orderId" TEXT,

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "runAt" BIGINT NOT NULL,
    "lockedUntil" BIGINT,
    "lockedBy" TEXT,
    "lastError" TEXT,
    "createdAt" BIGINT NOT NULL,
    "finishedAt" BIGINT,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "customerId" TEXT,
    "customerName" TEXT,
    "customerTags" TEXT NOT NULL DEFAULT '[]',
    "orderTags" TEXT NOT NULL DEFAULT '[]',
    "totalPrice" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "shippingLines" TEXT NOT NULL DEFAULT '[]',
    "destination" TEXT,
    "locale" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,
    "cancelledAt" BIGINT,
    "redactedAt" BIGINT,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Fulfillment" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "name" TEXT,
    "status" TEXT NOT NULL,
    "shipmentStatus" TEXT,
    "service" TEXT,
    "trackingCompany" TEXT,
    "trackingNumbers" TEXT NOT NULL DEFAULT '[]',
    "trackingUrls" TEXT NOT NULL DEFAULT '[]',
    "destination" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "Fulfillment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shipment" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "shipmentKey" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderName" TEXT NOT NULL,
    "trackingNumber" TEXT,
    "carrierCode" TEXT NOT NULL,
    "carrierName" TEXT NOT NULL,
    "carrierSource" TEXT NOT NULL,
    "trackingUrl" TEXT,
    "service" TEXT,
    "status" TEXT NOT NULL DEFAULT 'label_created',
    "reason" TEXT,
    "statusChangedAt" BIGINT,
    "lastEventAt" BIGINT,
    "lastCarrierScanAt" BIGINT,
    "firstCarrierScanAt" BIGINT,
    "estimatedDeliveryAt" BIGINT,
    "deliveredAt" BIGINT,
    "deliveryAttempts" INTEGER NOT NULL DEFAULT 0,
    "eventCount" INTEGER NOT NULL DEFAULT 0,
    "destinationCountry" TEXT,
    "destinationProvince" TEXT,
    "shippedAt" BIGINT NOT NULL,
    "cancelledAt" BIGINT,
    "supersededAt" BIGINT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "Shipment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShipmentEvent" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "orderId" TEXT,
    "eventKey" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "rawStatus" TEXT,
    "rawMessage" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "previousStatus" TEXT,
    "happenedAt" BIGINT NOT NULL,
    "estimatedDeliveryAt" BIGINT,
    "location" TEXT,
    "receivedAt" BIGINT NOT NULL,
    "deletedAt" BIGINT,

    CONSTRAINT "ShipmentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UnmappedStatusCode" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "exampleMessage" TEXT,
    "firstSeenAt" BIGINT NOT NULL,
    "lastSeenAt" BIGINT NOT NULL,

    CONSTRAINT "UnmappedStatusCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DataRequestExport" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "requestId" TEXT,
    "customerId" TEXT,
    "email" TEXT,
    "export" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,

    CONSTRAINT "DataRequestExport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Session_shop_idx" ON "Session"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_webhookId_key" ON "WebhookDelivery"("webhookId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_status_idx" ON "WebhookDelivery"("shop", "status");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shop_orderId_idx" ON "WebhookDelivery"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_shop_status_idx" ON "Job"("shop", "status");

-- CreateIndex
CREATE INDEX "Order_shop_name_idx" ON "Order"("shop", "name");

-- CreateIndex
CREATE INDEX "Order_shop_customerId_idx" ON "Order"("shop", "customerId");

-- CreateIndex
CREATE INDEX "Order_shop_email_idx" ON "Order"("shop", "email");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shop_orderId_key" ON "Order"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Fulfillment_shop_orderId_idx" ON "Fulfillment"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Fulfillment_shop_fulfillmentId_key" ON "Fulfillment"("shop", "fulfillmentId");

-- CreateIndex
CREATE INDEX "Shipment_shop_fulfillmentId_idx" ON "Shipment"("shop", "fulfillmentId");

-- CreateIndex
CREATE INDEX "Shipment_shop_orderId_idx" ON "Shipment"("shop", "orderId");

-- CreateIndex
CREATE INDEX "Shipment_shop_status_idx" ON "Shipment"("shop", "status");

-- CreateIndex
CREATE INDEX "Shipment_shop_lastEventAt_idx" ON "Shipment"("shop", "lastEventAt");

-- CreateIndex
CREATE UNIQUE INDEX "Shipment_shop_shipmentKey_key" ON "Shipment"("shop", "shipmentKey");

-- CreateIndex
CREATE INDEX "ShipmentEvent_shop_fulfillmentId_happenedAt_idx" ON "ShipmentEvent"("shop", "fulfillmentId", "happenedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ShipmentEvent_shop_eventKey_key" ON "ShipmentEvent"("shop", "eventKey");

-- CreateIndex
CREATE UNIQUE INDEX "UnmappedStatusCode_shop_source_code_key" ON "UnmappedStatusCode"("shop", "source", "code");

-- CreateIndex
CREATE INDEX "DataRequestExport_shop_idx" ON "DataRequestExport"("shop");

