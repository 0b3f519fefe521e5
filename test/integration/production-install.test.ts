import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "~/.server/config";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { signAppProxy, signWebhook } from "~/.server/shopify/signatures";
import { CUSTOMER_TEMPLATE_KEYS } from "~/domain/templates";
import { newId, orderPayload } from "../fixtures/shopify";
import { freePort, spawnAppProcess, type AppProcess } from "../support/app-process";
import { SHOP_A, TEST_API_KEY, TEST_SECRET } from "../support/test-app";

/**
 * What a production image does, in a fresh folder: the project's files and the `build/` a builder stage made (the
 * Remix bundle, and the server and worker compiled to `build/runtime/`), then `npm ci --omit=dev` (no dev package at
 * all), `npm run setup` on release, `npm start` and `npm run worker`. A package the server, the
 * built Remix bundle or the setup imports at run time but package.json lists only for development fails it here.
 *
 * Two shortcuts that change nothing of what is installed: npm reads the packages from its cache when it can
 * (`--prefer-offline`; `npm ci` before `npm test` filled it), and better-sqlite3's native addon comes from the one
 * this checkout compiled, handed to its installer as a local prebuild (prebuild-install's `local_prebuilds`), as a
 * builder stage's compiled addon would be: compiling it again from source takes minutes.
 */
const root = process.cwd();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-production-"));
const app = path.join(dir, "app");
let server: AppProcess | null = null;

// removing a node_modules of a few hundred packages takes a while on a busy disk
afterAll(() => {
  server?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}, 180_000);

/** runs a command to its end, in the fresh folder; on failure the error carries its output */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: app, env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} exited ${code ?? signal}:\n${output.slice(-4_000)}`));
    });
  });
}

/** the files a checkout of this commit has (tracked, and new ones not ignored: what CI's checkout holds) */
function copyProjectFiles() {
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
    .split("\0")
    .filter(Boolean);
  for (const file of files) {
    const from = path.join(root, file);
    // a tracked file deleted in the working tree, or a submodule: nothing to copy
    if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(app, file)), { recursive: true });
    fs.copyFileSync(from, path.join(app, file));
  }
  fs.cpSync(path.join(root, "build"), path.join(app, "build"), { recursive: true });
}

/** better-sqlite3's compiled addon, packed as its installer looks for a prebuild: returns the folder */
function localPrebuilds(): string {
  const prebuilds = path.join(dir, "prebuilds");
  fs.mkdirSync(prebuilds);
  const pkg = path.join(root, "node_modules/better-sqlite3");
  const { version } = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8")) as { version: string };
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const libc = process.platform === "linux" && !header?.glibcVersionRuntime ? "musl" : "";
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  execFileSync("tar", ["-czf", path.join(prebuilds, name), "build/Release/better_sqlite3.node"], { cwd: pkg });
  return prebuilds;
}

describe("a production install (npm ci --omit=dev) in a fresh folder", () => {
  it("installs, sets up the database, starts, takes a webhook and renders a Liquid template; the worker starts and stops from the same build", { timeout: 420_000 }, async () => {
    if (!fs.existsSync(path.join(root, "build/server/index.js"))) throw new Error("The Remix build is missing: run `npm run build` first (npm test does).");
    fs.mkdirSync(app);
    copyProjectFiles();
    const base = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.homedir() };
    const databaseUrl = `file:${path.join(dir, "data", "shipwatch.sqlite")}`;

    const installed = await run(
      "npm",
      ["ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"],
      { ...base, npm_config_better_sqlite3_local_prebuilds: localPrebuilds() },
      300_000,
    );
    expect(installed).toContain("the Prisma CLI is not installed (a production install)");
    // nothing for development came along: not the Prisma CLI, not the build tools, not the test runner
    for (const devPackage of ["prisma", "@prisma/client", "vite", "@remix-run/dev", "vitest", "typescript-eslint"]) {
      expect(fs.existsSync(path.join(app, "node_modules", devPackage)), devPackage).toBe(false);
    }

    const setup = await run("npm", ["run", "setup"], { ...base, DATABASE_URL: databaseUrl }, 120_000);
    expect(setup).toMatch(/applied: 0001_init/);

    // the shop's offline session, as OAuth would have stored it (the admin page below authenticates against it)
    const env = {
      NODE_ENV: "production",
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_SECRET,
      SHOPIFY_APP_URL: "https://shipwatch.test",
      SCOPES: "read_orders,read_fulfillments",
      DATABASE_URL: databaseUrl,
      SHIPWATCH_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
    };
    const installer = await createContainer(loadConfig(env), { logger: createLogger("silent"), migrate: false });
    await installer.installLocally(SHOP_A);
    await installer.close();

    const port = await freePort();
    server = spawnAppProcess("npm", ["start"], { cwd: app, env: { ...base, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" }, group: true });
    await server.waitForLog(/^Shipwatch listening on/, 120_000);
    const url = `http://127.0.0.1:${port}`;

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ ok: true, checks: { database: "ok" } });

    const body = JSON.stringify(orderPayload({ id: newId() }));
    const webhook = await fetch(`${url}/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": SHOP_A,
        "x-shopify-webhook-id": randomUUID(),
        "x-shopify-api-version": "2026-07",
        "x-shopify-hmac-sha256": signWebhook(body, TEST_SECRET),
      },
      body,
    });
    expect(webhook.status).toBe(200);

    // the storefront tracking page, signed as Shopify's app proxy signs it
    const query = new URLSearchParams({ shop: SHOP_A, path_prefix: "/apps/track", timestamp: String(Math.floor(Date.now() / 1000)), logged_in_customer_id: "" });
    query.set("signature", signAppProxy(query, TEST_SECRET));
    const page = await fetch(`${url}/proxy?${query.toString()}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("application/liquid");

    // the admin's template preview, through the built Remix bundle: liquidjs renders the merchant's draft
    const token = mintSessionToken({ shop: SHOP_A, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: Date.now() }).token;
    const preview = await fetch(`${url}/app/notifications/templates.data`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
      },
      body: new URLSearchParams({
        intent: "preview",
        template: CUSTOMER_TEMPLATE_KEYS[0],
        channel: "email",
        locale: "en",
        subject: "{{ 'rendered' | upcase }}",
        body: "Liquid says {{ 2 | plus: 3 }}",
      }),
    });
    expect(preview.status).toBe(200);
    const rendered = await preview.text();
    expect(rendered).toContain("RENDERED");
    expect(rendered).toContain("Liquid says 5");

    // npm does not hand a SIGTERM on to the script it runs: a supervisor signals the process group (or runs
    // `node --enable-source-maps build/runtime/main.mjs` itself, as the README's recipe does). The server drains and says so.
    server.signal("SIGTERM");
    await server.outputClosed;
    expect(server.logs.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^shutting down/), "stopped"]));
    expect(server.logs.filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
    expect(server.stderr()).not.toMatch(/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/);

    // `npm run worker`, the other process of a scaled deployment, from the same build: it starts on the database
    // queue, then drains and stops on SIGTERM
    const worker = spawnAppProcess("npm", ["run", "worker"], { cwd: app, env: { ...base, ...env, LOG_LEVEL: "info" }, group: true });
    try {
      await worker.waitForLog("worker started", 120_000);
      worker.signal("SIGTERM");
      await worker.outputClosed;
      expect(worker.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(["worker started", "worker stopped"]));
      expect(worker.logs.filter((l) => (l.level ?? 0) >= 50)).toEqual([]);
      expect(worker.stderr()).not.toMatch(/Cannot find (module|package)|ERR_MODULE_NOT_FOUND/);
    } finally {
      worker.kill();
    }
  });
});
