import type { OrderRepository, ShipmentRecord, ShipmentRepository } from "../ports";
import type { LookupResult, ShipmentView } from "~/domain/shipment-view";

/**
 * The order status page's data (customer account UI extension). Shopify's session token says which shop
 * (`dest`) and which signed-in customer (`sub`) is asking; the extension says which order, and which
 * fulfillment when it renders inside one. Only the customer who placed the order sees it: any other order,
 * another customer's or another shop's, is the same not-found.
 */
export interface CustomerShipmentsQuery {
  customerId: string;
  orderId: string;
  fulfillmentId: string | null;
}

/** "gid://shopify/Order/123" (or a bare "123") → "123"; anything else → null. */
export function idFromGid(value: string | null | undefined, type: "Order" | "Fulfillment" | "Customer"): string | null {
  if (!value) return null;
  const match = new RegExp(`^(?:gid://shopify/${type}/)?(\\d{1,20})$`).exec(value.trim());
  return match ? match[1]! : null;
}

/** The token's `dest`: "shop.myshopify.com" for customer accounts, "https://shop.myshopify.com" for the admin. */
export function shopFromDest(dest: string | null | undefined): string | null {
  if (!dest) return null;
  const host = dest.replace(/^https:\/\//, "").replace(/\/$/, "");
  return /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host) ? host : null;
}

export function createCustomerAccountShipments(deps: {
  orders: OrderRepository;
  shipments: ShipmentRepository;
  views: (shop: string, records: ShipmentRecord[]) => Promise<ShipmentView[]>;
}) {
  return async function shipmentsForCustomer(shop: string, query: CustomerShipmentsQuery): Promise<LookupResult> {
    const order = await deps.orders.findById(shop, query.orderId);
    if (!order || order.customerId === null || order.customerId !== query.customerId) return { found: false };
    const all = await deps.shipments.listShipmentsOfOrder(shop, order.orderId);
    const records = query.fulfillmentId === null ? all : all.filter((s) => s.fulfillmentId === query.fulfillmentId);
    return { found: true, order: { name: order.name }, shipments: await deps.views(shop, records) };
  };
}
