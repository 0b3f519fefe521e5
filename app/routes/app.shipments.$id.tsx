import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Card, Icon, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { ExternalSmallIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { actorLabel, CASE_STATUS_LABELS, EXCEPTION_TYPE_LABELS, OWNER_LABELS, PriorityBadge, SlaBadge } from "~/components/case-words";
import { hrefWith, shopifyParamsOf } from "~/components/embedded-url";
import { staffMemberOf } from "~/components/staff";
import { Fact } from "~/components/Fact";
import { formatDay, formatDestination } from "~/components/format";
import { ShipmentTimeline } from "~/components/ShipmentTimeline";
import { reasonLabel, StatusBadge } from "~/components/StatusBadge";
import { channelLabel, momentLabel, OutboxStatusBadge } from "~/components/notification-words";
import { RelativeTime, useViewerTimeZone } from "~/components/Timestamp";
import { notFoundBoundary } from "~/components/NotFound";
import { pageTitle } from "~/components/page-title";
import { handOffLine } from "~/domain/hand-offs";
import { trackingUrlFor, type CarrierCode } from "~/domain/carriers";
import { safeHttpsUrl } from "~/domain/urls";

const ShipmentId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The order's page in the Shopify admin, as App Bridge opens it from the embedded app (the id's digits: REST id or GID). */
function adminOrderUrl(orderId: string): string | null {
  const digits = /(\d+)$/.exec(orderId);
  return digits ? `shopify://admin/orders/${digits[1]}` : null;
}

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const auth = await context.shipwatch.shopify.authenticate.admin(request);
  const { session } = auth;
  const id = ShipmentId.safeParse(params.id);
  // The read model only sees the signed-in shop: another shop's shipment is "not found", exactly like a missing one.
  const detail = id.success ? await context.shipwatch.services.shipmentBrowser.shipmentDetail(session.shop, id.data) : null;
  if (!detail)
    throw new Response("Shipment not found", {
      status: 404,
      statusText: "Not Found",
    });
  const { shipment: s, events, siblings, legs } = detail;
  // what the shopper reads about this parcel (tracking page, order status page, messages): one story
  const [view] = await context.shipwatch.services.lookup.views(session.shop, [s]);
  // what the customer (and the team) were told about this parcel: support should know before they answer
  const messages = await context.shipwatch.services.notifications.outbox(session.shop, { shipmentId: s.id }, { limit: 30, offset: 0 });
  // what support acts from: the open cases, who the customer is (staff only: this page is behind the admin), the order
  const { desk } = context.shipwatch.services;
  const file = await desk.shipmentFile(session.shop, s);
  const names = await desk.staffNames(session.shop, [...new Set(file.cases.map((c) => c.assignee))]);
  return {
    me: staffMemberOf(auth),
    names,
    cases: file.cases.map((c) => ({ id: c.id, type: c.type, owner: c.owner, assignee: c.assignee, priority: c.priority, status: c.status, dueAt: c.dueAt })),
    customer: file.customer,
    orderUrl: adminOrderUrl(s.orderId),
    lookups: { count: s.lookupCount, lastAt: s.lastLookedUpAt },
    messages: messages.rows.map((m) => ({
      id: m.id,
      moment: m.moment,
      channel: m.channel,
      status: m.status,
      at: m.sentAt ?? m.sendAt,
    })),
    messageCount: messages.total,
    now: context.shipwatch.clock.now(),
    // null for a superseded shipment: no shopper sees it any more
    shopperView: view
      ? {
          story: view.story,
          attention: view.attention,
          statusLabel: view.statusLabel,
          estimatedDelivery: view.estimatedDelivery,
          items: view.items,
        }
      : null,
    shipment: {
      id: s.id,
      orderName: s.orderName,
      trackingNumber: s.trackingNumber,
      trackingUrl: safeHttpsUrl(s.trackingUrl),
      carrierName: s.carrierName,
      status: s.status,
      reason: s.reason,
      lastCarrierScanAt: s.lastCarrierScanAt,
      estimatedDeliveryAt: s.estimatedDeliveryAt,
      deliveredAt: s.deliveredAt,
      deliveryAttempts: s.deliveryAttempts,
      // the fulfillment's own address where there is one (it has the city), in words: "Brooklyn, NY, United States"
      destination: formatDestination(
        view?.destination.country ?? s.destinationCountry,
        view?.destination.province ?? s.destinationProvince,
        view?.destination.city
      ),
      cancelledAt: s.cancelledAt,
    },
    // newest first, as the read model returns them: support reads the latest word before the history
    events: events.map((e) => ({
      key: e.eventKey,
      status: e.status,
      reason: e.reason,
      rawStatus: e.rawStatus,
      rawMessage: e.rawMessage,
      source: e.source,
      happenedAt: e.happenedAt,
      location: e.location,
    })),
    // the carriers it was handed on to after its own (multi-leg parcels), each with the carrier's page
    legs: legs.map((l) => ({
      position: l.position,
      carrierName: l.carrierName,
      trackingNumber: l.trackingNumber,
      trackingUrl: trackingUrlFor(l.carrierCode as CarrierCode, l.trackingNumber),
      source: l.source,
      addedAt: l.addedAt,
    })),
    siblings: siblings.map((o) => ({
      id: o.id,
      trackingNumber: o.trackingNumber,
      carrierName: o.carrierName,
      status: o.status,
    })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.shipment.orderName, "Shipment") }];

const ESTIMATE_SOURCES: Record<string, string> = {
  carrier: "the carrier's date",
  learned: "recent deliveries",
  promise: "the shipping promise",
};

/** An estimate as support reads it: its day or window (the recipient's days) and where it comes from. */
function estimateWords(e: { earliest: string; latest: string; source: string }): string {
  // ISO dates are calendar days: formatted at noon UTC they stay that day
  const day = (iso: string) =>
    new Intl.DateTimeFormat("en-US", {
      weekday: "short",
      month: "short",
      day: "numeric",
      timeZone: "UTC",
    }).format(Date.parse(`${iso}T12:00:00Z`));
  const when = e.earliest === e.latest ? day(e.latest) : `${day(e.earliest)} – ${day(e.latest)}`;
  return `${when} (${ESTIMATE_SOURCES[e.source] ?? e.source})`;
}

/** Where a raw status came from, in words. */
const SOURCE_LABELS: Record<string, string> = {
  shopify_fulfillment_event: "Carrier event via Shopify",
  shopify_shipment_status: "Shopify shipment status",
  easypost: "Carrier scan via EasyPost",
};

/** Who told Shipwatch about a hand-off, in the merchant's words. */
const HAND_OFF_REPORTERS: Record<string, string> = {
  aftership: "AfterShip",
  easypost: "EasyPost",
  shipengine: "ShipEngine",
  ups_api: "UPS",
  usps_api: "USPS",
  fedex_api: "FedEx",
  dhl_api: "DHL",
};

export default function ShipmentDetail() {
  const { now, me, names, cases, customer, orderUrl, lookups, shipment, events, siblings, legs, messages, messageCount, shopperView } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const timeZone = useViewerTimeZone();
  // the list's filters ride along in the URL, so "Shipments" returns to the same filtered page
  const backHref = hrefWith("/app/shipments", searchParams);
  const adminParams = shopifyParamsOf(searchParams);
  const reason = reasonLabel(shipment.reason);

  return (
    <Page
      backAction={{ content: "Shipments", url: backHref }}
      title={shipment.orderName}
      titleMetadata={<StatusBadge status={shipment.status} />}
      subtitle={[shipment.carrierName, shipment.trackingNumber].filter(Boolean).join(" · ")}
    >
      <Layout>
        {shopperView ? (
          <Layout.Section>
            {/* the same headline, attention and estimate the shopper reads, in their language */}
            {shopperView.attention ? (
              <Banner tone="warning" title={`The customer sees: ${shopperView.story.headline}`}>
                <BlockStack gap="100">
                  <Text as="p">{shopperView.attention.message}</Text>
                  <Text as="p" tone="subdued">
                    Shown since <RelativeTime at={Date.parse(shopperView.attention.since)} now={now} />, while a case the customer would notice is open.
                  </Text>
                </BlockStack>
              </Banner>
            ) : (
              <Card>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    {`The customer sees: ${shopperView.story.headline}`}
                  </Text>
                  <Text as="p">{shopperView.story.explanation}</Text>
                  <Text as="p" tone="subdued">
                    {shopperView.story.next}
                  </Text>
                </BlockStack>
              </Card>
            )}
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <InlineGrid columns={{ xs: 2, md: 3, lg: 6 }} gap="400">
              <Fact label="Tracking number">
                {shipment.trackingNumber && shipment.trackingUrl ? (
                  <InlineStack gap="050" blockAlign="center" wrap={false}>
                    <Link
                      url={shipment.trackingUrl}
                      target="_blank"
                      accessibilityLabel={`Track ${shipment.trackingNumber} on the carrier's site (opens in a new tab)`}
                    >
                      {/* a 22-digit USPS number is wider than its column: it breaks rather than run into the next */}
                      <span style={{ overflowWrap: "anywhere" }}>{shipment.trackingNumber}</span>
                    </Link>
                    <span aria-hidden="true">
                      <Icon source={ExternalSmallIcon} tone="subdued" />
                    </span>
                  </InlineStack>
                ) : (
                  <Text as="span">{shipment.trackingNumber ?? "No tracking number"}</Text>
                )}
              </Fact>
              <Fact label="Carrier">
                <Text as="span">{shipment.carrierName}</Text>
              </Fact>
              <Fact label="Status">
                <BlockStack gap="100" inlineAlign="start">
                  <StatusBadge status={shipment.status} />
                  {reason ? (
                    <Text as="span" tone="subdued">
                      {reason}
                    </Text>
                  ) : null}
                </BlockStack>
              </Fact>
              <Fact label={shipment.deliveredAt ? "Delivered" : "Estimated delivery"}>
                <Text as="span">
                  {shipment.deliveredAt
                    ? formatDay(shipment.deliveredAt, timeZone)
                    : shopperView?.estimatedDelivery
                    ? estimateWords(shopperView.estimatedDelivery)
                    : "None that has not passed"}
                </Text>
              </Fact>
              <Fact label="Last carrier scan">
                {shipment.lastCarrierScanAt ? (
                  <Text as="span">
                    <RelativeTime at={shipment.lastCarrierScanAt} now={now} />
                  </Text>
                ) : (
                  <Text as="span" tone="subdued">
                    No scan yet
                  </Text>
                )}
              </Fact>
              <Fact label="Delivery attempts">
                <Text as="span" numeric>
                  {shipment.deliveryAttempts}
                </Text>
              </Fact>
            </InlineGrid>
          </Card>
        </Layout.Section>

        {legs.length ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Carriers
                </Text>
                <Text as="p" tone="subdued">
                  This parcel was handed from one carrier to the next. Every leg&apos;s scans are in the one timeline below.
                </Text>
                <ol style={{ margin: 0, paddingInlineStart: "1.5em" }}>
                  <li>
                    <Text as="span">
                      {shipment.carrierName}, tracking {shipment.trackingNumber ?? "none"}
                    </Text>
                  </li>
                  {legs.map((l) => (
                    <li key={l.trackingNumber}>
                      <Text as="span">{handOffLine(l)}</Text>
                      {l.trackingUrl ? (
                        <>
                          {" · "}
                          <Link url={l.trackingUrl} target="_blank" accessibilityLabel={`Track ${l.trackingNumber} on ${l.carrierName}'s site (opens in a new tab)`}>
                            {l.carrierName} tracking page
                          </Link>
                        </>
                      ) : null}{" "}
                      <Text as="span" tone="subdued">
                        (reported by {HAND_OFF_REPORTERS[l.source] ?? l.source}, <RelativeTime at={l.addedAt} now={now} />)
                      </Text>
                    </li>
                  ))}
                </ol>
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <Card padding="0">
            <Box padding="400" paddingBlockEnd="300">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  Timeline
                </Text>
                <Text as="p" tone="subdued">
                  Newest first. Shipwatch&apos;s reading of each update, beside the carrier&apos;s own words.
                </Text>
              </BlockStack>
            </Box>
            <ShipmentTimeline
              events={events}
              now={now}
              headings
              flush
              describeSource={(source) => SOURCE_LABELS[source] ?? source}
              emptyText="The carrier has not reported anything yet. A label that is never scanned is flagged once it has waited too long."
            />
          </Card>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Open cases
                </Text>
                {cases.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No open case: nothing about this parcel is waiting for a person.
                  </Text>
                ) : (
                  <BlockStack as="ul" gap="300" aria-label="Open cases">
                    {cases.map((c) => (
                      <Box as="li" key={c.id}>
                        <BlockStack gap="100">
                          <InlineStack gap="200" align="space-between" blockAlign="center">
                            <Link url={hrefWith(`/app/exceptions/${c.id}`, adminParams)}>{EXCEPTION_TYPE_LABELS[c.type]}</Link>
                            <PriorityBadge priority={c.priority} />
                          </InlineStack>
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="span" variant="bodySm" tone="subdued">
                              {[OWNER_LABELS[c.owner], c.assignee ? actorLabel(c.assignee, me, names) : "Unassigned"].join(" · ")}
                            </Text>
                            {c.status === "snoozed" ? <Badge>{CASE_STATUS_LABELS.snoozed}</Badge> : <SlaBadge status={c.status} dueAt={c.dueAt} now={now} />}
                          </InlineStack>
                        </BlockStack>
                      </Box>
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Customer
                  </Text>
                  {orderUrl ? (
                    <Link url={orderUrl} target="_top" accessibilityLabel={`Open ${shipment.orderName} in Shopify`}>
                      Open order in Shopify
                    </Link>
                  ) : null}
                </InlineStack>
                {customer ? (
                  <BlockStack gap="100">
                    <Text as="p" fontWeight="semibold">
                      {customer.name ?? "No name on the order"}
                    </Text>
                    {customer.email ? (
                      <Link url={`mailto:${customer.email}`} target="_blank">
                        {customer.email}
                      </Link>
                    ) : (
                      <Text as="p" tone="subdued">
                        No email
                      </Text>
                    )}
                    {customer.phone ? (
                      <Link url={`tel:${customer.phone.replace(/[^\d+]/g, "")}`}>{customer.phone}</Link>
                    ) : (
                      <Text as="p" tone="subdued">
                        No phone
                      </Text>
                    )}
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    No contact on file: the order has not arrived, or the customer&apos;s data was erased on request.
                  </Text>
                )}
                <Text as="p" tone="subdued">
                  {lookups.count === 0 ? (
                    "Nobody has looked this parcel up on the storefront."
                  ) : (
                    <>
                      {`Looked up ${lookups.count} ${lookups.count === 1 ? "time" : "times"} on the storefront`}
                      {lookups.lastAt ? (
                        <>
                          , last <RelativeTime at={lookups.lastAt} now={now} />
                        </>
                      ) : null}
                      .
                    </>
                  )}
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Other shipments in this order
                </Text>
                {siblings.length === 0 ? (
                  <Text as="p" tone="subdued">
                    This is the only shipment in {shipment.orderName}.
                  </Text>
                ) : (
                  <BlockStack as="ul" gap="300">
                    {siblings.map((o) => (
                      <Box as="li" key={o.id}>
                        <InlineStack gap="200" align="space-between" blockAlign="center">
                          <BlockStack gap="050">
                            <Link url={hrefWith(`/app/shipments/${o.id}`, searchParams)}>{o.trackingNumber ?? "No tracking number"}</Link>
                            <Text as="span" variant="bodySm" tone="subdued">
                              {o.carrierName}
                            </Text>
                          </BlockStack>
                          <StatusBadge status={o.status} />
                        </InlineStack>
                      </Box>
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Messages
                  </Text>
                  {messageCount > messages.length ? (
                    <Link url={hrefWith("/app/notifications/outbox", new URLSearchParams([...adminParams, ["q", shipment.orderName]]))}>
                      All {messageCount}
                    </Link>
                  ) : null}
                </InlineStack>
                {messages.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No message about this parcel yet.
                  </Text>
                ) : (
                  <BlockStack as="ul" gap="300">
                    {messages.map((m) => (
                      <Box as="li" key={m.id}>
                        <InlineStack gap="200" align="space-between" blockAlign="center" wrap={false}>
                          <BlockStack gap="050">
                            <Link url={hrefWith(`/app/notifications/outbox/${m.id}`, adminParams)}>{momentLabel(m.moment)}</Link>
                            <Text as="span" variant="bodySm" tone="subdued">
                              {channelLabel(m.channel)} · <RelativeTime at={m.at} now={now} />
                            </Text>
                          </BlockStack>
                          <OutboxStatusBadge status={m.status} />
                        </InlineStack>
                      </Box>
                    ))}
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Destination
                </Text>
                <Text as="p">{shipment.destination ?? "Not given"}</Text>
                {shopperView && shopperView.items.length > 0 ? (
                  <BlockStack as="ul" gap="050">
                    {shopperView.items.map((item, i) => (
                      <Box as="li" key={`${i}-${item.title}`}>
                        <Text as="span" tone="subdued">
                          {`${item.quantity} × ${item.title}`}
                        </Text>
                      </Box>
                    ))}
                  </BlockStack>
                ) : null}
                {shipment.cancelledAt ? (
                  <Text as="p" tone="critical">
                    The order or fulfillment was cancelled <RelativeTime at={shipment.cancelledAt} now={now} />.
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = notFoundBoundary({
  back: { content: "Shipments", path: "/app/shipments" },
  title: "Shipment not found",
  text: "There is no shipment with this link in your store. It may have been replaced by a newer label.",
  hint: "Search the shipments list by order number or tracking number to find the parcel.",
});
