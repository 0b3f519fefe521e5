import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { useAdminHref } from "~/components/embedded-url";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  await context.shipwatch.shopify.authenticate.admin(request);
  const { config } = context.shipwatch;
  return {
    apiKey: config.shopify.apiKey,
    // the local preview swaps Shopify's App Bridge for a stand-in served by this app (server/local-preview)
    appBridgeUrl: config.localPreview ? "/local-preview/app-bridge.js" : undefined,
  };
};

export default function AdminLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  const adminHref = useAdminHref();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to={adminHref("/app")} rel="home">
          Shipments
        </Link>
        <Link to={adminHref("/app/exceptions")}>Exceptions</Link>
        <Link to={adminHref("/app/rules")}>Rules</Link>
        <Link to={adminHref("/app/notifications")}>Notifications</Link>
        <Link to={adminHref("/app/notifications/outbox")}>Outbox</Link>
        <Link to={adminHref("/app/status-mapping")}>Status mapping</Link>
        <Link to={adminHref("/app/settings")}>Settings</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch its thrown responses (redirects to re-authenticate) and pass their headers on.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
