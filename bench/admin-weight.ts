import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { openDatabase } from "~/.server/adapters/db/database";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { waitForMessages } from "../scripts/demo/notifications";
import { simulateStore } from "../scripts/demo/simulated-store";
import { ensureBuilt, sendDeliveries, Shutdown, startDemoStack, waitForProcessing } from "../scripts/demo/stack";
import { launchChromium, newAdminContext, waitForHydration } from "../test/browser/support";
import { emit, tempDir } from "./support";

/**
 * admin-weight: the bytes a merchant's browser receives to open each admin page cold (empty cache), over the
 * local preview of a demo-sized shop (the demo's simulated month, default 2000 shipments: ADMIN_WEIGHT_SHIPMENTS).
 * Bytes are what travel (Chromium's encodedDataLength: compressed body plus headers), summed per page and split
 * into the document, scripts, stylesheets and the rest. The server runs as `npm start` runs it, on the built admin.
 * `ratio` is the heaviest page's transfer against a 500 KB budget (lower is better).
 */
const BUDGET_BYTES = 500 * 1024;

interface PageWeight {
  page: string;
  path: string;
  status: number;
  requests: number;
  html: number;
  js: number;
  css: number;
  other: number;
  total: number;
  /** the document as decoded, to tell markup weight from transfer weight */
  htmlDecoded: number;
  /** requests to Shopify's CDN for App Bridge (the local preview serves its own) */
  appBridgeCdn: number;
  consoleErrors: number;
  /** the first few, to act on */
  errors: string[];
}

export async function adminWeightBenchmark() {
  const shipments = Number(process.env.ADMIN_WEIGHT_SHIPMENTS ?? 2000);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const shutdown = new Shutdown(log);
  shutdown.handleSignals();
  const dir = tempDir("admin-weight");
  try {
    await ensureBuilt(shutdown, log, false);
    const port = await freePort();
    const dbPath = path.join(dir, "demo.sqlite");
    const stack = await startDemoStack({ port, dbPath, shutdown, say: log, env: { LOOKUP_RATE_LIMIT: "0", LOOKUP_SHOP_RATE_LIMIT: "0" } });
    const store = simulateStore({ seed: 42, shipments, shop: PREVIEW_SHOP, end: new Date() });
    log(`• seeding ${store.intended.length} shipments (${store.deliveries.length} webhooks)`);
    await sendDeliveries(stack.base, store.deliveries, 16);
    const database = openDatabase({ dialect: "sqlite", path: dbPath });
    await waitForProcessing(database.db, new Set(store.deliveries.map((d) => d.webhookId)).size);
    await waitForMessages(database.db);
    const pages = await adminPages(database.db);
    await database.close();

    const browser = await launchChromium();
    const weights: PageWeight[] = [];
    try {
      for (const [page, path] of pages) weights.push(await weigh(browser, stack.base, page, path));
    } finally {
      await browser.close();
    }
    printTable(weights, (line) => process.stdout.write(`${line}\n`));
    const heaviest = Math.max(...weights.map((w) => w.total));
    const line = {
      bench: "admin-weight",
      shipments: store.intended.length,
      pages: weights,
      totalBytes: weights.reduce((n, w) => n + w.total, 0),
      heaviestBytes: heaviest,
      budgetBytes: BUDGET_BYTES,
      ratio: Number((heaviest / BUDGET_BYTES).toFixed(3)),
      pass: heaviest <= BUDGET_BYTES && weights.every((w) => w.status === 200 && w.appBridgeCdn === 0),
    };
    emit(line);
    return line;
  } finally {
    await shutdown.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every admin page a merchant opens, with a real record behind each detail page. */
async function adminPages(db: ReturnType<typeof openDatabase>["db"]): Promise<[string, string][]> {
  const first = async <T>(query: Promise<T | undefined>, what: string): Promise<T> => {
    const row = await query;
    if (!row) throw new Error(`the demo shop has no ${what} to open`);
    return row;
  };
  const shipment = await first(db.selectFrom("Shipment").select("id").where("shop", "=", PREVIEW_SHOP).where("supersededAt", "is", null).orderBy("id", "desc").executeTakeFirst(), "shipment");
  const exceptionCase = await first(db.selectFrom("ExceptionCase").select("id").where("shop", "=", PREVIEW_SHOP).where("status", "!=", "resolved").orderBy("id").executeTakeFirst(), "open case");
  const rule = await first(db.selectFrom("EscalationRule").select("id").where("shop", "=", PREVIEW_SHOP).orderBy("id").executeTakeFirst(), "rule");
  const message = await first(db.selectFrom("Notification").select("id").where("shop", "=", PREVIEW_SHOP).where("status", "=", "sent").orderBy("id").executeTakeFirst(), "sent message");
  return [
    ["Home (scorecard)", "/app"],
    ["Shipments", "/app/shipments"],
    ["Shipment detail", `/app/shipments/${shipment.id}`],
    ["Exceptions", "/app/exceptions"],
    ["Exception case", `/app/exceptions/${exceptionCase.id}`],
    ["Rules", "/app/rules"],
    ["Rule", `/app/rules/${rule.id}`],
    ["Notifications", "/app/notifications"],
    ["Templates", "/app/notifications/templates"],
    ["Outbox", "/app/notifications/outbox"],
    ["Outbox message", `/app/notifications/outbox/${message.id}`],
    ["Status mapping", "/app/status-mapping"],
    ["Settings", "/app/settings"],
  ];
}

/** Opens one page in a fresh context (a cold cache) and sums what came over the wire, by kind. */
async function weigh(browser: Awaited<ReturnType<typeof launchChromium>>, base: string, name: string, path: string): Promise<PageWeight> {
  const context = await newAdminContext(browser);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const kinds = new Map<string, string>();
  const weight: PageWeight = { page: name, path, status: 0, requests: 0, html: 0, js: 0, css: 0, other: 0, total: 0, htmlDecoded: 0, appBridgeCdn: 0, consoleErrors: 0, errors: [] };
  cdp.on("Network.requestWillBeSent", (e) => {
    if (e.request.url.startsWith("https://cdn.shopify.com/shopifycloud/app-bridge")) weight.appBridgeCdn += 1;
  });
  cdp.on("Network.responseReceived", (e) => kinds.set(e.requestId, e.type));
  cdp.on("Network.loadingFinished", (e) => {
    const kind = kinds.get(e.requestId) ?? "Other";
    weight.requests += 1;
    weight.total += e.encodedDataLength;
    if (kind === "Document") weight.html += e.encodedDataLength;
    else if (kind === "Script") weight.js += e.encodedDataLength;
    else if (kind === "Stylesheet") weight.css += e.encodedDataLength;
    else weight.other += e.encodedDataLength;
  });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    weight.consoleErrors += 1;
    if (weight.errors.length < 3) weight.errors.push(`${m.text().slice(0, 300)} (${m.location().url})`);
  });
  page.on("pageerror", (error) => {
    weight.consoleErrors += 1;
    if (weight.errors.length < 3) weight.errors.push(`pageerror: ${error.message.slice(0, 300)}`);
  });
  try {
    const response = await page.goto(`${base}/local-preview?path=${encodeURIComponent(path)}`);
    weight.status = response?.status() ?? 0;
    weight.htmlDecoded = (await response?.body())?.length ?? 0;
    await waitForHydration(page);
    await page.waitForLoadState("networkidle");
  } finally {
    await context.close();
  }
  return weight;
}

function printTable(weights: PageWeight[], log: (line: string) => void) {
  const kb = (n: number) => `${(n / 1024).toFixed(1)}`.padStart(8);
  log("");
  log(`${"page".padEnd(18)} ${"HTML KB".padStart(8)} ${"JS KB".padStart(8)} ${"CSS KB".padStart(8)} ${"other".padStart(8)} ${"total KB".padStart(8)} ${"HTML raw".padStart(8)}  req  cdn-ab  errors`);
  for (const w of weights) {
    log(`${w.page.padEnd(18)} ${kb(w.html)} ${kb(w.js)} ${kb(w.css)} ${kb(w.other)} ${kb(w.total)} ${kb(w.htmlDecoded)} ${String(w.requests).padStart(4)} ${String(w.appBridgeCdn).padStart(7)} ${String(w.consoleErrors).padStart(7)}`);
  }
  log("");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await adminWeightBenchmark();
  process.exit(0);
}
