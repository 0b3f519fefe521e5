import type { Container } from "./.server/container";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** the composition root, handed to every route by server/remix.ts */
    shipwatch: Container;
  }
}

export {};
