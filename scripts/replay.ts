import { parseArgs } from "node:util";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "./tool-config";

/**
 * `npm run replay -- --shop <shop>.myshopify.com [--list] [--deliveries 12,13] [--jobs 40]`
 * The operator's door to what was parked: lists failed webhook deliveries and jobs with their errors, and
 * puts them back in the queue. With neither --deliveries nor --jobs, everything parked for the shop.
 */
const { values } = parseArgs({
  options: { shop: { type: "string" }, list: { type: "boolean", default: false }, deliveries: { type: "string" }, jobs: { type: "string" } },
});
if (!values.shop) {
  process.stderr.write("usage: npm run replay -- --shop <shop>.myshopify.com [--list] [--deliveries 1,2] [--jobs 3,4]\n");
  process.exit(2);
}
const ids = (list?: string) => list?.split(",").map((s) => s.trim()).filter(Boolean);
const container = await createContainer(loadConfigForTools(), { logger: createLogger("silent") });
const shop = values.shop;
const failedDeliveries = await container.services.deliveries.listFailed(shop, 200);
const parkedJobs = (await container.queue.listParked({ shop, limit: 200 })).filter((j) => j.name !== "process-delivery");
if (values.list) {
  for (const d of failedDeliveries) process.stdout.write(`delivery ${d.id}  ${d.topic}  ${d.error ?? ""}\n`);
  for (const j of parkedJobs) process.stdout.write(`job ${j.id}  ${j.name}  attempts ${j.attempts}  ${j.lastError ?? ""}\n`);
  if (!failedDeliveries.length && !parkedJobs.length) process.stdout.write("nothing parked\n");
} else {
  const everything = !values.deliveries && !values.jobs;
  const deliveryIds = everything ? undefined : ids(values.deliveries)?.map(Number);
  const replayedDeliveries = everything || deliveryIds ? await container.replayFailedDeliveries(shop, deliveryIds) : 0;
  const replayedJobs = everything ? await container.queue.replay({ shop, ids: parkedJobs.map((j) => j.id) }) : values.jobs ? await container.queue.replay({ shop, ids: ids(values.jobs) }) : 0;
  process.stdout.write(`queued again: ${replayedDeliveries} deliveries, ${replayedJobs} jobs (the worker picks them up)\n`);
}
await container.close();
