import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import type { Container } from "~/.server/container";
import type { NodeHandler } from "./http";

/**
 * Remix behind the app's own server. Routes receive the composition root as load context, so they share
 * the server's database, queue and Shopify app instead of building their own.
 */
export async function createRemixHandler(container: Container): Promise<{ handler: NodeHandler; close(): Promise<void> }> {
  const app = express();
  app.disable("x-powered-by");
  let build: ServerBuild | (() => Promise<ServerBuild>);
  let close = async () => {};
  if (container.config.devServer) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true }, appType: "custom" });
    app.use(viteServer.middlewares);
    build = () => viteServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    close = () => viteServer.close();
  } else {
    const buildDir = path.resolve("build");
    app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));
    build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  }
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: container.config.nodeEnv === "production" ? "production" : "development",
      getLoadContext: () => ({ shipwatch: container }),
    }),
  );
  return { handler: app, close };
}
