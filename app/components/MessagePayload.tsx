import { BlockStack, Box, DescriptionList, Link, Text } from "@shopify/polaris";
import type { ReactNode } from "react";
import { isShipmentStatus, isStatusReason, REASON_LABELS, STATUS_LABELS } from "~/domain/status";
import { ExactTime } from "./Timestamp";

/**
 * A structured message (a webhook's JSON, a Klaviyo event, what Shopify was told) as the merchant reads it: the
 * fields that matter in a definition list, in words, with times as times in the viewer's zone; the exact JSON that
 * went out stays one click away under "Raw payload", for the developer on the other end.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The fields people look for first, in the order they read them. Anything else follows under its own name. */
const FIELD_LABELS: Record<string, string> = {
  moment_label: "Moment",
  order_name: "Order",
  order_value: "Order value",
  status: "Status",
  reason: "Reason",
  status_label: "Customer sees",
  headline: "Headline",
  explanation: "Explanation",
  next: "What happens next",
  attention: "Needs attention",
  carrier: "Carrier",
  tracking_number: "Tracking number",
  tracking_url: "Carrier tracking",
  tracking_page_url: "Tracking page",
  tracking_link: "Order's tracking link",
  eta: "Estimated delivery",
  estimated_delivery: "Delivery window",
  pickup_location: "Pickup location",
  shipment_count: "Shipments in the order",
  returning_customer: "Returning customer",
  locale: "Language",
  updated_at: "Updated",
  created_at: "Created",
  happened_at: "Happened",
};

/** Shown through another field (the moment's label, the value's currency) or an internal id nobody looks up. */
const FOLDED = new Set(["moment", "currency", "order_id"]);

const DAY_ISO = /^\d{4}-\d{2}-\d{2}$/;
const TIME_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** epoch milliseconds between 2001 and 2286: a number this size under a time-like key is a moment, not a count */
const looksLikeEpochMs = (key: string, n: number) => /(_at|At|time|date)$/i.test(key) && n > 1e12 && n < 1e13;

export function parseJsonObject(text: string): Record<string, Json> | null {
  try {
    const value = JSON.parse(text) as Json;
    return value && typeof value === "object" && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

const humanKey = (key: string) => {
  const words = key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function dayWords(iso: string): string {
  return new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  }).format(Date.parse(`${iso}T12:00:00Z`));
}

function money(amount: Json, currency: Json): string {
  const n = typeof amount === "number" ? amount : Number(amount);
  if (!Number.isFinite(n)) return String(amount);
  try {
    return typeof currency === "string" ? new Intl.NumberFormat("en-US", { style: "currency", currency }).format(n) : n.toFixed(2);
  } catch {
    return `${n.toFixed(2)} ${String(currency)}`;
  }
}

const languageNames = new Intl.DisplayNames("en", {
  type: "language",
  fallback: "code",
});

function valueOf(key: string, value: Json, all: Record<string, Json>, now: number): ReactNode {
  if (value === null || value === "") return null;
  if (key === "order_value") return money(value, all.currency ?? null);
  if (key === "status" && isShipmentStatus(value)) return STATUS_LABELS[value];
  if (key === "reason" && isStatusReason(value)) return REASON_LABELS[value];
  if (key === "locale" && typeof value === "string") {
    try {
      return languageNames.of(value) ?? value;
    } catch {
      return value;
    }
  }
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") return looksLikeEpochMs(key, value) ? <ExactTime at={value} now={now} /> : value.toLocaleString("en-US");
  if (typeof value === "string") {
    if (/^https:\/\//.test(value))
      return (
        <Link url={value} target="_blank">
          <span style={{ overflowWrap: "anywhere" }}>{value}</span>
        </Link>
      );
    if (DAY_ISO.test(value)) return dayWords(value);
    if (TIME_ISO.test(value) && !Number.isNaN(Date.parse(value))) return <ExactTime at={Date.parse(value)} now={now} />;
    // a JSON string inside the JSON (Shopify's metafield value): read it too
    const nested = value.startsWith("{") ? parseJsonObject(value) : null;
    if (nested) return <PayloadFields payload={nested} now={now} />;
    return value;
  }
  if (Array.isArray(value)) return value.length ? value.map((v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v))).join(", ") : null;
  // an object: a delivery window reads as days; anything else as its own list
  const window = value as { earliest?: Json; latest?: Json };
  if (typeof window.earliest === "string" && typeof window.latest === "string" && DAY_ISO.test(window.earliest) && DAY_ISO.test(window.latest)) {
    return window.earliest === window.latest ? dayWords(window.latest) : `${dayWords(window.earliest)} – ${dayWords(window.latest)}`;
  }
  return <PayloadFields payload={value} now={now} />;
}

/** The fields of one JSON object as a definition list, the known ones first, empty ones left out. */
export function PayloadFields({ payload, now }: { payload: Record<string, Json>; now: number }) {
  const known = Object.keys(FIELD_LABELS).filter((key) => key in payload);
  const rest = Object.keys(payload).filter((key) => !(key in FIELD_LABELS) && !FOLDED.has(key));
  const items = [...known, ...rest]
    .map((key) => ({
      key,
      term: FIELD_LABELS[key] ?? humanKey(key),
      description: valueOf(key, payload[key]!, payload, now),
    }))
    .filter((item) => item.description !== null);
  if (items.length === 0) return <Text as="span">Nothing</Text>;
  return <DescriptionList items={items.map(({ term, description }) => ({ term, description }))} />;
}

/**
 * The readable fields, then the raw JSON folded away. A native disclosure (details/summary): it opens before the
 * page has hydrated, and the JSON stays in the page for find-in-page and for copying.
 */
export function MessagePayload({ payload, raw, now }: { payload: Record<string, Json>; raw: string; now: number }) {
  return (
    <BlockStack gap="300">
      <PayloadFields payload={payload} now={now} />
      <details>
        <summary style={{ cursor: "pointer", width: "fit-content" }}>
          <Text as="span" fontWeight="medium">
            Raw payload
          </Text>
        </summary>
        <Box paddingBlockStart="200">
          <Box padding="300" background="bg-surface-secondary" borderRadius="200">
            {/* the exact JSON that went out, indented */}
            <pre
              aria-label="Message text"
              style={{ margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere", font: "12px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace" }}
            >
              {JSON.stringify(JSON.parse(raw), null, 2)}
            </pre>
          </Box>
        </Box>
      </details>
    </BlockStack>
  );
}
