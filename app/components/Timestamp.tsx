import { useSyncExternalStore } from "react";
import { formatDateTime, formatRelative } from "./format";

const subscribeToNothing = () => () => {};

/**
 * The viewer's time zone. The server cannot know it, so the server and the hydrating browser both render UTC
 * (a mismatch would make React throw the server's HTML away), and React re-renders in the viewer's zone at once.
 */
export function useViewerTimeZone(): string {
  return useSyncExternalStore(
    subscribeToNothing,
    () => Intl.DateTimeFormat().resolvedOptions().timeZone,
    () => "UTC",
  );
}

/** "3 hours ago", with the exact time in the tooltip and in the machine-readable dateTime. */
export function RelativeTime({ at, now }: { at: number; now: number }) {
  const timeZone = useViewerTimeZone();
  return (
    <time dateTime={new Date(at).toISOString()} title={formatDateTime(at, timeZone, now)}>
      {formatRelative(at, now)}
    </time>
  );
}

/** The exact time, with "3 hours ago" in the tooltip. */
export function ExactTime({ at, now }: { at: number; now: number }) {
  const timeZone = useViewerTimeZone();
  return (
    <time dateTime={new Date(at).toISOString()} title={formatRelative(at, now)}>
      {formatDateTime(at, timeZone, now)}
    </time>
  );
}
