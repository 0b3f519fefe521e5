import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Checkbox, InlineGrid, InlineStack, Layout, List, Modal, Page, Tabs, Text, TextField } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useRef, useState, type ReactNode } from "react";
import { z } from "zod";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { errorAt } from "~/components/form-errors";
import { RelativeTime } from "~/components/Timestamp";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";
import { CARRIER_APIS, isCarrierApi } from "~/domain/carrier-apis";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  return { now: context.shipwatch.clock.now(), carriers: await context.shipwatch.services.carriers.overview(session.shop) };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const CarrierAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), carrier: z.string().refine(isCarrierApi, "Unknown carrier"), clientId: z.string().max(200), clientSecret: z.string().max(500).default(""), polling: z.enum(["on", "off"]) }),
  z.object({ intent: z.literal("disconnect"), carrier: z.string().refine(isCarrierApi, "Unknown carrier") }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const parsed = CarrierAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { intent: "invalid" as const, fieldErrors: { form: parsed.error.issues[0]!.message } as Record<string, string> };
  const { carriers } = context.shipwatch.services;
  const input = parsed.data;
  if (!isCarrierApi(input.carrier)) return { intent: "invalid" as const, fieldErrors: { form: "Unknown carrier" } as Record<string, string> };
  if (input.intent === "save") {
    const saved = await carriers.connect(session.shop, input.carrier, { clientId: input.clientId, clientSecret: input.clientSecret, polling: input.polling === "on" });
    return saved.ok ? { intent: input.intent, carrier: input.carrier, saved: true as const } : { intent: input.intent, carrier: input.carrier, fieldErrors: saved.fieldErrors };
  }
  return { intent: input.intent, carrier: input.carrier, disconnected: await carriers.disconnect(session.shop, input.carrier) };
};

type View = ReturnType<typeof useLoaderData<typeof loader>>["carriers"][number];

/** The form's working copy: the secret is never loaded, so its field starts empty and an empty one keeps what is saved. */
const draftOf = (v: View) => ({ clientId: "", clientSecret: "", polling: v.account?.polling ?? true });
type Draft = ReturnType<typeof draftOf>;

/** Where a merchant finds the credentials, in each carrier's developer portal. */
const SETUP: Record<View["carrier"], string[]> = {
  ups: ["Sign in at developer.ups.com and open My Apps → Add Apps.", "Add the Tracking API product to the app.", "Copy the app's Client ID and Client Secret here."],
  usps: ["Sign in at developer.usps.com (USPS APIs, not the retired Web Tools).", "Open Apps → Add App and include the Tracking API.", "Copy the app's Consumer Key (client ID) and Consumer Secret here."],
  fedex: ["Sign in at developer.fedex.com and create a project with the Track API.", "Open the project's production key.", "Copy its API Key (client ID) and Secret Key here."],
  dhl: ["Sign in at developer.dhl.com and create an app.", "Add Shipment Tracking - Unified to the app.", "Copy the app's API Key here (no secret is needed)."],
};

export default function CarrierAccountsPage() {
  const { now, carriers } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const [searchParams, setSearchParams] = useSearchParams();
  const selected = Math.max(0, CARRIER_APIS.findIndex((c) => c === searchParams.get("carrier")));
  const view = carriers[selected]!;
  return (
    <Page
      title="Carrier accounts"
      backAction={{ content: "Settings", url: "/app/settings" }}
      subtitle="Connect your own UPS, USPS, FedEx or DHL developer account: Shipwatch asks the carrier itself for your parcels' scans."
    >
      <Tabs
        tabs={carriers.map((c) => ({ id: `carrier-${c.carrier}`, content: c.account ? `${c.name} ✓` : c.name, accessibilityLabel: `${c.name}${c.account ? " (connected)" : ""}` }))}
        selected={selected}
        onSelect={(i) => setSearchParams({ carrier: CARRIER_APIS[i]! })}
      />
      <Box paddingBlockStart="400">
        {/* keyed by carrier: another carrier's tab starts from its own saved values */}
        <AccountForm key={view.carrier} view={view} now={now} toast={(m) => shopify.toast.show(m)} />
      </Box>
    </Page>
  );
}

function AccountForm({ view, now, toast }: { view: View; now: number; toast: (message: string) => void }) {
  const save = useFetcher<typeof action>();
  const other = useFetcher<typeof action>();
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const update = (part: Partial<Draft>) => setDraft((d) => ({ ...d, ...part }));
  const account = view.account;
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(view));
  const saving = save.state !== "idle";
  const idLabel = view.needsSecret ? "Client ID" : "API key";

  const connecting = useRef(false);
  const submit = () => {
    connecting.current = !account;
    save.submit({ intent: "save", carrier: view.carrier, clientId: draft.clientId, clientSecret: draft.clientSecret, polling: draft.polling ? "on" : "off" }, { method: "post" });
  };
  useFetcherAnswer(save, (data) => {
    if (!("carrier" in data) || data.carrier !== view.carrier) return;
    if ("saved" in data) {
      setDraft(draftOf(view));
      setErrors(undefined);
      toast(connecting.current ? `${view.name} connected` : `${view.name} saved`);
    } else if ("fieldErrors" in data) setErrors(data.fieldErrors);
  });
  useFetcherAnswer(other, (data) => {
    if (data.intent === "disconnect") {
      setConfirmDisconnect(false);
      setDraft(draftOf(view));
      toast(`${view.name} disconnected`);
    } else if ("fieldErrors" in data) setErrors(data.fieldErrors);
  });

  return (
    <Layout>
      <ContextualSaveBar id="carrier-save-bar" dirty={dirty} saving={saving} onSave={submit} onDiscard={() => (setDraft(draftOf(view)), setErrors(undefined))} />
      {errors ? (
        <Layout.Section>
          <Banner tone="critical" title={`${view.name} was not ${account ? "saved" : "connected"}`}>
            {errors.form ?? "Nothing changed. Fix the fields marked below and save again."}
          </Banner>
        </Layout.Section>
      ) : null}
      {account?.status === "failing" ? (
        <Layout.Section>
          <Banner tone="critical" title={`${view.name} refused your account: its parcels are not being polled`}>
            <BlockStack gap="100">
              <Text as="p">{account.lastError}</Text>
              <Text as="p">Enter working credentials and save: polling starts again at once.</Text>
            </BlockStack>
          </Banner>
        </Layout.Section>
      ) : null}

      <Section title="Account" description={`Shipwatch checks the credentials with ${view.name} before it saves them, keeps them encrypted and never shows them again.`}>
        <Card>
          <BlockStack gap="400">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                {view.name}
              </Text>
              {!account ? <Badge>Not connected</Badge> : account.status === "failing" ? <Badge tone="critical">Failing</Badge> : account.polling ? <Badge tone="success">Connected</Badge> : <Badge tone="attention">Paused</Badge>}
              {account ? (
                <Text as="span" tone="subdued" variant="bodySm">
                  {`${idLabel} ending in ${account.clientIdEnding}`}
                </Text>
              ) : null}
            </InlineStack>
            <TextField
              label={idLabel}
              value={draft.clientId}
              onChange={(clientId) => update({ clientId })}
              autoComplete="off"
              placeholder={account ? "Saved. Leave empty to keep it" : undefined}
              type={view.needsSecret ? "text" : "password"}
              error={errorAt(errors, "clientId")}
            />
            {view.needsSecret ? (
              <TextField
                label="Client secret"
                type="password"
                value={draft.clientSecret}
                onChange={(clientSecret) => update({ clientSecret })}
                autoComplete="off"
                placeholder={account ? "Saved. Leave empty to keep it" : undefined}
                error={errorAt(errors, "clientSecret")}
              />
            ) : null}
            <Checkbox
              label={`Poll ${view.name} for my ${view.name} parcels`}
              helpText="About every 6 hours in transit, hourly once out for delivery, until two days after delivery (at most 60 days)."
              checked={draft.polling}
              onChange={(polling) => update({ polling })}
            />
            {!account ? (
              <Text as="p" tone="subdued">
                Fill in the fields and save to connect.
              </Text>
            ) : (
              <InlineStack>
                <Button tone="critical" variant="plain" onClick={() => setConfirmDisconnect(true)}>
                  {`Disconnect ${view.name}`}
                </Button>
              </InlineStack>
            )}
          </BlockStack>
        </Card>
      </Section>

      {account ? (
        <Section title="Polling" description={`What Shipwatch has asked ${view.name} so far. Scans from your account join the same timeline as Shopify's: a scan both report counts once.`}>
          <Card>
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
              <Figure label="Parcels polled now" value={String(account.parcels.active)} />
              <Figure label="Waiting (account paused or failing)" value={String(account.parcels.held)} />
              <Figure label="Finished" value={String(account.parcels.done)} />
              <Figure label="New scans" value={String(account.eventCount)} />
              <Figure label="Last poll" value={account.lastPollAt ? <RelativeTime at={account.lastPollAt} now={now} /> : "Not yet"} />
              <Figure label="Polls" value={String(account.pollCount)} />
              <Figure label="Failed polls" value={String(account.failureCount)} />
              <Figure label="Slowed down until" value={account.pausedUntil && account.pausedUntil > now ? <RelativeTime at={account.pausedUntil} now={now} /> : "—"} />
            </InlineGrid>
          </Card>
        </Section>
      ) : (
        <Section title="Where to find the credentials" description={`In ${view.name}'s developer portal, with the account you ship with.`}>
          <Card>
            <List type="number">
              {SETUP[view.carrier].map((step) => (
                <List.Item key={step}>{step}</List.Item>
              ))}
            </List>
          </Card>
        </Section>
      )}

      <Modal
        open={confirmDisconnect}
        onClose={() => setConfirmDisconnect(false)}
        title={`Disconnect ${view.name}?`}
        primaryAction={{ content: "Disconnect", destructive: true, loading: other.state !== "idle", onAction: () => other.submit({ intent: "disconnect", carrier: view.carrier }, { method: "post" }) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmDisconnect(false) }]}
      >
        <Modal.Section>
          <Text as="p">Its credentials are deleted and its parcels stop being polled. Scans already received stay.</Text>
        </Modal.Section>
      </Modal>
    </Layout>
  );
}

function Figure({ label, value }: { label: string; value: ReactNode }) {
  return (
    <BlockStack gap="100">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingMd">
        {value}
      </Text>
    </BlockStack>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      {children}
    </Layout.AnnotatedSection>
  );
}
