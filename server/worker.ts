import { createContainer } from "~/.server/container";
import { loadConfigOrExit } from "./boot";

/**
 * `npm run worker`: a process that only works jobs. Run web processes with SHIPWATCH_WORKER=off and as many
 * of these as the load needs. SIGTERM stops taking jobs and exits once the jobs in hand are finished.
 */
async function main() {
  const config = loadConfigOrExit();
  const container = await createContainer(config, { migrate: config.database.dialect === "sqlite" });
  container.queue.start(container.jobs, { recurring: container.recurring });
  container.logger.info({ database: config.database.dialect }, "worker started");
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    container.logger.info({ signal }, "worker stopping: finishing the jobs in hand");
    await container.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

void main();
