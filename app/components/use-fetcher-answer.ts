import { useEffect, useRef } from "react";

/**
 * Calls `onAnswer` once for each answer a fetcher settles on: when it is idle again, so the loaders it
 * revalidated have landed too (a form can take the saved values as its new starting point).
 */
export function useFetcherAnswer<T>(fetcher: { state: string; data: T | undefined }, onAnswer: (data: T) => void) {
  const seen = useRef<T | undefined>(undefined);
  const latest = useRef(onAnswer);
  latest.current = onAnswer;
  useEffect(() => {
    if (fetcher.state !== "idle" || fetcher.data === undefined || fetcher.data === seen.current) return;
    seen.current = fetcher.data;
    latest.current(fetcher.data);
  }, [fetcher.state, fetcher.data]);
}
