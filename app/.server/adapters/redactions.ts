import { sql } from "kysely";
import type { Destination } from "~/domain/order";
import { maskStoredValue } from "~/domain/redaction";
import type { RedactionStore } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import { compiledOnce, firstRow } from "./db/prepared";
import { memoForTurn } from "./db/turn-memo";
import { containsAnyOf } from "./db/text-search";

const CHUNK = 500;

/** The tombstone holds keyed hashes only: nothing in it to mask. */
const NOT_MASKED_TABLES = new Set(["RedactedCustomerKey"]);

/**
 * Columns that hold keys, ids, hashes and the shop, never words about a customer: masking them could only
 * break a unique key. Stored webhook bodies are the delivery repository's (they are replaced whole).
 */
const notFreeText = (table: string, column: string) =>
  column === "shop" || /(^id|Id|Key|Hash|^hash)$/.test(column) || (table === "WebhookDelivery" && column === "body");

export function createRedactionStore(database: Database): RedactionStore {
  const { db, dialect } = database;
  let textColumns: Promise<{ table: string; columns: string[] }[]> | null = null;
  // asked for every delivery the worker processes
  const anyKeyOf = compiledOnce(db, (p: { shop: string }) => db.selectFrom("RedactedCustomerKey").select("id").where("shop", "=", p.shop).limit(1));
  // and again by each delivery of the same turn of the event loop (db/turn-memo.ts)
  const anyKey = memoForTurn(async (shop) => !!(await firstRow(anyKeyOf({ shop }))));

  /**
   * Every table with a `shop` column and its text columns, read from the database's own catalogue once per
   * process: a table or column added by a later migration is reached without anyone listing it.
   */
  async function readTextColumns() {
    const rows =
      dialect === "sqlite"
        ? (
            await sql<{ table: string; column: string; type: string }>`
              SELECT m.name AS "table", p.name AS "column", p.type AS "type"
              FROM sqlite_master m JOIN pragma_table_info(m.name) p
              WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`.execute(db)
          ).rows
        : (
            await sql<{ table: string; column: string; type: string }>`
              SELECT table_name AS "table", column_name AS "column", data_type AS "type"
              FROM information_schema.columns WHERE table_schema = current_schema()`.execute(db)
          ).rows;
    const byTable = new Map<string, { shop: boolean; text: string[] }>();
    for (const row of rows) {
      const entry = byTable.get(row.table) ?? { shop: false, text: [] };
      if (row.column === "shop") entry.shop = true;
      else if (/char|text|clob/i.test(row.type) && !notFreeText(row.table, row.column)) entry.text.push(row.column);
      byTable.set(row.table, entry);
    }
    return [...byTable]
      .filter(([table, t]) => t.shop && t.text.length && !NOT_MASKED_TABLES.has(table))
      .map(([table, t]) => ({ table, columns: t.text }));
  }

  return {
    async rememberKeys(shop, keyHashes, at) {
      // the deliveries after it, in this turn too, ask the database again
      await anyKey.forgetAfter(
        shop,
        (async () => {
          for (let i = 0; i < keyHashes.length; i += CHUNK) {
            const values = keyHashes.slice(i, i + CHUNK).map((keyHash) => ({ shop, keyHash, createdAt: at }));
            await db.insertInto("RedactedCustomerKey").values(values).onConflict((oc) => oc.columns(["shop", "keyHash"]).doNothing()).execute();
          }
        })(),
      );
    },
    async hasKeys(shop) {
      return anyKey.get(shop);
    },
    async knownKeys(shop, keyHashes) {
      const known = new Set<string>();
      for (let i = 0; i < keyHashes.length; i += CHUNK) {
        const rows = await db
          .selectFrom("RedactedCustomerKey")
          .select("keyHash")
          .where("shop", "=", shop)
          .where("keyHash", "in", keyHashes.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) known.add(r.keyHash);
      }
      return known;
    },
    async fulfillmentsOf(shop, orderIds) {
      const found: { fulfillmentId: string; destination: Destination | null }[] = [];
      for (let i = 0; i < orderIds.length; i += CHUNK) {
        const rows = await db
          .selectFrom("Fulfillment")
          .select(["fulfillmentId", "destination"])
          .where("shop", "=", shop)
          .where("orderId", "in", orderIds.slice(i, i + CHUNK))
          .execute();
        for (const r of rows) found.push({ fulfillmentId: r.fulfillmentId, destination: readJson<Destination | null>(r.destination, null) });
      }
      return found;
    },
    async forgetDataRequests(shop, customer) {
      const emails = customer.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);
      const result = await db
        .deleteFrom("DataRequestExport")
        .where("shop", "=", shop)
        .where((eb) => {
          const any = [];
          if (customer.id) any.push(eb("customerId", "=", customer.id));
          if (emails.length) any.push(eb(eb.fn("lower", ["email"]), "in", emails));
          // no condition at all matches nothing (kysely writes an empty or as 1 = 0; a bound false is no SQLite value)
          return eb.or(any);
        })
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async maskEverywhere(shop, customer) {
      if (customer.empty) return 0;
      textColumns ??= readTextColumns();
      let changed = 0;
      for (const { table, columns } of await textColumns) {
        for (const column of columns) {
          // the database narrows the rows to those holding a fragment of a trace; the exact match runs here
          const values = await sql<{ value: string }>`
            SELECT DISTINCT ${sql.ref(column)} AS "value" FROM ${sql.table(table)}
            WHERE "shop" = ${shop} AND ${containsAnyOf(dialect, column, customer.fragments)}`.execute(db);
          for (const { value } of values.rows) {
            const masked = maskStoredValue(value, customer.mask);
            if (masked === value) continue;
            const result = await sql`UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${masked} WHERE "shop" = ${shop} AND ${sql.ref(column)} = ${value}`.execute(db);
            changed += Number(result.numAffectedRows ?? 0);
          }
        }
      }
      return changed;
    },
  };
}
