/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/customer-account.order-status.fulfillment-details.render-after";
import { render } from "preact";
import { Tracking } from "./Tracking";

/** customer-account.order-status.fulfillment-details.render-after: inside each fulfillment's delivery card. */
export default async () => {
  const host = (globalThis as unknown as { shopify: Api }).shopify;
  render(<Tracking host={host} fulfillmentId={host.fulfillmentId} withHeading={false} />, document.body);
};
