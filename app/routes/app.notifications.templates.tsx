import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useAppBridge } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useRef, useState } from "react";
import { z } from "zod";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";
import { setOrDelete, useAdminHref, useUrlFilters } from "~/components/embedded-url";
import { CHANNEL_SHORT_LABELS } from "~/components/notification-words";
import { SandboxedHtml } from "~/components/SandboxedHtml";
import { LOCALE_LABELS, LOCALES, TEMPLATED_CHANNELS, type Locale, type TemplatedChannel } from "~/domain/notifications";
import { STATUS_LABELS } from "~/domain/status";
import { CUSTOMER_TEMPLATE_KEYS, TEMPLATE_KEY_LABELS, TEMPLATE_KEYS, TEMPLATE_VARIABLES } from "~/domain/templates";

const RECENT_SHIPMENTS = 25;

/** The templates each channel has: customer messages go by email and SMS; Slack carries every key. */
function keysFor(channel: TemplatedChannel): readonly string[] {
  return channel === "slack" ? TEMPLATE_KEYS : CUSTOMER_TEMPLATE_KEYS;
}

const Choice = z.object({
  channel: z.enum(TEMPLATED_CHANNELS).catch("email"),
  locale: z.enum(LOCALES).catch("en"),
  key: z.string().max(60).optional().catch(undefined),
});

function choiceOf(params: URLSearchParams) {
  const c = Choice.parse(Object.fromEntries(params));
  const keys = keysFor(c.channel);
  const key = c.key && keys.includes(c.key) ? c.key : "out_for_delivery";
  return { channel: c.channel, locale: c.locale, key };
}

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = session.shop;
  const choice = choiceOf(new URL(request.url).searchParams);
  const { notifications, shipmentBrowser: admin } = context.shipwatch.services;
  const [effective, list, recent] = await Promise.all([
    notifications.template(shop, choice.key, choice.channel, choice.locale),
    notifications.templateList(shop),
    admin.listShipments(shop, { page: 1, pageSize: RECENT_SHIPMENTS }),
  ]);
  const edited = list.custom.filter((t) => t.channel === choice.channel && t.locale === choice.locale).map((t) => t.template);
  return {
    choice,
    template: effective ? { subject: effective.subject ?? null, body: effective.body, custom: effective.custom, defaultSubject: effective.default?.subject ?? null, defaultBody: effective.default?.body ?? null } : null,
    keys: keysFor(choice.channel).map((k) => ({ value: k, label: `${TEMPLATE_KEY_LABELS[k as keyof typeof TEMPLATE_KEY_LABELS] ?? k}${edited.includes(k) ? " (edited)" : ""}` })),
    editedCount: list.custom.length,
    variables: TEMPLATE_VARIABLES.map((v) => ({ name: v.name, group: v.group, description: v.description, example: v.example })),
    shipments: recent.shipments.map((s) => ({ id: s.id, label: `${s.orderName} · ${s.carrierName} · ${STATUS_LABELS[s.status]}` })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const Draft = {
  template: z.string().min(1).max(60),
  channel: z.enum(TEMPLATED_CHANNELS),
  locale: z.enum(LOCALES),
};
const TemplatesAction = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("preview"),
    ...Draft,
    subject: z.string().max(5_000).optional(),
    body: z.string().max(200_000),
    shipmentId: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  }),
  z.object({ intent: z.literal("save"), ...Draft, subject: z.string().max(5_000).optional(), body: z.string().max(200_000) }),
  z.object({ intent: z.literal("reset"), ...Draft }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = session.shop;
  const parsed = TemplatesAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { intent: "invalid" as const, errors: [{ field: "body" as const, message: "The form could not be read; reload the page and try again." }] };
  const a = parsed.data;
  if (!keysFor(a.channel).includes(a.template)) return { intent: a.intent, errors: [{ field: "body" as const, message: `There is no ${a.channel} template "${a.template}".` }] };
  const { notifications } = context.shipwatch.services;
  const subject = a.channel === "email" ? ("subject" in a ? (a.subject ?? "") : "") : null;
  switch (a.intent) {
    case "preview": {
      const result = await notifications.previewTemplate(shop, { template: a.template, channel: a.channel, locale: a.locale, subject, body: a.body, shipmentId: a.shipmentId || null });
      return result.ok ? { intent: "preview" as const, rendered: result.rendered } : { intent: "preview" as const, errors: result.errors };
    }
    case "save": {
      const saved = await notifications.saveTemplate(shop, { template: a.template, channel: a.channel, locale: a.locale, subject, body: a.body });
      return saved.ok ? { intent: "save" as const, saved: true as const } : { intent: "save" as const, errors: saved.errors };
    }
    case "reset": {
      await notifications.resetTemplate(shop, a.template, a.channel, a.locale);
      // the default comes back with the answer: the editor fills in from it, whenever the loader's revalidation lands
      const restored = await notifications.template(shop, a.template, a.channel, a.locale);
      return { intent: "reset" as const, reset: true as const, subject: restored?.subject ?? null, body: restored?.body ?? "" };
    }
  }
};

type Issue = { field: "subject" | "body"; message: string; line?: number };
const issuesOf = (data: unknown): Issue[] | undefined => (data && typeof data === "object" && "errors" in data ? (data as { errors: Issue[] }).errors : undefined);
const messageFor = (issues: Issue[] | undefined, field: Issue["field"]) => {
  const mine = issues?.filter((i) => i.field === field) ?? [];
  return mine.length ? mine.map((i) => i.message).join(" ") : undefined;
};

export default function Templates() {
  const data = useLoaderData<typeof loader>();
  const { choice, keys, shipments } = data;
  const adminHref = useAdminHref();
  const change = useUrlFilters();

  return (
    <Page
      title="Templates"
      subtitle="What each message says, in each language. Templates are Liquid: write {{ variable }} where a detail of the order belongs."
      backAction={{ content: "Notifications", url: adminHref("/app/notifications") }}
      secondaryActions={[{ content: "Outbox", url: adminHref("/app/notifications/outbox") }]}
    >
      <BlockStack gap="400">
        <Card>
          <InlineGrid columns={{ xs: 1, md: "2fr 1fr 1fr" }} gap="400">
            <Select label="Template" options={keys} value={choice.key} onChange={(key) => change((p) => setOrDelete(p, "key", key))} />
            <Select
              label="Channel"
              options={TEMPLATED_CHANNELS.map((c) => ({ value: c, label: CHANNEL_SHORT_LABELS[c] }))}
              value={choice.channel}
              onChange={(channel) => change((p) => setOrDelete(p, "channel", channel))}
            />
            <Select
              label="Language"
              options={LOCALES.map((l) => ({ value: l, label: LOCALE_LABELS[l] }))}
              value={choice.locale}
              onChange={(locale) => change((p) => setOrDelete(p, "locale", locale))}
            />
          </InlineGrid>
        </Card>
        {data.template ? (
          <Editor
            key={`${choice.key}|${choice.channel}|${choice.locale}`}
            choice={choice}
            template={data.template}
            variables={data.variables}
            shipments={shipments}
          />
        ) : (
          <Banner tone="info" title="No template here">
            <p>This message has no {CHANNEL_SHORT_LABELS[choice.channel]} version.</p>
          </Banner>
        )}
      </BlockStack>
    </Page>
  );
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function Editor({
  choice,
  template,
  variables,
  shipments,
}: {
  choice: LoaderData["choice"];
  template: NonNullable<LoaderData["template"]>;
  variables: LoaderData["variables"];
  shipments: LoaderData["shipments"];
}) {
  const shopify = useAppBridge();
  const save = useFetcher<typeof action>();
  const reset = useFetcher<typeof action>();
  const preview = useFetcher<typeof action>();
  const [subject, setSubject] = useState(template.subject ?? "");
  const [body, setBody] = useState(template.body);
  // the version messages use now: what the page opened with, then what this page saved or reset to. Not the
  // loader's: the live preview's requests can hold its revalidation back past a save's answer.
  const [saved, setSaved] = useState({ subject: template.subject ?? "", body: template.body });
  const submitted = useRef(saved);
  const [saveIssues, setSaveIssues] = useState<Issue[] | undefined>();
  const [shipmentId, setShipmentId] = useState(shipments[0] ? String(shipments[0].id) : "");
  const [confirmReset, setConfirmReset] = useState(false);
  const isEmail = choice.channel === "email";
  const base = { template: choice.key, channel: choice.channel, locale: choice.locale };

  // the preview follows the draft: once typing pauses, the draft is rendered against the chosen shipment
  useEffect(() => {
    const timer = setTimeout(() => preview.submit({ intent: "preview", ...base, subject, body, shipmentId }, { method: "post" }), 350);
    return () => clearTimeout(timer);
  }, [subject, body, shipmentId]);

  useEffect(() => {
    // from the action's answer, not the loader: another fetcher's submission (the live preview) can hold the
    // loader's revalidation back past the moment this fetcher goes idle
    if (reset.state === "idle" && reset.data?.intent === "reset" && "reset" in reset.data) {
      setConfirmReset(false);
      setSubject(reset.data.subject ?? "");
      setBody(reset.data.body ?? "");
      setSaved({ subject: reset.data.subject ?? "", body: reset.data.body ?? "" });
      setSaveIssues(undefined);
    }
  }, [reset.state, reset.data]);

  useFetcherAnswer(save, (data) => {
    if (data.intent !== "save") return;
    if ("saved" in data) {
      setSaved(submitted.current);
      shopify.toast.show("Template saved");
    }
    setSaveIssues(issuesOf(data));
  });
  const changed = subject !== saved.subject || body !== saved.body;
  const submitSave = () => {
    submitted.current = { subject, body };
    save.submit({ intent: "save", ...base, subject, body }, { method: "post" });
  };
  const discard = () => {
    setSubject(saved.subject);
    setBody(saved.body);
    setSaveIssues(undefined);
  };
  const previewData = preview.data?.intent === "preview" ? preview.data : undefined;
  const previewIssues = issuesOf(previewData);
  const rendered = previewData && "rendered" in previewData ? previewData.rendered : undefined;
  // the groups in two columns of about the same length, each group whole
  const columns: string[][] = [[], []];
  const lengths = [0, 0];
  for (const group of new Set(variables.map((v) => v.group))) {
    const i = lengths[0]! <= lengths[1]! ? 0 : 1;
    columns[i]!.push(group);
    lengths[i]! += variables.filter((v) => v.group === group).length + 2;
  }

  return (
    <Layout>
      <ContextualSaveBar id="template-save-bar" dirty={changed} saving={save.state !== "idle"} onSave={submitSave} onDiscard={discard} />
      {saveIssues ? (
        <Layout.Section>
          <Banner tone="critical" title="The template was not saved">
            <p>Fix what is marked below: messages keep using the saved version until then.</p>
          </Banner>
        </Layout.Section>
      ) : null}
      <Layout.Section variant="oneHalf">
        <Card>
          <BlockStack gap="400">
            <InlineStack gap="200" align="start" blockAlign="center">
              <Text as="h2" variant="headingMd">
                Message
              </Text>
              {template.custom ? <Badge tone="info">Edited</Badge> : <Badge>Default</Badge>}
              {changed ? <Badge tone="attention">Unsaved changes</Badge> : null}
            </InlineStack>
            {isEmail ? <TextField label="Subject" value={subject} onChange={setSubject} autoComplete="off" error={messageFor(saveIssues, "subject")} /> : null}
            <TextField
              label={isEmail ? "Body (HTML)" : "Message text"}
              value={body}
              onChange={setBody}
              multiline={isEmail ? 22 : 10}
              maxHeight={isEmail ? 560 : 320}
              monospaced
              autoComplete="off"
              spellCheck={false}
              helpText={isEmail ? "Values are HTML-escaped for you. A plain-text version is made from it." : choice.channel === "sms" ? "Plain text. Keep it short: long texts are split and each part is billed." : "Slack formatting (mrkdwn). Values are escaped for you."}
              error={messageFor(saveIssues, "body")}
            />
            <InlineStack align="start">
              <Button tone="critical" variant="plain" disabled={!template.custom} onClick={() => setConfirmReset(true)}>
                Reset to default
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </Layout.Section>

      <Layout.Section variant="oneHalf">
        <Card>
          <BlockStack gap="400">
            <BlockStack gap="100">
              <Text as="h2" variant="headingMd">
                Preview
              </Text>
              <Text as="p" tone="subdued">
                The draft as it is now, unsaved, filled in with a real shipment of your store. Nothing is sent.
              </Text>
            </BlockStack>
            <Select
              label="Shipment"
              options={shipments.length ? shipments.map((s) => ({ value: String(s.id), label: s.label })) : [{ value: "", label: "A sample order (no shipments yet)" }]}
              value={shipmentId}
              onChange={setShipmentId}
            />
            <div aria-live="polite" aria-busy={preview.state !== "idle"}>
              {previewIssues ? (
                <Banner tone="warning" title="The preview cannot be shown">
                  <BlockStack gap="100">
                    {previewIssues.map((i, n) => (
                      <p key={n}>
                        {i.field === "subject" ? "Subject: " : ""}
                        {i.message}
                      </p>
                    ))}
                  </BlockStack>
                </Banner>
              ) : rendered ? (
                <RenderedPreview channel={choice.channel} rendered={rendered} />
              ) : (
                <Text as="p" tone="subdued">
                  Rendering…
                </Text>
              )}
            </div>
          </BlockStack>
        </Card>
      </Layout.Section>

      <Layout.Section>
        <Card>
          <BlockStack gap="400">
            <BlockStack gap="100">
              <Text as="h2" variant="headingMd">
                Variables
              </Text>
              <Text as="p" tone="subdued">
                Write them as {"{{ shipment.carrier }}"}. Loop over every package with {"{% for s in shipments %}…{% endfor %}"}.
              </Text>
            </BlockStack>
            <InlineGrid columns={{ xs: 1, lg: 2 }} gap="600">
              {columns.map((column, i) => (
                <BlockStack key={i} gap="500">
                  {column.map((group) => (
                    <BlockStack key={group} gap="200">
                      <Text as="h3" variant="headingSm">
                        {group}
                      </Text>
                      <dl aria-label={`Variables: ${group}`} style={{ margin: 0, display: "grid", gridTemplateColumns: "minmax(0, 210px) minmax(0, 1fr)", gap: "6px 16px" }}>
                        {variables
                          .filter((v) => v.group === group)
                          .map((v) => (
                            <VariableRow key={v.name} name={v.name} description={v.description} example={v.example} />
                          ))}
                      </dl>
                    </BlockStack>
                  ))}
                </BlockStack>
              ))}
            </InlineGrid>
          </BlockStack>
        </Card>
      </Layout.Section>

      <Modal
        open={confirmReset}
        onClose={() => setConfirmReset(false)}
        title="Go back to the default template?"
        primaryAction={{ content: "Reset to default", destructive: true, loading: reset.state !== "idle", onAction: () => reset.submit({ intent: "reset", ...base }, { method: "post" }) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmReset(false) }]}
      >
        <Modal.Section>
          <Text as="p">Your edits to this {CHANNEL_SHORT_LABELS[choice.channel]} template in {LOCALE_LABELS[choice.locale as Locale]} are deleted, and messages use Shipwatch&apos;s default again.</Text>
        </Modal.Section>
      </Modal>
    </Layout>
  );
}

function VariableRow({ name, description, example }: { name: string; description: string; example: string }) {
  return (
    <>
      <dt style={{ margin: 0 }}>
        <Text as="span" variant="bodySm" fontWeight="medium" breakWord>
          <code>{name}</code>
        </Text>
      </dt>
      <dd style={{ margin: 0 }}>
        <Text as="span" variant="bodySm" tone="subdued" breakWord>
          {description}
          {example ? <> — e.g. {example}</> : null}
        </Text>
      </dd>
    </>
  );
}

function RenderedPreview({ channel, rendered }: { channel: TemplatedChannel; rendered: { subject: string | null; text: string; html: string | null } }) {
  if (channel === "email") {
    return (
      <BlockStack gap="300">
        <Box padding="300" background="bg-surface-secondary" borderRadius="200">
          <Text as="p" variant="bodySm" tone="subdued">
            Subject
          </Text>
          <Text as="p" fontWeight="semibold" breakWord>
            <span data-testid="preview-subject">{rendered.subject}</span>
          </Text>
        </Box>
        {rendered.html ? <SandboxedHtml html={rendered.html} title="Email preview" height={620} /> : null}
      </BlockStack>
    );
  }
  return (
    <BlockStack gap="200">
      <Box padding="400" background={channel === "sms" ? "bg-fill-info-secondary" : "bg-surface-secondary"} borderRadius="300">
        <pre data-testid="preview-text" style={{ margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere", font: "inherit" }}>
          {rendered.text}
        </pre>
      </Box>
      {channel === "sms" ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {rendered.text.length} characters
          {rendered.text.length > 160 ? ` · about ${Math.ceil(rendered.text.length / 153)} SMS parts` : " · 1 SMS"}
        </Text>
      ) : null}
    </BlockStack>
  );
}
