import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, Checkbox, InlineStack, Layout, List, Modal, Page, Tabs, Text, TextField } from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useRef, useState, type ReactNode } from "react";
import { z } from "zod";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { errorAt } from "~/components/form-errors";
import { RelativeTime } from "~/components/Timestamp";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";
import { HELPDESK_PROVIDERS, isApiHelpdesk, isHelpdeskProvider, type HelpdeskProviderName } from "~/domain/helpdesk-connections";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  return {
    now: context.shipwatch.clock.now(),
    appUrl: context.shipwatch.config.shopify.appUrl,
    connections: await context.shipwatch.services.helpdesks.list(session.shop),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const FORM_FIELDS = ["account", "subdomain", "email", "apiKey", "apiToken", "webhookSecret", "tagWismo", "tags", "noteReply", "noteInsteadOfEmail"] as const;
const HelpdeskAction = z.object({
  intent: z.enum(["save", "regenerate", "disconnect"]),
  provider: z.string().refine(isHelpdeskProvider, "Unknown helpdesk"),
});

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const form = Object.fromEntries(await request.formData());
  const parsed = HelpdeskAction.safeParse(form);
  if (!parsed.success) return { intent: "invalid" as const, fieldErrors: { form: parsed.error.issues[0]!.message } as Record<string, string> };
  const { helpdesks } = context.shipwatch.services;
  const { intent, provider } = parsed.data;
  if (intent === "save") {
    const fields = Object.fromEntries(FORM_FIELDS.map((f) => [f, typeof form[f] === "string" ? (form[f] as string) : undefined]));
    const saved = await helpdesks.save(session.shop, provider, fields);
    return saved.ok ? { intent, provider, saved: true as const, issuedSecret: saved.issuedSecret } : { intent, provider, fieldErrors: saved.errors };
  }
  if (intent === "regenerate") {
    const result = await helpdesks.regenerateSecret(session.shop, provider);
    return result.ok ? { intent, provider, issuedSecret: result.secret } : { intent, provider, fieldErrors: { form: result.error } as Record<string, string> };
  }
  return { intent, provider, disconnected: await helpdesks.disconnect(session.shop, provider) };
};

type View = ReturnType<typeof useLoaderData<typeof loader>>["connections"][number];

/** The form's working copy: secrets are never loaded, so their fields start empty and an empty one keeps what is saved. */
function draftOf(v: View) {
  return {
    account: v.account ?? "",
    email: v.email ?? "",
    apiSecret: "",
    webhookSecret: "",
    tagWismo: v.options.tagWismo,
    tags: v.options.tags.join(", "),
    noteReply: v.options.noteReply,
    noteInsteadOfEmail: v.options.noteInsteadOfEmail,
  };
}
type Draft = ReturnType<typeof draftOf>;

const SETUP: Record<HelpdeskProviderName, string[]> = {
  gorgias: [
    "In Gorgias, open Settings → Integrations → HTTP integration and add one.",
    "Trigger: Ticket created. URL: the webhook URL below. Method: POST. Request content type: application/json.",
    "Headers: X-Shipwatch-Token with the signing secret below.",
    "Request body: paste the template below.",
  ],
  zendesk: [
    "In Zendesk Admin Center, open Apps and integrations → Webhooks → Create webhook (Trigger or automation).",
    "Endpoint URL: the webhook URL below. Request method: POST. Request format: JSON. No authentication.",
    "Open the webhook and reveal its signing secret; paste it here and save.",
    "Create a trigger: Ticket is Created → Notify webhook (Shipwatch), with the JSON body below.",
  ],
  intercom: [
    "In the Intercom Developer Hub, open your app → Webhooks.",
    "Endpoint URL: the webhook URL below. Topic: conversation.user.created.",
    "Intercom signs each request with the app's client secret (Basic information → App credentials): paste it here and save.",
  ],
  freshdesk: [
    "In Freshdesk, open Admin → Workflows → Automations → Ticket creation, and add a rule with the action Trigger webhook.",
    "Request type: POST. URL: the webhook URL below. Custom header: X-Shipwatch-Token with the signing secret below.",
    'Encoding JSON, advanced content: {"id":"{{ticket.id}}","customerEmail":"{{ticket.contact.email}}","subject":"{{ticket.subject}}","body":"{{ticket.description_text}}","createdAt":"{{ticket.created_on}}"}',
  ],
  gladly: [
    "Gladly's webhooks carry ids only: send its conversation events through your relay, which reads the conversation and posts it here.",
    'Body: {"id","customerEmail","subject","body","createdAt"}, signed with X-Shipwatch-Signature: sha256=<hex HMAC-SHA256 of the body with the signing secret below>.',
  ],
  reamaze: [
    "In Re:amaze, open Settings → Webhooks and add one for New conversation.",
    "URL: the webhook URL below. If your Re:amaze plan cannot add headers, send it through a relay that adds X-Shipwatch-Token (or signs with X-Shipwatch-Signature).",
  ],
};

export default function HelpdesksPage() {
  const { now, appUrl, connections } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const [searchParams, setSearchParams] = useSearchParams();
  const selectedName = searchParams.get("helpdesk");
  const selected = Math.max(0, HELPDESK_PROVIDERS.findIndex((p) => p === selectedName));
  const view = connections[selected]!;
  return (
    <Page title="Helpdesks" backAction={{ content: "Settings", url: "/app/settings" }} subtitle="Read your helpdesk's tickets, answer where-is-my-order questions in them, and keep support in the loop.">
      <Tabs
        tabs={connections.map((c) => ({ id: `helpdesk-${c.provider}`, content: c.connected ? `${c.label} ✓` : c.label, accessibilityLabel: `${c.label}${c.connected ? " (connected)" : ""}` }))}
        selected={selected}
        onSelect={(i) => setSearchParams({ helpdesk: HELPDESK_PROVIDERS[i]! })}
      />
      <Box paddingBlockStart="400">
        {/* keyed by provider: another helpdesk's tab starts from its own saved values */}
        <ConnectionForm key={view.provider} view={view} now={now} appUrl={appUrl} toast={(m) => shopify.toast.show(m)} />
      </Box>
    </Page>
  );
}

function ConnectionForm({ view, now, appUrl, toast }: { view: View; now: number; appUrl: string; toast: (message: string) => void }) {
  const save = useFetcher<typeof action>();
  const other = useFetcher<typeof action>();
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  const update = (part: Partial<Draft>) => setDraft((d) => ({ ...d, ...part }));
  const api = isApiHelpdesk(view.provider);
  const accountField = view.provider === "gorgias" ? "account" : "subdomain";
  const secretField = view.provider === "gorgias" ? "apiKey" : "apiToken";
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(view));
  const saving = save.state !== "idle";

  // the toast tells what this save did; by the time it lands the loader already shows the connection
  const connecting = useRef(false);
  const submit = () => {
    connecting.current = !view.connected;
    save.submit(
      {
        intent: "save",
        provider: view.provider,
        [accountField]: draft.account,
        email: draft.email,
        [secretField]: draft.apiSecret,
        webhookSecret: draft.webhookSecret,
        tags: draft.tags,
        ...(draft.tagWismo ? { tagWismo: "on" } : {}),
        ...(draft.noteReply ? { noteReply: "on" } : {}),
        ...(draft.noteInsteadOfEmail ? { noteInsteadOfEmail: "on" } : {}),
      },
      { method: "post" },
    );
  };
  useFetcherAnswer(save, (data) => {
    if (!("provider" in data) || data.provider !== view.provider) return;
    if ("saved" in data) {
      // the loader has the saved values by now: they are the form's new starting point (secret fields empty again)
      setDraft(draftOf(view));
      setErrors(undefined);
      if (data.issuedSecret) setSecret(data.issuedSecret);
      toast(connecting.current ? `${view.label} connected` : `${view.label} saved`);
    } else if ("fieldErrors" in data) setErrors(data.fieldErrors);
  });
  useFetcherAnswer(other, (data) => {
    if (data.intent === "regenerate" && "issuedSecret" in data && data.issuedSecret) {
      setSecret(data.issuedSecret);
      toast("New signing secret made");
    } else if (data.intent === "disconnect") {
      setConfirmDisconnect(false);
      setSecret(null);
      toast(`${view.label} disconnected`);
    } else if ("fieldErrors" in data) setErrors(data.fieldErrors);
  });

  const needsWebhookSecret = view.secretKind !== "issued";
  const webhookReady = view.connected && view.hasWebhookSecret;
  return (
    <Layout>
      <ContextualSaveBar id="helpdesk-save-bar" dirty={dirty} saving={saving} onSave={submit} onDiscard={() => (setDraft(draftOf(view)), setErrors(undefined))} />
      {errors ? (
        <Layout.Section>
          <Banner tone="critical" title={`${view.label} was not ${view.connected ? "saved" : "connected"}`}>
            {errors.form ?? "Nothing changed. Fix the fields marked below and save again."}
          </Banner>
        </Layout.Section>
      ) : null}

      <Section title="Connection" description={api ? `Shipwatch checks the credentials with ${view.label} before it saves them, keeps them encrypted and never shows them again.` : `${view.label} sends its new tickets to Shipwatch, signed, so they count as asks and get an answer.`}>
        <Card>
          <BlockStack gap="400">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h2" variant="headingMd">
                {view.label}
              </Text>
              {view.connected ? <Badge tone="success">Connected</Badge> : <Badge>Not connected</Badge>}
              {view.lastTicketAt ? (
                <Text as="span" tone="subdued" variant="bodySm">
                  Last ticket <RelativeTime at={view.lastTicketAt} now={now} />
                </Text>
              ) : null}
            </InlineStack>
            {api ? (
              <>
                <TextField
                  label={view.provider === "gorgias" ? "Gorgias account" : "Zendesk subdomain"}
                  value={draft.account}
                  onChange={(account) => update({ account })}
                  autoComplete="off"
                  placeholder="acme"
                  suffix={view.provider === "gorgias" ? ".gorgias.com" : ".zendesk.com"}
                  error={errorAt(errors, accountField)}
                />
                <TextField label="API user's email" type="email" value={draft.email} onChange={(email) => update({ email })} autoComplete="off" error={errorAt(errors, "email")} />
                <TextField
                  label={view.provider === "gorgias" ? "API key" : "API token"}
                  type="password"
                  value={draft.apiSecret}
                  onChange={(apiSecret) => update({ apiSecret })}
                  autoComplete="off"
                  placeholder={view.hasApiCredentials ? "Saved. Leave empty to keep it" : undefined}
                  helpText={view.provider === "gorgias" ? "Gorgias → Settings → REST API." : "Admin Center → Apps and integrations → Zendesk API → Add API token. The user must be an agent or admin."}
                  error={errorAt(errors, secretField)}
                />
              </>
            ) : null}
            {needsWebhookSecret ? (
              <TextField
                label={view.provider === "zendesk" ? "Webhook signing secret (from Zendesk)" : "Client secret (from Intercom)"}
                type="password"
                value={draft.webhookSecret}
                onChange={(webhookSecret) => update({ webhookSecret })}
                autoComplete="off"
                placeholder={view.hasWebhookSecret ? "Saved. Leave empty to keep it" : undefined}
                helpText={view.provider === "zendesk" ? "Create the webhook first (its URL appears below once connected), then reveal its signing secret in Zendesk." : "Intercom signs its webhooks with your app's client secret."}
                error={errorAt(errors, "webhookSecret")}
              />
            ) : null}
            <InlineStack gap="200">
              {!view.connected && !api && !needsWebhookSecret ? (
                <Button variant="primary" loading={saving} onClick={submit}>
                  {`Connect ${view.label}`}
                </Button>
              ) : null}
              {view.connected ? (
                <Button tone="critical" variant="plain" onClick={() => setConfirmDisconnect(true)}>
                  {`Disconnect ${view.label}`}
                </Button>
              ) : null}
            </InlineStack>
            {!view.connected && (api || needsWebhookSecret) ? (
              <Text as="p" tone="subdued">
                Fill in the fields and save to connect.
              </Text>
            ) : null}
          </BlockStack>
        </Card>
      </Section>

      {view.connected ? (
        <Section title="Ticket webhook" description={`Where ${view.label} sends new tickets. A request that is not signed with this connection's secret is refused and nothing is kept.`}>
          <Card>
            <BlockStack gap="400">
              {!webhookReady ? (
                <Banner tone="warning" title="Waiting for the signing secret">
                  Tickets are refused until you paste {view.label}&apos;s secret above and save.
                </Banner>
              ) : null}
              <CopyField label="Webhook URL" value={view.webhookUrl!} />
              {view.secretKind === "issued" ? (
                <BlockStack gap="200">
                  {secret ? (
                    <BlockStack gap="200">
                      <Banner tone="success" title="New signing secret">
                        Copy it now: this is the only time it is shown. Shipwatch keeps it encrypted.
                      </Banner>
                      <CopyField label="Signing secret" value={secret} />
                    </BlockStack>
                  ) : (
                    <Text as="p" tone="subdued">
                      Signing secret: made by Shipwatch and shown once, when it was made.
                    </Text>
                  )}
                  <InlineStack>
                    <Button loading={other.state !== "idle"} onClick={() => other.submit({ intent: "regenerate", provider: view.provider }, { method: "post" })}>
                      Make a new signing secret
                    </Button>
                  </InlineStack>
                  <Text as="p" tone="subdued" variant="bodySm">
                    Send it as the header X-Shipwatch-Token, or sign the body: X-Shipwatch-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;. A new secret replaces the old one at once.
                  </Text>
                </BlockStack>
              ) : null}
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  Set it up in {view.label}
                </Text>
                <List type="number">
                  {SETUP[view.provider].map((step) => (
                    <List.Item key={step}>{step}</List.Item>
                  ))}
                </List>
              </BlockStack>
              {view.template ? <CopyField label={view.provider === "gorgias" ? "Request body (Gorgias HTTP integration)" : "JSON body (Zendesk trigger)"} value={view.template} multiline /> : null}
            </BlockStack>
          </Card>
        </Section>
      ) : null}

      {api ? (
        <Section title="Where-is-my-order tickets" description={`What Shipwatch does in ${view.label} when a ticket asks where an order is.`}>
          <Card>
            <BlockStack gap="300">
              <Checkbox label="Tag the ticket" checked={draft.tagWismo} onChange={(tagWismo) => update({ tagWismo })} />
              <TextField
                label="Tags"
                value={draft.tags}
                onChange={(tags) => update({ tags })}
                autoComplete="off"
                disabled={!draft.tagWismo}
                helpText="Separated by commas, up to 5."
                error={errorAt(errors, "tags")}
              />
              <Checkbox label="Add an internal note with Shipwatch's answer" helpText="The parcel's status and a suggested reply, for the agent. The customer never sees it." checked={draft.noteReply} onChange={(noteReply) => update({ noteReply })} />
              <Checkbox
                label="Add updates to the open ticket instead of emailing"
                helpText="While the customer has a where-is-my-order ticket from the last 7 days, Shipwatch adds the next update to it as an internal note instead of sending another email. The Outbox shows it as “Noted on ticket”."
                checked={draft.noteInsteadOfEmail}
                onChange={(noteInsteadOfEmail) => update({ noteInsteadOfEmail })}
              />
            </BlockStack>
          </Card>
        </Section>
      ) : null}

      {view.provider === "gorgias" ? (
        <Section title="Shipments in the ticket sidebar" description="A Gorgias HTTP integration that lists the customer's shipments next to each ticket.">
          <Card>
            <BlockStack gap="300">
              <List type="number">
                <List.Item>
                  Create an API key in <Button variant="plain" url="/app/settings">Settings → API keys</Button> named Gorgias.
                </List.Item>
                <List.Item>In Gorgias, add another HTTP integration. Trigger: Ticket created and Ticket message created. Method: GET.</List.Item>
                <List.Item>URL: the address below. Header: Authorization with the value Bearer followed by the key.</List.Item>
                <List.Item>Open a ticket, then customize its sidebar widget to show shipments[].statusLabel, trackingUrl and estimatedDelivery.</List.Item>
              </List>
              <CopyField label="Widget URL" value={`${appUrl}/api/v1/shipments?email={{ticket.customer.email}}`} />
            </BlockStack>
          </Card>
        </Section>
      ) : null}

      <Modal
        open={confirmDisconnect}
        onClose={() => setConfirmDisconnect(false)}
        title={`Disconnect ${view.label}?`}
        primaryAction={{ content: "Disconnect", destructive: true, loading: other.state !== "idle", onAction: () => other.submit({ intent: "disconnect", provider: view.provider }, { method: "post" }) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmDisconnect(false) }]}
      >
        <Modal.Section>
          <Text as="p">Its webhook URL stops working at once and its credentials are deleted. Tickets already received stay.</Text>
        </Modal.Section>
      </Modal>
    </Layout>
  );
}

function CopyField({ label, value, multiline }: { label: string; value: string; multiline?: boolean }) {
  return (
    <TextField
      label={label}
      value={value}
      readOnly
      autoComplete="off"
      monospaced
      selectTextOnFocus
      multiline={multiline ? 8 : undefined}
      connectedRight={multiline ? undefined : <Button onClick={() => void navigator.clipboard?.writeText(value)}>Copy</Button>}
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
