import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { ScorecardService } from "~/.server/services/scorecard";
import type { SupportApi } from "~/.server/services/support-api";
import { parseScorecardRange } from "~/domain/scorecard";
import { sendJson } from "./respond";

const ShipmentsQuery = z
  .object({ order: z.string().trim().min(1).max(64).optional(), tracking: z.string().trim().min(1).max(64).optional() })
  .refine((q) => !!q.order !== !!q.tracking, { message: "give order or tracking (one of them)" });
const ExceptionsQuery = z.object({
  status: z.enum(["open", "resolved"]).default("open"),
  order: z.string().trim().min(1).max(64).optional(),
});

/**
 * GET /api/v1/shipments, GET /api/v1/exceptions and GET /api/v1/scorecard (the Support API contract): JSON, one
 * shop per credential, 401 without a valid bearer token. Helpdesks and BI tools call it server to server.
 */
export function supportApiEndpoint(api: SupportApi, scorecard: Pick<ScorecardService, "scorecard">) {
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const noStore = { "cache-control": "no-store" };
    if (req.method !== "GET") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET" });
    const params = Object.fromEntries(url.searchParams);
    (async () => {
      const auth = await api.authenticate(req.headers.authorization);
      if (!auth) return sendJson(res, 401, { error: "unauthorized", message: "send Authorization: Bearer <session token or API key>" }, { ...noStore, "www-authenticate": "Bearer" });
      if (url.pathname === "/api/v1/shipments") {
        const q = ShipmentsQuery.safeParse(params);
        if (!q.success) return sendJson(res, 400, { error: "bad_request", message: q.error.issues[0]!.message }, noStore);
        const shipments = await api.shipments(auth.shop, q.data);
        return shipments.length ? sendJson(res, 200, { shipments }, noStore) : sendJson(res, 404, { error: "not_found" }, noStore);
      }
      if (url.pathname === "/api/v1/exceptions") {
        const q = ExceptionsQuery.safeParse(params);
        if (!q.success) return sendJson(res, 400, { error: "bad_request", message: "status is open or resolved" }, noStore);
        return sendJson(res, 200, { exceptions: await api.exceptions(auth.shop, q.data) }, noStore);
      }
      if (url.pathname === "/api/v1/scorecard") {
        // days in the shop's zone; the figures come from the daily roll-ups of the authenticated shop only
        const range = parseScorecardRange(params.from, params.to);
        if (!range.ok) return sendJson(res, 400, { error: "bad_request", message: range.error }, noStore);
        return sendJson(res, 200, await scorecard.scorecard(auth.shop, range.range), noStore);
      }
      return sendJson(res, 404, { error: "not_found" }, noStore);
    })().catch((error: unknown) => {
      res.emit("shipwatch:error", error);
      if (!res.headersSent) sendJson(res, 500, { error: "internal_error" }, noStore);
    });
  };
}
