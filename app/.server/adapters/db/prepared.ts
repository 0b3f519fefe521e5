import { createQueryId, type Compilable, type CompiledQuery, type Kysely, type QueryResult } from "kysely";

/** Where a value goes in a query built once: the builder sees an ordinary value, the compiled query a marker. */
class Slot {
  constructor(readonly key: string) {}
}

/**
 * A query of a fixed shape, built and compiled by Kysely once and then run with new values each time.
 *
 * Kysely builds and compiles every query from scratch: immutable nodes frozen one by one, then a visitor over
 * the tree, for the same SQL text every time. On the delivery path that was about a fifth of the worker's CPU
 * (`npm run bench -- pipeline`, docs/decisions/0022-queries-compiled-once.md). Here `build` runs once, on the
 * first call, with a marker in place of each of that call's values (`p.shop` is a marker the compiled query
 * carries as a parameter; `...p` spreads one per field); each call then puts its values where the markers are
 * and runs the same SQL on `db`.
 *
 * Only for shapes that do not depend on the values: every call gives the same fields, none undefined (which
 * Kysely would have dropped from an insert or update), and no list whose length varies (`in`), no column
 * chosen by a value. A field the query does not use, a call with other fields and an undefined value are
 * errors, so a shape that drifts cannot run the wrong statement quietly.
 */
export function compiledOnce<P extends object, R>(
  db: Kysely<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- any schema: the query is the caller's
  build: (p: P) => Compilable<R>,
): (values: P) => Promise<QueryResult<R>> {
  let compiled: { query: CompiledQuery<R>; fields: number } | null = null;
  function bind(values: P): CompiledQuery<R> {
    compiled ??= compile(build, values);
    const { query, fields } = compiled;
    // the shape was fixed by the first call's fields: a call with others would run the wrong statement
    if (Object.keys(values).length !== fields) throw new Error(`compiledOnce: compiled for ${fields} fields, called with ${Object.keys(values).join(", ")}`);
    const parameters = query.parameters.map((v) => {
      if (!(v instanceof Slot)) return v;
      const value = (values as Record<string, unknown>)[v.key];
      if (value === undefined) throw new Error(`compiledOnce: no value for ${v.key}`);
      return value;
    });
    return { ...query, parameters, queryId: createQueryId() };
  }
  return (values) => {
    let query: CompiledQuery<R>;
    try {
      query = bind(values);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return db.executeQuery<R>(query);
  };
}

/** Builds the query once with a marker for each field of the first call, which the compiled query carries. */
function compile<P extends object, R>(build: (p: P) => Compilable<R>, example: P): { query: CompiledQuery<R>; fields: number } {
  const fields = Object.keys(example);
  const placeholders = Object.fromEntries(fields.map((key) => [key, new Slot(key)])) as P;
  const query = build(placeholders).compile();
  const used = new Set(query.parameters.filter((v): v is Slot => v instanceof Slot).map((s) => s.key));
  const unused = fields.filter((k) => !used.has(k));
  if (unused.length) throw new Error(`compiledOnce: the query does not use ${unused.join(", ")}`);
  return { query, fields: fields.length };
}

/** The first row of a compiled query's answer, or undefined. */
export async function firstRow<R>(result: Promise<QueryResult<R>>): Promise<R | undefined> {
  return (await result).rows[0];
}

/** Rows an insert, update or delete of a compiled query touched (an upsert's skipped conflict: 0). */
export async function rowsTouched(result: Promise<QueryResult<unknown>>): Promise<number> {
  return Number((await result).numAffectedRows ?? 0);
}
