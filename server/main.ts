import { Worker } from "node:worker_threads";
import { createContainer } from "~/.server/container";
import { loadConfigOrExit } from "./boot";
import { createHttpServer } from "./http";
import { createRemixHandler } from "./remix";

/** `npm start`: the web process. Without REDIS_URL it also works the job queue in-process. */
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
  const server = createHttpServer(container, remix.handler);
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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    container.logger.info({ signal }, "shutting down: finishing the jobs in hand");
    server.close();
    server.closeIdleConnections();
    await remix.close();
    if (worker) {
      const stopped = new Promise((resolve) => worker!.once("exit", resolve));
      worker.postMessage("stop");
      await stopped;
    }
    await container.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
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
