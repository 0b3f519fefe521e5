import { Badge, type BadgeProps } from "@shopify/polaris";
import { RESOLUTIONS, type ExceptionType, type Owner, type Priority, type Resolution } from "~/domain/rules";
import { formatAge } from "./format";

/** How the exception queue names things, in the words support and fulfillment use. */

export const EXCEPTION_TYPE_LABELS: Record<ExceptionType, string> = {
  not_picked_up: "Not picked up",
  stalled: "Stalled",
  lost: "Lost",
  late: "Late",
  failed_attempt: "Failed delivery attempt",
  address_issue: "Address problem",
  damaged: "Damaged",
  customs_hold: "Held in customs",
  returned_to_sender: "Returned to sender",
  carrier_exception: "Carrier exception",
  unknown_status: "Unknown carrier status",
};

export const OWNER_LABELS: Record<Owner, string> = {
  support: "Support",
  fulfillment: "Fulfillment",
  finance: "Finance",
  operations: "Operations",
};

export const PRIORITY_LABELS: Record<Priority, string> = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" };

export const RESOLUTION_LABELS: Record<Resolution, string> = {
  reshipped: "Reshipped",
  refunded: "Refunded",
  carrier_claim: "Filed a carrier claim",
  contacted_customer: "Contacted the customer",
  waited: "Waited: it moved again",
  false_alarm: "False alarm",
};
export type ResolutionCode = Resolution;
export const RESOLUTION_CODES: readonly Resolution[] = RESOLUTIONS;

export const CASE_STATUS_LABELS = { open: "Open", snoozed: "Snoozed", resolved: "Resolved" } as const;

const PRIORITY_TONES: Record<Priority, BadgeProps["tone"]> = { low: undefined, normal: "info", high: "warning", urgent: "critical" };

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <Badge tone={PRIORITY_TONES[priority]} toneAndProgressLabelOverride="Priority:">
      {PRIORITY_LABELS[priority]}
    </Badge>
  );
}

const HOUR = 3_600_000;
/** A case due within this long is at risk of missing its SLA. */
export const DUE_SOON_MS = 4 * HOUR;

export type SlaStanding = "overdue" | "due_soon" | "on_time" | "none";

export function slaStanding(c: { status: string; dueAt: number | null }, now: number): SlaStanding {
  if (c.status === "resolved" || c.dueAt === null) return "none";
  if (c.dueAt <= now) return "overdue";
  if (c.dueAt - now < DUE_SOON_MS) return "due_soon";
  return "on_time";
}

/** Red when the promise to act is broken, yellow in its last four hours, green otherwise. */
export function SlaBadge({ status, dueAt, now }: { status: string; dueAt: number | null; now: number }) {
  const standing = slaStanding({ status, dueAt }, now);
  if (standing === "none" || dueAt === null) {
    return status === "resolved" ? <Badge tone="success">Resolved</Badge> : <Badge>No SLA</Badge>;
  }
  if (standing === "overdue") {
    return (
      <Badge tone="critical" toneAndProgressLabelOverride="SLA:">
        {`Overdue by ${formatAge(dueAt, now)}`}
      </Badge>
    );
  }
  if (standing === "due_soon") {
    return (
      <Badge tone="warning" toneAndProgressLabelOverride="SLA:">
        {`Due in ${formatAge(now, dueAt)}`}
      </Badge>
    );
  }
  return (
    <Badge tone="success" toneAndProgressLabelOverride="SLA:">
      On time
    </Badge>
  );
}

export const SYSTEM_ACTOR = "shipwatch";

/** Who did something, as the audit trail shows it. */
export function actorLabel(actor: string, me: string): string {
  if (actor === me) return "You";
  if (actor === SYSTEM_ACTOR) return "Shipwatch";
  const staff = /^staff:(.+)$/.exec(actor);
  return staff ? `Staff member ${staff[1]}` : actor;
}
