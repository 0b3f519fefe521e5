import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { OpsMetrics, OpsSnapshot } from "~/.server/services/ops-metrics";
import { sendJson } from "./respond";

/**
 * GET /metrics, for the operator's Prometheus (or anything that reads its text format): backlogs, their ages, parked
 * work and readiness, all shops together. Off unless METRICS_TOKEN is set (404, as if there were no such page); then
 * only `Authorization: Bearer <METRICS_TOKEN>` reads it. While the database or Redis does not answer it says so with
 * a 503, which a scraper records as a failed scrape, and `shipwatch_ready` names the one.
 */
export function metricsEndpoint(deps: { token: string | undefined; metrics: OpsMetrics; memory: () => number }) {
  const expected = deps.token ? createHash("sha256").update(deps.token).digest() : null;
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!expected) return sendJson(res, 404, { error: "not_found" });
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    // hashed first, so the comparison takes as long whatever the length of what was sent
    if (!timingSafeEqual(createHash("sha256").update(given).digest(), expected)) {
      return sendJson(res, 401, { error: "unauthorized" }, { "www-authenticate": 'Bearer realm="metrics"' });
    }
    deps.metrics.snapshot().then(
      (snapshot) => {
        res.writeHead("unavailable" in snapshot ? 503 : 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" });
        res.end(render(snapshot, deps.memory()));
      },
      (error: unknown) => {
        res.emit("shipwatch:error", error);
        sendJson(res, 503, { error: "unavailable" });
      },
    );
  };
}

type Gauge = { name: string; help: string; values: [labels: string, value: number][] };

/** The Prometheus text format: a HELP and a TYPE line for each gauge, then its samples. */
export function render(snapshot: OpsSnapshot | { at: number; readiness: OpsSnapshot["readiness"]; unavailable: true }, rssBytes: number): string {
  const age = (since: number | null) => (since === null ? 0 : Math.max(0, (snapshot.at - since) / 1000));
  const gauges: Gauge[] = [
    {
      name: "shipwatch_ready",
      help: "1 while the dependency answers within 2 s (as /readyz checks it), else 0",
      values: Object.entries(snapshot.readiness.checks).map(([dependency, state]) => [`{dependency="${dependency}"}`, state === "ok" ? 1 : 0]),
    },
  ];
  if (!("unavailable" in snapshot)) {
    const { webhooks, queue, messages } = snapshot;
    gauges.push(
      { name: "shipwatch_webhook_backlog", help: "webhook deliveries stored and not yet processed, all shops", values: [["", webhooks.backlog]] },
      { name: "shipwatch_webhook_backlog_age_seconds", help: "how long the oldest unprocessed delivery has waited (0: none waits)", values: [["", age(webhooks.oldestReceivedAt)]] },
      { name: "shipwatch_webhook_deliveries_parked", help: "deliveries that failed for good: npm run replay -- --list", values: [["", webhooks.parked]] },
      {
        name: "shipwatch_jobs",
        help: "jobs by state: due (waiting for a worker), scheduled (a retry's backoff, a later run), running, parked (npm run replay)",
        values: [
          ['{state="due"}', queue.due],
          ['{state="scheduled"}', Math.max(0, queue.queued - queue.due)],
          ['{state="running"}', queue.running],
          ['{state="parked"}', queue.parked],
        ],
      },
      { name: "shipwatch_job_lag_seconds", help: "how long the longest-waiting due job has been due (0: workers keep up)", values: [["", age(queue.oldestDueAt)]] },
      { name: "shipwatch_messages_due", help: "customer messages due and not yet sent", values: [["", messages.due]] },
      { name: "shipwatch_message_lag_seconds", help: "how long the oldest due message has waited", values: [["", age(messages.oldestDueAt)]] },
      { name: "shipwatch_messages_parked", help: "messages parked after their last attempt (Outbox, Replay)", values: [["", messages.parked]] },
    );
  }
  gauges.push({ name: "process_resident_memory_bytes", help: "resident memory of this process", values: [["", rssBytes]] });
  return `${gauges.map((g) => [`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`, ...g.values.map(([labels, value]) => `${g.name}${labels} ${Number(value.toFixed(3))}`)].join("\n")).join("\n")}\n`;
}
