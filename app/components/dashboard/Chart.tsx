import { Box, SkeletonBodyText } from "@shopify/polaris";
import { lazy, Suspense, useEffect, useState } from "react";
import type { ChartSpec } from "./chart-spec";

/**
 * A chart on Home. The server renders a placeholder of the chart's height (so nothing jumps), and after hydration the
 * browser loads polaris-viz in a chunk of its own and draws. The figures themselves are always in the page's text,
 * server-rendered: a chart is for looking, never the only place a number is.
 */

const VizChart = lazy(() => import("./charts.client"));

export function Chart({ spec, height = 260, label }: { spec: ChartSpec; height?: number; label: string }) {
  // polaris-viz measures the box it draws in: only the browser has one
  const [inBrowser, setInBrowser] = useState(false);
  useEffect(() => setInBrowser(true), []);
  const placeholder = (
    <Box paddingBlockStart="400">
      <SkeletonBodyText lines={4} />
    </Box>
  );
  return (
    <div role="figure" aria-label={label} data-chart={spec.kind} style={{ height, position: "relative" }}>
      {inBrowser ? (
        <Suspense fallback={placeholder}>
          <VizChart spec={spec} />
        </Suspense>
      ) : (
        placeholder
      )}
    </div>
  );
}
