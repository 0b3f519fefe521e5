import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { HEAP_CEILING_MB, heapCeilingFlags } from "../../server/heap-ceiling";

const GB = 1024 ** 3;
const host = { nodeOptions: "", execArgv: [] as string[] };

describe("the heap ceiling npm start and npm run worker give Node", () => {
  it("brings a large host's default down to the ceiling", () => {
    expect(heapCeilingFlags({ ...host, totalBytes: 24 * GB, constrainedBytes: 0 })).toEqual([`--max-old-space-size=${HEAP_CEILING_MB}`]);
    // cgroup v1 without a limit reports a number larger than the machine
    expect(heapCeilingFlags({ ...host, totalBytes: 24 * GB, constrainedBytes: 9_223_372_036_854_771_712 })).toEqual([`--max-old-space-size=${HEAP_CEILING_MB}`]);
    // a container large enough that Node would choose more than the ceiling
    expect(heapCeilingFlags({ ...host, totalBytes: 24 * GB, constrainedBytes: 8 * GB })).toEqual([`--max-old-space-size=${HEAP_CEILING_MB}`]);
  });

  it("adds nothing where Node's own sizing already follows a smaller limit, or the operator chose one", () => {
    expect(heapCeilingFlags({ ...host, totalBytes: 24 * GB, constrainedBytes: 512 * 1024 ** 2 })).toEqual([]);
    expect(heapCeilingFlags({ ...host, totalBytes: 24 * GB, constrainedBytes: 3 * GB })).toEqual([]);
    expect(heapCeilingFlags({ ...host, totalBytes: 2 * GB, constrainedBytes: 0 })).toEqual([]);
    expect(heapCeilingFlags({ ...host, totalBytes: 24 * GB, nodeOptions: "--max-old-space-size=4096" })).toEqual([]);
    expect(heapCeilingFlags({ ...host, totalBytes: 24 * GB, execArgv: ["--max_old_space_size=300"] })).toEqual([]);
  });

  it("is what the built script prints for the npm scripts' command line, and Node takes it", () => {
    if (!fs.existsSync("build/runtime/heap-ceiling.mjs")) throw new Error("The build is missing: run `npm run build` first (npm test does).");
    // the environment without whatever NODE_OPTIONS the test runner has
    const { NODE_OPTIONS: _runner, ...env } = process.env;
    const printed = execFileSync(process.execPath, ["build/runtime/heap-ceiling.mjs"], { env, encoding: "utf8" });
    expect(printed).toBe(heapCeilingFlags({ nodeOptions: "", execArgv: [] }).join(" "));
    const limitMb = execFileSync(process.execPath, [...printed.split(" ").filter(Boolean), "-e", "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit / 1048576))"], { env, encoding: "utf8" });
    if (printed) expect(Number(limitMb)).toBeLessThan(HEAP_CEILING_MB + 100);
    // an operator's own choice is left alone
    expect(execFileSync(process.execPath, ["build/runtime/heap-ceiling.mjs"], { env: { ...env, NODE_OPTIONS: "--max-old-space-size=700" }, encoding: "utf8" })).toBe("");
  });
});
