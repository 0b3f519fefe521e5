import { createContainer } from "~/.server/container";
import type { HealthCheck } from "~/.server/ports";
import { loadConfigOrExit } from "./boot";

/** how long a stopping worker waits for the jobs in hand before it exits anyway */
const STOP_TIMEOUT_MS = 30_000;
/** how long a starting worker waits for the database and Redis to answer (a connection is still being opened) */
const START_TIMEOUT_MS = 5_000;
/** the exit code of a worker that cannot reach what it needs (sysexits' EX_UNAVAILABLE; 78 is a configuration error) */
const EXIT_UNREACHABLE = 69;

/**
 * `npm run worker`: a process that only works jobs, WORKER_CONCURRENCY at a time. Run web processes with
 * SHIPWATCH_WORKER=off (or REDIS_URL, which implies it) and as many of these as the load needs.
 * SIGTERM (or SIGINT) stops taking jobs and exits 0 once the jobs in hand are finished. A second signal, or
 * STOP_TIMEOUT_MS without finishing, exits 1 at once: the jobs in hand run again later (on BullMQ once their lock
 * expires, on the database queue once their lease does), which idempotent handlers allow.
 * A worker that cannot reach the database or Redis, at start or for WORKER_UNREACHABLE_EXIT_SECONDS while it runs,
 * exits 69 with a log line naming which, so that its supervisor restarts it (and shows it failing) instead of it
 * idling as if all were well; an outage shorter than that (a Redis restart) is waited out.
 */
async function main() {
  const config = loadConfigOrExit();
  const container = await createContainer(config, { migrate: config.database.dialect === "sqlite" });
  const { logger } = container;
  const unreachable = (checks: Record<string, string>) =>
    Object.entries(checks)
      .filter(([, state]) => state !== "ok")
      .map(([name, state]) => `${name} (${state})`)
      .join(", ");
  let readiness = await container.health.check();
  for (const deadline = Date.now() + START_TIMEOUT_MS; !readiness.ok && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    readiness = await container.health.check();
  }
  if (!readiness.ok) {
    logger.fatal({ checks: readiness.checks }, `worker cannot reach ${unreachable(readiness.checks)}; exiting so that its supervisor restarts it`);
    process.exit(EXIT_UNREACHABLE);
  }
  container.queue.start(container.jobs, { recurring: container.recurring });
  logger.info(
    { database: config.database.dialect, queue: config.redisUrl ? "bullmq" : "database", concurrency: config.worker.concurrency },
    "worker started",
  );
  let stopping = false;
  watchDependencies(container.health, config.worker.unreachableExitMs, (checks) => {
    if (stopping) return;
    logger.fatal(
      { checks, forMs: config.worker.unreachableExitMs },
      `worker cannot reach ${unreachable(checks)} for ${config.worker.unreachableExitMs / 1000} s; exiting so that its supervisor restarts it (the jobs in hand will run again)`,
    );
    process.exit(EXIT_UNREACHABLE);
  });
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

/** Checks the dependencies every few seconds; calls `giveUp` once they have failed without a break for `forMs`. */
function watchDependencies(health: HealthCheck, forMs: number, giveUp: (checks: Record<string, string>) => void) {
  const everyMs = Math.min(5_000, Math.max(250, Math.floor(forMs / 4)));
  let failingSince: number | null = null;
  const tick = async () => {
    const readiness = await health.check();
    if (readiness.ok) failingSince = null;
    else {
      failingSince ??= Date.now();
      if (Date.now() - failingSince >= forMs) return giveUp(readiness.checks);
    }
    setTimeout(() => void tick(), everyMs).unref();
  };
  setTimeout(() => void tick(), everyMs).unref();
}

void main();
