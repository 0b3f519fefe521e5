import { randomUUID } from "node:crypto";
import path from "node:path";
import fc from "fast-check";
import { expect } from "vitest";
import { signAppProxy, signWebhook } from "~/.server/shopify/signatures";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { TEST_SECRET, type TestApp } from "../support/test-app";

/**
 * The fuzz suite's shared machinery (issue 13, "Keep it closed"): a bounded fast-check runner that tells how
 * to replay a failure, snapshots of what each shop holds (to prove a refused input changed nothing and one
 * shop's input never touched another's), real signed requests, and the control shop whose stalled parcel
 * proves the silence sweep still works once the fuzzing is over.
 *
 * Replay: every property's seed derives from one base seed, printed with any failure. The properties of a
 * file share one app, so a case meets what the cases before it left: replay the whole file with the seed.
 *   FUZZ_SEED=<base> npx vitest run test/security/fuzz-webhooks.test.ts
 * A failure also prints its counterexample (the generated input itself), ready for a focused test.
 * FUZZ_SCALE=10 runs ten times the cases (and time) of CI, for a longer hunt on a developer's machine;
 * FUZZ_REPORT=1 prints how many cases each property ran.
 */

// ---- the runner

const BASE_SEED = Number.parseInt(process.env.FUZZ_SEED ?? "", 10) || (Math.random() * 2 ** 31) | 0;
const SCALE = Math.max(Number(process.env.FUZZ_SCALE ?? 1) || 1, 0.1);

/** A property's own seed: stable for a name and a base seed, so one FUZZ_SEED replays every property. */
function seedFor(name: string): number {
  let h = BASE_SEED | 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

export interface Budget {
  /** cases to try (times FUZZ_SCALE) */
  runs: number;
  /** no new case starts after this long; what ran counts (times FUZZ_SCALE) */
  ms: number;
}

/** After a failure, this long again to shrink it to a smaller counterexample. */
const SHRINK_MS = 5_000;

/**
 * Runs an async property for a fixed number of cases within a time budget. A failure is thrown with the
 * counterexample (shrunk as far as the budget allowed) and the command that replays it.
 *
 * The budget is kept here rather than by fast-check's interruptAfterTimeLimit: that one abandons the case
 * in flight (its promise keeps running, its outcome ignored), and against a live app an abandoned case goes
 * on writing while the next test starts, and its failure is lost. Here a case always runs to its end; once
 * the time is up (or vitest timed the test out: pass the test's `signal`), the remaining cases are skipped
 * without touching the app.
 */
export async function fuzz<T>(name: string, budget: Budget, cases: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const seed = seedFor(name);
  let deadline = performance.now() + budget.ms * SCALE;
  let ran = 0;
  let failing = false;
  const property = fc.asyncProperty(cases, async (value) => {
    // past the budget, or the test timed out (its remaining cases must not run on into the next test)
    if (performance.now() > deadline || signal?.aborted) return;
    ran += 1;
    try {
      await predicate(value);
    } catch (error) {
      if (!failing) deadline = performance.now() + SHRINK_MS;
      failing = true;
      throw error;
    }
  });
  const details = await fc.check(property, { seed, numRuns: Math.ceil(budget.runs * SCALE) });
  if (process.env.FUZZ_REPORT) console.log(`${name}: ${ran} cases run${failing ? " (including shrinking)" : ""}`);
  if (details.failed) {
    const report = fc.defaultReportMessage(details) ?? "property failed";
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${name}\n${report}\n\nwhy: ${cause}\n\nreplay: FUZZ_SEED=${BASE_SEED} npx vitest run ${path.relative(process.cwd(), expect.getState().testPath ?? "test/security")}`,
    );
  }
}

/** The vitest timeout for a fuzz test: its budget, the shrinking, and a case that overruns on a loaded machine. */
export const FUZZ_TEST_TIMEOUT = { timeout: Math.ceil(10_000 * SCALE) + SHRINK_MS + 45_000 };

// ---- what the database holds, per table and shop

/** "Table shop" → digest of its rows; tables without a shop column are keyed "Table *". */
export type Snapshot = Map<string, { rows: number; digest: string }>;

function sqliteOf(app: TestApp) {
  const sqlite = app.container.database.sqlite;
  if (!sqlite) throw new Error("the fuzz suite reads the test app's SQLite file directly");
  return sqlite;
}

function tablesOf(app: TestApp): { name: string; perShop: boolean }[] {
  const sqlite = sqliteOf(app);
  const names = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
  return names.map((name) => ({
    name,
    perShop: (sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(name) as string[]).includes("shop"),
  }));
}

/**
 * Digests every row of every table, grouped by shop. `except` leaves out shops (the one a case acts on, and
 * "*", the queue's rows for no shop in particular); `only` keeps just these shops; `skipTables` leaves out
 * tables a case is allowed to change (its own delivery and job); `global` adds tables that have no shop.
 */
export function snapshot(app: TestApp, scope: { except?: string[]; only?: string[]; skipTables?: string[]; global?: boolean }): Snapshot {
  const sqlite = sqliteOf(app);
  const out: Snapshot = new Map();
  const excluded = new Set(scope.except ?? []);
  for (const table of tablesOf(app)) {
    if (scope.skipTables?.includes(table.name)) continue;
    if (!table.perShop && !scope.global) continue;
    const rows = sqlite.prepare(`SELECT * FROM "${table.name}" ORDER BY rowid`).all() as Record<string, unknown>[];
    const groups = new Map<string, string[]>();
    for (const row of rows) {
      const shop = table.perShop ? String(row.shop) : "*";
      if (table.perShop && (excluded.has(shop) || (scope.only && !scope.only.includes(shop)))) continue;
      groups.set(shop, [...(groups.get(shop) ?? []), JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))]);
    }
    for (const [shop, lines] of groups) out.set(`${table.name} ${shop}`, { rows: lines.length, digest: digest(lines) });
  }
  return out;
}

function digest(lines: string[]): string {
  // FNV-1a over every line: cheap enough to run around each case, and any change shows
  let h = 0x811c9dc5;
  let n = 0;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) h = Math.imul(h ^ line.charCodeAt(i), 0x01000193);
    n += line.length;
  }
  return `${(h >>> 0).toString(16)}/${n}`;
}

/** Fails with what changed, in words, when anything did. */
export function expectUnchanged(before: Snapshot, after: Snapshot, what: string) {
  const changed = changes(before, after);
  expect(changed, `${what}; changed: ${changed.join("; ")}`).toEqual([]);
}

/** What changed between two snapshots, in words ("Order bravo…: 3 rows → 4 rows"); empty when nothing did. */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    if (a?.digest === b?.digest) continue;
    out.push(`${key}: ${a ? `${a.rows} rows` : "nothing"} → ${b ? `${b.rows} rows` : "nothing"}${a && b && a.rows === b.rows ? " (rows changed)" : ""}`);
  }
  return out.sort();
}

// ---- the worker

/**
 * Waits until the worker has nothing due (two quiet reads in a row, as queue.idle does, but polled more
 * often: the fuzz suite waits on this around every case). Jobs a failure rescheduled for later never
 * become due on the held clock, so they do not hold this up; `decisionOf` reports them.
 */
export async function quiesce(app: TestApp, timeoutMs = 20_000): Promise<void> {
  const due = sqliteOf(app).prepare(`SELECT count(*) FROM "Job" WHERE status = 'running' OR (status = 'queued' AND "runAt" <= ?)`).pluck();
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`the worker still had jobs due after ${timeoutMs} ms`);
    if ((due.get(app.clock.now()) as number) === 0) quiet += 1;
    else {
      quiet = 0;
      app.container.queue.wake?.();
    }
    await new Promise((r) => setTimeout(r, 4));
  }
}

export interface Decision {
  delivery: { id: number; status: string; error: string | null } | null;
  job: { status: string; attempts: number; lastError: string | null } | null;
}

/**
 * What became of a stored delivery: processed, ignored or parked (its job done or failed), or, when its
 * job threw something unexpected, still queued for a retry that the held clock never brings. An uninstall
 * purges the shop's jobs (this one too: job null); a shop/redact removes the delivery as well (both null).
 */
export async function decisionOf(app: TestApp, webhookId: string, timeoutMs = 20_000): Promise<Decision> {
  const sqlite = sqliteOf(app);
  const deliveryQuery = sqlite.prepare(`SELECT id, status, error FROM "WebhookDelivery" WHERE "webhookId" = ?`);
  const jobQuery = sqlite.prepare(`SELECT status, attempts, "lastError" FROM "Job" WHERE name = 'process-delivery' AND payload = ?`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = (deliveryQuery.get(webhookId) as Decision["delivery"] | undefined) ?? null;
    const job = delivery ? ((jobQuery.get(`{"deliveryId":${delivery.id}}`) as Decision["job"] | undefined) ?? null) : null;
    // an uninstall or shop/redact purges the shop's jobs, this one included: then the delivery's own status tells
    const decided = job ? job.status === "done" || job.status === "failed" || (job.status === "queued" && job.attempts > 0) : delivery?.status !== "received";
    if (decided) return { delivery, job };
    if (Date.now() > deadline) throw new Error(`delivery ${webhookId} was not processed within ${timeoutMs} ms (job ${job?.status})`);
    app.container.queue.wake?.();
    await new Promise((r) => setTimeout(r, 3));
  }
}

/** A delivery reached a decision in words: never a processing error left retrying, never half a state. */
export function expectDecided(d: Decision, what: string) {
  if (!d.delivery) return; // removed with its shop (shop/redact)
  if (d.job?.status === "queued") {
    throw new Error(`${what}: processing threw, and waits for a retry (every signed delivery is processed, ignored or parked with a reason on its first attempt): ${d.job.lastError}`);
  }
  expect(["processed", "ignored", "failed"], `${what}: delivery status`).toContain(d.delivery.status);
  if (d.delivery.status === "failed") expect(d.delivery.error?.trim(), `${what}: a parked delivery says why`).toBeTruthy();
}

/** The silence sweep's failed attempts so far, by job: what a case must not add to. */
export function sweepFailures(app: TestApp): Map<number, string> {
  const rows = sqliteOf(app).prepare(`SELECT id, attempts, "lastError" FROM "Job" WHERE name = 'silence-sweep' AND "lastError" IS NOT NULL`).all() as { id: number; attempts: number; lastError: string }[];
  return new Map(rows.map((r) => [r.id, `attempt ${r.attempts}: ${r.lastError}`]));
}

/**
 * The sweep a processed delivery asked for did not fail. (A failed sweep waits for a retry the held clock
 * never brings, so a later case cannot be blamed for an earlier one's failure.)
 */
export function expectNoNewSweepFailure(before: Map<number, string>, app: TestApp) {
  const added = [...sweepFailures(app)].filter(([id, what]) => before.get(id) !== what).map(([, what]) => what);
  if (added.length) throw new Error(`the silence sweep run after this delivery failed (one bad row must not stop it for every shop): ${added.join("; ")}`);
}

// ---- signed requests, as Shopify sends them

/** POSTs a webhook whose body (any bytes) carries a real HMAC; returns the status and the webhook id. */
export async function sendSigned(app: TestApp, topic: string, shop: string, body: string | Buffer, opts: { secret?: string; hmac?: string } = {}) {
  const webhookId = randomUUID();
  const res = await fetch(`${app.url}/webhooks`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-shop-domain": shop,
      "x-shopify-webhook-id": webhookId,
      "x-shopify-event-id": randomUUID(),
      "x-shopify-triggered-at": new Date(app.clock.now()).toISOString(),
      "x-shopify-api-version": "2026-07",
      "x-shopify-hmac-sha256": opts.hmac ?? signWebhook(body, opts.secret ?? TEST_SECRET),
    },
    body,
  });
  await res.arrayBuffer();
  return { status: res.status, webhookId };
}

/**
 * A storefront lookup signed as Shopify's app proxy signs it, from a raw query string (so malformed
 * percent-escapes and repeated keys reach the server as sent). The signature covers the parameters as the
 * server decodes them.
 */
export function signedProxyUrl(app: TestApp, shop: string, rawQuery: string, opts: { secret?: string; timestamp?: number } = {}): string {
  const shopper = new URLSearchParams({ shop, path_prefix: "/apps/track", timestamp: String(opts.timestamp ?? Math.floor(app.clock.now() / 1000)), logged_in_customer_id: "" });
  const query = rawQuery ? `${shopper.toString()}&${rawQuery}` : shopper.toString();
  const signature = signAppProxy(new URLSearchParams(query), opts.secret ?? TEST_SECRET);
  return `${app.url}/proxy/lookup?${query}&signature=${signature}`;
}

// ---- the control shop: after the fuzzing, the sweep must still find its stalled parcel

/** The held clock while fuzzing: Saturday 21 November 2026, 01:00 UTC. */
export const FUZZ_NOW = "2026-11-21T01:00:00Z";
/** Wednesday 25 November 19:00 New York: 48 business hours after the control parcel's last scan. */
const STALLED_BY = "2026-11-26T00:00:00Z";

/**
 * Plants a Canada Post parcel last scanned Friday 20 November 18:00 New York (as in
 * test/integration/exceptions.test.ts): quiet over the weekend, stalled by Wednesday evening.
 */
export async function plantStalledParcel(app: TestApp, shop: string) {
  const tracking = "7316213581064545";
  const order = orderPayload({ id: newId(), name: "#8801", created_at: "2026-11-12T09:00:00-05:00", updated_at: "2026-11-12T09:00:00-05:00" });
  const f = fulfillmentPayload(order.id, { name: "#8801.1", tracking_company: "Canada Post", tracking_number: tracking, tracking_numbers: [tracking], tracking_urls: [], created_at: "2026-11-12T14:00:00-05:00", updated_at: "2026-11-12T14:00:00-05:00" });
  const event = fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" });
  // the event first (it waits for its fulfillment), so the first evaluation sees the whole story
  for (const [topic, body] of [["orders/create", order], ["fulfillment_events/create", event], ["fulfillments/create", f]] as const) {
    const sent = await sendSigned(app, topic, shop, JSON.stringify(body));
    expect(sent.status).toBe(200);
    await decisionOf(app, sent.webhookId);
    await quiesce(app);
  }
  return { shop, tracking };
}

/**
 * Moves the clock to when the control parcel is stalled and runs the sweep as the worker does (batch after
 * batch until nothing is due); the parcel must get its case whatever the fuzzing left in the database.
 */
export async function expectSweepStillOpensCase(app: TestApp, control: { shop: string; tracking: string }) {
  await quiesce(app);
  app.clock.set(STALLED_BY);
  const desk = app.container.services.desk;
  let sweepError: string | null = null;
  for (let batch = 0; batch < 100; batch++) {
    try {
      const { evaluated } = await desk.sweep(500);
      if (evaluated < 500) break;
    } catch (error) {
      sweepError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      break;
    }
  }
  expect(sweepError, "the silence sweep ran to the end after the fuzzing (one bad row must not stop it for every shop)").toBeNull();
  const cases = await app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("shop", "=", control.shop).where("shipmentKey", "=", control.tracking).execute();
  expect(cases, "the control shop's stalled parcel got its case").toContainEqual({ type: "stalled", status: "open" });
}
