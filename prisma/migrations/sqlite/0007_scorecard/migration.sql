-- CreateTable
CREATE TABLE "ScorecardDay" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "day" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "key" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    "total" REAL NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "TransitCount" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "shop" TEXT NOT NULL,
    "histogram" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0
);

-- AlterTable (columns added at the end: no rebuild of a large Shipment table)
ALTER TABLE "Shipment" ADD COLUMN "firstEstimate" TEXT;
ALTER TABLE "Shipment" ADD COLUMN "firstAskedAt" BIGINT;
ALTER TABLE "Shipment" ADD COLUMN "recentLookups" TEXT;
ALTER TABLE "Shipment" ADD COLUMN "firstCaseAt" BIGINT;
ALTER TABLE "Shipment" ADD COLUMN "rolledUp" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE UNIQUE INDEX "ScorecardDay_shop_day_metric_key_key" ON "ScorecardDay"("shop", "day", "metric", "key");

-- CreateIndex
CREATE UNIQUE INDEX "TransitCount_shop_histogram_bucket_key" ON "TransitCount"("shop", "histogram", "bucket");

-- Data: the two default rules the transit model and the lookup history brought (app/domain/rules.ts DEFAULT_RULES,
-- builtIn "trending_late" and "worried_shopper") reach the shops installed before them: appended after each shop's
-- last rule, once (a shop that already has the rule keeps its own). New shops get them from DEFAULT_RULES at
-- install. Keep the JSON here the same as there.
INSERT INTO "EscalationRule" ("shop", "name", "position", "enabled", "stopAfter", "conditions", "actions", "builtIn", "createdAt", "updatedAt")
SELECT s."shop", 'Trending late: predicted to miss the promise',
       COALESCE((SELECT MAX(r."position") FROM "EscalationRule" r WHERE r."shop" = s."shop"), 0) + 1,
       1, 0,
       '[{"kind":"trending_late"}]',
       '[{"kind":"open_case","type":"late","owner":"support","priority":"normal","slaHours":24}]',
       'trending_late', CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM "ShopSettings" s
WHERE NOT EXISTS (SELECT 1 FROM "EscalationRule" r WHERE r."shop" = s."shop" AND r."builtIn" = 'trending_late');
INSERT INTO "EscalationRule" ("shop", "name", "position", "enabled", "stopAfter", "conditions", "actions", "builtIn", "createdAt", "updatedAt")
SELECT s."shop", 'Worried shopper: looked up 3+ times in 24 hours, parcel in trouble: priority high',
       COALESCE((SELECT MAX(r."position") FROM "EscalationRule" r WHERE r."shop" = s."shop"), 0) + 1,
       1, 0,
       '[{"kind":"looked_up_at_least","count":3,"hours":24},{"kind":"status_in","statuses":["picked_up","in_transit","delayed","out_for_delivery"]}]',
       '[{"kind":"raise_priority","priority":"high"}]',
       'worried_shopper', CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000
FROM "ShopSettings" s
WHERE NOT EXISTS (SELECT 1 FROM "EscalationRule" r WHERE r."shop" = s."shop" AND r."builtIn" = 'worried_shopper');
