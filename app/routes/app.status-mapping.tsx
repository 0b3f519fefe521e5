import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Box, Button, Card, InlineGrid, InlineStack, Layout, Page, Pagination, Select, Tabs, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { setOrDelete, useUrlFilters } from "~/components/embedded-url";
import { StatusBadge } from "~/components/StatusBadge";
import { RelativeTime } from "~/components/Timestamp";
import { REASON_LABELS, SHIPMENT_STATUSES, STATUS_LABELS, STATUS_REASONS, type ShipmentStatus } from "~/domain/status";
import { STATUS_CLASS_LABELS } from "~/components/rule-words";
import type { StatusClass } from "~/domain/status-classes";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";

/** Unmapped codes per page: each shows its examples, read for the codes on the page only. */
const UNMAPPED_PAGE_SIZE = 10;
const View = z.object({
  source: z.string().max(64).catch(""),
  unmapped: z.coerce.number().int().min(1).max(10_000).catch(1),
});

// One source's codes at a time (a tab each) and one page of unmapped codes: every code row carries two selects
// of a dozen options, and both sources on one page made a 200 KB document.
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const view = View.parse({ source: undefined, unmapped: undefined, ...Object.fromEntries(new URL(request.url).searchParams) });
  const overview = await context.shipwatch.services.statusMapping.overview(session.shop, {
    source: view.source,
    unmapped: { offset: (view.unmapped - 1) * UNMAPPED_PAGE_SIZE, limit: UNMAPPED_PAGE_SIZE },
  });
  return { now: context.shipwatch.clock.now(), unmappedPage: view.unmapped, unmappedPageSize: UNMAPPED_PAGE_SIZE, ...overview };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const Code = z.string().trim().min(1).max(100);
const MappingAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("map"), source: z.string().max(64), code: Code, status: z.string().max(64), reason: z.string().max(64).optional() }),
  z.object({ intent: z.literal("reset"), source: z.string().max(64), code: Code }),
  z.object({ intent: z.literal("classify"), classes: z.string().max(5_000) }),
  z.object({ intent: z.literal("renormalize") }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = session.shop;
  const parsed = MappingAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { intent: "invalid" as const, ok: false as const, error: "The form could not be read; reload the page and try again." };
  const { statusMapping } = context.shipwatch.services;
  const a = parsed.data;
  switch (a.intent) {
    case "map": {
      const outcome = await statusMapping.mapCode(shop, { source: a.source, code: a.code, status: a.status, reason: a.reason || null });
      return outcome.ok ? { intent: a.intent, ok: true as const, code: a.code, status: a.status, ...counts(outcome) } : { intent: a.intent, ok: false as const, error: Object.values(outcome.fieldErrors).join(". ") };
    }
    case "reset": {
      const outcome = await statusMapping.resetCode(shop, a.source, a.code);
      return outcome.ok ? { intent: a.intent, ok: true as const, code: a.code, ...counts(outcome) } : { intent: a.intent, ok: false as const, error: Object.values(outcome.fieldErrors).join(". ") };
    }
    case "classify": {
      let classes: Record<string, string> = {};
      try {
        classes = z.record(z.string()).parse(JSON.parse(a.classes));
      } catch {
        return { intent: a.intent, ok: false as const, error: "The classification could not be read." };
      }
      const outcome = await statusMapping.classify(shop, classes);
      return outcome.ok ? { intent: a.intent, ok: true as const } : { intent: a.intent, ok: false as const, error: Object.values(outcome.fieldErrors).join(". ") };
    }
    case "renormalize":
      return { intent: a.intent, ok: true as const, ...counts(await statusMapping.renormalizeAll(shop)) };
  }
};

const counts = (o: { events: number; changedEvents: number; shipments: number }) => ({ events: o.events, changedEvents: o.changedEvents, shipments: o.shipments });

const CLASS_HELP: Record<StatusClass, string> = {
  informational: "On the timeline only: the shopper gets no message for it",
  customer_facing: "A moment the shopper hears about",
  exception: "Someone has to act: the Carrier exception rule opens a case unless a more specific one does",
};

const STATUS_OPTIONS = SHIPMENT_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }));
const REASON_OPTIONS = [{ value: "", label: "From the carrier's message" }, ...STATUS_REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] }))];
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

type Answer = NonNullable<ReturnType<typeof useFetcher<typeof action>>["data"]>;

/** What the last change did, in a sentence: the re-normalization's count is the point. */
function outcomeText(answer: Answer): { tone: "success" | "critical"; title: string; body?: string } | null {
  if (!answer.ok) return { tone: "critical", title: "Nothing was changed", body: answer.error };
  // a saved classification is told by a toast, like every save through the save bar
  if (answer.intent === "classify") return null;
  const what =
    answer.intent === "map"
      ? `“${answer.code}” now reads as ${STATUS_LABELS[answer.status as ShipmentStatus] ?? answer.status}.`
      : answer.intent === "reset"
        ? `“${answer.code}” is back to the default reading.`
        : "Past events were read again with your mapping.";
  return {
    tone: "success",
    title: what,
    body: `Re-normalized ${plural(answer.events, "past event")} (${answer.changedEvents} changed); ${plural(answer.shipments, "shipment")} updated.`,
  };
}

export default function StatusMapping() {
  const { now, sources, tabs, unmapped, unmappedTotal, unmappedPage, unmappedPageSize, classes } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const change = useUrlFilters();
  const shownSource = sources[0]?.source;
  const busy = fetcher.state !== "idle";
  const [classDraft, setClassDraft] = useState<Record<string, string>>(classes);
  const [choices, setChoices] = useState<Record<string, { status: string; reason: string }>>({});
  const answer = fetcher.state === "idle" ? fetcher.data : undefined;
  const outcome = answer ? outcomeText(answer) : null;

  const submit = (data: Record<string, string>) => fetcher.submit(data, { method: "post" });
  const shopify = useAppBridge();
  const classesDirty = JSON.stringify(classDraft) !== JSON.stringify(classes);
  const savingClasses = busy && fetcher.formData?.get("intent") === "classify";
  useFetcherAnswer(fetcher, (data) => {
    if (data.intent === "classify" && data.ok) shopify.toast.show("Classification saved");
  });
  const choiceOf = (key: string) => choices[key] ?? { status: "in_transit", reason: "" };

  return (
    <Page
      title="Status mapping"
      subtitle="How carrier codes become Shipwatch statuses. Your overrides win over the defaults."
      secondaryActions={[{ content: "Re-normalize past events", onAction: () => submit({ intent: "renormalize" }), loading: busy && fetcher.formData?.get("intent") === "renormalize" }]}
    >
      <Layout>
        {outcome ? (
          <Layout.Section>
            <Banner tone={outcome.tone} title={outcome.title}>
              {outcome.body ? <p>{outcome.body}</p> : null}
            </Banner>
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  Unmapped codes
                </Text>
                <Text as="p" tone="subdued">
                  Codes Shipwatch does not know show as “{STATUS_LABELS.unknown}” and open an “Unknown carrier status” case — never a guess. Map each
                  once: the events already received with it are read again, and so are their shipments.
                </Text>
              </BlockStack>
              {unmappedTotal === 0 ? (
                <Text as="p">Every code your carriers have sent is mapped.</Text>
              ) : (
                <BlockStack as="ul" gap="0" aria-label="Unmapped codes">
                  {unmapped.map((u) => {
                    const key = `${u.source}|${u.code}`;
                    const choice = choiceOf(key);
                    return (
                      <Box as="li" key={key} paddingBlock="300" borderBlockStartWidth="025" borderColor="border-secondary">
                        <InlineGrid columns={{ xs: 1, md: "minmax(0, 3fr) minmax(0, 4fr)" }} gap="400" alignItems="start">
                          <BlockStack gap="100">
                            <InlineStack gap="200" align="start" blockAlign="center">
                              <Text as="span" fontWeight="semibold">
                                <code>{u.code}</code>
                              </Text>
                              <Badge tone="warning">{`Seen ${plural(u.count, "time")}`}</Badge>
                            </InlineStack>
                            <Text as="p" variant="bodySm" tone="subdued">
                              {u.sourceLabel} · first <RelativeTime at={u.firstSeenAt} now={now} />, last <RelativeTime at={u.lastSeenAt} now={now} />
                            </Text>
                            {u.examples.length ? (
                              <BlockStack as="ul" gap="050" aria-label={`Examples of ${u.code}`}>
                                {u.examples.map((e) => (
                                  <li key={e} style={{ listStyle: "none" }}>
                                    <Text as="span" tone="subdued">
                                      “{e}”
                                    </Text>
                                  </li>
                                ))}
                              </BlockStack>
                            ) : null}
                          </BlockStack>
                          <InlineGrid columns={{ xs: 1, sm: "minmax(0, 1fr) minmax(0, 1fr) auto" }} gap="200" alignItems="end">
                            <Select
                              label={`Map ${u.code} to`}
                              options={STATUS_OPTIONS}
                              value={choice.status}
                              onChange={(status) => setChoices({ ...choices, [key]: { ...choice, status } })}
                            />
                            <Select label="Reason" options={REASON_OPTIONS} value={choice.reason} onChange={(reason) => setChoices({ ...choices, [key]: { ...choice, reason } })} />
                            <Button
                              variant="primary"
                              disabled={busy}
                              accessibilityLabel={`Map ${u.code}`}
                              onClick={() => submit({ intent: "map", source: u.source, code: u.code, status: choice.status, reason: choice.reason })}
                            >
                              Map
                            </Button>
                          </InlineGrid>
                        </InlineGrid>
                      </Box>
                    );
                  })}
                </BlockStack>
              )}
              {unmappedTotal > unmappedPageSize ? (
                <InlineStack align="center">
                  <Pagination
                    hasPrevious={unmappedPage > 1}
                    onPrevious={() => change((p) => setOrDelete(p, "unmapped", unmappedPage - 1 > 1 ? String(unmappedPage - 1) : null))}
                    hasNext={unmappedPage * unmappedPageSize < unmappedTotal}
                    onNext={() => change((p) => p.set("unmapped", String(unmappedPage + 1)))}
                    label={`${(unmappedPage - 1) * unmappedPageSize + 1}–${(unmappedPage - 1) * unmappedPageSize + unmapped.length} of ${unmappedTotal} codes`}
                  />
                </InlineStack>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <Tabs
            tabs={tabs.map((t) => ({ id: `source-${t.source}`, content: t.label, ...(t.overrides ? { badge: String(t.overrides) } : {}) }))}
            selected={Math.max(0, tabs.findIndex((t) => t.source === shownSource))}
            onSelect={(index) => change((p) => setOrDelete(p, "source", index === 0 ? null : tabs[index]!.source))}
          />
        </Layout.Section>

        {sources.map((source) => (
          <Layout.Section key={source.source}>
            <Card padding="0">
              <Box padding="400">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    {source.label}
                  </Text>
                  <Text as="p" tone="subdued">
                    {source.about} Choose a status to override the default; choose the default again to go back.
                  </Text>
                </BlockStack>
              </Box>
              <Box paddingInline="400" paddingBlock="200" background="bg-surface-secondary" borderBlockStartWidth="025" borderColor="border-secondary">
                <MappingColumns>
                  <Heading>Code</Heading>
                  <Heading>Default</Heading>
                  <Heading>Reads as</Heading>
                  <Heading>Reason</Heading>
                </MappingColumns>
              </Box>
              <BlockStack as="ul" gap="0" aria-label={`${source.label}: codes and what they read as`}>
                {source.rows.map((row) => {
                  const current = row.override?.status ?? row.defaultStatus ?? "unknown";
                  const change = (status: string, reason: string) =>
                    status === row.defaultStatus && reason === ""
                      ? submit({ intent: "reset", source: source.source, code: row.code })
                      : submit({ intent: "map", source: source.source, code: row.code, status, reason });
                  return (
                    <Box as="li" key={row.code} paddingInline="400" paddingBlock="200" borderBlockStartWidth="025" borderColor="border-secondary">
                      <MappingColumns>
                        <InlineStack gap="200" align="start" blockAlign="center">
                          <code>{row.code}</code>
                          {row.override ? <Badge tone="attention">Your override</Badge> : null}
                        </InlineStack>
                        {/* a grid cell stretches its child: the div keeps the badge its own size */}
                        <div>{row.defaultStatus ? <StatusBadge status={row.defaultStatus} /> : <Text as="span" tone="subdued">Not in the default map</Text>}</div>
                        <Select
                          label={`${source.label}: ${row.code} reads as`}
                          labelHidden
                          disabled={busy}
                          options={SHIPMENT_STATUSES.map((s) => ({ value: s, label: s === row.defaultStatus ? `${STATUS_LABELS[s]} (default)` : STATUS_LABELS[s] }))}
                          value={current}
                          onChange={(status) => change(status, row.override?.reason ?? "")}
                        />
                        <Select
                          label={`${source.label}: ${row.code} reason`}
                          labelHidden
                          disabled={busy}
                          options={REASON_OPTIONS}
                          value={row.override?.reason ?? ""}
                          onChange={(reason) => change(current, reason)}
                        />
                      </MappingColumns>
                    </Box>
                  );
                })}
              </BlockStack>
            </Card>
          </Layout.Section>
        ))}

        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  What each status means
                </Text>
                <Text as="p" tone="subdued">
                  Informational states only go on the timeline; customer-facing ones are moments the shopper hears about; exceptions need someone to act.
                </Text>
              </BlockStack>
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                {SHIPMENT_STATUSES.map((s) => (
                  <InlineGrid key={s} columns="minmax(0, 1fr) minmax(0, 1fr)" gap="200" alignItems="center">
                    <div>
                      <StatusBadge status={s} />
                    </div>
                    <Select
                      label={`${STATUS_LABELS[s]} is`}
                      labelHidden
                      options={(Object.keys(STATUS_CLASS_LABELS) as StatusClass[]).map((c) => ({ value: c, label: STATUS_CLASS_LABELS[c] }))}
                      value={classDraft[s] ?? "informational"}
                      onChange={(value) => setClassDraft({ ...classDraft, [s]: value })}
                      helpText={CLASS_HELP[(classDraft[s] ?? "informational") as StatusClass]}
                    />
                  </InlineGrid>
                ))}
              </InlineGrid>
              <ContextualSaveBar
                id="status-classes-save-bar"
                dirty={classesDirty}
                saving={savingClasses}
                onSave={() => submit({ intent: "classify", classes: JSON.stringify(classDraft) })}
                onDiscard={() => setClassDraft(classes)}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function MappingColumns({ children }: { children: ReactNode }) {
  return (
    <InlineGrid columns={{ xs: 1, md: "minmax(0, 3fr) minmax(0, 3fr) minmax(0, 3fr) minmax(0, 3fr)" }} gap="300" alignItems="center">
      {children}
    </InlineGrid>
  );
}

function Heading({ children }: { children: ReactNode }) {
  return (
    <Text as="span" variant="bodySm" fontWeight="medium" tone="subdued">
      {children}
    </Text>
  );
}
