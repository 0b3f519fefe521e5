import { BlockStack, Text } from "@shopify/polaris";
import type { ReactNode } from "react";

/** One labelled fact in a summary card: "Carrier — UPS". */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="bodySm" tone="subdued">
        {label}
      </Text>
      {children}
    </BlockStack>
  );
}
