-- CreateTable
CREATE TABLE "HelpdeskConnection" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "publicId" TEXT NOT NULL,
    "settings" TEXT NOT NULL DEFAULT '{}',
    "credentials" TEXT,
    "webhookSecret" TEXT,
    "lastTicketAt" BIGINT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL
);

-- CreateTable
CREATE TABLE "HelpdeskWrite" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "connectionId" INTEGER NOT NULL,
    "ticketId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,
    "doneAt" BIGINT
);

-- CreateIndex
CREATE UNIQUE INDEX "HelpdeskConnection_publicId_key" ON "HelpdeskConnection"("publicId");

-- CreateIndex
CREATE UNIQUE INDEX "HelpdeskConnection_shop_provider_key" ON "HelpdeskConnection"("shop", "provider");

-- CreateIndex
CREATE UNIQUE INDEX "HelpdeskWrite_shop_connectionId_ticketId_kind_key" ON "HelpdeskWrite"("shop", "connectionId", "ticketId", "kind");

