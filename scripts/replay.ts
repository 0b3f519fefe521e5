import { parseArgs } from "node:util";
import { createContainer } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { loadConfigForTools } from "./tool-config";

/**
 * `npm run replay -- --shop <shop>.myshopify.com [--list] [--deliveries 12,13] [--jobs 40] [--messages 7,8]`
 * The operator's door to what was parked: lists failed webhook deliveries, jobs and messages with their errors,
 * and puts them back in the queue. With none of --deliveries, --jobs, --messages: everything parked for the
 * shop. A message already delivered is never sent again.
 */
const { values } = parseArgs({
  options: { shop: { type: "string" }, list: { type: "boolean", default: false }, deliveries: { type: "string" }, jobs: { type: "string" }, messages: { type: "string" } },
});
if (!values.shop) {
  process.stderr.write("usage: npm run replay -- --shop <shop>.myshopify.com [--list] [--deliveries 1,2] [--jobs 3,4] [--messages 5,6]\n");
  process.exit(2);
}
const ids = (list?: string) => list?.split(",").map((s) => s.trim()).filter(Boolean);
const container = await createContainer(loadConfigForTools(), { logger: createLogger("silent") });
const shop = values.shop;
const failedDeliveries = await container.repositories.deliveries.listFailed(shop, 200);
const parkedJobs = (await container.queue.listParked({ shop, limit: 200 })).filter((j) => j.name !== "process-delivery");
const parkedMessages = (await container.services.notifications.outbox(shop, { status: "failed" }, { limit: 200, offset: 0 })).rows;
if (values.list) {
  for (const d of failedDeliveries) process.stdout.write(`delivery ${d.id}  ${d.topic}  ${d.error ?? ""}\n`);
  for (const j of parkedJobs) process.stdout.write(`job ${j.id}  ${j.name}  attempts ${j.attempts}  ${j.lastError ?? ""}\n`);
  for (const m of parkedMessages) process.stdout.write(`message ${m.id}  ${m.orderName} ${m.moment} → ${m.channel}  attempts ${m.attempts}  ${m.lastError ?? ""}\n`);
  if (!failedDeliveries.length && !parkedJobs.length && !parkedMessages.length) process.stdout.write("nothing parked\n");
} else {
  const everything = !values.deliveries && !values.jobs && !values.messages;
  const deliveryIds = everything ? undefined : ids(values.deliveries)?.map(Number);
  const replayedDeliveries = everything || deliveryIds ? await container.replayFailedDeliveries(shop, deliveryIds) : 0;
  const replayedJobs = everything ? await container.queue.replay({ shop, ids: parkedJobs.map((j) => j.id) }) : values.jobs ? await container.queue.replay({ shop, ids: ids(values.jobs) }) : 0;
  const messageIds = everything ? null : values.messages ? ids(values.messages)!.map(Number) : [];
  const replayedMessages = await container.services.notifications.replay(shop, messageIds);
  process.stdout.write(`queued again: ${replayedDeliveries} deliveries, ${replayedJobs} jobs, ${replayedMessages} messages (the worker picks them up)\n`);
}
await container.close();
