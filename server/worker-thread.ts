import { parentPort } from "node:worker_threads";
import { createContainer } from "~/.server/container";
import { loadConfig } from "~/.server/config";

/**
 * The in-process worker of `npm start`, on its own thread: it works jobs on the second core with its own
 * SQLite connection (WAL lets it write between the web thread's inserts), so a burst of webhooks is
 * acknowledged at full speed while the backlog is processed beside it. The web thread wakes it on each
 * stored delivery; a poll catches anything missed.
 */
const config = loadConfig();
const container = await createContainer(config, { migrate: false });
container.queue.start(container.jobs, { recurring: container.recurring });
parentPort!.on("message", (message: unknown) => {
  if (message === "wake") container.queue.wake?.();
  if (message === "stop") {
    void container.close().then(() => {
      parentPort!.postMessage("stopped");
      process.exit(0);
    });
  }
});
parentPort!.postMessage("ready");
