-- CreateTable
CREATE TABLE "RedactedCustomerKey" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL,

    CONSTRAINT "RedactedCustomerKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RedactedCustomerKey_shop_keyHash_key" ON "RedactedCustomerKey"("shop", "keyHash");

