import { sql, type Selectable } from "kysely";
import type { Owner } from "~/domain/rules";
import type { SlaAlertRecord, SlaAlertStatus, SlaAlertStore, TeamAlertRouteStore } from "../ports";
import type { Database } from "./db/database";
import type { DB } from "./db/schema.generated";

/**
 * SLA breach alerts in the app database. The claim lives on the case (`slaAlertedAt`, `slaAlertedOwner`): the
 * sweep's query reads the index (status, slaAlertedAt, dueAt) from "open, never alerted, due earliest" and stops
 * at `now`, so its cost follows the breaches, not the cases. A hand-off or a reopening clears the claim
 * (adapters/cases.ts), which lets the new owner's breach be claimed in turn.
 */
export function createSlaAlertStore({ db }: Database): SlaAlertStore {
  const byId = (shop: string, id: number) => db.selectFrom("SlaAlert").selectAll().where("shop", "=", shop).where("id", "=", id);
  return {
    async claimBreaches(now, limit) {
      const due = await db
        .selectFrom("ExceptionCase")
        .select(["id", "shop", "owner"])
        .where("status", "=", "open")
        .where("slaAlertedAt", "is", null)
        .where("dueAt", "<", now)
        .orderBy("dueAt")
        .limit(limit)
        .execute();
      const claimed: SlaAlertRecord[] = [];
      for (const c of due) {
        const row = await db.transaction().execute(async (trx) => {
          // compare-and-set: another sweep (another worker) that claimed it first wins, and this one writes nothing
          const marked = await trx
            .updateTable("ExceptionCase")
            .set({ slaAlertedAt: now, slaAlertedOwner: c.owner })
            .where("shop", "=", c.shop)
            .where("id", "=", c.id)
            .where("status", "=", "open")
            .where("owner", "=", c.owner)
            .where("slaAlertedAt", "is", null)
            .executeTakeFirst();
          if (Number(marked.numUpdatedRows) === 0) return null;
          const last = await trx.selectFrom("SlaAlert").select((eb) => eb.fn.max("seq").as("seq")).where("shop", "=", c.shop).where("caseId", "=", c.id).executeTakeFirst();
          return trx
            .insertInto("SlaAlert")
            .values({ shop: c.shop, caseId: c.id, seq: Number(last?.seq ?? 0) + 1, owner: c.owner, status: "pending", createdAt: now, updatedAt: now })
            .returningAll()
            .executeTakeFirstOrThrow();
        });
        if (row) claimed.push(toAlert(row));
      }
      return claimed;
    },
    async get(shop, id) {
      const row = await byId(shop, id).executeTakeFirst();
      return row ? toAlert(row) : null;
    },
    async lease(shop, id, now, leaseMs) {
      const row = await db
        .updateTable("SlaAlert")
        .set({ status: "sending", lockedUntil: now + leaseMs, attempts: sql`"attempts" + 1`, updatedAt: now })
        .where("shop", "=", shop)
        .where("id", "=", id)
        .where((eb) => eb.or([eb("status", "in", ["pending", "failed"]), eb.and([eb("status", "=", "sending"), eb("lockedUntil", "<", now)])]))
        .returningAll()
        .executeTakeFirst();
      return row ? toAlert(row) : null;
    },
    async release(shop, id, change) {
      await db
        .updateTable("SlaAlert")
        .set({
          status: "pending",
          lockedUntil: null,
          statusReason: change.reason,
          lastError: change.error,
          updatedAt: change.at,
          ...(change.notAnAttempt ? { attempts: sql`"attempts" - 1` } : {}),
        })
        .where("shop", "=", shop)
        .where("id", "=", id)
        .execute();
    },
    async markSent(shop, id, change) {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable("SlaAlert")
          .set({ status: "sent", statusReason: null, lastError: null, lockedUntil: null, destination: change.destination, text: change.text, sentAt: change.at, updatedAt: change.at })
          .where("shop", "=", shop)
          .where("id", "=", id)
          .returning(["caseId"])
          .executeTakeFirst();
        if (row) await trx.insertInto("CaseActivity").values({ shop, caseId: row.caseId, at: change.at, actor: "shipwatch", kind: "sla_alerted", detail: change.activity }).execute();
      });
    },
    async finish(shop, id, change) {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable("SlaAlert")
          .set({
            status: change.status,
            statusReason: change.reason,
            lockedUntil: null,
            updatedAt: change.at,
            ...(change.error !== undefined ? { lastError: change.error } : {}),
            ...(change.destination !== undefined ? { destination: change.destination } : {}),
          })
          .where("shop", "=", shop)
          .where("id", "=", id)
          .where("status", "!=", "sent")
          .returning(["caseId"])
          .executeTakeFirst();
        if (row && change.activity) await trx.insertInto("CaseActivity").values({ shop, caseId: row.caseId, at: change.at, actor: "shipwatch", kind: "sla_alert_failed", detail: change.activity }).execute();
      });
    },
    async forCase(shop, caseId) {
      const rows = await db.selectFrom("SlaAlert").selectAll().where("shop", "=", shop).where("caseId", "=", caseId).orderBy("seq").execute();
      return rows.map(toAlert);
    },
    async stranded(before, limit) {
      // never attempted and untouched for a while: the claim committed and its job never made it to the queue
      return db
        .selectFrom("SlaAlert")
        .select(["shop", "id"])
        .where("status", "=", "pending")
        .where("updatedAt", "<", before)
        .where("attempts", "=", 0)
        .limit(limit)
        .execute();
    },
  };
}

/** Each team's own Slack webhook (sealed), by shop. */
export function createTeamAlertRouteStore({ db }: Database): TeamAlertRouteStore {
  return {
    async list(shop) {
      const rows = await db.selectFrom("TeamAlertRoute").select(["owner", "secret", "hint", "updatedAt"]).where("shop", "=", shop).orderBy("owner").execute();
      return rows.map((r) => ({ owner: r.owner as Owner, sealedSecret: r.secret, hint: r.hint, updatedAt: r.updatedAt }));
    },
    async save(shop, changes, at) {
      if (!changes.length) return;
      await db.transaction().execute(async (trx) => {
        for (const c of changes) {
          await trx
            .insertInto("TeamAlertRoute")
            .values({ shop, owner: c.owner, secret: c.sealedSecret, hint: c.hint, updatedAt: at })
            .onConflict((oc) => oc.columns(["shop", "owner"]).doUpdateSet({ secret: c.sealedSecret, hint: c.hint, updatedAt: at }))
            .execute();
        }
      });
    },
  };
}

function toAlert(row: Selectable<DB["SlaAlert"]>): SlaAlertRecord {
  return {
    id: row.id,
    shop: row.shop,
    caseId: row.caseId,
    seq: row.seq,
    owner: row.owner as Owner,
    status: row.status as SlaAlertStatus,
    statusReason: row.statusReason,
    destination: row.destination,
    attempts: row.attempts,
    lastError: row.lastError,
    lockedUntil: row.lockedUntil,
    text: row.text,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
    updatedAt: row.updatedAt,
  };
}
