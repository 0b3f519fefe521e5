import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReconciliationStore } from "~/.server/adapters/backfill-runs";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";
import { freshPostgresDatabase } from "../support/postgres";

/**
 * One reconciliation run per shop at a time (ReconciliationStore.start), on both databases, asked by several
 * workers at once: on PostgreSQL each asks on a connection of its own, as two `npm run worker` processes would.
 */
const LEASE = 15 * 60_000;

describe.each(["sqlite", "postgres"] as const)("reconciliation runs on %s", (dialect) => {
  const databases: Database[] = [];
  let cleanUp: () => Promise<void>;
  let open: () => Database;

  beforeAll(async () => {
    if (dialect === "sqlite") {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-reconcile-lease-"));
      open = () => openDatabase({ dialect: "sqlite", path: path.join(dir, "app.sqlite") });
      cleanUp = async () => fs.rmSync(dir, { recursive: true, force: true });
    } else {
      const fresh = await freshPostgresDatabase("shipwatch_lease");
      open = () => openDatabase({ dialect: "postgres", url: fresh.url });
      cleanUp = fresh.drop;
    }
    const first = open();
    databases.push(first);
    await migrate(first);
  });

  afterAll(async () => {
    for (const d of databases) await d.close();
    await cleanUp();
  });

  it("gives one run to several workers asking at once, another once it is finished, and takes back one left open after the lease", async () => {
    // three workers, each with its own connection (pool) to the same database
    while (databases.length < 3) databases.push(open());
    const stores = databases.map((d) => createReconciliationStore(d));
    const shop = `lease-${dialect}.myshopify.com`;
    const at = Date.parse("2026-12-08T10:00:00Z");

    const asked = await Promise.all([...stores, ...stores].map((s) => s.start(shop, at, LEASE)));
    const given = asked.filter((id): id is number => id !== null);
    expect(given).toHaveLength(1);

    // another shop is not held by it
    expect(await stores[1]!.start("other.myshopify.com", at, LEASE)).not.toBeNull();

    await stores[0]!.finish(shop, given[0]!, { at: at + 1_000, ordersSeen: 3, repaired: 0, watermark: at, error: null });
    const next = await stores[2]!.start(shop, at + 2_000, LEASE);
    expect(next).not.toBeNull();

    // its worker died: nobody finishes it, and the shop waits out the lease
    expect(await stores[1]!.start(shop, at + 2_000 + LEASE - 1, LEASE)).toBeNull();
    expect(await stores[1]!.start(shop, at + 2_000 + LEASE, LEASE)).not.toBeNull();
  });
});
