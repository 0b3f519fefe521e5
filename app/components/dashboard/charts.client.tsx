import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import "@shopify/polaris-viz/build/esm/styles.css";
import type { ChartSpec } from "./chart-spec";

/**
 * The charts themselves, in their own chunk: polaris-viz (and d3 under it) is the heaviest thing on Home, measures
 * the box it draws in, and has nothing to draw on the server. `Chart` loads this after hydration; every figure a
 * chart shows is also in the page's own text.
 */

const THEMES = {
  Shipwatch: {
    // the chart sits inside a Polaris card, which already has the padding and the background
    // and the height Home gives it (a chart of one carrier is short; the default minimum would spill over)
    chartContainer: { backgroundColor: "transparent", padding: "0", borderRadius: "0", minHeight: 120 },
    // straight lines between days: a curve invents values between two days' counts
    line: { hasSpline: false, hasArea: false },
  },
};

const formatters: Record<ChartSpec["format"], (value: number | string | null) => string> = {
  count: (v) => (typeof v === "number" ? new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(v) : String(v ?? "")),
  percent: (v) => (typeof v === "number" ? new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 }).format(v) : String(v ?? "")),
  days: (v) => (typeof v === "number" ? `${Math.round(v * 10) / 10} d` : String(v ?? "")),
};

export default function VizChart({ spec }: { spec: ChartSpec }) {
  const format = formatters[spec.format];
  const common = {
    data: spec.series,
    theme: "Shipwatch",
    isAnimated: false, // a single channel is still named: the card says "by moment and channel"
    showLegend: spec.series.length > 1 || spec.kind === "stacked-horizontal",
  };
  return (
    <PolarisVizProvider themes={THEMES} defaultTheme="Shipwatch">
      {spec.kind === "lines" ? (
        <LineChart {...common} yAxisOptions={{ labelFormatter: format, integersOnly: spec.format === "count" }} />
      ) : (
        <BarChart
          {...common}
          type={spec.kind === "stacked" || spec.kind === "stacked-horizontal" ? "stacked" : "default"}
          direction={spec.kind === "horizontal" || spec.kind === "stacked-horizontal" ? "horizontal" : "vertical"}
          {...(spec.kind === "horizontal" || spec.kind === "stacked-horizontal"
            ? { xAxisOptions: { labelFormatter: format } }
            : { yAxisOptions: { labelFormatter: format, integersOnly: spec.format === "count" } })}
        />
      )}
    </PolarisVizProvider>
  );
}
