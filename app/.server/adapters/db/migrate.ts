import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import type { Database } from "./database";

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
  await sql`CREATE TABLE IF NOT EXISTS "_shipwatch_migrations" ("name" TEXT PRIMARY KEY, "appliedAt" BIGINT NOT NULL)`.execute(
    database.db,
  );
  const applied = new Set(
    (await sql<{ name: string }>`SELECT "name" FROM "_shipwatch_migrations"`.execute(database.db)).rows.map((r) => r.name),
  );
  const done: string[] = [];
  for (const name of names) {
    if (applied.has(name)) continue;
    const script = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
    await database.db.transaction().execute(async (trx) => {
      for (const statement of splitStatements(script)) await sql.raw(statement).execute(trx);
      await sql`INSERT INTO "_shipwatch_migrations" ("name", "appliedAt") VALUES (${name}, ${Date.now()})`.execute(trx);
    });
    done.push(name);
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
