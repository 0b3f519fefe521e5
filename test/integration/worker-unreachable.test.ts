import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort, spawnWorkerProcess, type AppProcess } from "../support/app-process";

/**
 * `npm run worker` that cannot reach Redis or the database exits 69 with a log line naming which, so that its
 * supervisor restarts it; an outage shorter than WORKER_UNREACHABLE_EXIT_SECONDS (a Redis restart) is waited out.
 * Redis here is a redis-server of the test's own, on a port of its own, so stopping it disturbs no other test.
 */
const EXIT_UNREACHABLE = 69;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-worker-unreachable-"));
const running: AppProcess[] = [];
const servers: ChildProcess[] = [];

afterEach(() => {
  for (const p of running.splice(0)) p.kill();
  for (const s of servers.splice(0)) if (s.exitCode === null && s.signalCode === null) s.kill("SIGKILL");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function worker(env: Record<string, string>) {
  const w = spawnWorkerProcess({ DATABASE_URL: `file:${path.join(dir, `${running.length}.sqlite`)}`, SWEEP_INTERVAL_SECONDS: "3600", ...env });
  running.push(w);
  return w;
}

/** a redis-server of the test's own on `port`, answering before this resolves */
async function startRedis(port: number): Promise<ChildProcess> {
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  servers.push(server);
  const { Redis } = await import("ioredis");
  const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    for (let i = 0; ; i++) {
      const answered = await probe.connect().then(
        () => probe.ping().then(() => true),
        () => false,
      );
      if (answered) return server;
      if (i > 100) throw new Error(`redis-server on ${port} did not answer`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    probe.disconnect();
  }
}

const stopRedis = async (server: ChildProcess) => {
  const gone = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGKILL");
  await gone;
};

describe("npm run worker without its dependencies", () => {
  it("Redis at a closed port at start: exits 69 naming redis", { timeout: 90_000 }, async () => {
    const w = worker({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const { code } = await w.exited;
    expect(code).toBe(EXIT_UNREACHABLE);
    const line = w.logs.find((l) => /^worker cannot reach/.test(String(l.msg)));
    expect(line).toMatchObject({ level: 60, msg: "worker cannot reach redis (unreachable); exiting so that its supervisor restarts it", checks: { database: "ok", redis: "unreachable" } });
    expect(w.logs.map((l) => l.msg)).not.toContain("worker started");
  });

  it("PostgreSQL at a closed port at start: exits 69 naming the database", { timeout: 90_000 }, async () => {
    const w = worker({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/test` });
    const { code } = await w.exited;
    expect(code).toBe(EXIT_UNREACHABLE);
    expect(w.logs.find((l) => /^worker cannot reach/.test(String(l.msg)))).toMatchObject({
      msg: "worker cannot reach database (unreachable); exiting so that its supervisor restarts it",
      checks: { database: "unreachable" },
    });
  });

  it("Redis gone while it runs: a short outage is waited out, a longer one exits 69", { timeout: 120_000 }, async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const w = worker({ REDIS_URL: `redis://127.0.0.1:${port}`, WORKER_UNREACHABLE_EXIT_SECONDS: "3" });
    await w.waitForLog("worker started");

    // a restart: gone for about a second, then back on the same port
    await stopRedis(redis);
    await new Promise((r) => setTimeout(r, 1_000));
    redis = await startRedis(port);
    await w.waitForLog("redis answers again", 20_000);
    await new Promise((r) => setTimeout(r, 3_500));
    expect(w.child.exitCode).toBeNull();

    const goneAt = Date.now();
    await stopRedis(redis);
    const { code, at } = await w.exited;
    expect(code).toBe(EXIT_UNREACHABLE);
    expect(at - goneAt).toBeGreaterThanOrEqual(3_000);
    expect(w.logs.find((l) => /^worker cannot reach/.test(String(l.msg)))).toMatchObject({
      level: 60,
      msg: "worker cannot reach redis (unreachable) for 3 s; exiting so that its supervisor restarts it (the jobs in hand will run again)",
      checks: { redis: "unreachable" },
    });
  });
});
