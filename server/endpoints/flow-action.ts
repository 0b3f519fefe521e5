import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { fieldErrorsOf } from "~/domain/field-errors";
import { FLOW_OPEN_CASE_ACTION, FlowOpenCaseProperties, type FlowOpenCaseInput, type FlowOpenCaseResult } from "~/.server/services/flow";
import { sendJson } from "./respond";

/** Flow's action requests are a few hundred bytes; a note is capped at 2,000 characters. */
export const MAX_FLOW_ACTION_BYTES = 64 * 1024;

const FlowActionRequest = z.object({
  shopify_domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be the shop's myshopify.com domain"),
  action_run_id: z.string().min(1).max(200).optional(),
  handle: z.literal(FLOW_OPEN_CASE_ACTION, { errorMap: () => ({ message: `this endpoint runs ${FLOW_OPEN_CASE_ACTION}` }) }).optional(),
  properties: z.unknown(),
});

/**
 * POST /flow/actions/open-case — the runtime URL of the "Open a Shipwatch case" Flow action. Shopify signs the
 * raw body (base64 HMAC-SHA256 with the app's secret, x-shopify-hmac-sha256): anything else is 401 and nothing
 * is read further. The shop is the signed body's `shopify_domain`. Answers: 200 when done (Flow counts the run
 * as a success), 400 naming the bad fields, 422 with words when the order has no watched shipment (Flow shows a
 * 4xx answer's body to the merchant and does not send it again), 503 when we could not finish (Flow retries).
 */
export function flowActionEndpoint(deps: {
  verify: (rawBody: Buffer, header: string | null) => boolean;
  openCase: (shop: string, input: FlowOpenCaseInput) => Promise<FlowOpenCaseResult>;
}) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") {
      req.resume();
      return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "POST" });
    }
    void (async () => {
      const raw = await readBody(req, MAX_FLOW_ACTION_BYTES);
      if (!raw) return sendJson(res, 413, { error: "payload_too_large", message: `bodies above ${MAX_FLOW_ACTION_BYTES} bytes are refused` }, { connection: "close" });
      const hmac = req.headers["x-shopify-hmac-sha256"];
      if (!deps.verify(raw, (Array.isArray(hmac) ? hmac[0] : hmac) ?? null)) return sendJson(res, 401, { error: "unauthorized", message: "HMAC signature is missing or invalid" });
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return sendJson(res, 400, { error: "bad_request", message: "the body is not JSON" });
      }
      const request = FlowActionRequest.safeParse(body);
      if (!request.success) return sendJson(res, 400, { error: "bad_request", message: "invalid request", fields: fieldErrorsOf(request.error.issues, "body") });
      const properties = FlowOpenCaseProperties.safeParse(request.data.properties ?? {});
      if (!properties.success) {
        const fields = fieldErrorsOf(properties.error.issues.map((i) => ({ ...i, path: ["properties", ...i.path] })), "properties");
        return sendJson(res, 400, { error: "bad_request", message: `invalid: ${Object.keys(fields).join(", ")}`, fields });
      }
      const result = await deps.openCase(request.data.shopify_domain, properties.data);
      if (!result.ok) return sendJson(res, 422, { error: "no_shipment", message: result.message });
      sendJson(res, 200, { ok: true, cases: result.cases });
    })().catch((error: unknown) => {
      res.emit("shipwatch:error", error);
      if (!res.headersSent) sendJson(res, 503, { error: "unavailable" });
    });
  };
}

/** The request's body, or null as soon as it passes `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) {
      req.resume();
      return resolve(null);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off("data", onData);
      req.resume();
      resolve(null);
    };
    req.on("data", onData);
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
