-- CreateTable
CREATE TABLE "RedactedCustomerKey" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" BIGINT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "RedactedCustomerKey_shop_keyHash_key" ON "RedactedCustomerKey"("shop", "keyHash");

