import fs from "node:fs";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { DB } from "./schema.generated";
import { createWriteGroup, type WriteGroup } from "./write-group";

export type { DB };
export type Dialect = "sqlite" | "postgres";

export interface Database {
  dialect: Dialect;
  db: Kysely<DB>;
  /** the SQLite handle, for the few hot statements that are prepared once (ingest, queue claims) */
  sqlite?: BetterSqlite3.Database;
  /** SQLite: the group commit the embedded queue works its jobs in (write-group.ts) */
  writeGroup?: WriteGroup;
  pool?: pg.Pool;
  close(): Promise<void>;
}

export type DatabaseTarget = { dialect: "sqlite"; path: string } | { dialect: "postgres"; url: string };

// int8 (BIGINT) columns hold epoch milliseconds: safe as JS numbers until the year 287,396.
pg.types.setTypeParser(20, (value) => Number(value));

export function openDatabase(target: DatabaseTarget): Database {
  if (target.dialect === "sqlite") {
    if (target.path !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(target.path)), { recursive: true });
    const sqlite = new BetterSqlite3(target.path);
    // WAL lets the admin read while the worker writes; NORMAL keeps every commit across a process crash
    // (an OS crash may lose the last commits, which Shopify then re-delivers for 4 hours).
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("busy_timeout = 5000");
    const writeGroup = createWriteGroup(sqlite);
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, writeGroup) }) });
    return {
      dialect: "sqlite",
      db,
      sqlite,
      writeGroup,
      async close() {
        writeGroup.commit();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10 });
  // An idle connection the server closes (a restart, a failover, an administrator) is dropped by the pool and
  // replaced on the next query; without a listener its error would crash the process.
  pool.on("error", () => undefined);
  // The pool listens only while a connection is idle: one the server closes while it is checked out (between two
  // statements of a transaction) emits an error nobody handles, and that crashes the process. Its statements fail
  // on their own ("not queryable"), so the listener only has to exist; the pool drops the connection on release.
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: "postgres",
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}

/**
 * Kysely's SQLite driver prepares every query anew, and preparing cost as much as running (measured: 16%
 * of the worker's CPU). Queries are built from a fixed set of shapes, so their statements are cached by
 * SQL text. Safe because the driver only calls all()/run() synchronously, never a live iterator. Every
 * statement passes the write group on its way (write-group.ts): the group commit of delivery jobs, and a
 * ROLLBACK that SQLite already did by itself.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, group: WriteGroup, limit = 500): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const cached = (source: string) => {
    let statement = cache.get(source);
    if (!statement) {
      statement = sqlite.prepare(source);
      if (cache.size >= limit) cache.delete(cache.keys().next().value!);
      cache.set(source, statement);
    }
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property, receiver) {
      if (property !== "prepare") return Reflect.get(target, property, receiver);
      return (source: string) => group.prepare(source, cached);
    },
  });
}
