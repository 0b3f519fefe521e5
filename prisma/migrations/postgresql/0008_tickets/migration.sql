-- CreateTable
CREATE TABLE "Ticket" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "ticketId" TEXT NOT NULL,
    "customerEmail" TEXT,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "wismo" INTEGER NOT NULL DEFAULT 0,
    "signals" TEXT NOT NULL DEFAULT '[]',
    "orderId" TEXT,
    "orderName" TEXT,
    "shipmentIds" TEXT NOT NULL DEFAULT '[]',
    "createdAt" BIGINT NOT NULL,
    "receivedAt" BIGINT NOT NULL,

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Ticket_shop_receivedAt_idx" ON "Ticket"("shop", "receivedAt");

-- CreateIndex
CREATE INDEX "Ticket_shop_customerEmail_idx" ON "Ticket"("shop", "customerEmail");

-- CreateIndex
CREATE INDEX "Ticket_shop_orderId_idx" ON "Ticket"("shop", "orderId");

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_shop_source_ticketId_key" ON "Ticket"("shop", "source", "ticketId");

