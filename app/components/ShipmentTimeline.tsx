import { BlockStack, Box, InlineGrid, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { STATUS_LABELS, type ShipmentStatus, type StatusReason } from "~/domain/status";
import { countryName } from "./format";
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
 * "Ottawa, ON, CA" → "Ottawa, ON, Canada". Only the third part is read as a country: in "Springfield, IL" the two
 * letters are a state (IL is also Israel's code).
 */
export function placeWords(location: string): string {
  const parts = location.split(",").map((p) => p.trim());
  if (parts.length >= 3) parts[parts.length - 1] = countryName(parts.at(-1)!);
  return parts.join(", ");
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
                <Text as="p">{e.rawMessage ?? STATUS_LABELS[e.status]}</Text>
                {/* the carrier's own code is evidence for a claim or a mapping question, not the headline */}
                <Text as="p" variant="bodySm" tone="subdued">
                  {e.rawStatus ? (
                    <>
                      Carrier code{" "}
                      <span
                        style={{
                          fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace",
                        }}
                      >
                        {e.rawStatus}
                      </span>
                    </>
                  ) : (
                    "No carrier code"
                  )}
                  {describeSource && e.source ? ` · ${describeSource(e.source)}` : null}
                </Text>
              </BlockStack>
              <BlockStack gap="100">
                <Text as="p">
                  <ExactTime at={e.happenedAt} now={now} />
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  {e.location ? placeWords(e.location) : "Place not given"}
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
