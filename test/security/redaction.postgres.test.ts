import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { redactionSuite } from "./redaction-suite";
import { startTestApp } from "../support/test-app";

/** The privacy suite on PostgreSQL (127.0.0.1:5432, trust auth, as test/integration/postgres.test.ts): a database per run, dropped after. */
const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const name = `shipwatch_redaction_${randomUUID().replace(/-/g, "").slice(0, 12)}`;

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(() => admin(`CREATE DATABASE ${name}`));
afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

redactionSuite("postgres", () => startTestApp({ env: { DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${name}` } }));
