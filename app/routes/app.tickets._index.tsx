import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Card, IndexFilters, IndexFiltersMode, IndexTable, Link, Page, Text, useSetIndexFiltersMode } from "@shopify/polaris";
import { ChatIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { hrefWith, useUrlFilters } from "~/components/embedded-url";
import { EmptyState } from "~/components/EmptyState";
import { useListPagination } from "~/components/ListPagination";
import { pageTitle } from "~/components/page-title";
import { RelativeTime } from "~/components/Timestamp";
import { ticketText } from "~/domain/tickets";

const PAGE_SIZE = 25;
/** what a row shows of a ticket's words */
const EXCERPT = 160;

const TABS = [
  { id: "all", content: "All tickets" },
  { id: "wismo", content: "Where is my order" },
  { id: "other", content: "Other questions" },
] as const;
type Tab = (typeof TABS)[number]["id"];

const TicketFilters = z.object({
  view: z.enum(TABS.map((t) => t.id) as [Tab, ...Tab[]]).catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/**
 * The tickets helpdesks sent (POST /api/v1/tickets and the helpdesk webhooks): which asked where an order is,
 * the order each was matched to, and the customer's words. Every ticket's text is shown as text: React escapes it,
 * and nothing of it is ever set as HTML.
 */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const filters = TicketFilters.parse({ view: params.get("view") ?? undefined, page: params.get("page") ?? undefined });
  const { tickets, total } = await context.shipwatch.services.tickets.list(session.shop, {
    wismo: filters.view === "all" ? undefined : filters.view === "wismo",
    limit: PAGE_SIZE,
    offset: (filters.page - 1) * PAGE_SIZE,
  });
  return {
    now: context.shipwatch.clock.now(),
    view: filters.view,
    page: filters.page,
    total,
    tickets: tickets.map((t) => {
      const text = ticketText(t.body).replace(/\s+/g, " ").trim();
      return {
        id: t.id,
        source: t.source,
        ticketId: t.ticketId,
        customerEmail: t.customerEmail,
        subject: t.subject,
        excerpt: text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text,
        wismo: t.wismo,
        orderName: t.orderName,
        shipmentId: t.shipmentIds[0] ?? null,
        receivedAt: t.receivedAt,
      };
    }),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: pageTitle("Tickets") }];

const SOURCE_NAMES: Record<string, string> = { gorgias: "Gorgias", zendesk: "Zendesk", intercom: "Intercom", freshdesk: "Freshdesk", gladly: "Gladly", reamaze: "Re:amaze", api: "API" };

export default function Tickets() {
  const { now, view, page, total, tickets } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const change = useUrlFilters();
  const { mode, setMode } = useSetIndexFiltersMode(IndexFiltersMode.Default);
  const loading = navigation.state === "loading" && navigation.location.pathname === location.pathname;
  const pagination = useListPagination({ page, pageSize: PAGE_SIZE, total, shown: tickets.length, noun: "tickets" });

  if (total === 0 && view === "all") {
    return (
      <Page title="Tickets">
        <EmptyState icon={ChatIcon} title="No tickets yet">
          Connect your helpdesk in Settings, or post tickets to the Support API: Shipwatch reads each one, tells whether it asks where an order is, finds
          the customer&apos;s parcel and suggests a reply told from the same story as the tracking page.
        </EmptyState>
      </Page>
    );
  }

  return (
    <Page title="Tickets" subtitle="What customers asked your helpdesk, and the order each was matched to" fullWidth>
      <BlockStack gap="400">
        <Card padding="0">
          <IndexFilters
            tabs={TABS.map((t) => ({ id: t.id, content: t.content }))}
            selected={Math.max(0, TABS.findIndex((t) => t.id === view))}
            onSelect={(index) => change((p) => (index === 0 ? p.delete("view") : p.set("view", TABS[index]!.id)))}
            canCreateNewView={false}
            hideQueryField
            hideFilters
            filters={[]}
            appliedFilters={[]}
            onQueryChange={() => undefined}
            onQueryClear={() => undefined}
            onClearAll={() => undefined}
            mode={mode}
            setMode={setMode}
            loading={loading}
          />
          <IndexTable
            resourceName={{ singular: "ticket", plural: "tickets" }}
            itemCount={tickets.length}
            selectable={false}
            loading={loading}
            headings={[{ title: "Ticket" }, { title: "Customer" }, { title: "Asks" }, { title: "Order" }, { title: "Received", alignment: "end" }]}
            pagination={pagination}
          >
            {tickets.map((t, index) => (
              <IndexTable.Row id={String(t.id)} key={t.id} position={index}>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      {t.subject || "(no subject)"}
                    </Text>
                    <Text as="span" tone="subdued" breakWord>
                      {t.excerpt}
                    </Text>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {SOURCE_NAMES[t.source] ?? t.source} · {t.ticketId}
                    </Text>
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>{t.customerEmail ?? <Text as="span" tone="subdued">No email</Text>}</IndexTable.Cell>
                <IndexTable.Cell>{t.wismo ? <Badge tone="attention">Where is my order</Badge> : <Badge>Something else</Badge>}</IndexTable.Cell>
                <IndexTable.Cell>
                  {t.orderName && t.shipmentId ? (
                    <Link monochrome url={hrefWith(`/app/shipments/${t.shipmentId}`, searchParams)}>
                      {t.orderName}
                    </Link>
                  ) : (
                    <Text as="span" tone="subdued">
                      {t.orderName ?? "Not matched"}
                    </Text>
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end">
                    <RelativeTime at={t.receivedAt} now={now} />
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
