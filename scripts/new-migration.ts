import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * `npm run db:migration -- <name>`: writes the SQL that takes the database from the schema of the last
 * migration (prisma/migrations/schema.snapshot.prisma) to prisma/schema.prisma, for SQLite and for
 * PostgreSQL. `prisma migrate diff` between two schema files needs no database and no engine download.
 */
const name = process.argv[2]?.replace(/[^a-z0-9_]/gi, "_");
if (!name) {
  process.stderr.write("usage: npm run db:migration -- <name>\n");
  process.exit(2);
}
const root = path.resolve("prisma/migrations");
const snapshot = path.join(root, "schema.snapshot.prisma");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-migration-"));
const next = String(fs.readdirSync(path.join(root, "sqlite")).length + 1).padStart(4, "0");

for (const [dialect, provider] of [["sqlite", "sqlite"], ["postgresql", "postgresql"]] as const) {
  const withProvider = (file: string) => {
    const out = path.join(tmp, `${dialect}-${path.basename(file)}`);
    fs.writeFileSync(out, fs.readFileSync(file, "utf8").replace(/provider = "sqlite"/, `provider = "${provider}"`));
    return out;
  };
  const from = fs.existsSync(snapshot) ? ["--from-schema-datamodel", withProvider(snapshot)] : ["--from-empty"];
  const sql = execFileSync("npx", ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", withProvider("prisma/schema.prisma"), "--script"], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite" },
  });
  const dir = path.join(root, dialect, `${next}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  process.stdout.write(`wrote ${path.relative(process.cwd(), dir)}/migration.sql\n`);
}
fs.copyFileSync("prisma/schema.prisma", snapshot);
fs.rmSync(tmp, { recursive: true, force: true });
