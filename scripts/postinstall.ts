import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

/**
 * `npm install` / `npm ci` run this: `prisma generate` writes the Kysely types (app/.server/adapters/db/schema.generated.ts)
 * from prisma/schema.prisma.
 *
 * A production install (`npm ci --omit=dev`) has no Prisma CLI, and needs none: the app queries through Kysely, the
 * generated types are committed and only the type checker reads them, and `npm run setup` applies the migrations'
 * SQL itself (scripts/migrate.ts). So without the CLI there is nothing to generate, rather than a failed install.
 */
const require = createRequire(import.meta.url);
let hasPrisma = true;
try {
  require.resolve("prisma/package.json");
} catch {
  hasPrisma = false;
}
if (!hasPrisma) {
  process.stdout.write("postinstall: the Prisma CLI is not installed (a production install); the committed Kysely types stand\n");
  process.exit(0);
}
// the CLI loads prisma.config.ts, whose adapter wants a database URL even though generating opens none
const result = spawnSync("prisma", ["generate"], {
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "file:./prisma/dev.sqlite" },
});
process.exit(result.status ?? 1);
