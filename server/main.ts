import { Worker } from "node:worker_threads";
import { createContainer } from "~/.server/container";
import { loadConfigOrExit } from "./boot";
import { createHttpServer } from "./http";
import { createRemixHandler } from "./remix";

/** how long a stopping web process waits for its requests in flight (and its in-process jobs) before it exits anyway */
const STOP_TIMEOUT_MS = 30_000;

/**
 * `npm start`: the web process. Without REDIS_URL it also works the job queue in-process.
 * SIGTERM (or SIGINT): stop listening (new connections are refused, so the load balancer moves on; /readyz answers 503
 * on connections still open), finish the requests in flight and the jobs in hand, close the database and Redis, exit 0.
 * A second signal, or STOP_TIMEOUT_MS without finishing, exits 1 at once: jobs in hand run again once their lease
 * expires, and a webhook cut off mid-request was not acknowledged, so Shopify sends it again.
 */
async function main() {
  const config = loadConfigOrExit();
  // migrations first, so the worker thread opens an up-to-date database
  let worker: Worker | null = null;
  const container = await createContainer(config, {
    migrate: config.database.dialect === "sqlite",
    wake: () => worker?.postMessage("wake"),
  });
  if (config.worker.inProcess) worker = await startWorkerThread();
  const remix = await createRemixHandler(container);
  let stopping = false;
  const server = createHttpServer(container, remix.handler, { stopping: () => stopping });
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    if (config.nodeEnv === "production" && config.notifications.encryptionKeyDerived) {
      container.logger.warn(
        "SHIPWATCH_ENCRYPTION_KEY is not set: channel credentials are encrypted with a key derived from SHOPIFY_API_SECRET. Set a key of its own (openssl rand -base64 32) so rotating the app secret does not make them unreadable.",
      );
    }
    container.logger.info({ port, host: config.host, worker: config.worker.inProcess ? "in-process" : "separate" }, `Shipwatch listening on http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`);
  });

  const { logger } = container;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "exiting now, on a second signal: requests in flight are cut off, jobs in hand will run again");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, `shutting down: no new connections; finishing the requests in flight${worker ? " and the jobs in hand" : ""}`);
    setTimeout(() => {
      logger.error({ timeoutMs: STOP_TIMEOUT_MS }, "did not finish the requests in flight and the jobs in hand in time; exiting");
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    try {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // a kept-alive connection is closed as soon as it has no request in hand: the one in flight finishes first
      const reaper = setInterval(() => server.closeIdleConnections(), 100);
      server.closeIdleConnections();
      const workerStopped = worker ? stopWorkerThread(worker) : Promise.resolve();
      await closed;
      clearInterval(reaper);
      await remix.close();
      await workerStopped;
      await container.close();
    } catch (error) {
      logger.error({ err: String(error) }, "failed to stop cleanly");
      process.exit(1);
    }
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** asks the in-process worker to finish the jobs in hand; resolves once its thread has exited */
function stopWorkerThread(thread: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
  thread.postMessage("stop");
  return exited;
}

async function startWorkerThread(): Promise<Worker> {
  const thread = new Worker(new URL("./worker-thread.mjs", import.meta.url));
  await new Promise<void>((resolve, reject) => {
    thread.once("message", (m) => (m === "ready" ? resolve() : reject(new Error(String(m)))));
    thread.once("error", reject);
  });
  // the job worker is part of this process: if it dies, so does the process, and the supervisor restarts both
  thread.once("exit", (code) => {
    if (code !== 0) {
      process.stderr.write(`job worker thread exited with ${code}\n`);
      process.exit(1);
    }
  });
  return thread;
}

void main();
