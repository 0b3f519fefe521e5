import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import type { KeyFigure } from "./figures";

/** The row of figures at the top of Home, each with how it moved against the period before (Shopify's Analytics cards). */
export function KeyFigures({ figures }: { figures: readonly KeyFigure[] }) {
  return (
    <InlineGrid columns={{ xs: 2, md: 3, lg: 6 }} gap="300">
      {figures.map((f) => (
        <Card key={f.id} padding="400">
          <section aria-label={f.label} data-figure={f.id}>
            <BlockStack gap="100">
              <Text as="h3" variant="bodySm" tone="subdued">
                <abbr title={f.help} style={{ textDecoration: "underline dotted", textUnderlineOffset: "3px" }}>
                  {f.label}
                </abbr>
              </Text>
              <Text as="p" variant="headingXl" numeric>
                <span data-value>{f.value}</span>
              </Text>
              <Text as="p" variant="bodySm" tone={f.tone === "subdued" ? "subdued" : f.tone}>
                <span data-change={f.trend}>{f.change}</span>
              </Text>
            </BlockStack>
          </section>
        </Card>
      ))}
    </InlineGrid>
  );
}
