import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, InlineGrid, InlineStack, Layout, Link, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { z } from "zod";
import { hrefWith, useAdminHref } from "~/components/embedded-url";
import { Fact } from "~/components/Fact";
import { MessagePayload, parseJsonObject } from "~/components/MessagePayload";
import { pageTitle } from "~/components/page-title";
import { channelLabel, isNotedOnTicket, momentLabel, OutboxStatusBadge, type OutboxStatus } from "~/components/notification-words";
import { SandboxedHtml } from "~/components/SandboxedHtml";
import { ExactTime } from "~/components/Timestamp";
import { TEMPLATED_CHANNELS, type TemplatedChannel } from "~/domain/notifications";
import { notFoundBoundary } from "~/components/NotFound";

const MessageId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const isTemplated = (channel: string): channel is TemplatedChannel => (TEMPLATED_CHANNELS as readonly string[]).includes(channel);

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const id = MessageId.safeParse(params.id);
  const { notifications } = context.shipwatch.services;
  // another shop's message is "not found", exactly like a missing one
  const m = id.success ? await notifications.message(session.shop, id.data) : null;
  if (!m)
    throw new Response("Message not found", {
      status: 404,
      statusText: "Not Found",
    });

  // A sent email keeps the HTML that went out. A message not rendered yet is shown from the template as it is
  // now, rendered for this message's shipment.
  let current: {
    subject: string | null;
    text: string;
    html: string | null;
    sent: boolean;
  } | null = m.html ? { subject: m.subject, text: m.preview ?? "", html: m.html, sent: true } : null;
  if (!current && isTemplated(m.channel)) {
    const template = await notifications.template(session.shop, m.template, m.channel, m.locale);
    if (template) {
      const rendered = await notifications.previewTemplate(session.shop, {
        template: m.template,
        channel: m.channel,
        locale: m.locale,
        subject: template.subject ?? null,
        body: template.body,
        shipmentId: m.shipmentId || null,
      });
      if (rendered.ok)
        current = {
          subject: rendered.rendered.subject ?? null,
          text: rendered.rendered.text,
          html: rendered.rendered.html ?? null,
          sent: false,
        };
    }
  }

  return {
    now: context.shipwatch.clock.now(),
    message: {
      id: m.id,
      shipmentId: m.shipmentId,
      orderName: m.orderName,
      moment: m.moment,
      channel: m.channel,
      template: m.template,
      locale: m.locale,
      recipient: m.recipient,
      status: m.status,
      statusReason: m.statusReason,
      attempts: m.attempts,
      lastError: m.lastError,
      subject: m.subject,
      preview: m.preview,
      providerId: m.providerId,
      combinedInto: m.combinedInto,
      sendAt: m.sendAt,
      sentAt: m.sentAt,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
    },
    current,
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: pageTitle(data ? `${momentLabel(data.message.moment)} · ${channelLabel(data.message.channel)}` : "Message", "Outbox"),
  },
];

export const action = async ({ request, params, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const id = MessageId.safeParse(params.id);
  if (!id.success)
    throw new Response("Message not found", {
      status: 404,
      statusText: "Not Found",
    });
  const form = await request.formData();
  if (form.get("intent") !== "replay") return { replayed: 0 };
  return {
    replayed: await context.shipwatch.services.notifications.replay(session.shop, [id.data]),
  };
};

/** The stored preview is "subject, blank line, text" when the message has a subject. */
function splitPreview(subject: string | null, preview: string | null): string | null {
  if (preview === null) return null;
  if (subject && preview.startsWith(`${subject}\n\n`)) return preview.slice(subject.length + 2);
  return preview;
}

/** Structured channels (webhooks, Klaviyo, Shopify) carry JSON: read out field by field, the JSON itself folded away. */
function readable(text: string): {
  text: string;
  payload: ReturnType<typeof parseJsonObject>;
} {
  return { text, payload: parseJsonObject(text) };
}

export default function OutboxMessage() {
  const { now, message: m, current } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const adminHref = useAdminHref();
  const replay = useFetcher<typeof action>();
  // the Outbox's filters ride along in the URL, so going back lands on the same list
  const backHref = hrefWith("/app/notifications/outbox", searchParams);
  const sentText = splitPreview(m.subject, m.preview);
  const body = sentText !== null ? readable(sentText) : current ? readable(current.text) : null;
  const subject = m.preview !== null ? m.subject : current?.subject ?? null;
  const replayed = replay.state === "idle" && replay.data ? replay.data.replayed : null;

  return (
    <Page
      backAction={{ content: "Outbox", url: backHref }}
      title={`${momentLabel(m.moment)} · ${channelLabel(m.channel)}`}
      subtitle={m.orderName ? `Order ${m.orderName}` : "A message from Shipwatch to your team"}
      titleMetadata={<OutboxStatusBadge status={m.status as OutboxStatus} reason={m.statusReason} />}
      primaryAction={
        m.status === "failed"
          ? {
              content: "Replay",
              loading: replay.state !== "idle",
              onAction: () => replay.submit({ intent: "replay" }, { method: "post" }),
            }
          : undefined
      }
    >
      <Layout>
        {replayed !== null ? (
          <Layout.Section>
            <Banner tone={replayed ? "success" : "info"} title={replayed ? "Queued again" : "Nothing to replay"}>
              <p>{replayed ? "The message goes again with a fresh set of attempts." : "Only a failed message can be replayed."}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            {m.status === "failed" || m.lastError ? (
              <Banner tone={m.status === "failed" ? "critical" : "warning"} title={m.status === "failed" ? "Not delivered" : "An earlier attempt failed"}>
                <BlockStack gap="100">
                  {m.statusReason ? <p>{m.statusReason}</p> : null}
                  {m.lastError ? (
                    <p>
                      Last error: <span style={{ overflowWrap: "anywhere" }}>{m.lastError}</span>
                    </p>
                  ) : null}
                </BlockStack>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    {isNotedOnTicket(m.status, m.statusReason) ? "What was added to the ticket" : m.preview !== null ? "What was sent" : "What it will say"}
                  </Text>
                  {m.preview === null ? (
                    <Text as="p" tone="subdued">
                      Rendered now from the current template; the message is rendered again when it goes.
                    </Text>
                  ) : null}
                </BlockStack>
                {subject ? (
                  <Fact label="Subject">
                    <Text as="p" fontWeight="semibold">
                      {subject}
                    </Text>
                  </Fact>
                ) : null}
                {body?.payload ? (
                  <MessagePayload payload={body.payload} raw={body.text} now={now} />
                ) : body ? (
                  <Fact label="Text">
                    <Box padding="300" background="bg-surface-secondary" borderRadius="200">
                      <pre
                        aria-label="Message text"
                        style={{
                          margin: 0,
                          whiteSpace: "pre-wrap",
                          overflowWrap: "anywhere",
                          font: "inherit",
                        }}
                      >
                        {body.text}
                      </pre>
                    </Box>
                  </Fact>
                ) : (
                  <Text as="p" tone="subdued">
                    Nothing was rendered for this message.
                  </Text>
                )}
              </BlockStack>
            </Card>
            {m.channel === "email" && current?.html && !isNotedOnTicket(m.status, m.statusReason) ? (
              <Card>
                <BlockStack gap="300">
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">
                      Email as the customer sees it
                    </Text>
                    <Text as="p" tone="subdued">
                      {current.sent ? "The HTML that was sent." : "The HTML version, from the current template for this shipment."} Shown in a sandbox: nothing
                      in it runs.
                    </Text>
                  </BlockStack>
                  <SandboxedHtml html={current.html} title="HTML email preview" height={640} />
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Delivery
              </Text>
              <InlineGrid columns={2} gap="400">
                <Fact label="Status">
                  <InlineStack>
                    <OutboxStatusBadge status={m.status as OutboxStatus} reason={m.statusReason} />
                  </InlineStack>
                </Fact>
                <Fact label="Attempts">
                  <Text as="p" numeric>
                    {m.attempts}
                  </Text>
                </Fact>
              </InlineGrid>
              {m.statusReason ? (
                <Fact label="Why">
                  <Text as="p">{m.statusReason}</Text>
                </Fact>
              ) : null}
              <Fact label="Recipient">
                <Text as="p" numeric>
                  {m.recipient}
                </Text>
              </Fact>
              <Fact label={m.sentAt ? "Sent" : "Goes"}>
                <Text as="p">{m.sentAt ? <ExactTime at={m.sentAt} now={now} /> : <ExactTime at={m.sendAt} now={now} />}</Text>
              </Fact>
              <Fact label="Planned">
                <Text as="p">
                  <ExactTime at={m.createdAt} now={now} />
                </Text>
              </Fact>
              {m.providerId ? (
                <Fact label="Provider's id">
                  <Text as="p" breakWord>
                    {m.providerId}
                  </Text>
                </Fact>
              ) : null}
              {m.combinedInto ? (
                <Fact label="Combined into">
                  <Link url={hrefWith(`/app/notifications/outbox/${m.combinedInto}`, searchParams)}>Message {m.combinedInto}</Link>
                </Fact>
              ) : null}
              <Fact label="Template">
                <Text as="p">
                  {m.template} · {m.locale}
                </Text>
              </Fact>
              {m.shipmentId ? (
                <Fact label="Shipment">
                  <Link url={adminHref(`/app/shipments/${m.shipmentId}`)}>{m.orderName ? `Order ${m.orderName}` : `Shipment ${m.shipmentId}`}</Link>
                </Fact>
              ) : m.orderName ? (
                <Fact label="Order">
                  <Text as="p">Order {m.orderName}: about the order as a whole, sent before anything shipped (no tracking number)</Text>
                </Fact>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = notFoundBoundary({
  back: { content: "Outbox", path: "/app/notifications/outbox" },
  title: "Message not found",
  text: "There is no message with this link in your store.",
});
