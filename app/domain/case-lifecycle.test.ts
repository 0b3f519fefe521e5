import { describe, expect, it } from "vitest";
import { CASE_STATES, MAX_SNOOZE_MS, transition, type CaseCommand, type CaseState } from "./case-lifecycle";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const HOUR = 3_600_000;

describe("the case lifecycle", () => {
  // every command from every state: where it goes, or why not
  const table: [CaseState, CaseCommand, CaseState | string][] = [
    ["open", { kind: "snooze", until: NOW + HOUR, now: NOW }, "snoozed"],
    ["snoozed", { kind: "snooze", until: NOW + 2 * HOUR, now: NOW }, "snoozed"],
    ["resolved", { kind: "snooze", until: NOW + HOUR, now: NOW }, "already_resolved"],
    ["open", { kind: "snooze", until: NOW, now: NOW }, "snooze_out_of_range"],
    ["open", { kind: "snooze", until: NOW + MAX_SNOOZE_MS + 1, now: NOW }, "snooze_out_of_range"],
    ["open", { kind: "snooze", until: NOW + MAX_SNOOZE_MS, now: NOW }, "snoozed"],
    ["snoozed", { kind: "wake", now: NOW, snoozedUntil: NOW }, "open"],
    ["snoozed", { kind: "wake", now: NOW, snoozedUntil: NOW + 1 }, "not_due"],
    ["open", { kind: "wake", now: NOW, snoozedUntil: null }, "not_due"],
    ["resolved", { kind: "wake", now: NOW, snoozedUntil: NOW - HOUR }, "not_due"],
    ["open", { kind: "resolve" }, "resolved"],
    ["snoozed", { kind: "resolve" }, "resolved"],
    ["resolved", { kind: "resolve" }, "already_resolved"],
    ["resolved", { kind: "reopen" }, "open"],
    ["open", { kind: "reopen" }, "not_resolved"],
    ["snoozed", { kind: "reopen" }, "not_resolved"],
    ["open", { kind: "assign" }, "open"],
    ["snoozed", { kind: "set_priority" }, "snoozed"],
    ["resolved", { kind: "assign" }, "already_resolved"],
    ["resolved", { kind: "set_priority" }, "already_resolved"],
    ["resolved", { kind: "note" }, "resolved"],
    ["snoozed", { kind: "note" }, "snoozed"],
    ["open", { kind: "hand_off", from: "support", to: "operations" }, "open"],
    ["snoozed", { kind: "hand_off", from: "fulfillment", to: "finance" }, "snoozed"],
    ["resolved", { kind: "hand_off", from: "support", to: "finance" }, "already_resolved"],
    ["open", { kind: "hand_off", from: "support", to: "support" }, "same_owner"],
  ];
  it.each(table)("from %s, %o → %s", (from, command, expected) => {
    const result = transition(from, command);
    if ((CASE_STATES as readonly string[]).includes(expected)) expect(result).toEqual({ ok: true, from, to: expected });
    else expect(result).toEqual({ ok: false, from, refused: expected });
  });

  it("no command takes a resolved case anywhere but open (reopen), so a resolved case can never come back through a snooze", () => {
    const commands: CaseCommand[] = [
      { kind: "assign" },
      { kind: "set_priority" },
      { kind: "hand_off", from: "support", to: "operations" },
      { kind: "note" },
      { kind: "snooze", until: NOW + HOUR, now: NOW },
      { kind: "wake", now: NOW, snoozedUntil: NOW - 1 },
      { kind: "resolve" },
      { kind: "reopen" },
    ];
    const reachable = commands.map((c) => transition("resolved", c)).filter((t) => t.ok).map((t) => (t.ok ? t.to : null));
    expect(reachable.sort()).toEqual(["open", "resolved"]);
  });
});
