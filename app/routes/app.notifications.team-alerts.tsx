import { data, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Layout, Page, Text, TextField } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useState } from "react";
import { z } from "zod";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { useAdminHref } from "~/components/embedded-url";
import { pageTitle } from "~/components/page-title";
import { RelativeTime } from "~/components/Timestamp";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";
import { OWNERS, type Owner } from "~/domain/rules";

/** Where each team's SLA breach alerts go: its own Slack incoming webhook, or the shop's Slack channel. */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  return { now: context.shipwatch.clock.now(), ...(await context.shipwatch.services.slaAlerts.routes(session.shop)) };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: pageTitle("Team alerts") }];

/** the form: per team, a new webhook URL (blank keeps the saved one) or "remove" */
const Form = z.object({ changes: z.string().max(20_000) });

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const form = Form.safeParse(Object.fromEntries(await request.formData()));
  let changes: unknown = null;
  try {
    changes = form.success ? JSON.parse(form.data.changes) : null;
  } catch {
    changes = null;
  }
  if (changes === null) return data({ ok: false as const, fieldErrors: { form: "The form could not be read; reload the page and try again." } as Record<string, string> }, { status: 400 });
  const saved = await context.shipwatch.services.slaAlerts.saveRoutes(session.shop, changes);
  return saved.ok ? { ok: true as const, fieldErrors: {} as Record<string, string> } : data({ ok: false as const, fieldErrors: saved.fieldErrors }, { status: 400 });
};

type Draft = Record<Owner, { webhookUrl: string; remove: boolean }>;
const emptyDraft = (): Draft => Object.fromEntries(OWNERS.map((o) => [o, { webhookUrl: "", remove: false }])) as Draft;

export default function TeamAlerts() {
  const { now, teams, shopSlack } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<typeof action>();
  const shopify = useAppBridge();
  const adminHref = useAdminHref();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const saving = fetcher.state !== "idle";
  const dirty = OWNERS.some((o) => draft[o].webhookUrl.trim() !== "" || draft[o].remove);

  useFetcherAnswer(fetcher, (answer) => {
    setErrors(answer.fieldErrors);
    if (answer.ok) {
      setDraft(emptyDraft());
      shopify.toast.show("Team alerts saved");
    }
  });

  const save = () => {
    const changes = Object.fromEntries(
      OWNERS.filter((o) => draft[o].webhookUrl.trim() !== "" || draft[o].remove).map((o) => [o, draft[o].webhookUrl.trim() ? { webhookUrl: draft[o].webhookUrl.trim() } : { remove: true }]),
    );
    fetcher.submit({ changes: JSON.stringify(changes) }, { method: "post" });
  };
  const discard = () => {
    setDraft(emptyDraft());
    setErrors({});
  };
  const edit = (owner: Owner, change: Partial<Draft[Owner]>) => {
    setDraft((d) => ({ ...d, [owner]: { ...d[owner], ...change } }));
    setErrors((e) => {
      const { [`${owner}.webhookUrl`]: _gone, ...rest } = e;
      return rest;
    });
  };

  return (
    <Page
      title="Team alerts"
      subtitle="When a case passes its SLA, the team that owns it hears of it once."
      backAction={{ content: "Notifications", url: adminHref("/app/notifications") }}
    >
      <ContextualSaveBar id="team-alerts-save-bar" dirty={dirty} saving={saving} onSave={save} onDiscard={discard} />
      <Layout>
        {errors.form ? (
          <Layout.Section>
            <Banner tone="critical" title="Nothing was saved">
              <p>{errors.form}</p>
            </Banner>
          </Layout.Section>
        ) : Object.keys(errors).length ? (
          <Layout.Section>
            <Banner tone="critical" title="Nothing was saved">
              <p>Fix the webhook URLs marked below, then save again.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.AnnotatedSection
          title="SLA breach alerts"
          description="An open case that passes its due time alerts its team once, with the case type, order, how late it is, its priority and a link to the case. No customer details are sent. A case handed to another team alerts the new team when it is overdue; a snoozed case alerts only if it is still overdue when it wakes."
        >
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <InlineStack gap="200" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Shop&apos;s Slack channel
                  </Text>
                  {shopSlack.connected ? <Badge tone="success">Connected</Badge> : <Badge>Not connected</Badge>}
                </InlineStack>
                <Text as="p" tone="subdued">
                  {shopSlack.connected
                    ? `Teams without a webhook of their own are alerted here${shopSlack.label ? ` (${shopSlack.label})` : ""}.`
                    : "Teams without a webhook of their own are not alerted. Connect Slack on the Notifications page, or give each team a webhook below."}
                </Text>
              </BlockStack>
            </Card>
            {teams.map((team) => {
              const d = draft[team.owner];
              return (
                <Card key={team.owner}>
                  <BlockStack gap="300">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        {team.label}
                      </Text>
                      {d.remove ? <Badge tone="attention">Webhook removed on save</Badge> : team.goesTo ? <Badge tone="info">{`Alerts go to ${team.goesTo}`}</Badge> : <Badge tone="warning">Not alerted</Badge>}
                    </InlineStack>
                    <TextField
                      label={`Slack incoming-webhook URL for ${team.label}`}
                      type="url"
                      autoComplete="off"
                      placeholder={team.hasWebhook ? `Saved webhook ${team.hint ?? ""}: paste a new URL to replace it` : "https://hooks.slack.com/services/…"}
                      value={d.webhookUrl}
                      onChange={(v) => edit(team.owner, { webhookUrl: v, remove: false })}
                      error={errors[`${team.owner}.webhookUrl`]}
                      helpText={
                        team.hasWebhook ? (
                          <span>
                            Saved webhook ending {team.hint}
                            {team.updatedAt ? (
                              <>
                                , changed <RelativeTime at={team.updatedAt} now={now} />
                              </>
                            ) : null}
                            .
                          </span>
                        ) : (
                          "In Slack: Apps → Incoming Webhooks → Add to channel, then paste the URL here."
                        )
                      }
                    />
                    {team.hasWebhook && !d.remove ? (
                      <InlineStack>
                        <Button variant="plain" tone="critical" onClick={() => edit(team.owner, { webhookUrl: "", remove: true })}>
                          Remove the {team.label} webhook
                        </Button>
                      </InlineStack>
                    ) : null}
                  </BlockStack>
                </Card>
              );
            })}
          </BlockStack>
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}
