import type { LoaderFunctionArgs } from "@remix-run/node";
import { idFromGid, shopFromDest } from "~/.server/services/customer-account";

/**
 * GET /api/customer-account/shipments?order=<Order gid>[&fulfillment=<Fulfillment gid>] — the order status
 * page extension's data (extensions/order-status-tracking). Shopify's customer account session token names
 * the shop (`dest`) and the signed-in customer (`sub`); the answer is the storefront lookup's
 * `{ order, shipments }` for that customer's own order, or 404 `{"error":"not_found"}` for any other.
 * authenticate.public.customerAccount answers CORS preflights, refuses a missing or bad token with 401, and
 * `cors()` adds the headers the extension's sandboxed fetch needs to read every answer, errors included.
 */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shopify, services } = context.shipwatch;
  const { sessionToken, cors } = await shopify.authenticate.public.customerAccount(request);
  const reply = (status: number, body: unknown) =>
    cors(new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } }));

  const shop = shopFromDest(sessionToken.dest);
  if (!shop) return reply(401, { error: "unauthorized", message: "the session token names no shop" });
  const url = new URL(request.url);
  const orderId = idFromGid(url.searchParams.get("order"), "Order");
  const fulfillmentParam = url.searchParams.get("fulfillment");
  const fulfillmentId = fulfillmentParam ? idFromGid(fulfillmentParam, "Fulfillment") : null;
  if (!orderId || (fulfillmentParam && !fulfillmentId)) {
    return reply(400, { error: "bad_request", message: "give order=<Order gid>, and optionally fulfillment=<Fulfillment gid>" });
  }
  // `sub` is there only for a signed-in customer, and only once the app has protected customer data access
  const customerId = idFromGid(sessionToken.sub, "Customer");
  if (!customerId) return reply(403, { error: "customer_required", message: "the session token names no customer" });

  const result = await services.lookup.shipmentsForCustomer(shop, { customerId, orderId, fulfillmentId });
  return result.found ? reply(200, { order: result.order, shipments: result.shipments }) : reply(404, { error: "not_found" });
};
