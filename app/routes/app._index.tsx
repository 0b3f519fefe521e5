import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Link, Page, ProgressBar, Text } from "@shopify/polaris";
import { ExportIcon, PackageIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState, type ReactNode } from "react";
import { Chart } from "~/components/dashboard/Chart";
import { csvFileName } from "~/components/dashboard/csv";
import { formatCount, formatDays, formatHours, formatRate, keyFigures } from "~/components/dashboard/figures";
import { KeyFigures } from "~/components/dashboard/KeyFigures";
import { NeedsAttention, type AttentionItem } from "~/components/dashboard/NeedsAttention";
import { dayIn, DEFAULT_PRESET, type DayRange, presetRange, previousLabel, rangeLabel, rangeProblemInWords } from "~/components/dashboard/range";
import { RangePicker } from "~/components/dashboard/RangePicker";
import { asksOverTime, casesOverTime, messagesByMoment, onTimeByCarrier, statusOverTime, transitByCarrier } from "~/components/dashboard/series";
import { TransitTable } from "~/components/dashboard/TransitTable";
import { hrefWith, useAdminHref, useUrlFilters } from "~/components/embedded-url";
import { EmptyState } from "~/components/EmptyState";
import { pageTitle } from "~/components/page-title";
import { SetupChecklist, type SetupStep } from "~/components/SetupChecklist";
import { trackingPageLinks } from "~/components/TrackingPageCard";
import { CUSTOMER_CHANNELS } from "~/domain/notifications";
import { MAX_SCORECARD_DAYS, parseScorecardRange, type Dashboard } from "~/domain/scorecard";

/**
 * Home: whether Shipwatch is working, in figures. What needs someone today on top, then the period's key figures
 * against the period before, then a chart for each question a merchant asks (are parcels arriving, on time, are
 * problems caught and closed, are customers kept informed, are they asking less). Everything comes from the
 * scorecard's daily roll-ups, never from a scan of shipments, so Home stays fast on a big shop.
 */

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const { shop } = session;
  const { scorecard, profile, desk, statusMapping, notifications, ruleBook, shipmentBrowser, feedHealth } = context.shipwatch.services;
  const timeZone = await profile.timezone(shop);
  const today = dayIn(context.shipwatch.clock.now(), timeZone);

  // no range in the URL is the last 30 days; a range that cannot be read is said so, and the default shown
  const params = new URL(request.url).searchParams;
  const asked = { from: params.get("from"), to: params.get("to") };
  let range: DayRange = presetRange(DEFAULT_PRESET, today);
  let rangeProblem: string | null = null;
  if (asked.from !== null || asked.to !== null) {
    const parsed = parseScorecardRange(asked.from ?? "", asked.to ?? "");
    if (parsed.ok) range = parsed.range;
    else rangeProblem = rangeProblemInWords(asked.from, asked.to, MAX_SCORECARD_DAYS);
  }

  const [dashboard, urgent, high, mapping, parked, failing, channels, templates, rules, feeds] = await Promise.all([
    scorecard.dashboard(shop, range),
    desk.queue(shop, { status: "open", priority: "urgent", limit: 1 }),
    desk.queue(shop, { status: "open", priority: "high", limit: 1 }),
    statusMapping.overview(shop, { unmapped: { offset: 0, limit: 0 } }),
    notifications.outbox(shop, { status: "failed" }, { limit: 1, offset: 0 }),
    notifications.alerts(shop),
    notifications.overview(shop),
    notifications.templateList(shop),
    ruleBook.list(shop),
    feedHealth.overview(shop),
  ]);
  const quietFeeds = feeds.filter((f) => f.state === "quiet");
  // nothing in this period nor the one before: a shop with no shipments at all gets the welcome, not empty charts
  // (only then is the shipments table asked, and a shop in that state has few)
  const quiet = isQuiet(dashboard);
  const hasShipments = quiet ? (await shipmentBrowser.listShipments(shop, { page: 1, pageSize: 1 })).total > 0 : true;

  return {
    shop,
    today,
    timeZone,
    range,
    rangeProblem,
    asked,
    hasShipments,
    dashboard,
    attention: {
      urgent: urgent.total,
      high: high.total,
      unmapped: mapping.unmappedTotal,
      parked: parked.total,
      failingChannels: failing.length,
      // a tracking feed gone quiet: silence checks wait for it, someone should look (Settings → Tracking feeds)
      quietFeeds: quietFeeds.length,
      quietFeedSource: quietFeeds[0]?.source ?? null,
    },
    // what the setup guide can tell from the shop's data; the rest the merchant marks done themself
    setup: {
      trackingPage: trackingPageLinks(shop, context.shipwatch.config.shopify.apiKey).page,
      // a channel that reaches customers (email, SMS, Klaviyo), switched on and able to send
      channelConnected: channels.channels.some((c) => c.ready && (CUSTOMER_CHANNELS as readonly string[]).includes(c.channel)),
      templateSaved: templates.custom.length > 0,
      // a rule of the merchant's own, or a default switched off: the rules have been looked at
      rulesChanged: rules.some((r) => r.builtIn === null || !r.enabled),
    },
  };
};

/** No shipment, case, message or lookup in the period or the one before. */
function isQuiet(d: Dashboard): boolean {
  const empty = (s: Dashboard["scorecard"]) => s.shipments.total === 0 && s.exceptions.opened === 0 && s.messages.sent === 0 && s.asks.lookups === 0;
  return empty(d.scorecard) && empty(d.previous);
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: pageTitle("Home") }];

export default function Home() {
  const { shop, today, range, rangeProblem, asked, hasShipments, dashboard, attention, setup } = useLoaderData<typeof loader>();
  const adminHref = useAdminHref();
  const change = useUrlFilters();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname.replace(/\/$/, "") === "/app";

  const steps = setupSteps(setup, adminHref);
  const checklist = <SetupChecklist shop={shop} steps={steps} />;

  const items: AttentionItem[] = [
    {
      id: "urgent",
      count: attention.urgent,
      label: attention.urgent === 1 ? "urgent case" : "urgent cases",
      url: adminHref("/app/exceptions?priority=urgent"),
      tone: "critical",
    },
    {
      id: "high",
      count: attention.high,
      label: attention.high === 1 ? "high-priority case" : "high-priority cases",
      url: adminHref("/app/exceptions?priority=high"),
      tone: "warning",
    },
    {
      id: "unmapped",
      count: attention.unmapped,
      label: attention.unmapped === 1 ? "carrier status Shipwatch does not know yet" : "carrier statuses Shipwatch does not know yet",
      url: adminHref("/app/status-mapping"),
      tone: "attention",
    },
    {
      id: "parked",
      count: attention.parked,
      label: attention.parked === 1 ? "message that could not be sent" : "messages that could not be sent",
      url: adminHref("/app/notifications/outbox?status=failed"),
      tone: "critical",
    },
    {
      id: "channels",
      count: attention.failingChannels,
      label: attention.failingChannels === 1 ? "message channel failing" : "message channels failing",
      url: adminHref("/app/notifications"),
      tone: "critical",
    },
    {
      id: "quiet-feeds",
      count: attention.quietFeeds,
      label: attention.quietFeeds === 1 ? "tracking feed gone quiet" : "tracking feeds gone quiet",
      url: adminHref(`/app/settings/feeds${attention.quietFeedSource ? `?feed=${attention.quietFeedSource}` : ""}`),
      tone: "warning",
    },
  ];

  const apply = (next: DayRange) =>
    change((p) => {
      p.set("from", next.from);
      p.set("to", next.to);
    });

  if (!hasShipments) {
    return (
      <Page title="Home">
        <BlockStack gap="400">
          <NeedsAttention items={items} />
          {checklist}
          <EmptyState icon={PackageIcon} title="No shipments yet">
            When you fulfill an order with a tracking number, this page shows how your deliveries are going: parcels by status, on-time rate and transit times
            by carrier, problems caught and resolved, the updates your customers got, and how often they had to check on their parcel. Until then,{" "}
            <Link url={adminHref("/app/settings")}>review your settings</Link> and the steps above.
          </EmptyState>
        </BlockStack>
      </Page>
    );
  }

  const { scorecard, previous, days } = dashboard;
  const against = previousLabel(range);
  const figures = keyFigures(scorecard, previous, against);
  const cbaTotal = dashboard.caseBeforeAsk.both;

  return (
    <Page title="Home" subtitle="How your deliveries are going, and whether customers had to ask" fullWidth>
      <BlockStack gap="400">
        <NeedsAttention items={items} />
        {checklist}
        {rangeProblem ? (
          <Banner tone="warning" title="That date range could not be shown">
            <p>
              {`The link asked for ${asked.from || "no start date"} to ${asked.to || "no end date"}: ${rangeProblem}. `}
              Showing the last 30 days instead.
            </p>
          </Banner>
        ) : null}
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="300" blockAlign="center">
            <RangePicker range={range} today={today} onApply={apply} />
            <Text as="p" tone="subdued">
              Compared with the {against}
            </Text>
          </InlineStack>
          <ExportButton
            url={adminHref(hrefWith("/app/scorecard.csv", new URLSearchParams({ from: range.from, to: range.to })))}
            fileName={csvFileName(range.from, range.to)}
          />
        </InlineStack>
        <div aria-busy={loading} style={{ opacity: loading ? 0.6 : 1, transition: "opacity 150ms" }} data-range={`${range.from}..${range.to}`}>
          <BlockStack gap="400">
            <KeyFigures figures={figures} />
            <Section
              title="Shipments by status"
              summary={`${plural(scorecard.shipments.total, "parcel", "parcels")} shipped ${rangeSentence(range, today)}: ${formatCount(
                scorecard.shipments.delivered
              )} delivered, ${formatCount(scorecard.shipments.inFlight)} still on the way.`}
              note="Each bar is a day's shipments, by where they are now."
            >
              <Chart label="Shipments by day, by status" spec={statusOverTime(days)} height={280} />
            </Section>
            <Section
              title="On time and transit"
              summary="Deliveries that arrived by the date promised, and how many days parcels took from fulfillment to the door."
            >
              {scorecard.carriers.some((c) => c.delivered > 0) ? (
                <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                  <Chart
                    label="On-time rate by carrier"
                    spec={onTimeByCarrier(scorecard.carriers)}
                    height={barsHeight(scorecard.carriers.filter((c) => c.delivered > 0).length)}
                  />
                  <Chart
                    label="Transit days by carrier"
                    spec={transitByCarrier(scorecard.carriers)}
                    height={barsHeight(scorecard.carriers.filter((c) => c.delivered > 0).length)}
                  />
                </InlineGrid>
              ) : (
                <Text as="p" tone="subdued">
                  Nothing was delivered in this period yet.
                </Text>
              )}
              <TransitTable carriers={scorecard.carriers} services={dashboard.services} lanes={dashboard.lanes} />
            </Section>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Section
                title="Problems caught and resolved"
                summary={`${plural(scorecard.exceptions.opened, "case", "cases")} opened, ${formatCount(scorecard.exceptions.resolved)} resolved.`}
              >
                <Chart label="Cases opened and resolved by day" spec={casesOverTime(days)} height={220} />
                <InlineGrid columns={2} gap="300">
                  <Figure
                    label="Typical time until someone owns it"
                    value={scorecard.exceptions.opened ? formatHours(dashboard.exceptions.medianHoursToOwner) : "–"}
                    id="hours-to-owner"
                  />
                  <Figure
                    label="Typical time to resolve"
                    value={scorecard.exceptions.resolved ? formatHours(scorecard.exceptions.medianHoursToResolve) : "–"}
                    id="hours-to-resolve"
                  />
                </InlineGrid>
              </Section>
              <Section title="Customers checking on their parcel" summary={asksSummary(scorecard.asks)}>
                <Chart label="Tracking checks by day" spec={asksOverTime(days)} height={220} />
                <Figure
                  id="case-before-ask"
                  label="Problems your team had in hand before the customer asked"
                  value={cbaTotal ? formatRate(scorecard.asks.caseBeforeAskRate) : "–"}
                  detail={
                    cbaTotal
                      ? `${formatCount(dashboard.caseBeforeAsk.caseFirst)} of ${plural(cbaTotal, "parcel", "parcels")} with a problem and a question`
                      : "No parcel with a problem was asked about"
                  }
                />
              </Section>
            </InlineGrid>
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
              <Section
                title="Updates sent"
                summary={`${plural(scorecard.messages.sent, "message", "messages")} sent without the customer asking, by moment and channel.`}
              >
                {dashboard.messages.length ? (
                  <Chart
                    label="Updates sent by moment and channel"
                    spec={messagesByMoment(dashboard.messages)}
                    height={Math.max(160, 48 * new Set(dashboard.messages.map((m) => m.moment)).size + 60)}
                  />
                ) : (
                  <Text as="p" tone="subdued">
                    No updates reached customers in this period. Check your channels in <Link url={adminHref("/app/notifications")}>Notifications</Link>.
                  </Text>
                )}
              </Section>
              <Section title="Delivery estimates" summary="How often parcels arrived inside the delivery window first shown to the customer.">
                {dashboard.accuracy.estimated ? (
                  <BlockStack gap="300">
                    <Figure
                      id="inside-window"
                      label="Arrived inside the window"
                      value={formatRate(dashboard.accuracy.insideRate)}
                      detail={`${formatCount(dashboard.accuracy.insideWindow)} of ${plural(
                        dashboard.accuracy.estimated,
                        "delivery",
                        "deliveries"
                      )} with an estimate`}
                    />
                    <ProgressBar progress={Math.round(dashboard.accuracy.insideRate * 100)} tone="success" size="small" />
                    <Figure id="mean-error" label="Off by, on average" value={formatDays(dashboard.accuracy.meanErrorDays)} />
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    No delivery in this period had an estimate to compare with.
                  </Text>
                )}
              </Section>
            </InlineGrid>
            <InlineStack align="center">
              <Link url={adminHref(hrefWith("/app/shipments", new URLSearchParams()))}>See every shipment</Link>
            </InlineStack>
          </BlockStack>
        </div>
      </BlockStack>
    </Page>
  );
}

/** A bar chart with a bar per carrier: tall enough for each, never a wall of colour for one. */
const barsHeight = (bars: number) => Math.min(280, Math.max(140, 60 + 50 * bars));

function asksSummary(asks: Dashboard["scorecard"]["asks"]): string {
  if (asks.lookups + asks.tickets === 0) return "No customer checked on a parcel in this period.";
  const tickets = asks.tickets ? ` and ${plural(asks.tickets, "support ticket", "support tickets")}` : "";
  return `${plural(asks.lookups, "tracking check", "tracking checks")}${tickets}, about ${plural(asks.shipmentsAsked, "parcel", "parcels")}.`;
}

function rangeSentence(range: DayRange, today: string): string {
  const label = rangeLabel(range, today);
  return /^Last /.test(label) ? `in the ${label.toLowerCase()}` : `from ${label}`;
}

function Section({ title, summary, note, children }: { title: string; summary: string; note?: string; children: ReactNode }) {
  return (
    <Card>
      <section aria-label={title}>
        <BlockStack gap="300">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {title}
            </Text>
            <Text as="p" tone="subdued" variant="bodySm">
              <span data-summary>{summary}</span>
              {note ? ` ${note}` : ""}
            </Text>
          </BlockStack>
          {children}
        </BlockStack>
      </section>
    </Card>
  );
}

function Figure({ id, label, value, detail }: { id: string; label: string; value: string; detail?: string }) {
  return (
    <BlockStack gap="050">
      <Text as="p" variant="bodySm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg" numeric>
        <span data-figure={id}>{value}</span>
      </Text>
      {detail ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
      ) : null}
    </BlockStack>
  );
}

/**
 * Downloads the CSV through fetch, which App Bridge signs with a fresh session token: a plain link would carry the
 * page's id_token, which expires a minute after the page opened.
 */
function ExportButton({ url, fileName }: { url: string; fileName: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const download = async () => {
    setBusy(true);
    setFailed(false);
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`export answered ${response.status}`);
      const href = URL.createObjectURL(await response.blob());
      const a = document.createElement("a");
      a.href = href;
      a.download = fileName;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
    }
  };
  return (
    <InlineStack gap="200" blockAlign="center">
      {failed ? (
        <Text as="span" tone="critical">
          The export failed. Try again.
        </Text>
      ) : null}
      <Button icon={ExportIcon} onClick={download} loading={busy}>
        Export
      </Button>
    </InlineStack>
  );
}

function setupSteps(
  setup: {
    trackingPage: string;
    channelConnected: boolean;
    templateSaved: boolean;
    rulesChanged: boolean;
  },
  adminHref: (target: string) => string
): SetupStep[] {
  return [
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
}
