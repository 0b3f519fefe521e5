/** what a dependency answered: "unreachable" when it refused or failed, "timeout" when it did not answer in time */
export type DependencyState = "ok" | "unreachable" | "timeout";

export interface Readiness {
  ok: boolean;
  /** `database`, and `redis` when REDIS_URL is set: fixed words only, never an address or a message that may carry one */
  checks: Record<string, DependencyState>;
}

/** Do the stores this process needs answer now? (/readyz, and a worker's watch on its dependencies) */
export interface HealthCheck {
  check(): Promise<Readiness>;
}
