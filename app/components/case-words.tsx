import { Badge, type BadgeProps } from "@shopify/polaris";
import { RESOLUTIONS, type ExceptionType, type Owner, type Priority, type Resolution } from "~/domain/rules";
import type { CaseActionOutcome } from "~/domain/case-lifecycle";
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
  fulfillment_delayed: "Not shipped in time",
};

export const OWNER_LABELS: Record<Owner, string> = {
  support: "Support",
  fulfillment: "Fulfillment",
  finance: "Finance",
  operations: "Operations",
};

export const PRIORITY_LABELS: Record<Priority, string> = {
  low: "Low",
  normal: "Normal",
  high: "High",
  urgent: "Urgent",
};

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

/** Why an action on a case did not happen, in the words support reads (the lifecycle's refusals). */
export const CASE_REFUSALS: Record<Exclude<CaseActionOutcome, { ok: true }>["reason"], string> = {
  not_found: "This case no longer exists.",
  already_resolved: "This case is resolved. Reopen it first.",
  not_resolved: "Only a resolved case can be reopened.",
  snooze_out_of_range: "Choose a time in the next 90 days",
  not_due: "This case is not snoozed.",
  same_owner: "The case is already with this team.",
  changed_meanwhile: "Nothing changed: someone changed the case a moment ago. Reload to see it.",
  duplicate_open: "This case cannot be reopened: another case of this type is open for the shipment.",
};

export const CASE_STATUS_LABELS = {
  open: "Open",
  snoozed: "Snoozed",
  resolved: "Resolved",
} as const;

const PRIORITY_TONES: Record<Priority, BadgeProps["tone"]> = {
  low: undefined,
  normal: "info",
  high: "warning",
  urgent: "critical",
};

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

/** Names of stored actors, as the shop's staff sessions know them (desk.staffNames): "staff:42" → "Priya Shah". */
export type StaffNames = Readonly<Record<string, string>>;

/**
 * Who did something, as the audit trail shows it: "You", "Shipwatch", the person's name where Shopify told it
 * (`names`, or carried in the actor), their email, and otherwise "Staff member #123". Never the raw "staff:123"
 * the session token's user id is stored as.
 */
export function actorLabel(actor: string, me: string, names: StaffNames = {}): string {
  if (isSameStaff(actor, me)) return "You";
  if (actor === SYSTEM_ACTOR) return "Shipwatch";
  const known = names[actor];
  if (known) return known;
  const staff = /^staff:(.*)$/.exec(actor);
  if (staff) return /^\d+$/.test(staff[1]!) ? `Staff member #${staff[1]}` : "A staff member";
  // "Ada Lovelace <ada@example.com>": the name the admin session gave when the action happened
  const named = /^(.+?)\s*<[^<>]+>$/.exec(actor);
  return named ? named[1]! : actor;
}

/** The same, in the middle of a sentence: "Assigned to you". */
export function actorInSentence(actor: string, me: string, names: StaffNames = {}): string {
  const label = actorLabel(actor, me, names);
  return label === "You" ? "you" : label;
}

/** Whether two stored actors are one person: the same text, or the same email ("Ada <ada@x.test>" and "ada@x.test"). */
export function isSameStaff(a: string, b: string): boolean {
  return a === b || (emailOf(a) !== null && emailOf(a) === emailOf(b));
}

function emailOf(actor: string): string | null {
  const match = /<([^<>@\s]+@[^<>\s]+)>$/.exec(actor) ?? /^([^<>@\s]+@[^<>\s]+)$/.exec(actor);
  return match ? match[1]!.toLowerCase() : null;
}
