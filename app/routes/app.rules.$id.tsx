import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate, useNavigation } from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
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
  Icon,
  InlineError,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { CheckCircleIcon, XCircleIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { z } from "zod";
import { EXCEPTION_TYPE_LABELS, OWNER_LABELS, PRIORITY_LABELS } from "~/components/case-words";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { errorAt } from "~/components/form-errors";
import { hrefWith, shopifyParamsOf, useAdminHref } from "~/components/embedded-url";
import { ACTION_LABELS, CONDITION_LABELS, describeCondition, describeSaw, newAction, newCondition, STATUS_CLASS_LABELS } from "~/components/rule-words";
import { StatusBadge } from "~/components/StatusBadge";
import { TagPicker } from "~/components/TagPicker";
import { CARRIERS } from "~/domain/carriers";
import { EXCEPTION_TYPES, OWNERS, PRIORITIES, type Condition, type RuleAction } from "~/domain/rules";
import { REASON_LABELS, SHIPMENT_STATUSES, STATUS_LABELS, STATUS_REASONS } from "~/domain/status";
import { notFoundBoundary } from "~/components/NotFound";
import type { StatusClass } from "~/domain/status-classes";

const RuleId = z.union([z.literal("new"), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER)]);
const carrierOptions = Object.values(CARRIERS).map((c) => ({ value: c.code, label: c.name }));
const carrierNames = Object.fromEntries(carrierOptions.map((c) => [c.value, c.label]));

/** The starting point of a new rule: a status condition to fill in and a case to open. */
const NEW_RULE = {
  name: "",
  enabled: true,
  stopAfter: false,
  conditions: [newCondition("status_in")],
  actions: [newAction("open_case")],
};

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const id = RuleId.safeParse(params.id);
  if (!id.success) throw new Response("Rule not found", { status: 404, statusText: "Not Found" });
  if (id.data === "new") return { id: null, builtIn: false, rule: NEW_RULE, carriers: carrierOptions };
  const rule = await context.shipwatch.services.ruleBook.get(session.shop, id.data);
  // another shop's rule is "not found", exactly like a missing one
  if (!rule) throw new Response("Rule not found", { status: 404, statusText: "Not Found" });
  return {
    id: rule.id,
    builtIn: rule.builtIn !== null,
    rule: { name: rule.name, enabled: rule.enabled, stopAfter: rule.stopAfter, conditions: rule.conditions, actions: rule.actions },
    carriers: carrierOptions,
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

/** The rule travels as JSON: its shape is checked by the rule book, field by field. */
const RuleJson = z.string().max(50_000).transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "not JSON" });
    return z.NEVER;
  }
});
const EditorAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), rule: RuleJson }),
  z.object({ intent: z.literal("try"), rule: RuleJson, lookup: z.string().trim().max(100) }),
  z.object({ intent: z.literal("delete") }),
]);

export const action = async ({ request, params, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const id = RuleId.safeParse(params.id);
  if (!id.success) throw new Response("Rule not found", { status: 404, statusText: "Not Found" });
  const parsed = EditorAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { intent: "invalid" as const, fieldErrors: { rule: "The form could not be read; reload the page and try again." } };
  const { ruleBook } = context.shipwatch.services;
  const shop = session.shop;
  const ruleId = id.data === "new" ? null : id.data;
  // back to the list with Shopify's parameters, so a reload there still authenticates. A relative redirect:
  // the admin context's helper answers with the app's public URL, which is not where the local preview runs.
  const backToList = (flag: string) => {
    const search = shopifyParamsOf(new URL(request.url).searchParams);
    search.set(flag, "1");
    return redirect(hrefWith("/app/rules", search));
  };
  switch (parsed.data.intent) {
    case "save": {
      const outcome = await ruleBook.save(shop, ruleId, parsed.data.rule);
      if (outcome.ok) return backToList("saved");
      if ("notFound" in outcome) throw new Response("Rule not found", { status: 404, statusText: "Not Found" });
      return { intent: "save" as const, fieldErrors: outcome.fieldErrors };
    }
    case "try": {
      const result = await ruleBook.tryOn(shop, parsed.data.rule, parsed.data.lookup);
      if (result.outcome === "invalid") return { intent: "try" as const, fieldErrors: result.fieldErrors };
      if (result.outcome === "not_found") return { intent: "try" as const, notFound: result.lookup };
      return {
        intent: "try" as const,
        preview: {
          shipment: result.shipment,
          fired: result.fired,
          evaluated: result.evaluated,
          checks: result.checks.map((c) => ({ condition: describeCondition(c.condition, carrierNames), passed: c.passed, saw: describeSaw(c.saw, carrierNames) })),
        },
      };
    }
    case "delete": {
      if (ruleId === null || !(await ruleBook.remove(shop, ruleId))) throw new Response("Rule not found", { status: 404, statusText: "Not Found" });
      return backToList("deleted");
    }
  }
};

// ---- the editor's working copy: numbers are kept as typed, and only become numbers when sent

type Draft = { name: string; enabled: boolean; stopAfter: boolean; conditions: Item[]; actions: Item[] };
type Item = { kind: string } & Record<string, unknown>;
const NUMBER_FIELDS = new Set(["hours", "days", "amount", "count", "slaHours"]);

function toDraftItem(item: Condition | RuleAction): Item {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, NUMBER_FIELDS.has(k) ? String(v) : v])) as Item;
}
function toRuleInput(draft: Draft) {
  const convert = (item: Item) =>
    Object.fromEntries(
      Object.entries(item).map(([k, v]) => {
        if (!NUMBER_FIELDS.has(k)) return [k, v];
        const text = String(v ?? "").trim();
        // an empty or unreadable field is sent as nothing, and the rule book says what is expected
        return [k, text === "" || Number.isNaN(Number(text)) ? null : Number(text)];
      }),
    );
  return { ...draft, conditions: draft.conditions.map(convert), actions: draft.actions.map(convert) };
}

const labelled = <T extends string>(values: readonly T[], labels: Record<T, string>) => values.map((value) => ({ value: value as string, label: labels[value] }));
const STATUS_OPTIONS = labelled(SHIPMENT_STATUSES, STATUS_LABELS);
const REASON_OPTIONS = labelled(STATUS_REASONS, REASON_LABELS);
const CONDITION_KINDS = Object.keys(CONDITION_LABELS) as Condition["kind"][];
const ACTION_KINDS = Object.keys(ACTION_LABELS) as RuleAction["kind"][];

export default function RuleEditor() {
  const { id, builtIn, rule, carriers } = useLoaderData<typeof loader>();
  const adminHref = useAdminHref();
  const save = useFetcher<typeof action>();
  const tryIt = useFetcher<typeof action>();
  const shopify = useAppBridge();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const saved = (): Draft => ({
    name: rule.name,
    enabled: rule.enabled,
    stopAfter: rule.stopAfter,
    conditions: (rule.conditions as Condition[]).map(toDraftItem),
    actions: (rule.actions as RuleAction[]).map(toDraftItem),
  });
  const [draft, setDraft] = useState<Draft>(saved);
  // a new rule is unsaved from the start; discarding it goes back to the list
  const [discarded, setDiscarded] = useState(false);
  const dirty = id === null ? !discarded : JSON.stringify(draft) !== JSON.stringify(saved());
  const [lookup, setLookup] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);

  const tryResult = tryIt.data && tryIt.data.intent === "try" ? tryIt.data : undefined;
  // the fields the latest answer (a save, or a try, which checks the rule too) says are wrong
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  const [notSaved, setNotSaved] = useState(false);
  useEffect(() => {
    if (save.state !== "idle" || !save.data) return;
    const fieldErrors = "fieldErrors" in save.data ? save.data.fieldErrors : undefined;
    setErrors(fieldErrors);
    setNotSaved(!!fieldErrors);
  }, [save.state, save.data]);
  useEffect(() => {
    if (tryIt.state !== "idle" || !tryResult) return;
    setErrors("fieldErrors" in tryResult ? tryResult.fieldErrors : undefined);
  }, [tryIt.state, tryResult]);
  const errorCount = errors ? Object.keys(errors).length : 0;

  // a save or a delete answers with the way back to the list: say what happened as the list opens
  const told = useRef(false);
  const leavingTo = navigation.state === "loading" && navigation.location.pathname === "/app/rules" ? new URLSearchParams(navigation.location.search) : null;
  const outcome = leavingTo?.get("saved") ? "Rule saved" : leavingTo?.get("deleted") ? "Rule deleted" : null;
  useEffect(() => {
    if (!outcome || told.current) return;
    told.current = true;
    shopify.toast.show(outcome);
  }, [outcome, shopify]);
  const listHref = adminHref("/app/rules");
  useEffect(() => {
    if (discarded) navigate(listHref);
  }, [discarded, navigate, listHref]);

  const update = (part: Partial<Draft>) => setDraft((d) => ({ ...d, ...part }));
  const setItem = (list: "conditions" | "actions", index: number, item: Item) =>
    setDraft((d) => ({ ...d, [list]: d[list].map((x, i) => (i === index ? item : x)) }));
  const removeItem = (list: "conditions" | "actions", index: number) => setDraft((d) => ({ ...d, [list]: d[list].filter((_, i) => i !== index) }));
  const addItem = (list: "conditions" | "actions", item: Item) => setDraft((d) => ({ ...d, [list]: [...d[list], item] }));

  const submitSave = () => save.submit({ intent: "save", rule: JSON.stringify(toRuleInput(draft)) }, { method: "post" });
  const discard = () => {
    setErrors(undefined);
    setNotSaved(false);
    if (id === null) setDiscarded(true);
    else setDraft(saved());
  };
  const submitTry = () => tryIt.submit({ intent: "try", rule: JSON.stringify(toRuleInput(draft)), lookup }, { method: "post" });

  return (
    <Page
      backAction={{ content: "Rules", url: adminHref("/app/rules") }}
      title={id === null ? "New rule" : draft.name || "Untitled rule"}
      titleMetadata={builtIn ? <Badge tone="info">Default</Badge> : undefined}
      secondaryActions={id === null ? [] : [{ content: "Delete rule", destructive: true, onAction: () => setConfirmDelete(true) }]}
    >
      <ContextualSaveBar id="rule-save-bar" dirty={dirty} saving={save.state !== "idle"} onSave={submitSave} onDiscard={discard} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {notSaved && errorCount ? (
              <Banner tone="critical" title={`The rule was not saved: ${errorCount === 1 ? "1 field needs" : `${errorCount} fields need`} attention`}>
                Nothing changed. Fix the fields marked below and save again.
              </Banner>
            ) : null}
            <Card>
              <FormLayout>
                <TextField label="Name" value={draft.name} onChange={(name) => update({ name })} autoComplete="off" error={errorAt(errors, "name")} maxLength={100} />
                <InlineStack gap="600">
                  <Checkbox label="On" helpText="Turned-off rules are kept but not run." checked={draft.enabled} onChange={(enabled) => update({ enabled })} />
                  <Checkbox
                    label="Stop after this rule"
                    helpText="When this rule holds, later rules are not run for the shipment."
                    checked={draft.stopAfter}
                    onChange={(stopAfter) => update({ stopAfter })}
                  />
                </InlineStack>
              </FormLayout>
            </Card>

            <Card>
              <BlockStack gap="400">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    When all of these hold
                  </Text>
                  <Text as="p" tone="subdued">
                    Hours and days count the carrier&apos;s working days and your holidays, so a weekend is not silence.
                  </Text>
                </BlockStack>
                {draft.conditions.map((c, index) => (
                  <Box key={index} padding="300" background="bg-surface-secondary" borderRadius="200">
                    <ItemHeader label={CONDITION_LABELS[c.kind as Condition["kind"]] ?? c.kind} onRemove={() => removeItem("conditions", index)} removeLabel={`Remove condition ${index + 1}`} />
                    <ConditionFields item={c} carriers={carriers} errors={errors} path={`conditions.${index}`} onChange={(item) => setItem("conditions", index, item)} />
                  </Box>
                ))}
                {errorAt(errors, "conditions") && !draft.conditions.length ? <InlineError message={errorAt(errors, "conditions")!} fieldID="add-condition" /> : null}
                <Box maxWidth="360px">
                  <Select
                    id="add-condition"
                    label="Add a condition"
                    options={[{ label: "Choose a condition…", value: "" }, ...CONDITION_KINDS.map((k) => ({ value: k, label: CONDITION_LABELS[k] }))]}
                    value=""
                    onChange={(kind) => kind && addItem("conditions", toDraftItem(newCondition(kind as Condition["kind"])))}
                  />
                </Box>
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Then do this
                </Text>
                {draft.actions.map((a, index) => (
                  <Box key={index} padding="300" background="bg-surface-secondary" borderRadius="200">
                    <ItemHeader label={ACTION_LABELS[a.kind as RuleAction["kind"]] ?? a.kind} onRemove={() => removeItem("actions", index)} removeLabel={`Remove action ${index + 1}`} />
                    <ActionFields item={a} errors={errors} path={`actions.${index}`} onChange={(item) => setItem("actions", index, item)} />
                  </Box>
                ))}
                {errorAt(errors, "actions") && !draft.actions.length ? <InlineError message={errorAt(errors, "actions")!} fieldID="add-action" /> : null}
                <Box maxWidth="360px">
                  <Select
                    id="add-action"
                    label="Add an action"
                    options={[{ label: "Choose an action…", value: "" }, ...ACTION_KINDS.map((k) => ({ value: k, label: ACTION_LABELS[k] }))]}
                    value=""
                    onChange={(kind) => kind && addItem("actions", toDraftItem(newAction(kind as RuleAction["kind"])))}
                  />
                </Box>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  Try it on a shipment
                </Text>
                <Text as="p" tone="subdued">
                  Runs this rule as it is now, unsaved, against one shipment. Nothing is opened or sent.
                </Text>
              </BlockStack>
              <div
                onKeyDown={(event) => {
                  if (event.key === "Enter") {
                    event.preventDefault();
                    submitTry();
                  }
                }}
              >
                <TextField label="Order or tracking number" value={lookup} onChange={setLookup} autoComplete="off" placeholder="#1001 or 1Z999AA1…" />
              </div>
              <InlineStack>
                <Button onClick={submitTry} loading={tryIt.state !== "idle"} disabled={lookup.trim() === ""}>
                  Try it
                </Button>
              </InlineStack>
              {tryResult ? <TryResult result={tryResult} /> : null}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>

      <Modal
        open={confirmDelete}
        onClose={() => setConfirmDelete(false)}
        title="Delete this rule?"
        primaryAction={{ content: "Delete rule", destructive: true, onAction: () => save.submit({ intent: "delete" }, { method: "post" }), loading: save.state !== "idle" }}
        secondaryActions={[{ content: "Cancel", onAction: () => setConfirmDelete(false) }]}
      >
        <Modal.Section>
          <Text as="p">Cases it already opened stay open. To keep the rule for later, turn it off instead.</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

function ItemHeader({ label, onRemove, removeLabel }: { label: string; onRemove: () => void; removeLabel: string }) {
  return (
    <Box paddingBlockEnd="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {label}
        </Text>
        <Button variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={removeLabel}>
          Remove
        </Button>
      </InlineStack>
    </Box>
  );
}

interface FieldsProps {
  item: Item;
  errors: Record<string, string> | undefined;
  path: string;
  onChange: (item: Item) => void;
}

function NumberField({ label, item, field, errors, path, onChange, suffix, step }: FieldsProps & { label: string; field: string; suffix?: string; step?: number }) {
  return (
    <Box maxWidth="240px">
      <TextField
        label={label}
        type="number"
        step={step}
        value={String(item[field] ?? "")}
        onChange={(value) => onChange({ ...item, [field]: value })}
        suffix={suffix}
        autoComplete="off"
        error={errorAt(errors, `${path}.${field}`)}
      />
    </Box>
  );
}

function TextItemField({ label, item, field, errors, path, onChange, helpText }: FieldsProps & { label: string; field: string; helpText?: string }) {
  return (
    <TextField
      label={label}
      value={String(item[field] ?? "")}
      onChange={(value) => onChange({ ...item, [field]: value })}
      autoComplete="off"
      helpText={helpText}
      error={errorAt(errors, `${path}.${field}`)}
    />
  );
}

function ConditionFields(props: FieldsProps & { carriers: { value: string; label: string }[] }) {
  const { item, errors, path, onChange } = props;
  const list = (field: string) => (item[field] as string[] | undefined) ?? [];
  switch (item.kind as Condition["kind"]) {
    case "status_in":
      return <TagPicker label="Statuses" placeholder="Add a status…" options={STATUS_OPTIONS} values={list("statuses")} onChange={(statuses) => onChange({ ...item, statuses })} error={errorAt(errors, `${path}.statuses`)} />;
    case "status_class_in":
      return <TagPicker label="Classes" placeholder="Add a class…" options={(Object.keys(STATUS_CLASS_LABELS) as StatusClass[]).map((k) => ({ value: k, label: STATUS_CLASS_LABELS[k] }))} values={list("classes")} onChange={(classes) => onChange({ ...item, classes })} error={errorAt(errors, `${path}.classes`)} />;
    case "reason_in":
      return <TagPicker label="Reasons" placeholder="Add a reason…" options={REASON_OPTIONS} values={list("reasons")} onChange={(reasons) => onChange({ ...item, reasons })} error={errorAt(errors, `${path}.reasons`)} />;
    case "carrier_in":
      return <TagPicker label="Carriers" placeholder="Add a carrier…" options={props.carriers} values={list("carriers")} onChange={(carriers) => onChange({ ...item, carriers })} error={errorAt(errors, `${path}.carriers`)} />;
    case "shipping_method_matches":
      return <TextItemField {...props} label="Shipping method contains" field="pattern" helpText="Part of the shipping method's name or code, like express." />;
    case "destination_in":
      return (
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <TagPicker
            label="Countries"
            placeholder="US"
            values={list("countries")}
            transform={(v) => v.trim().toUpperCase()}
            onChange={(countries) => onChange({ ...item, countries })}
            helpText="Two-letter country codes."
            error={errorAt(errors, `${path}.countries`)}
          />
          <TagPicker
            label="Regions (optional)"
            placeholder="NY"
            values={list("regions")}
            transform={(v) => v.trim().toUpperCase()}
            onChange={(regions) => onChange({ ...item, regions })}
            helpText="State or province codes; leave empty for the whole country."
            error={errorAt(errors, `${path}.regions`)}
          />
        </InlineGrid>
      );
    case "order_value_at_least":
    case "order_value_at_most":
      return <NumberField {...props} label="Amount" field="amount" step={0.01} suffix="in the order's currency" />;
    case "customer_tag_has":
    case "order_tag_has":
      return <TextItemField {...props} label="Tag" field="tag" helpText="For example VIP. Case does not matter." />;
    case "business_hours_since_last_scan_at_least":
    case "no_scan_since_label_at_least":
      return <NumberField {...props} label="Business hours" field="hours" suffix="hours" />;
    case "days_since_last_scan_at_least":
      return <NumberField {...props} label="Days" field="days" suffix="days" />;
    case "business_days_past_promise_at_least":
      return <NumberField {...props} label="Business days" field="days" suffix="days" />;
    case "delivery_attempts_at_least":
      return <NumberField {...props} label="Attempts" field="count" />;
    case "eta_later_than_promise":
      return (
        <Text as="p" tone="subdued">
          Holds when the carrier&apos;s estimated delivery falls after the date you promised.
        </Text>
      );
    case "trending_late":
      return (
        <Text as="p" tone="subdued">
          Holds before the promised date when your own delivery history says parcels like this one usually arrive after it.
        </Text>
      );
    case "looked_up_at_least":
      return (
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          <NumberField {...props} label="Lookups on your tracking page" field="count" suffix="times" />
          <NumberField {...props} label="Within" field="hours" suffix="hours" />
        </InlineGrid>
      );
  }
}

function ActionFields(props: FieldsProps) {
  const { item, errors, path, onChange } = props;
  const select = (label: string, field: string, options: { value: string; label: string }[]) => (
    <Select label={label} options={options} value={String(item[field] ?? "")} onChange={(value) => onChange({ ...item, [field]: value })} error={errorAt(errors, `${path}.${field}`)} />
  );
  switch (item.kind as RuleAction["kind"]) {
    case "open_case":
      return (
        <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
          {select("Problem", "type", labelled(EXCEPTION_TYPES, EXCEPTION_TYPE_LABELS))}
          {select("Owner", "owner", labelled(OWNERS, OWNER_LABELS))}
          {select("Priority", "priority", labelled(PRIORITIES, PRIORITY_LABELS))}
          <NumberField {...props} label="Resolve within" field="slaHours" suffix="hours" />
        </InlineGrid>
      );
    case "raise_priority":
      return <Box maxWidth="240px">{select("Raise to", "priority", labelled(PRIORITIES, PRIORITY_LABELS))}</Box>;
    case "message_customer":
      return <TextItemField {...props} label="Message template" field="template" helpText="Recorded with the shipment now; sent once customer messages are set up." />;
    case "alert_internal":
      return <TextItemField {...props} label="Channel" field="channel" helpText="Where your team hears about it, like #shipping-alerts." />;
    case "tag_order":
      return <TextItemField {...props} label="Order tag" field="tag" />;
    case "hold_messages":
      return (
        <Text as="p" tone="subdued">
          Customer messages for the shipment wait until a person resolves its case.
        </Text>
      );
  }
}

type TryAnswer = Extract<NonNullable<ReturnType<typeof useFetcher<typeof action>>["data"]>, { intent: "try" }>;

function TryResult({ result }: { result: TryAnswer }) {
  if ("notFound" in result) {
    return (
      <Banner tone="warning">
        <p>No shipment in your store matches &quot;{result.notFound}&quot;. Try the order name, like #1001, or the full tracking number.</p>
      </Banner>
    );
  }
  if ("fieldErrors" in result) {
    return (
      <Banner tone="critical">
        <p>Fix the fields marked in the rule to try it.</p>
      </Banner>
    );
  }
  const { shipment, fired, evaluated, checks } = result.preview;
  return (
    <BlockStack gap="300">
      <Divider />
      <InlineStack gap="200" blockAlign="center">
        <Text as="span" fontWeight="semibold">
          {shipment.orderName}
        </Text>
        <StatusBadge status={shipment.status} />
      </InlineStack>
      <Text as="p" tone="subdued">
        {shipment.carrierName} · {shipment.trackingNumber ?? "No tracking number"}
      </Text>
      <Box>
        {fired ? (
          <Badge tone="success" size="large">
            Would fire
          </Badge>
        ) : (
          <Badge size="large">Would not fire</Badge>
        )}
      </Box>
      {!evaluated ? (
        <Text as="p" tone="subdued">
          The order was cancelled: rules do not run for its parcels.
        </Text>
      ) : null}
      <BlockStack as="ul" gap="200" aria-label="What each condition saw">
        {checks.map((c, i) => (
          <li key={i} style={{ listStyle: "none" }}>
            <CheckLine passed={c.passed}>
              <Text as="p" fontWeight="medium">
                {c.condition}
              </Text>
              <Text as="p" tone="subdued">
                Saw: {c.saw}
              </Text>
            </CheckLine>
          </li>
        ))}
      </BlockStack>
    </BlockStack>
  );
}

function CheckLine({ passed, children }: { passed: boolean; children: ReactNode }) {
  return (
    <InlineStack gap="200" blockAlign="start" wrap={false}>
      <span aria-hidden="true">
        <Icon source={passed ? CheckCircleIcon : XCircleIcon} tone={passed ? "success" : "subdued"} />
      </span>
      <BlockStack gap="050">
        {children}
        <Text as="span" visuallyHidden>
          {passed ? "Holds" : "Does not hold"}
        </Text>
      </BlockStack>
    </InlineStack>
  );
}

export const ErrorBoundary = notFoundBoundary({
  back: { content: "Rules", path: "/app/rules" },
  title: "Rule not found",
  text: "There is no rule with this link in your store. It may have been deleted.",
});
