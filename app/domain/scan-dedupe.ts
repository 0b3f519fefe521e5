/**
 * One timeline from several sources: Shopify relays a carrier's scan, and a tracking feed (EasyPost) reports the
 * same scan again. Two copies must count once (one event, one "previous state", one attempt), whichever arrived
 * first. See docs/decisions/0011-one-scan-from-two-sources.md.
 */
import type { ShipmentStatus } from "./status";

/** How far apart two sources' clocks put the same scan: one rounds to the minute, another stamps its relay time. */
export const SAME_SCAN_WINDOW_MS = 10 * 60_000;

export interface SourcedScan {
  eventKey: string;
  source: string;
  status: ShipmentStatus;
  happenedAt: number;
  location: string | null;
  receivedAt: number;
  deleted: boolean;
}

/** The city, as both sources write it ("Ottawa, ON, CA" and "OTTAWA, Ontario, Canada" are one place). */
function cityOf(location: string | null): string | null {
  const city = location?.split(",")[0]?.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  return city ? city : null;
}

/** Same place: the cities agree, or one side does not say where (an unknown place contradicts nothing). */
export function samePlace(a: string | null, b: string | null): boolean {
  const ca = cityOf(a);
  const cb = cityOf(b);
  return ca === null || cb === null || ca === cb;
}

export function sameScan(a: SourcedScan, b: SourcedScan, windowMs = SAME_SCAN_WINDOW_MS): boolean {
  return a.source !== b.source && a.status === b.status && Math.abs(a.happenedAt - b.happenedAt) <= windowMs && samePlace(a.location, b.location);
}

/**
 * The keys of events that repeat a scan another source already gave. The copy received first stays (what a
 * shopper has seen does not flicker); each kept event absorbs at most one copy per other source, so two real
 * scans minutes apart at one facility (arrived, departed) stay two when both sources report both.
 */
export function repeatedScans(events: readonly SourcedScan[], windowMs = SAME_SCAN_WINDOW_MS): string[] {
  const live = events.filter((e) => !e.deleted);
  if (new Set(live.map((e) => e.source)).size < 2) return [];
  const ordered = [...live].sort((a, b) => a.receivedAt - b.receivedAt || (a.eventKey < b.eventKey ? -1 : a.eventKey > b.eventKey ? 1 : 0));
  const kept: { scan: SourcedScan; absorbed: Set<string> }[] = [];
  const repeated: string[] = [];
  for (const e of ordered) {
    const match = kept
      .filter((k) => !k.absorbed.has(e.source) && sameScan(k.scan, e, windowMs))
      .sort((x, y) => Math.abs(x.scan.happenedAt - e.happenedAt) - Math.abs(y.scan.happenedAt - e.happenedAt))[0];
    if (match) {
      match.absorbed.add(e.source);
      repeated.push(e.eventKey);
    } else {
      kept.push({ scan: e, absorbed: new Set() });
    }
  }
  return repeated;
}
