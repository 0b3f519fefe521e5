import { maskStoredValue } from "~/domain/redaction";
import type { DeliveryRepository, StoredDelivery } from "../ports";
import type { Database } from "./db/database";
import { compiledOnce, firstRow } from "./db/prepared";
import { containsAnyOf } from "./db/text-search";

const REDACTED_BODY = '{"redacted":true}';

/** A parked delivery whose body was erased can never be replayed: it is set aside with this note. */
const ERASED_NOTE = "body erased by customers/redact: it named a redacted customer";

export function createDeliveryRepository({ db, dialect }: Database): DeliveryRepository {
  const columns = ["id", "shop", "topic", "webhookId", "body", "status", "receivedAt", "triggeredAt"] as const;
  // read once for every delivery the worker processes
  const byId = compiledOnce(db, (p: { id: number }) => db.selectFrom("WebhookDelivery").select(columns).where("id", "=", p.id));
  type Processed = { id: number; status: string; at: number; orderId: string | null; note: string | null };
  const markedProcessed = (scrub: boolean) =>
    compiledOnce(db, (p: Processed) =>
      db
        .updateTable("WebhookDelivery")
        .set((eb) => ({
          status: p.status,
          processedAt: p.at,
          orderId: p.orderId,
          error: p.note,
          attempts: eb("attempts", "+", 1),
          ...(scrub ? { body: REDACTED_BODY } : {}),
        }))
        .where("id", "=", p.id),
    );
  const processed = markedProcessed(false);
  const processedScrubbed = markedProcessed(true);
  return {
    async get(id) {
      return ((await firstRow(byId({ id }))) ?? null) as StoredDelivery | null;
    },
    async markProcessed(id, outcome, at) {
      const values = { id, status: outcome.status, at, orderId: outcome.orderId ?? null, note: outcome.note ?? null };
      await (outcome.scrubBody ? processedScrubbed : processed)(values);
    },
    async markFailed(id, error, options) {
      await db
        .updateTable("WebhookDelivery")
        .set((eb) => ({
          status: "failed",
          error: error.slice(0, 2_000),
          attempts: eb("attempts", "+", 1),
          ...(options?.scrubBody ? { body: REDACTED_BODY } : {}),
        }))
        .where("id", "=", id)
        .execute();
    },
    async listFailed(shop, limit) {
      return (await db
        .selectFrom("WebhookDelivery")
        .select([...columns, "error"])
        .where("shop", "=", shop)
        .where("status", "=", "failed")
        .orderBy("id", "desc")
        .limit(limit)
        .execute()) as (StoredDelivery & { error: string | null })[];
    },
    async reopenFailed(shop, ids) {
      let query = db
        .updateTable("WebhookDelivery")
        .set({ status: "received", error: null })
        .where("shop", "=", shop)
        .where("status", "=", "failed");
      if (ids) query = query.where("id", "in", ids.length ? ids : [-1]);
      return (await query.returning("id").execute()).map((r) => r.id);
    },
    async scrubBodies(shop, orderIds, customer) {
      let total = 0;
      for (let i = 0; i < orderIds.length; i += 500) {
        const r = await db
          .updateTable("WebhookDelivery")
          .set({ body: REDACTED_BODY })
          .where("shop", "=", shop)
          .where("orderId", "in", orderIds.slice(i, i + 500))
          .executeTakeFirst();
        total += Number(r.numUpdatedRows);
      }
      if (customer.empty) return total;
      // Deliveries not tied to an order (parked before processing named one, or still queued) are found by what
      // they say: her address, phone, name or street, anywhere in the body. The database narrows, the match decides.
      const candidates = await db
        .selectFrom("WebhookDelivery")
        .select(["id", "body", "status", "error"])
        .where("shop", "=", shop)
        .where("body", "!=", REDACTED_BODY)
        .where(containsAnyOf(dialect, "body", customer.fragments))
        .execute();
      for (const d of candidates) {
        if (d.status === "received") {
          // still to be processed: masked in place (JSON stays JSON), so the work it carries is not lost
          const masked = maskStoredValue(d.body, customer.mask);
          if (masked === d.body) continue;
          await db.updateTable("WebhookDelivery").set({ body: masked }).where("id", "=", d.id).where("status", "=", "received").execute();
        } else {
          if (!customer.mentions(d.body)) continue;
          const parked = d.status === "failed";
          await db
            .updateTable("WebhookDelivery")
            .set({ body: REDACTED_BODY, ...(parked ? { status: "ignored", error: ERASED_NOTE } : {}) })
            .where("id", "=", d.id)
            .execute();
        }
        total += 1;
      }
      return total;
    },
    async oldestWaiting(shop, since) {
      // the (shop, status) index: in steady state a handful of rows wait, in a backlog this reads only theirs
      const row = await db
        .selectFrom("WebhookDelivery")
        .select((eb) => eb.fn.min("receivedAt").as("at"))
        .where("shop", "=", shop)
        .where("status", "=", "received")
        .where("receivedAt", ">=", since)
        .executeTakeFirst();
      return row?.at == null ? null : Number(row.at);
    },
    async receivedBefore(at, limit, afterId = 0) {
      return (await db
        .selectFrom("WebhookDelivery")
        .select(columns)
        .where("status", "=", "received")
        .where("receivedAt", "<", at)
        .where("id", ">", afterId)
        .orderBy("id")
        .limit(limit)
        .execute()) as StoredDelivery[];
    },
  };
}
