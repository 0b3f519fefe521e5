import type { Selectable } from "kysely";
import { NOTIFICATION_STATUSES, type Channel } from "~/domain/notifications";
import type { NotificationRecord, NotificationRepository, NotificationStatus, ShopDays } from "../ports";
import type { Database } from "./db/database";
import { addRollUps } from "./scorecard";
import { keyPart, METRIC } from "~/domain/scorecard";
import type { Notification } from "./db/schema.generated";


/** thrown inside handOver's transaction to roll it back */
class LeaseLost extends Error {}

export function toNotification(row: Selectable<Notification>): NotificationRecord {
  return { ...row, channel: row.channel as Channel, status: row.status as NotificationStatus };
}

/**
 * The outbox. Its unique (shop, sendKey) index is the send authority: a moment is planned once per shipment
 * and channel however often evaluation repeats, and every state change is a conditional update, so two
 * workers, a retry and a replay cannot both send one message. `days`: the shop's day of an instant, to count
 * messages sent in the scorecard's roll-ups.
 */
export function createNotificationRepository({ db }: Database, options: { days?: ShopDays } = {}): NotificationRepository {
  return {
    async insertNew(rows) {
      if (!rows.length) return [];
      const inserted: NotificationRecord[] = [];
      // chunks keep each statement under SQLite's bound-variable limit
      for (let i = 0; i < rows.length; i += 200) {
        const chunk = rows.slice(i, i + 200).map((r) => ({ ...r, status: r.status ?? "pending", updatedAt: r.createdAt }));
        const out = await db
          .insertInto("Notification")
          .values(chunk)
          .onConflict((oc) => oc.columns(["shop", "sendKey"]).doNothing())
          .returningAll()
          .execute();
        inserted.push(...out.map(toNotification));
      }
      return inserted;
    },
    async knownKeys(shop, shipmentIds) {
      const keys = new Set<string>();
      for (let i = 0; i < shipmentIds.length; i += 500) {
        const rows = await db.selectFrom("Notification").select("sendKey").where("shop", "=", shop).where("shipmentId", "in", shipmentIds.slice(i, i + 500)).execute();
        for (const r of rows) keys.add(r.sendKey);
      }
      return keys;
    },
    async get(shop, id) {
      const row = await db.selectFrom("Notification").selectAll().where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      return row ? toNotification(row) : null;
    },
    async claim(shop, id, now, leaseMs) {
      const row = await db
        .updateTable("Notification")
        .set((eb) => ({ status: "sending", lockedUntil: now + leaseMs, attempts: eb("attempts", "+", 1), updatedAt: now }))
        .where("shop", "=", shop)
        .where("id", "=", id)
        .where("sendAt", "<=", now)
        .where((eb) =>
          eb.or([
            eb("status", "in", ["pending", "held"]),
            eb.and([eb("status", "=", "sending"), eb("lockedUntil", "<", now)]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      return row ? toNotification(row) : null;
    },
    async earlierSibling(row, until) {
      const found = await db
        .selectFrom("Notification")
        .select("id")
        .where("shop", "=", row.shop)
        .where("orderId", "=", row.orderId)
        .where("moment", "=", row.moment)
        .where("channel", "=", row.channel)
        .where("status", "in", ["pending", "sending"])
        .where("id", "<", row.id)
        .where("sendAt", "<=", until)
        .orderBy("id")
        .executeTakeFirst();
      return found?.id ?? null;
    },
    async claimSiblings(lead, until, now, leaseMs) {
      const rows = await db
        .updateTable("Notification")
        .set({ status: "sending", lockedUntil: now + leaseMs, updatedAt: now })
        .where("shop", "=", lead.shop)
        .where("orderId", "=", lead.orderId)
        .where("moment", "=", lead.moment)
        .where("channel", "=", lead.channel)
        .where((eb) =>
          eb.or([
            eb("status", "=", "pending"),
            // carried by this lead in an attempt cut off in flight: they go (or went) with it again
            eb.and([eb("status", "=", "sending"), eb("combinedInto", "=", lead.id), eb("lockedUntil", "<", now)]),
          ]),
        )
        .where("id", "!=", lead.id)
        .where("sendAt", "<=", until)
        .returningAll()
        .execute();
      return rows.map(toNotification).sort((a, b) => a.id - b.id);
    },
    async handOver(shop, leadId, carriedIds, change) {
      const content = { subject: change.subject, preview: change.preview, html: change.html };
      try {
        return await db.transaction().execute(async (trx) => {
          // each row only while it is still held under this worker's lease
          const lead = await trx
            .updateTable("Notification")
            .set({ statusReason: change.reason, lockedUntil: change.lockedUntil, combinedInto: null, updatedAt: change.at, ...content })
            .where("shop", "=", shop)
            .where("id", "=", leadId)
            .where("status", "=", "sending")
            .where("lockedUntil", "=", change.fence)
            .executeTakeFirst();
          let taken = Number(lead.numUpdatedRows);
          if (carriedIds.length) {
            const carried = await trx
              .updateTable("Notification")
              .set({ statusReason: `${change.reason}, with message #${leadId}`, lockedUntil: change.lockedUntil, combinedInto: leadId, updatedAt: change.at })
              .where("shop", "=", shop)
              .where("id", "in", carriedIds)
              .where("status", "=", "sending")
              .where("lockedUntil", "=", change.fence)
              .executeTakeFirst();
            taken += Number(carried.numUpdatedRows);
          }
          // another worker took one of them: nothing is written (the transaction rolls back), nothing may be sent
          if (taken !== 1 + carriedIds.length) throw new LeaseLost();
          return true;
        });
      } catch (error) {
        if (error instanceof LeaseLost) return false;
        throw error;
      }
    },
    async markSent(shop, ids, sent) {
      if (!ids.length) return;
      const [lead, ...rest] = ids;
      const dayOf = options.days ? await options.days(shop) : null;
      await db.transaction().execute(async (trx) => {
        // counted once: only the call that moves the message to "sent" counts it (by moment and channel, on its day)
        const first = await trx.updateTable("Notification").set({ status: "sent" }).where("shop", "=", shop).where("id", "=", lead!).where("status", "!=", "sent").returning(["moment", "channel"]).executeTakeFirst();
        if (first && dayOf) await addRollUps(trx, shop, [{ day: dayOf(sent.at), metric: METRIC.messageSent, key: `${keyPart(first.moment)}|${keyPart(first.channel)}`, count: 1, total: 0 }]);
        await trx
          .updateTable("Notification")
          .set({
            status: "sent",
            sentAt: sent.at,
            providerId: sent.providerId,
            subject: sent.subject,
            preview: sent.preview,
            html: sent.html,
            lastError: sent.note ?? null,
            lockedUntil: null,
            statusReason: sent.reason ?? null,
            combinedInto: null,
            updatedAt: sent.at,
          })
          .where("shop", "=", shop)
          .where("id", "=", lead!)
          .execute();
        if (rest.length) {
          await trx
            .updateTable("Notification")
            .set({ status: "combined", combinedInto: lead!, statusReason: `Sent together with message #${lead}`, sentAt: sent.at, providerId: sent.providerId, lockedUntil: null, updatedAt: sent.at })
            .where("shop", "=", shop)
            .where("id", "in", rest)
            .execute();
        }
      });
    },
    async markCombined(shop, lead, at) {
      await db
        .updateTable("Notification")
        .set({ status: "combined", statusReason: `Sent together with message #${lead.id}`, sentAt: lead.sentAt, providerId: lead.providerId, lockedUntil: null, updatedAt: at })
        .where("shop", "=", shop)
        .where("combinedInto", "=", lead.id)
        .where("status", "=", "sending")
        .execute();
    },
    async reschedule(shop, id, change) {
      await db
        .updateTable("Notification")
        .set((eb) => ({
          status: change.status,
          sendAt: change.sendAt,
          statusReason: change.reason,
          lockedUntil: null,
          // no longer travelling with a lead
          combinedInto: null,
          updatedAt: change.at,
          ...(change.error !== undefined ? { lastError: change.error } : {}),
          ...(change.notAnAttempt ? { attempts: eb("attempts", "-", 1) } : {}),
        }))
        .where("shop", "=", shop)
        .where("id", "=", id)
        .where("status", "in", ["sending", "pending", "held"])
        .execute();
    },
    async finish(shop, id, change) {
      await db
        .updateTable("Notification")
        .set({
          status: change.status,
          statusReason: change.reason,
          lockedUntil: null,
          combinedInto: null,
          updatedAt: change.at,
          ...(change.error !== undefined ? { lastError: change.error } : {}),
          ...(change.preview !== undefined ? { preview: change.preview } : {}),
          ...(change.subject !== undefined ? { subject: change.subject } : {}),
        })
        .where("shop", "=", shop)
        .where("id", "=", id)
        .where("status", "in", ["sending", "pending", "held"])
        .execute();
    },
    async sentForShipment(shop, shipmentId, channels) {
      if (!channels.length) return [];
      const rows = await db
        .selectFrom("Notification")
        .select(["moment", "sentAt"])
        .where("shop", "=", shop)
        .where("shipmentId", "=", shipmentId)
        .where("channel", "in", channels)
        .where("sentAt", "is not", null)
        .execute();
      return rows.map((r) => ({ moment: r.moment, at: r.sentAt! }));
    },
    async sentForShipments(shop, shipmentIds) {
      if (!shipmentIds.length) return [];
      const rows = await db
        .selectFrom("Notification")
        .select(["shipmentId", "moment", "channel", "sentAt"])
        .where("shop", "=", shop)
        .where("shipmentId", "in", [...shipmentIds])
        .where("sentAt", "is not", null)
        .orderBy("sentAt")
        .execute();
      return rows.map((r) => ({ shipmentId: r.shipmentId, moment: r.moment, channel: r.channel as Channel, at: r.sentAt! }));
    },
    async list(shop, filter, page) {
      let q = db.selectFrom("Notification").where("shop", "=", shop);
      if (filter.status) q = q.where("status", "=", filter.status);
      if (filter.channel) q = q.where("channel", "=", filter.channel);
      if (filter.moment) q = ["rule", "alert", "tag"].includes(filter.moment) ? q.where("moment", "like", `${filter.moment}:%`) : q.where("moment", "=", filter.moment);
      if (filter.shipmentId) q = q.where("shipmentId", "=", filter.shipmentId);
      if (filter.q) {
        const name = filter.q.trim().replace(/^#?/, "#");
        q = q.where((eb) => eb.or([eb("orderName", "=", name), eb("orderName", "=", filter.q!.trim())]));
      }
      const [rows, total] = await Promise.all([
        q.selectAll().orderBy("id", "desc").limit(page.limit).offset(page.offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
      ]);
      return { rows: rows.map(toNotification), total: Number(total.n) };
    },
    async countByStatus(shop) {
      const rows = await db.selectFrom("Notification").select(["status", (eb) => eb.fn.countAll<number>().as("n")]).where("shop", "=", shop).groupBy("status").execute();
      const counts = Object.fromEntries(NOTIFICATION_STATUSES.map((s) => [s, 0])) as Record<NotificationStatus, number>;
      for (const r of rows) counts[r.status as NotificationStatus] = Number(r.n);
      return counts;
    },
    async countWithReason(shop, reason) {
      const row = await db.selectFrom("Notification").select((eb) => eb.fn.countAll<number>().as("n")).where("shop", "=", shop).where("statusReason", "=", reason).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async reopenFailed(shop, ids, now) {
      let q = db
        .updateTable("Notification")
        .set({ status: "pending", attempts: 0, sendAt: now, lockedUntil: null, statusReason: "Replayed", updatedAt: now })
        .where("shop", "=", shop)
        .where("status", "=", "failed");
      if (ids) {
        if (!ids.length) return [];
        q = q.where("id", "in", ids);
      }
      return (await q.returningAll().execute()).map(toNotification);
    },
    async stranded(now, dueBefore, limit) {
      return db
        .selectFrom("Notification")
        .select(["shop", "id"])
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "in", ["pending", "held"]), eb("sendAt", "<=", dueBefore)]),
            eb.and([eb("status", "=", "sending"), eb("lockedUntil", "<", now)]),
          ]),
        )
        .limit(limit)
        .execute();
    },
    async redactOrders(shop, orderIds) {
      if (!orderIds.length) return 0;
      const result = await db
        .updateTable("Notification")
        // provider errors can quote the address or number they refused
        .set({ recipient: null, preview: "[redacted]", subject: null, html: null, lastError: null })
        .where("shop", "=", shop)
        .where("orderId", "in", orderIds)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async deleteShop(shop) {
      await db.deleteFrom("Notification").where("shop", "=", shop).execute();
    },
  };
}
