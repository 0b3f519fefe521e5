import os from "node:os";
import path from "node:path";

/**
 * The old-space ceiling `npm start` and `npm run worker` give Node on a host without a memory limit.
 *
 * Node sizes V8's heap from the memory it may use: about half of a container's limit, and on a host without one a
 * quarter of the machine, up to 4 GB. From 2 GB of heap up, V8 lets the old generation grow to four times what
 * survived its last full collection before it collects again. A Shipwatch process lives on tens of megabytes (about
 * 40 MB after a full collection while importing a shop's history), so on a large host it sat at several times that
 * for nothing. The 100,000-order import (`npm run bench -- backfill`, on a 24 GB host): 355 MB peak RSS and 942
 * objects/s with Node's 4,144 MB heap limit; 284 MB and 1,218 objects/s with this ceiling (276 MB with 2,000 MB).
 *
 * Under a container limit that gives Node less than the ceiling, nothing is added: Node's own sizing follows the
 * limit, and a fixed ceiling above it would keep V8 from collecting before the container kills the process. An
 * operator's own `--max-old-space-size` (in NODE_OPTIONS) always wins.
 */
export const HEAP_CEILING_MB = 1536;

/** an operator's own ceiling, as Node takes it (dashes or underscores) */
const OPERATOR_CEILING = /--max[-_]old[-_]space[-_]size/;

export function heapCeilingFlags(options: { constrainedBytes?: number; totalBytes?: number; nodeOptions?: string; execArgv?: readonly string[] } = {}): string[] {
  // eslint-disable-next-line no-restricted-properties -- Node's own setting, read before the app (and its config) starts
  const nodeOptions = options.nodeOptions ?? process.env.NODE_OPTIONS ?? "";
  const execArgv = options.execArgv ?? process.execArgv;
  if (OPERATOR_CEILING.test(nodeOptions) || execArgv.some((a) => OPERATOR_CEILING.test(a))) return [];
  const total = options.totalBytes ?? os.totalmem();
  // cgroups report "no limit" as 0, nothing, or a number larger than the machine
  const constrained = options.constrainedBytes ?? (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.() ?? 0;
  const available = constrained > 0 && constrained < total ? constrained : total;
  // Node's own choice for that much memory is about half of it, up to 4 GB: only a larger one is brought down
  return available / 2 > HEAP_CEILING_MB * 1_048_576 ? [`--max-old-space-size=${HEAP_CEILING_MB}`] : [];
}

// `node build/runtime/heap-ceiling.mjs` prints the flags, for the npm scripts' command line
if (process.argv[1] && path.basename(process.argv[1]).startsWith("heap-ceiling")) process.stdout.write(heapCeilingFlags().join(" "));
