import type { Container } from "./.server/container";

/**
 * What a route sees of the composition root: its configuration, clock, Shopify app and use cases.
 * Storage (the container's repositories, database and queue) is left out on purpose: routes call use cases.
 */
export type RouteContext = Pick<Container, "config" | "clock" | "shopify" | "services">;

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** handed to every route by server/remix.ts */
    shipwatch: RouteContext;
  }
}

export {};
