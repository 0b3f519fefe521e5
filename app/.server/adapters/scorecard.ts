import { sql, type Kysely, type Transaction } from "kysely";
import { hoursBucket, keyPart, METRIC, type RollUpIncrement, type RollUpRow } from "~/domain/scorecard";
import { SCORECARD_BITS, type ScorecardStore, type ShipmentRollUp } from "../ports";
import type { Database } from "./db/database";
import type { DB } from "./db/schema.generated";

/** Rows per INSERT: 7 parameters a row stays far below either database's limit. */
const CHUNK = 400;

/**
 * Adds increments to a shop's ScorecardDay rows inside the caller's transaction: counters only add
 * (`count = count + ?`), so workers counting at once add up. Increments of one (day, metric, key) are merged
 * first (PostgreSQL refuses to touch a row twice in one statement).
 */
export async function addRollUps(db: Kysely<DB> | Transaction<DB>, shop: string, increments: readonly RollUpIncrement[]): Promise<void> {
  if (!increments.length) return;
  const merged = new Map<string, { shop: string; day: string; metric: string; key: string; count: number; total: number }>();
  for (const i of increments) {
    const id = `${i.day}\u0000${i.metric}\u0000${i.key}`;
    const row = merged.get(id);
    if (row) {
      row.count += i.count;
      row.total += i.total;
    } else merged.set(id, { shop, day: i.day, metric: i.metric, key: i.key, count: i.count, total: i.total });
  }
  // in key order: transactions that add to the same days lock their rows in one order, so never each other
  const rows = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto("ScorecardDay")
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.columns(["shop", "day", "metric", "key"]).doUpdateSet({
          count: sql<number>`"ScorecardDay"."count" + excluded."count"`,
          total: sql<number>`"ScorecardDay"."total" + excluded."total"`,
        }),
      )
      .execute();
  }
}

const toRow = (r: { day?: string; metric: string; key: string; count: unknown; total: unknown }): RollUpRow => ({ ...r, count: Number(r.count), total: Number(r.total) });

export function createScorecardStore({ db }: Database): ScorecardStore {
  return {
    async sums(shop, range, metrics) {
      let query = db
        .selectFrom("ScorecardDay")
        .select(["metric", "key", sql<number>`sum("count")`.as("count"), sql<number>`sum("total")`.as("total")])
        .where("shop", "=", shop)
        .where("day", ">=", range.from)
        .where("day", "<=", range.to);
      if (metrics) query = query.where("metric", "in", [...metrics]);
      const rows = await query.groupBy(["metric", "key"]).execute();
      return rows.map(toRow);
    },
    async daily(shop, range, metrics) {
      if (!metrics.length) return [];
      const rows = await db
        .selectFrom("ScorecardDay")
        .select(["day", "metric", "key", sql<number>`sum("count")`.as("count"), sql<number>`sum("total")`.as("total")])
        .where("shop", "=", shop)
        .where("day", ">=", range.from)
        .where("day", "<=", range.to)
        .where("metric", "in", [...metrics])
        .groupBy(["day", "metric", "key"])
        .execute();
      return rows.map(toRow);
    },
    async countShipments(shop, rollUps) {
      if (!rollUps.length) return 0;
      // shipments making the same move (say in transit → out for delivery) share one UPDATE; RETURNING says
      // which of them still had the bits the move starts from
      const moves = new Map<string, ShipmentRollUp[]>();
      for (const r of rollUps) {
        const move = `${r.from}>${r.to}`;
        moves.set(move, [...(moves.get(move) ?? []), r]);
      }
      return db.transaction().execute(async (trx) => {
        const counted: RollUpIncrement[] = [];
        let n = 0;
        for (const group of moves.values()) {
          const { from, to } = group[0]!;
          const byId = new Map(group.map((r) => [r.shipmentId, r]));
          for (let i = 0; i < group.length; i += CHUNK) {
            // compare-and-set on the scorecard's bits only: the transit model's bit is left as it is
            const moved = await trx
              .updateTable("Shipment")
              .set({ rolledUp: sql<number>`"rolledUp" + ${to - from}` })
              .where("shop", "=", shop)
              .where("id", "in", group.slice(i, i + CHUNK).map((r) => r.shipmentId))
              .where(sql<boolean>`("rolledUp" & ${SCORECARD_BITS}) = ${from}`)
              .returning("id")
              .execute();
            for (const { id } of moved) {
              n++;
              counted.push(...byId.get(id)!.increments);
            }
          }
        }
        await addRollUps(trx, shop, counted);
        return n;
      });
    },
    async countTicket(shop, ticket) {
      await db.transaction().execute((trx) => countTicketIn(trx, shop, ticket));
    },
    async addIncrements(shop, increments) {
      await db.transaction().execute((trx) => addRollUps(trx, shop, increments));
    },
  };
}

/** A helpdesk ticket on its day, inside the caller's transaction; a WISMO ticket is an ask about each shipment it names. */
export async function countTicketIn(trx: Transaction<DB>, shop: string, ticket: { at: number; day: string; wismo: boolean; shipmentIds: readonly number[] }) {
  const increments: RollUpIncrement[] = [{ day: ticket.day, metric: METRIC.ticket, key: ticket.wismo ? "wismo" : "other", count: 1, total: 0 }];
  if (ticket.wismo) for (const id of ticket.shipmentIds) increments.push(...(await markAsked(trx, shop, id, ticket.at, ticket.day)));
  await addRollUps(trx, shop, increments);
}

/**
 * The first ask about a shipment (a lookup or a WISMO ticket): sets `firstAskedAt` only if it was unset, and
 * only then counts the shipment as asked, and, when it already had a case, as "case before ask".
 */
export async function markAsked(trx: Transaction<DB>, shop: string, shipmentId: number, at: number, day: string): Promise<RollUpIncrement[]> {
  const row = await trx
    .updateTable("Shipment")
    .set({ firstAskedAt: at })
    .where("shop", "=", shop)
    .where("id", "=", shipmentId)
    .where("firstAskedAt", "is", null)
    .returning(["firstCaseAt"])
    .executeTakeFirst();
  if (!row) return [];
  const increments: RollUpIncrement[] = [{ day, metric: METRIC.asked, key: "", count: 1, total: 0 }];
  if (row.firstCaseAt !== null) increments.push({ day, metric: METRIC.caseBeforeAsk, key: "both", count: 1, total: 0 }, { day, metric: METRIC.caseBeforeAsk, key: "case_first", count: 1, total: 0 });
  return increments;
}

/** A case resolved (sign 1) or a resolution taken back by a reopening (sign -1), on the day it was resolved. */
export function resolutionIncrements(day: string, type: string, openedAt: number, resolvedAt: number, sign: 1 | -1): RollUpIncrement[] {
  const hours = Math.max(0, (resolvedAt - openedAt) / 3_600_000);
  return [
    { day, metric: METRIC.caseResolved, key: keyPart(type), count: sign, total: sign * hours },
    { day, metric: METRIC.hoursToResolve, key: String(hoursBucket(hours)), count: sign, total: sign * hours },
  ];
}

/**
 * A case opened: by type and owner, and the hours from the problem showing (`problemSince`) to the owned case.
 */
export function openingIncrements(day: string, c: { type: string; owner: string; openedAt: number }, problemSince: number): RollUpIncrement[] {
  const hours = Math.max(0, (c.openedAt - problemSince) / 3_600_000);
  return [
    { day, metric: METRIC.caseOpened, key: `${keyPart(c.type)}|${keyPart(c.owner)}`, count: 1, total: 0 },
    { day, metric: METRIC.hoursToOwner, key: String(hoursBucket(hours)), count: 1, total: hours },
  ];
}
