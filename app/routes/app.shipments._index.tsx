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
import { hrefWith, setOrDelete, useUrlFilters } from "~/components/embedded-url";
import { EmptyState } from "~/components/EmptyState";
import { useListPagination } from "~/components/ListPagination";
import { formatAge } from "~/components/format";
import { reasonLabel, StatusBadge } from "~/components/StatusBadge";
import { RelativeTime } from "~/components/Timestamp";
import { isShipmentStatus, SHIPMENT_STATUSES, STATUS_LABELS, type ShipmentStatus } from "~/domain/status";

const PAGE_SIZE = 25;

/** The page's own search parameters. Anything else in the URL (Shopify's embedded, shop, host, id_token) is left alone. */
const ShipmentFilters = z.object({
  status: z.enum(SHIPMENT_STATUSES).optional().catch(undefined),
  carrier: z.string().trim().max(64).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** Every parcel the shop has, filtered and searched; Home shows the figures, this page the parcels behind them. */

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const filters = ShipmentFilters.parse({
    status: params.get("status") ?? undefined,
    carrier: params.get("carrier") ?? undefined,
    q: params.get("q") ?? undefined,
    page: params.get("page") ?? undefined,
  });
  const result = await context.shipwatch.services.shipmentBrowser.listShipments(session.shop, {
    status: filters.status ?? null,
    carrier: filters.carrier || null,
    search: filters.q || null,
    page: filters.page,
    pageSize: PAGE_SIZE,
  });
  return {
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
  const { now, page, pageSize, total, statusCounts, carriers, shipments } = useLoaderData<typeof loader>();
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

  if (everything === 0) {
    return (
      <Page title="Shipments">
        <BlockStack gap="400">
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
