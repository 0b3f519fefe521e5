/**
 * The life of an exception case, as a pure state machine. Storage only writes what this allows, and only
 * if the case is still in the state this decided from (a compare-and-set), so two people acting at once
 * can never take a case somewhere it may not go.
 *
 *   open ──snooze──▶ snoozed ──(its time comes: wake)──▶ open
 *   open | snoozed ──resolve──▶ resolved ──reopen──▶ open (a reopened case)
 *   assign, priority, hand-off and notes change no state and are refused on nothing but a missing case,
 *   except that a resolved case takes notes but no new assignee, priority or team, and a case is
 *   handed only to a team other than its own.
 *
 * A resolved case is never snoozed: a snooze that later "woke" it would show it as open in the queue
 * while it stayed closed for evaluation, never re-evaluated, and not stopping a duplicate from opening.
 */
export const CASE_STATES = ["open", "snoozed", "resolved"] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** A snooze is for the near future: a case set aside for longer is a case someone forgot. */
export const MAX_SNOOZE_MS = 90 * 86_400_000;

export type CaseCommand =
  | { kind: "assign" }
  | { kind: "set_priority" }
  | { kind: "hand_off"; from: string; to: string }
  | { kind: "note" }
  | { kind: "snooze"; until: number; now: number }
  | { kind: "wake"; now: number; snoozedUntil: number | null }
  | { kind: "resolve" }
  | { kind: "reopen" };

export type CaseRefusal =
  /** resolve, snooze, assign or priority on a case that is already resolved */
  | "already_resolved"
  /** reopen on a case that is not resolved */
  | "not_resolved"
  /** a hand-off to the team that already owns the case */
  | "same_owner"
  /** a snooze time in the past or more than 90 days ahead */
  | "snooze_out_of_range"
  /** wake on a case that is not snoozed, or whose time has not come */
  | "not_due";

export type CaseTransition = { ok: true; from: CaseState; to: CaseState } | { ok: false; from: CaseState; refused: CaseRefusal };

/** What a command does to a case in a state: where it goes, or why it may not. */
export function transition(from: CaseState, command: CaseCommand): CaseTransition {
  const to = (state: CaseState): CaseTransition => ({ ok: true, from, to: state });
  const refuse = (refused: CaseRefusal): CaseTransition => ({ ok: false, from, refused });
  switch (command.kind) {
    case "note":
      return to(from);
    case "assign":
    case "set_priority":
      return from === "resolved" ? refuse("already_resolved") : to(from);
    case "hand_off":
      if (from === "resolved") return refuse("already_resolved");
      return command.from === command.to ? refuse("same_owner") : to(from);
    case "snooze":
      if (from === "resolved") return refuse("already_resolved");
      if (command.until <= command.now || command.until > command.now + MAX_SNOOZE_MS) return refuse("snooze_out_of_range");
      return to("snoozed");
    case "wake":
      return from === "snoozed" && command.snoozedUntil !== null && command.snoozedUntil <= command.now ? to("open") : refuse("not_due");
    case "resolve":
      return from === "resolved" ? refuse("already_resolved") : to("resolved");
    case "reopen":
      return from === "resolved" ? to("open") : refuse("not_resolved");
  }
}

/** What a person's action on a case came to: done, or why not (routes say it in words). */
export type CaseActionOutcome =
  | { ok: true; status: CaseState }
  | { ok: false; reason: CaseRefusal | "not_found" | "changed_meanwhile" | "duplicate_open" };
