import type { IncomingMessage, ServerResponse } from "node:http";
import type { HelpdeskWebhookOutcome } from "~/.server/services/helpdesks";
import type { HeaderBag } from "~/.server/helpdesks/signatures";
import { readBody, refuseTooLarge } from "./body";
import { sendJson } from "./respond";

/** A ticket webhook is a ticket's first message and its metadata; a long thread beyond this is refused unread. */
export const MAX_HELPDESK_WEBHOOK_BYTES = 256 * 1024;

const PATH = /^\/helpdesks\/([a-z]+)\/([^/]+)\/?$/;

/**
 * POST /helpdesks/<provider>/<connection id> — a connected helpdesk's ticket webhook (Settings → Helpdesks shows
 * each connection's URL). The connection in the URL names the shop; its secret proves the sender. Answers: 200
 * once the ticket is recorded (a repeat too, counted once) or for a helpdesk's ping or test send (nothing
 * recorded); 401 for a missing or wrong signature or an unknown connection (nothing read further, nothing
 * stored); 400 naming the fields a ticket lacks (nothing stored); 405 for other verbs; 413 above 256 KiB.
 */
export function helpdeskWebhooksEndpoint(deps: { receive: (source: string, publicId: string, rawBody: Buffer, headers: HeaderBag) => Promise<HelpdeskWebhookOutcome> }) {
  const noStore = { "cache-control": "no-store" };
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const match = PATH.exec(url.pathname);
    if (!match) {
      req.resume();
      return sendJson(res, 404, { error: "not_found" }, noStore);
    }
    if (req.method !== "POST") {
      req.resume();
      return sendJson(res, 405, { error: "method_not_allowed" }, { ...noStore, allow: "POST" });
    }
    void (async () => {
      const raw = await readBody(req, MAX_HELPDESK_WEBHOOK_BYTES);
      if (!raw) return refuseTooLarge(req, res, MAX_HELPDESK_WEBHOOK_BYTES, noStore);
      const outcome = await deps.receive(match[1]!, match[2]!, raw, req.headers);
      switch (outcome.kind) {
        case "unauthorized":
          return sendJson(res, 401, { error: "unauthorized", message: outcome.message }, noStore);
        case "bad_request":
          return sendJson(res, 400, { error: "bad_request", message: `invalid ${outcome.fields.join(", ")}`, fields: outcome.fields }, noStore);
        case "ping":
          return sendJson(res, 200, { ok: true, recorded: false }, noStore);
        case "received":
          return sendJson(res, 200, { ok: true, recorded: outcome.recorded, wismo: outcome.wismo }, noStore);
      }
    })().catch((error: unknown) => {
      res.emit("shipwatch:error", error);
      // the helpdesk sends it again: nothing was half done that a repeat would count twice
      if (!res.headersSent) sendJson(res, 503, { error: "unavailable" }, noStore);
    });
  };
}
