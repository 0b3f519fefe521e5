/** What a chart on Home draws: plain data, built from the dashboard by `series.ts`, drawn by `charts.client.tsx`. */

export interface ChartSeries {
  name: string;
  data: { key: string; value: number | null }[];
  color?: string;
}

export interface ChartSpec {
  kind: "stacked" | "bars" | "horizontal" | "stacked-horizontal" | "lines";
  format: "count" | "percent" | "days";
  series: ChartSeries[];
}
