import path from "node:path";
import type autocannon from "autocannon";
import { randomUUID } from "node:crypto";
import { signWebhook } from "~/.server/shopify/signatures";
import { LOCAL_SHOPIFY_ENV } from "../scripts/tool-config";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { emit, ensureBuild, load, productionArgs, startProcess, stopProcess, tempDir } from "./support";

/**
 * ingest: the production server (`npm start`, production build) against the bare baseline, one after the
 * other in the same run, each loaded by autocannon with 10 connections. Every request carries a new
 * X-Shopify-Webhook-Id, so every one is a real insert.
 */
export async function ingestBenchmark() {
  ensureBuild();
  const dir = tempDir("ingest");
  const secret = LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET;
  const body = JSON.stringify({
    id: 12_345_678,
    fulfillment_id: 4_567_890,
    status: "in_transit",
    message: "Departed from Facility",
    happened_at: "2026-11-20T08:00:00-05:00",
    city: "Louisville",
    province: "Kentucky",
    country: "United States",
    zip: "40209",
    address1: null,
    latitude: 38.1,
    longitude: -85.7,
    shop_id: 548_380_009,
    created_at: "2026-11-20T08:05:00-05:00",
    updated_at: "2026-11-20T08:05:00-05:00",
    estimated_delivery_at: "2026-11-22T00:00:00Z",
    order_id: 5_600_000_000_001,
    admin_graphql_api_id: "gid://shopify/FulfillmentEvent/12345678",
  });
  const headers = {
    "content-type": "application/json",
    "x-shopify-topic": "fulfillment_events/create",
    "x-shopify-shop-domain": PREVIEW_SHOP,
    "x-shopify-api-version": "2026-07",
    "x-shopify-triggered-at": "2026-11-20T13:05:00Z",
    "x-shopify-hmac-sha256": signWebhook(body, secret),
  };
  const request: autocannon.Request = {
    method: "POST",
    path: "/webhooks",
    headers,
    body,
    setupRequest: (req) => {
      req.headers = { ...req.headers, "x-shopify-webhook-id": randomUUID(), "x-shopify-event-id": randomUUID() };
      return req;
    },
  };

  const target = { ratio: 0.5, p99Ms: 25 };
  const runApp = async (port: number, extraEnv: Record<string, string>) => {
    const app = await startProcess(productionArgs("main"), {
      ...LOCAL_SHOPIFY_ENV,
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${path.join(dir, `app-${port}.sqlite`)}`,
      LOG_LEVEL: "warn",
      ...extraEnv,
    }, port);
    await load({ url: `http://127.0.0.1:${port}`, requests: [request], duration: 2 }); // warm-up
    const result = await load({ url: `http://127.0.0.1:${port}`, requests: [request] });
    await stopProcess(app);
    return result;
  };

  const basePort = 3402;
  const base = await startProcess(["--import", "tsx", "bench/baseline-ingest-server.ts", String(basePort), path.join(dir, "base.sqlite"), secret], { NODE_ENV: "production" }, basePort);
  await load({ url: `http://127.0.0.1:${basePort}`, requests: [request], duration: 2 });
  const baseResult = await load({ url: `http://127.0.0.1:${basePort}`, requests: [request] });
  await stopProcess(base);

  // The ingest path as deployed at scale: the web process, with jobs left to worker processes.
  const ingestPath = await runApp(3401, { SHIPWATCH_WORKER: "off" });
  // The single-process default: the worker thread processes every delivery during the run, on the same
  // two cores as the load generator (the baseline does no processing at all).
  const singleProcess = await runApp(3404, {});

  const ratio = Number((ingestPath.requestsPerSecond / baseResult.requestsPerSecond).toFixed(3));
  const line = {
    bench: "ingest",
    connections: 10,
    app: { ...ingestPath, config: "web process (SHIPWATCH_WORKER=off)" },
    baseline: baseResult,
    ratio,
    singleProcess: {
      ...singleProcess,
      config: "npm start default: in-process worker thread processing every delivery",
      ratio: Number((singleProcess.requestsPerSecond / baseResult.requestsPerSecond).toFixed(3)),
    },
    target,
    pass: ratio >= target.ratio && ingestPath.p99Ms <= target.p99Ms && ingestPath.non2xx === 0 && singleProcess.non2xx === 0,
  };
  emit(line);
  return line;
}
