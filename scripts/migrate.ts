import { loadConfigForTools } from "./tool-config";
import { openDatabase } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";

/** `npm run setup`: applies pending migrations to DATABASE_URL (SQLite by default, or PostgreSQL). */
const { database } = loadConfigForTools();
const db = openDatabase(database.dialect === "sqlite" ? { dialect: "sqlite", path: database.path } : { dialect: "postgres", url: database.url });
const applied = await migrate(db);
await db.close();
process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "database is up to date\n");
