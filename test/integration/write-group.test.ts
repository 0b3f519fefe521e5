import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import type { WriteGroup } from "~/.server/adapters/db/write-group";

/**
 * The SQLite write group (adapters/db/write-group.ts): the embedded queue's delivery jobs share commits. What it
 * must never change is checked here against the real file, read from a second connection as another process
 * would: nobody else's write is swallowed, a Kysely transaction inside still is one, and a group SQLite rolls
 * back by itself (a full disk) is counted and stops the work that wrote in it.
 */
let dir: string;
let database: Database;
let group: WriteGroup;
let other: BetterSqlite3.Database;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-write-group-"));
  const file = path.join(dir, "app.sqlite");
  database = openDatabase({ dialect: "sqlite", path: file });
  group = database.writeGroup!;
  await sql`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`.execute(database.db);
  other = new BetterSqlite3(file, { readonly: true });
});

afterEach(async () => {
  other.close();
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const insert = (v: string) => sql`INSERT INTO t (v) VALUES (${v})`.execute(database.db);
/** what another process sees: only committed rows */
const committed = () => (other.prepare("SELECT v FROM t ORDER BY id").all() as { v: string }[]).map((r) => r.v);
const seenHere = async () => (await sql<{ v: string }>`SELECT v FROM t ORDER BY id`.execute(database.db)).rows.map((r) => r.v);

describe("the SQLite write group", () => {
  it("GIVEN two pieces of work in the group THEN their writes share one commit: another process sees neither until it commits, then both", async () => {
    await group.run(() => insert("a"));
    await group.run(() => insert("b"));
    expect(database.sqlite!.inTransaction).toBe(true);
    expect(committed()).toEqual([]);
    // this connection sees them already, as it would a job's half-done writes without a group
    expect(await seenHere()).toEqual(["a", "b"]);
    await group.settle();
    expect(database.sqlite!.inTransaction).toBe(false);
    expect(committed()).toEqual(["a", "b"]);
    expect(group.losses()).toBe(0);
  });

  it("GIVEN an open group WHEN someone outside it writes (a web request) THEN the group is committed first and the outside write is committed when its statement returns", async () => {
    await group.run(() => insert("job"));
    expect(committed()).toEqual([]);
    await insert("request");
    expect(database.sqlite!.inTransaction).toBe(false);
    expect(committed()).toEqual(["job", "request"]);
  });

  it("GIVEN an open group WHEN someone outside it only reads THEN the group stays open (a read commits nothing)", async () => {
    await group.run(() => insert("job"));
    expect(await seenHere()).toEqual(["job"]);
    expect(database.sqlite!.inTransaction).toBe(true);
    expect(committed()).toEqual([]);
  });

  it("GIVEN an open group THEN it is committed by itself at the end of the event loop's turn, so the write lock is free between turns", async () => {
    await group.run(() => insert("late"));
    expect(committed()).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(database.sqlite!.inTransaction).toBe(false);
    expect(committed()).toEqual(["late"]);
  });

  it("GIVEN a Kysely transaction inside the group THEN a rollback undoes its writes only, and a commit keeps them, in the group", async () => {
    await group.run(async () => {
      await insert("before");
      await expect(
        database.db.transaction().execute(async (trx) => {
          await sql`INSERT INTO t (v) VALUES ('undone')`.execute(trx);
          throw new Error("changed its mind");
        }),
      ).rejects.toThrow("changed its mind");
      await database.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO t (v) VALUES ('kept')`.execute(trx);
      });
      await insert("after");
    });
    expect(committed()).toEqual([]);
    await group.settle();
    expect(committed()).toEqual(["before", "kept", "after"]);
  });

  it("GIVEN a settle asked while a Kysely transaction is open inside the group THEN the group is committed when that transaction ends, not in its middle", async () => {
    let settled = false;
    await group.run(() =>
      database.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO t (v) VALUES ('one')`.execute(trx);
        void group.settle().then(() => (settled = true));
        await new Promise((r) => setTimeout(r, 20));
        expect(settled).toBe(false);
        await sql`INSERT INTO t (v) VALUES ('two')`.execute(trx);
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(true);
    expect(committed()).toEqual(["one", "two"]);
  });

  it("GIVEN the disk fills up under a group THEN the group is counted lost, work that wrote in it fails on its next statement naming the cause, and new work goes on", async () => {
    // a full disk: the file may not grow (SQLite's own ceiling, as in the disk-full fault test)
    const sqlite = database.sqlite!;
    sqlite.exec("VACUUM");
    const pages = sqlite.pragma("page_count", { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);

    // two deliveries' work in the same turn: the second's write fills the disk, and SQLite rolls the whole group back
    let continued = false;
    const first = group.run(async () => {
      await insert("x");
      await Promise.resolve();
      await insert("y");
      continued = true;
    });
    const second = group.run(() => insert("z".repeat(200_000)));
    await expect(second).rejects.toThrow(/full/);
    await expect(first).rejects.toThrow(/earlier writes were rolled back.*full/);
    expect(continued).toBe(false);
    expect(group.losses()).toBe(1);
    expect(committed()).toEqual([]);

    // space comes back: new work is grouped and committed as before
    sqlite.pragma("max_page_count = 1073741823");
    await group.run(() => insert("again"));
    await group.settle();
    expect(committed()).toEqual(["again"]);
    expect(group.losses()).toBe(1);
  });
});
