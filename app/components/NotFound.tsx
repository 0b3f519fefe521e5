import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { BlockStack, Card, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { useAdminHref } from "./embedded-url";

/**
 * A detail page's error boundary. 404 is "not found" in words; an unknown id and another shop's id read the
 * same, so nothing here says which. Anything else (Shopify's re-authentication responses included) goes
 * through the library's boundary.
 */
export function notFoundBoundary(page: { back: { content: string; path: string }; title: string; text: string; hint?: string }) {
  return function ErrorBoundary() {
    const error = useRouteError();
    const adminHref = useAdminHref();
    if (isRouteErrorResponse(error) && error.status === 404) {
      return (
        <Page backAction={{ content: page.back.content, url: adminHref(page.back.path) }} title={page.title}>
          <Card>
            <BlockStack gap="200">
              <Text as="p">{page.text}</Text>
              {page.hint ? (
                <Text as="p" tone="subdued">
                  {page.hint}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Page>
      );
    }
    return boundary.error(error);
  };
}
