import type { IncomingMessage, ServerResponse } from "node:http";
import type { IngestOutcome, WebhookHeaders } from "~/.server/services/webhook-ingest";
import { refuseTooLarge } from "./body";
import { sendJson } from "./respond";

/** Shopify's webhook bodies are small; anything above this is refused before it is read in full. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

/**
 * POST /webhooks — the contract: 200 once durably stored (also for a duplicate webhook id), 401 for a bad
 * or missing HMAC, 405 for other methods, 413 above 1 MiB. It runs outside Remix on purpose: turning each
 * delivery into a Fetch Request and back costs more than the rest of ingest (docs/decisions/0003-ingest-fast-path.md).
 */
export function webhooksEndpoint(ingest: (body: Buffer, headers: WebhookHeaders) => Promise<IngestOutcome>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") {
      sendJson(res, 405, { error: "method_not_allowed" }, { allow: "POST" });
      req.resume();
      return;
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_WEBHOOK_BYTES) return refuseTooLarge(req, res, MAX_WEBHOOK_BYTES);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) {
        refused = true;
        refuseTooLarge(req, res, MAX_WEBHOOK_BYTES);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (refused) return;
      const headers: WebhookHeaders = {
        topic: header(req, "x-shopify-topic"),
        hmac: header(req, "x-shopify-hmac-sha256"),
        shop: header(req, "x-shopify-shop-domain"),
        webhookId: header(req, "x-shopify-webhook-id"),
        eventId: header(req, "x-shopify-event-id"),
        triggeredAt: header(req, "x-shopify-triggered-at"),
        apiVersion: header(req, "x-shopify-api-version"),
      };
      ingest(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), headers).then(
        (result) => {
          switch (result.outcome) {
            case "stored":
            case "duplicate":
              res.writeHead(200, { "content-length": 0 });
              res.end();
              return;
            case "unauthorized":
              return sendJson(res, 401, { error: "unauthorized", message: "HMAC signature is missing or invalid" });
            case "invalid":
              return sendJson(res, 400, { error: "bad_request", message: result.message });
          }
        },
        (error: unknown) => {
          // Not stored: a 5xx makes Shopify retry, which is what we want.
          res.emit("shipwatch:error", error);
          sendJson(res, 503, { error: "unavailable" });
        },
      );
    });
  };
}
