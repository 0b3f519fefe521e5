import fc from "fast-check";

/**
 * Hostile values and JSON mutations for the fuzz suite. Values stay small to print: a huge string or a
 * deep nesting is a description (`Huge`, `RawJson`) expanded only when the body is written, so a failing
 * case reads as "Huge("x"×500000)", not half a megabyte of x.
 */

/** JSON text written as is: what JSON.stringify cannot produce (1e400, -0, a 30-digit id, 5,000 brackets). */
export class RawJson {
  constructor(readonly text: string, readonly label = text) {}
  [fc.toStringMethod]() {
    return `RawJson(${this.label})`;
  }
}

/** A long string, written out in full only in the body. */
export class Huge {
  constructor(readonly unit: string, readonly times: number) {}
  get value() {
    return this.unit.repeat(this.times);
  }
  [fc.toStringMethod]() {
    return `Huge(${JSON.stringify(this.unit)}×${this.times})`;
  }
}

export type Tree = null | boolean | number | string | RawJson | Huge | Tree[] | { [key: string]: Tree };

/** An object's extra copies of some of its keys, written after its own (JSON.parse keeps the last). */
const DUPLICATES = Symbol("duplicate keys");
type WithDuplicates = { [DUPLICATES]?: [string, Tree][] };

export function writeJson(value: Tree): string {
  if (value instanceof RawJson) return value.text;
  if (value instanceof Huge) return JSON.stringify(value.value);
  if (Array.isArray(value)) return `[${value.map(writeJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const own = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${writeJson(v)}`);
    const extra = ((value as WithDuplicates)[DUPLICATES] ?? []).map(([k, v]) => `${JSON.stringify(k)}:${writeJson(v)}`);
    return `{${[...own, ...extra].join(",")}}`;
  }
  // NaN and ±Infinity are not JSON: JSON.stringify writes null, as a real client would
  return JSON.stringify(value);
}

/** A copy that keeps the descriptions (structuredClone would turn them into plain objects). */
function copy(value: Tree): Tree {
  if (value instanceof RawJson || value instanceof Huge || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copy);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
}

/** A value now and then (one case in `oneIn`), null otherwise. (fc.option's `freq` is the other way round.) */
export const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });

// ---- hostile values

export const LONE_SURROGATES = ["\uD800", "\uDFFF", "a\uD83D", "\uDE00b", "1Z999AA1\uD8000123456784"];

export const stringJunk: fc.Arbitrary<Tree> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\r\n",
    "\u202Eevil\u202C",
    "\u200B\uFEFF",
    "e\u0301\u0301\u0301",
    "😀👩‍👩‍👧‍👦",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "../../etc/passwd",
    "{{ shop.name }}{% raw %}",
    "__proto__",
    "constructor",
    ...LONE_SURROGATES,
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  // any UTF-16 code unit, half surrogates included
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((units) => String.fromCharCode(...units)),
  fc.constantFrom(1_000, 10_000, 100_000).chain((n) => fc.constantFrom(new Huge("x", n), new Huge("é", n), new Huge("\uD800", Math.min(n, 50_000)))),
);

const numberJunk: fc.Arbitrary<Tree> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -1, -0.5, 1.5, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e308, -1e308, 5e-324),
  fc.constantFrom(new RawJson("1e400"), new RawJson("-1e400"), new RawJson("-0"), new RawJson("123456789012345678901234567890"), new RawJson("1E+2"), new RawJson("0.0000000000000000000001")),
);

/** Numbers written as strings, the way some clients and some of Shopify's own fields do. */
const numericStrings: fc.Arbitrary<Tree> = fc.constantFrom("0", "-1", "1e3", "0x1F", " 42 ", "42abc", "9007199254740993", "NaN", "Infinity", "-0", "١٢٣", "１２３", "1_000", "+7");

export const dateJunk: fc.Arbitrary<Tree> = fc.oneof(
  // the named extremes first: the largest and smallest JS dates, before 2000, far ahead
  { weight: 2, arbitrary: fc.constantFrom<Tree>("+275760-09-13T00:00:00.000Z", "-271821-04-20T00:00:00.000Z", "1900-01-01T00:00:00Z", "2999-12-31T23:59:59Z") },
  fc.constantFrom(
    "+275760-09-13T00:00:00.000Z",
    "-271821-04-20T00:00:00.000Z",
    "+275760-09-13T00:00:00.001Z",
    "1900-01-01T00:00:00Z",
    "1899-12-31T23:59:59-12:00",
    "1970-01-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
    "2999-12-31T23:59:59Z",
    "9999-12-31T23:59:59.999Z",
    "2026-11-22T01:00:00Z",
    "2026-11-23T01:00:00Z",
    "2026-02-30T10:00:00Z",
    "2026-11-02T25:61:00Z",
    "2026-11-02",
    "2026-11-02T09:15:00+14:00",
    "Mon, 02 Nov 2026 09:15:00 GMT",
    "0",
    "",
    "yesterday",
  ),
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.constantFrom<Tree>(0, -1, 1e15, 8.64e15 + 1, true),
);

export const idJunk: fc.Arbitrary<Tree> = fc.oneof(
  fc.constantFrom<Tree>(-1, 0, -5_600_000_000_001, 2 ** 53 + 1, 1.5, "", "-5", " 42", "0x10", "１２３", "4e3", null, [], {}),
  fc.constantFrom(new RawJson("9223372036854775807"), new RawJson("123456789012345678901234567890"), new RawJson("1e400")),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
);

export const foreignShops = ["bravo-outfitters.myshopify.com", "someone-else.myshopify.com", "BRAVO-OUTFITTERS.myshopify.com", "bravo-outfitters.myshopify.com.evil.test", "localhost"];

/** Nested junk: arbitrary JSON, and nestings deep enough to hurt a recursive walker. */
const nestedJunk: fc.Arbitrary<Tree> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Tree>,
  fc.constantFrom(100, 1_000, 5_000).map((depth) => new RawJson(`${"[".repeat(depth)}${"]".repeat(depth)}`, `${depth} nested arrays`)),
  fc.constantFrom(100, 1_000).map((depth) => new RawJson(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`, `${depth} nested objects`)),
);

export const anyJunk: fc.Arbitrary<Tree> = fc.oneof(
  fc.constantFrom<Tree>(null, true, false, [], {}),
  numberJunk,
  numericStrings,
  stringJunk,
  dateJunk,
  idJunk,
  nestedJunk,
);

/** Tracking numbers: realistic, odd, and a few hundred of them at once. */
export const trackingJunk: fc.Arbitrary<Tree> = fc.oneof(
  stringJunk,
  fc.constantFrom<Tree>(...LONE_SURROGATES, [LONE_SURROGATES[4]!], ["1Z999AA10123456784", "\uDBFF"]),
  fc.constantFrom<Tree>("1z999aa10123456784", " 1Z999AA1 0123 456784 ", "1Z999AA10123456784\u0000", "9400111899223197428490", "7316213581064545"),
  fc.integer({ min: 100, max: 600 }).map((n) => Array.from({ length: n }, (_, i) => `1ZFUZZ${String(i).padStart(10, "0")}`)),
  fc.integer({ min: 100, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => (i % 7 === 0 ? `LS\uD800${i}` : `9400111899223${String(i).padStart(9, "0")}`))),
);

// ---- mutations of a valid body

type Path = (string | number)[];

/** Which fields a targeted mutation goes for, by name. */
const FIELD_KINDS = {
  id: /(^|_)id$/,
  date: /_at$/,
  tracking: /^tracking_(number|numbers|url|urls)$/,
  shop: /^(shop_domain|myshopify_domain|domain)$/,
  contact: /^(email|phone|name|first_name|last_name|address1)$/,
} as const;
type FieldKind = keyof typeof FIELD_KINDS;

export type { FieldKind };

export type Mutation =
  | { op: "drop"; at: number }
  | { op: "set"; at: number; value: Tree }
  | { op: "setField"; field: FieldKind; at: number; value: Tree }
  | { op: "duplicateKey"; at: number; value: Tree }
  | { op: "addField"; at: number; key: string; value: Tree };

const valueFor: Record<FieldKind, fc.Arbitrary<Tree>> = {
  id: idJunk,
  date: dateJunk,
  tracking: trackingJunk,
  shop: fc.constantFrom<Tree>(...foreignShops, "", 42, null),
  contact: fc.oneof(stringJunk, fc.constantFrom<Tree>("MAYA.CHEN@EXAMPLE.COM", "li.wei@example.com", "+16135550123")),
};

const setField = (fields: readonly FieldKind[]): fc.Arbitrary<Mutation> =>
  fc.constantFrom(...fields).chain((field) => fc.record({ op: fc.constant("setField" as const), field: fc.constant(field), at: fc.nat(), value: valueFor[field] }));

/** Mutations, biased towards the fields a topic's processing leans on (its dates, its tracking numbers, its shop). */
export function mutationFocusedOn(fields: readonly FieldKind[]): fc.Arbitrary<Mutation> {
  return fc.oneof({ weight: 1, arbitrary: mutation }, { weight: 1, arbitrary: setField(fields) });
}

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: anyJunk }) },
  { weight: 5, arbitrary: setField(Object.keys(FIELD_KINDS) as FieldKind[]) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("duplicateKey" as const), at: fc.nat(), value: anyJunk }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("addField" as const), at: fc.nat(), key: fc.constantFrom("shop_domain", "__proto__", "constructor", "", "id ", "tracking_numbers", "x".repeat(300)), value: anyJunk }) },
);

/** Every node's path under the root (root excluded), depth first; `objects` keeps only object-valued ones. */
function paths(value: Tree, objects = false, prefix: Path = [], out: Path[] = []): Path[] {
  if (value === null || typeof value !== "object" || value instanceof RawJson || value instanceof Huge) return out;
  const entries: [string | number, Tree][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const path = [...prefix, key];
    const isObject = child !== null && typeof child === "object" && !Array.isArray(child) && !(child instanceof RawJson) && !(child instanceof Huge);
    if (!objects || isObject) out.push(path);
    paths(child, objects, path, out);
  }
  return out;
}

function parentOf(root: Tree, path: Path): { parent: Record<string | number, Tree>; key: string | number } {
  let node = root as Record<string | number, Tree>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Tree>;
  return { parent: node, key: path[path.length - 1]! };
}

/** Applies mutations in order to a copy of a valid body; each picks its target among what is there then. */
export function mutate(valid: Tree, mutations: readonly Mutation[]): Tree {
  const root = copy(valid);
  for (const m of mutations) {
    if (m.op === "duplicateKey" || m.op === "addField") {
      const objects: Path[] = [[], ...paths(root, true)];
      const target = objects[m.at % objects.length]!;
      const node = target.reduce<Tree>((n, k) => (n as Record<string | number, Tree>)[k]!, root) as Record<string, Tree> & WithDuplicates;
      const keys = Object.keys(node);
      if (m.op === "addField") node[m.key] = copy(m.value);
      else if (keys.length) node[DUPLICATES] = [...(node[DUPLICATES] ?? []), [keys[m.at % keys.length]!, copy(m.value)]];
      continue;
    }
    const all = paths(root);
    const candidates = m.op === "setField" ? all.filter((p) => FIELD_KINDS[m.field].test(String(p[p.length - 1]))) : all;
    if (!candidates.length) continue;
    const { parent, key } = parentOf(root, candidates[m.at % candidates.length]!);
    if (m.op === "drop") {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else parent[key] = copy(m.value);
  }
  return root;
}

/** Whole bodies that are not the JSON object a topic expects: the mutations cannot reach these. */
export const wholeBodyJunk: fc.Arbitrary<{ label: string; body: string | Buffer }> = fc.constantFrom(
  { label: "empty", body: "" },
  { label: "truncated", body: '{"id": 1, "name": "#10' },
  { label: "null", body: "null" },
  { label: "array", body: "[]" },
  { label: "string", body: '"orders"' },
  { label: "number", body: "42" },
  { label: "BOM then JSON", body: '\uFEFF{"id": 1}' },
  { label: "trailing garbage", body: '{"id": 1}garbage' },
  { label: "two objects", body: '{"id": 1}{"id": 2}' },
  { label: "NaN literal", body: '{"id": NaN}' },
  { label: "invalid UTF-8", body: Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0xff, 0xfe, 0x22, 0x7d]) },
  { label: "UTF-16 LE", body: Buffer.from('{"id": 1}', "utf16le") },
  { label: "10,000 nested arrays", body: `${"[".repeat(10_000)}${"]".repeat(10_000)}` },
  { label: "just over 1 MiB", body: JSON.stringify({ id: 1, junk: "x".repeat(1024 * 1024) }) },
);
