import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

/**
 * `npm run demo` stops on Ctrl-C or SIGTERM in whichever phase it is, and takes its stand-ins with it: the
 * server, the SMTP capture and the fake providers. (It used to ignore both once its server had exited, and to
 * leave the server running when it was signalled alone.) The demo runs for real, on a tiny store and a temp
 * database; each test signals the demo process only, as `kill` would, not its process group.
 */

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

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

interface RunningDemo {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const started: ChildProcess[] = [];
const dirs: string[] = [];

async function startDemo(args: string[]): Promise<RunningDemo> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-demo-signals-"));
  dirs.push(dir);
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--db", path.join(dir, "demo.sqlite"), ...args], {
    env: { ...process.env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return {
    child,
    output: () => out,
    exit,
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (child.exitCode !== null) throw new Error(`the demo exited (${child.exitCode}) before ${pattern}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** The ports the demo's stand-ins listen on, as it reports them. */
async function standInPorts(demo: RunningDemo) {
  const line = await demo.waitFor(/SMTP smtp:\/\/127\.0\.0\.1:(\d+), SMS\/Klaviyo\/Slack\/helpdesk\/Shopify → http:\/\/127\.0\.0\.1:(\d+)/, 90_000);
  return { smtp: Number(line[1]), providers: Number(line[2]) };
}

async function expectStopped(demo: RunningDemo, ports: number[], code: number) {
  const exit = await Promise.race([demo.exit, new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
  expect(exit, `the demo did not exit within 15 s:\n${demo.output()}`).toEqual({ code, signal: null });
  for (const port of ports) expect(await listening(port), `port ${port} still listening`).toBe(false);
}

afterEach(async () => {
  // a test that failed leaves its demo running: SIGTERM lets it stop its server too (SIGKILL would orphan it)
  for (const child of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("npm run demo stops on a signal, stand-ins and all", { timeout: 180_000 }, () => {
  it("SIGINT while the month is being delivered: exits 130 and closes the server, the SMTP capture and the fake providers", async () => {
    const port = await freePort();
    const demo = await startDemo(["--port", String(port), "--shipments", "300", "--concurrency", "1"]);
    const { smtp, providers } = await standInPorts(demo);
    await demo.waitFor(/server up at/, 60_000);
    expect(await listening(port)).toBe(true);
    expect(await listening(smtp)).toBe(true);
    expect(await listening(providers)).toBe(true);
    demo.child.kill("SIGINT");
    await expectStopped(demo, [port, smtp, providers], 130);
  });

  it("SIGTERM once the demo is done and its server keeps running: exits 143 and closes everything", async () => {
    const port = await freePort();
    const demo = await startDemo(["--port", String(port), "--shipments", "5"]);
    const { smtp, providers } = await standInPorts(demo);
    await demo.waitFor(/Ctrl-C stops it/, 150_000);
    // the printed shopper link opens the tracking page in a browser
    const link = (await demo.waitFor(/A shopper's page:\s+(http:\/\/\S+)/, 1_000))[1]!;
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("x-shipwatch-outcome")).toBe("found");
    expect(await page.text()).not.toContain("not_found");
    demo.child.kill("SIGTERM");
    await expectStopped(demo, [port, smtp, providers], 143);
  });
});
