import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";
import { memoForTurn } from "~/.server/adapters/db/turn-memo";
import { createCarrierAccountRepository } from "~/.server/adapters/carrier-accounts";
import { createRedactionStore } from "~/.server/adapters/redactions";
import { createShopRepository } from "~/.server/adapters/shops";

/**
 * Settings every delivery asks about are remembered until the event loop's turn ends (adapters/db/turn-memo.ts).
 * What must hold: a change this process makes is seen at once, even later in the same turn; a change another
 * process makes is seen from the next turn; a failed read is not remembered.
 */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("memoForTurn", () => {
  it("answers the same turn's callers with one read, reads again in the next turn, and forgets on demand", async () => {
    let reads = 0;
    let value = "a";
    const memo = memoForTurn(async () => {
      reads += 1;
      return value;
    });
    expect(await Promise.all([memo.get("s"), memo.get("s")])).toEqual(["a", "a"]);
    expect(await memo.get("s")).toBe("a");
    expect(reads).toBe(1);
    value = "b";
    memo.forget("s");
    expect(await memo.get("s")).toBe("b");
    expect(reads).toBe(2);
    // one key's answer is not another's
    expect(await memo.get("other")).toBe("b");
    expect(reads).toBe(3);
    value = "c";
    await nextTurn();
    expect(await memo.get("s")).toBe("c");
    expect(reads).toBe(4);
  });

  it("does not remember a failed read", async () => {
    let fail = true;
    const memo = memoForTurn(async () => {
      if (fail) throw new Error("database is locked");
      return 1;
    });
    await expect(memo.get("s")).rejects.toThrow("database is locked");
    fail = false;
    expect(await memo.get("s")).toBe(1);
  });
});

describe("the settings remembered for a turn, on the real database", () => {
  let dir: string;
  let database: Database;
  let other: BetterSqlite3.Database;
  const shop = "memo.myshopify.com";

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-turn-memo-"));
    const file = path.join(dir, "app.sqlite");
    database = openDatabase({ dialect: "sqlite", path: file });
    await migrate(database);
    // another process writing to the same file
    other = new BetterSqlite3(file);
  });

  afterEach(async () => {
    other.close();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("an uninstall, a purge and a reinstall by this process are seen at once; another process's from the next turn", async () => {
    const shops = createShopRepository(database);
    await shops.ensureInstalled(shop, 1);
    expect(await shops.isInstalled(shop)).toBe(true);
    await shops.markUninstalled(shop, 2);
    expect(await shops.isInstalled(shop)).toBe(false);
    await shops.ensureInstalled(shop, 3);
    expect(await shops.isInstalled(shop)).toBe(true);
    expect(await shops.carriers(shop)).toEqual([]);

    other.prepare(`UPDATE "Shop" SET "uninstalledAt" = 4, "carriers" = '["ups"]' WHERE "shop" = ?`).run(shop);
    await nextTurn();
    expect(await shops.isInstalled(shop)).toBe(false);
    expect(await shops.carriers(shop)).toEqual(["ups"]);

    await shops.ensureInstalled(shop, 5);
    expect(await shops.isInstalled(shop)).toBe(true);
    await shops.purge(shop);
    expect(await shops.isInstalled(shop)).toBe(false);
    expect(await shops.carriers(shop)).toEqual([]);
  });

  it("a customer redacted by this process is known to the very next delivery", async () => {
    const redactions = createRedactionStore(database);
    expect(await redactions.hasKeys(shop)).toBe(false);
    await redactions.rememberKeys(shop, ["k1"], 1);
    expect(await redactions.hasKeys(shop)).toBe(true);
  });

  it("a carrier account connected, paused or removed by this process shows at once, and its copy cannot change the next caller's", async () => {
    const accounts = createCarrierAccountRepository(database);
    expect(await accounts.forShop(shop)).toEqual([]);
    await accounts.save(shop, { id: "acc-1", carrier: "ups", sealedCredentials: "sealed", polling: true }, 1);
    const [first] = await accounts.forShop(shop);
    expect(first).toMatchObject({ carrier: "ups", polling: true, status: "connected" });
    first!.status = "failing";
    expect((await accounts.forShop(shop))[0]!.status).toBe("connected");
    await accounts.markFailing(shop, "ups", "401 from UPS", 2);
    expect((await accounts.forShop(shop))[0]!.status).toBe("failing");
    await accounts.setPolling(shop, "ups", false, 3);
    expect((await accounts.forShop(shop))[0]!.polling).toBe(false);
    await accounts.remove(shop, "ups");
    expect(await accounts.forShop(shop)).toEqual([]);
  });
});
