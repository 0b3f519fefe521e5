import { Badge, type BadgeProps } from "@shopify/polaris";
import { REASON_LABELS, STATUS_LABELS, type ShipmentStatus, type StatusReason } from "~/domain/status";

type Tone = BadgeProps["tone"];

/**
 * Colour says who has to act: green is done, red needs a person now, yellow is at risk, blue is moving as it
 * should, grey has not started (a label is not movement).
 */
const STATUS_TONES: Record<ShipmentStatus, Tone> = {
  unknown: undefined,
  label_created: undefined,
  picked_up: "info",
  in_transit: "info",
  delayed: "warning",
  out_for_delivery: "info",
  available_for_pickup: "attention",
  attempted_delivery: "warning",
  delivered: "success",
  exception: "critical",
  returning_to_sender: "warning",
  returned_to_sender: "critical",
};

/** The happy path's progress, for the badge's ring: people scan the ring before they read the word. */
const STATUS_PROGRESS: Partial<Record<ShipmentStatus, NonNullable<BadgeProps["progress"]>>> = {
  label_created: "incomplete",
  picked_up: "partiallyComplete",
  in_transit: "partiallyComplete",
  out_for_delivery: "partiallyComplete",
  available_for_pickup: "partiallyComplete",
  delivered: "complete",
};

export function statusTone(status: ShipmentStatus): Tone {
  return STATUS_TONES[status];
}

export function StatusBadge({ status }: { status: ShipmentStatus }) {
  const progress = STATUS_PROGRESS[status];
  return (
    <Badge tone={STATUS_TONES[status]} {...(progress ? { progress } : {})} toneAndProgressLabelOverride="Status:">
      {STATUS_LABELS[status]}
    </Badge>
  );
}

export function reasonLabel(reason: StatusReason | null): string | null {
  return reason ? REASON_LABELS[reason] : null;
}
