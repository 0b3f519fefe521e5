import fs from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import type { Container } from "~/.server/container";
import { afterShipFeedEndpoint, easyPostFeedEndpoint, shipEngineFeedEndpoint } from "./endpoints/feeds";
import { flowActionEndpoint, flowLifecycleEndpoint } from "./endpoints/flow-action";
import { helpdeskWebhooksEndpoint } from "./endpoints/helpdesk-webhooks";
import { localPreviewEndpoints } from "./endpoints/local-preview";
import { metricsEndpoint } from "./endpoints/metrics";
import { proxyLookupEndpoint } from "./endpoints/proxy-lookup";
import { proxyPageEndpoint } from "./endpoints/proxy-page";
import { createLookupLimiters } from "./endpoints/rate-limit";
import { readinessEndpoint } from "./endpoints/readiness";
import { sendJson } from "./endpoints/respond";
import { supportApiEndpoint } from "./endpoints/support-api";
import { webhooksEndpoint } from "./endpoints/webhooks";

const favicon = fs.readFileSync(path.resolve("public/favicon.svg"));

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The app's HTTP server. What Shopify calls at volume (webhooks, storefront lookups and the tracking page
 * message links open) are plain Node handlers; everything a merchant uses goes to Remix.
 */
export interface HttpServerOptions {
  /** true once the process is stopping (SIGTERM): /readyz answers 503 and no connection is kept alive for another request */
  stopping?: () => boolean;
}

export function createHttpServer(container: Container, remix: NodeHandler | null, options: HttpServerOptions = {}): http.Server {
  const { services, config, logger, clock } = container;
  const webhooks = webhooksEndpoint(services.ingest);
  // the tracking page and the JSON lookup share one set of limits: a shopper's attempts count wherever they are made
  const storefront = {
    verify: container.verifyAppProxy,
    lookup: services.lookup.lookup,
    limiters: createLookupLimiters({ perShopperPerMinute: config.lookupRateLimitPerMinute, perShopPerMinute: config.lookupShopRateLimitPerMinute }),
    trustedProxies: config.lookupTrustedProxies,
    now: () => clock.now(),
  };
  const lookup = proxyLookupEndpoint(storefront);
  const trackingPage = proxyPageEndpoint(storefront);
  const supportApi = supportApiEndpoint(services.supportApi, services.scorecard, services.tickets, services.feeds);
  const flowAction = flowActionEndpoint({ verify: container.verifyFlowAction, openCase: services.flow.openCase });
  const flowLifecycle = flowLifecycleEndpoint({ verify: container.verifyFlowAction, record: services.flow.triggerUse });
  const helpdeskWebhooks = helpdeskWebhooksEndpoint({ receive: services.helpdesks.receive });
  const easyPostFeed = easyPostFeedEndpoint(services.feeds);
  const afterShipFeed = afterShipFeedEndpoint(services.feeds);
  const shipEngineFeed = shipEngineFeedEndpoint(services.feeds);
  const preview = config.localPreview ? localPreviewEndpoints(container, { trackingPage }) : null;
  const stopping = options.stopping ?? (() => false);
  const readiness = readinessEndpoint({ check: container.health.check, stopping });
  const metrics = metricsEndpoint({ token: config.metricsToken, metrics: services.ops, memory: () => process.memoryUsage.rss() });

  const server = http.createServer((req, res) => {
    res.on("shipwatch:error", (error: unknown) => logger.error({ err: String(error), url: req.url }, "request failed"));
    // a request that arrives on a kept-alive connection while the process stops is answered, then the connection closes
    if (stopping()) res.shouldKeepAlive = false;
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/webhooks") return webhooks(req, res);
    if (url.pathname === "/proxy/lookup") return lookup(req, res, url);
    // https://<shop>/apps/track (Shopify adds no trailing slash; a merchant's own link might)
    if (url.pathname === "/proxy" || url.pathname === "/proxy/") return trackingPage(req, res, url);
    if (url.pathname.startsWith("/api/v1/")) return supportApi(req, res, url);
    // the runtime URL of the "Open a Shipwatch case" Flow action (extensions/flow-open-case)
    if (url.pathname === "/flow/actions/open-case") return flowAction(req, res);
    // Flow's trigger lifecycle callback (extensions/flow-lifecycle): which triggers a shop's workflows use
    if (url.pathname === "/flow/lifecycle") return flowLifecycle(req, res);
    // a connected helpdesk's ticket webhook (Settings → Helpdesks): /helpdesks/<provider>/<connection id>
    if (url.pathname.startsWith("/helpdesks/")) return helpdeskWebhooks(req, res, url);
    // a connected EasyPost account's tracker events (PUT /api/v1/feeds/easypost answers this URL)
    if (url.pathname.startsWith("/feeds/easypost/")) return easyPostFeed(req, res, url);
    // a connected AfterShip account's tracking webhooks (PUT /api/v1/feeds/aftership answers this URL)
    if (url.pathname.startsWith("/feeds/aftership/")) return afterShipFeed(req, res, url);
    // a connected ShipEngine account's track webhooks (registered with ShipEngine by PUT /api/v1/feeds/shipengine)
    if (url.pathname.startsWith("/feeds/shipengine/")) return shipEngineFeed(req, res, url);
    // liveness: the process answers (a restart would not help a database that is down; /readyz tells that)
    if (url.pathname === "/healthz") return sendJson(res, 200, { ok: true });
    if (url.pathname === "/readyz") return readiness(req, res);
    // the operator's backlogs and parked work, all shops together (off unless METRICS_TOKEN is set)
    if (url.pathname === "/metrics") return metrics(req, res);
    // pages Shopify renders for the app (the auth bounce page) link no icon; browsers then ask for this one
    if (url.pathname === "/favicon.ico") {
      res.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" });
      res.end(favicon);
      return;
    }
    if (preview && url.pathname.startsWith("/local-preview")) return preview(req, res, url);
    if (remix) return remix(req, res);
    sendJson(res, 404, { error: "not_found" });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}
