import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import type { AppConfig } from "../config";

/** The API version of shopify.app.toml's [webhooks] block; keep the two in step. */
export const SHOPIFY_API_VERSION = ApiVersion.July26;

/** Shopify's library logs at LOG_LEVEL like the rest of the app (it would log every customer account request at info). */
const SEVERITY: Record<AppConfig["logLevel"], LogSeverity> = {
  fatal: LogSeverity.Error,
  error: LogSeverity.Error,
  silent: LogSeverity.Error,
  warn: LogSeverity.Warning,
  info: LogSeverity.Info,
  debug: LogSeverity.Debug,
  trace: LogSeverity.Debug,
};

export function createShopifyApp(config: AppConfig, sessionStorage: SessionStorage, hooks: { afterAuth(shop: string): Promise<void> }) {
  return shopifyApp({
    apiKey: config.shopify.apiKey,
    apiSecretKey: config.shopify.apiSecret,
    appUrl: config.shopify.appUrl,
    scopes: config.shopify.scopes,
    apiVersion: SHOPIFY_API_VERSION,
    authPathPrefix: "/auth",
    distribution: AppDistribution.AppStore,
    sessionStorage,
    isEmbeddedApp: true,
    logger: { level: SEVERITY[config.logLevel] },
    future: { unstable_newEmbeddedAuthStrategy: true },
    hooks: {
      afterAuth: async ({ session }) => {
        await hooks.afterAuth(session.shop);
      },
    },
  });
}

export type ShopifyApp = ReturnType<typeof createShopifyApp>;
