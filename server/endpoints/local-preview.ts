import fs from "node:fs";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Container } from "~/.server/container";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { signAppProxy } from "~/.server/shopify/signatures";
import { sendJson } from "./respond";

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;

export const PREVIEW_SHOP = "shipwatch-demo.myshopify.com";

const STAND_IN_URL = "/local-preview/app-bridge.js";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The Host values of a browser that asked for the preview by a loopback name, with or without the port.
 * DNS rebinding: a page on evil.example whose name is re-pointed at 127.0.0.1 reaches this server from the
 * developer's own browser, so the peer address is loopback; but the browser still sends `Host: evil.example`,
 * and that is the only thing that tells its requests from the developer's.
 */
const LOOPBACK_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

/**
 * SHIPWATCH_LOCAL_PREVIEW=1 only (refused in production by config, bound to loopback by config):
 * the embedded admin outside Shopify. Every endpoint answers loopback peers asking by a loopback Host only. A stand-in for App Bridge gets session tokens from here, minted
 * with the app secret for the demo shop, so every admin request goes through authenticate.admin's real path.
 */
export function localPreviewEndpoints(container: Container, storefront: { trackingPage?: Handler } = {}) {
  const { config, clock } = container;
  const shim = fs.readFileSync(path.resolve("server/local-preview/app-bridge.js"), "utf8");
  const bouncePageReady = pointBouncePageAtStandIn().catch((error: unknown) =>
    container.logger.warn({ err: String(error) }, "local preview: the bounce page keeps Shopify's App Bridge"),
  );
  const openTrackingPage = storefront.trackingPage ? trackingPageOpener(config, clock, storefront.trackingPage) : null;
  const mint = () =>
    mintSessionToken({ shop: PREVIEW_SHOP, apiKey: config.shopify.apiKey, apiSecret: config.shopify.apiSecret, nowMs: clock.now() });

  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!LOOPBACK.has(req.socket.remoteAddress ?? "")) return sendJson(res, 403, { error: "loopback_only" });
    const host = req.headers.host ?? "";
    if (!LOOPBACK_HOST.test(host)) {
      return sendJson(res, 403, {
        error: "loopback_host_only",
        message: `The local preview answers only requests addressed to localhost, 127.0.0.1 or [::1], not ${JSON.stringify(host.slice(0, 100))}: open it at http://localhost:<port>/local-preview.`,
      });
    }
    switch (url.pathname) {
      case "/local-preview/token":
        return sendJson(res, 200, mint(), { "cache-control": "no-store" });
      case STAND_IN_URL:
        res.writeHead(200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store" });
        res.end(shim);
        return;
      case "/local-preview/track":
        return openTrackingPage ? openTrackingPage(req, res, url) : sendJson(res, 404, { error: "not_found" });
      case "/local-preview":
      case "/local-preview/": {
        await bouncePageReady;
        // what the Shopify admin does when it opens an embedded app: embedded=1, shop, host and a fresh id_token
        const target = new URL(url.searchParams.get("path") ?? "/app", "http://localhost");
        target.searchParams.set("embedded", "1");
        target.searchParams.set("shop", PREVIEW_SHOP);
        target.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${PREVIEW_SHOP.replace(".myshopify.com", "")}`).toString("base64url"));
        target.searchParams.set("id_token", mint().token);
        res.writeHead(302, { location: `${target.pathname}${target.search}` });
        res.end();
        return;
      }
      default:
        return sendJson(res, 404, { error: "not_found" });
    }
  };
}

/**
 * A shopper's tracking page as a message link opens it (`?t=<token>`): Shopify would forward the link to /proxy,
 * signed and timestamped (refused after 90 s), so this signs that request afresh each time and answers the page.
 * The page is Liquid for Shopify to set in the theme; a browser given `application/liquid` would save it as a
 * file, so here it is HTML. The gate, limits and lookup are the real ones.
 */
function trackingPageOpener(config: Container["config"], clock: Container["clock"], trackingPage: Handler) {
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const params = new URLSearchParams({
      shop: PREVIEW_SHOP,
      path_prefix: "/apps/track",
      timestamp: String(Math.floor(clock.now() / 1000)),
      logged_in_customer_id: "",
      t: url.searchParams.get("t") ?? "",
    });
    params.set("signature", signAppProxy(params, config.shopify.apiSecret));
    const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, string | number>) => ServerResponse;
    res.writeHead = ((status: number, headers?: Record<string, string | number>) => {
      const type = String(headers?.["content-type"] ?? "");
      return writeHead(status, type.startsWith("application/liquid") ? { ...headers, "content-type": "text/html; charset=utf-8" } : headers);
    }) as typeof res.writeHead;
    trackingPage(req, res, new URL(`/proxy?${params}`, url));
  };
}

/**
 * authenticate.admin answers a document request whose id_token is missing or expired (a reload a minute after
 * opening the page, a link opened in a new tab) with its bounce page, /auth/session-token, which loads App Bridge
 * to fetch a fresh token and reload. That page loads App Bridge from Shopify's CDN, which the local preview has no
 * use for (and often cannot reach). The library's Node adapter reads one override, APP_BRIDGE_URL, once when it
 * loads: setting it here, and only here, points the bounce page at the stand-in in the local preview alone.
 */
let bouncePageOverride: Promise<void> | null = null;
function pointBouncePageAtStandIn(): Promise<void> {
  bouncePageOverride ??= (async () => {
    // eslint-disable-next-line no-restricted-properties -- a library setting, not app configuration: see above
    const env = process.env;
    env.APP_BRIDGE_URL = STAND_IN_URL;
    try {
      await import("@shopify/shopify-app-remix/adapters/node");
    } finally {
      // the library has read it; nothing else should
      delete env.APP_BRIDGE_URL;
    }
  })();
  return bouncePageOverride;
}
