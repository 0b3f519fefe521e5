/**
 * Ports: what the services need from storage and the outside world. Adapters (../adapters) implement
 * them, services depend on them, and only the composition root joins the two. Nothing here imports a
 * service or an adapter.
 */
export type * from "./deliveries";
export type * from "./shipments";
export type * from "./cases";
export type * from "./status-mapping";
export type * from "./notifications";
export type * from "./events";
export type * from "./transit";
export type * from "./tickets";
export type * from "./fulfillment";
export type * from "./team-alerts";
export type * from "./helpdesks";
export type * from "./feeds";
export type * from "./feed-health";
export type * from "./carrier-tracking";
export * from "./jobs";
export * from "./scorecard";
export type * from "./shopify-admin";
export type * from "./write-back";
export type * from "./health";
export type * from "./ops-metrics";
