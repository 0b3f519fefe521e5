-- CreateTable
CREATE TABLE "HelpdeskConnection" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "publicId" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "credentials" TEXT,
    "webhookSecret" TEXT,
    "lastTicketAt" BIGINT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL,

    CONSTRAINT "HelpdeskConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HelpdeskWrite" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "connectionId" INTEGER NOT NULL,
    "ticketId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "doneAt" BIGINT,

    CONSTRAINT "HelpdeskWrite_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "HelpdeskConnection_publicId_key" ON "HelpdeskConnection"("publicId");

-- CreateIndex
CREATE UNIQUE INDEX "HelpdeskConnection_shop_provider_key" ON "HelpdeskConnection"("shop", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "HelpdeskWrite_shop_connectionId_ticketId_kind_key" ON "HelpdeskWrite"("shop", "connectionId", "ticketId", "kind");

