import { randomUUID } from "node:crypto";
import pg from "pg";

/** The local PostgreSQL (trust auth); `.ci/run` starts it when it is down. */
const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * A database of its own for one test file, created empty (the app migrates it) and dropped afterwards, so tests
 * on PostgreSQL run side by side without seeing each other's rows.
 */
export async function freshPostgresDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await admin(`CREATE DATABASE ${name}`);
  return {
    url: `postgresql://postgres@127.0.0.1:5432/${name}`,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
