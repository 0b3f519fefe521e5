import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineGrid, InlineStack, Layout, Page, ProgressBar, Select, Text } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useState } from "react";
import { z } from "zod";
import { RelativeTime } from "~/components/Timestamp";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  return { now: context.shipwatch.clock.now(), ...(await context.shipwatch.services.historyImport.overview(session.shop)) };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const ImportAction = z.object({ intent: z.literal("import"), days: z.coerce.number({ invalid_type_error: "Choose a number of days" }).int() });

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const parsed = ImportAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false as const, message: parsed.error.issues[0]?.message ?? "Choose a number of days" };
  const started = await context.shipwatch.services.historyImport.importAgain(session.shop, parsed.data.days);
  if (started.ok) return { ok: true as const, days: started.run.days };
  return { ok: false as const, message: started.reason === "bad_days" ? started.message : "An import is already running: it has to finish first" };
};

const DAY_CHOICES = [7, 14, 30, 60, 90, 180, 365];
const STATUS: Record<string, { label: string; tone: "info" | "success" | "critical" | "attention" | undefined; words: string }> = {
  queued: { label: "Waiting", tone: "info", words: "Waiting to ask Shopify for the orders." },
  running: { label: "Preparing", tone: "attention", words: "Shopify is preparing the file of orders." },
  importing: { label: "Importing", tone: "attention", words: "Reading the orders into Shipwatch." },
  done: { label: "Done", tone: "success", words: "Your recent orders and their parcels are in Shipwatch." },
  failed: { label: "Failed", tone: "critical", words: "The import stopped. What was read is kept; import again to finish." },
};
const ACTIVE = new Set(["queued", "running", "importing"]);

type Run = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["run"]>;

function progressOf(run: Run): number {
  if (run.status === "done") return 100;
  if (run.status !== "importing" || !run.objectCount) return 0;
  return Math.min(99, Math.round((run.linesRead / run.objectCount) * 100));
}

function Count({ label, imported, seen }: { label: string; imported: number; seen: number }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {imported.toLocaleString("en-US")}
      </Text>
      <Text as="p" tone="subdued">
        {seen === 0 ? "none read" : seen === imported ? "all read" : `of ${seen.toLocaleString("en-US")} read`}
      </Text>
    </BlockStack>
  );
}

function LastImport({ run, now }: { run: Run | null; now: number }) {
  if (!run) {
    return (
      <Card>
        <Text as="p">No import yet. Shipwatch imports your recent orders once after install; you can import them now.</Text>
      </Card>
    );
  }
  const status = STATUS[run.status] ?? STATUS.queued!;
  const progress = progressOf(run);
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Last {run.days} days of orders
            </Text>
            <Badge tone={status.tone}>{status.label}</Badge>
          </InlineStack>
          <Text as="p" tone="subdued">
            {run.trigger === "install" ? "After install" : "Asked for"}, started <RelativeTime at={run.startedAt} now={now} />
            {run.finishedAt ? (
              <>
                , ended <RelativeTime at={run.finishedAt} now={now} />
              </>
            ) : null}
          </Text>
        </InlineStack>
        <Text as="p">{status.words}</Text>
        {/* a finished run is drawn whole at once, not slid up from where the last look left it */}
        <ProgressBar progress={progress} animated={ACTIVE.has(run.status)} tone={run.status === "failed" ? "critical" : run.status === "done" ? "success" : "highlight"} ariaLabelledBy="import-progress" />
        <Text as="p" tone="subdued" id="import-progress">
          {run.status === "importing" && run.objectCount
            ? `${run.linesRead.toLocaleString("en-US")} of ${run.objectCount.toLocaleString("en-US")} orders read (${progress}%)`
            : run.status === "done"
              ? "Finished"
              : run.status === "failed"
                ? "Stopped"
                : "Shopify has not finished the file yet"}
        </Text>
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          <Count label="Orders" imported={run.ordersImported} seen={run.ordersSeen} />
          <Count label="Parcels" imported={run.fulfillmentsImported} seen={run.fulfillmentsSeen} />
          <Count label="Carrier events" imported={run.eventsImported} seen={run.eventsSeen} />
        </InlineGrid>
        {run.status === "failed" && run.error ? (
          <Banner tone="critical" title="The import failed">
            <p>{run.error}</p>
          </Banner>
        ) : null}
        <Text as="p" tone="subdued">
          Imported history does not message your customers and does not start Flow workflows: those moments already passed. Silence checks (not picked up, stalled, lost) wait until the import is done.
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function ImportPage() {
  const { now, run, reconciliation, days } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const [chosen, setChosen] = useState(String(days.default));
  const running = !!run && ACTIVE.has(run.status);

  // while an import runs, its progress is read again every few seconds
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3_000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  useFetcherAnswer(fetcher, (answer) => {
    if (answer.ok) shopify.toast.show(`Importing the last ${answer.days} days of orders`);
    else shopify.toast.show(answer.message, { isError: true });
  });

  return (
    <Page title="Import" backAction={{ content: "Settings", url: "/app/settings" }} subtitle="Your recent orders from Shopify, and the hourly check that repairs what a missed webhook left wrong.">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <LastImport run={run} now={now} />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Import again
                </Text>
                <Text as="p">Reads the orders created in the period you choose, with their parcels and carrier events. What Shipwatch already has is not duplicated.</Text>
                <fetcher.Form method="post">
                  <input type="hidden" name="intent" value="import" />
                  <InlineStack gap="300" blockAlign="end">
                    <Select
                      label="Orders from the last"
                      name="days"
                      options={DAY_CHOICES.filter((d) => d >= days.min && d <= days.max).map((d) => ({ label: `${d} days`, value: String(d) }))}
                      value={chosen}
                      onChange={setChosen}
                    />
                    <Button submit variant="primary" disabled={running} loading={fetcher.state !== "idle"}>
                      Import again
                    </Button>
                  </InlineStack>
                </fetcher.Form>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Reconciliation
              </Text>
              <Text as="p">Every hour Shipwatch asks Shopify for the orders changed since its last look, so a webhook Shopify gave up on is repaired within the hour.</Text>
              <BlockStack gap="100">
                <Text as="p" variant="headingLg">
                  {reconciliation.repairedSince.toLocaleString("en-US")}
                </Text>
                <Text as="p" tone="subdued">
                  {reconciliation.repairedSince === 1 ? "shipment repaired" : "shipments repaired"} in the last 24 hours
                </Text>
              </BlockStack>
              <Text as="p" tone="subdued">
                {reconciliation.lastRunAt ? (
                  <>
                    Last run <RelativeTime at={reconciliation.lastRunAt} now={now} />
                  </>
                ) : (
                  "Not run yet: the first run comes within the hour after an import is done."
                )}
              </Text>
              {reconciliation.lastError ? (
                <Banner tone="warning" title="The last run failed; the next one asks again">
                  <p>{reconciliation.lastError}</p>
                </Banner>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
