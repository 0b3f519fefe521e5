import { sql } from "kysely";
import type { Logger } from "../logger";
import type { DependencyState, HealthCheck, Readiness } from "../ports";
import type { Database } from "./db/database";

/**
 * Asks the database (`select 1`) and Redis (PING) whether they answer, each within `timeoutMs`: what a load
 * balancer's readiness probe (`/readyz`) and a worker's watch on its dependencies need. Checks asked for while one
 * runs share its answer, so a probe hammering a hung database adds no pile of waiting connections. The reason a
 * dependency failed goes to the log, once when it starts failing and once when it answers again.
 */
export function createHealthCheck(deps: { database: Database; redis: { ping(): Promise<void> } | null; logger: Logger; timeoutMs?: number }): HealthCheck {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  const probes: [string, () => Promise<unknown>][] = [["database", () => sql`select 1`.execute(deps.database.db)]];
  if (deps.redis) probes.push(["redis", () => deps.redis!.ping()]);
  const last = new Map<string, DependencyState>();
  let running: Promise<Readiness> | null = null;

  async function probe(name: string, run: () => Promise<unknown>): Promise<DependencyState> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    let reason = "";
    const answered = run().then(
      () => "ok" as const,
      (error: unknown) => {
        reason = error instanceof Error ? error.message : String(error);
        return "unreachable" as const;
      },
    );
    const state = await Promise.race([answered, timedOut]);
    clearTimeout(timer);
    const before = last.get(name);
    last.set(name, state);
    if (state !== "ok" && before !== state) deps.logger.error({ dependency: name, state, err: reason || undefined, timeoutMs }, `${name} is ${state}`);
    if (state === "ok" && before && before !== "ok") deps.logger.info({ dependency: name }, `${name} answers again`);
    return state;
  }

  return {
    check() {
      running ??= (async () => {
        try {
          const states = await Promise.all(probes.map(([name, run]) => probe(name, run)));
          const checks = Object.fromEntries(probes.map(([name], i) => [name, states[i]!]));
          return { ok: states.every((s) => s === "ok"), checks };
        } finally {
          running = null;
        }
      })();
      return running;
    },
  };
}
