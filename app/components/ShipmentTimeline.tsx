import { BlockStack, Box, InlineGrid, Text } from "@shopify/polaris";
import type { ShipmentStatus, StatusReason } from "~/domain/status";
import { reasonLabel, StatusBadge } from "./StatusBadge";
import { ExactTime } from "./Timestamp";

export interface TimelineEvent {
  key: string;
  status: ShipmentStatus;
  reason: StatusReason | null;
  rawStatus: string | null;
  rawMessage: string | null;
  happenedAt: number;
  location: string | null;
}

/**
 * A shipment's events, newest first, in a card's body: Shipwatch's reading (badge and reason) beside the
 * carrier's own words and code, then when and where. The evidence a case is judged on.
 */
export function ShipmentTimeline({ events, now, label = "Timeline, newest first" }: { events: readonly TimelineEvent[]; now: number; label?: string }) {
  if (events.length === 0) {
    return (
      <Text as="p" tone="subdued">
        The carrier has not reported anything yet.
      </Text>
    );
  }
  return (
    <Box as="ul" aria-label={label}>
      {events.map((e, i) => (
        <Box as="li" key={e.key} paddingBlock="300" borderBlockStartWidth={i === 0 ? undefined : "025"} borderColor="border-secondary">
          <InlineGrid columns={{ xs: 1, md: "minmax(0, 2fr) minmax(0, 3fr) minmax(0, 2fr)" }} gap="400" alignItems="start">
            <BlockStack gap="100" inlineAlign="start">
              <StatusBadge status={e.status} />
              {e.reason ? (
                <Text as="span" tone="subdued">
                  {reasonLabel(e.reason)}
                </Text>
              ) : null}
            </BlockStack>
            <BlockStack gap="100">
              <Text as="p">{e.rawMessage ?? "No message"}</Text>
              <Text as="p" variant="bodySm" tone="subdued">
                <code>{e.rawStatus ?? "no status code"}</code>
              </Text>
            </BlockStack>
            <BlockStack gap="100">
              <Text as="p">
                <ExactTime at={e.happenedAt} now={now} />
              </Text>
              <Text as="p" variant="bodySm" tone="subdued">
                {e.location ?? "Place not given"}
              </Text>
            </BlockStack>
          </InlineGrid>
        </Box>
      ))}
    </Box>
  );
}
