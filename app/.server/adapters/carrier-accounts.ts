import { sql, type Selectable } from "kysely";
import type { CarrierApi } from "~/domain/carrier-apis";
import { takeToken, type TokenBucket } from "~/domain/carrier-polling";
import type { CarrierAccountRecord, CarrierAccountRepository, CarrierAccountStatus, CarrierPollRecord, CarrierPollRepository, CarrierPollState } from "../ports";
import type { Database } from "./db/database";
import { compiledOnce } from "./db/prepared";
import { memoForTurn } from "./db/turn-memo";
import type { DB } from "./db/schema.generated";

function toAccount(row: Selectable<DB["CarrierAccount"]>): CarrierAccountRecord {
  return {
    id: row.id,
    shop: row.shop,
    carrier: row.carrier as CarrierApi,
    sealedCredentials: row.credentials,
    status: row.status as CarrierAccountStatus,
    lastError: row.lastError,
    polling: Number(row.polling) === 1,
    pausedUntil: row.pausedUntil === null ? null : Number(row.pausedUntil),
    lastPollAt: row.lastPollAt === null ? null : Number(row.lastPollAt),
    lastEventAt: row.lastEventAt === null ? null : Number(row.lastEventAt),
    pollCount: Number(row.pollCount),
    eventCount: Number(row.eventCount),
    failureCount: Number(row.failureCount),
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}

export function createCarrierAccountRepository({ db }: Database): CarrierAccountRepository {
  const get = async (shop: string, carrier: CarrierApi) => {
    const row = await db.selectFrom("CarrierAccount").selectAll().where("shop", "=", shop).where("carrier", "=", carrier).executeTakeFirst();
    return row ? toAccount(row) : null;
  };
  const update = (shop: string, carrier: CarrierApi) => db.updateTable("CarrierAccount").where("shop", "=", shop).where("carrier", "=", carrier);
  // read for every fulfillment the shop sends (does it poll the parcel's carrier itself?)
  const accountsOf = compiledOnce(db, (p: { shop: string }) => db.selectFrom("CarrierAccount").selectAll().where("shop", "=", p.shop).orderBy("carrier"));
  // and again by each delivery of the same turn of the event loop (db/turn-memo.ts); every write below forgets it
  const accounts = memoForTurn(async (shop) => (await accountsOf({ shop })).rows.map(toAccount));
  const written = accounts.forgetAfter;
  return {
    async save(shop, a, at) {
      const polling = a.polling ? 1 : 0;
      await written(
        shop,
        db
          .insertInto("CarrierAccount")
          .values({ id: a.id, shop, carrier: a.carrier, credentials: a.sealedCredentials, status: "connected", polling, createdAt: at, updatedAt: at })
          // new credentials: connected again, the old refusal and any pause forgotten
          // (and the call budget starts full, as for a new account: the new credentials may carry another quota)
          .onConflict((oc) =>
            oc.columns(["shop", "carrier"]).doUpdateSet({ credentials: a.sealedCredentials, status: "connected", lastError: null, pausedUntil: null, callBudget: null, callBudgetAt: null, polling, updatedAt: at }),
          )
          .execute(),
      );
      return (await get(shop, a.carrier))!;
    },
    async forShop(shop) {
      // copies: the memo's answer is shared by every caller of the turn
      return (await accounts.get(shop)).map((a) => ({ ...a }));
    },
    get,
    async setPolling(shop, carrier, polling, at) {
      await written(shop, update(shop, carrier).set({ polling: polling ? 1 : 0, updatedAt: at }).execute());
    },
    async markFailing(shop, carrier, error, at) {
      await written(shop, update(shop, carrier).set({ status: "failing", lastError: error.slice(0, 500), updatedAt: at }).execute());
    },
    async pause(shop, carrier, until, at) {
      await written(shop, update(shop, carrier).set({ pausedUntil: until, updatedAt: at }).execute());
    },
    async takeCall(shop, carrier, limit, now) {
      // read, take (the domain's bucket), write only if no other worker wrote in between; on a race, read again
      for (let attempt = 0; attempt < 20; attempt++) {
        const row = await db.selectFrom("CarrierAccount").select(["callBudget", "callBudgetAt"]).where("shop", "=", shop).where("carrier", "=", carrier).executeTakeFirst();
        if (!row) return { ok: false, retryAt: now + limit.intervalMs };
        const bucket: TokenBucket = row.callBudget === null || row.callBudgetAt === null ? { tokens: limit.capacity, at: now } : { tokens: row.callBudget, at: row.callBudgetAt };
        const taken = takeToken(bucket, limit, now);
        const taking = await written(
          shop,
          update(shop, carrier)
            .set({ callBudget: bucket.tokens, callBudgetAt: bucket.at })
            .where("callBudget", row.callBudget === null ? "is" : "=", row.callBudget)
            .where("callBudgetAt", row.callBudgetAt === null ? "is" : "=", row.callBudgetAt)
            .executeTakeFirst(),
        );
        if (Number(taking.numUpdatedRows) === 1) return taken;
      }
      // twenty workers in a row took it first: this one waits a call's interval
      return { ok: false, retryAt: now + limit.intervalMs };
    },
    async recordPoll(shop, carrier, result, at) {
      await written(
        shop,
        update(shop, carrier)
          .set((eb) => ({
            lastPollAt: at,
            pollCount: eb("pollCount", "+", 1),
            eventCount: eb("eventCount", "+", result.events),
            ...(result.events > 0 ? { lastEventAt: at } : {}),
            ...(result.ok ? {} : { failureCount: eb("failureCount", "+", 1), lastError: result.error?.slice(0, 500) ?? null }),
          }))
          .execute(),
      );
    },
    async remove(shop, carrier) {
      const result = await written(shop, db.deleteFrom("CarrierAccount").where("shop", "=", shop).where("carrier", "=", carrier).executeTakeFirst());
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toPoll(row: Selectable<DB["CarrierPoll"]>): CarrierPollRecord {
  return {
    id: Number(row.id),
    shop: row.shop,
    carrier: row.carrier as CarrierApi,
    trackingNumber: row.trackingNumber,
    state: row.state as CarrierPollState,
    nextPollAt: row.nextPollAt === null ? null : Number(row.nextPollAt),
    attempts: Number(row.attempts),
    lastPolledAt: row.lastPolledAt === null ? null : Number(row.lastPolledAt),
    lastError: row.lastError,
    stopReason: row.stopReason,
    startedAt: Number(row.startedAt),
  };
}

/**
 * The polling schedule. Due parcels are read from the index on nextPollAt (stopped and held parcels have none,
 * so they cost the claim nothing), and each is claimed by a compare-and-set on the nextPollAt it was read with.
 */
export function createCarrierPollRepository({ db }: Database): CarrierPollRepository {
  const ofAccount = (shop: string, carrier: CarrierApi) => db.updateTable("CarrierPoll").where("shop", "=", shop).where("carrier", "=", carrier);
  return {
    async schedule(shop, carrier, trackingNumbers, at) {
      let added = 0;
      for (const trackingNumber of new Set(trackingNumbers)) {
        const result = await db
          .insertInto("CarrierPoll")
          .values({ shop, carrier, trackingNumber, state: "active", nextPollAt: at, startedAt: at, updatedAt: at })
          .onConflict((oc) => oc.columns(["shop", "carrier", "trackingNumber"]).doNothing())
          .executeTakeFirst();
        added += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
      return added;
    },
    async claimDue(now, limit, leaseMs) {
      const due = await db.selectFrom("CarrierPoll").selectAll().where("nextPollAt", "<=", now).orderBy("nextPollAt").limit(limit).execute();
      const claimed: CarrierPollRecord[] = [];
      for (const row of due) {
        const marked = await db
          .updateTable("CarrierPoll")
          .set({ nextPollAt: now + leaseMs, updatedAt: now })
          .where("shop", "=", row.shop)
          .where("id", "=", row.id)
          .where("state", "=", "active")
          // the compare-and-set: another worker that claimed it first moved nextPollAt, and this update matches nothing
          .where("nextPollAt", "=", row.nextPollAt)
          .executeTakeFirst();
        if (Number(marked.numUpdatedRows) === 1) claimed.push(toPoll(row));
      }
      return claimed;
    },
    async reschedule(shop, id, change, at) {
      await db
        .updateTable("CarrierPoll")
        .set({ nextPollAt: change.nextPollAt, attempts: change.attempts, lastError: change.lastError?.slice(0, 500) ?? null, lastPolledAt: at, updatedAt: at })
        .where("shop", "=", shop)
        .where("id", "=", id)
        .where("state", "=", "active")
        .execute();
    },
    async stop(shop, id, reason, at) {
      await db.updateTable("CarrierPoll").set({ state: "done", nextPollAt: null, stopReason: reason, lastPolledAt: at, updatedAt: at }).where("shop", "=", shop).where("id", "=", id).execute();
    },
    async holdAccount(shop, carrier, at) {
      const result = await ofAccount(shop, carrier).set({ state: "held", nextPollAt: null, updatedAt: at }).where("state", "=", "active").executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async releaseAccount(shop, carrier, at) {
      const result = await ofAccount(shop, carrier).set({ state: "active", nextPollAt: at, attempts: 0, updatedAt: at }).where("state", "=", "held").executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async deferAccount(shop, carrier, until, at) {
      const result = await ofAccount(shop, carrier).set({ nextPollAt: until, updatedAt: at }).where("state", "=", "active").where("nextPollAt", "<", until).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async counts(shop, carrier) {
      const rows = await db
        .selectFrom("CarrierPoll")
        .select(["state", sql<number>`count(*)`.as("n")])
        .where("shop", "=", shop)
        .where("carrier", "=", carrier)
        .groupBy("state")
        .execute();
      const n = (state: CarrierPollState) => Number(rows.find((r) => r.state === state)?.n ?? 0);
      return { active: n("active"), held: n("held"), done: n("done") };
    },
    async liveTrackingNumbers(shop, carrierCode, since, limit) {
      const rows = await db
        .selectFrom("Shipment")
        .select("trackingNumber")
        .where("shop", "=", shop)
        .where("carrierCode", "=", carrierCode)
        .where("trackingNumber", "is not", null)
        .where("supersededAt", "is", null)
        .where("cancelledAt", "is", null)
        .where("status", "not in", ["delivered", "returned_to_sender"])
        .where("shippedAt", ">=", since)
        .limit(limit)
        .execute();
      return rows.map((r) => r.trackingNumber!).filter(Boolean);
    },
  };
}
