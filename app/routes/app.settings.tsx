import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Layout,
  Modal,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { ArrowDownIcon, ArrowUpIcon } from "@shopify/polaris-icons";
import { useAppBridge } from "@shopify/app-bridge-react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useEffect, useState, type ReactNode } from "react";
import { z } from "zod";
import { ContextualSaveBar } from "~/components/ContextualSaveBar";
import { DateListPicker } from "~/components/DateListPicker";
import { errorAt, fieldErrorsOf } from "~/components/form-errors";
import { TimeZonePicker } from "~/components/TimeZonePicker";
import { useFetcherAnswer } from "~/components/use-fetcher-answer";
import { RelativeTime } from "~/components/Timestamp";
import { TrackingPageCard, trackingPageLinks } from "~/components/TrackingPageCard";
import { DEFAULT_CARRIER_WORKDAYS, isValidTimeZone } from "~/domain/business-time";
import { CARRIERS, type CarrierCode } from "~/domain/carriers";
import { HandlingTimeSchema } from "~/domain/fulfillment-delay";

const CARRIER_CODES = Object.keys(CARRIERS) as CarrierCode[];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const { profile, supportApi } = context.shipwatch.services;
  const [setup, keys] = await Promise.all([profile.get(session.shop, true), supportApi.listKeys(session.shop)]);
  const s = setup.settings;
  return {
    now: context.shipwatch.clock.now(),
    settings: {
      timezone: s.timezone,
      holidays: [...s.holidays].sort(),
      // every carrier's scanning days, the merchant's where set, the default otherwise
      carrierWorkdays: Object.fromEntries(CARRIER_CODES.map((c) => [c, [...(s.carrierWorkdays[c] ?? DEFAULT_CARRIER_WORKDAYS[c])]])) as Record<CarrierCode, number[]>,
      promisePolicies: s.promisePolicies,
      autoResolve: s.autoResolve,
      handlingTime: s.handlingTime,
    },
    carriers: CARRIER_CODES.map((c) => ({ code: c, name: CARRIERS[c].name })),
    keys: keys.map((k) => ({ id: k.id, name: k.name, lastFour: k.lastFour, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt })),
    trackingPage: trackingPageLinks(session.shop, context.shipwatch.config.shopify.apiKey),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

const isRealDate = (day: string) => {
  const at = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(at) && new Date(at).toISOString().slice(0, 10) === day;
};
const Weekdays = z.array(z.number().int().min(0).max(6)).min(1, "Choose at least one day").max(7);

const SettingsInput = z.object({
  timezone: z.string().trim().refine(isValidTimeZone, "Enter a time zone such as America/New_York or Europe/Berlin"),
  holidays: z.array(z.string().refine(isRealDate, "Use a real date (YYYY-MM-DD)")).max(200, "At most 200 holidays"),
  carrierWorkdays: z.record(z.enum(CARRIER_CODES as [CarrierCode, ...CarrierCode[]]), Weekdays),
  promisePolicies: z
    .array(
      z.object({
        match: z.string().trim().min(1, 'Enter part of a shipping method\'s name, or * for every order').max(100),
        businessDays: z.number({ invalid_type_error: "Enter a number of business days" }).int("Whole days only").min(0, "0 or more").max(60, "At most 60"),
        cutoffHour: z.number({ invalid_type_error: "Enter an hour from 0 to 24" }).int("A whole hour").min(0, "From 0").max(24, "Up to 24"),
      }),
    )
    .max(20, "At most 20 policies"),
  autoResolve: z.boolean(),
  handlingTime: HandlingTimeSchema,
});

const SettingsAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), settings: z.string().max(100_000) }),
  z.object({ intent: z.literal("create_key"), name: z.string().trim().min(1, "Name the key after who will use it").max(60, "At most 60 characters") }),
  z.object({ intent: z.literal("revoke_key"), id: z.coerce.number().int().positive() }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const shop = session.shop;
  const parsed = SettingsAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { intent: "invalid" as const, fieldErrors: fieldErrorsOf(parsed.error.issues) };
  const { profile, supportApi } = context.shipwatch.services;
  switch (parsed.data.intent) {
    case "save": {
      let json: unknown;
      try {
        json = JSON.parse(parsed.data.settings);
      } catch {
        json = null;
      }
      const input = SettingsInput.safeParse(json);
      if (!input.success) return { intent: "save" as const, fieldErrors: fieldErrorsOf(input.error.issues) };
      const handlingBefore = (await profile.get(shop, true)).settings.handlingTime;
      await profile.saveSettings(shop, input.data);
      // orders that wait are judged again on the new handling time by the next sweep
      if (JSON.stringify(handlingBefore) !== JSON.stringify(input.data.handlingTime)) await context.shipwatch.services.fulfillmentWatch.recheckShop(shop);
      return { intent: "save" as const, saved: true };
    }
    case "create_key": {
      const { id, key } = await supportApi.createKey(shop, parsed.data.name);
      return { intent: "create_key" as const, created: { id, name: parsed.data.name, key } };
    }
    case "revoke_key": {
      const revoked = await supportApi.revokeKey(shop, parsed.data.id);
      return { intent: "revoke_key" as const, revoked };
    }
  }
};

type Settings = ReturnType<typeof useLoaderData<typeof loader>>["settings"];
type PolicyDraft = { match: string; businessDays: string; cutoffHour: string };
type MethodDraft = { match: string; businessDays: string };
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** The form's working copy: numbers as typed, numbers again when sent. Equal to the saved one when nothing changed. */
function draftOf(settings: Settings) {
  return {
    timezone: settings.timezone,
    holidays: settings.holidays,
    workdays: settings.carrierWorkdays,
    policies: settings.promisePolicies.map((p): PolicyDraft => ({ match: p.match, businessDays: String(p.businessDays), cutoffHour: String(p.cutoffHour) })),
    autoResolve: settings.autoResolve,
    handling: {
      businessDays: String(settings.handlingTime.businessDays),
      cutoffHour: String(settings.handlingTime.cutoffHour),
      methods: settings.handlingTime.methods.map((m): MethodDraft => ({ match: m.match, businessDays: String(m.businessDays) })),
    },
  };
}
type Draft = ReturnType<typeof draftOf>;

const number = (text: string) => (text.trim() === "" || Number.isNaN(Number(text)) ? null : Number(text));

export default function SettingsPage() {
  const { now, settings, carriers, keys, trackingPage } = useLoaderData<typeof loader>();
  const shopify = useAppBridge();
  const save = useFetcher<typeof action>();
  const keyFetcher = useFetcher<typeof action>();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const { timezone, holidays, workdays, policies, autoResolve, handling } = draft;
  const setHandling = (part: Partial<Draft["handling"]>) => setDraft((d) => ({ ...d, handling: { ...d.handling, ...part } }));
  const setMethod = (index: number, part: Partial<MethodDraft>) => setHandling({ methods: handling.methods.map((m, i) => (i === index ? { ...m, ...part } : m)) });
  const update = (part: Partial<Draft>) => setDraft((d) => ({ ...d, ...part }));
  const setPolicies = (edit: (list: PolicyDraft[]) => PolicyDraft[]) => setDraft((d) => ({ ...d, policies: edit(d.policies) }));
  const [errors, setErrors] = useState<Record<string, string> | undefined>();
  const [keyName, setKeyName] = useState("");
  const [revoking, setRevoking] = useState<{ id: number; name: string } | null>(null);

  // the loader's settings after a save are the new baseline: the form is clean again
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(settings));
  const saving = save.state !== "idle";
  useFetcherAnswer(save, (data) => {
    if (data.intent !== "save") return;
    if ("saved" in data) {
      // the loader's settings are the new starting point: numbers and lists come back as the server keeps them
      setDraft(draftOf(settings));
      setErrors(undefined);
      shopify.toast.show("Settings saved");
    } else setErrors(data.fieldErrors);
  });

  const keyAnswer = keyFetcher.data;
  const created = keyAnswer && keyAnswer.intent === "create_key" && "created" in keyAnswer ? keyAnswer.created : null;
  const keyError = keyAnswer && "fieldErrors" in keyAnswer && keyAnswer.fieldErrors ? Object.values(keyAnswer.fieldErrors)[0] : undefined;

  useEffect(() => {
    if (keyFetcher.state === "idle" && created) setKeyName("");
  }, [keyFetcher.state, created]);
  useEffect(() => {
    if (keyFetcher.state === "idle" && keyAnswer?.intent === "revoke_key") setRevoking(null);
  }, [keyFetcher.state, keyAnswer]);

  const submitSave = () =>
    save.submit(
      {
        intent: "save",
        settings: JSON.stringify({
          timezone,
          holidays,
          carrierWorkdays: workdays,
          promisePolicies: policies.map((p) => ({ match: p.match, businessDays: number(p.businessDays), cutoffHour: number(p.cutoffHour) })),
          autoResolve,
          handlingTime: {
            businessDays: number(handling.businessDays),
            cutoffHour: number(handling.cutoffHour),
            methods: handling.methods.map((m) => ({ match: m.match, businessDays: number(m.businessDays) })),
          },
        }),
      },
      { method: "post" },
    );
  const discard = () => {
    setDraft(draftOf(settings));
    setErrors(undefined);
  };
  const setPolicy = (index: number, part: Partial<PolicyDraft>) => setPolicies((list) => list.map((p, i) => (i === index ? { ...p, ...part } : p)));
  const movePolicy = (index: number, by: -1 | 1) =>
    setPolicies((list) => {
      const next = [...list];
      [next[index], next[index + by]] = [next[index + by]!, next[index]!];
      return next;
    });

  return (
    <Page title="Settings">
      <ContextualSaveBar id="settings-save-bar" dirty={dirty} saving={saving} onSave={submitSave} onDiscard={discard} />
      <Layout>
        {errors ? (
          <Layout.Section>
            <Banner tone="critical" title="Settings were not saved">
              Nothing changed. Fix the fields marked below and save again.
            </Banner>
          </Layout.Section>
        ) : null}

        <Section title="Business hours" description="Silence is counted in business time: in your time zone, on the days each carrier scans, without your holidays.">
          <Card>
            <BlockStack gap="400">
              <TimeZonePicker
                label="Time zone"
                value={timezone}
                onChange={(zone) => update({ timezone: zone })}
                at={now}
                helpText="Cut-off hours and holidays are in this zone."
                error={errorAt(errors, "timezone")}
              />
              <Checkbox
                label="Resolve cases by themselves when the parcel moves again"
                helpText="A case closes as “Waited: it moved again” once the carrier scans the parcel and no rule holds it open."
                checked={autoResolve}
                onChange={(on) => update({ autoResolve: on })}
              />
            </BlockStack>
          </Card>
        </Section>

        <Section title="Holidays" description="Days your shop does not ship: they do not count toward promise dates or silence.">
          <Card>
            <DateListPicker
              label="Holidays"
              addLabel="Add holiday"
              values={holidays}
              onChange={(days) => update({ holidays: days })}
              at={now}
              emptyText="No holidays yet."
              error={errorAt(errors, "holidays")}
            />
          </Card>
        </Section>

        <Section title="Carrier working days" description="The days each carrier scans parcels. A day it does not work is not counted as silence.">
          <Card>
            <BlockStack gap="200">
              <InlineGrid columns="160px repeat(7, 1fr)" gap="200">
                <span />
                {WEEKDAYS.map((d) => (
                  <Text key={d} as="span" variant="bodySm" tone="subdued" alignment="center">
                    {d}
                  </Text>
                ))}
              </InlineGrid>
              {carriers.map((c) => (
                <BlockStack key={c.code} gap="050">
                  <InlineGrid columns="160px repeat(7, 1fr)" gap="200" alignItems="center">
                    <Text as="span">{c.name}</Text>
                    {WEEKDAYS.map((d, day) => (
                      <InlineStack key={d} align="center">
                        <Checkbox
                          label={`${c.name} works on ${d}`}
                          labelHidden
                          checked={workdays[c.code].includes(day)}
                          onChange={(on) => update({ workdays: { ...workdays, [c.code]: on ? [...workdays[c.code], day].sort() : workdays[c.code].filter((x) => x !== day) } })}
                        />
                      </InlineStack>
                    ))}
                  </InlineGrid>
                  {errorAt(errors, `carrierWorkdays.${c.code}`) ? (
                    <Text as="p" tone="critical">
                      {c.name}: {errorAt(errors, `carrierWorkdays.${c.code}`)}
                    </Text>
                  ) : null}
                </BlockStack>
              ))}
            </BlockStack>
          </Card>
        </Section>

        <Section
          title="Promise policies"
          description="When each order is promised to arrive: the first policy whose text appears in the order's shipping method wins. Orders placed at or after the cut-off hour ship the next business day."
        >
          <Card>
            <BlockStack gap="300">
              <BlockStack as="ol" gap="300" aria-label="Promise policies, first match wins">
                {policies.map((p, index) => (
                  <li key={index} style={{ listStyle: "none" }}>
                    <InlineGrid columns={{ xs: 1, md: "minmax(0, 3fr) minmax(0, 2fr) minmax(0, 2fr) auto" }} gap="300" alignItems="end">
                      <TextField
                        label="Shipping method contains"
                        value={p.match}
                        onChange={(match) => setPolicy(index, { match })}
                        autoComplete="off"
                        error={errorAt(errors, `promisePolicies.${index}.match`)}
                      />
                      <TextField
                        label="Business days"
                        type="number"
                        value={p.businessDays}
                        onChange={(businessDays) => setPolicy(index, { businessDays })}
                        autoComplete="off"
                        error={errorAt(errors, `promisePolicies.${index}.businessDays`)}
                      />
                      <TextField
                        label="Cut-off hour"
                        type="number"
                        value={p.cutoffHour}
                        onChange={(cutoffHour) => setPolicy(index, { cutoffHour })}
                        suffix=":00"
                        autoComplete="off"
                        error={errorAt(errors, `promisePolicies.${index}.cutoffHour`)}
                      />
                      <ButtonGroup variant="segmented">
                        <Button icon={ArrowUpIcon} accessibilityLabel={`Move policy ${index + 1} up`} disabled={index === 0} onClick={() => movePolicy(index, -1)} />
                        <Button icon={ArrowDownIcon} accessibilityLabel={`Move policy ${index + 1} down`} disabled={index === policies.length - 1} onClick={() => movePolicy(index, 1)} />
                        <Button tone="critical" accessibilityLabel={`Remove policy ${index + 1}`} onClick={() => setPolicies((list) => list.filter((_, i) => i !== index))}>
                          Remove
                        </Button>
                      </ButtonGroup>
                    </InlineGrid>
                  </li>
                ))}
              </BlockStack>
              <Text as="p" tone="subdued">
                {policies.length === 0 ? "No policies: orders get no promise date, and nothing is ever late." : "A policy of * matches every order: keep it last."}
              </Text>
              <InlineStack>
                <Button onClick={() => setPolicies((list) => [...list, { match: "", businessDays: "3", cutoffHour: "14" }])}>Add policy</Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Section>

        <Section
          title="Handling time"
          description="How long orders take to leave your warehouse. An order with items still unshipped after it opens a “Not shipped in time” case for your fulfillment team; the case closes itself once everything ships."
        >
          <Card>
            <BlockStack gap="300">
              <InlineGrid columns={{ xs: 1, md: 2 }} gap="300">
                <TextField
                  label="Days to ship"
                  type="number"
                  value={handling.businessDays}
                  onChange={(businessDays) => setHandling({ businessDays })}
                  autoComplete="off"
                  helpText="Business days from the order, in your time zone, without weekends and holidays."
                  error={errorAt(errors, "handlingTime.businessDays")}
                />
                <TextField
                  label="Handling cut-off"
                  type="number"
                  value={handling.cutoffHour}
                  onChange={(cutoffHour) => setHandling({ cutoffHour })}
                  suffix=":00"
                  autoComplete="off"
                  helpText="Orders from this hour count from the next business day. 24: no cut-off."
                  error={errorAt(errors, "handlingTime.cutoffHour")}
                />
              </InlineGrid>
              <BlockStack as="ol" gap="300" aria-label="Handling time by shipping method, first match wins">
                {handling.methods.map((m, index) => (
                  <li key={index} style={{ listStyle: "none" }}>
                    <InlineGrid columns={{ xs: 1, md: "minmax(0, 3fr) minmax(0, 2fr) auto" }} gap="300" alignItems="end">
                      <TextField
                        label="Shipping line contains"
                        value={m.match}
                        onChange={(match) => setMethod(index, { match })}
                        autoComplete="off"
                        error={errorAt(errors, `handlingTime.methods.${index}.match`)}
                      />
                      <TextField
                        label={
                          <>
                            Days to ship
                            <Text as="span" visuallyHidden>
                              {` with method ${index + 1}`}
                            </Text>
                          </>
                        }
                        type="number"
                        value={m.businessDays}
                        onChange={(businessDays) => setMethod(index, { businessDays })}
                        autoComplete="off"
                        error={errorAt(errors, `handlingTime.methods.${index}.businessDays`)}
                      />
                      <Button tone="critical" accessibilityLabel={`Remove shipping method ${index + 1}`} onClick={() => setHandling({ methods: handling.methods.filter((_, i) => i !== index) })}>
                        Remove
                      </Button>
                    </InlineGrid>
                  </li>
                ))}
              </BlockStack>
              <Text as="p" tone="subdued">
                {handling.methods.length === 0
                  ? "Every shipping method uses the time above. Add one to give it its own, such as 1 day for Express."
                  : "The first shipping method whose text appears in the order's shipping line (title or code) sets its handling time."}
              </Text>
              <InlineStack>
                <Button onClick={() => setHandling({ methods: [...handling.methods, { match: "", businessDays: "1" }] })}>Add shipping method</Button>
              </InlineStack>
            </BlockStack>
          </Card>
        </Section>

        <Section title="Tracking page" description="Where shoppers follow their parcels, and where every link in your customer messages leads.">
          <TrackingPageCard {...trackingPage} />
        </Section>

        <Section title="Helpdesks" description="Connect Gorgias, Zendesk, Intercom, Freshdesk, Gladly or Re:amaze: tickets count as asks and get Shipwatch's answer.">
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Ticket webhooks, tags, internal notes and the Gorgias shipments widget.</Text>
              <Button url="/app/settings/helpdesks">Manage helpdesks</Button>
            </InlineStack>
          </Card>
        </Section>

        <Section title="Tracking feeds" description="Scans from EasyPost, AfterShip or ShipEngine for the carriers Shopify does not track.">
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Connections, webhook URLs, carriers to register and each feed's status.</Text>
              <Button url="/app/settings/feeds">Manage tracking feeds</Button>
            </InlineStack>
          </Card>
        </Section>

        <Section title="Carrier accounts" description="Your own UPS, USPS, FedEx or DHL developer account: Shipwatch polls the carrier for your parcels' scans.">
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Credentials, which carriers to poll, and each account's status.</Text>
              <Button url="/app/settings/carriers">Manage carrier accounts</Button>
            </InlineStack>
          </Card>
        </Section>

        <Section title="Import" description="Your recent orders from Shopify, imported after install, and the hourly check that repairs missed webhooks.">
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">The last import's progress, importing again, and what reconciliation repaired.</Text>
              <Button url="/app/settings/import">Manage import</Button>
            </InlineStack>
          </Card>
        </Section>

        <Section title="API keys" description="Let a helpdesk or an agent read shipments and open exceptions through the Support API. Each key works for this store only.">
          <Card>
            <BlockStack gap="400">
              {created ? (
                <Banner tone="success" title={`Key “${created.name}” created`}>
                  <BlockStack gap="200">
                    <p>Copy it now: this is the only time it is shown. Shipwatch keeps only a fingerprint of it.</p>
                    <TextField
                      label="New API key"
                      value={created.key}
                      readOnly
                      autoComplete="off"
                      monospaced
                      selectTextOnFocus
                      connectedRight={<Button onClick={() => void navigator.clipboard?.writeText(created.key)}>Copy</Button>}
                    />
                  </BlockStack>
                </Banner>
              ) : null}
              <keyFetcher.Form
                method="post"
                onSubmit={(event) => {
                  event.preventDefault();
                  keyFetcher.submit({ intent: "create_key", name: keyName }, { method: "post" });
                }}
              >
                <TextField
                  label="Key name"
                  value={keyName}
                  onChange={setKeyName}
                  autoComplete="off"
                  placeholder="Gorgias, or the name of an agent"
                  error={keyError}
                  connectedRight={
                    <Button submit loading={keyFetcher.state !== "idle" && keyFetcher.formData?.get("intent") === "create_key"}>
                      Create key
                    </Button>
                  }
                />
              </keyFetcher.Form>
              {keys.length ? (
                <BlockStack as="ul" gap="0" aria-label="API keys">
                  {keys.map((k) => (
                    <Box as="li" key={k.id} paddingBlock="300" borderBlockStartWidth="025" borderColor="border-secondary">
                      <InlineStack align="space-between" blockAlign="center">
                        <BlockStack gap="050">
                          <InlineStack gap="200" align="start">
                            <Text as="span" fontWeight="semibold">
                              {k.name}
                            </Text>
                            <Text as="span" tone="subdued">
                              <code>•••• {k.lastFour}</code>
                            </Text>
                          </InlineStack>
                          <Text as="span" variant="bodySm" tone="subdued">
                            Created <RelativeTime at={k.createdAt} now={now} /> · {k.lastUsedAt ? <>Last used <RelativeTime at={k.lastUsedAt} now={now} /></> : "Never used"}
                          </Text>
                        </BlockStack>
                        <Button tone="critical" variant="plain" onClick={() => setRevoking({ id: k.id, name: k.name })} accessibilityLabel={`Revoke ${k.name}`}>
                          Revoke
                        </Button>
                      </InlineStack>
                    </Box>
                  ))}
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">
                  No API keys yet.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Section>
      </Layout>

      <Modal
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        title={`Revoke “${revoking?.name ?? ""}”?`}
        primaryAction={{
          content: "Revoke key",
          destructive: true,
          loading: keyFetcher.state !== "idle",
          onAction: () => revoking && keyFetcher.submit({ intent: "revoke_key", id: String(revoking.id) }, { method: "post" }),
        }}
        secondaryActions={[{ content: "Cancel", onAction: () => setRevoking(null) }]}
      >
        <Modal.Section>
          <Text as="p">Anything using this key stops working at once. This cannot be undone.</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}

function Section({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      {children}
    </Layout.AnnotatedSection>
  );
}
