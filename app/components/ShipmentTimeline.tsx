import { BlockStack, Box, InlineGrid, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
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
  /** where the raw status came from, shown beside the code when `describeSource` is given */
  source?: string;
}

/**
 * A shipment's events, newest first, in a card's body: Shipwatch's reading (badge and reason) beside the
 * carrier's own words and code, then when and where. The evidence a case is judged on.
 */
export function ShipmentTimeline({
  events,
  now,
  label = "Timeline, newest first",
  headings = false,
  flush = false,
  describeSource,
  emptyText = "The carrier has not reported anything yet.",
}: {
  events: readonly TimelineEvent[];
  now: number;
  label?: string;
  /** a row naming the three columns */
  headings?: boolean;
  /** rows padded to sit flush in a card without padding */
  flush?: boolean;
  describeSource?: (source: string) => string;
  emptyText?: string;
}) {
  if (events.length === 0) {
    return (
      <Box padding={flush ? "400" : undefined} borderBlockStartWidth={flush ? "025" : undefined} borderColor="border-secondary">
        <Text as="p" tone="subdued">
          {emptyText}
        </Text>
      </Box>
    );
  }
  return (
    <>
      {headings ? (
        <Box paddingInline="400" paddingBlock="200" background="bg-surface-secondary" borderBlockStartWidth="025" borderColor="border-secondary">
          <Columns>
            <ColumnHeading>Shipwatch status</ColumnHeading>
            <ColumnHeading>Carrier said</ColumnHeading>
            <ColumnHeading>When and where</ColumnHeading>
          </Columns>
        </Box>
      ) : null}
      <Box as="ul" aria-label={label}>
        {events.map((e, i) => (
          <Box
            as="li"
            key={e.key}
            padding={flush ? "400" : undefined}
            paddingBlock={flush ? undefined : "300"}
            borderBlockStartWidth={flush || i > 0 ? "025" : undefined}
            borderColor="border-secondary"
          >
            <Columns>
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
                  {describeSource && e.source ? ` · ${describeSource(e.source)}` : null}
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
            </Columns>
          </Box>
        ))}
      </Box>
    </>
  );
}

function Columns({ children }: { children: ReactNode }) {
  return (
    <InlineGrid columns={{ xs: 1, md: "minmax(0, 2fr) minmax(0, 3fr) minmax(0, 2fr)" }} gap="400" alignItems="start">
      {children}
    </InlineGrid>
  );
}

function ColumnHeading({ children }: { children: ReactNode }) {
  return (
    <Text as="span" variant="bodySm" fontWeight="medium" tone="subdued">
      {children}
    </Text>
  );
}
