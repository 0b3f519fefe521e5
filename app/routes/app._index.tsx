import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import {
  BlockStack,
  Card,
  ChoiceList,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  InlineStack,
  Link,
  Page,
  Text,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { PackageIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { pageTitle } from "~/components/page-title";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { hrefWith, setOrDelete, useAdminHref, useUrlFilters } from "~/components/embedded-url";
import { EmptyState } from "~/components/EmptyState";
import { SetupChecklist, type SetupStep } from "~/components/SetupChecklist";
import { trackingPageLinks } from "~/components/TrackingPageCard";
import { useListPagination } from "~/components/ListPagination";
import { formatAge } from "~/components/format";
import { reasonLabel, StatusBadge } from "~/components/StatusBadge";
import { RelativeTime } from "~/components/Timestamp";
import { CUSTOMER_CHANNELS } from "~/domain/notifications";
import { isShipmentStatus, SHIPMENT_STATUSES, STATUS_LABELS, type ShipmentStatus } from "~/domain/status";

const PAGE_SIZE = 25;

/** The page's own search parameters. Anything else in the URL (Shopify's embedded, shop, host, id_token) is left alone. */
const ShipmentFilters = z.object({
  status: z.enum(SHIPMENT_STATUSES).optional().catch(undefined),
  carrier: z.string().trim().max(64).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const filters = ShipmentFilters.parse({
    status: params.get("status") ?? undefined,
    carrier: params.get("carrier") ?? undefined,
    q: params.get("q") ?? undefined,
    page: params.get("page") ?? undefined,
  });
  const { shipmentBrowser, notifications, ruleBook } = context.shipwatch.services;
  const [result, channels, templates, rules] = await Promise.all([
    shipmentBrowser.listShipments(session.shop, {
      status: filters.status ?? null,
      carrier: filters.carrier || null,
      search: filters.q || null,
      page: filters.page,
      pageSize: PAGE_SIZE,
    }),
    notifications.overview(session.shop),
    notifications.templateList(session.shop),
    ruleBook.list(session.shop),
  ]);
  return {
    shop: session.shop,
    // what the setup guide can tell from the shop's data; the rest the merchant marks done themself
    setup: {
      trackingPage: trackingPageLinks(session.shop, context.shipwatch.config.shopify.apiKey).page,
      // a channel that reaches customers (email, SMS, Klaviyo), switched on and able to send
      channelConnected: channels.channels.some((c) => c.ready && (CUSTOMER_CHANNELS as readonly string[]).includes(c.channel)),
      templateSaved: templates.custom.length > 0,
      // a rule of the merchant's own, or a default switched off: the rules have been looked at
      rulesChanged: rules.some((r) => r.builtIn === null || !r.enabled),
    },
    now: context.shipwatch.clock.now(),
    page: result.page,
    pageSize: result.pageSize,
    total: result.total,
    statusCounts: result.statusCounts,
    carriers: result.carriers,
    shipments: result.shipments.map((s) => ({
      id: s.id,
      orderName: s.orderName,
      trackingNumber: s.trackingNumber,
      carrierName: s.carrierName,
      status: s.status,
      reason: s.reason,
      lastEventAt: s.lastEventAt,
      shippedAt: s.shippedAt,
    })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: pageTitle("Shipments") }];

export default function Shipments() {
  const { now, page, pageSize, total, statusCounts, carriers, shipments, shop, setup } = useLoaderData<typeof loader>();
  const adminHref = useAdminHref();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();

  const statusParam = searchParams.get("status");
  // the loader ignores a status it does not know; so does the filter bar
  const status: ShipmentStatus | null = isShipmentStatus(statusParam) ? statusParam : null;
  const carrier = searchParams.get("carrier");
  const urlQuery = searchParams.get("q") ?? "";
  const everything = Object.values(statusCounts).reduce((sum, n) => sum + (n ?? 0), 0);
  const filtering = !!(status || carrier || urlQuery);

  const change = useUrlFilters();

  // The search field updates the list as the merchant types, without a history entry per keystroke.
  const [queryValue, setQueryValue] = useState(urlQuery);
  const sentQuery = useRef(urlQuery);
  useEffect(() => {
    // the URL changed from elsewhere (back button, "Clear all"): show what it says
    if (urlQuery !== sentQuery.current) {
      sentQuery.current = urlQuery;
      setQueryValue(urlQuery);
    }
  }, [urlQuery]);
  useEffect(() => {
    const wanted = queryValue.trim();
    if (wanted === sentQuery.current) return;
    const timer = setTimeout(() => {
      sentQuery.current = wanted;
      change((p) => setOrDelete(p, "q", wanted), { replace: true });
    }, 300);
    return () => clearTimeout(timer);
    // `change` is rebuilt on every render; the timer only needs to restart when the text changes
  }, [queryValue]);

  const { mode, setMode } = useSetIndexFiltersMode(filtering ? IndexFiltersMode.Filtering : IndexFiltersMode.Default);

  const clearAll = () => {
    sentQuery.current = "";
    setQueryValue("");
    change((p) => ["status", "carrier", "q"].forEach((name) => p.delete(name)));
  };

  const statusChoices = SHIPMENT_STATUSES.filter((s) => (statusCounts[s] ?? 0) > 0 || s === status).map((s) => ({
    label: `${STATUS_LABELS[s]} (${statusCounts[s] ?? 0})`,
    value: s,
  }));
  const carrierChoices = carriers.map((c) => ({
    label: c.name,
    value: c.code,
  }));
  const carrierName = carriers.find((c) => c.code === carrier)?.name ?? carrier;

  const filters = [
    {
      key: "status",
      label: "Status",
      pinned: true,
      filter: (
        <ChoiceList
          title="Status"
          titleHidden
          choices={statusChoices}
          selected={status ? [status] : []}
          onChange={([value]) => change((p) => setOrDelete(p, "status", value))}
        />
      ),
    },
    {
      key: "carrier",
      label: "Carrier",
      pinned: true,
      filter: (
        <ChoiceList
          title="Carrier"
          titleHidden
          choices={carrierChoices}
          selected={carrier ? [carrier] : []}
          onChange={([value]) => change((p) => setOrDelete(p, "carrier", value))}
        />
      ),
    },
  ];
  const appliedFilters = [
    ...(status
      ? [
          {
            key: "status",
            label: `Status: ${STATUS_LABELS[status]}`,
            onRemove: () => change((p) => p.delete("status")),
          },
        ]
      : []),
    ...(carrier
      ? [
          {
            key: "carrier",
            label: `Carrier: ${carrierName}`,
            onRemove: () => change((p) => p.delete("carrier")),
          },
        ]
      : []),
  ];

  const loading = navigation.state === "loading" && navigation.location.pathname === location.pathname;
  const pagination = useListPagination({
    page,
    pageSize,
    total,
    shown: shipments.length,
    noun: "shipments",
  });

  const steps: SetupStep[] = [
    {
      id: "tracking-page",
      title: "Look at your tracking page",
      description: `It is live at ${setup.trackingPage.replace(
        /^https:\/\//,
        ""
      )}, inside your theme, with nothing to set up. Every link in your messages opens it.`,
      done: null,
      action: {
        content: "Tracking page settings",
        url: adminHref("/app/settings"),
      },
      secondaryAction: {
        content: "View it",
        url: setup.trackingPage,
        external: true,
      },
    },
    {
      id: "channels",
      title: "Connect a channel to reach customers",
      description: setup.channelConnected
        ? "Customers hear about delays and deliveries without asking."
        : "Switch on email or text messages so customers hear about delays and deliveries without asking.",
      done: setup.channelConnected,
      action: {
        content: "Set up channels",
        url: adminHref("/app/notifications"),
      },
    },
    {
      id: "templates",
      title: "Review your message templates",
      description: setup.templateSaved
        ? "You have made the messages your own."
        : "The default messages work as they are. Read them once, and put them in your store's voice.",
      done: setup.templateSaved ? true : null,
      action: {
        content: "Review templates",
        url: adminHref("/app/notifications/templates"),
      },
    },
    {
      id: "rules",
      title: "Review your rules",
      description: "Rules decide when a parcel becomes a case for your team, and who owns it. The defaults cover the usual problems.",
      done: setup.rulesChanged ? true : null,
      action: { content: "Review rules", url: adminHref("/app/rules") },
    },
  ];
  const checklist = <SetupChecklist shop={shop} steps={steps} />;

  if (everything === 0) {
    return (
      <Page title="Shipments">
        <BlockStack gap="400">
          {checklist}
          <EmptyState icon={PackageIcon} title="No shipments yet">
            When you fulfill an order with a tracking number, Shipwatch starts following the parcel here: every carrier scan, in plain words, with problems
            flagged before your customer has to ask.
          </EmptyState>
        </BlockStack>
      </Page>
    );
  }

  return (
    <Page title="Shipments" subtitle="Every parcel Shipwatch is tracking, most recent activity first" fullWidth>
      <BlockStack gap="400">
        {checklist}
        <Card padding="0">
          <IndexFilters
            tabs={[
              {
                id: "all",
                content: "All shipments",
                badge: String(everything),
              },
            ]}
            selected={0}
            onSelect={() => clearAll()}
            canCreateNewView={false}
            queryValue={queryValue}
            queryPlaceholder="Search by order or tracking number"
            onQueryChange={setQueryValue}
            onQueryClear={() => setQueryValue("")}
            filters={filters}
            appliedFilters={appliedFilters}
            onClearAll={clearAll}
            cancelAction={{ onAction: clearAll }}
            mode={mode}
            setMode={setMode}
            loading={loading}
          />
          <IndexTable
            resourceName={{ singular: "shipment", plural: "shipments" }}
            itemCount={shipments.length}
            selectable={false}
            loading={loading}
            headings={[
              { title: "Order" },
              { title: "Tracking number" },
              { title: "Carrier" },
              { title: "Status" },
              { title: "Last event" },
              { title: "Age", alignment: "end" },
            ]}
            pagination={pagination}
          >
            {shipments.map((s, index) => (
              <IndexTable.Row id={String(s.id)} key={s.id} position={index}>
                <IndexTable.Cell>
                  <Link dataPrimaryLink monochrome removeUnderline url={hrefWith(`/app/shipments/${s.id}`, searchParams)}>
                    <Text as="span" fontWeight="semibold">
                      {s.orderName}
                    </Text>
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" numeric>
                    {s.trackingNumber ?? "No tracking number"}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>{s.carrierName}</IndexTable.Cell>
                <IndexTable.Cell>
                  <InlineStack gap="200" blockAlign="center" wrap={false}>
                    <StatusBadge status={s.status} />
                    {s.reason ? (
                      <Text as="span" tone="subdued">
                        {reasonLabel(s.reason)}
                      </Text>
                    ) : null}
                  </InlineStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {s.lastEventAt ? (
                    <RelativeTime at={s.lastEventAt} now={now} />
                  ) : (
                    <Text as="span" tone="subdued">
                      No carrier scan yet
                    </Text>
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {formatAge(s.shippedAt, now)}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}
