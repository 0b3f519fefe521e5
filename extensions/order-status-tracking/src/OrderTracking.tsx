/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import type { Api } from "@shopify/ui-extensions/customer-account.order-status.block.render";
import { render } from "preact";
import { Tracking } from "./Tracking";

/** customer-account.order-status.block.render: a block the merchant places, for every parcel of the order. */
export default async () => {
  const host = (globalThis as unknown as { shopify: Api }).shopify;
  render(<Tracking host={host} withHeading />, document.body);
};
