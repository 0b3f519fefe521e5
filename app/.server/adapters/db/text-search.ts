import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { Dialect } from "./database";

/**
 * True where the text column contains any of the lower-case fragments, whatever its case. instr()/strpos()
 * rather than LIKE: a fragment (an email address) may hold LIKE's wildcards.
 */
export function containsAnyOf(dialect: Dialect, column: string, fragments: readonly string[]): RawBuilder<SqlBool> {
  if (!fragments.length) return sql<SqlBool>`1 = 0`;
  const find = dialect === "sqlite" ? sql.raw("instr") : sql.raw("strpos");
  const tests = fragments.map((f) => sql`${find}(lower(${sql.ref(column)}), ${f}) > 0`);
  return sql<SqlBool>`(${sql.join(tests, sql` OR `)})`;
}
