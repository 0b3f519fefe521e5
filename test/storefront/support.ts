import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Liquid } from "liquidjs";
import { signAppProxy } from "~/.server/shopify/signatures";
import { SHOP_A, TEST_SECRET, type TestApp } from "../support/test-app";

export const EXTENSION_DIR = path.resolve("extensions/tracking-page");
export const BLOCK_FILE = path.join(EXTENSION_DIR, "blocks/order-tracking.liquid");
export const LOCALES = ["en.default", "fr", "de", "es", "ja"] as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function readLocale(name: (typeof LOCALES)[number]): Record<string, Json> {
  return JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, "locales", `${name}.json`), "utf8"));
}

export interface BlockSchema {
  name: string;
  target: string;
  javascript?: string;
  stylesheet?: string;
  enabled_on?: { templates?: string[] };
  settings: { type: string; id?: string; default?: Json; label?: string }[];
}

/** The block as Shopify sees it: Liquid, then the `{% schema %}` JSON, which Shopify reads and never renders. */
export function readBlock(): { liquid: string; schema: BlockSchema } {
  const source = fs.readFileSync(BLOCK_FILE, "utf8");
  const match = /\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/.exec(source);
  if (!match) throw new Error("the block has no {% schema %}");
  return { liquid: source.replace(match[0], ""), schema: JSON.parse(match[1]!) };
}

/** Each setting's default, as a block added in the theme editor starts out. */
export function defaultSettings(schema: BlockSchema): Record<string, Json> {
  return Object.fromEntries(schema.settings.filter((s) => s.id && s.default !== undefined).map((s) => [s.id!, s.default!]));
}

function lookupKey(locale: Record<string, Json>, key: string): string {
  let node: Json | undefined = locale;
  for (const part of key.split(".")) node = node && typeof node === "object" && !Array.isArray(node) ? node[part] : undefined;
  // Shopify prints a visible marker for a missing key; a test would rather fail
  if (typeof node !== "string") throw new Error(`translation missing: ${key}`);
  return node;
}

/**
 * Renders the block with liquidjs and the few Shopify filters it uses (`t` reads the extension's own locale
 * files, as Shopify does for app blocks). Settings start at the schema's defaults.
 */
export async function renderBlock(options: { settings?: Record<string, Json>; locale?: (typeof LOCALES)[number]; blockId?: string } = {}) {
  const { liquid, schema } = readBlock();
  const locale = readLocale(options.locale ?? "en.default");
  const engine = new Liquid({ strictFilters: true });
  engine.registerFilter("t", (key: string) => lookupKey(locale, key));
  engine.registerFilter("color_brightness", (hex: string) => {
    const [r, g, b] = (String(hex).replace("#", "").match(/../g) ?? ["0", "0", "0"]).map((h) => parseInt(h, 16));
    return (r! * 299 + g! * 587 + b! * 114) / 1000;
  });
  // Shopify's image filters take keyword arguments, which liquidjs hands over as [name, value] pairs
  engine.registerFilter("image_url", (image: { src: string }) => image.src);
  engine.registerFilter("image_tag", (url: string, ...named: [string, unknown][]) => {
    const attributes = named.map(([name, value]) => ` ${name}="${String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;")}"`).join("");
    return `<img src="${url}"${attributes}>`;
  });
  const settings = { ...defaultSettings(schema), ...options.settings };
  const isoCode = options.locale && options.locale !== "en.default" ? options.locale : "en";
  const html = await engine.parseAndRender(liquid, {
    block: { id: options.blockId ?? "AbCd3fGh1", settings, shopify_attributes: 'data-shopify-editor-block="{}"' },
    request: { locale: { iso_code: isoCode } },
  });
  return { html, schema, settings };
}

/** What a theme around the block looks like: its own fonts and colours, a header, the page's content area. */
function themePage(title: string, content: string, assets: string) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – Alpha Goods</title>
<style>
  body { margin: 0; font-family: "DejaVu Sans", system-ui, sans-serif; font-size: 16px; line-height: 1.55; color: #1f1d1a; background: #fbf8f3; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 1rem 1.5rem; border-bottom: 1px solid #e5dfd5; }
  header strong { font-size: 1.25rem; letter-spacing: .04em; }
  header nav a { margin-left: 1.25rem; color: inherit; white-space: nowrap; }
  main { padding: 1rem 0 3rem; }
  footer { padding: 2rem 1.5rem; border-top: 1px solid #e5dfd5; font-size: .875rem; }
</style>
${assets}
</head>
<body>
<header><strong>ALPHA GOODS</strong><nav><a href="/">Shop</a><a href="/pages/track">Track order</a></nav></header>
<main>${content}</main>
<footer>© Alpha Goods</footer>
</body>
</html>`;
}

export interface Storefront {
  url: string;
  /** every proxied request, as the app received it */
  proxied: { path: string; status: number }[];
  close(): Promise<void>;
}

/**
 * A stand-in for the shop's storefront: it serves pages (the block's page, and one without the block), the
 * extension's assets, and forwards /apps/track/* to the app's /proxy/* the way Shopify's app proxy does: the
 * shopper's query plus shop, logged_in_customer_id, path_prefix and timestamp, signed with the app secret,
 * cookies dropped, and the shopper's address appended to X-Forwarded-For (the right-most entry, the one the
 * app trusts). Tests name a shopper with `x-test-shopper`.
 */
export async function startStorefront(app: TestApp, pages: Record<string, string>): Promise<Storefront> {
  const { schema } = readBlock();
  const proxied: Storefront["proxied"] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://storefront.test");
    try {
      if (url.pathname.startsWith("/assets/")) {
        const file = path.join(EXTENSION_DIR, "assets", path.basename(url.pathname));
        if (!fs.existsSync(file)) return void res.writeHead(404).end();
        res.writeHead(200, { "content-type": file.endsWith(".css") ? "text/css" : "text/javascript" });
        return void res.end(fs.readFileSync(file));
      }
      if (url.pathname.startsWith("/apps/track/")) {
        const params = new URLSearchParams(url.search);
        for (const key of ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"]) params.delete(key);
        params.set("shop", SHOP_A);
        params.set("logged_in_customer_id", "");
        params.set("path_prefix", "/apps/track");
        params.set("timestamp", String(Math.floor(app.clock.now() / 1000)));
        params.set("signature", signAppProxy(params, TEST_SECRET));
        const shopper = String(req.headers["x-test-shopper"] ?? req.socket.remoteAddress ?? "");
        const upstream = await fetch(`${app.url}/proxy/${url.pathname.slice("/apps/track/".length)}?${params}`, {
          headers: { accept: String(req.headers.accept ?? "*/*"), "x-forwarded-for": shopper, "x-forwarded-host": "alpha-goods.example" },
        });
        proxied.push({ path: url.pathname, status: upstream.status });
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "cache-control", "retry-after"]) {
          const value = upstream.headers.get(name);
          if (value) headers[name] = value;
        }
        res.writeHead(upstream.status, headers);
        return void res.end(Buffer.from(await upstream.arrayBuffer()));
      }
      const content = pages[url.pathname];
      if (content === undefined) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      // Shopify adds the block's schema assets to pages that hold the block, and only to those: the stylesheet
      // in the head, the script deferred.
      const holdsBlock = content.includes("data-sw-track");
      const assets = holdsBlock
        ? `<link rel="stylesheet" href="/assets/${schema.stylesheet}">\n<script src="/assets/${schema.javascript}" defer></script>`
        : "";
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(themePage(holdsBlock ? "Track your order" : "About us", content, assets));
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    proxied,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
