import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import type { TestApp } from "./test-app";

/** What the tracking feed tests (EasyPost, AfterShip, ShipEngine, feed health) share: a shop's parcel, its rows, a feed's URL on the test server. */

/** An order and its fulfillment with one tracking number, through Shopify's signed webhooks; dated now on the app's clock. */
export async function shipParcel(app: TestApp, shop: string, tracking: string, company: string, name: string) {
  const at = new Date(app.clock.now()).toISOString();
  const order = orderPayload({ id: newId(), name, created_at: at, updated_at: at });
  const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: company, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: null, tracking_urls: [], created_at: at, updated_at: at });
  await app.sendWebhook("orders/create", order, { shop });
  await app.sendWebhook("fulfillments/create", f, { shop });
  return { order, f };
}

/** The webhook URL a feed connection answers, pointed at the test server instead of the app's public URL. */
export const onTestServer = (app: TestApp, webhookUrl: string) => webhookUrl.replace("https://shipwatch.test", app.url);

export const shipmentRow = (app: TestApp, shop: string, tracking: string) =>
  app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();

export const feedConnectionRow = (app: TestApp, shop: string, provider: string) =>
  app.db.selectFrom("FeedConnection").selectAll().where("shop", "=", shop).where("provider", "=", provider).executeTakeFirst();

export const deliveryCount = async (app: TestApp) => Number((await app.db.selectFrom("WebhookDelivery").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
