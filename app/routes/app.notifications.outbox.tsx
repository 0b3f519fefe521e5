import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useLocation, useNavigation, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  Box,
  Card,
  ChoiceList,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  Link,
  Page,
  Text,
  useIndexResourceState,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { EmailIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useState } from "react";
import { z } from "zod";
import { EmptyState } from "~/components/EmptyState";
import { hrefWith, setOrDelete, useAdminHref, useUrlFilters } from "~/components/embedded-url";
import { CHANNEL_SHORT_LABELS, momentLabel, OUTBOX_STATUS_LABELS, OUTBOX_STATUSES, OutboxStatusBadge, type OutboxStatus } from "~/components/notification-words";
import { RelativeTime } from "~/components/Timestamp";
import { CHANNEL_LABELS, CHANNELS, MOMENT_LABELS, MOMENTS, type Channel, type Moment } from "~/domain/notifications";
import { useListPagination } from "~/components/ListPagination";

// each row is about 5 KB of table markup: 30 a page keeps the Outbox light to load and to hydrate (50 made ~290 KB)
const PAGE_SIZE = 30;

const OutboxFilters = z.object({
  status: z.enum(OUTBOX_STATUSES).optional().catch(undefined),
  channel: z.enum(CHANNELS).optional().catch(undefined),
  moment: z.enum(MOMENTS).optional().catch(undefined),
  q: z.string().trim().max(100).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const f = OutboxFilters.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { notifications } = context.shipwatch.services;
  const result = await notifications.outbox(
    session.shop,
    { ...(f.status ? { status: f.status } : {}), ...(f.channel ? { channel: f.channel } : {}), ...(f.moment ? { moment: f.moment } : {}), ...(f.q ? { q: f.q } : {}) },
    { limit: PAGE_SIZE, offset: (f.page - 1) * PAGE_SIZE },
  );
  return {
    now: context.shipwatch.clock.now(),
    page: f.page,
    pageSize: PAGE_SIZE,
    total: result.total,
    counts: result.counts as Record<OutboxStatus, number>,
    mayHaveRepeated: result.mayHaveRepeated,
    // what a row shows; the recipient arrives masked from the service
    messages: result.rows.map((m) => ({
      id: m.id,
      shipmentId: m.shipmentId,
      orderName: m.orderName,
      moment: m.moment,
      channel: m.channel,
      recipient: m.recipient,
      status: m.status,
      statusReason: m.statusReason,
      attempts: m.attempts,
      lastError: m.lastError,
      sendAt: m.sendAt,
      sentAt: m.sentAt,
      updatedAt: m.updatedAt,
    })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const MessageIds = z.array(z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)).min(1).max(PAGE_SIZE);
const OutboxAction = z.discriminatedUnion("intent", [z.object({ intent: z.literal("replay"), ids: z.string().max(2000) }), z.object({ intent: z.literal("replay_all") })]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const parsed = OutboxAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false as const, error: "The request could not be read; reload the page and try again." };
  const { notifications } = context.shipwatch.services;
  if (parsed.data.intent === "replay_all") {
    return { ok: true as const, replayed: await notifications.replay(session.shop, null), asked: null };
  }
  const ids = MessageIds.safeParse(parsed.data.ids.split(","));
  if (!ids.success) return { ok: false as const, error: "Choose at least one message to replay." };
  // the service replays only this shop's failed messages: another shop's id, or a sent one, is skipped
  return { ok: true as const, replayed: await notifications.replay(session.shop, ids.data), asked: ids.data.length };
};

/** The tabs: every message, then one per status, each with its count. */
const TABS: { id: "all" | OutboxStatus; label: string }[] = [{ id: "all", label: "All" }, ...OUTBOX_STATUSES.map((s) => ({ id: s, label: OUTBOX_STATUS_LABELS[s] }))];

export default function Outbox() {
  const { now, page, pageSize, total, counts, mayHaveRepeated, messages } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const location = useLocation();
  const navigation = useNavigation();
  const adminHref = useAdminHref();
  const change = useUrlFilters();
  const replay = useFetcher<typeof action>();
  const shopify = useAppBridge();

  const filters = OutboxFilters.parse(Object.fromEntries(searchParams));
  const filtering = !!(filters.channel || filters.moment);
  const { mode, setMode } = useSetIndexFiltersMode(filtering ? IndexFiltersMode.Filtering : IndexFiltersMode.Default);
  const [query, setQuery] = useState(filters.q ?? "");
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(messages.map((m) => ({ id: String(m.id) })));

  // the order search reaches the URL once typing pauses, replacing the history entry it started
  useEffect(() => {
    if (query.trim() === (filters.q ?? "")) return;
    const timer = setTimeout(() => change((p) => setOrDelete(p, "q", query.trim()), { replace: true }), 300);
    return () => clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    if (replay.state !== "idle" || !replay.data) return;
    if (replay.data.ok) {
      const { replayed, asked } = replay.data;
      const skipped = asked === null ? 0 : asked - replayed;
      shopify.toast.show(`${replayed} ${replayed === 1 ? "message" : "messages"} queued again${skipped ? `; ${skipped} skipped (only failed messages replay)` : ""}`);
      clearSelection();
    } else {
      shopify.toast.show(replay.data.error, { isError: true });
    }
    // only a new answer matters
  }, [replay.state, replay.data]);

  const totalAll = OUTBOX_STATUSES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const selectedTab = Math.max(0, TABS.findIndex((t) => t.id === (filters.status ?? "all")));
  const remove = (key: string) => () => change((p) => p.delete(key));
  const choiceFilter = (key: "channel" | "moment", label: string, choices: { value: string; label: string }[], selected: string | undefined) => ({
    key,
    label,
    pinned: true,
    filter: <ChoiceList title={label} titleHidden choices={choices} selected={selected ? [selected] : []} onChange={([value]) => change((p) => setOrDelete(p, key, value))} />,
  });
  const clearAll = () => change((p) => ["channel", "moment"].forEach((name) => p.delete(name)));

  const loading = navigation.state === "loading" && navigation.location.pathname === location.pathname;
  const pagination = useListPagination({ page, pageSize, total, shown: messages.length, noun: "messages" });
  const detailHref = (id: number) => hrefWith(`/app/notifications/outbox/${id}`, searchParams);
  const failedSelected = messages.filter((m) => m.status === "failed" && (allResourcesSelected || selectedResources.includes(String(m.id)))).length;

  const pageProps = {
    title: "Outbox",
    backAction: { content: "Notifications", url: adminHref("/app/notifications") },
  };

  if (totalAll === 0) {
    return (
      <Page {...pageProps}>
        <EmptyState icon={EmailIcon} title="No messages yet">
          Once a channel is on, each shipment that reaches a moment — shipped, out for delivery, delayed — plans its messages here, with when they go
          and what came of them.
        </EmptyState>
      </Page>
    );
  }

  return (
    <Page
      {...pageProps}
      fullWidth
      subtitle="Every message Shipwatch planned, newest first: when it goes, where, and what the provider answered."
      primaryAction={{
        content: counts.failed ? `Replay all failed (${counts.failed})` : "Replay all failed",
        disabled: !counts.failed,
        loading: replay.state !== "idle" && replay.formData?.get("intent") === "replay_all",
        onAction: () => replay.submit({ intent: "replay_all" }, { method: "post" }),
        helpText: "Failed messages were parked after their last retry: send them again, with a fresh set of attempts.",
      }}
    >
      {mayHaveRepeated > 0 ? (
        <Box paddingBlockEnd="400">
          <Banner tone="warning" title={`${mayHaveRepeated} sent ${mayHaveRepeated === 1 ? "message" : "messages"} may have arrived twice`}>
            The worker sending {mayHaveRepeated === 1 ? "it" : "them"} stopped after handing {mayHaveRepeated === 1 ? "it" : "them"} to the provider, which offers no way
            to check what it received, so {mayHaveRepeated === 1 ? "it was" : "they were"} sent again rather than risk losing {mayHaveRepeated === 1 ? "it" : "them"}. Each
            one says so in its row.
          </Banner>
        </Box>
      ) : null}
      <Card padding="0">
        <IndexFilters
          tabs={TABS.map((t, i) => ({ id: `outbox-${t.id}`, content: t.label, index: i, badge: String(t.id === "all" ? totalAll : (counts[t.id] ?? 0)), isLocked: true }))}
          selected={selectedTab}
          onSelect={(index) => change((p) => setOrDelete(p, "status", index === 0 ? null : TABS[index]!.id))}
          canCreateNewView={false}
          queryValue={query}
          queryPlaceholder="Search by order number, like #1001"
          onQueryChange={setQuery}
          onQueryClear={() => setQuery("")}
          filters={[
            choiceFilter("channel", "Channel", CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] })), filters.channel),
            choiceFilter("moment", "Moment", MOMENTS.map((m) => ({ value: m, label: MOMENT_LABELS[m] })), filters.moment),
          ]}
          appliedFilters={[
            ...(filters.channel ? [{ key: "channel", label: `Channel: ${CHANNEL_LABELS[filters.channel as Channel]}`, onRemove: remove("channel") }] : []),
            ...(filters.moment ? [{ key: "moment", label: `Moment: ${MOMENT_LABELS[filters.moment as Moment]}`, onRemove: remove("moment") }] : []),
          ]}
          onClearAll={clearAll}
          cancelAction={{ onAction: () => setQuery("") }}
          mode={mode}
          setMode={setMode}
          loading={loading}
        />
        <IndexTable
          resourceName={{ singular: "message", plural: "messages" }}
          itemCount={messages.length}
          selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
          onSelectionChange={handleSelectionChange}
          loading={loading || replay.state !== "idle"}
          promotedBulkActions={[
            {
              content: failedSelected ? `Replay ${failedSelected} failed` : "Replay",
              onAction: () => replay.submit({ intent: "replay", ids: (allResourcesSelected ? messages.map((m) => String(m.id)) : selectedResources).join(",") }, { method: "post" }),
            },
          ]}
          emptyState={
            <Box padding="800">
              <Text as="p" alignment="center" tone="subdued">
                No messages match these filters.
              </Text>
            </Box>
          }
          headings={[
            { title: "Order" },
            { title: "Moment" },
            { title: "Channel" },
            { title: "Recipient" },
            { title: "Status" },
            { title: "Attempts", alignment: "end" },
            { title: "Last error" },
            { title: "When", alignment: "end" },
          ]}
          pagination={pagination}
        >
          {messages.map((m, index) => {
            const at = m.sentAt ?? (m.status === "pending" || m.status === "held" ? m.sendAt : m.updatedAt);
            return (
              <IndexTable.Row
                id={String(m.id)}
                key={m.id}
                position={index}
                accessibilityLabel={`Select message ${m.id}`}
                selected={allResourcesSelected || selectedResources.includes(String(m.id))}>
                <IndexTable.Cell>
                  {m.shipmentId ? (
                    // its own link, to the shipment: the click stops here instead of opening the message
                    <span onClick={(event) => event.stopPropagation()}>
                      <Link monochrome url={adminHref(`/app/shipments/${m.shipmentId}`)}>
                        <Text as="span" fontWeight="semibold">
                          {m.orderName || `Shipment ${m.shipmentId}`}
                        </Text>
                      </Link>
                    </span>
                  ) : m.orderName ? (
                    // an order-level message (fulfillment_delayed): nothing has shipped, no parcel to link to
                    <Text as="span" fontWeight="semibold">
                      {m.orderName}{" "}
                      <Text as="span" tone="subdued">
                        (not shipped yet)
                      </Text>
                    </Text>
                  ) : (
                    <Text as="span" tone="subdued">
                      Shipwatch
                    </Text>
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Link dataPrimaryLink monochrome removeUnderline url={detailHref(m.id)} accessibilityLabel={`Message ${m.id}: ${momentLabel(m.moment)}`}>
                    {momentLabel(m.moment)}
                  </Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{CHANNEL_SHORT_LABELS[m.channel as Channel] ?? m.channel}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" numeric>
                    {m.recipient}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <OutboxStatusBadge status={m.status as OutboxStatus} reason={m.statusReason} />
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end" numeric>
                    {m.attempts}
                  </Text>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {m.lastError ? (
                    <Box maxWidth="280px">
                      <span title={m.lastError}>
                        <Text as="span" tone="critical" truncate>
                          {m.lastError}
                        </Text>
                      </span>
                    </Box>
                  ) : (
                    <Text as="span" tone="subdued">
                      —
                    </Text>
                  )}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" alignment="end">
                    <RelativeTime at={at} now={now} />
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            );
          })}
        </IndexTable>
      </Card>
    </Page>
  );
}
