import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * GET /metrics as an operator's Prometheus scrapes it: off without METRICS_TOKEN; with it, only the bearer token
 * reads it; the backlog, its age and parked work read as the database holds them, all shops together, and nothing
 * of any shop's data; a database that stops answering is a 503 that says which.
 */
const TOKEN = "metrics-token-0123456789abcdef";

/** the samples of the text format, `name{labels}` → value */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [key, value] = line.split(" ");
    out.set(key!, Number(value));
  }
  return out;
}

describe("GET /metrics", () => {
  let app: TestApp;
  const scrape = (token?: string) => fetch(`${app.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    // the worker starts when the test says, so the backlog is there to be read
    app = await startTestApp({ worker: false, env: { METRICS_TOKEN: TOKEN } });
  });
  afterAll(async () => app?.close());

  it("refuses a missing or wrong token with 401, and answers nothing of the metrics", async () => {
    for (const token of [undefined, "wrong-token-0123456789abcdef", `${TOKEN}x`]) {
      const res = await scrape(token);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain("shipwatch_");
    }
    expect((await fetch(`${app.url}/metrics`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(405);
  });

  it("reads the backlog and its age while no worker runs, then nothing waiting once it has, and parked deliveries", async () => {
    const idle = samples(await (await scrape(TOKEN)).text());
    expect(idle.get("shipwatch_webhook_backlog")).toBe(0);
    expect(idle.get("shipwatch_webhook_backlog_age_seconds")).toBe(0);
    expect(idle.get('shipwatch_ready{dependency="database"}')).toBe(1);

    const received = app.clock.now();
    for (const shop of [SHOP_A, SHOP_B]) for (let i = 0; i < 3; i++) expect((await app.sendWebhook("orders/create", orderPayload({ id: newId() }), { shop })).status).toBe(200);
    expect((await app.sendWebhook("orders/create", null, { rawBody: "{not json" })).status).toBe(200);
    app.clock.set(received + 42_000);
    const res = await scrape(TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const behind = samples(text);
    expect(behind.get("shipwatch_webhook_backlog")).toBe(7);
    expect(behind.get("shipwatch_webhook_backlog_age_seconds")).toBe(42);
    expect(behind.get('shipwatch_jobs{state="due"}')).toBe(7);
    expect(behind.get("shipwatch_job_lag_seconds")).toBe(42);
    // counts and ages only: no shop's name or data
    for (const secret of [SHOP_A, SHOP_B, "example.com", "#1001"]) expect(text).not.toContain(secret);

    app.container.queue.start(app.container.jobs);
    await app.settle();
    const caughtUp = samples(await (await scrape(TOKEN)).text());
    expect(caughtUp.get("shipwatch_webhook_backlog")).toBe(0);
    expect(caughtUp.get('shipwatch_jobs{state="due"}')).toBe(0);
    expect(caughtUp.get("shipwatch_job_lag_seconds")).toBe(0);
    expect(caughtUp.get("shipwatch_webhook_deliveries_parked")).toBe(1);
    expect(caughtUp.get('shipwatch_jobs{state="parked"}')).toBe(1);
    expect(caughtUp.get("process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
  });
});

describe("GET /metrics without METRICS_TOKEN", () => {
  let app: TestApp;
  afterEach(async () => app?.close());

  it("is not there at all: 404, whatever the token", async () => {
    app = await startTestApp({ worker: false });
    expect((await fetch(`${app.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });
});

describe("GET /metrics while the database does not answer", () => {
  it("is a 503 whose shipwatch_ready names the database, not a scrape that hangs or a 200 of stale numbers", async () => {
    const app = await startTestApp({ worker: false, env: { METRICS_TOKEN: TOKEN } });
    try {
      await app.container.database.close();
      const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(503);
      const read = samples(await res.text());
      expect(read.get('shipwatch_ready{dependency="database"}')).toBe(0);
      expect(read.has("shipwatch_webhook_backlog")).toBe(false);
    } finally {
      await app.close().catch(() => {});
    }
  });
});
