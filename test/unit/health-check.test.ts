import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { createHealthCheck } from "~/.server/adapters/health";

/** The readiness check over a real SQLite database and a Redis stand-in whose PING answers as the test says. */
describe("health check", () => {
  let database: Database | null = null;
  afterEach(async () => {
    await database?.close();
    database = null;
  });

  function setUp(ping: () => Promise<void>) {
    database = openDatabase({ dialect: "sqlite", path: ":memory:" });
    const lines: { msg: string; dependency?: string; state?: string; err?: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        done();
      },
    });
    const pings = { count: 0 };
    const health = createHealthCheck({
      database,
      redis: {
        ping: () => {
          pings.count += 1;
          return ping();
        },
      },
      logger: pino({ level: "info" }, sink),
      timeoutMs: 50,
    });
    return { health, lines, pings };
  }

  it("a dependency that does not answer in time is a timeout; checks asked meanwhile share one probe", async () => {
    const { health, pings } = setUp(() => new Promise<void>(() => {}));
    const [a, b] = await Promise.all([health.check(), health.check()]);
    expect(a).toEqual({ ok: false, checks: { database: "ok", redis: "timeout" } });
    expect(b).toBe(a);
    expect(pings.count).toBe(1);
  });

  it("logs the reason once when a dependency starts failing and once when it answers again; the answer carries no reason", async () => {
    let failing = true;
    const { health, lines } = setUp(async () => {
      if (failing) throw new Error("connect ECONNREFUSED 10.0.0.5:6379");
    });
    for (let i = 0; i < 3; i++) {
      const readiness = await health.check();
      expect(readiness).toEqual({ ok: false, checks: { database: "ok", redis: "unreachable" } });
      expect(JSON.stringify(readiness)).not.toContain("10.0.0.5");
    }
    failing = false;
    expect(await health.check()).toEqual({ ok: true, checks: { database: "ok", redis: "ok" } });
    expect(lines.map((l) => [l.msg, l.err])).toEqual([
      ["redis is unreachable", "connect ECONNREFUSED 10.0.0.5:6379"],
      ["redis answers again", undefined],
    ]);
  });
});
