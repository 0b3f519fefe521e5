import { BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";

/** The theme block's file name (extensions/tracking-page/blocks/order-tracking.liquid): its handle in deep links. */
const BLOCK_HANDLE = "order-tracking";

/**
 * Which tracking page the shop uses (issue 9): the one at https://<shop>/apps/track works with no setup (the app
 * proxy renders it in the theme); the "Order tracking" theme block is for a page of the merchant's own.
 */
export function trackingPageLinks(shop: string, apiKey: string) {
  // Shopify's app block deep link, as documented: addAppBlockId=<client id>/<block handle>
  const themeEditor = `https://${shop}/admin/themes/current/editor?template=page&addAppBlockId=${encodeURIComponent(apiKey)}/${BLOCK_HANDLE}&target=newAppsSection`;
  return { page: `https://${shop}/apps/track`, themeEditor };
}

export function TrackingPageCard({ page, themeEditor }: ReturnType<typeof trackingPageLinks>) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="p">
          Your tracking page is live at{" "}
          <Text as="span" fontWeight="semibold">
            {page}
          </Text>
          , inside your theme, with nothing to set up. Every link in Shipwatch&apos;s emails and texts opens it on the
          shopper&apos;s order.
        </Text>
        <Text as="p" tone="subdued">
          Optional: to show the lookup form on a page of your own, add the “Order tracking” block to it in the theme
          editor. It answers the same way.
        </Text>
        <InlineStack gap="200">
          <Button url={page} target="_blank">
            View tracking page
          </Button>
          <Button url={themeEditor} target="_blank" variant="plain">
            Add the block in the theme editor
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
