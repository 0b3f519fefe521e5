import { randomBytes } from "node:crypto";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import type { Container } from "~/.server/container";
import { signWebhook } from "~/.server/shopify/signatures";
import { LOCAL_SHOPIFY_ENV } from "../scripts/tool-config";
import { heapCeilingFlags } from "../server/heap-ceiling";
import type { SimulatedDelivery } from "../scripts/demo/simulated-store";

export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `shipwatch-bench-${name}-`));
}

/** Whether the production build `npm start` and `npm run worker` run is there (the admin's Remix build and the compiled processes). */
export function isBuilt(): boolean {
  return ["build/server/index.js", "build/runtime/main.mjs", "build/runtime/worker.mjs"].every((f) => fs.existsSync(f));
}

/** The production build, made if missing. */
export function ensureBuild() {
  if (isBuilt()) return;
  const built = spawnSync("npm", ["run", "build"], { stdio: "ignore" });
  if (built.status !== 0) throw new Error("npm run build failed");
}

/** Starts a Node program as a child process and waits until it answers GET /healthz. */
export async function startProcess(args: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  // a key of its own, as production should have (without one the server warns at boot)
  const key = { SHIPWATCH_ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  const child = spawn(process.execPath, args, { env: { ...key, ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`${args.join(" ")} did not answer on port ${port}`);
}

/** Node's arguments for `npm start` (`main`) or `npm run worker` (`worker`): the compiled build, the same flags. */
export function productionArgs(script: "main" | "worker"): string[] {
  return ["--enable-source-maps", ...heapCeilingFlags(), `build/runtime/${script}.mjs`];
}

/**
 * The production server as `npm start` runs it (compiled, with the same Node flags, NODE_ENV=production) on
 * loopback over `databaseUrl`, with the local Shopify settings. It runs the last build: `npm run build` after a change.
 */
export function startProductionServer(port: number, databaseUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  ensureBuild();
  return startProcess(productionArgs("main"), {
    ...LOCAL_SHOPIFY_ENV,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "warn",
    ...env,
  }, port);
}

/** A simulated delivery as Shopify sends it to `shop`: its body and its signed headers. */
export function signedDelivery(d: SimulatedDelivery, shop: string, secret: string = LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET) {
  const body = JSON.stringify(d.payload);
  return {
    body,
    headers: {
      "x-shopify-topic": d.topic,
      "x-shopify-shop-domain": shop,
      "x-shopify-webhook-id": d.webhookId,
      "x-shopify-event-id": d.eventId,
      "x-shopify-api-version": "2026-07",
      "x-shopify-hmac-sha256": signWebhook(body, secret),
    },
  };
}

export async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  requests: number;
}

/** autocannon, bounded in time, against loopback only. */
export async function load(options: autocannon.Options): Promise<LoadResult> {
  const result = await autocannon({ connections: 10, duration: 8, ...options });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    requests: result.requests.total,
  };
}

export function emit(line: Record<string, unknown>) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Stores every delivery as the web process would (signed, through the ingest use case) without processing it, so
 * a benchmark can time the worker alone: start the queue after this.
 */
export async function ingestAll(
  container: Container,
  shop: string,
  deliveries: readonly { topic: string; payload: unknown; webhookId: string; eventId: string; triggeredAt: string }[],
) {
  for (const d of deliveries) {
    const body = Buffer.from(JSON.stringify(d.payload));
    await container.services.ingest(body, {
      topic: d.topic,
      hmac: signWebhook(body, container.config.shopify.apiSecret),
      shop,
      webhookId: d.webhookId,
      eventId: d.eventId,
      triggeredAt: d.triggeredAt,
      apiVersion: "2026-07",
    });
  }
}
