import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import BetterSqlite3 from "better-sqlite3";

/**
 * The ingest baseline: a bare Node HTTP server doing the same HMAC check and one durable SQLite insert,
 * with the same pragmas as the app (WAL, synchronous NORMAL). Nothing else.
 */
const port = Number(process.argv[2]);
const file = process.argv[3]!;
const secret = process.argv[4]!;
const db = new BetterSqlite3(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(`CREATE TABLE IF NOT EXISTS delivery (id INTEGER PRIMARY KEY, shop TEXT, topic TEXT, webhook_id TEXT UNIQUE, body TEXT, received_at INTEGER)`);
const insert = db.prepare(`INSERT INTO delivery (shop, topic, webhook_id, body, received_at) VALUES (?,?,?,?,?) ON CONFLICT (webhook_id) DO NOTHING`);

http
  .createServer((req, res) => {
    if (req.url === "/healthz") return void res.end("ok");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
      const expected = createHmac("sha256", secret).update(body).digest();
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        res.writeHead(401);
        return void res.end();
      }
      insert.run(req.headers["x-shopify-shop-domain"], req.headers["x-shopify-topic"], req.headers["x-shopify-webhook-id"], body.toString("utf8"), Date.now());
      res.writeHead(200, { "content-length": 0 });
      res.end();
    });
  })
  .listen(port, "127.0.0.1");
