import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { fieldErrorsOf } from "~/domain/field-errors";
import { FLOW_OPEN_CASE_ACTION, FlowLifecycleBody, FlowOpenCaseProperties, type FlowLifecycleCallback, type FlowOpenCaseInput, type FlowOpenCaseResult } from "~/.server/services/flow";
import { readBody, refuseTooLarge } from "./body";
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
  return signedFlowEndpoint(deps.verify, MAX_FLOW_ACTION_BYTES, async (body, res) => {
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
  });
}

/** A lifecycle callback is a few hundred bytes. */
export const MAX_FLOW_LIFECYCLE_BYTES = 16 * 1024;

/**
 * POST /flow/lifecycle — the runtime URL of the trigger lifecycle callback (extensions/flow-lifecycle). Flow calls
 * it, signed like its actions, when a merchant enables or turns off a workflow that starts with one of Shipwatch's
 * triggers; Shipwatch then sends that shop only the triggers it uses. A merchant cannot enable the workflow until
 * this answers 2xx, so it answers at once: 200 (an older callback than the one recorded changes nothing and is
 * still 200), 401 unsigned, 400 naming the bad fields, 503 when it could not be recorded (Flow lets the merchant
 * try again).
 */
export function flowLifecycleEndpoint(deps: {
  verify: (rawBody: Buffer, header: string | null) => boolean;
  record: (shop: string, callback: FlowLifecycleCallback) => Promise<boolean>;
}) {
  return signedFlowEndpoint(deps.verify, MAX_FLOW_LIFECYCLE_BYTES, async (body, res) => {
    const parsed = FlowLifecycleBody.safeParse(body);
    if (!parsed.success) {
      const fields = fieldErrorsOf(parsed.error.issues, "body");
      return sendJson(res, 400, { error: "bad_request", message: `invalid: ${Object.keys(fields).join(", ")}`, fields });
    }
    const { shopify_domain: shop, flow_trigger_definition_id: trigger, has_enabled_flow: enabled, timestamp: at } = parsed.data;
    const recorded = await deps.record(shop, { trigger, enabled, at });
    sendJson(res, 200, { ok: true, recorded });
  });
}

/**
 * What every request from Flow goes through before its own reading: POST only (405), at most `limit` bytes
 * (413), signed by Shopify with the app's secret over the raw body (x-shopify-hmac-sha256, base64; 401 and nothing
 * read further), JSON (400). A failure of ours is 503, which Flow retries.
 */
function signedFlowEndpoint(verify: (rawBody: Buffer, header: string | null) => boolean, limit: number, handle: (body: unknown, res: ServerResponse) => Promise<void>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") {
      req.resume();
      return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "POST" });
    }
    void (async () => {
      const raw = await readBody(req, limit);
      if (!raw) return refuseTooLarge(req, res, limit);
      const hmac = req.headers["x-shopify-hmac-sha256"];
      if (!verify(raw, (Array.isArray(hmac) ? hmac[0] : hmac) ?? null)) return sendJson(res, 401, { error: "unauthorized", message: "HMAC signature is missing or invalid" });
      let body: unknown;
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return sendJson(res, 400, { error: "bad_request", message: "the body is not JSON" });
      }
      await handle(body, res);
    })().catch((error: unknown) => {
      res.emit("shipwatch:error", error);
      if (!res.headersSent) sendJson(res, 503, { error: "unavailable" });
    });
  };
}
