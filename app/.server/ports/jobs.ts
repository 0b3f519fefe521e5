/**
 * The JobQueue port. Two adapters (../adapters/queue) implement it: the embedded one (a durable table in the app database,
 * worked by an in-process worker) and, with REDIS_URL, BullMQ. Handlers must be idempotent: a job may
 * run again after a crash, a lease expiry or a replay.
 */
export interface JobRequest {
  name: string;
  shop: string;
  payload: unknown;
  /** epoch ms; now when omitted */
  runAt?: number;
  maxAttempts?: number;
}

export interface JobContext {
  id: string;
  name: string;
  shop: string;
  /** 1 on the first run */
  attempt: number;
  maxAttempts: number;
}

export interface JobDefinition {
  name: string;
  handle(payload: unknown, ctx: JobContext): Promise<void>;
  /** called once when the job is parked as failed, after its last attempt */
  onParked?(payload: unknown, ctx: JobContext, error: Error): Promise<void>;
  /**
   * The handler only reads and writes the app's database (no provider is called after a write), so a queue
   * may commit its writes together with other such jobs' (the embedded queue on SQLite does: group commit).
   */
  sharesCommits?: boolean;
}

/** Thrown by a handler when retrying cannot help (a malformed payload): the job is parked at once. */
export class UnrecoverableJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnrecoverableJobError";
  }
}

export interface ParkedJob {
  id: string;
  shop: string;
  name: string;
  payload: unknown;
  attempts: number;
  lastError: string | null;
  finishedAt: number | null;
}

export interface QueueCounts {
  queued: number;
  running: number;
  failed: number;
  done: number;
}

/** What waits in the queue now, all shops together: what an operator watches (GET /metrics). */
export interface QueueDepth {
  /** waiting, due or not (a retry's backoff, a delayed job) */
  queued: number;
  /** waiting and due now: work the workers have not reached */
  due: number;
  running: number;
  /** failed for good, waiting for `npm run replay` */
  parked: number;
  /** since when the longest-waiting due job has been due; null when none is */
  oldestDueAt: number | null;
}

/** A job that runs every `everyMs` (the silence sweep): at most one of it is queued at a time. */
export interface RecurringJob {
  name: string;
  everyMs: number;
}

export interface JobQueue {
  enqueue(job: JobRequest): Promise<void>;
  /** enqueues unless a job of that name is already waiting (one pending sweep is enough) */
  enqueueOnce(job: JobRequest): Promise<void>;
  /** begin working jobs in this process */
  start(definitions: readonly JobDefinition[], options?: { recurring?: readonly RecurringJob[] }): void;
  /** stop taking jobs; resolves when the jobs in hand are finished */
  stop(): Promise<void>;
  /** resolves when nothing is queued or running that is due now (for the demo and tests) */
  idle(timeoutMs?: number): Promise<void>;
  counts(shop?: string): Promise<QueueCounts>;
  /** read through indexes only, cheap enough to ask every few seconds */
  depth(): Promise<QueueDepth>;
  listParked(options?: { shop?: string; limit?: number }): Promise<ParkedJob[]>;
  /** puts parked jobs back in the queue with a fresh attempt budget; returns how many */
  replay(options: { shop?: string; ids?: string[] }): Promise<number>;
  /** removes every job of a shop (uninstall, shop/redact) */
  purgeShop(shop: string): Promise<void>;
}

/** The job a stored webhook delivery is worked off by (the delivery store enqueues it in the same transaction). */
export const PROCESS_DELIVERY_JOB = "process-delivery";
