-- CreateTable
CREATE TABLE "ScanWriteBack" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "eventKey" TEXT NOT NULL,
    "fulfillmentId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "shopifyEventId" TEXT,
    "error" TEXT,
    "createdAt" BIGINT NOT NULL,
    "updatedAt" BIGINT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "timezone" TEXT NOT NULL DEFAULT 'America/New_York',
    "holidays" TEXT NOT NULL DEFAULT '[]',
    "carrierWorkdays" TEXT NOT NULL DEFAULT '{}',
    "promisePolicies" TEXT NOT NULL DEFAULT '[]',
    "autoResolve" INTEGER NOT NULL DEFAULT 1,
    "statusClasses" TEXT NOT NULL DEFAULT '{}',
    "handlingTime" TEXT NOT NULL DEFAULT '{}',
    "writeBackScans" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" BIGINT NOT NULL
);
INSERT INTO "new_ShopSettings" ("autoResolve", "carrierWorkdays", "handlingTime", "holidays", "promisePolicies", "shop", "statusClasses", "timezone", "updatedAt") SELECT "autoResolve", "carrierWorkdays", "handlingTime", "holidays", "promisePolicies", "shop", "statusClasses", "timezone", "updatedAt" FROM "ShopSettings";
DROP TABLE "ShopSettings";
ALTER TABLE "new_ShopSettings" RENAME TO "ShopSettings";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ScanWriteBack_shop_status_updatedAt_idx" ON "ScanWriteBack"("shop", "status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "ScanWriteBack_shop_eventKey_key" ON "ScanWriteBack"("shop", "eventKey");

