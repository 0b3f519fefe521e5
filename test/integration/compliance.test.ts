import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShopRepository } from "~/.server/adapters/shops";
import { fulfillmentPayload, newId, orderPayload, upsJourney } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

describe("app/uninstalled and the compliance topics", () => {
  let app: TestApp;
  const maya = { id: 7_100_000_001, email: "maya.chen@example.com", phone: "+16135550123" };
  const mayaOrder = orderPayload({ id: newId(), name: "#3001", email: maya.email });
  const otherOrder = orderPayload({
    id: newId(),
    name: "#3002",
    email: "li.wei@example.com",
    customer: { id: 7_100_000_002, email: "li.wei@example.com", first_name: "Li", last_name: "Wei", tags: "" },
    shipping_address: { first_name: "Li", last_name: "Wei", address1: "88 Queen St W", city: "Toronto", province_code: "ON", country_code: "CA", zip: "M5H 2N2" },
  });
  const mayaFulfillment = fulfillmentPayload(mayaOrder.id, { name: "#3001.1" });
  // the same customer id exists in shop B: its data must survive A's redaction
  const mayaInB = orderPayload({ id: newId(), name: "#3001", email: maya.email });

  beforeAll(async () => {
    app = await startTestApp();
    await app.sendWebhook("orders/create", mayaOrder);
    await app.sendWebhook("orders/create", otherOrder);
    await app.sendWebhook("fulfillments/create", mayaFulfillment);
    for (const e of upsJourney(mayaFulfillment.id, mayaOrder.id)) await app.sendWebhook("fulfillment_events/create", e);
    await app.sendWebhook("orders/create", mayaInB, { shop: SHOP_B });
    await app.settle();
    // helpdesk tickets from both customers: hers are personal data too
    const tickets = app.container.services.tickets;
    await tickets.receive(SHOP_A, { id: "t-maya", source: "zendesk", customerEmail: maya.email, subject: "Order #3001", body: "Hi, I'm Maya at 120 Elgin St, where is my parcel?", createdAt: app.clock.now() });
    await tickets.receive(SHOP_A, { id: "t-li", source: "zendesk", customerEmail: "li.wei@example.com", subject: "Order #3002", body: "Where is my order?", createdAt: app.clock.now() });
  });
  afterAll(async () => app?.close());

  it("customers/data_request records an export of what we hold for that customer, and only that customer", async () => {
    const res = await app.sendWebhook("customers/data_request", {
      shop_id: 1,
      shop_domain: SHOP_A,
      orders_requested: [mayaOrder.id],
      customer: maya,
      data_request: { id: 9001 },
    });
    expect(res.status).toBe(200);
    await app.settle();
    const exports = await app.db.selectFrom("DataRequestExport").selectAll().where("shop", "=", SHOP_A).execute();
    expect(exports).toHaveLength(1);
    const exported = JSON.parse(exports[0]!.export);
    expect(exports[0]).toMatchObject({ requestId: "9001", customerId: String(maya.id), email: maya.email });
    expect(exported.orders.map((o: { order: { name: string } }) => o.order.name)).toEqual(["#3001"]);
    expect(exported.orders[0].shipments[0]).toMatchObject({ trackingNumber: "1Z999AA10123456784", status: "delivered" });
  });

  it("customers/redact removes the customer's personal data everywhere, raw webhook bodies included; other customers and shops keep theirs", async () => {
    const res = await app.sendWebhook("customers/redact", {
      shop_id: 1,
      shop_domain: SHOP_A,
      customer: maya,
      orders_to_redact: [mayaOrder.id],
    });
    expect(res.status).toBe(200);
    await app.settle();
    const order = await app.db.selectFrom("Order").selectAll().where("shop", "=", SHOP_A).where("orderId", "=", String(mayaOrder.id)).executeTakeFirstOrThrow();
    expect(order).toMatchObject({ email: null, phone: null, customerName: null, destination: null });
    expect(order.redactedAt).not.toBeNull();
    // the parcel keeps its region (the shipment's time zone and "destination is in" rules), nothing of the address
    const fulfillment = await app.db.selectFrom("Fulfillment").select("destination").where("shop", "=", SHOP_A).executeTakeFirstOrThrow();
    expect(JSON.parse(fulfillment.destination!)).toEqual({ name: null, address1: null, city: null, zip: null, phone: null, province: "Ontario", provinceCode: "ON", country: "Canada", countryCode: "CA" });
    expect(order.customerId).toBeNull();
    // no stored byte in shop A still carries her address, email or phone
    const bodies = await app.db.selectFrom("WebhookDelivery").select(["body", "topic"]).where("shop", "=", SHOP_A).execute();
    // the compliance requests themselves name her too: once carried out, they are scrubbed as well
    expect(bodies.map((b) => b.topic)).toContain("customers/redact");
    for (const { body } of bodies) {
      expect(body).not.toContain(maya.email);
      expect(body).not.toContain("120 Elgin St");
    }
    // her ticket keeps its count and loses its words; his keeps everything
    const tickets = await app.db.selectFrom("Ticket").selectAll().where("shop", "=", SHOP_A).orderBy("ticketId").execute();
    expect(tickets.map((t) => [t.ticketId, t.customerEmail, t.subject, t.body])).toEqual([
      ["t-li", "li.wei@example.com", "Order #3002", "Where is my order?"],
      ["t-maya", null, "", ""],
    ]);
    // the shipment's tracking truth stays: it is not personal
    expect(await app.db.selectFrom("Shipment").select("status").where("shop", "=", SHOP_A).execute()).toEqual([{ status: "delivered" }]);
    const other = await app.db.selectFrom("Order").selectAll().where("name", "=", "#3002").executeTakeFirstOrThrow();
    expect(other.email).toBe("li.wei@example.com");
    expect(bodies.some((b) => b.body.includes("88 Queen St W"))).toBe(true);
    const inB = await app.db.selectFrom("Order").selectAll().where("shop", "=", SHOP_B).executeTakeFirstOrThrow();
    expect(inB.email).toBe(maya.email);
  });

  it("a late orders/updated does not bring a redacted customer's data back", async () => {
    await app.sendWebhook("orders/updated", { ...mayaOrder, updated_at: "2026-11-20T10:00:00-05:00" });
    await app.settle();
    const order = await app.db.selectFrom("Order").selectAll().where("shop", "=", SHOP_A).where("orderId", "=", String(mayaOrder.id)).executeTakeFirstOrThrow();
    expect(order.email).toBeNull();
  });

  it("a customers/redact that names the customer by phone alone (no id, no email) is carried out, not left to retry", async () => {
    const sam = { phone: "+1 613 555 0177" };
    const samOrder = orderPayload({ id: newId(), name: "#3003", email: null, phone: sam.phone, customer: null });
    await app.sendWebhook("orders/create", samOrder);
    await app.settle();
    const res = await app.sendWebhook("customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer: sam, orders_to_redact: [samOrder.id] });
    expect(res.status).toBe(200);
    await app.settle();
    const delivery = await app.db.selectFrom("WebhookDelivery").select(["status", "error"]).where("shop", "=", SHOP_A).where("topic", "=", "customers/redact").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(delivery).toEqual({ status: "processed", error: null });
    const order = await app.db.selectFrom("Order").selectAll().where("shop", "=", SHOP_A).where("orderId", "=", String(samOrder.id)).executeTakeFirstOrThrow();
    expect(order.phone).toBeNull();
  });

  it("app/uninstalled removes the shop's sessions and stops its work; later deliveries are ignored", async () => {
    expect(await app.db.selectFrom("Session").select("id").where("shop", "=", SHOP_A).execute()).toHaveLength(1);
    await app.sendWebhook("app/uninstalled", { id: 1, name: "Alpha Goods", domain: SHOP_A });
    await app.settle();
    expect(await app.db.selectFrom("Session").select("id").where("shop", "=", SHOP_A).execute()).toHaveLength(0);
    expect(await app.db.selectFrom("Session").select("id").where("shop", "=", SHOP_B).execute()).toHaveLength(1);
    expect(await app.db.selectFrom("Job").select("id").where("shop", "=", SHOP_A).where("status", "=", "queued").execute()).toHaveLength(0);
    await app.sendWebhook("orders/create", orderPayload({ name: "#3003" }), { webhookId: "after-uninstall" });
    await app.settle();
    const late = await app.db.selectFrom("WebhookDelivery").select("status").where("webhookId", "=", "after-uninstall").executeTakeFirstOrThrow();
    expect(late.status).toBe("ignored");
  });

  it("shop/redact deletes every row the shop owns, in every table, and nothing of the other shop", async () => {
    const res = await app.sendWebhook("shop/redact", { shop_id: 1, shop_domain: SHOP_A });
    expect(res.status).toBe(200);
    await app.settle();
    for (const table of ["WebhookDelivery", "Job", "Order", "Fulfillment", "Shipment", "ShipmentEvent", "UnmappedStatusCode", "DataRequestExport", "Ticket", "Session", "Shop"] as const) {
      const rows = await app.db.selectFrom(table).select("shop").where("shop", "=", SHOP_A).execute();
      expect(rows, table).toHaveLength(0);
    }
    expect(await app.db.selectFrom("Order").select("name").where("shop", "=", SHOP_B).execute()).toEqual([{ name: "#3001" }]);
  });

  it("shop/redact knows every table that has a shop column (a new table cannot be forgotten)", async () => {
    const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(app.db);
    const withShop: string[] = [];
    for (const { name } of tables.rows.filter((t) => !t.name.startsWith("sqlite_") && !t.name.startsWith("_"))) {
      const columns = await sql<{ name: string }>`SELECT name FROM pragma_table_info(${name})`.execute(app.db);
      if (columns.rows.some((c) => c.name === "shop")) withShop.push(name);
    }
    expect(withShop.length).toBeGreaterThan(30);
    const purged = await createShopRepository(app.container.database).purge("nobody-at-all.myshopify.com");
    expect(withShop.filter((t) => !(t in purged))).toEqual([]);
  });
});
