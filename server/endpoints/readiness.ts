import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readiness } from "~/.server/ports";
import { sendJson } from "./respond";

/**
 * GET /readyz, for load balancers: 200 `{"ok":true,"checks":{…}}` while the database (and Redis, with REDIS_URL)
 * answer, else 503 naming the one that did not. A stopping process answers 503 at once, so a balancer that still
 * holds a kept-alive connection to it moves on. /healthz stays a liveness check: it never looks past the process.
 */
export function readinessEndpoint(deps: { check: () => Promise<Readiness>; stopping: () => boolean }) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET, HEAD" });
    const headers = { "cache-control": "no-store" };
    if (deps.stopping()) return sendJson(res, 503, { ok: false, stopping: true, checks: {} }, headers);
    deps.check().then(
      (readiness) => sendJson(res, readiness.ok ? 200 : 503, readiness, headers),
      (error: unknown) => {
        res.emit("shipwatch:error", error);
        sendJson(res, 503, { ok: false, checks: {} }, headers);
      },
    );
  };
}
