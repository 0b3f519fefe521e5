import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

/**
 * `npm run build` (after the Remix bundle): the server's processes compiled to plain JavaScript in
 * `build/runtime/`, so that `npm start` and `npm run worker` run on Node alone.
 *
 * Run through tsx instead, a process carries tsx's loader: its hooks run on a thread of their own with their own V8
 * heap, and the in-process worker's thread registers them again, and each file is compiled at start. Idle, on this
 * machine: the web process with its job thread 355–378 MB of RSS under tsx, 238 MB from here; a worker 164–172 MB
 * under tsx, 130 MB from here (docs/decisions/0021-compiled-runtime.md). Packages stay outside the bundle
 * (`node_modules` is the production install's); the app's own TypeScript, `~/` paths included, is bundled. Files
 * the server reads at run time are found from the working directory, as before, so the same code runs from
 * `server/` under tsx (tests, `npm run dev`) and from here.
 */
export const RUNTIME_DIR = "build/runtime";

/** each entry (name → TypeScript source) bundled to `<outdir>/<name>.mjs`, with its source map */
export async function bundleRuntime(entries: Record<string, string>, outdir = RUNTIME_DIR): Promise<void> {
  // chunks are named by their content: an earlier build's would otherwise stay beside these
  fs.rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // a dynamic import stays one (BullMQ and ioredis load only with REDIS_URL, as under tsx)
    splitting: true,
    tsconfig: "tsconfig.json",
    // `node --enable-source-maps` (npm start, npm run worker) then names the TypeScript file and line in a stack trace
    sourcemap: "linked",
    logLevel: "warning",
  });
}

/**
 * the processes of a deployment: the web process, its in-process job thread, and the separate worker; and the
 * heap ceiling their npm scripts start Node with (server/heap-ceiling.ts)
 */
export const RUNTIME_ENTRIES = {
  main: "server/main.ts",
  "worker-thread": "server/worker-thread.ts",
  worker: "server/worker.ts",
  "heap-ceiling": "server/heap-ceiling.ts",
};

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve("scripts/build-runtime.ts")) {
  await bundleRuntime(RUNTIME_ENTRIES);
  process.stdout.write(`built ${Object.keys(RUNTIME_ENTRIES).map((name) => `${RUNTIME_DIR}/${name}.mjs`).join(", ")}\n`);
}
