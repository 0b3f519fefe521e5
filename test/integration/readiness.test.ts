import { randomUUID } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { signWebhook } from "~/.server/shopify/signatures";
import { newId, orderPayload } from "../fixtures/shopify";
import { freePort, spawnWebProcess, type AppProcess } from "../support/app-process";
import { freshPostgresDatabase } from "../support/postgres";
import { SHOP_A, TEST_SECRET } from "../support/test-app";

/**
 * `npm start` as a real process, as a load balancer and a supervisor see it: /readyz asks the database and Redis,
 * /healthz only the process; SIGTERM stops new connections, lets the request in flight finish, and exits 0.
 */
const LISTENING = /^Shipwatch listening on/;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-readiness-"));
const running: AppProcess[] = [];

afterEach(() => {
  for (const p of running.splice(0)) p.kill();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>) {
  const port = await freePort();
  const web = spawnWebProcess(port, env);
  running.push(web);
  await web.waitForLog(LISTENING);
  return { web, url: `http://127.0.0.1:${port}`, port };
}

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};

/** a connection attempt: "connected", or the error code (ECONNREFUSED once the server stopped listening) */
const tryConnect = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });

/**
 * A signed orders/create webhook whose body is sent in two parts: the request is in flight (headers and half the
 * body read by the server) until `finish()` sends the rest. Resolves with the answer.
 */
function slowWebhook(port: number) {
  const webhookId = randomUUID();
  const body = Buffer.from(JSON.stringify(orderPayload({ id: newId() })));
  const req = http.request({
    host: "127.0.0.1",
    port,
    path: "/webhooks",
    method: "POST",
    agent: false,
    headers: {
      "content-type": "application/json",
      "content-length": body.length,
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": SHOP_A,
      "x-shopify-webhook-id": webhookId,
      "x-shopify-api-version": "2026-07",
      "x-shopify-hmac-sha256": signWebhook(body, TEST_SECRET),
    },
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.once("response", (res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.once("error", reject);
  });
  // a test that expects it cut off looks at it later: no unhandled rejection meanwhile
  answer.catch(() => undefined);
  const half = Math.floor(body.length / 2);
  req.write(body.subarray(0, half));
  return { webhookId, answer, finish: () => req.end(body.subarray(half)) };
}

describe("/readyz and /healthz", () => {
  it("SQLite: /readyz 200 naming the database; /healthz 200", { timeout: 120_000 }, async () => {
    const { url } = await start({ DATABASE_URL: `file:${path.join(dir, "ready.sqlite")}` });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(await ready.json()).toEqual({ ok: true, checks: { database: "ok" } });
    expect(await get(`${url}/healthz`)).toEqual({ status: 200, text: JSON.stringify({ ok: true }) });
    expect((await fetch(`${url}/readyz`, { method: "POST" })).status).toBe(405);
  });

  it("PostgreSQL and Redis both answering: 200 naming both", { timeout: 120_000 }, async () => {
    const database = await freshPostgresDatabase("shipwatch_ready");
    try {
      const { url } = await start({ DATABASE_URL: database.url, REDIS_URL: "redis://127.0.0.1:6379/9" });
      // the Redis connection opens beside the server's start: ready within moments
      let ready = await get(`${url}/readyz`);
      for (let i = 0; i < 40 && ready.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await get(`${url}/readyz`);
      }
      expect(ready.status).toBe(200);
      expect(JSON.parse(ready.text)).toEqual({ ok: true, checks: { database: "ok", redis: "ok" } });
    } finally {
      for (const p of running.splice(0)) p.kill();
      await database.drop();
    }
  });

  it("Redis at a closed port: 503 naming redis, without its address; /healthz still 200", { timeout: 120_000 }, async () => {
    const redisPort = await freePort();
    const { url, web } = await start({ DATABASE_URL: `file:${path.join(dir, "no-redis.sqlite")}`, REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${redisPort}` });
    const ready = await get(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ ok: false, checks: { database: "ok", redis: "unreachable" } });
    expect(ready.text).not.toContain(String(redisPort));
    expect(ready.text).not.toContain("s3cret");
    expect((await get(`${url}/healthz`)).status).toBe(200);
    // the reason goes to the operator's log instead
    expect(await web.waitForLog("redis is unreachable", 5_000)).toMatchObject({ dependency: "redis", state: "unreachable" });
  });

  it("PostgreSQL at a closed port: 503 naming the database; /healthz still 200", { timeout: 120_000 }, async () => {
    const pgPort = await freePort();
    const { url, web } = await start({ DATABASE_URL: `postgresql://postgres:s3cret-pass@127.0.0.1:${pgPort}/test`, SHIPWATCH_WORKER: "off" });
    const ready = await get(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({ ok: false, checks: { database: "unreachable" } });
    expect(ready.text).not.toContain("s3cret");
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await web.waitForLog("database is unreachable", 5_000)).err).toContain("ECONNREFUSED");
  });
});

describe("SIGTERM", () => {
  it("the request in flight gets its full answer, new connections are refused, then the process exits 0", { timeout: 120_000 }, async () => {
    const file = path.join(dir, "drain.sqlite");
    const { web, port } = await start({ DATABASE_URL: `file:${file}` });
    const slow = slowWebhook(port);
    // the headers and half the body on their way: give the server a moment to take them in
    await new Promise((r) => setTimeout(r, 500));

    web.child.kill("SIGTERM");
    await web.waitForLog(/^shutting down: no new connections; finishing the requests in flight/, 10_000);
    expect(await tryConnect(port)).toBe("ECONNREFUSED");
    // still waiting for the rest of its request
    expect(web.child.exitCode).toBeNull();

    slow.finish();
    expect(await slow.answer).toMatchObject({ status: 200 });
    const { code } = await web.exited;
    expect(code).toBe(0);
    expect(web.logs.map((l) => l.msg)).toContain("stopped");
    // answered 200 means stored: it is in the database the process closed
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      expect(db.prepare(`SELECT topic FROM "WebhookDelivery" WHERE "webhookId" = ?`).all(slow.webhookId)).toEqual([{ topic: "orders/create" }]);
    } finally {
      db.close();
    }
  });

  it("a second signal exits 1 at once, the request in flight cut off", { timeout: 120_000 }, async () => {
    const { web, port } = await start({ DATABASE_URL: `file:${path.join(dir, "second.sqlite")}` });
    const slow = slowWebhook(port);
    await new Promise((r) => setTimeout(r, 500));
    web.child.kill("SIGTERM");
    await web.waitForLog(/^shutting down/, 10_000);
    web.child.kill("SIGTERM");
    const { code } = await web.exited;
    expect(code).toBe(1);
    expect(web.logs.map((l) => l.msg)).toContain("exiting now, on a second signal: requests in flight are cut off, jobs in hand will run again");
    // never acknowledged, so Shopify sends it again
    await expect(slow.answer).rejects.toThrow();
  });
});
