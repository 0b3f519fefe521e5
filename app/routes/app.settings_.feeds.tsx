import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, ChoiceList, DataTable, InlineStack, Layout, List, Modal, Page, Tabs, Text, TextField } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState, type ReactNode } from "react";
import { z } from "zod";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { errorAt } from "~/components/form-errors";
import { RelativeTime } from "~/components/Timestamp";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";
import { CARRIERS } from "~/domain/carriers";
import { FEED_ONLY_CARRIERS } from "~/domain/easypost";

const FEEDS = [
  { provider: "easypost", label: "EasyPost" },
  { provider: "aftership", label: "AfterShip" },
  { provider: "shipengine", label: "ShipEngine" },
] as const;
type Provider = (typeof FEEDS)[number]["provider"];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const { feeds, feedHealth, writeBack } = context.shipwatch.services;
  const health = await feedHealth.overview(session.shop);
  const now = context.shipwatch.clock.now();
  return {
    now,
    writeBack: await writeBack.summary(session.shop, now - WRITE_BACK_WINDOW_MS),
    feeds: await Promise.all(FEEDS.map(async (f) => ({ ...f, connection: await feeds.connection(session.shop, f.provider), health: health.filter((h) => h.source === f.provider) }))),
  };
};

/** the write-back figures shown: the last 30 days */
const WRITE_BACK_WINDOW_MS = 30 * 24 * 3_600_000;

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const FeedAction = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("save"),
    provider: z.enum(["easypost", "aftership", "shipengine"]),
    apiKey: z.string().trim().max(200, "At most 200 characters"),
    webhookSecret: z.string().max(500, "At most 500 characters").default(""),
    carriers: z.string().transform((v, ctx) => {
      if (v === "default") return "default" as const;
      const list = v ? v.split(",") : [];
      if (list.some((c) => !(c in CARRIERS))) ctx.addIssue({ code: "custom", message: "Choose carriers from the list" });
      return list;
    }),
  }),
  z.object({ intent: z.literal("disconnect"), provider: z.enum(["easypost", "aftership", "shipengine"]) }),
  z.object({ intent: z.literal("write-back"), enabled: z.enum(["true", "false"]).transform((v) => v === "true") }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const parsed = FeedAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const fieldErrors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message]));
    return { intent: "invalid" as const, fieldErrors };
  }
  const { feeds, writeBack } = context.shipwatch.services;
  if (parsed.data.intent === "write-back") {
    await writeBack.setEnabled(session.shop, parsed.data.enabled);
    return { intent: "write-back" as const, enabled: parsed.data.enabled };
  }
  if (parsed.data.intent === "disconnect") return { intent: "disconnect" as const, provider: parsed.data.provider, disconnected: await feeds.disconnect(session.shop, parsed.data.provider) };
  const { provider, apiKey, webhookSecret, carriers } = parsed.data;
  const saved = await feeds.update(session.shop, provider, { apiKey, webhookSecret, carriers });
  return saved.ok ? { intent: "save" as const, provider, saved: true as const } : { intent: "save" as const, provider, fieldErrors: saved.fieldErrors };
};

type View = ReturnType<typeof useLoaderData<typeof loader>>["feeds"][number];

function draftOf(v: View) {
  const carriers = v.connection?.carriers ?? "default";
  return { apiKey: "", webhookSecret: "", mode: carriers === "default" ? "default" : "chosen", chosen: carriers === "default" ? [...FEED_ONLY_CARRIERS] : carriers };
}
type Draft = ReturnType<typeof draftOf>;

/** `secret: null`: the provider signs with its own published keys and Shipwatch registers the webhook itself. */
const SETUP: Record<Provider, { apiKey: string; secret: string | null; steps: string[] }> = {
  easypost: {
    apiKey: "EasyPost → Account settings → API keys (the production key).",
    secret: "The secret you give the webhook in EasyPost: EasyPost signs each event with it.",
    steps: [
      "In EasyPost, open Account settings → Webhooks and add a webhook.",
      "URL: the webhook URL above. Webhook secret: the same secret you entered here.",
      "Shipwatch registers a tracker for each new parcel on the carriers you chose; EasyPost then sends its scans here.",
    ],
  },
  aftership: {
    apiKey: "AfterShip → Settings → API keys. Create one with access to Tracking.",
    secret: "AfterShip → Tracking → Settings → Webhooks → Webhook secret.",
    steps: [
      "In AfterShip, open Tracking → Settings → Webhooks and add the webhook URL above.",
      "Choose the shipment status updates to send (all of them is best).",
      "Shipwatch creates an AfterShip tracking for each new parcel on the carriers you chose; AfterShip then sends its checkpoints here.",
    ],
  },
  shipengine: {
    apiKey: "ShipEngine (ShipStation API) → API Management → your production API key.",
    secret: null,
    steps: [
      "Nothing to paste: Shipwatch registered this URL with ShipEngine as your track webhook when you connected.",
      "ShipEngine signs each update with its own published keys; Shipwatch checks every signature.",
      "Shipwatch starts tracking each new parcel on the carriers you chose; ShipEngine then sends its updates here.",
    ],
  },
};

export default function FeedsPage() {
  const { now, feeds, writeBack } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const [searchParams, setSearchParams] = useSearchParams();
  const selected = Math.max(0, FEEDS.findIndex((f) => f.provider === searchParams.get("feed")));
  const view = feeds[selected]!;
  return (
    <Page title="Tracking feeds" backAction={{ content: "Settings", url: "/app/settings" }} subtitle="Carrier scans beyond what Shopify relays, for the carriers Shopify does not track.">
      <Tabs
        tabs={feeds.map((f) => ({ id: `feed-${f.provider}`, content: f.connection ? `${f.label} ✓` : f.label, accessibilityLabel: `${f.label}${f.connection ? " (connected)" : ""}` }))}
        selected={selected}
        onSelect={(i) => setSearchParams({ feed: FEEDS[i]!.provider })}
      />
      <Box paddingBlockStart="400">
        <FeedForm key={view.provider} view={view} now={now} toast={(m) => shopify.toast.show(m)} />
      </Box>
      <Box paddingBlockStart="400">
        <WriteBack summary={writeBack} now={now} toast={(m) => shopify.toast.show(m)} />
      </Box>
    </Page>
  );
}

function FeedForm({ view, now, toast }: { view: View; now: number; toast: (message: string) => void }) {
  const save = useFetcher<typeof action>();
  const other = useFetcher<typeof action>();
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const [wasConnected, setWasConnected] = useState(!!view.connection);
  const update = (part: Partial<Draft>) => setDraft((d) => ({ ...d, ...part }));
  const c = view.connection;
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(view));
  const saving = save.state !== "idle";
  const setup = SETUP[view.provider];

  const submit = () => {
    setWasConnected(!!c);
    save.submit(
      { intent: "save", provider: view.provider, apiKey: draft.apiKey, webhookSecret: draft.webhookSecret, carriers: draft.mode === "default" ? "default" : draft.chosen.join(",") },
      { method: "post" },
    );
  };
  useFetcherAnswer(save, (data) => {
    if ("provider" in data && data.provider !== view.provider) return;
    if ("saved" in data) {
      setDraft(draftOf(view));
      setErrors(undefined);
      toast(wasConnected ? `${view.label} saved` : `${view.label} connected`);
    } else if ("fieldErrors" in data) setErrors(data.fieldErrors);
  });
  useFetcherAnswer(other, (data) => {
    if (data.intent === "disconnect") {
      setConfirmDisconnect(false);
      // the form starts again from nothing saved, whether or not the loader's answer has landed yet: the draft is
      // never taken from a view that may still show the connection (it would stay "unsaved" once the view changes)
      setDraft(draftOf({ ...view, connection: null }));
      setErrors(undefined);
      toast(`${view.label} disconnected`);
    }
  });

  return (
    <Layout>
      <ContextualSaveBar id="feed-save-bar" dirty={dirty} saving={saving} onSave={submit} onDiscard={() => (setDraft(draftOf(view)), setErrors(undefined))} />
      {errors ? (
        <Layout.Section>
          <Banner tone="critical" title={`${view.label} was not ${c ? "saved" : "connected"}`}>
            {errors.form ?? "Nothing changed. Fix the fields marked below and save again."}
          </Banner>
        </Layout.Section>
      ) : null}

      <Section
        title="Connection"
        description={
          setup.secret !== null
            ? `Shipwatch checks the API key with ${view.label} before it saves it, keeps the key and the webhook secret encrypted and never shows them again.`
            : `Shipwatch checks the API key with ${view.label} and registers its webhook there before it saves the key, keeps it encrypted and never shows it again.`
        }
      >
        <Card>
          <BlockStack gap="400">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                {view.label}
              </Text>
              {!c ? <Badge>Not connected</Badge> : c.status === "connected" ? <Badge tone="success">Connected</Badge> : <Badge tone="critical">Failing</Badge>}
            </InlineStack>
            {c?.status === "failing" ? (
              <Banner tone="critical" title={`${view.label} refused Shipwatch's last request`}>
                {c.lastError ?? "No words given."} Enter a working API key and save.
              </Banner>
            ) : null}
            <TextField
              label="API key"
              type="password"
              value={draft.apiKey}
              onChange={(apiKey) => update({ apiKey })}
              autoComplete="off"
              placeholder={c ? "Saved. Leave empty to keep it" : undefined}
              helpText={setup.apiKey}
              error={errorAt(errors, "apiKey")}
            />
            {setup.secret !== null ? (
              <TextField
                label="Webhook secret"
                type="password"
                value={draft.webhookSecret}
                onChange={(webhookSecret) => update({ webhookSecret })}
                autoComplete="off"
                placeholder={c ? "Saved. Leave empty to keep it" : undefined}
                helpText={setup.secret}
                error={errorAt(errors, "webhookSecret")}
              />
            ) : null}
            {!c ? (
              <InlineStack>
                <Button variant="primary" loading={saving} onClick={submit}>
                  {`Connect ${view.label}`}
                </Button>
              </InlineStack>
            ) : (
              <InlineStack>
                <Button tone="critical" variant="plain" onClick={() => setConfirmDisconnect(true)}>
                  {`Disconnect ${view.label}`}
                </Button>
              </InlineStack>
            )}
          </BlockStack>
        </Card>
      </Section>

      {c ? (
        <Section
          title="Webhook"
          description={`Where ${view.label} sends its scans. An event not signed ${setup.secret !== null ? "with your webhook secret" : `by ${view.label}`} is refused and nothing is kept.`}
        >
          <Card>
            <BlockStack gap="400">
              <CopyField label="Webhook URL" value={c.webhookUrl} />
              <List type="number">
                {setup.steps.map((step) => (
                  <List.Item key={step}>{step}</List.Item>
                ))}
              </List>
              <InlineStack gap="600">
                <Figure label="Last event">{c.lastEventAt ? <RelativeTime at={c.lastEventAt} now={now} /> : "None yet"}</Figure>
                <Figure label="Events">{c.eventCount.toLocaleString("en-US")}</Figure>
                <Figure label="Unknown tracking numbers">
                  {c.unknownTrackingCount.toLocaleString("en-US")}
                  {c.lastUnknownTracking ? ` (last: ${c.lastUnknownTracking})` : ""}
                </Figure>
              </InlineStack>
              <Text as="p" tone="subdued" variant="bodySm">
                Unknown tracking numbers are events about parcels this store does not have: they are ignored.
              </Text>
              <Freshness rows={view.health} now={now} label={view.label} />
            </BlockStack>
          </Card>
        </Section>
      ) : null}

      <Section title="Carriers to register" description={`For each new parcel on these carriers, Shipwatch asks ${view.label} to track it.`}>
        <Card>
          <BlockStack gap="300">
            <ChoiceList
              title="Carriers"
              titleHidden
              choices={[
                { label: `The carriers Shopify does not track (${FEED_ONLY_CARRIERS.map((k) => CARRIERS[k as keyof typeof CARRIERS].name).join(", ")})`, value: "default" },
                { label: "The carriers I choose", value: "chosen" },
              ]}
              selected={[draft.mode]}
              onChange={([mode]) => update({ mode: mode ?? "default" })}
            />
            {draft.mode === "chosen" ? (
              <ChoiceList
                title="Carriers"
                allowMultiple
                choices={Object.values(CARRIERS).map((k) => ({ label: k.name, value: k.code }))}
                selected={draft.chosen}
                onChange={(chosen) => update({ chosen })}
                error={errorAt(errors, "carriers")}
              />
            ) : null}
          </BlockStack>
        </Card>
      </Section>

      <Modal
        open={confirmDisconnect}
        onClose={() => setConfirmDisconnect(false)}
        title={`Disconnect ${view.label}?`}
        primaryAction={{ content: "Disconnect", destructive: true, loading: other.state !== "idle", onAction: () => other.submit({ intent: "disconnect", provider: view.provider }, { method: "post" }) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmDisconnect(false) }]}
      >
        <Modal.Section>
          <Text as="p">Its webhook URL stops working at once and its credentials are deleted. Scans already received stay.</Text>
        </Modal.Section>
      </Modal>
    </Layout>
  );
}

/**
 * Write-back (docs/decisions/0018): a setting toggle, applied at once, with what it did in the last 30 days. It
 * writes to the merchant's orders, so it is off until the merchant turns it on.
 */
function WriteBack({ summary, now, toast }: { summary: ReturnType<typeof useLoaderData<typeof loader>>["writeBack"]; now: number; toast: (message: string) => void }) {
  const fetcher = useFetcher<typeof action>();
  useFetcherAnswer(fetcher, (data) => {
    if (data.intent === "write-back") toast(data.enabled ? "Scans will show on Shopify" : "Write-back turned off");
  });
  const enabled = fetcher.formData ? fetcher.formData.get("enabled") === "true" : summary.enabled;
  return (
    <Layout>
      <Section
        title="Show these scans on Shopify"
        description="Scans a feed or a carrier account brings are added to the order's fulfillment in Shopify, so the order status page and the Shop app show them too."
      >
        <Card>
          <BlockStack gap="300">
            <InlineStack align="space-between" blockAlign="center" gap="300">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  Write-back
                </Text>
                <Badge tone={enabled ? "success" : undefined}>{enabled ? "On" : "Off"}</Badge>
              </InlineStack>
              <Button
                variant={enabled ? "secondary" : "primary"}
                loading={fetcher.state !== "idle"}
                onClick={() => fetcher.submit({ intent: "write-back", enabled: String(!enabled) }, { method: "post" })}
              >
                {enabled ? "Turn off" : "Turn on"}
              </Button>
            </InlineStack>
            <Text as="p" tone="subdued">
              Only scans Shopify does not have are written: never Shopify&apos;s own events, never a parcel Shopify already tracks, nothing older than two weeks. Each scan
              is written once, about 15 minutes after it arrives.
            </Text>
            <InlineStack gap="800">
              <Figure label="Written (30 days)">{summary.written}</Figure>
              <Figure label="Left out">{summary.skipped}</Figure>
              <Figure label="Failed">{summary.failed}</Figure>
              <Figure label="Last written">{summary.lastWrittenAt ? <RelativeTime at={summary.lastWrittenAt} now={now} /> : "Not yet"}</Figure>
            </InlineStack>
            {summary.lastError ? (
              <Banner tone="warning" title="Shopify refused a scan">
                <p>{summary.lastError}</p>
              </Banner>
            ) : null}
          </BlockStack>
        </Card>
      </Section>
    </Layout>
  );
}

/** Each carrier's freshness: when the feed last sent an event for it, its usual pace, and whether it has gone quiet. */
function Freshness({ rows, now, label }: { rows: View["health"]; now: number; label: string }) {
  if (!rows.length) return null;
  const pace = (perHour: number) => (perHour >= 1 ? `${Math.round(perHour)} an hour` : perHour > 0 ? `${Math.max(1, Math.round(perHour * 24))} a day` : "Not known yet");
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        Freshness by carrier
      </Text>
      <DataTable
        columnContentTypes={["text", "text", "text", "text"]}
        headings={["Carrier", "Last event", "Usual pace", "State"]}
        rows={rows.map((r) => [
          r.carrierName,
          <RelativeTime key="at" at={r.lastEventAt} now={now} />,
          r.state === "learning" ? "Still learning" : pace(r.normPerHour),
          r.state === "quiet" ? (
            <Badge key="s" tone="warning">
              Quiet: silence checks paused
            </Badge>
          ) : r.state === "learning" ? (
            <Badge key="s">Learning</Badge>
          ) : (
            <Badge key="s" tone="success">
              Fresh
            </Badge>
          ),
        ])}
      />
      {rows.some((r) => r.state === "quiet") ? (
        <Banner tone="warning" title={`${label} has gone quiet for ${rows.filter((r) => r.state === "quiet").map((r) => r.carrierName).join(", ")}`}>
          {`While it is quiet, Shipwatch does not call the parcels that depend on it stalled, lost or not picked up. Operations were alerted; they are told again when it sends again.`}
        </Banner>
      ) : null}
    </BlockStack>
  );
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingSm">
        {children}
      </Text>
    </BlockStack>
  );
}

function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <TextField
      label={label}
      value={value}
      readOnly
      autoComplete="off"
      monospaced
      selectTextOnFocus
      connectedRight={<Button onClick={() => void navigator.clipboard?.writeText(value)}>Copy</Button>}
    />
  );
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      {children}
    </Layout.AnnotatedSection>
  );
}
