import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  Divider,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
  Page,
} from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { z } from "zod";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { errorAt } from "~/components/form-errors";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";
import { hrefWith, shopifyParamsOf, useAdminHref } from "~/components/embedded-url";
import { RelativeTime } from "~/components/Timestamp";
import {
  CHANNELS,
  DELAY_MOMENTS,
  LOCALE_LABELS,
  LOCALES,
  MOMENT_LABELS,
  momentEnabled,
  OFF_BY_DEFAULT_MOMENTS,
  ORDER_MOMENTS,
  PROGRESS_MOMENTS,
  type Channel,
  type Moment,
} from "~/domain/notifications";

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const { notifications } = context.shipwatch.services;
  const [overview, alerts] = await Promise.all([notifications.overview(session.shop), notifications.alerts(session.shop)]);
  return {
    now: context.shipwatch.clock.now(),
    policy: overview.policy,
    operatorEmail: overview.operatorEmail,
    alertAfterHours: overview.alertAfterHours,
    // what the browser may know of a channel: never its secret, only whether one is saved
    channels: overview.channels.map((c) => ({
      channel: c.channel,
      label: c.label,
      enabled: c.enabled,
      settings: c.settings,
      hasSecret: c.hasSecret,
      usesOperatorRelay: c.usesOperatorRelay,
      ready: c.ready,
      failingSince: c.failingSince,
      lastError: c.lastError,
      lastSuccessAt: c.lastSuccessAt,
      alerting: c.alerting,
    })),
    alerts: alerts.map((a) => ({ channel: a.channel, label: a.label, failingSince: a.failingSince, lastError: a.lastError })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const ChannelName = z.enum(CHANNELS);
const JsonObject = z
  .string()
  .max(20_000)
  .transform((text, ctx) => {
    try {
      const value = JSON.parse(text) as unknown;
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: "not a JSON object" });
    return z.NEVER;
  });

const NotificationsAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("policy"), policy: JsonObject }),
  z.object({ intent: z.literal("channel"), channel: ChannelName, enabled: z.enum(["true", "false"]), settings: JsonObject, secret: JsonObject }),
  z.object({ intent: z.literal("test"), channel: ChannelName, to: z.string().trim().max(200).optional() }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = session.shop;
  const parsed = NotificationsAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { intent: "invalid" as const, error: "The form could not be read; reload the page and try again." };
  const { notifications } = context.shipwatch.services;
  const a = parsed.data;
  switch (a.intent) {
    case "policy": {
      const saved = await notifications.savePolicy(shop, a.policy);
      return saved.ok ? { intent: "policy" as const, saved: true as const } : { intent: "policy" as const, fieldErrors: saved.fieldErrors };
    }
    case "channel": {
      const saved = await notifications.saveChannel(shop, a.channel, { enabled: a.enabled === "true", settings: a.settings, secret: a.secret });
      return saved.ok ? { intent: "channel" as const, channel: a.channel, saved: true as const } : { intent: "channel" as const, channel: a.channel, fieldErrors: saved.fieldErrors };
    }
    case "test": {
      const outcome = await notifications.testSend(shop, a.channel, a.to ? a.to : null);
      return { intent: "test" as const, channel: a.channel, outcome: outcome.ok ? { ok: true as const, providerId: outcome.providerId } : { ok: false as const, error: outcome.error } };
    }
  }
};

// ---- the channels' forms: which fields each one asks for (ChannelConfigSchemas checks them on save)

interface FieldSpec {
  name: string;
  label: string;
  helpText?: string;
  placeholder?: string;
  type?: "text" | "email" | "url";
}
interface ChannelForm {
  description: string;
  settings: FieldSpec[];
  secret: FieldSpec[];
  flags?: { name: string; label: string; helpText: string }[];
  /** where a test goes: an address the merchant types, or the configured destination */
  testTo: "email" | "phone" | null;
  /** Shopify's write-back acts on real orders only */
  testable: boolean;
}

const CHANNEL_FORMS: Record<Channel, ChannelForm> = {
  email: {
    description: "Tells customers where their parcel is, from your address.",
    settings: [
      { name: "from", label: "From", placeholder: "Your Shop <hello@yourshop.com>", helpText: "Leave empty for the sender of the mail server." },
      { name: "replyTo", label: "Reply-to address", type: "email", placeholder: "support@yourshop.com" },
    ],
    secret: [{ name: "smtpUrl", label: "Your SMTP server", placeholder: "smtps://user:password@smtp.yourshop.com:465", helpText: "A mail server on the public internet, with no options after the port." }],
    testTo: "email",
    testable: true,
  },
  sms: {
    description: "Text messages through your Twilio account, for the orders your SMS segment picks.",
    settings: [
      { name: "accountSid", label: "Account SID", placeholder: "AC…" },
      { name: "from", label: "Sender", placeholder: "+15551234567 or MG…", helpText: "A Twilio phone number, or a Messaging Service SID." },
    ],
    secret: [{ name: "authToken", label: "Auth Token", helpText: "From the Twilio console." }],
    testTo: "phone",
    testable: true,
  },
  klaviyo: {
    description: "Each moment becomes a Klaviyo event, for your own flows to send.",
    settings: [],
    secret: [{ name: "privateKey", label: "Private API key", placeholder: "pk_…" }],
    testTo: null,
    testable: true,
  },
  slack: {
    description: "Alerts your team when a rule says so, or when a channel stops working.",
    settings: [{ name: "label", label: "Channel name", placeholder: "#shipping-alerts", helpText: "How the Outbox names where alerts went." }],
    secret: [{ name: "webhookUrl", label: "Incoming webhook URL", type: "url", placeholder: "https://hooks.slack.com/services/…" }],
    testTo: null,
    testable: true,
  },
  webhook: {
    description: "Every moment, signed, to your helpdesk or your own endpoint.",
    settings: [{ name: "url", label: "Endpoint URL", type: "url", placeholder: "https://helpdesk.example.com/shipwatch", helpText: "A public https:// address. Redirects are not followed." }],
    secret: [{ name: "signingSecret", label: "Signing secret", helpText: "At least 16 characters. Check X-Shipwatch-Signature with it." }],
    testTo: null,
    testable: true,
  },
  shopify: {
    description: "Writes what Shipwatch knows back to the order, for your staff and your other apps.",
    settings: [],
    secret: [],
    flags: [
      { name: "tagExceptions", label: "Tag orders in trouble", helpText: "Adds shipwatch:exception to the order when a shipment is delayed or has a problem." },
      { name: "statusMetafield", label: "Keep the status metafield current", helpText: "The order's shipwatch.status metafield follows every moment." },
    ],
    testTo: null,
    testable: false,
  },
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;
type ChannelView = LoaderData["channels"][number];
type Policy = LoaderData["policy"];

const upperFirst = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const fieldError = (errors: Record<string, string> | undefined, key: string) => {
  const message = errorAt(errors, key);
  return message ? upperFirst(message) : undefined;
};

// ---- the policy's working copy: numbers as typed, numbers again when sent

interface PolicyDraft {
  moments: Record<Moment, boolean>;
  quietEnabled: boolean;
  quietStart: string;
  quietEnd: string;
  postDeliveryHoldHours: string;
  dailyCap: string;
  smsMinOrderValue: string;
  smsExpress: boolean;
  combineWindowMinutes: string;
  defaultLocale: string;
  freshnessHours: string;
  supportEmail: string;
}

const ALL_MOMENTS = [...PROGRESS_MOMENTS, ...DELAY_MOMENTS, ...ORDER_MOMENTS] as Moment[];

function draftOf(policy: Policy): PolicyDraft {
  return {
    moments: Object.fromEntries(ALL_MOMENTS.map((m) => [m, momentEnabled(policy, m)])) as Record<Moment, boolean>,
    quietEnabled: policy.quietHours.enabled,
    quietStart: policy.quietHours.start,
    quietEnd: policy.quietHours.end,
    postDeliveryHoldHours: String(policy.postDeliveryHoldHours),
    dailyCap: String(policy.dailyCap),
    smsMinOrderValue: String(policy.sms.minOrderValue),
    smsExpress: policy.sms.express,
    combineWindowMinutes: String(policy.combineWindowMinutes),
    defaultLocale: policy.defaultLocale,
    freshnessHours: String(policy.freshnessHours),
    supportEmail: policy.supportEmail ?? "",
  };
}

const number = (text: string) => (text.trim() === "" || Number.isNaN(Number(text)) ? null : Number(text));

function policyInput(d: PolicyDraft) {
  return {
    // only the moments that differ from their default are stored: a moment added later starts as it ships
    moments: Object.fromEntries(ALL_MOMENTS.filter((m) => d.moments[m] === OFF_BY_DEFAULT_MOMENTS.has(m)).map((m) => [m, d.moments[m]])),
    quietHours: { enabled: d.quietEnabled, start: d.quietStart, end: d.quietEnd },
    postDeliveryHoldHours: number(d.postDeliveryHoldHours),
    dailyCap: number(d.dailyCap),
    sms: { minOrderValue: number(d.smsMinOrderValue), express: d.smsExpress },
    combineWindowMinutes: number(d.combineWindowMinutes),
    defaultLocale: d.defaultLocale,
    freshnessHours: number(d.freshnessHours),
    supportEmail: d.supportEmail.trim(),
  };
}

export default function NotificationsPage() {
  const { now, policy, channels, alerts, operatorEmail, alertAfterHours } = useLoaderData<typeof loader>();
  const adminHref = useAdminHref();
  const shopify = useAppBridge();
  const [searchParams] = useSearchParams();
  const save = useFetcher<typeof action>();
  const [draft, setDraft] = useState<PolicyDraft>(() => draftOf(policy));
  const update = (part: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...part }));
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  const policyDirty = JSON.stringify(draft) !== JSON.stringify(draftOf(policy));

  // One Save for the page: the policy and every channel with changes go together. Each channel card keeps its
  // own form and its own request (the action takes one channel at a time); the page learns of its state here.
  const cards = useRef(new Map<Channel, ChannelCardHandle>());
  const [cardStates, setCardStates] = useState<Partial<Record<Channel, { dirty: boolean; saving: boolean }>>>({});
  const onCardState = useCallback((channel: Channel, state: { dirty: boolean; saving: boolean }) => setCardStates((all) => ({ ...all, [channel]: state })), []);
  const register = useCallback((channel: Channel, handle: ChannelCardHandle | null) => {
    if (handle) cards.current.set(channel, handle);
    else cards.current.delete(channel);
  }, []);
  // what the current save is waiting for, and what it has saved so far
  const round = useRef<{ pending: Set<string>; saved: string[] }>({ pending: new Set(), saved: [] });
  const settle = useCallback(
    (part: string, savedAs: string | null) => {
      const r = round.current;
      if (!r.pending.delete(part)) return;
      if (savedAs) r.saved.push(savedAs);
      if (r.pending.size === 0 && r.saved.length) shopify.toast.show(`${r.saved.join(", ")} saved`);
    },
    [shopify],
  );

  useFetcherAnswer(save, (data) => {
    if (data.intent !== "policy") return;
    if ("saved" in data) {
      // the loader's policy is the new starting point: numbers come back as the server keeps them
      setDraft(draftOf(policy));
      setErrors(undefined);
    } else setErrors(data.fieldErrors);
    settle("policy", "saved" in data ? "Notification settings" : null);
  });

  const dirtyChannels = CHANNELS.filter((c) => cardStates[c]?.dirty);
  const dirty = policyDirty || dirtyChannels.length > 0;
  const saving = save.state !== "idle" || CHANNELS.some((c) => cardStates[c]?.saving);
  const saveAll = () => {
    round.current = { pending: new Set([...(policyDirty ? ["policy"] : []), ...dirtyChannels]), saved: [] };
    if (policyDirty) save.submit({ intent: "policy", policy: JSON.stringify(policyInput(draft)) }, { method: "post" });
    for (const channel of dirtyChannels) cards.current.get(channel)?.save();
  };
  const discardAll = () => {
    setDraft(draftOf(policy));
    setErrors(undefined);
    for (const handle of cards.current.values()) handle.discard();
  };
  const outboxHref = (params: Record<string, string>) => {
    const search = shopifyParamsOf(searchParams);
    for (const [name, value] of Object.entries(params)) search.set(name, value);
    return hrefWith("/app/notifications/outbox", search);
  };
  const nothingReady = !channels.some((c) => c.ready);

  return (
    <Page
      title="Notifications"
      subtitle="Tell customers where their parcel is before they ask."
      secondaryActions={[
        { content: "Outbox", url: adminHref("/app/notifications/outbox") },
        { content: "Templates", url: adminHref("/app/notifications/templates") },
        { content: "Team alerts", url: adminHref("/app/notifications/team-alerts") },
      ]}
    >
      <ContextualSaveBar id="notifications-save-bar" dirty={dirty} saving={saving} onSave={saveAll} onDiscard={discardAll} />
      <Layout>
        {alerts.length ? (
          <Layout.Section>
            <Banner
              tone="critical"
              title={`${alerts.length === 1 ? `${alerts[0]!.label} has` : `${alerts.length} channels have`} been failing for more than ${alertAfterHours === 1 ? "an hour" : `${alertAfterHours} hours`}`}
              action={{ content: "See failed messages", url: outboxHref({ status: "failed" }) }}
            >
              <BlockStack gap="100">
                {alerts.map((a) => (
                  <p key={a.channel}>
                    {a.label}: failing since {a.failingSince ? <RelativeTime at={a.failingSince} now={now} /> : "a while"}
                    {a.lastError ? <> — {a.lastError}</> : null}. Messages are retried; after the last attempt they wait in the Outbox.
                  </p>
                ))}
              </BlockStack>
            </Banner>
          </Layout.Section>
        ) : null}
        {errors ? (
          <Layout.Section>
            <Banner tone="critical" title="Notification settings were not saved">
              Nothing changed. Fix the fields marked below and save again.
            </Banner>
          </Layout.Section>
        ) : null}

        <Layout.AnnotatedSection
          title="Channels"
          description="Where messages go. A channel sends once it is switched on and has what it needs; credentials are encrypted and never shown again."
        >
          <BlockStack gap="400">
            {nothingReady ? (
              <Banner tone="info" title="No channel is sending yet">
                Switch one on and save it: until then Shipwatch plans no messages.
              </Banner>
            ) : null}
            {channels.map((c) => (
              <ChannelCard key={c.channel} view={c} now={now} operatorEmail={operatorEmail} onState={onCardState} register={register} onSettled={settle} />
            ))}
          </BlockStack>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title="Moments" description="The moments worth a message. Each shipment gets one message per moment, on each channel that is on.">
          <Card>
            <BlockStack gap="400">
              <MomentGroup title="Progress" moments={PROGRESS_MOMENTS} draft={draft} onChange={(moments) => update({ moments })} />
              <Divider />
              <MomentGroup title="Delays and problems" moments={DELAY_MOMENTS} draft={draft} onChange={(moments) => update({ moments })} />
              <Divider />
              <MomentGroup
                title="Before shipping"
                helpText="Once per order, by email or SMS, when an order is still waiting past its handling time (a Fulfillment case opens). Not sent if it ships first."
                moments={ORDER_MOMENTS}
                draft={draft}
                onChange={(moments) => update({ moments })}
              />
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          title="Timing"
          description="Customer messages wait out quiet hours in the recipient's time zone. Messages to your team and your systems go at once."
        >
          <Card>
            <FormLayout>
              <Checkbox label="Keep quiet hours" helpText="No customer message arrives at night; it waits until quiet hours end." checked={draft.quietEnabled} onChange={(quietEnabled) => update({ quietEnabled })} />
              <FormLayout.Group condensed>
                <TextField
                  label="Quiet from"
                  type="time"
                  value={draft.quietStart}
                  onChange={(quietStart) => update({ quietStart })}
                  disabled={!draft.quietEnabled}
                  autoComplete="off"
                  error={fieldError(errors, "quietHours.start")}
                />
                <TextField
                  label="Quiet until"
                  type="time"
                  value={draft.quietEnd}
                  onChange={(quietEnd) => update({ quietEnd })}
                  disabled={!draft.quietEnabled}
                  autoComplete="off"
                  error={fieldError(errors, "quietHours.end") ?? fieldError(errors, "quietHours")}
                />
              </FormLayout.Group>
              <FormLayout.Group condensed>
                <TextField
                  label="After-delivery check-in"
                  type="number"
                  min={12}
                  max={24}
                  suffix="hours after delivery"
                  value={draft.postDeliveryHoldHours}
                  onChange={(postDeliveryHoldHours) => update({ postDeliveryHoldHours })}
                  autoComplete="off"
                  helpText="From 12 to 24 hours."
                  error={fieldError(errors, "postDeliveryHoldHours")}
                />
                <TextField
                  label="Combine shipments of one order within"
                  type="number"
                  min={0}
                  max={60}
                  suffix="minutes"
                  value={draft.combineWindowMinutes}
                  onChange={(combineWindowMinutes) => update({ combineWindowMinutes })}
                  autoComplete="off"
                  helpText="Parcels reaching the same moment together get one message. 0 sends each alone."
                  error={fieldError(errors, "combineWindowMinutes")}
                />
              </FormLayout.Group>
              <FormLayout.Group condensed>
                <TextField
                  label="Daily limit per shipment"
                  type="number"
                  min={1}
                  max={10}
                  suffix="messages a day"
                  value={draft.dailyCap}
                  onChange={(dailyCap) => update({ dailyCap })}
                  autoComplete="off"
                  helpText="More wait for the next day, and go only if still true then."
                  error={fieldError(errors, "dailyCap")}
                />
                <Select
                  label="Default language"
                  options={LOCALES.map((l) => ({ value: l, label: LOCALE_LABELS[l] }))}
                  value={draft.defaultLocale}
                  onChange={(defaultLocale) => update({ defaultLocale })}
                  helpText="For customers whose language has no templates."
                  error={fieldError(errors, "defaultLocale")}
                />
              </FormLayout.Group>
              <FormLayout.Group condensed>
                <TextField
                  label="Only news within"
                  type="number"
                  min={1}
                  max={336}
                  suffix="hours"
                  value={draft.freshnessHours}
                  onChange={(freshnessHours) => update({ freshnessHours })}
                  autoComplete="off"
                  helpText="A moment older than this is history: no message (a late or replayed event stays quiet)."
                  error={fieldError(errors, "freshnessHours")}
                />
                <TextField
                  label="Customers write to"
                  type="email"
                  value={draft.supportEmail}
                  onChange={(supportEmail) => update({ supportEmail })}
                  autoComplete="email"
                  placeholder="support@yourshop.com"
                  helpText="The address messages give for questions. Empty: the email channel's reply-to or sender."
                  error={fieldError(errors, "supportEmail")}
                />
              </FormLayout.Group>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection title="SMS segment" description="Text messages cost money and interrupt: send them only for the orders that warrant one. Email goes to everyone.">
          <Card>
            <FormLayout>
              <Box maxWidth="320px">
                <TextField
                  label="Orders worth at least"
                  type="number"
                  min={0}
                  step={0.01}
                  suffix="in the order's currency"
                  value={draft.smsMinOrderValue}
                  onChange={(smsMinOrderValue) => update({ smsMinOrderValue })}
                  autoComplete="off"
                  helpText="0 sends SMS for every order."
                  error={fieldError(errors, "sms.minOrderValue")}
                />
              </Box>
              <Checkbox
                label="Or shipped express"
                helpText="Express, overnight, next-day, priority or 2-day shipping methods, whatever the order's value."
                checked={draft.smsExpress}
                onChange={(smsExpress) => update({ smsExpress })}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>

      </Layout>
    </Page>
  );
}

function MomentGroup({ title, helpText, moments, draft, onChange }: { title: string; helpText?: string; moments: readonly Moment[]; draft: PolicyDraft; onChange: (moments: Record<Moment, boolean>) => void }) {
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        {title}
      </Text>
      {helpText ? (
        <Text as="p" tone="subdued">
          {helpText}
        </Text>
      ) : null}
      <InlineGrid columns={{ xs: 1, md: 2 }} gap="200">
        {moments.map((m) => (
          <Checkbox key={m} label={MOMENT_LABELS[m]} checked={draft.moments[m]} onChange={(on) => onChange({ ...draft.moments, [m]: on })} />
        ))}
      </InlineGrid>
    </BlockStack>
  );
}

function channelBadge(c: ChannelView): ReactNode {
  if (!c.enabled) return <Badge>Off</Badge>;
  if (!c.ready) return <Badge tone="warning">Needs credentials</Badge>;
  if (c.failingSince !== null) return <Badge tone="critical">Failing</Badge>;
  return <Badge tone="success">On</Badge>;
}

interface ChannelCardHandle {
  save: () => void;
  discard: () => void;
}

function channelDraftOf(view: ChannelView) {
  const form = CHANNEL_FORMS[view.channel];
  return {
    enabled: view.enabled,
    settings: Object.fromEntries(form.settings.map((f) => [f.name, String(view.settings[f.name] ?? "")])) as Record<string, string>,
    flags: Object.fromEntries((form.flags ?? []).map((f) => [f.name, view.settings[f.name] !== false])) as Record<string, boolean>,
    // typed secrets live here until saved, then are forgotten: nothing puts a stored secret back into the page
    secret: {} as Record<string, string>,
  };
}

function ChannelCard({
  view,
  now,
  operatorEmail,
  onState,
  register,
  onSettled,
}: {
  view: ChannelView;
  now: number;
  operatorEmail: boolean;
  onState: (channel: Channel, state: { dirty: boolean; saving: boolean }) => void;
  register: (channel: Channel, handle: ChannelCardHandle | null) => void;
  onSettled: (channel: Channel, savedAs: string | null) => void;
}) {
  const form = CHANNEL_FORMS[view.channel];
  const save = useFetcher<typeof action>();
  const test = useFetcher<typeof action>();
  const [draft, setDraft] = useState(() => channelDraftOf(view));
  const { enabled, settings, flags, secret } = draft;
  const setEnabled = (on: boolean) => setDraft((d) => ({ ...d, enabled: on }));
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  const [testTo, setTestTo] = useState("");

  const testAnswer = test.state === "idle" && test.data?.intent === "test" ? test.data : undefined;
  const dirty = JSON.stringify(draft) !== JSON.stringify(channelDraftOf(view));
  const saving = save.state !== "idle";

  useFetcherAnswer(save, (data) => {
    if (data.intent !== "channel") return;
    if ("saved" in data) {
      setDraft(channelDraftOf(view));
      setErrors(undefined);
    } else setErrors(data.fieldErrors);
    onSettled(view.channel, "saved" in data ? view.label : null);
  });

  const submit = () =>
    save.submit(
      {
        intent: "channel",
        channel: view.channel,
        enabled: String(enabled),
        settings: JSON.stringify({ ...settings, ...flags }),
        secret: JSON.stringify(secret),
      },
      { method: "post" },
    );
  const discard = () => {
    setDraft(channelDraftOf(view));
    setErrors(undefined);
  };
  // the page's Save and Discard reach this card's latest form through the handle
  const handle = useRef<ChannelCardHandle>({ save: submit, discard });
  handle.current.save = submit;
  handle.current.discard = discard;
  useEffect(() => {
    register(view.channel, handle.current);
    return () => register(view.channel, null);
  }, [register, view.channel]);
  useEffect(() => onState(view.channel, { dirty, saving }), [onState, view.channel, dirty, saving]);

  const sendTest = () => test.submit({ intent: "test", channel: view.channel, to: testTo }, { method: "post" });
  const secretHelp = (f: FieldSpec) => {
    if (view.hasSecret) return "Saved and encrypted. Leave empty to keep it, or type a new one to replace it.";
    if (view.channel === "email") return operatorEmail ? "Optional: without it, email goes out through Shipwatch's mail server." : "Required: Shipwatch has no mail server of its own configured.";
    return f.helpText;
  };
  const headingId = `channel-${view.channel}`;
  // a channel that is off and has nothing saved shows its fields once it is switched on
  const expanded = enabled || view.enabled || view.hasSecret || Object.values(view.settings).some((v) => typeof v === "string" && v !== "");

  return (
    <section aria-labelledby={headingId}>
      <Card>
        <BlockStack gap="400">
          <BlockStack gap="100">
            {/* align is explicit: an InlineStack inherits its parent's alignment otherwise */}
            <InlineStack gap="200" align="start" blockAlign="center">
              <Text as="h2" variant="headingMd" id={headingId}>
                {view.label}
              </Text>
              {channelBadge(view)}
            </InlineStack>
            <Text as="p" tone="subdued">
              {form.description}
            </Text>
          </BlockStack>

          <Checkbox label={`Send with ${view.label}`} checked={enabled} onChange={setEnabled} error={fieldError(errors, "enabled")} />

          {expanded && form.settings.length + form.secret.length > 0 ? (
            <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
              {form.settings.map((f) => (
                <TextField
                  key={f.name}
                  label={f.label}
                  type={f.type ?? "text"}
                  value={settings[f.name] ?? ""}
                  onChange={(value) => setDraft((d) => ({ ...d, settings: { ...d.settings, [f.name]: value } }))}
                  placeholder={f.placeholder}
                  helpText={f.helpText}
                  autoComplete="off"
                  error={fieldError(errors, `settings.${f.name}`)}
                />
              ))}
              {form.secret.map((f) => (
                <TextField
                  key={f.name}
                  label={f.label}
                  type="password"
                  value={secret[f.name] ?? ""}
                  onChange={(value) => setDraft((d) => ({ ...d, secret: { ...d.secret, [f.name]: value } }))}
                  placeholder={view.hasSecret ? "•••••••• saved" : f.placeholder}
                  helpText={secretHelp(f)}
                  autoComplete="new-password"
                  error={fieldError(errors, `secret.${f.name}`)}
                />
              ))}
            </InlineGrid>
          ) : null}
          {expanded
            ? form.flags?.map((f) => (
                <Checkbox key={f.name} label={f.label} helpText={f.helpText} checked={flags[f.name] ?? true} onChange={(on) => setDraft((d) => ({ ...d, flags: { ...d.flags, [f.name]: on } }))} />
              ))
            : null}

          {errors ? (
            <Banner tone="critical">
              <p>{view.label} was not saved: fix the fields marked above.</p>
            </Banner>
          ) : null}

          <ChannelHealth view={view} now={now} />

          {form.testable && view.ready ? (
            <>
              <Divider />
              <BlockStack gap="300">
                {form.testTo ? (
                  <TextField
                    label="Send a test to"
                    type={form.testTo === "email" ? "email" : "tel"}
                    value={testTo}
                    onChange={setTestTo}
                    placeholder={form.testTo === "email" ? "you@yourshop.com" : "+15551234567"}
                    autoComplete="off"
                    connectedRight={
                      <Button onClick={sendTest} loading={test.state !== "idle"} accessibilityLabel={`Send a test with ${view.label}`}>
                        Send test
                      </Button>
                    }
                  />
                ) : (
                  <InlineStack align="space-between" blockAlign="center" gap="300">
                    <Text as="p" tone="subdued">
                      Sends a sample message with the settings saved above.
                    </Text>
                    <Button onClick={sendTest} loading={test.state !== "idle"} accessibilityLabel={`Send a test with ${view.label}`}>
                      Send test
                    </Button>
                  </InlineStack>
                )}
                {testAnswer ? (
                  testAnswer.outcome.ok ? (
                    <Banner tone="success" title="Test sent">
                      <p>{testAnswer.outcome.providerId ? `The provider accepted it (${testAnswer.outcome.providerId}).` : "The provider accepted it."}</p>
                    </Banner>
                  ) : (
                    <Banner tone="critical" title="The test was not sent">
                      <p>{testAnswer.outcome.error}</p>
                    </Banner>
                  )
                ) : null}
              </BlockStack>
            </>
          ) : null}
        </BlockStack>
      </Card>
    </section>
  );
}

function ChannelHealth({ view, now }: { view: ChannelView; now: number }) {
  if (view.failingSince !== null) {
    return (
      <Banner tone={view.alerting ? "critical" : "warning"} title={view.alerting ? "Not delivering: messages are waiting" : "Recent messages failed"}>
        <BlockStack gap="100">
          <p>
            Failing since <RelativeTime at={view.failingSince} now={now} />.
          </p>
          {view.lastError ? <p>Last error: {view.lastError}</p> : null}
          <p>{view.lastSuccessAt ? <>Last message delivered <RelativeTime at={view.lastSuccessAt} now={now} />.</> : "No message has been delivered yet."}</p>
        </BlockStack>
      </Banner>
    );
  }
  if (view.lastSuccessAt !== null) {
    return (
      <Text as="p" tone="subdued">
        Last message delivered <RelativeTime at={view.lastSuccessAt} now={now} />.
      </Text>
    );
  }
  return null;
}
