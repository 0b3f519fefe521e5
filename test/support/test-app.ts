import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fixedClock } from "~/domain/clock";
import { loadConfig } from "~/.server/config";
import { createContainer, type Container } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { signAppProxy, signWebhook } from "~/.server/shopify/signatures";
import { createHttpServer } from "../../server/http";
import { createRemixHandler } from "../../server/remix";

export const TEST_SECRET = "test-app-secret";
export const TEST_API_KEY = "test-api-key";
export const SHOP_A = "alpha-goods.myshopify.com";
export const SHOP_B = "bravo-outfitters.myshopify.com";

export interface TestAppOptions {
  /** mount the built Remix app (needs `npm run build` first) */
  remix?: boolean;
  localPreview?: boolean;
  /** start the in-process worker (default true) */
  worker?: boolean;
  clock?: ReturnType<typeof fixedClock>;
  env?: Record<string, string>;
  /** install these shops locally (offline session + Shop row) */
  shops?: string[];
  /** notification timings (lease on a message being sent, first retry delay) */
  notifications?: { leaseMs?: number; retryBaseMs?: number };
}

export type TestApp = Awaited<ReturnType<typeof startTestApp>>;

/** A real server on a random port over a real SQLite file: what the tests talk to over HTTP. */
export async function startTestApp(options: TestAppOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-test-"));
  const config = loadConfig({
    NODE_ENV: "test",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_SECRET,
    SHOPIFY_APP_URL: "https://shipwatch.test",
    SCOPES: "read_orders,read_fulfillments",
    DATABASE_URL: `file:${path.join(dir, "test.sqlite")}`,
    LOG_LEVEL: "silent",
    LOOKUP_RATE_LIMIT: "0",
    SILENCE_GRACE_MINUTES: "0",
    SHIPWATCH_LOCAL_PREVIEW: options.localPreview ? "1" : "0",
    // the channel stand-ins listen on 127.0.0.1; production refuses the setting, so a production-mode test runs
    // without it, and SSRF tests turn it off ("0") to see private destinations refused
    ...(options.env?.NODE_ENV === "production" ? {} : { SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: "1" }),
    ...options.env,
  });
  const clock = options.clock ?? fixedClock(Date.now());
  const container = await createContainer(config, {
    clock,
    logger: createLogger("silent"),
    migrate: true,
    queue: { pollIntervalMs: 10 },
    evaluationDelayMs: 0,
    notifications: options.notifications,
  });
  for (const shop of options.shops ?? [SHOP_A, SHOP_B]) await container.installLocally(shop);
  if (options.worker !== false) container.queue.start(container.jobs, { recurring: container.recurring });
  const remix = options.remix ? await createRemixHandler(container) : null;
  const server = createHttpServer(container, remix?.handler ?? null);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    container,
    clock,
    db: container.database.db,
    /** POSTs a webhook signed as Shopify signs it; returns the response */
    async sendWebhook(
      topic: string,
      payload: unknown,
      opts: { shop?: string; webhookId?: string; secret?: string; rawBody?: string; headers?: Record<string, string> } = {},
    ) {
      const body = opts.rawBody ?? JSON.stringify(payload);
      return fetch(`${url}/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-shopify-topic": topic,
          "x-shopify-shop-domain": opts.shop ?? SHOP_A,
          "x-shopify-webhook-id": opts.webhookId ?? randomUUID(),
          "x-shopify-event-id": randomUUID(),
          "x-shopify-triggered-at": new Date(clock.now()).toISOString(),
          "x-shopify-api-version": "2026-07",
          "x-shopify-hmac-sha256": signWebhook(body, opts.secret ?? TEST_SECRET),
          ...opts.headers,
        },
        body,
      });
    },
    /** a storefront lookup URL signed as Shopify's app proxy signs it */
    proxyUrl(query: Record<string, string>, opts: { shop?: string; secret?: string; timestamp?: number } = {}) {
      const params = new URLSearchParams({
        shop: opts.shop ?? SHOP_A,
        path_prefix: "/apps/track",
        timestamp: String(opts.timestamp ?? Math.floor(clock.now() / 1000)),
        logged_in_customer_id: "",
        ...query,
      });
      params.set("signature", signAppProxy(params, opts.secret ?? TEST_SECRET));
      return `${url}/proxy/lookup?${params.toString()}`;
    },
    /** waits until the worker has processed everything due */
    async settle() {
      await container.queue.idle(30_000);
    },
    async close() {
      // the server keeps idle connections 65 s (longer than a load balancer's): drop them now, or a client's
      // connection still open (a body left unread) would hold the close past a test hook's timeout
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await remix?.close();
      await container.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type { Container };
