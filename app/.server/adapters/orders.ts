import type { Selectable } from "kysely";
import type { WaitingLine } from "~/domain/fulfillment-delay";
import { PERSONAL_DATA_FIELDS, type Destination, type OrderSnapshot } from "~/domain/order";
import { phoneKey, regionOnly } from "~/domain/redaction";
import type { OrderRepository, StoredOrder } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";
import { compiledOnce, firstRow } from "./db/prepared";
import type { DB } from "./db/schema.generated";

export function createOrderRepository({ db }: Database): OrderRepository {
  const orderById = compiledOnce(db, (p: { shop: string; orderId: string }) =>
    db.selectFrom("Order").selectAll().where("shop", "=", p.shop).where("orderId", "=", p.orderId),
  );
  // read for every shipment recomputed: two columns, none of the order's JSON to parse
  const headerById = compiledOnce(db, (p: { shop: string; orderId: string }) =>
    db.selectFrom("Order").select(["name", "cancelledAt"]).where("shop", "=", p.shop).where("orderId", "=", p.orderId),
  );
  return {
    async saveIfNewer(shop, o) {
      const values = {
        shop,
        orderId: o.orderId,
        name: o.name,
        email: o.email,
        phone: o.phone,
        customerId: o.customerId,
        customerName: o.customerName,
        customerTags: JSON.stringify(o.customerTags),
        orderTags: JSON.stringify(o.orderTags),
        totalPrice: o.totalPrice,
        currency: o.currency,
        shippingLines: JSON.stringify(o.shippingLines),
        destination: o.destination ? JSON.stringify(o.destination) : null,
        locale: o.locale,
        createdAt: o.createdAt,
        updatedAt: o.updatedAt,
        cancelledAt: o.cancelledAt,
        fulfillmentStatus: o.fulfillmentStatus,
        closedAt: o.closedAt,
        waitingLines: JSON.stringify(o.waitingLines),
        // every new snapshot is due for the fulfillment watch once: it may open, resolve or schedule the order's case
        handlingCheckAt: o.updatedAt,
      };
      const { shop: _shop, orderId: _orderId, createdAt: _createdAt, ...changes } = values;
      const result = await db
        .insertInto("Order")
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(["shop", "orderId"])
            .doUpdateSet(changes)
            // redacted orders stay redacted; older snapshots never overwrite newer ones
            .where("Order.updatedAt", "<=", o.updatedAt)
            .where("Order.redactedAt", "is", null),
        )
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) return true;
      // A redacted order keeps none of the customer, but still ships: its fulfillment state (no personal data)
      // follows newer snapshots, so a fulfillment_delayed case on it can still resolve itself.
      const shipping = await db
        .updateTable("Order")
        .set({
          updatedAt: o.updatedAt,
          cancelledAt: o.cancelledAt,
          fulfillmentStatus: o.fulfillmentStatus,
          closedAt: o.closedAt,
          waitingLines: values.waitingLines,
          handlingCheckAt: o.updatedAt,
        })
        .where("shop", "=", shop)
        .where("orderId", "=", o.orderId)
        .where("redactedAt", "is not", null)
        .where("updatedAt", "<", o.updatedAt)
        .executeTakeFirst();
      return Number(shipping.numUpdatedRows) > 0;
    },
    async findByName(shop, name) {
      const row = await db.selectFrom("Order").selectAll().where("shop", "=", shop).where("name", "=", name).executeTakeFirst();
      return row ? toOrder(row) : null;
    },
    async findById(shop, orderId) {
      const row = await firstRow(orderById({ shop, orderId }));
      return row ? toOrder(row) : null;
    },
    async headerOf(shop, orderId) {
      const row = await firstRow(headerById({ shop, orderId }));
      return row ? { name: row.name, cancelledAt: row.cancelledAt } : null;
    },
    async findByIds(shop, orderIds) {
      if (!orderIds.length) return [];
      const rows = await db.selectFrom("Order").selectAll().where("shop", "=", shop).where("orderId", "in", [...orderIds]).execute();
      return rows.map(toOrder);
    },
    async findForCustomer(shop, customer, orderIds) {
      // a phone number is stored as the shopper typed it: the database narrows on its last digits, the key decides
      const phone = phoneKey(customer.phone);
      const rows = await db
        .selectFrom("Order")
        .selectAll()
        .where("shop", "=", shop)
        .where((eb) => {
          const any = [];
          if (customer.id) any.push(eb("customerId", "=", customer.id));
          if (customer.email) any.push(eb(eb.fn("lower", ["email"]), "=", customer.email.trim().toLowerCase()));
          if (orderIds.length) any.push(eb("orderId", "in", orderIds));
          if (phone) any.push(eb("phone", "like", `%${phone.slice(-4)}`));
          // no condition at all matches nothing (kysely writes an empty or as 1 = 0; a bound false is no SQLite value)
          return eb.or(any);
        })
        .execute();
      const byPhoneOnly = (r: (typeof rows)[number]) =>
        !(customer.id && r.customerId === customer.id) &&
        !(customer.email && r.email?.trim().toLowerCase() === customer.email.trim().toLowerCase()) &&
        !orderIds.includes(r.orderId);
      return rows.filter((r) => !byPhoneOnly(r) || phoneKey(r.phone) === phone).map(toOrder);
    },
    async redact(shop, orderIds, at) {
      if (!orderIds.length) return 0;
      // the personal fields are the domain's list, so a field added there is redacted here too; the customer id
      // goes with them (the tombstone keeps its keyed hash)
      const cleared = (fields: readonly string[]) => Object.fromEntries(fields.map((f) => [f, null]));
      let redacted = 0;
      for (let i = 0; i < orderIds.length; i += 500) {
        const ids = orderIds.slice(i, i + 500);
        const result = await db
          .updateTable("Order")
          .set({ ...cleared(PERSONAL_DATA_FIELDS.Order), customerId: null, redactedAt: at })
          .where("shop", "=", shop)
          .where("orderId", "in", ids)
          .executeTakeFirst();
        redacted += Number(result.numUpdatedRows);
        // a parcel keeps the region it goes to (time zones, "destination is in" rules), nothing of the address
        const fulfillments = await db
          .selectFrom("Fulfillment")
          .select(["id", "destination"])
          .where("shop", "=", shop)
          .where("orderId", "in", ids)
          .where("destination", "is not", null)
          .execute();
        for (const f of fulfillments) {
          const region = regionOnly(readJson<Destination | null>(f.destination, null));
          await db
            .updateTable("Fulfillment")
            .set({ destination: region ? JSON.stringify(region) : null })
            .where("shop", "=", shop)
            .where("id", "=", f.id)
            .execute();
        }
      }
      return redacted;
    },
  };
}

function toOrder(row: Selectable<DB["Order"]>): StoredOrder {
  return {
    orderId: row.orderId,
    name: row.name,
    email: row.email,
    phone: row.phone,
    customerId: row.customerId,
    customerName: row.customerName,
    customerTags: readJson<string[]>(row.customerTags, []),
    orderTags: readJson<string[]>(row.orderTags, []),
    totalPrice: row.totalPrice,
    currency: row.currency,
    shippingLines: readJson<OrderSnapshot["shippingLines"]>(row.shippingLines, []),
    destination: readJson<OrderSnapshot["destination"]>(row.destination, null),
    locale: row.locale,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    cancelledAt: row.cancelledAt,
    redactedAt: row.redactedAt,
    fulfillmentStatus: row.fulfillmentStatus,
    closedAt: row.closedAt,
    waitingLines: readJson<WaitingLine[]>(row.waitingLines, []),
  };
}
