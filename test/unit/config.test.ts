import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "~/.server/config";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://shipwatch.example.com/",
  SCOPES: "read_orders, read_fulfillments",
};

describe("loadConfig", () => {
  it("GIVEN a valid environment THEN defaults fill the rest", () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      port: 3000,
      database: { dialect: "sqlite", path: "./prisma/dev.sqlite" },
      lookupRateLimitPerMinute: 30,
      worker: { inProcess: true },
      localPreview: false,
      shopify: { appUrl: "https://shipwatch.example.com", scopes: ["read_orders", "read_fulfillments"] },
    });
  });

  it("GIVEN the documented env only, in production THEN it starts, with a credentials key derived from the app secret", () => {
    const a = loadConfig({ ...valid, NODE_ENV: "production" });
    const b = loadConfig({ ...valid, NODE_ENV: "production", SHOPIFY_API_SECRET: "another-secret" });
    expect(a.notifications.encryptionKeyDerived).toBe(true);
    expect(a.notifications.encryptionKey).toHaveLength(32);
    expect(a.notifications.encryptionKey.equals(b.notifications.encryptionKey)).toBe(false);
  });

  it("GIVEN a credentials key THEN it is used as given (base64 or hex); a wrong length is refused", () => {
    const key = Buffer.alloc(32, 9);
    expect(loadConfig({ ...valid, SHIPWATCH_ENCRYPTION_KEY: key.toString("base64") }).notifications).toMatchObject({ encryptionKeyDerived: false, encryptionKey: key });
    expect(loadConfig({ ...valid, SHIPWATCH_ENCRYPTION_KEY: key.toString("hex") }).notifications.encryptionKey.equals(key)).toBe(true);
    expect(() => loadConfig({ ...valid, SHIPWATCH_ENCRYPTION_KEY: "c2hvcnQ=" })).toThrow(/SHIPWATCH_ENCRYPTION_KEY must be 32 bytes/);
  });

  it("GIVEN several problems THEN one error lists every one of them", () => {
    try {
      loadConfig({ SHOPIFY_APP_URL: "not a url", DATABASE_URL: "mysql://x", PORT: "seventy", LOOKUP_RATE_LIMIT: "-1" });
      expect.unreachable("loadConfig should have thrown");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      for (const name of ["SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "SCOPES", "SHOPIFY_APP_URL", "DATABASE_URL", "PORT", "LOOKUP_RATE_LIMIT"]) {
        expect(problems).toContain(name);
      }
      expect((error as ConfigError).message).toMatch(/^Shipwatch cannot start/);
    }
  });

  it("refuses the local preview in production, and binds it to loopback otherwise", () => {
    expect(() => loadConfig({ ...valid, NODE_ENV: "production", SHIPWATCH_LOCAL_PREVIEW: "1" })).toThrow(/SHIPWATCH_LOCAL_PREVIEW is refused when NODE_ENV=production/);
    expect(loadConfig({ ...valid, SHIPWATCH_LOCAL_PREVIEW: "1", HOST: "0.0.0.0" }).host).toBe("127.0.0.1");
  });

  it("lets private channel destinations through only when SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS is set, and refuses it in production", () => {
    expect(loadConfig(valid).notifications.allowPrivateDestinations).toBe(false);
    expect(loadConfig({ ...valid, NODE_ENV: "test" }).notifications.allowPrivateDestinations).toBe(false);
    expect(loadConfig({ ...valid, SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "1" }).notifications.allowPrivateDestinations).toBe(true);
    expect(loadConfig({ ...valid, SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "0" }).notifications.allowPrivateDestinations).toBe(false);
    expect(() => loadConfig({ ...valid, NODE_ENV: "production", SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "1" })).toThrow(/SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS is refused when NODE_ENV=production/);
    expect(() => loadConfig({ ...valid, SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "yes" })).toThrow(ConfigError);
  });

  it("REDIS_URL moves the worker out of the web process; PostgreSQL URLs select the postgres dialect", () => {
    const config = loadConfig({ ...valid, REDIS_URL: "redis://127.0.0.1:6379", DATABASE_URL: "postgresql://localhost/test" });
    expect(config.worker.inProcess).toBe(false);
    expect(config.database).toEqual({ dialect: "postgres", url: "postgresql://localhost/test" });
  });

  it("METRICS_TOKEN: unset, no /metrics; a short one is refused at boot, naming the variable", () => {
    expect(loadConfig(valid).metricsToken).toBeUndefined();
    expect(loadConfig({ ...valid, METRICS_TOKEN: "a".repeat(24) }).metricsToken).toBe("a".repeat(24));
    expect(() => loadConfig({ ...valid, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });

  it("LOOKUP_RATE_LIMIT=0 turns the limit off", () => {
    expect(loadConfig({ ...valid, LOOKUP_RATE_LIMIT: "0" }).lookupRateLimitPerMinute).toBe(0);
  });
});
