import { sql } from "kysely";
import type { Database } from "./db/database";

/** Names for stored actors ("staff:<user id>", an email), from what Shopify told about them; an actor it never named is left out. */
export type StaffNames = (shop: string, actors: readonly string[]) => Promise<Record<string, string>>;

/**
 * The shop's staff as its online sessions know them: Shopify hands each signed-in user's first and last name
 * with an online token, and the session storage keeps them. Only sessions of the same shop are read, so a user
 * id or an email never borrows a name from another store.
 */
export function createStaffNames({ db }: Database): StaffNames {
  return async (shop, actors) => {
    const ids = new Map<number, string[]>();
    const emails = new Map<string, string[]>();
    for (const actor of new Set(actors)) {
      const id = /^staff:(\d{1,15})$/.exec(actor);
      if (id) ids.set(Number(id[1]), [...(ids.get(Number(id[1])) ?? []), actor]);
      else if (/^[^\s@<>]+@[^\s@<>]+$/.test(actor)) emails.set(actor.toLowerCase(), [...(emails.get(actor.toLowerCase()) ?? []), actor]);
    }
    if (!ids.size && !emails.size) return {};
    const rows = await db
      .selectFrom("Session")
      .select(["userId", "email", "firstName", "lastName"])
      .where("shop", "=", shop)
      .where("isOnline", "=", 1)
      .where((eb) =>
        eb.or([
          ...(ids.size ? [eb("userId", "in", [...ids.keys()])] : []),
          ...(emails.size ? [eb(sql<string>`lower("email")`, "in", [...emails.keys()])] : []),
        ]),
      )
      // the newest session's name wins (a renamed user keeps old sessions until they expire)
      .orderBy(sql`coalesce("expires", 0)`)
      .execute();
    const names: Record<string, string> = {};
    for (const row of rows) {
      const name = [row.firstName, row.lastName].map((part) => part?.trim()).filter(Boolean).join(" ");
      if (!name) continue;
      const named = [...(row.userId !== null ? ids.get(Number(row.userId)) ?? [] : []), ...(row.email ? emails.get(row.email.toLowerCase()) ?? [] : [])];
      for (const actor of named) names[actor] = name;
    }
    return names;
  };
}
