import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { TEST_API_KEY, TEST_SECRET } from "./test-app";

export type LogLine = { msg?: string; level?: number; [key: string]: unknown };

export interface AppProcess {
  child: ChildProcess;
  /** stdout, read as pino's JSON lines (other lines kept as `{ msg }`) */
  logs: LogLine[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** resolves once every process writing to its stdout has ended (with `group`, a child may outlive the one spawned) */
  outputClosed: Promise<void>;
  /** waits for a log line whose msg is `msg` (or matches it, a RegExp); throws if the process exits first */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<LogLine>;
  /** sends a signal to it (to its whole group, with `group`) */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILLs it (its group, with `group`) if it still runs */
  kill(): void;
}

/** The env every Shipwatch process needs, test values: the app's secret is the one the test helpers sign with. */
export function appEnv(env: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "test",
    SHOPIFY_API_KEY: TEST_API_KEY,
    SHOPIFY_API_SECRET: TEST_SECRET,
    SHOPIFY_APP_URL: "https://shipwatch.test",
    SCOPES: "read_orders,read_fulfillments",
    LOG_LEVEL: "info",
    ...env,
  };
}

/**
 * A real Shipwatch process (`server/main.ts`, `server/worker.ts`, or `npm start` in another folder), its log read
 * line by line: what a supervisor or a load balancer sees of it.
 */
export function spawnAppProcess(command: string, args: string[], options: { env: Record<string, string>; cwd?: string; group?: boolean }): AppProcess {
  // group: a process group of its own (`npm start` runs node under a shell), so that kill() and signal() reach them all
  const child = spawn(command, args, { cwd: options.cwd ?? process.cwd(), env: options.env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"], detached: options.group ?? false });
  const logs: LogLine[] = [];
  let stderr = "";
  let buffered = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const outputClosed = new Promise<void>((resolve) => child.stdout!.once("close", () => resolve()));
  const matches = (msg: string | RegExp) => (line: LogLine) => (typeof msg === "string" ? line.msg === msg : msg.test(String(line.msg ?? "")));
  return {
    child,
    logs,
    stderr: () => stderr,
    exited,
    outputClosed,
    async waitForLog(msg, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logs.find(matches(msg));
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`process exited (${child.exitCode ?? child.signalCode}) before logging ${String(msg)}\nstdout: ${logs.map((l) => JSON.stringify(l)).join("\n")}\nstderr: ${stderr}`);
        }
        if (Date.now() > deadline) throw new Error(`process did not log ${String(msg)} within ${timeoutMs} ms\nstderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    signal(signal) {
      if (options.group) process.kill(-child.pid!, signal);
      else child.kill(signal);
    },
    kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        this.signal("SIGKILL");
      } catch {
        // already gone
      }
    },
  };
}

/** `npm start`'s server (server/main.ts) in this checkout, listening on `port` */
export function spawnWebProcess(port: number, env: Record<string, string>): AppProcess {
  return spawnAppProcess(process.execPath, ["--import", "tsx", "server/main.ts"], { env: appEnv({ PORT: String(port), HOST: "127.0.0.1", ...env }) });
}

/** `npm run worker` (server/worker.ts) in this checkout */
export function spawnWorkerProcess(env: Record<string, string>): AppProcess {
  return spawnAppProcess(process.execPath, ["--import", "tsx", "server/worker.ts"], { env: appEnv(env) });
}

/** a TCP port nothing listens on right now (the OS picks it; it is closed again at once) */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
