import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { signWebhook } from "~/.server/shopify/signatures";
import type { openDatabase } from "~/.server/adapters/db/database";
import type { NotificationPolicy } from "~/domain/notifications";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { LOCAL_SHOPIFY_ENV, loadConfigForTools } from "../tool-config";
import { connectDemoChannels, startLocalChannels } from "./notifications";
import type { SimulatedDelivery } from "./simulated-store";

type Db = ReturnType<typeof openDatabase>["db"];
type Say = (line: string) => void;

/**
 * What the demo and the admin-weight bench share: the built admin, the channel stand-ins, a fresh database with
 * the demo shop installed, and the real server as a child process. Everything started is registered with the
 * caller's `Shutdown`, so a Ctrl-C at any phase stops exactly what is running.
 */
export interface DemoStack {
  base: string;
  env: NodeJS.ProcessEnv;
  channels: Awaited<ReturnType<typeof startLocalChannels>>;
  policy: NotificationPolicy;
  server: ChildProcess;
  /**
   * stops the server and waits for it, however long it takes to finish its jobs in hand (it gives itself 30 s),
   * before the stand-ins those jobs call go away; a signal's stop waits 5 s at most
   */
  stopServer: () => Promise<void>;
}

/**
 * Stops what a tool started, newest first, whichever phase it is in. The first SIGINT or SIGTERM stops
 * everything and exits (130 / 143, as a shell reports a signal); a second one exits at once.
 */
export class Shutdown {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly say: Say = () => {}) {}

  /** Registers a stand-in; returns a function that stops it now and forgets it. */
  add(name: string, stop: () => Promise<void>): () => Promise<void> {
    const entry = { name, stop };
    this.stops.push(entry);
    return async () => {
      const at = this.stops.indexOf(entry);
      if (at >= 0) this.stops.splice(at, 1);
      await stop();
    };
  }

  /** Stops everything still registered, newest first; a stand-in that does not stop within 5 s is left behind. */
  stopAll(): Promise<void> {
    this.stopping ??= (async () => {
      for (const entry of this.stops.splice(0).reverse()) {
        const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
        await Promise.race([entry.stop().catch(() => {}), timeout]);
      }
    })();
    return this.stopping;
  }

  /** The signal being handled, if any: the process exits with its code once everything has stopped. */
  signalled: NodeJS.Signals | null = null;

  handleSignals() {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.signalled) process.exit(signal === "SIGINT" ? 130 : 143);
      this.signalled = signal;
      this.say(`\n• ${signal}: stopping the server and the stand-ins…`);
      void this.stopAll().then(() => process.exit(signal === "SIGINT" ? 130 : 143));
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }
}

/** The server's environment: local Shopify values, the local preview, and the Shopify library at warn. */
export function demoEnv(options: { port: number; dbPath: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...LOCAL_SHOPIFY_ENV,
    SHOPIFY_APP_URL: `http://127.0.0.1:${options.port}`,
    DATABASE_URL: `file:${options.dbPath}`,
    PORT: String(options.port),
    SHIPWATCH_LOCAL_PREVIEW: "1",
    NODE_ENV: "development",
    // warn unless asked: at info the Shopify library logs a line for every admin page view
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  };
}

/**
 * Builds the admin when there is no build yet. The build prints nothing for half a minute, so the line says
 * what is being built and counts the seconds.
 */
export async function ensureBuilt(shutdown: Shutdown, say: Say, isTty = process.stdout.isTTY): Promise<void> {
  if (fs.existsSync("build/server/index.js")) return;
  const started = Date.now();
  const label = "• building the admin (Remix + Vite: client bundle, then server bundle; first run only)";
  say(`${label}…`);
  const child = spawn(process.execPath, [path.resolve("node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], { stdio: ["ignore", "pipe", "pipe"] });
  let phase = "client bundle";
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4_000);
    // Vite names each bundle as it starts it: the server bundle follows the client one
    if (/ssr|server/i.test(text) && /building/i.test(text)) phase = "server bundle";
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const forget = shutdown.add("build", async () => {
    child.kill("SIGTERM");
  });
  const ticker = setInterval(() => {
    const line = `  building… ${phase}, ${Math.round((Date.now() - started) / 1000)} s`;
    if (isTty) process.stdout.write(`${line}\r`);
    else say(line);
  }, isTty ? 1_000 : 5_000);
  try {
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    if (code !== 0) throw new Error(`npm run build failed (exit ${code}); its last output:\n${output}`);
  } finally {
    clearInterval(ticker);
    await forget().catch(() => {});
  }
  say(`  built in ${Math.round((Date.now() - started) / 1000)} s                    `);
}

/** Channel stand-ins, a fresh database with the demo shop and its channels, and the server, up and healthy. */
export async function startDemoStack(options: {
  port: number;
  dbPath: string;
  env?: Record<string, string>;
  /** the Admin API the server calls, when not the channel stand-in's (the demo's fake-shopify-admin, which relays the rest to it) */
  shopifyAdminApiBase?: string;
  shutdown: Shutdown;
  say: Say;
}): Promise<DemoStack> {
  const { port, dbPath, shutdown, say } = options;
  const env = { ...demoEnv({ port, dbPath }), ...options.env };
  const base = `http://127.0.0.1:${port}`;

  // local stand-ins for every channel: mail is really sent, over SMTP, to a server in this process
  const channels = await startLocalChannels();
  shutdown.add("channel stand-ins", () => channels.close());
  Object.assign(env, channels.env);
  if (options.shopifyAdminApiBase) env.SHOPIFY_ADMIN_API_BASE = options.shopifyAdminApiBase;

  // a fresh database, migrated, with the demo shop installed (offline session + Shop row) and its channels connected
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(`${dbPath}${suffix}`, { force: true });
  const config = loadConfigForTools({ ...channels.env, DATABASE_URL: `file:${dbPath}`, SHOPIFY_APP_URL: env.SHOPIFY_APP_URL });
  const seeder = await createContainer(config, { migrate: true, logger: createLogger("silent") });
  let policy: NotificationPolicy;
  try {
    await seeder.installLocally(PREVIEW_SHOP);
    policy = await connectDemoChannels(seeder, PREVIEW_SHOP, channels.providers);
  } finally {
    await seeder.close();
  }
  say(`• fresh database ${path.relative(process.cwd(), dbPath)} migrated; demo shop ${PREVIEW_SHOP} installed`);
  say(`• channels connected to local stand-ins: email → SMTP ${channels.smtp.url}, SMS/Klaviyo/Slack/helpdesk/Shopify → ${channels.providers.url}`);

  const server = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { env, stdio: ["ignore", "inherit", "inherit"] });
  let stopping = false;
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  const stopServer = shutdown.add("server", async () => {
    stopping = true;
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGTERM");
    await exited;
  });
  // a server that dies on its own takes the run with it, stand-ins included
  server.once("exit", (code, signal) => {
    if (stopping || code === 0) return;
    process.stderr.write(`server exited with ${code ?? signal}\n`);
    void shutdown.stopAll().then(() => process.exit(1));
  });
  await waitForHealth(base, server, port);
  return { base, env, channels, policy, server, stopServer };
}

async function waitForHealth(base: string, server: ChildProcess, port: number) {
  // a first start transpiles the server on the fly: on a busy two-core machine that can take most of a minute
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode} before answering (is port ${port} taken? try --port)`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the server did not answer on ${base} within 90 s (is port ${port} taken? try --port)`);
}

/** Sends the store's webhooks as Shopify does: signed, concurrently, again when no 2xx came back. */
export function sendDeliveries(base: string, deliveries: readonly SimulatedDelivery[], concurrency: number, shop = PREVIEW_SHOP): Promise<Record<number, number>> {
  return sendAll(deliveries, concurrency, (d) => postWebhook(base, d, shop));
}

/** One webhook delivery, signed as Shopify signs it; the HTTP status, or null when nothing answered. */
export async function postWebhook(base: string, d: SimulatedDelivery, shop = PREVIEW_SHOP): Promise<number | null> {
  const body = JSON.stringify(d.payload);
  const res = await fetch(`${base}/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": d.topic,
      "x-shopify-shop-domain": shop,
      "x-shopify-webhook-id": d.webhookId,
      "x-shopify-event-id": d.eventId,
      "x-shopify-triggered-at": d.triggeredAt,
      "x-shopify-api-version": "2026-07",
      "x-shopify-hmac-sha256": signWebhook(body, LOCAL_SHOPIFY_ENV.SHOPIFY_API_SECRET),
    },
    body,
  }).catch(() => null);
  if (!res) return null;
  await res.arrayBuffer();
  return res.status;
}

/**
 * Sends items in order over `concurrency` connections, each again when no 2xx came back (as Shopify and the
 * tracking feeds retry); the count of each final HTTP status.
 */
export async function sendAll<T>(items: readonly T[], concurrency: number, send: (item: T) => Promise<number | null>): Promise<Record<number, number>> {
  const codes: Record<number, number> = {};
  let next = 0;
  let lastReport = Date.now();
  async function worker() {
    while (next < items.length) {
      const item = items[next++]!;
      for (let attempt = 1; ; attempt++) {
        const status = await send(item);
        if (status !== null) codes[status] = (codes[status] ?? 0) + 1;
        if ((status !== null && status < 500) || attempt >= 8) break;
        await new Promise((r) => setTimeout(r, 50 * attempt));
      }
      if (Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        process.stdout.write(`  sending… ${next}/${items.length}\r`);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return codes;
}

/** Waits until every delivery is processed and no job is due. */
export async function waitForProcessing(db: Db, unique: number) {
  const deadline = Date.now() + 20 * 60_000;
  let lastReport = 0;
  while (Date.now() < deadline) {
    const pending = await db.selectFrom("WebhookDelivery").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "received").executeTakeFirstOrThrow();
    // jobs due now (a message waiting for a shopper's morning is queued for later, not pending work)
    const jobs = await db.selectFrom("Job").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "in", ["queued", "running"]).where("runAt", "<=", Date.now()).executeTakeFirstOrThrow();
    if (Number(pending.n) === 0 && Number(jobs.n) === 0) {
      process.stdout.write(`  processed ${unique}/${unique}            \n`);
      return;
    }
    if (Date.now() - lastReport > 1000) {
      lastReport = Date.now();
      process.stdout.write(`  processing… ${unique - Number(pending.n)}/${unique}\r`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("processing did not finish within 20 minutes");
}
