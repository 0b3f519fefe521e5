import { Badge, Card, InlineStack, Link, Text } from "@shopify/polaris";

/**
 * What needs someone today, above everything else on Home: each item is a count and a link to the page where it is
 * dealt with, and only what is not zero is shown. Nothing to do, no strip.
 */
export interface AttentionItem {
  id: string;
  count: number;
  /** "2 urgent cases" */
  label: string;
  url: string;
  tone: "critical" | "warning" | "attention";
}

export function NeedsAttention({ items }: { items: readonly AttentionItem[] }) {
  const shown = items.filter((i) => i.count > 0);
  if (shown.length === 0) return null;
  return (
    <Card padding="300">
      <nav aria-label="Needs attention">
        <InlineStack gap="400" blockAlign="center" wrap>
          <Text as="h2" variant="headingSm">
            Needs attention
          </Text>
          {shown.map((item) => (
            <InlineStack key={item.id} gap="150" blockAlign="center" wrap={false}>
              <Badge tone={item.tone}>{String(item.count)}</Badge>
              <Link url={item.url} removeUnderline>
                {item.label}
              </Link>
            </InlineStack>
          ))}
        </InlineStack>
      </nav>
    </Card>
  );
}
