import { BlockStack, Box, Card, Icon, Text } from "@shopify/polaris";
import type { IconSource } from "@shopify/polaris";
import type { ReactNode } from "react";

/** A page with nothing to show yet says what will appear and why. No illustration from a CDN: the icon is inline SVG. */
export function EmptyState({ icon, title, tone = "subdued", children }: { icon: IconSource; title: string; tone?: "subdued" | "success"; children: ReactNode }) {
  return (
    <Card>
      <Box paddingBlock="1600" paddingInline="800">
        <BlockStack gap="300" inlineAlign="center">
          <Box background={tone === "success" ? "bg-fill-success-secondary" : "bg-fill-secondary"} borderRadius="full" padding="300">
            <Icon source={icon} tone={tone} />
          </Box>
          <Text as="h2" variant="headingLg" alignment="center">
            {title}
          </Text>
          <Box maxWidth="480px">
            <Text as="p" tone="subdued" alignment="center">
              {children}
            </Text>
          </Box>
        </BlockStack>
      </Box>
    </Card>
  );
}
