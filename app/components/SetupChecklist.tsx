import { BlockStack, Box, Button, Card, Icon, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { CheckCircleIcon, XIcon } from "@shopify/polaris-icons";
import { useEffect, useState } from "react";

/**
 * The setup steps on Home, as Shopify's own admin shows onboarding: a card with a progress bar and one line per
 * step, each with the button that does it, dismissible once the merchant has seen enough.
 *
 * A step is done when the shop's data says so (`done`); a step the data cannot see (whether the merchant has looked
 * at their tracking page, or read the default rules) is marked done by the merchant, and that mark, like the
 * dismissal, is kept in this browser's localStorage per shop: it is a reminder, not a setting anyone else needs.
 */

export interface SetupStep {
  id: string;
  title: string;
  description: string;
  /** what the shop's data says; null when only the merchant can say */
  done: boolean | null;
  action: { content: string; url: string };
  /** a second way in, shown as a link: opening it counts as having looked (the tracking page) */
  secondaryAction?: { content: string; url: string; external?: boolean };
}

const storageKey = (shop: string) => `shipwatch:setup:${shop}`;

interface Stored {
  dismissed: boolean;
  marked: string[];
}

function read(shop: string): Stored {
  try {
    const value = JSON.parse(window.localStorage.getItem(storageKey(shop)) ?? "{}") as Partial<Stored>;
    return {
      dismissed: value.dismissed === true,
      marked: Array.isArray(value.marked) ? value.marked.filter((m) => typeof m === "string") : [],
    };
  } catch {
    return { dismissed: false, marked: [] };
  }
}

function write(shop: string, value: Stored) {
  try {
    window.localStorage.setItem(storageKey(shop), JSON.stringify(value));
  } catch {
    // private browsing without storage: the card simply comes back next time
  }
}

export function SetupChecklist({ shop, steps }: { shop: string; steps: readonly SetupStep[] }) {
  // localStorage is the browser's: until it is read, nothing is shown, so a dismissed card never flashes
  const [stored, setStored] = useState<Stored | null>(null);
  useEffect(() => setStored(read(shop)), [shop]);
  if (!stored || stored.dismissed) return null;

  const save = (next: Stored) => {
    write(shop, next);
    setStored(next);
  };
  const isDone = (s: SetupStep) => s.done === true || (s.done === null && stored.marked.includes(s.id));
  const doneCount = steps.filter(isDone).length;
  const mark = (id: string) => save({ ...stored, marked: [...new Set([...stored.marked, id])] });

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="start" wrap={false}>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Set up Shipwatch
            </Text>
            <Text as="p" tone="subdued">
              {doneCount === steps.length
                ? "All done. Shipwatch is watching every parcel and will tell your customers and your team when something needs them."
                : "A few steps so your customers hear from you before they have to ask."}
            </Text>
          </BlockStack>
          <Button variant="tertiary" icon={XIcon} accessibilityLabel="Dismiss the setup guide" onClick={() => save({ ...stored, dismissed: true })} />
        </InlineStack>
        <BlockStack gap="100">
          <Text as="p" variant="bodySm" tone="subdued">
            {`${doneCount} of ${steps.length} steps done`}
          </Text>
          <ProgressBar progress={(doneCount / steps.length) * 100} size="small" tone="primary" />
        </BlockStack>
        <BlockStack as="ol" gap="0" aria-label="Setup steps">
          {steps.map((step) => {
            const done = isDone(step);
            return (
              <Box as="li" key={step.id} paddingBlock="300" borderBlockStartWidth="025" borderColor="border-secondary">
                <InlineStack gap="300" align="space-between" blockAlign="center" wrap={false}>
                  <InlineStack gap="300" blockAlign="start" wrap={false}>
                    <span aria-hidden="true" style={{ opacity: done ? 1 : 0.35 }}>
                      <Icon source={CheckCircleIcon} tone={done ? "success" : "subdued"} />
                    </span>
                    <BlockStack gap="050">
                      <Text as="h3" fontWeight="semibold" tone={done ? "subdued" : undefined}>
                        {step.title}
                        <Text as="span" visuallyHidden>
                          {done ? " (done)" : " (to do)"}
                        </Text>
                      </Text>
                      <Text as="p" tone="subdued">
                        {step.description}
                      </Text>
                    </BlockStack>
                  </InlineStack>
                  <div style={{ flexShrink: 0 }}>
                    <InlineStack gap="200" wrap={false}>
                      {step.secondaryAction ? (
                        <Button
                          variant="plain"
                          url={step.secondaryAction.url}
                          {...(step.secondaryAction.external ? { target: "_blank" as const } : {})}
                          onClick={step.done === null ? () => mark(step.id) : undefined}
                        >
                          {step.secondaryAction.content}
                        </Button>
                      ) : null}
                      {step.done === null && !done ? (
                        <Button variant="plain" onClick={() => mark(step.id)}>
                          Mark as done
                        </Button>
                      ) : null}
                      <Button url={step.action.url} variant={done ? "tertiary" : "secondary"}>
                        {step.action.content}
                      </Button>
                    </InlineStack>
                  </div>
                </InlineStack>
              </Box>
            );
          })}
        </BlockStack>
      </BlockStack>
    </Card>
  );
}
