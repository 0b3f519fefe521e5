import { adminWeightBenchmark } from "./admin-weight";
import { backfillBenchmark } from "./backfill";
import { emit } from "./support";
import { feedsBenchmark } from "./feeds";
import { ingestBenchmark } from "./ingest";
import { lookupBenchmark } from "./lookup";
import { notifyBenchmark } from "./notify";
import { pipelineBenchmark } from "./pipeline";
import { scaleBenchmark } from "./scale";
import { scorecardBenchmark } from "./scorecard";
import { storefrontWeightBenchmark } from "./storefront-weight";
import { sweepBenchmark } from "./sweep";

/**
 * `npm run bench`: every benchmark, app and baseline side by side in the same run, one JSON line each,
 * then a summary line. `npm run bench -- ingest` runs one.
 */
const benchmarks: Record<string, () => Promise<{ bench: string; ratio: number; pass: boolean }>> = {
  ingest: ingestBenchmark,
  pipeline: pipelineBenchmark,
  lookup: lookupBenchmark,
  "storefront-weight": storefrontWeightBenchmark,
  sweep: sweepBenchmark,
  notify: notifyBenchmark,
  "admin-weight": adminWeightBenchmark,
  scorecard: scorecardBenchmark,
  feeds: feedsBenchmark,
  backfill: backfillBenchmark,
  scale: scaleBenchmark,
};
const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const results = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (only.length && !only.includes(name)) continue;
  results.push(await run());
}
emit({ summary: true, benchmarks: results.map((r) => ({ bench: r.bench, ratio: r.ratio, pass: r.pass })), pass: results.every((r) => r.pass) });
