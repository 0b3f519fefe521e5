import fs from "node:fs";
import path from "node:path";
import { sql, type Transaction } from "kysely";
import type { Database, DB } from "./database";

/** the advisory lock migrations take turns on (any fixed number; the app takes no other advisory lock) */
const MIGRATION_LOCK = 7_462_001;

/**
 * Applies prisma/migrations/<dialect>/<name>/migration.sql in name order, each once, each in a transaction.
 * Prisma's own `migrate deploy` needs an engine download on SQLite and trips prisma/orm#27403 through
 * adapter-pg, so the generated SQL is applied here, the same way on both databases.
 */
export async function migrate(database: Database, migrationsRoot = path.resolve("prisma/migrations")): Promise<string[]> {
  const dir = path.join(migrationsRoot, database.dialect === "sqlite" ? "sqlite" : "postgresql");
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  // two releases (or two processes) migrating one PostgreSQL database at once take turns: each step holds a
  // transaction-scoped advisory lock, and asks again, under it, whether the other has done it meanwhile
  // (SQLite's write transactions are one at a time already)
  const turn = async (trx: Transaction<DB>) => {
    if (database.dialect === "postgres") await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
  };
  await database.db.transaction().execute(async (trx) => {
    await turn(trx);
    await sql`CREATE TABLE IF NOT EXISTS "_shipwatch_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" BIGINT NOT NULL)`.execute(trx);
  });
  const applied = new Set(
    (await sql<{ name: string }>`SELECT "name" FROM "_shipwatch_migrations"`.execute(database.db)).rows.map((r) => r.name),
  );
  const done: string[] = [];
  for (const name of names) {
    if (applied.has(name)) continue;
    const script = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    const ran = await database.db.transaction().execute(async (trx) => {
      await turn(trx);
      const already = await sql`SELECT 1 FROM "_shipwatch_migrations" WHERE "name" = ${name}`.execute(trx);
      if (already.rows.length) return false;
      for (const statement of splitStatements(script)) await sql.raw(statement).execute(trx);
      await sql`INSERT INTO "_shipwatch_migrations" ("name", "appliedAt") VALUES (${name}, ${Date.now()})`.execute(trx);
      return true;
    });
    if (ran) done.push(name);
  }
  return done;
}

/** Prisma's migration SQL has one statement per `;`-terminated block and no procedural bodies. */
function splitStatements(script: string): string[] {
  return script
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter(Boolean);
}
