import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Database } from "./db/database";

/**
 * Shopify's SessionStorage on the app's own database and connection, the same on SQLite and PostgreSQL
 * (docs/decisions/0001-data-access.md). Offline sessions carry the shop's access token: scoped by id and shop.
 */
export function createSessionStorage({ db }: Database): SessionStorage {
  return {
    async storeSession(session) {
      const p = session.toObject();
      const user = p.onlineAccessInfo?.associated_user;
      const row = {
        id: session.id,
        shop: session.shop,
        state: session.state,
        isOnline: session.isOnline ? 1 : 0,
        scope: session.scope ?? null,
        expires: session.expires ? session.expires.getTime() : null,
        accessToken: session.accessToken ?? "",
        userId: user?.id ?? null,
        firstName: user?.first_name ?? null,
        lastName: user?.last_name ?? null,
        email: user?.email ?? null,
        accountOwner: user ? (user.account_owner ? 1 : 0) : null,
        locale: user?.locale ?? null,
        collaborator: user ? (user.collaborator ? 1 : 0) : null,
        emailVerified: user ? (user.email_verified ? 1 : 0) : null,
        refreshToken: p.refreshToken ?? null,
        refreshTokenExpires: p.refreshTokenExpires ? new Date(p.refreshTokenExpires).getTime() : null,
      };
      const { id: _id, ...changes } = row;
      await db.insertInto("Session").values(row).onConflict((oc) => oc.column("id").doUpdateSet(changes)).execute();
      return true;
    },
    async loadSession(id) {
      const row = await db.selectFrom("Session").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) return undefined;
      const entries: [string, string | number | boolean][] = [
        ["id", row.id],
        ["shop", row.shop],
        ["state", row.state],
        ["isOnline", row.isOnline === 1],
      ];
      if (row.scope) entries.push(["scope", row.scope]);
      if (row.expires !== null) entries.push(["expires", row.expires]);
      if (row.accessToken) entries.push(["accessToken", row.accessToken]);
      if (row.refreshToken) entries.push(["refreshToken", row.refreshToken]);
      if (row.refreshTokenExpires !== null) entries.push(["refreshTokenExpires", row.refreshTokenExpires]);
      if (row.userId !== null) {
        entries.push(["userId", String(row.userId)]);
        for (const [key, value] of [["firstName", row.firstName], ["lastName", row.lastName], ["email", row.email], ["locale", row.locale]] as const) {
          if (value !== null) entries.push([key, value]);
        }
        for (const [key, value] of [["accountOwner", row.accountOwner], ["collaborator", row.collaborator], ["emailVerified", row.emailVerified]] as const) {
          if (value !== null) entries.push([key, value === 1]);
        }
      }
      return Session.fromPropertyArray(entries, true);
    },
    async deleteSession(id) {
      await db.deleteFrom("Session").where("id", "=", id).execute();
      return true;
    },
    async deleteSessions(ids) {
      if (ids.length) await db.deleteFrom("Session").where("id", "in", ids).execute();
      return true;
    },
    async findSessionsByShop(shop) {
      const rows = await db.selectFrom("Session").select("id").where("shop", "=", shop).limit(25).execute();
      const sessions = await Promise.all(rows.map((r) => this.loadSession(r.id)));
      return sessions.filter((s): s is Session => !!s);
    },
  };
}
