import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";
import { createSessionStorage } from "~/.server/adapters/session-storage";

describe("SessionStorage on the app database", () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-sessions-"));
    database = openDatabase({ dialect: "sqlite", path: path.join(dir, "s.sqlite") });
    await migrate(database);
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("round-trips an offline session exactly", async () => {
    const storage = createSessionStorage(database);
    const offline = new Session({ id: "offline_alpha.myshopify.com", shop: "alpha.myshopify.com", state: "s1", isOnline: false, scope: "read_orders,read_fulfillments", accessToken: "shpat_abc" });
    expect(await storage.storeSession(offline)).toBe(true);
    const loaded = await storage.loadSession(offline.id);
    expect(loaded?.equals(offline)).toBe(true);
    expect(loaded?.isActive("read_orders,read_fulfillments")).toBe(true);
  });

  it("round-trips an online session with its user and expiry, and updates in place", async () => {
    const storage = createSessionStorage(database);
    const expires = new Date("2026-11-23T12:00:00Z");
    const online = new Session({
      id: "alpha.myshopify.com_42",
      shop: "alpha.myshopify.com",
      state: "s2",
      isOnline: true,
      scope: "read_orders",
      accessToken: "shpua_xyz",
      expires,
      onlineAccessInfo: {
        expires_in: 86_400,
        associated_user_scope: "read_orders",
        associated_user: { id: 42, first_name: "Ana", last_name: "Lima", email: "ana@example.com", email_verified: true, account_owner: false, locale: "pt-BR", collaborator: true },
      },
    });
    await storage.storeSession(online);
    await storage.storeSession(online);
    const loaded = await storage.loadSession(online.id);
    expect(loaded?.expires?.getTime()).toBe(expires.getTime());
    expect(loaded?.onlineAccessInfo?.associated_user).toMatchObject({ id: 42, first_name: "Ana", email: "ana@example.com", email_verified: true, collaborator: true, account_owner: false });
    expect((await storage.findSessionsByShop("alpha.myshopify.com")).map((s) => s.id).sort()).toEqual(["alpha.myshopify.com_42", "offline_alpha.myshopify.com"]);
  });

  it("finds and deletes only the given shop's sessions", async () => {
    const storage = createSessionStorage(database);
    await storage.storeSession(new Session({ id: "offline_bravo.myshopify.com", shop: "bravo.myshopify.com", state: "", isOnline: false, accessToken: "t" }));
    expect(await storage.findSessionsByShop("bravo.myshopify.com")).toHaveLength(1);
    await storage.deleteSessions(["offline_alpha.myshopify.com", "alpha.myshopify.com_42"]);
    expect(await storage.findSessionsByShop("alpha.myshopify.com")).toEqual([]);
    expect(await storage.loadSession("offline_bravo.myshopify.com")).toBeDefined();
    expect(await storage.loadSession("missing")).toBeUndefined();
  });
});
