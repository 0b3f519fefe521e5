import { STATUS_LABELS, type ShipmentStatus } from "~/domain/status";

/**
 * Twelve statuses stacked in one bar are unreadable: the chart of shipments by status groups them the way a
 * merchant asks about them. Every status belongs to exactly one group; a key the app does not know (an older
 * roll-up) falls in the last one, so no parcel goes missing from a bar.
 */
export const STATUS_GROUPS = [
  { id: "delivered", label: "Delivered", statuses: ["delivered"] },
  { id: "arriving", label: "Out for delivery or ready for pickup", statuses: ["out_for_delivery", "available_for_pickup"] },
  { id: "moving", label: "On its way", statuses: ["label_created", "picked_up", "in_transit"] },
  { id: "returned", label: "Returning or returned", statuses: ["returning_to_sender", "returned_to_sender"] },
  { id: "trouble", label: "Delayed or a problem", statuses: ["delayed", "attempted_delivery", "exception", "unknown"] },
] as const satisfies readonly { id: string; label: string; statuses: readonly ShipmentStatus[] }[];

export type StatusGroupId = (typeof STATUS_GROUPS)[number]["id"];

const GROUP_OF = new Map<string, StatusGroupId>(STATUS_GROUPS.flatMap((g) => g.statuses.map((s) => [s, g.id] as const)));

export function statusGroupOf(status: string): StatusGroupId {
  return GROUP_OF.get(status) ?? "trouble";
}

/** A day's counts by status, summed into the groups (every group present, zero when none). */
export function byGroup(byStatus: Record<string, number>): Record<StatusGroupId, number> {
  const out = Object.fromEntries(STATUS_GROUPS.map((g) => [g.id, 0])) as Record<StatusGroupId, number>;
  for (const [status, n] of Object.entries(byStatus)) out[statusGroupOf(status)] += n;
  return out;
}

export function statusLabel(status: string): string {
  return (STATUS_LABELS as Record<string, string>)[status] ?? status.replace(/_/g, " ");
}
