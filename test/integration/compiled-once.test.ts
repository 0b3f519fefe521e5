import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { compiledOnce, firstRow, rowsTouched } from "~/.server/adapters/db/prepared";
import { freshPostgresDatabase } from "../support/postgres";

/**
 * Queries built and compiled once (adapters/db/prepared.ts), run on both databases the app supports: each call
 * answers as the same query built afresh would, and a call whose shape does not fit the compiled one fails
 * before anything runs.
 */
interface Row {
  shop: string;
  key: string;
  note: string | null;
  updatedAt: number;
}
// the table exists only in this test
type TestDb = { Thing: Row };

describe.each(["sqlite", "postgres"] as const)("compiledOnce on %s", (dialect) => {
  let database: Database;
  let db: Kysely<TestDb>;
  let cleanUp: () => Promise<void>;

  beforeAll(async () => {
    if (dialect === "sqlite") {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-compiled-once-"));
      database = openDatabase({ dialect: "sqlite", path: path.join(dir, "app.sqlite") });
      cleanUp = async () => fs.rmSync(dir, { recursive: true, force: true });
    } else {
      const fresh = await freshPostgresDatabase("shipwatch_compiled");
      database = openDatabase({ dialect: "postgres", url: fresh.url });
      cleanUp = fresh.drop;
    }
    db = database.db as unknown as Kysely<TestDb>;
    await sql`CREATE TABLE "Thing" (shop TEXT NOT NULL, key TEXT NOT NULL, note TEXT, "updatedAt" BIGINT NOT NULL, PRIMARY KEY (shop, key))`.execute(db);
  });

  afterAll(async () => {
    await database.close();
    await cleanUp();
  });

  const all = async () => (await db.selectFrom("Thing").selectAll().orderBy("shop").orderBy("key").execute()).map((r) => ({ ...r, updatedAt: Number(r.updatedAt) }));

  it("runs one statement with each call's own values, as the query built afresh would", async () => {
    const save = compiledOnce(db, (p: Row) =>
      db
        .insertInto("Thing")
        .values(p)
        // only a newer write replaces a row: the value is used twice, in the insert and in the condition
        .onConflict((oc) => oc.columns(["shop", "key"]).doUpdateSet((eb) => ({ note: eb.ref("excluded.note"), updatedAt: eb.ref("excluded.updatedAt") })).where("Thing.updatedAt", "<=", p.updatedAt)),
    );
    const byKey = compiledOnce(db, (p: { shop: string; key: string }) => db.selectFrom("Thing").selectAll().where("shop", "=", p.shop).where("key", "=", p.key));

    expect(await rowsTouched(save({ shop: "a.myshopify.com", key: "k1", note: "first", updatedAt: 10 }))).toBe(1);
    expect(await rowsTouched(save({ shop: "b.myshopify.com", key: "k1", note: null, updatedAt: 10 }))).toBe(1);
    // older than what is stored: nothing changes
    expect(await rowsTouched(save({ shop: "a.myshopify.com", key: "k1", note: "stale", updatedAt: 5 }))).toBe(0);
    expect(await rowsTouched(save({ shop: "a.myshopify.com", key: "k1", note: "newer", updatedAt: 20 }))).toBe(1);

    const a = await firstRow(byKey({ shop: "a.myshopify.com", key: "k1" }));
    const b = await firstRow(byKey({ shop: "b.myshopify.com", key: "k1" }));
    const fresh = await db.selectFrom("Thing").selectAll().where("shop", "=", "a.myshopify.com").where("key", "=", "k1").executeTakeFirst();
    expect({ ...a, updatedAt: Number(a!.updatedAt) }).toEqual({ shop: "a.myshopify.com", key: "k1", note: "newer", updatedAt: 20 });
    expect(a).toEqual(fresh);
    expect(b?.note).toBeNull();
    expect(await firstRow(byKey({ shop: "c.myshopify.com", key: "k1" }))).toBeUndefined();
  });

  it("refuses a call that does not fit the compiled statement, and runs nothing", async () => {
    const before = await all();
    // a field the query leaves out (a typo, or a value the caller thinks is saved) is found at the first call
    const touch = compiledOnce(db, (p: { shop: string; key: string; note: string }) => db.updateTable("Thing").set({ updatedAt: 99 }).where("shop", "=", p.shop).where("key", "=", p.key));
    await expect(touch({ shop: "a.myshopify.com", key: "k1", note: "lost" })).rejects.toThrow(/does not use note/);

    // compiled from the first call: a later call with other fields would run the wrong statement
    const compiled = compiledOnce(db, (p: Row) => db.insertInto("Thing").values(p));
    await compiled({ shop: "d.myshopify.com", key: "k", note: "x", updatedAt: 1 });
    const { note: _dropped, ...fewer } = { shop: "d.myshopify.com", key: "k2", note: "y", updatedAt: 2 };
    await expect(compiled(fewer as Row)).rejects.toThrow(/compiled for 4 fields/);
    // undefined would have left a column out of the insert: never bound quietly
    await expect(compiled({ shop: "d.myshopify.com", key: "k3", note: undefined as unknown as null, updatedAt: 3 })).rejects.toThrow(/no value for note/);

    expect(await all()).toEqual([...before, { shop: "d.myshopify.com", key: "k", note: "x", updatedAt: 1 }]);
  });

  it("runs inside the caller's transaction when given it, and rolls back with it", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        const insert = compiledOnce(trx, (p: Row) => trx.insertInto("Thing").values(p));
        await insert({ shop: "e.myshopify.com", key: "k", note: null, updatedAt: 1 });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect((await all()).filter((r) => r.shop === "e.myshopify.com")).toEqual([]);
  });
});
