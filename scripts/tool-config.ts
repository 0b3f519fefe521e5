import { loadConfig, type AppConfig } from "~/.server/config";

/**
 * Tools (setup, demo, bench) need only part of the app's configuration; they fill the Shopify values with
 * local placeholders when absent so that `npm run setup` works before the app is registered.
 */
export const LOCAL_SHOPIFY_ENV = {
  SHOPIFY_API_KEY: "shipwatch-local-key",
  SHOPIFY_API_SECRET: "shipwatch-local-secret",
  SHOPIFY_APP_URL: "http://localhost:3000",
  SCOPES: "read_orders,read_fulfillments,write_fulfillments,read_customers,write_app_proxy",
} as const;

export function loadConfigForTools(overrides: Record<string, string | undefined> = {}): AppConfig {
  return loadConfig({ ...LOCAL_SHOPIFY_ENV, ...process.env, ...overrides });
}
