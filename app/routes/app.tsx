import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { useAdminHref } from "~/components/embedded-url";
import { pageTitle } from "~/components/page-title";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

/**
 * Each admin page's title, by path. A page without a `meta` export of its own inherits this one, so every page has a
 * title; a page that knows more (an order name) exports its own. The path, not the matched route: Remix hands a
 * layout's meta only the matches down to the layout itself.
 */
const TITLES: [RegExp, string][] = [
  [/^\/app\/?$/, "Home"],
  [/^\/app\/shipments\/?$/, "Shipments"],
  [/^\/app\/shipments\/[^/]+\/?$/, "Shipment"],
  [/^\/app\/exceptions\/?$/, "Exceptions"],
  [/^\/app\/exceptions\/[^/]+\/?$/, "Case"],
  [/^\/app\/rules\/?$/, "Rules"],
  [/^\/app\/rules\/[^/]+\/?$/, "Rule"],
  [/^\/app\/notifications\/?$/, "Notifications"],
  [/^\/app\/notifications\/templates\/?$/, "Templates"],
  [/^\/app\/notifications\/outbox\/?$/, "Outbox"],
  [/^\/app\/notifications\/outbox\/[^/]+\/?$/, "Message · Outbox"],
  [/^\/app\/status-mapping\/?$/, "Status mapping"],
  [/^\/app\/settings\/?$/, "Settings"],
];

export const meta: MetaFunction = ({ location }) => [{ title: pageTitle(TITLES.find(([path]) => path.test(location.pathname))?.[1]) }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const { config } = context.shipwatch;
  // a channel failing for longer than the threshold is shown on every page, not only on Notifications
  const failing = await context.shipwatch.services.notifications.alerts(session.shop);
  return {
    failing: failing.map((c) => c.label),
    alertAfterHours: context.shipwatch.config.notifications.channelAlertMs / 3_600_000,
    apiKey: config.shopify.apiKey,
    // the local preview swaps Shopify's App Bridge for a stand-in served by this app (server/local-preview)
    appBridgeUrl: config.localPreview ? "/local-preview/app-bridge.js" : undefined,
  };
};

export default function AdminLayout() {
  const { apiKey, appBridgeUrl, failing, alertAfterHours } = useLoaderData<typeof loader>();
  const adminHref = useAdminHref();
  // the Notifications page shows the same alert with each channel's details
  const onNotifications = useLocation().pathname.replace(/\/$/, "") === "/app/notifications";
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to={adminHref("/app")} rel="home">
          Home
        </Link>
        <Link to={adminHref("/app/shipments")}>Shipments</Link>
        <Link to={adminHref("/app/exceptions")}>Exceptions</Link>
        <Link to={adminHref("/app/tickets")}>Tickets</Link>
        <Link to={adminHref("/app/rules")}>Rules</Link>
        <Link to={adminHref("/app/notifications")}>Notifications</Link>
        <Link to={adminHref("/app/status-mapping")}>Status mapping</Link>
        <Link to={adminHref("/app/settings")}>Settings</Link>
      </NavMenu>
      {failing.length && !onNotifications ? (
        <div
          style={{
            maxWidth: "62.375rem",
            margin: "0 auto",
            padding: "1rem 1rem 0",
          }}
        >
          <Banner
            tone="critical"
            title={`${failing.join(", ")} ${failing.length > 1 ? "have" : "has"} been failing for more than ${
              alertAfterHours === 1 ? "an hour" : `${alertAfterHours} hours`
            }`}
            action={{
              content: "See the channels",
              url: adminHref("/app/notifications"),
            }}
            secondaryAction={{
              content: "See failed messages",
              url: adminHref("/app/notifications/outbox?status=failed"),
            }}
          >
            <p>Customers are not getting those messages. They are retried, then kept in the Outbox for replay.</p>
          </Banner>
        </div>
      ) : null}
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch its thrown responses (redirects to re-authenticate) and pass their headers on.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
