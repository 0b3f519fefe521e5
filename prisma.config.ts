import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// The engine download host is unreachable here and on CI, so the CLI runs on the JS engine through a
// driver adapter. Migrations are generated with `prisma migrate diff` (scripts/new-migration.ts) and
// applied by scripts/migrate.ts, which works the same on SQLite and PostgreSQL (prisma/orm#27403).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite" });
  },
});
