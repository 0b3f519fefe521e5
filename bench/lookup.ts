import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { createTrackLinks } from "~/.server/services/track-links";
import { signAppProxy, signWebhook } from "~/.server/shopify/signatures";
import { LOCAL_SHOPIFY_ENV, loadConfigForTools } from "../scripts/tool-config";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { fulfillmentPayload, orderPayload, upsJourney } from "../test/fixtures/shopify";
import { emit, ensureBuild, load, percentile, productionArgs, startProcess, stopProcess, tempDir } from "./support";

/**
 * lookup: storefront lookups through the app proxy path of the production server (`npm start`, production
 * build, LOOKUP_RATE_LIMIT=0) against a bare Node server answering the same JSON from memory, one after the
 * other in the same run, each loaded by autocannon with 10 connections. Every request is a signed order +
 * email lookup of a real order (two parcels, eleven carrier events): it verifies the signature, finds the
 * answer (read once, then remembered for two seconds, app/.server/services/storefront-lookup.ts) and counts the
 * lookup on both shipments. Beside it, `cold`: 1,500 different orders asked once each, every answer read from
 * the database — what a notification blast looks like. And `page`: the tracking page a message link opens
 * (`/proxy?t=<token>`, the same order rendered on the server as Liquid), against the bare server answering
 * the same page's bytes from memory.
 */
export async function lookupBenchmark() {
  ensureBuild();
  const dir = tempDir("lookup");
  const database = `file:${path.join(dir, "app.sqlite")}`;
  await seed(database);

  // signed as Shopify's proxy signs, valid for 90 s: each run signs just before it starts
  const signedPath = (query: Record<string, string> = { order: "#1001", email: "maya.chen@example.com" }, endpoint = "/proxy/lookup") => {
    const params = new URLSearchParams({ shop: PREVIEW_SHOP, path_prefix: "/apps/track", timestamp: String(Math.floor(Date.now() / 1000)), logged_in_customer_id: "", ...query });
    params.set("signature", signAppProxy(params, LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET));
    return `${endpoint}?${params}`;
  };
  // the link a customer message carries for order #1001, as the app writes it
  const token = createTrackLinks([LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET]).token(PREVIEW_SHOP, String(ORDER_ID), Date.now());
  const pagePath = () => signedPath({ t: token }, "/proxy");
  const headers = { "x-forwarded-for": "198.51.100.7, 23.227.38.65", accept: "application/json" };
  const pageHeaders = { "x-forwarded-for": "198.51.100.7, 23.227.38.65", accept: "text/html", "accept-language": "en-US,en;q=0.9" };
  const measure = async (port: number, path = signedPath, requestHeaders: Record<string, string> = headers) => {
    const url = `http://127.0.0.1:${port}`;
    await load({ url, requests: [{ method: "GET", path: path(), headers: requestHeaders }], duration: 2 }); // warm-up
    return load({ url, requests: [{ method: "GET", path: path(), headers: requestHeaders }] });
  };
  // each of the other orders asked once: nothing remembered, every answer read. Too short a run for
  // autocannon's one-second samples, so 10 keep-alive connections are driven here and timed per request (this
  // client, not the server, is then the bottleneck: the figures are floors). A first pass warms the code; the
  // measured pass comes after the answers it read are forgotten (2 s).
  const measureCold = async (port: number) => {
    await coldPass(port);
    await new Promise((resolve) => setTimeout(resolve, 2_200));
    return coldPass(port);
  };
  const coldPass = async (port: number) => {
    const paths = COLD_ORDERS.map((n) => signedPath({ order: `#${n}`, email: `customer${n}@example.com` }));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
    const get = (requestPath: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: requestPath, headers, agent }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", reject);
      });
    const latencies: number[] = [];
    let next = 0;
    let non2xx = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < paths.length) {
          const requestPath = paths[next++]!;
          const sent = performance.now();
          if ((await get(requestPath)) !== 200) non2xx += 1;
          latencies.push(performance.now() - sent);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    agent.destroy();
    latencies.sort((a, b) => a - b);
    const round = (ms: number) => Number(ms.toFixed(2));
    return { requestsPerSecond: Math.round(paths.length / seconds), p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), non2xx, errors: 0, requests: paths.length };
  };

  const appPort = 3411;
  const app = await startProcess(productionArgs("main"), {
    ...LOCAL_SHOPIFY_ENV,
    NODE_ENV: "production",
    PORT: String(appPort),
    HOST: "127.0.0.1",
    DATABASE_URL: database,
    LOG_LEVEL: "warn",
    LOOKUP_RATE_LIMIT: "0",
  }, appPort);
  const answer = await fetch(`http://127.0.0.1:${appPort}${signedPath()}`);
  const body = await answer.text();
  if (answer.status !== 200) throw new Error(`the seeded lookup answered ${answer.status}: ${body}`);
  const shown = await fetch(`http://127.0.0.1:${appPort}${pagePath()}`, { headers: pageHeaders });
  const page = await shown.text();
  if (shown.status !== 200 || shown.headers.get("x-shipwatch-outcome") !== "found") throw new Error(`the message link's page answered ${shown.status} (${shown.headers.get("x-shipwatch-outcome")})`);
  const appResult = await measure(appPort);
  const appPage = await measure(appPort, pagePath, pageHeaders);
  // after the warm-up above: the code is compiled, the database's pages are what a running server has
  const cold = await measureCold(appPort);
  await stopProcess(app);

  const basePort = 3412;
  const bodies = path.join(dir, "baseline.json");
  fs.writeFileSync(bodies, JSON.stringify({ lookup: body, page }));
  const base = await startProcess(["--import", "tsx", "bench/lookup.ts", "--baseline-server", String(basePort), bodies], { NODE_ENV: "production" }, basePort);
  const baseResult = await measure(basePort);
  const basePage = await measure(basePort, pagePath, pageHeaders);
  await stopProcess(base);

  const target = { ratio: 0.3, p99Ms: 20 };
  const ratio = Number((appResult.requestsPerSecond / baseResult.requestsPerSecond).toFixed(3));
  const pageRatio = Number((appPage.requestsPerSecond / basePage.requestsPerSecond).toFixed(3));
  const line = {
    bench: "lookup",
    connections: 10,
    answerBytes: Buffer.byteLength(body),
    app: { ...appResult, config: "npm start (production build), LOOKUP_RATE_LIMIT=0; one order + email lookup repeated (2 parcels, 11 events)" },
    baseline: { ...baseResult, config: "bare node:http answering the same JSON from memory" },
    ratio,
    cold: { ...cold, config: `${COLD_ORDERS.length} different orders, each asked once: every answer read from SQLite (the client is the bottleneck)`, ratio: Number((cold.requestsPerSecond / baseResult.requestsPerSecond).toFixed(3)) },
    page: {
      pageBytes: Buffer.byteLength(page),
      app: { ...appPage, config: "GET /proxy?t=<message link token>: the tracking page rendered on the server (application/liquid), same order" },
      baseline: { ...basePage, config: "bare node:http answering the same page bytes from memory" },
      ratio: pageRatio,
    },
    target,
    // the target compares like with like (the same answer, served by each); the cold run is reported
    // beside it, not judged against it: its client, not the server, sets its pace and tail on two cores
    pass:
      ratio >= target.ratio &&
      appResult.p99Ms <= target.p99Ms &&
      pageRatio >= target.ratio &&
      appPage.p99Ms <= target.p99Ms &&
      appResult.non2xx + appResult.errors + cold.non2xx + cold.errors + appPage.non2xx + appPage.errors === 0,
  };
  emit(line);
  return line;
}

const COLD_ORDERS = Array.from({ length: 1_500 }, (_, i) => 2_001 + i);
/** order #1001, the one every measured request asks about */
const ORDER_ID = 5_650_000_001;

/**
 * Order #1001 with two parcels, and the cold run's orders with one parcel and three events each, delivered as
 * signed webhooks and worked by the app's own worker.
 */
async function seed(databaseUrl: string) {
  const config = loadConfigForTools({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" });
  const container = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  await container.installLocally(PREVIEW_SHOP);
  const order = orderPayload({ id: ORDER_ID, name: "#1001", email: "maya.chen@example.com" });
  const first = fulfillmentPayload(order.id, { id: 4_650_000_011, name: "#1001.1" });
  const second = fulfillmentPayload(order.id, { id: 4_650_000_012, name: "#1001.2", tracking_number: "1Z12345E0205271688", tracking_numbers: ["1Z12345E0205271688"], tracking_url: null, tracking_urls: [] });
  const deliveries: [string, unknown][] = [
    ["orders/create", order],
    ["fulfillments/create", first],
    ["fulfillments/create", second],
    ...upsJourney(first.id, order.id).map((e): [string, unknown] => ["fulfillment_events/create", e]),
    ...upsJourney(second.id, order.id).slice(0, 5).map((e): [string, unknown] => ["fulfillment_events/create", { ...e, id: e.id + 1000 }]),
  ];
  for (const n of COLD_ORDERS) {
    const id = 5_650_100_000 + n;
    const email = `customer${n}@example.com`;
    const tracking = `1Z999AA1${String(n).padStart(10, "0")}`;
    const f = fulfillmentPayload(id, { id: id + 1_000_000, name: `#${n}.1`, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: null, tracking_urls: [] });
    deliveries.push(["orders/create", orderPayload({ id, name: `#${n}`, order_number: n, email, customer: { id: id + 7, email, first_name: "Ada", last_name: `Buyer${n}`, tags: "" } })], ["fulfillments/create", f]);
    for (const [k, e] of upsJourney(f.id, id).slice(0, 3).entries()) deliveries.push(["fulfillment_events/create", { ...e, id: id * 10 + k }]);
  }
  for (const [topic, payload] of deliveries) {
    const body = Buffer.from(JSON.stringify(payload));
    await container.services.ingest(body, {
      topic,
      hmac: signWebhook(body, config.shopify.apiSecret),
      shop: PREVIEW_SHOP,
      webhookId: randomUUID(),
      eventId: randomUUID(),
      triggeredAt: null,
      apiVersion: "2026-07",
    });
  }
  container.queue.start(container.jobs);
  await container.queue.idle(60_000);
  await container.close();
}

/** The baseline: the least a server can do to answer a lookup or show the page, the same bytes from memory. */
function baselineServer(port: number, bodiesFile: string) {
  const bodies = JSON.parse(fs.readFileSync(bodiesFile, "utf8")) as { lookup: string; page: string };
  const lookup = Buffer.from(bodies.lookup);
  const page = Buffer.from(bodies.page);
  http
    .createServer((req, res) => {
      if (req.url === "/healthz") return void res.end("ok");
      const isPage = req.url?.startsWith("/proxy?");
      const payload = isPage ? page : lookup;
      res.writeHead(200, { "content-type": isPage ? "application/liquid; charset=utf-8" : "application/json; charset=utf-8", "content-length": payload.length, "cache-control": "no-store" });
      res.end(payload);
    })
    .listen(port, "127.0.0.1");
}

if (process.argv[2] === "--baseline-server" && process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  baselineServer(Number(process.argv[3]), process.argv[4]!);
}
