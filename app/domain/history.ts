/**
 * Imported history (the backfill, docs/decisions/0015-history-import.md): what an import read of a shop's past had
 * already happened before Shipwatch knew of it. Nothing about it is told to a customer or a Flow workflow; a case
 * that silence opens on such a parcel this long after the import read it is news again (the parcel stalled since).
 */
export const HISTORY_QUIET_MS = 24 * 3_600_000;

/** Nothing has happened to the shipment since an import read it up to `until`: what it shows is history. */
export function isImportedHistory(s: { lastEventAt: number | null; statusChangedAt: number | null; shippedAt: number }, until: number | undefined): boolean {
  return until !== undefined && Math.max(s.lastEventAt ?? 0, s.statusChangedAt ?? 0, s.shippedAt) <= until;
}

/**
 * Whether a case is news to tell: one opened before the import began came from what Shopify sent as it happened
 * (told as usual, its resolution too); one the imported facts opened, in the quiet time after, is history.
 */
export function caseIsNews(openedAt: number, historyUntil: number | null | undefined): boolean {
  return historyUntil == null || openedAt <= historyUntil || openedAt > historyUntil + HISTORY_QUIET_MS;
}
