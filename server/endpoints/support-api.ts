import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { ScorecardService } from "~/.server/services/scorecard";
import type { SupportApi } from "~/.server/services/support-api";
import type { TicketDesk } from "~/.server/services/tickets";
import type { FeedProvider } from "~/.server/ports";
import type { TrackingFeeds } from "~/.server/services/tracking-feeds";
import { CARRIERS } from "~/domain/carriers";
import { parseScorecardRange } from "~/domain/scorecard";
import { readBody, refuseTooLarge } from "./body";
import { sendJson } from "./respond";

const lookupKey = z.string().trim().min(1).max(64).optional();
const ShipmentsQuery = z
  .object({ order: lookupKey, tracking: lookupKey, email: z.string().trim().toLowerCase().email().max(254).optional() })
  .refine((q) => [q.order, q.tracking, q.email].filter(Boolean).length === 1, { message: "give order, tracking or email (one of them)" });
const ExceptionsQuery = z.object({
  status: z.enum(["open", "resolved"]).default("open"),
  order: z.string().trim().min(1).max(64).optional(),
});

/** A helpdesk ticket (the contract). Ids may come as numbers from helpdesks that number their tickets. */
export const TicketBody = z.object({
  id: z.union([z.string().trim().min(1).max(128), z.number().int().nonnegative().transform(String)]),
  source: z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, "a short name such as gorgias, zendesk or api"),
  customerEmail: z.string().trim().toLowerCase().email().max(254).nullable().optional().transform((v) => v ?? null),
  subject: z.string().max(1000),
  body: z.string().max(200_000),
  createdAt: z.string().datetime({ offset: true }).transform((v) => Date.parse(v)),
});

/** PUT /api/v1/feeds/easypost (the contract), plus the carriers to register trackers for (default: those Shopify does not track). */
export const EasyPostConnectBody = z.object({
  apiKey: z.string().trim().min(1).max(200),
  webhookSecret: z.string().min(1).max(500),
  carriers: z
    .array(z.string().refine((c) => c in CARRIERS, "not a carrier Shipwatch knows"))
    .max(50)
    .optional(),
});

/** PUT /api/v1/feeds/aftership (beside the contract, shaped as the EasyPost PUT): the API key, the webhook secret, the carriers. */
export const AfterShipConnectBody = EasyPostConnectBody;

/** PUT /api/v1/feeds/shipengine: the API key and the carriers; no webhook secret (ShipEngine signs with its own keys) and no URL to paste. */
export const ShipEngineConnectBody = EasyPostConnectBody.omit({ webhookSecret: true });

/** PUT /api/v1/feeds/<provider>: which feed each path connects. */
const FEED_PATHS: ReadonlyMap<string, FeedProvider> = new Map([
  ["/api/v1/feeds/easypost", "easypost"],
  ["/api/v1/feeds/aftership", "aftership"],
  ["/api/v1/feeds/shipengine", "shipengine"],
]);

/** Tickets are text: a body above this is refused before it is read in full. */
export const MAX_TICKET_BYTES = 256 * 1024;

/**
 * The Support API (ARCHITECTURE.md): JSON, one shop per credential, 401 without a valid bearer token.
 * GET /api/v1/shipments (by order, tracking number or customer email), GET /api/v1/exceptions,
 * GET /api/v1/scorecard, and POST /api/v1/tickets. Helpdesks and BI tools call it server to server.
 */
export function supportApiEndpoint(
  api: SupportApi,
  scorecard: Pick<ScorecardService, "scorecard">,
  tickets: Pick<TicketDesk, "receive">,
  feeds?: Pick<TrackingFeeds, "connect">,
) {
  const noStore = { "cache-control": "no-store" };
  const badRequest = (res: ServerResponse, issues: z.ZodIssue[]) => {
    const fields = [...new Set(issues.map((i) => i.path.join(".") || "body"))];
    sendJson(res, 400, { error: "bad_request", message: `invalid ${fields.join(", ")}: ${issues[0]!.message}`, fields }, noStore);
  };

  async function get(res: ServerResponse, url: URL, shop: string) {
    const params = Object.fromEntries(url.searchParams);
    if (url.pathname === "/api/v1/shipments") {
      const q = ShipmentsQuery.safeParse(params);
      if (!q.success) return sendJson(res, 400, { error: "bad_request", message: q.error.issues[0]!.message }, noStore);
      const shipments = await api.shipments(shop, q.data);
      return shipments.length ? sendJson(res, 200, { shipments }, noStore) : sendJson(res, 404, { error: "not_found" }, noStore);
    }
    if (url.pathname === "/api/v1/exceptions") {
      const q = ExceptionsQuery.safeParse(params);
      if (!q.success) return sendJson(res, 400, { error: "bad_request", message: "status is open or resolved" }, noStore);
      return sendJson(res, 200, { exceptions: await api.exceptions(shop, q.data) }, noStore);
    }
    if (url.pathname === "/api/v1/scorecard") {
      // days in the shop's zone; the figures come from the daily roll-ups of the authenticated shop only
      const range = parseScorecardRange(params.from, params.to);
      if (!range.ok) return sendJson(res, 400, { error: "bad_request", message: range.error }, noStore);
      return sendJson(res, 200, await scorecard.scorecard(shop, range.range), noStore);
    }
    return sendJson(res, 404, { error: "not_found" }, noStore);
  }

  async function postTicket(res: ServerResponse, body: Buffer, shop: string) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return sendJson(res, 400, { error: "bad_request", message: "the body is not JSON", fields: ["body"] }, noStore);
    }
    const ticket = TicketBody.safeParse(json);
    if (!ticket.success) return badRequest(res, ticket.error.issues);
    const { matchedBy: _matchedBy, recorded: _recorded, ...answer } = await tickets.receive(shop, ticket.data);
    return sendJson(res, 200, answer, noStore);
  }

  async function putFeed(res: ServerResponse, body: Buffer, shop: string, provider: FeedProvider) {
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return sendJson(res, 400, { error: "bad_request", message: "the body is not JSON", fields: ["body"] }, noStore);
    }
    const input = (provider === "easypost" ? EasyPostConnectBody : provider === "aftership" ? AfterShipConnectBody : ShipEngineConnectBody).safeParse(json);
    if (!input.success) return badRequest(res, input.error.issues);
    const outcome = await feeds!.connect(shop, input.data, provider);
    if (outcome.ok) return sendJson(res, 200, { webhookUrl: outcome.webhookUrl }, noStore);
    // the provider's own words: a refused key is the merchant's to fix (422), the provider down is nobody's (502)
    return sendJson(res, outcome.error === "provider_rejected" ? 422 : 502, { error: outcome.error, message: outcome.message }, noStore);
  }

  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const isTickets = url.pathname === "/api/v1/tickets";
    const feedProvider = FEED_PATHS.get(url.pathname) ?? null;
    const isFeed = feedProvider !== null && !!feeds;
    const method = isTickets ? "POST" : isFeed ? "PUT" : "GET";
    if (req.method !== method) {
      req.resume();
      return sendJson(res, 405, { error: "method_not_allowed" }, { allow: method });
    }
    (async () => {
      const auth = await api.authenticate(req.headers.authorization);
      if (!auth) {
        req.resume();
        return sendJson(res, 401, { error: "unauthorized", message: "send Authorization: Bearer <session token or API key>" }, { ...noStore, "www-authenticate": "Bearer" });
      }
      if (!isTickets && !isFeed) return get(res, url, auth.shop);
      const body = await readBody(req, MAX_TICKET_BYTES);
      if (body === null) return refuseTooLarge(req, res, MAX_TICKET_BYTES, noStore);
      return isFeed ? putFeed(res, body, auth.shop, feedProvider) : postTicket(res, body, auth.shop);
    })().catch((error: unknown) => {
      res.emit("shipwatch:error", error);
      if (!res.headersSent) sendJson(res, 500, { error: "internal_error" }, noStore);
    });
  };
}
