import { createContainer } from "~/.server/container";
import { loadConfigOrExit } from "./boot";

/** how long a stopping worker waits for the jobs in hand before it exits anyway */
const STOP_TIMEOUT_MS = 30_000;

/**
 * `npm run worker`: a process that only works jobs, WORKER_CONCURRENCY at a time. Run web processes with
 * SHIPWATCH_WORKER=off (or REDIS_URL, which implies it) and as many of these as the load needs.
 * SIGTERM (or SIGINT) stops taking jobs and exits 0 once the jobs in hand are finished. A second signal, or
 * STOP_TIMEOUT_MS without finishing, exits 1 at once: the jobs in hand run again later (on BullMQ once their lock
 * expires, on the database queue once their lease does), which idempotent handlers allow.
 */
async function main() {
  const config = loadConfigOrExit();
  const container = await createContainer(config, { migrate: config.database.dialect === "sqlite" });
  const { logger } = container;
  container.queue.start(container.jobs, { recurring: container.recurring });
  logger.info(
    { database: config.database.dialect, queue: config.redisUrl ? "bullmq" : "database", concurrency: config.worker.concurrency },
    "worker started",
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, "worker exiting now, on a second signal: the jobs in hand will run again");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "worker stopping: finishing the jobs in hand");
    setTimeout(() => {
      logger.error({ timeoutMs: STOP_TIMEOUT_MS }, "worker did not finish its jobs in time; exiting: they will run again");
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    container.close().then(
      () => {
        logger.info("worker stopped");
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: String(error) }, "worker failed to stop cleanly");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
