import type { Selectable } from "kysely";
import type { NewTicket, TicketRecord, TicketRepository } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import type { DB } from "./db/schema.generated";
import { countTicketIn } from "./scorecard";

const toTicket = (r: Selectable<DB["Ticket"]>): TicketRecord => ({
  id: r.id,
  source: r.source,
  ticketId: r.ticketId,
  customerEmail: r.customerEmail,
  subject: r.subject,
  body: r.body,
  wismo: r.wismo === 1,
  signals: readJson<string[]>(r.signals, []),
  orderId: r.orderId,
  orderName: r.orderName,
  shipmentIds: readJson<number[]>(r.shipmentIds, []),
  createdAt: Number(r.createdAt),
  receivedAt: Number(r.receivedAt),
});

export function createTicketRepository({ db }: Database): TicketRepository {
  return {
    async record(shop, t: NewTicket, day) {
      return db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto("Ticket")
          .values({
            shop,
            source: t.source,
            ticketId: t.ticketId,
            customerEmail: t.customerEmail,
            subject: t.subject,
            body: t.body,
            wismo: t.wismo ? 1 : 0,
            signals: JSON.stringify(t.signals),
            orderId: t.orderId,
            orderName: t.orderName,
            shipmentIds: JSON.stringify(t.shipmentIds),
            createdAt: t.createdAt,
            receivedAt: t.receivedAt,
          })
          .onConflict((oc) => oc.columns(["shop", "source", "ticketId"]).doNothing())
          .returning("id")
          .executeTakeFirst();
        if (inserted) {
          // counted with the row that proves it is the first: a repeat finds the row and counts nothing
          await countTicketIn(trx, shop, { at: t.receivedAt, day, wismo: t.wismo, shipmentIds: t.shipmentIds });
          return { created: true, ticket: { ...t, id: inserted.id, signals: [...t.signals], shipmentIds: [...t.shipmentIds] } };
        }
        const row = await trx.selectFrom("Ticket").selectAll().where("shop", "=", shop).where("source", "=", t.source).where("ticketId", "=", t.ticketId).executeTakeFirstOrThrow();
        return { created: false, ticket: toTicket(row) };
      });
    },
    async list(shop, query) {
      let q = db.selectFrom("Ticket").where("shop", "=", shop);
      if (query.wismo !== undefined) q = q.where("wismo", "=", query.wismo ? 1 : 0);
      const [rows, count] = await Promise.all([
        q.selectAll().orderBy("receivedAt", "desc").orderBy("id", "desc").limit(query.limit).offset(query.offset).execute(),
        q.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
      ]);
      return { tickets: rows.map(toTicket), total: Number(count.n) };
    },
    async forOrders(shop, orderIds) {
      if (!orderIds.length) return [];
      const rows = await db.selectFrom("Ticket").selectAll().where("shop", "=", shop).where("orderId", "in", [...orderIds]).orderBy("receivedAt", "desc").execute();
      return rows.map(toTicket);
    },
    async wismoSince(shop, customerEmail, since) {
      const rows = await db
        .selectFrom("Ticket")
        .selectAll()
        .where("shop", "=", shop)
        .where("customerEmail", "=", customerEmail.trim().toLowerCase())
        .where("wismo", "=", 1)
        .where("receivedAt", ">=", since)
        .orderBy("receivedAt", "desc")
        .execute();
      return rows.map(toTicket);
    },
    async forget(shop, customer) {
      const emails = customer.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);
      const result = await db
        .updateTable("Ticket")
        .set({ customerEmail: null, subject: "", body: "", signals: "[]" })
        .where("shop", "=", shop)
        .where((eb) => {
          const any = [];
          if (emails.length) any.push(eb("customerEmail", "in", emails));
          if (customer.orderIds.length) any.push(eb("orderId", "in", customer.orderIds));
          // no condition at all matches nothing (kysely writes an empty or as 1 = 0; a bound false is no SQLite value)
          return eb.or(any);
        })
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
