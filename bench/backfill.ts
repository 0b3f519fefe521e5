import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { bundleRuntime } from "../scripts/build-runtime";
import { startFakeShopifyAdmin } from "../scripts/local-services/fake-shopify-admin";
import { heapCeilingFlags } from "../server/heap-ceiling";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { BENCH_TOKEN as TOKEN } from "./backfill-child";
import { emit } from "./support";

/**
 * backfill: a history import of `lines` orders (one line each in the bulk file, one parcel with two carrier events
 * each) from the Admin API stand-in, in a process of its own so its peak RSS is the import's; beside it, in the same
 * process and run, the webhook path working the same kind of parcels (orders/create, fulfillments/create, two
 * fulfillment_events/create). Ratio: objects applied per second by the import ÷ deliveries per second by webhooks.
 * `npm run bench -- backfill` (BENCH_BACKFILL_LINES to change the size; 100,000 by default; BENCH_BACKFILL_CONTAINER_MB
 * to run the import a second time in a memory cgroup of that size).
 *
 * The import's process runs as `npm run worker` runs in production: compiled to JavaScript by the build's own
 * bundler (scripts/build-runtime.ts), started on Node alone with the heap ceiling the script gives it on this host
 * (server/heap-ceiling.ts; BENCH_BACKFILL_HEAP_MB replaces it). BENCH_BACKFILL_TSX=1 runs it under tsx instead, as
 * the tests do, whose loader thread adds its own heap.
 */
export async function backfillBenchmark(options: { lines?: number } = {}) {
  const lines = options.lines ?? Number(process.env.BENCH_BACKFILL_LINES ?? 100_000);
  // the stand-in lives here, so the child's memory is the import's alone
  const admin = await startFakeShopifyAdmin({ maximumAvailable: 1_000_000, restoreRate: 1_000_000, pollsToComplete: 0 });
  const now = Date.now();
  admin.addShop(PREVIEW_SHOP, TOKEN);
  admin.setOrders(PREVIEW_SHOP, {
    count: lines,
    make: (i) => orderAt(i, now),
    fulfillment: (gid) => {
      const i = Number(/\/(\d+)$/.exec(gid)?.[1] ?? NaN) - FIRST_ORDER;
      return i >= 0 && i < lines ? ((orderAt(i, now).fulfillments as Record<string, unknown>[])[0] ?? null) : null;
    },
  });
  // BENCH_BACKFILL_HEAP_MB caps the child's heap: an import that held its file would then fail, one that streams does not
  const heap = process.env.BENCH_BACKFILL_HEAP_MB ? [`--max-old-space-size=${Number(process.env.BENCH_BACKFILL_HEAP_MB)}`] : [];
  const runtime = process.env.BENCH_BACKFILL_TSX === "1" ? "tsx" : "built";
  const entry = runtime === "tsx" ? ["--import", "tsx", path.resolve("bench/backfill-child.ts")] : ["--enable-source-maps", await builtChild()];
  const childArgs = [...entry, "--child", String(lines), admin.url, String(now)];
  // the heap ceiling `npm run worker` starts Node with on this host (none under a limit, or with BENCH_BACKFILL_HEAP_MB)
  const ceiling = heap.length ? [] : heapCeilingFlags();
  try {
    const line = await runChild([...heap, ...ceiling, ...childArgs]);
    line.nodeFlags = [...heap, ...ceiling];
    line.runtime = runtime === "tsx" ? "tsx (node --import tsx)" : "built (node --enable-source-maps build/bench/backfill-child.mjs, bundled as npm run build bundles the worker)";
    // BENCH_BACKFILL_CONTAINER_MB: the same import again in a memory cgroup of that size, as a container runs it (Node
    // sizes its heap from the limit it finds there); where this machine lets no cgroup be made, the reason is reported
    const containerMb = Number(process.env.BENCH_BACKFILL_CONTAINER_MB ?? 0);
    if (containerMb > 0) {
      // as `npm run worker` starts in that container: its flags read the container's limit
      const inside = heapCeilingFlags({ constrainedBytes: containerMb * 1_048_576 });
      line.container = await inMemoryCgroup(containerMb, (wrap) => runChild([...inside, ...childArgs], wrap))
        .then((l) => ({ limitMb: containerMb, ...(l.app as object) }))
        .catch((error: unknown) => ({ limitMb: containerMb, error: String(error instanceof Error ? error.message : error) }));
    }
    emit(line);
    return line;
  } finally {
    await admin.close();
  }
}

type BenchLine = Record<string, unknown> & { ratio: number; pass: boolean; bench: string };

/** the import's process compiled as the worker is (inside the project, so that Node finds its packages) */
async function builtChild(): Promise<string> {
  const outdir = path.resolve("build/bench");
  await bundleRuntime({ "backfill-child": "bench/backfill-child.ts" }, outdir);
  return path.join(outdir, "backfill-child.mjs");
}

/** runs the import's process (through `wrap`, a command that puts it in a cgroup, when given) and reads its JSON line */
async function runChild(args: string[], wrap?: string[]): Promise<BenchLine> {
  const [command, ...rest] = wrap ? [...wrap, process.execPath, ...args] : [process.execPath, ...args];
  const child = spawn(command!, rest, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the backfill bench process exited with ${code}`);
  return JSON.parse(out.trim().split("\n").pop()!) as BenchLine;
}

/** a memory cgroup (v2, else v1) limited to `mb`, for the time of `work`; `work` gets the command that enters it */
async function inMemoryCgroup<T>(mb: number, work: (wrap: string[]) => Promise<T>): Promise<T> {
  const v2 = fs.existsSync("/sys/fs/cgroup/cgroup.controllers");
  const dir = v2 ? `/sys/fs/cgroup/shipwatch-bench-${process.pid}` : `/sys/fs/cgroup/memory/shipwatch-bench-${process.pid}`;
  fs.mkdirSync(dir);
  try {
    fs.writeFileSync(path.join(dir, v2 ? "memory.max" : "memory.limit_in_bytes"), String(mb * 1_048_576));
    return await work(["sh", "-c", `echo $$ > ${path.join(dir, "cgroup.procs")} && exec "$0" "$@"`]);
  } finally {
    fs.rmdirSync(dir);
  }
}

const DAY = 86_400_000;
const FIRST_ORDER = 1_000_000;

function orderAt(i: number, now: number) {
  const shipped = new Date(now - (1 + (i % 50)) * DAY).toISOString();
  const scan = (h: number) => new Date(Date.parse(shipped) + h * 3_600_000).toISOString();
  const n = FIRST_ORDER + i;
  return {
    id: `gid://shopify/Order/${n}`,
    name: `#${n}`,
    email: `buyer${i}@example.com`,
    phone: null,
    createdAt: shipped,
    updatedAt: scan(30),
    cancelledAt: null,
    closedAt: null,
    currencyCode: "USD",
    customerLocale: "en",
    tags: [],
    displayFulfillmentStatus: "FULFILLED",
    totalPriceSet: { shopMoney: { amount: "84.00" } },
    customer: null,
    shippingAddress: { city: "Ottawa", province: "Ontario", provinceCode: "ON", zip: "K1P 5K9", country: "Canada", countryCodeV2: "CA" },
    shippingLine: { code: "STANDARD", title: "Standard", source: "shopify" },
    fulfillments: [
      {
        id: `gid://shopify/Fulfillment/${n}`,
        name: `#${n}.1`,
        status: "SUCCESS",
        displayStatus: "DELIVERED",
        createdAt: shipped,
        updatedAt: scan(30),
        service: { handle: "manual" },
        trackingInfo: [{ company: "UPS", number: `1ZBENCH${String(n).padStart(11, "0")}`, url: null }],
        fulfillmentLineItems: { nodes: [{ quantity: 1, lineItem: { name: "Trail Runner 2", title: "Trail Runner 2" } }] },
        events: {
          nodes: [
            { id: `gid://shopify/FulfillmentEvent/${2 * n}`, status: "IN_TRANSIT", message: "Departed from Facility", happenedAt: scan(6), createdAt: scan(6), estimatedDeliveryAt: null, city: "Toronto", province: "Ontario", country: "Canada", zip: null },
            { id: `gid://shopify/FulfillmentEvent/${2 * n + 1}`, status: "DELIVERED", message: "Delivered", happenedAt: scan(30), createdAt: scan(30), estimatedDeliveryAt: null, city: "Ottawa", province: "Ontario", country: "Canada", zip: null },
          ],
        },
      },
    ],
  };
}
