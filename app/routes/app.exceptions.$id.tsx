import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Box, Button, Card, Icon, InlineStack, Layout, Link, Page, Select, Text, TextField } from "@shopify/polaris";
import { CheckCircleIcon, XCircleIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useState } from "react";
import { z } from "zod";
import {
  actorInSentence,
  actorLabel,
  CASE_REFUSALS,
  CASE_STATUS_LABELS,
  EXCEPTION_TYPE_LABELS,
  isSameStaff,
  OWNER_LABELS,
  PRIORITY_LABELS,
  PriorityBadge,
  RESOLUTION_CODES,
  RESOLUTION_LABELS,
  SlaBadge,
  type ResolutionCode,
  type StaffNames,
} from "~/components/case-words";
import { hrefWith, shopifyParamsOf } from "~/components/embedded-url";
import { formatDateTime } from "~/components/format";
import { describeCondition, describeSaw } from "~/components/rule-words";
import { Fact } from "~/components/Fact";
import { ShipmentTimeline } from "~/components/ShipmentTimeline";
import { staffMemberOf } from "~/components/staff";
import { StatusBadge } from "~/components/StatusBadge";
import { ExactTime, RelativeTime, useViewerTimeZone } from "~/components/Timestamp";
import type { CaseActionOutcome } from "~/domain/case-lifecycle";
import { CARRIERS } from "~/domain/carriers";
import { OWNERS, PRIORITIES, type Owner, type Priority } from "~/domain/rules";
import { notFoundBoundary } from "~/components/NotFound";
import { pageTitle } from "~/components/page-title";
import { SnoozePicker } from "~/components/SnoozePicker";

const CaseId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** The order's page in the Shopify admin, as App Bridge opens it from the embedded app (the id's digits: REST id or GID). */
function adminOrderUrl(orderId: string): string | null {
  const digits = /(\d+)$/.exec(orderId);
  return digits ? `shopify://admin/orders/${digits[1]}` : null;
}
const carrierNames = Object.fromEntries(Object.values(CARRIERS).map((c) => [c.code, c.name]));

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const auth = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = auth.session.shop;
  const { desk, shipmentBrowser, fulfillmentWatch } = context.shipwatch.services;
  const id = CaseId.safeParse(params.id);
  // every read is scoped to the signed-in shop: another shop's case is "not found", exactly like a missing one
  const file = id.success ? await desk.caseFile(shop, id.data) : null;
  if (!file)
    throw new Response("Case not found", {
      status: 404,
      statusText: "Not Found",
    });
  const { case: c, activities } = file;
  // an order-level case (fulfillment_delayed) has no parcel: the page shows what the order still waits for instead
  const [detail, order] = await Promise.all([
    c.shipmentId === null ? null : shipmentBrowser.shipmentDetail(shop, c.shipmentId),
    c.shipmentId === null ? fulfillmentWatch.orderFile(shop, c.orderId) : null,
  ]);
  // everyone the page names (who acted, who it was assigned to), by name where the shop's staff sessions know them
  const named = [c.assignee, c.resolvedBy, ...activities.map((a) => a.actor), ...activities.map((a) => (a.kind === "assigned" ? /^Assigned to (.+)$/.exec(a.detail)?.[1] : null) ?? null)];
  const names = await desk.staffNames(shop, [...new Set(named)]);
  const slaAlerts = await context.shipwatch.services.slaAlerts.forCase(shop, c.id);
  return {
    names,
    // the latest first: what the owner team was told of the breach, or why not
    slaAlerts: [...slaAlerts].reverse().map((a) => ({ id: a.id, owner: a.owner, status: a.status, statusReason: a.statusReason, destination: a.destination, lastError: a.lastError, sentAt: a.sentAt, updatedAt: a.updatedAt })),
    now: context.shipwatch.clock.now(),
    me: staffMemberOf(auth),
    case: {
      id: c.id,
      type: c.type,
      owner: c.owner,
      assignee: c.assignee,
      priority: c.priority,
      status: c.status,
      snoozedUntil: c.snoozedUntil,
      openedAt: c.openedAt,
      dueAt: c.dueAt,
      resolvedAt: c.resolvedAt,
      resolution: c.resolution,
      resolvedBy: c.resolvedBy,
      ruleId: c.ruleId,
      ruleName: c.ruleName,
      holdMessages: c.holdMessages,
      orderName: c.orderName,
      trackingNumber: c.trackingNumber,
      reason: c.reason,
      orderLevel: c.shipmentId === null,
      orderUrl: adminOrderUrl(c.orderId),
    },
    order: order
      ? {
          createdAt: order.createdAt,
          shipBy: order.shipBy,
          businessDays: order.businessDays,
          method: order.method,
          cancelled: order.cancelled,
          lines: order.waitingLines.map((l) => ({ id: l.lineId, title: l.title, quantity: l.quantity, waiting: l.waiting })),
        }
      : null,
    // why: each condition of the rule that opened it, and what it saw at that moment
    why: c.explanation.map((check) => ({
      condition: describeCondition(check.condition, carrierNames),
      passed: check.passed,
      saw: describeSaw(check.saw, carrierNames),
    })),
    shipment: detail
      ? {
          id: detail.shipment.id,
          status: detail.shipment.status,
          carrierName: detail.shipment.carrierName,
          trackingNumber: detail.shipment.trackingNumber,
        }
      : null,
    events: (detail?.events ?? []).map((e) => ({
      key: e.eventKey,
      status: e.status,
      reason: e.reason,
      rawStatus: e.rawStatus,
      rawMessage: e.rawMessage,
      happenedAt: e.happenedAt,
      location: e.location,
    })),
    // newest first, like the timeline
    activities: [...activities].reverse().map((a) => ({
      id: a.id,
      at: a.at,
      actor: a.actor,
      kind: a.kind,
      detail: a.detail,
    })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: pageTitle(data ? `${EXCEPTION_TYPE_LABELS[data.case.type]} · ${data.case.orderName}` : "Case"),
  },
];

const CaseAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("assign_to_me") }),
  z.object({ intent: z.literal("unassign") }),
  z.object({ intent: z.literal("priority"), priority: z.enum(PRIORITIES) }),
  z.object({ intent: z.literal("snooze"), until: z.coerce.number().int() }),
  z.object({
    intent: z.literal("note"),
    note: z.string().trim().min(1, "Write a note first").max(2000, "At most 2,000 characters"),
  }),
  z.object({
    intent: z.literal("resolve"),
    resolution: z.enum(RESOLUTION_CODES as [ResolutionCode, ...ResolutionCode[]], { errorMap: () => ({ message: "Choose how it was resolved" }) }),
    note: z.string().trim().max(2000, "At most 2,000 characters").optional(),
  }),
  z.object({ intent: z.literal("reopen") }),
  z.object({ intent: z.literal("sla_alert_again"), alertId: z.coerce.number().int().positive() }),
  z.object({
    intent: z.literal("hand_off"),
    owner: z.enum(OWNERS, { errorMap: () => ({ message: "Choose the team to hand it to" }) }),
    handOffNote: z.string().trim().min(1, "Say why, for the team that takes it").max(2000, "At most 2,000 characters"),
  }),
]);

export const action = async ({ request, params, context }: ActionFunctionArgs) => {
  const auth = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = auth.session.shop;
  const me = staffMemberOf(auth);
  const id = CaseId.safeParse(params.id);
  if (!id.success)
    throw new Response("Case not found", {
      status: 404,
      statusText: "Not Found",
    });
  const parsed = CaseAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false as const,
      field: String(issue?.path[0] ?? "intent"),
      error: issue?.message ?? "That did not work",
    };
  }
  const { desk } = context.shipwatch.services;
  const a = parsed.data;
  let outcome: CaseActionOutcome;
  switch (a.intent) {
    case "assign_to_me":
      outcome = await desk.assign(shop, id.data, me, me);
      break;
    case "unassign":
      outcome = await desk.assign(shop, id.data, null, me);
      break;
    case "priority":
      outcome = await desk.setPriority(shop, id.data, a.priority, me);
      break;
    case "snooze":
      outcome = await desk.snooze(shop, id.data, a.until, me);
      break;
    case "note":
      outcome = await desk.addNote(shop, id.data, a.note, me);
      break;
    case "resolve":
      outcome = await desk.resolve(shop, id.data, a.resolution, me, a.note || undefined);
      break;
    case "reopen":
      outcome = await desk.reopen(shop, id.data, me);
      break;
    case "hand_off":
      outcome = await desk.handOff(shop, id.data, a.owner, a.handOffNote, me);
      break;
    case "sla_alert_again": {
      const queued = await context.shipwatch.services.slaAlerts.sendAgain(shop, id.data, a.alertId);
      return queued ? { ok: true as const, intent: a.intent, done: DONE[a.intent] } : { ok: false as const, field: "intent", error: "That alert is not parked any more" };
    }
  }
  if (!outcome.ok) {
    // another shop's case is not found, like a missing one
    if (outcome.reason === "not_found")
      throw new Response("Case not found", {
        status: 404,
        statusText: "Not Found",
      });
    return {
      ok: false as const,
      field: outcome.reason === "snooze_out_of_range" ? "until" : outcome.reason === "same_owner" ? "owner" : "intent",
      error: CASE_REFUSALS[outcome.reason],
    };
  }
  return { ok: true as const, intent: a.intent, done: a.intent === "hand_off" ? `Handed to ${OWNER_LABELS[a.owner]}` : DONE[a.intent] };
};

const DONE: Record<Exclude<z.infer<typeof CaseAction>["intent"], "hand_off">, string> = {
  assign_to_me: "Assigned to you",
  unassign: "Unassigned",
  priority: "Priority changed",
  snooze: "Snoozed",
  note: "Note added",
  resolve: "Case resolved",
  reopen: "Case reopened",
  sla_alert_again: "SLA alert queued again",
};

/** What an audit entry says, in words: stored details name codes and people the way the services keep them. */
function activityText(kind: string, detail: string, me: string, names: StaffNames, timeZone: string, now: number, ruleName: string): string {
  switch (kind) {
    case "opened": {
      // stored as the rule engine's sentence, "<rule name>: <what it saw>; <what it saw>", with codes in it
      const saw = detail.startsWith(`${ruleName}: `) ? detail.slice(ruleName.length + 2) : null;
      return saw
        ? `Opened by the rule ${ruleName}. It saw: ${saw
            .split("; ")
            .map((part) => describeSaw(part, carrierNames))
            .join("; ")}`
        : `Opened by the rule ${detail}`;
    }
    case "assigned": {
      const to = /^Assigned to (.+)$/.exec(detail);
      return to ? `Assigned to ${actorInSentence(to[1]!, me, names)}` : detail;
    }
    case "handed_off": {
      // stored as "Handed from <owner> to <owner>: <note>"
      const handed = /^Handed from (\w+) to (\w+): ([\s\S]*)$/.exec(detail);
      const team = (code: string) => OWNER_LABELS[code as Owner] ?? code;
      return handed ? `Handed from ${team(handed[1]!)} to ${team(handed[2]!)}: ${handed[3]}` : detail;
    }
    case "snoozed": {
      const until = Date.parse(detail.replace(/^Snoozed until /, ""));
      return Number.isNaN(until) ? detail : `Snoozed until ${formatDateTime(until, timeZone, now)}`;
    }
    case "resolved": {
      const [code, ...rest] = detail.split(": ");
      const label = RESOLUTION_LABELS[code as ResolutionCode];
      return label ? `Resolved: ${label}${rest.length ? ` — ${rest.join(": ")}` : ""}` : `Resolved: ${detail}`;
    }
    case "priority": {
      const level = /^priority (\w+)(?::\s*(.*))?$/i.exec(detail);
      const label = level ? PRIORITY_LABELS[level[1]!.toLowerCase() as Priority] : undefined;
      return label ? `Priority set to ${label.toLowerCase()}${level?.[2] ? ` (${level[2]})` : ""}` : detail;
    }
    default:
      return detail;
  }
}

/** The latest SLA alert of the case: sent (where, when), on its way, parked (and sent again from here), or why none went. */
function SlaAlertState({ alert, now, busy, onSendAgain }: { alert: { id: number; owner: Owner; status: string; statusReason: string | null; destination: string | null; lastError: string | null; sentAt: number | null; updatedAt: number }; now: number; busy: boolean; onSendAgain: (id: number) => void }) {
  const team = OWNER_LABELS[alert.owner];
  if (alert.status === "sent")
    return (
      <Text as="span">
        {team} alerted on {alert.destination ?? "Slack"} <RelativeTime at={alert.sentAt ?? alert.updatedAt} now={now} />
      </Text>
    );
  if (alert.status === "failed")
    return (
      <BlockStack gap="100">
        <Text as="span" tone="critical">
          Not delivered to {team}: {alert.lastError ?? alert.statusReason}
        </Text>
        <InlineStack>
          <Button variant="plain" onClick={() => onSendAgain(alert.id)} disabled={busy}>
            Send alert again
          </Button>
        </InlineStack>
      </BlockStack>
    );
  if (alert.status === "skipped")
    return (
      <Text as="span" tone="subdued">
        {team} not alerted: {alert.statusReason}
      </Text>
    );
  return <Text as="span">Alerting {team}{alert.statusReason ? ` (${alert.statusReason})` : ""}</Text>;
}

export default function CaseDetail() {
  const { now, me, names, case: c, why, shipment, events, activities, slaAlerts, order } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const timeZone = useViewerTimeZone();
  const shopify = useAppBridge();
  const fetcher = useFetcher<typeof action>();
  const [note, setNote] = useState("");
  const [resolution, setResolution] = useState<ResolutionCode | "">("");
  const [resolveNote, setResolveNote] = useState("");
  const [snoozeUntil, setSnoozeUntil] = useState<number | null>(null);
  const [handTo, setHandTo] = useState<Owner | "">("");
  const [handOffNote, setHandOffNote] = useState("");

  const busy = fetcher.state !== "idle";
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data) return;
    if (fetcher.data.ok) {
      shopify.toast.show(fetcher.data.done);
      if (fetcher.data.intent === "note") setNote("");
      if (fetcher.data.intent === "resolve") setResolveNote("");
      if (fetcher.data.intent === "hand_off") {
        setHandTo("");
        setHandOffNote("");
      }
    } else if (fetcher.data.field === "intent" && c.status !== "resolved") {
      // a refusal no field can hold (someone changed the case meanwhile); the resolved card says it in place
      shopify.toast.show(fetcher.data.error, { isError: true });
    }
    // only a new answer from the action matters
  }, [fetcher.state, fetcher.data]);

  const submit = (data: Record<string, string>) => fetcher.submit(data, { method: "post" });
  const backHref = hrefWith("/app/exceptions", searchParams);
  const resolved = c.status === "resolved";
  const passedAll = why.length > 0 && why.every((w) => w.passed);

  return (
    <Page
      backAction={{ content: "Exceptions", url: backHref }}
      title={`${EXCEPTION_TYPE_LABELS[c.type]} · ${c.orderName}`}
      titleMetadata={
        <InlineStack gap="200">
          <Badge tone={resolved ? "success" : c.status === "snoozed" ? undefined : "attention"}>{CASE_STATUS_LABELS[c.status]}</Badge>
          <PriorityBadge priority={c.priority} />
          <SlaBadge status={c.status} dueAt={c.dueAt} now={now} />
        </InlineStack>
      }
      subtitle={[OWNER_LABELS[c.owner], shipment?.carrierName, c.trackingNumber].filter(Boolean).join(" · ")}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {/* an order-level case: no rule, no parcel; what the order waits for, and the order in Shopify */}
            {c.orderLevel ? <OrderCaseCards reason={c.reason} orderUrl={c.orderUrl} order={order} now={now} /> : null}
            {c.orderLevel ? null : (
            <Card>
              <BlockStack gap="300">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    Why it was opened
                  </Text>
                  <Text as="p" tone="subdued">
                    The rule{" "}
                    {c.ruleId ? (
                      <Link url={hrefWith(`/app/rules/${c.ruleId}`, shopifyParamsOf(searchParams))}>{c.ruleName}</Link>
                    ) : (
                      <Text as="span" fontWeight="semibold">
                        {c.ruleName}
                      </Text>
                    )}{" "}
                    {passedAll ? "fired" : "opened this case"} <RelativeTime at={c.openedAt} now={now} />. What each of its conditions saw:
                  </Text>
                </BlockStack>
                <BlockStack as="ul" gap="200" aria-label="Conditions the rule checked">
                  {why.map((w, i) => (
                    <Box as="li" key={i}>
                      <InlineStack gap="200" blockAlign="start" wrap={false}>
                        <span aria-hidden="true">
                          <Icon source={w.passed ? CheckCircleIcon : XCircleIcon} tone={w.passed ? "success" : "subdued"} />
                        </span>
                        <BlockStack gap="050">
                          <Text as="p" fontWeight="medium">
                            {w.condition}
                            <Text as="span" visuallyHidden>
                              {w.passed ? " (held)" : " (did not hold)"}
                            </Text>
                          </Text>
                          <Text as="p" tone="subdued">
                            Saw: {w.saw}
                          </Text>
                        </BlockStack>
                      </InlineStack>
                    </Box>
                  ))}
                </BlockStack>
                {c.holdMessages ? (
                  <Text as="p" tone="caution">
                    Customer messages for this shipment are held while a person reviews it.
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
            )}

            {c.orderLevel ? null : (
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Shipment timeline
                  </Text>
                  {shipment ? <Link url={hrefWith(`/app/shipments/${shipment.id}`, shopifyParamsOf(searchParams))}>View shipment</Link> : null}
                </InlineStack>
                <ShipmentTimeline events={events} now={now} />
              </BlockStack>
            </Card>
            )}

            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Notes and audit trail
                </Text>
                <fetcher.Form
                  method="post"
                  onSubmit={(event) => {
                    event.preventDefault();
                    submit({ intent: "note", note });
                  }}
                >
                  <BlockStack gap="200">
                    <TextField
                      label="Add a note"
                      name="note"
                      value={note}
                      onChange={setNote}
                      multiline={3}
                      autoComplete="off"
                      placeholder="What you found out, or what you did"
                      error={failed?.field === "note" ? failed.error : undefined}
                    />
                    <InlineStack align="end">
                      <Button submit disabled={busy || note.trim() === ""}>
                        Add note
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </fetcher.Form>
                <BlockStack as="ul" gap="300" aria-label="Audit trail, newest first">
                  {activities.map((a) => (
                    <Box as="li" key={a.id} paddingBlockStart="300" borderBlockStartWidth="025" borderColor="border-secondary">
                      <BlockStack gap="100">
                        <InlineStack gap="200" blockAlign="center">
                          <Text as="span" fontWeight="semibold">
                            {actorLabel(a.actor, me, names)}
                          </Text>
                          {a.kind === "note" ? <Badge>Note</Badge> : null}
                          {a.kind === "handed_off" ? <Badge tone="info">Handed off</Badge> : null}
                          {a.kind === "sla_alerted" || a.kind === "sla_alert_failed" ? <Badge tone={a.kind === "sla_alerted" ? "warning" : "critical"}>SLA alert</Badge> : null}
                          <Text as="span" tone="subdued" variant="bodySm">
                            <ExactTime at={a.at} now={now} />
                          </Text>
                        </InlineStack>
                        <Text as="p">{activityText(a.kind, a.detail, me, names, timeZone, now, c.ruleName)}</Text>
                      </BlockStack>
                    </Box>
                  ))}
                </BlockStack>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Case
                </Text>
                <Fact label="Owner">{OWNER_LABELS[c.owner]}</Fact>
                <Fact label="Assignee">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span" tone={c.assignee ? undefined : "subdued"}>
                      {c.assignee ? actorLabel(c.assignee, me, names) : "Unassigned"}
                    </Text>
                    {c.assignee && isSameStaff(c.assignee, me) ? (
                      <Button variant="plain" onClick={() => submit({ intent: "unassign" })} disabled={busy}>
                        Unassign
                      </Button>
                    ) : (
                      <Button variant="plain" onClick={() => submit({ intent: "assign_to_me" })} disabled={busy}>
                        Assign to me
                      </Button>
                    )}
                  </InlineStack>
                </Fact>
                <Select
                  label="Priority"
                  options={PRIORITIES.map((p) => ({
                    value: p,
                    label: PRIORITY_LABELS[p],
                  }))}
                  value={c.priority}
                  disabled={busy}
                  onChange={(value) => submit({ intent: "priority", priority: value })}
                />
                <Fact label="Due">{c.dueAt ? <ExactTime at={c.dueAt} now={now} /> : "No deadline"}</Fact>
                {slaAlerts[0] ? (
                  <Fact label="SLA alert">
                    <SlaAlertState alert={slaAlerts[0]} now={now} busy={busy} onSendAgain={(alertId) => submit({ intent: "sla_alert_again", alertId: String(alertId) })} />
                  </Fact>
                ) : null}
                <Fact label="Opened">
                  <ExactTime at={c.openedAt} now={now} />
                </Fact>
                {c.status === "snoozed" && c.snoozedUntil ? (
                  <Fact label="Snoozed until">
                    <ExactTime at={c.snoozedUntil} now={now} />
                  </Fact>
                ) : null}
              </BlockStack>
            </Card>

            {resolved ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Resolved
                  </Text>
                  <Text as="p">
                    {c.resolution ? RESOLUTION_LABELS[c.resolution] : "Resolved"}
                    {c.resolvedBy ? `, by ${actorInSentence(c.resolvedBy, me, names)}` : ""}
                    {c.resolvedAt ? (
                      <>
                        {" "}
                        <RelativeTime at={c.resolvedAt} now={now} />
                      </>
                    ) : null}
                    .
                  </Text>
                  {failed?.field === "intent" ? (
                    <Text as="p" tone="critical">
                      {failed.error}
                    </Text>
                  ) : null}
                  <InlineStack>
                    <Button onClick={() => submit({ intent: "reopen" })} disabled={busy}>
                      Reopen case
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            ) : (
              <>
                <Card>
                  <fetcher.Form
                    method="post"
                    onSubmit={(event) => {
                      event.preventDefault();
                      submit({
                        intent: "resolve",
                        resolution,
                        note: resolveNote,
                      });
                    }}
                  >
                    <BlockStack gap="300">
                      <Text as="h2" variant="headingMd">
                        Resolve
                      </Text>
                      <Select
                        label="Resolution"
                        name="resolution"
                        placeholder="Choose how it was resolved"
                        options={RESOLUTION_CODES.map((code) => ({
                          value: code,
                          label: RESOLUTION_LABELS[code],
                        }))}
                        value={resolution}
                        onChange={(value) => setResolution(value as ResolutionCode)}
                        error={failed?.field === "resolution" ? failed.error : undefined}
                      />
                      <TextField label="Note (optional)" name="resolveNote" value={resolveNote} onChange={setResolveNote} multiline={2} autoComplete="off" />
                      <InlineStack align="end">
                        <Button submit variant="primary" disabled={busy}>
                          Resolve case
                        </Button>
                      </InlineStack>
                    </BlockStack>
                  </fetcher.Form>
                </Card>
                <Card>
                  <fetcher.Form
                    method="post"
                    onSubmit={(event) => {
                      event.preventDefault();
                      submit({ intent: "hand_off", owner: handTo, handOffNote });
                    }}
                  >
                    <BlockStack gap="300">
                      <Text as="h2" variant="headingMd">
                        Hand to team
                      </Text>
                      <Select
                        label="Team"
                        name="owner"
                        placeholder="Choose a team"
                        options={OWNERS.filter((o) => o !== c.owner).map((o) => ({ value: o, label: OWNER_LABELS[o] }))}
                        value={handTo}
                        onChange={(value) => setHandTo(value as Owner)}
                        error={failed?.field === "owner" ? failed.error : undefined}
                      />
                      <TextField
                        label="Note for the team"
                        name="handOffNote"
                        value={handOffNote}
                        onChange={setHandOffNote}
                        multiline={2}
                        autoComplete="off"
                        requiredIndicator
                        placeholder="What they need to know, and what you already did"
                        error={failed?.field === "handOffNote" ? failed.error : undefined}
                      />
                      <Text as="p" variant="bodySm" tone="subdued">
                        The note goes on the audit trail, and the case waits unassigned for the team to take it.
                      </Text>
                      <InlineStack align="end">
                        <Button submit disabled={busy || handTo === "" || handOffNote.trim() === ""}>
                          Hand to team
                        </Button>
                      </InlineStack>
                    </BlockStack>
                  </fetcher.Form>
                </Card>
                <Card>
                  <fetcher.Form
                    method="post"
                    onSubmit={(event) => {
                      event.preventDefault();
                      submit({ intent: "snooze", until: snoozeUntil === null ? "" : String(snoozeUntil) });
                    }}
                  >
                    <BlockStack gap="300">
                      <Text as="h2" variant="headingMd">
                        Snooze
                      </Text>
                      <SnoozePicker now={now} onChange={setSnoozeUntil} error={failed?.field === "until" ? failed.error : undefined} />
                      <Text as="p" variant="bodySm" tone="subdued">
                        The case stays in the queue, marked snoozed, and comes back by itself.
                      </Text>
                      <InlineStack align="end">
                        <Button submit disabled={busy || snoozeUntil === null}>
                          Snooze
                        </Button>
                      </InlineStack>
                    </BlockStack>
                  </fetcher.Form>
                </Card>
              </>
            )}

            {shipment ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Shipment now
                  </Text>
                  <InlineStack>
                    <StatusBadge status={shipment.status} />
                  </InlineStack>
                  <Text as="p">
                    {shipment.carrierName} · {shipment.trackingNumber ?? "No tracking number"}
                  </Text>
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export const ErrorBoundary = notFoundBoundary({
  back: { content: "Exceptions", path: "/app/exceptions" },
  title: "Case not found",
  text: "There is no exception case with this link in your store.",
  hint: "Open the Exceptions list to find the case by its order.",
});

type OrderFile = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["order"]>;

/** An order-level case (fulfillment_delayed): why, in the handling time's words, and what the order still waits for. */
function OrderCaseCards({ reason, orderUrl, order, now }: { reason: string; orderUrl: string | null; order: OrderFile | null; now: number }) {
  const waiting = order?.lines.reduce((n, l) => n + l.waiting, 0) ?? 0;
  return (
    <>
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Why it was opened
          </Text>
          <Text as="p" tone="subdued">
            The order waited to ship longer than its handling time. Nothing has a tracking number yet: this case is about the order.
          </Text>
          <Text as="p">{reason}</Text>
        </BlockStack>
      </Card>
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Still to ship
            </Text>
            {orderUrl ? (
              <Link url={orderUrl} target="_top">
                Open order in Shopify
              </Link>
            ) : null}
          </InlineStack>
          {order ? (
            <>
              <Text as="p" tone="subdued">
                Ordered <ExactTime at={order.createdAt} now={now} />. Handling time {order.businessDays} business {order.businessDays === 1 ? "day" : "days"}
                {order.method ? ` (${order.method})` : ""}: due to ship by <ExactTime at={order.shipBy} now={now} />.
              </Text>
              {order.lines.length ? (
                <BlockStack as="ul" gap="100" aria-label="Lines still to ship">
                  {order.lines.map((l) => (
                    <Box as="li" key={l.id}>
                      <InlineStack align="space-between" gap="200" wrap={false}>
                        <Text as="span">{l.title}</Text>
                        <Text as="span" numeric tone={l.waiting < l.quantity ? "caution" : undefined}>
                          {l.waiting < l.quantity ? `${l.waiting} of ${l.quantity} to ship` : `${l.waiting} to ship`}
                        </Text>
                      </InlineStack>
                    </Box>
                  ))}
                </BlockStack>
              ) : (
                <Text as="p">{order.cancelled ? "The order was cancelled." : "Every item has shipped."}</Text>
              )}
              {waiting ? (
                <Text as="p" variant="bodySm" tone="subdued">
                  {waiting === 1 ? "1 item waits" : `${waiting} items wait`}. The case resolves itself once everything has shipped or the order is cancelled.
                </Text>
              ) : null}
            </>
          ) : (
            <Text as="p" tone="subdued">
              Shipwatch no longer holds this order.
            </Text>
          )}
        </BlockStack>
      </Card>
    </>
  );
}
