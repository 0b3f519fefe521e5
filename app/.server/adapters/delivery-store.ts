import { sql } from "kysely";
import { PROCESS_DELIVERY_JOB, type DeliveryStore, type NewDelivery } from "../ports";
import type { Database } from "./db/database";

/**
 * The ingest hot path: the delivery and its processing job are committed together, so a delivery is
 * never stored without the work that processes it. On SQLite two statements prepared once run in one
 * synchronous transaction (no await inside, so nothing else on the shared connection can slip in);
 * on PostgreSQL one statement does both.
 */
export function createDeliveryStore(database: Database, options: { maxAttempts?: number } = {}): DeliveryStore {
  const maxAttempts = options.maxAttempts ?? 8;
  if (database.sqlite) {
    const sqlite = database.sqlite;
    const insertDelivery = sqlite.prepare(
      `INSERT INTO "WebhookDelivery" ("shop","topic","webhookId","eventId","triggeredAt","apiVersion","body","receivedAt","status")
       VALUES (?,?,?,?,?,?,?,?,'received') ON CONFLICT ("webhookId") DO NOTHING`,
    );
    const insertJob = sqlite.prepare(
      `INSERT INTO "Job" ("shop","name","payload","status","runAt","createdAt","maxAttempts","attempts") VALUES (?,?,?,'queued',?,?,?,0)`,
    );
    type Result = { stored: true; id: number } | { stored: false };
    const storeAll = sqlite.transaction((batch: NewDelivery[]) =>
      batch.map((d): Result => {
        const result = insertDelivery.run(d.shop, d.topic, d.webhookId, d.eventId, d.triggeredAt, d.apiVersion, d.body, d.receivedAt);
        if (result.changes === 0) return { stored: false };
        const id = Number(result.lastInsertRowid);
        insertJob.run(d.shop, PROCESS_DELIVERY_JOB, `{"deliveryId":${id}}`, d.receivedAt, d.receivedAt, maxAttempts);
        return { stored: true, id };
      }),
    );
    // Group commit: deliveries that arrive in the same turn of the event loop share one transaction. Each
    // is committed before its caller answers 200; under light load a batch is one delivery. Most of an
    // insert's cost on WAL is the commit, so a burst costs a fraction of one commit per delivery.
    let pending: { delivery: NewDelivery; resolve: (r: Result) => void; reject: (e: unknown) => void }[] = [];
    const flush = () => {
      const batch = pending;
      pending = [];
      // a transaction the worker holds on this connection must not swallow these inserts: its write group is
      // committed now (or as soon as a transaction inside it ends), any other transaction waited out
      if (sqlite.inTransaction) database.writeGroup?.commit();
      if (sqlite.inTransaction) {
        pending = batch.concat(pending);
        setImmediate(flush);
        return;
      }
      try {
        const results = storeAll(batch.map((p) => p.delivery));
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    };
    return {
      storeNew: (delivery) =>
        new Promise<Result>((resolve, reject) => {
          if (pending.push({ delivery, resolve, reject }) === 1) setImmediate(flush);
        }),
    };
  }
  return {
    async storeNew(d) {
      const result = await sql<{ id: number }>`
        WITH stored AS (
          INSERT INTO "WebhookDelivery" ("shop","topic","webhookId","eventId","triggeredAt","apiVersion","body","receivedAt","status")
          VALUES (${d.shop}, ${d.topic}, ${d.webhookId}, ${d.eventId}, ${d.triggeredAt}, ${d.apiVersion}, ${d.body}, ${d.receivedAt}, 'received')
          ON CONFLICT ("webhookId") DO NOTHING
          RETURNING "id", "shop"
        )
        INSERT INTO "Job" ("shop","name","payload","status","runAt","createdAt","maxAttempts","attempts")
        SELECT "shop", ${PROCESS_DELIVERY_JOB}, json_build_object('deliveryId', "id")::text, 'queued', ${d.receivedAt}, ${d.receivedAt}, ${maxAttempts}, 0
        FROM stored
        RETURNING (payload::json->>'deliveryId')::int AS id`.execute(database.db);
      const row = result.rows[0];
      return row ? { stored: true, id: row.id } : { stored: false };
    },
  };
}
