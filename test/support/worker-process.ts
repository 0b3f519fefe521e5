import { spawn, type ChildProcess } from "node:child_process";
import { TEST_API_KEY, TEST_SECRET } from "./test-app";

/**
 * A real `server/worker.ts` process working the test app's database, sending email to the local SMTP capture.
 * The crash tests SIGKILL it; `env` adds or overrides settings (REDIS_URL, SMTP_PROBE_URL, lease and timeouts).
 */
export function spawnSendingWorker(opts: { databaseUrl: string; smtpUrl: string; env?: Record<string, string> }): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "server/worker.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_SECRET,
      SHOPIFY_APP_URL: "https://shipwatch.test",
      SCOPES: "read_orders,read_fulfillments",
      DATABASE_URL: opts.databaseUrl,
      SMTP_URL: opts.smtpUrl,
      EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>",
      SILENCE_GRACE_MINUTES: "0",
      SWEEP_INTERVAL_SECONDS: "1",
      LOG_LEVEL: "silent",
      ...opts.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
