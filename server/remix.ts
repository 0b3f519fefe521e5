import fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import type { Container } from "~/.server/container";
import type { NodeHandler } from "./http";

/**
 * Remix behind the app's own server. Routes receive the composition root as load context, so they share
 * the server's database, queue and Shopify app instead of building their own.
 *
 * What the admin sends travels compressed: the built assets once per file (brotli at its best, gzip for the
 * rest; see `compressedAssets`), pages and loader data as they are written. In an embedded admin every page view
 * is a fresh document load inside Shopify's iframe, so this is most of what a merchant waits for.
 */
export async function createRemixHandler(container: Container): Promise<{ handler: NodeHandler; close(): Promise<void> }> {
  const app = express();
  app.disable("x-powered-by");
  app.use(compressResponses({ dropAppBridgePreload: container.config.localPreview }));
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
    app.use("/assets", compressedAssets(path.join(buildDir, "client/assets")));
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

type Encoding = "br" | "gzip";

/** The encoding to answer in: brotli when the browser takes it, else gzip, else none (q=0 refuses one). */
export function negotiateEncoding(acceptEncoding: string | string[] | undefined): Encoding | null {
  const offered = new Map<string, number>();
  for (const part of String(acceptEncoding ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    offered.set(name, q ? Number(q.slice(2)) || 0 : 1);
  }
  const takes = (name: Encoding) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  if (takes("br")) return "br";
  if (takes("gzip")) return "gzip";
  return null;
}

const ASSET_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".map": "application/json; charset=utf-8",
};
/** Vite names every built file `<name>-<content hash>.<ext>`: such a name never changes content. */
const HASHED = /-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const ASSET_NAME = /^[A-Za-z0-9._-]+$/;
const BROTLI_BEST = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } };
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * /assets/*: each built file compressed once, on first request, with brotli's best (slow, so never per request)
 * and gzip level 9, kept in memory and beside the file (`.br`, `.gz`) so that the next start reads them back.
 * Hashed names are cached for a year and marked immutable: a new build has new names.
 */
export function compressedAssets(dir: string) {
  const cache = new Map<string, Promise<{ raw: Buffer; br: Buffer; gzip: Buffer } | null>>();
  const load = (name: string) => {
    let entry = cache.get(name);
    if (!entry) {
      entry = (async () => {
        const file = path.join(dir, name);
        const raw = await fs.promises.readFile(file).catch(() => null);
        if (!raw) return null;
        const stored = async (ext: string, make: () => Promise<Buffer>) => {
          const cached = await fs.promises.readFile(`${file}${ext}`).catch(() => null);
          if (cached) return cached;
          const made = await make();
          // written whole, then renamed: another process starting beside this one never reads half a file.
          // A read-only build directory only costs the next start its compression.
          const temp = `${file}${ext}.${process.pid}.tmp`;
          await fs.promises
            .writeFile(temp, made)
            .then(() => fs.promises.rename(temp, `${file}${ext}`))
            .catch(() => fs.promises.rm(temp, { force: true }));
          return made;
        };
        return { raw, br: await stored(".br", () => brotli(raw, BROTLI_BEST)), gzip: await stored(".gz", () => gzip(raw, { level: 9 })) };
      })();
      cache.set(name, entry);
    }
    return entry;
  };

  // at start, in the background: the first merchant does not wait for brotli's best on the biggest files
  void fs.promises
    .readdir(dir)
    .then(async (names) => {
      for (const name of names) if (ASSET_TYPES[path.extname(name)]) await load(name);
    })
    .catch(() => {});

  return (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    let name: string;
    try {
      name = decodeURIComponent((req.url ?? "/").split("?")[0]!.replace(/^\/+/, ""));
    } catch {
      return next();
    }
    const type = ASSET_TYPES[path.extname(name)];
    if ((req.method !== "GET" && req.method !== "HEAD") || !ASSET_NAME.test(name) || !type) return next();
    load(name).then((asset) => {
      if (!asset) return next();
      const encoding = negotiateEncoding(req.headers["accept-encoding"]);
      const body = encoding ? asset[encoding] : asset.raw;
      res.writeHead(200, {
        "content-type": type,
        "content-length": body.length,
        "cache-control": HASHED.test(name) ? "public, max-age=31536000, immutable" : "public, max-age=3600",
        vary: "accept-encoding",
        ...(encoding ? { "content-encoding": encoding } : {}),
      });
      res.end(req.method === "HEAD" ? undefined : body);
    }, next);
  };
}

const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml)|image\/svg)/i;
const APP_BRIDGE_PRELOAD = "cdn.shopify.com/shopifycloud/app-bridge.js";

/**
 * Compresses what Remix writes (documents, loader data) when the browser takes it: brotli at a quality that
 * keeps up with rendering, or gzip. Small answers and redirects go as they are.
 *
 * In the local preview it also drops the `Link: <…app-bridge.js>; rel=preload` header Shopify's library puts on
 * every document: the preview loads its own stand-in, so the preload only made the browser fetch Shopify's CDN
 * (and log an error when the CDN is out of reach) on every page.
 */
function compressResponses(options: { dropAppBridgePreload: boolean }) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const encoding = negotiateEncoding(req.headers["accept-encoding"]);
    let stream: zlib.BrotliCompress | zlib.Gzip | null = null;
    let decided = false;
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;

    // runs once, before the headers leave: every header is set by then (the adapter sets them all, then writes)
    const decide = (firstChunk: unknown) => {
      if (decided) return;
      decided = true;
      if (options.dropAppBridgePreload) dropPreload(res);
      const type = String(res.getHeader("content-type") ?? "");
      const declared = Number(res.getHeader("content-length") ?? NaN);
      const size = Number.isFinite(declared) ? declared : firstChunk ? Buffer.byteLength(firstChunk as string | Buffer) : 0;
      if (!encoding || req.method === "HEAD" || res.headersSent || res.getHeader("content-encoding") || !COMPRESSIBLE.test(type)) return;
      if (res.statusCode < 200 || res.statusCode === 204 || res.statusCode === 206 || (res.statusCode >= 300 && res.statusCode < 400) || (Number.isFinite(declared) && size < 1024)) return;
      res.setHeader("content-encoding", encoding);
      res.removeHeader("content-length");
      res.setHeader("vary", [res.getHeader("vary"), "accept-encoding"].filter(Boolean).join(", "));
      stream =
        encoding === "br"
          ? zlib.createBrotliCompress({ params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } })
          : zlib.createGzip({ level: 6 });
      stream.on("data", (chunk: Buffer) => {
        if (!write(chunk)) stream!.pause();
      });
      res.on("drain", () => stream!.resume());
      stream.on("end", () => end());
      stream.on("error", (error) => res.destroy(error));
    };

    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      decide(chunk);
      if (!stream) return write(chunk, ...rest);
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      const encodingArg = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : undefined;
      return stream.write(typeof chunk === "string" ? Buffer.from(chunk, encodingArg) : (chunk as Buffer), callback);
    }) as typeof res.write;

    res.end = ((...args: unknown[]) => {
      const chunk = typeof args[0] === "function" ? undefined : args[0];
      decide(chunk);
      if (!stream) return end(...args);
      const callback = args.find((a) => typeof a === "function") as (() => void) | undefined;
      if (callback) res.once("finish", callback);
      const encodingArg = typeof args[1] === "string" ? (args[1] as BufferEncoding) : undefined;
      if (chunk !== undefined && chunk !== null) stream.end(typeof chunk === "string" ? Buffer.from(chunk, encodingArg) : (chunk as Buffer));
      else stream.end();
      return res;
    }) as typeof res.end;

    next();
  };
}

function dropPreload(res: ServerResponse) {
  if (res.headersSent) return;
  const link = res.getHeader("link");
  if (link === undefined) return;
  const kept = (Array.isArray(link) ? link : String(link).split(/,(?=\s*<)/)).filter((value) => !String(value).includes(APP_BRIDGE_PRELOAD));
  if (kept.length) res.setHeader("link", kept);
  else res.removeHeader("link");
}
