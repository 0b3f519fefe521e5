import { describe, expect, it } from "vitest";
import { caseIsNews, HISTORY_QUIET_MS, isImportedHistory } from "./history";

const IMPORTED = Date.parse("2026-11-26T15:00:00Z");
const at = (iso: string) => Date.parse(iso);

describe("imported history", () => {
  it.each([
    ["never imported", { lastEventAt: at("2026-11-20T10:00:00Z"), statusChangedAt: null, shippedAt: at("2026-11-19T10:00:00Z") }, undefined, false],
    ["delivered before the import read it", { lastEventAt: at("2026-11-25T18:00:00Z"), statusChangedAt: at("2026-11-25T18:00:00Z"), shippedAt: at("2026-11-23T19:00:00Z") }, IMPORTED, true],
    ["a label never scanned, printed before", { lastEventAt: null, statusChangedAt: null, shippedAt: at("2026-11-12T19:00:00Z") }, IMPORTED, true],
    ["a scan after the import", { lastEventAt: at("2026-11-26T15:45:00Z"), statusChangedAt: at("2026-11-26T15:45:00Z"), shippedAt: at("2026-11-24T19:00:00Z") }, IMPORTED, false],
    ["a fulfillment update after the import", { lastEventAt: at("2026-11-25T10:00:00Z"), statusChangedAt: at("2026-11-26T16:00:00Z"), shippedAt: at("2026-11-24T19:00:00Z") }, IMPORTED, false],
  ])("%s", (_name, shipment, until, expected) => {
    expect(isImportedHistory(shipment, until)).toBe(expected);
  });

  it("a case is news unless opened on history within the quiet time after the import", () => {
    expect(caseIsNews(IMPORTED + 60_000, null)).toBe(true);
    expect(caseIsNews(IMPORTED - 60_000, IMPORTED)).toBe(true);
    expect(caseIsNews(IMPORTED + 60_000, IMPORTED)).toBe(false);
    expect(caseIsNews(IMPORTED + HISTORY_QUIET_MS, IMPORTED)).toBe(false);
    expect(caseIsNews(IMPORTED + HISTORY_QUIET_MS + 1, IMPORTED)).toBe(true);
  });
});
