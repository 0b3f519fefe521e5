import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, ButtonGroup, Card, InlineStack, Link, Page, Text } from "@shopify/polaris";
import { ArrowDownIcon, ArrowUpIcon } from "@shopify/polaris-icons";
import { boundary } from "@shopify/shopify-app-remix/server";
import { pageTitle } from "~/components/page-title";
import { z } from "zod";
import { hrefWith, shopifyParamsOf, useAdminHref } from "~/components/embedded-url";
import { describeAction, describeCondition } from "~/components/rule-words";
import { CARRIERS } from "~/domain/carriers";

const carrierNames = Object.fromEntries(Object.values(CARRIERS).map((c) => [c.code, c.name]));

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const rules = await context.shipwatch.services.ruleBook.list(session.shop);
  return {
    rules: rules.map((r) => ({
      id: r.id,
      name: r.name,
      enabled: r.enabled,
      stopAfter: r.stopAfter,
      builtIn: r.builtIn !== null,
      when: r.conditions.map((c) => describeCondition(c, carrierNames)),
      then: r.actions.map(describeAction),
    })),
  };
};

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

export const meta: MetaFunction = () => [{ title: pageTitle("Rules") }];

const RuleId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const RuleListAction = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("enable"),
    id: RuleId,
    enabled: z.enum(["true", "false"]),
  }),
  z.object({
    intent: z.literal("move"),
    id: RuleId,
    direction: z.enum(["up", "down"]),
  }),
]);

export const action = async ({ request, context }: ActionFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const parsed = RuleListAction.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return { ok: false as const };
  const { ruleBook } = context.shipwatch.services;
  const a = parsed.data;
  const ok = a.intent === "enable" ? await ruleBook.setEnabled(session.shop, a.id, a.enabled === "true") : await ruleBook.move(session.shop, a.id, a.direction);
  return { ok };
};

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export default function Rules() {
  const { rules } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  const adminHref = useAdminHref();
  const fetcher = useFetcher<typeof action>();
  const busy = fetcher.state !== "idle";
  const editHref = (id: number | "new") => hrefWith(`/app/rules/${id}`, shopifyParamsOf(searchParams));

  return (
    <Page
      title="Rules"
      subtitle="Rules run in this order every time a shipment changes, and while it is silent. Each one that holds does what it says; a rule can stop the ones after it."
      primaryAction={{ content: "Add rule", url: adminHref("/app/rules/new") }}
    >
      <BlockStack gap="400">
        <Card padding="0">
          <BlockStack as="ol" aria-label="Rules, in the order they run">
            {rules.map((r, index) => (
              <Box as="li" key={r.id} padding="400" borderBlockStartWidth={index === 0 ? undefined : "025"} borderColor="border-secondary">
                <InlineStack gap="400" align="space-between" blockAlign="start" wrap={false}>
                  <InlineStack gap="300" align="start" blockAlign="start" wrap={false}>
                    <Box minWidth="24px">
                      <Text as="span" tone="subdued" numeric>
                        {index + 1}.
                      </Text>
                    </Box>
                    <BlockStack gap="100">
                      {/* align is explicit: an InlineStack inherits its parent's space-between otherwise */}
                      <InlineStack gap="200" align="start" blockAlign="center">
                        <Link url={editHref(r.id)} monochrome removeUnderline>
                          <Text as="span" fontWeight="semibold" tone={r.enabled ? undefined : "subdued"}>
                            {r.name}
                          </Text>
                        </Link>
                        {r.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
                        {r.builtIn ? <Badge tone="info">Default</Badge> : null}
                        {r.stopAfter ? <Badge tone="attention">Stops later rules</Badge> : null}
                      </InlineStack>
                      <Text as="p" tone="subdued">
                        When {r.when.map(lowerFirst).join(" and ")}
                      </Text>
                      <Text as="p" tone="subdued">
                        Then {r.then.map(lowerFirst).join("; ")}
                      </Text>
                    </BlockStack>
                  </InlineStack>
                  <div style={{ flexShrink: 0 }}>
                    <InlineStack gap="200" align="end" wrap={false} blockAlign="center">
                      <ButtonGroup variant="segmented">
                        <Button
                          icon={ArrowUpIcon}
                          accessibilityLabel={`Move "${r.name}" up`}
                          disabled={busy || index === 0}
                          onClick={() =>
                            fetcher.submit(
                              {
                                intent: "move",
                                id: String(r.id),
                                direction: "up",
                              },
                              { method: "post" }
                            )
                          }
                        />
                        <Button
                          icon={ArrowDownIcon}
                          accessibilityLabel={`Move "${r.name}" down`}
                          disabled={busy || index === rules.length - 1}
                          onClick={() =>
                            fetcher.submit(
                              {
                                intent: "move",
                                id: String(r.id),
                                direction: "down",
                              },
                              { method: "post" }
                            )
                          }
                        />
                      </ButtonGroup>
                      <Button
                        accessibilityLabel={`${r.enabled ? "Turn off" : "Turn on"} "${r.name}"`}
                        disabled={busy}
                        onClick={() =>
                          fetcher.submit(
                            {
                              intent: "enable",
                              id: String(r.id),
                              enabled: String(!r.enabled),
                            },
                            { method: "post" }
                          )
                        }
                      >
                        {r.enabled ? "Turn off" : "Turn on"}
                      </Button>
                      <Button url={editHref(r.id)} accessibilityLabel={`Edit "${r.name}"`}>
                        Edit
                      </Button>
                    </InlineStack>
                  </div>
                </InlineStack>
              </Box>
            ))}
          </BlockStack>
        </Card>
      </BlockStack>
    </Page>
  );
}
