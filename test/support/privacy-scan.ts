import { sql, type Kysely } from "kysely";

/** A customer's personal data, as the scan looks for it. */
export interface PersonalData {
  email: string;
  /** any formatting: the scan compares digits */
  phone: string;
  firstName: string;
  lastName: string;
  street: string;
  customerId: string;
}

export interface Finding {
  table: string;
  column: string;
  what: keyof PersonalData | "name";
  value: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Does this text carry any of the customer's personal data? Each hit names what it found. */
export function personalDataIn(text: string, person: PersonalData): Finding["what"][] {
  const found: Finding["what"][] = [];
  if (text.toLowerCase().includes(person.email.toLowerCase())) found.push("email");
  // a phone number however it is written: "+1 (613) 555-0123", "613.555.0123", "16135550123"
  const phoneDigits = person.phone.replace(/\D/g, "").slice(-10);
  for (const run of text.match(/\d[\d\s().+-]*\d/g) ?? []) {
    if (run.replace(/\D/g, "").includes(phoneDigits)) found.push("phone");
    if (run.replace(/\D/g, "") === person.customerId) found.push("customerId");
  }
  // the full name either way round ("Maya Chen", "CHEN, Maya"), or a JSON record naming both parts of it
  const [first, last] = [escape(person.firstName), escape(person.lastName)];
  if (new RegExp(`\\b${first}[\\s,]+${last}\\b|\\b${last}[\\s,]+${first}\\b`, "i").test(text)) found.push("name");
  if (new RegExp(`"first_name"\\s*:\\s*"${first}"`, "i").test(text) && new RegExp(`"last_name"\\s*:\\s*"${last}"`, "i").test(text)) {
    found.push("name");
  }
  if (new RegExp(`\\b${escape(person.street).replace(/\\? /g, "\\s+")}\\b`, "i").test(text)) found.push("street");
  return [...new Set(found)];
}

/** Every table and its columns, from the database's own catalogue (SQLite's sqlite_master + table_info, PostgreSQL's information_schema). */
async function schemaOf(db: Kysely<unknown>, dialect: "sqlite" | "postgres") {
  const rows =
    dialect === "sqlite"
      ? await sql<{ table: string; column: string; type: string }>`
          SELECT m.name AS "table", p.name AS "column", p.type AS "type"
          FROM sqlite_master m JOIN pragma_table_info(m.name) p
          WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`.execute(db)
      : await sql<{ table: string; column: string; type: string }>`
          SELECT table_name AS "table", column_name AS "column", data_type AS "type"
          FROM information_schema.columns WHERE table_schema = current_schema()`.execute(db);
  const tables = new Map<string, { name: string; type: string }[]>();
  for (const r of rows.rows) tables.set(r.table, [...(tables.get(r.table) ?? []), { name: r.column, type: r.type }]);
  return [...tables].sort(([a], [b]) => a.localeCompare(b));
}

/**
 * Scans every text column of every table, taken from the database's own schema, so a table or column added
 * later is scanned without anyone listing it here. Rows of other shops are left out (they may hold the same
 * person as a customer of that shop); a table without a `shop` column is scanned whole.
 */
export async function scanForPersonalData(db: Kysely<unknown>, shop: string, person: PersonalData, dialect: "sqlite" | "postgres" = "sqlite"): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [table, columns] of await schemaOf(db, dialect)) {
    const text = columns.filter((c) => /CHAR|CLOB|TEXT/i.test(c.type)).map((c) => c.name);
    if (!text.length) continue;
    const scoped = columns.some((c) => c.name === "shop");
    const select = sql.join(text.map((c) => sql.ref(c)));
    const rows = scoped
      ? await sql<Record<string, string | null>>`SELECT ${select} FROM ${sql.table(table)} WHERE "shop" = ${shop}`.execute(db)
      : await sql<Record<string, string | null>>`SELECT ${select} FROM ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) {
      for (const column of text) {
        const value = row[column];
        if (typeof value !== "string") continue;
        for (const what of personalDataIn(value, person)) findings.push({ table, column, what, value: value.slice(0, 200) });
      }
    }
  }
  return findings;
}

/** "Table.column" of each finding, once, sorted: a readable summary for assertions. */
export function placesOf(findings: Finding[]): string[] {
  return [...new Set(findings.map((f) => `${f.table}.${f.column}`))].sort();
}
