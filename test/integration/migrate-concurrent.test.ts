import { randomUUID } from "node:crypto";
import pg from "pg";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";

/**
 * Two releases (or two `npm run setup`) migrating one fresh PostgreSQL database at the same moment: both finish
 * without an error, and each migration is applied once.
 */
const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

describe("migrate on PostgreSQL, two processes at once", () => {
  const name = `shipwatch_migrate_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const url = `postgresql://postgres@127.0.0.1:5432/${name}`;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("both succeed; every migration is recorded once and applied once", async () => {
    const a = openDatabase({ dialect: "postgres", url });
    const b = openDatabase({ dialect: "postgres", url });
    try {
      const [first, second] = await Promise.all([migrate(a), migrate(b)]);
      // between them, each migration was applied by exactly one of the two
      expect([...first, ...second].sort()).toEqual([...new Set([...first, ...second])].sort());
      const recorded = (await sql<{ name: string }>`SELECT "name" FROM "_shipwatch_migrations" ORDER BY "name"`.execute(a.db)).rows.map((r) => r.name);
      expect(recorded).toEqual([...first, ...second].sort());
      expect(recorded.length).toBeGreaterThan(15);
      // and a third run finds nothing to do
      expect(await migrate(a)).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
