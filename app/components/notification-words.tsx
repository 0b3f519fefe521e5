import { Badge, type BadgeProps } from "@shopify/polaris";
import { NOTED_INSTEAD_PREFIX } from "~/domain/helpdesk-connections";
import { CHANNEL_LABELS, MOMENT_LABELS, NOTIFICATION_STATUSES, type Channel, type NotificationStatus } from "~/domain/notifications";

/** The outbox's statuses, in the order a message moves through them (the Outbox's tabs). */
export const OUTBOX_STATUSES = NOTIFICATION_STATUSES;
export type OutboxStatus = NotificationStatus;

export const OUTBOX_STATUS_LABELS: Record<OutboxStatus, string> = {
  pending: "Scheduled",
  held: "Held",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  suppressed: "Not sent",
  combined: "Combined",
};

/** Red needs the merchant (parked after its retries), yellow waits on a person, green reached its recipient. */
const OUTBOX_STATUS_TONES: Record<OutboxStatus, BadgeProps["tone"]> = {
  pending: "info",
  held: "attention",
  sending: "info",
  sent: "success",
  failed: "critical",
  suppressed: undefined,
  combined: undefined,
};

/**
 * A message added to the customer's open helpdesk ticket instead of being emailed is "suppressed" (it did not go
 * to the customer) with a reason that names the ticket: it reads as what happened, not as a message lost.
 */
export function isNotedOnTicket(status: string, reason: string | null | undefined): boolean {
  return status === "suppressed" && !!reason?.startsWith(NOTED_INSTEAD_PREFIX);
}

export function OutboxStatusBadge({ status, reason }: { status: OutboxStatus; reason?: string | null }) {
  const noted = isNotedOnTicket(status, reason);
  return (
    <Badge tone={noted ? "info" : OUTBOX_STATUS_TONES[status]} toneAndProgressLabelOverride="Status:">
      {noted ? "Noted on ticket" : OUTBOX_STATUS_LABELS[status]}
    </Badge>
  );
}

/** A message's moment in words: the progress and delay moments by name, rule-driven ones by what made them. */
export function momentLabel(moment: string): string {
  const known = (MOMENT_LABELS as Record<string, string>)[moment];
  if (known) return known;
  const [kind, rest = ""] = moment.split(":", 2);
  switch (kind) {
    case "rule":
      return `Rule message (rule #${rest})`;
    case "alert":
      return `Team alert (rule #${rest})`;
    case "tag":
      return `Order tag (rule #${rest})`;
    case "channel_down":
      return `Channel alert: ${(CHANNEL_LABELS as Record<string, string>)[rest] ?? rest}`;
    default:
      return moment;
  }
}

export function channelLabel(channel: string): string {
  return (CHANNEL_LABELS as Record<string, string>)[channel] ?? channel;
}

/** Short channel names for a table column: the long labels explain, these fit. */
export const CHANNEL_SHORT_LABELS: Record<Channel, string> = {
  email: "Email",
  sms: "SMS",
  klaviyo: "Klaviyo",
  slack: "Slack",
  webhook: "Webhook",
  shopify: "Shopify",
};
