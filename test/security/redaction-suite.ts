import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload, upsJourney } from "../fixtures/shopify";
import { personalDataIn, placesOf, scanForPersonalData, type PersonalData } from "../support/privacy-scan";
import { SHOP_A, SHOP_B, type TestApp } from "../support/test-app";

/**
 * Issue 13, item 1, and the privacy scan: after customers/redact no personal field of that customer is left
 * anywhere in the shop's data (every text column of every table, found from the schema itself), and later
 * deliveries about the customer do not bring any of it back. Run on SQLite (redaction.test.ts) and on
 * PostgreSQL (redaction.postgres.test.ts).
 */

const maya: PersonalData = {
  email: "maya.chen@example.com",
  phone: "+16135550123",
  firstName: "Maya",
  lastName: "Chen",
  street: "120 Elgin St",
  customerId: "7100000001",
};
const customer = { id: Number(maya.customerId), email: maya.email, phone: maya.phone };
/** what her parcels keep of the address: the region, which the shipment's time zone and rules read */
const mayaRegion = { name: null, address1: null, city: null, zip: null, phone: null, province: "Ontario", provinceCode: "ON", country: "Canada", countryCode: "CA" };
const mayaDestination = { first_name: "Maya", last_name: "Chen", address1: maya.street, city: "Ottawa", zip: "K1P 5K9", province: "Ontario", province_code: "ON", country: "Canada", country_code: "CA", phone: maya.phone };

// her orders: one named in the request, one found by her customer id (its email typed differently)
const listedOrder = orderPayload({ id: newId(), name: "#3001" });
const unlistedOrder = orderPayload({ id: newId(), name: "#3002", email: "Maya.Chen@Example.com" });
const parcel = fulfillmentPayload(listedOrder.id, { name: "#3001.1" });
// another customer of the same shop keeps her data
const li = { email: "li.wei@example.com", street: "88 Queen St W" };
const liOrder = orderPayload({
  id: newId(),
  name: "#3003",
  email: li.email,
  customer: { id: 7_100_000_002, email: li.email, first_name: "Li", last_name: "Wei", tags: "" },
  shipping_address: { first_name: "Li", last_name: "Wei", address1: li.street, city: "Toronto", province_code: "ON", country_code: "CA", zip: "M5H 2N2" },
});

/** the same person is a customer of shop B too: B's copy is not A's to erase */
const mayaInB = orderPayload({ id: newId(), name: "#3001" });

async function seedEverywhere(app: TestApp) {
  const send = async (topic: string, payload: unknown, opts: Parameters<TestApp["sendWebhook"]>[2] = {}) =>
    expect((await app.sendWebhook(topic, payload, opts)).status).toBe(200);
  for (const order of [listedOrder, unlistedOrder, liOrder]) await send("orders/create", order);
  await send("fulfillments/create", parcel);
  for (const e of upsJourney(parcel.id, listedOrder.id)) await send("fulfillment_events/create", e);
  // the carrier's own words name her: in the message and in the scan's location
  await send(
    "fulfillment_events/create",
    fulfillmentEventPayload(parcel.id, listedOrder.id, { status: "delivered", message: "Delivered to MAYA CHEN, signed at door", city: `Front desk, ${maya.street}`, happened_at: "2026-11-04T13:25:00-05:00" }),
  );
  // an unknown carrier code keeps an example message for the mapping page
  await send(
    "fulfillment_events/create",
    fulfillmentEventPayload(parcel.id, listedOrder.id, { status: "recipient_called", message: "Driver called Maya Chen on (613) 555-0123", happened_at: "2026-11-04T12:00:00-05:00" }),
  );
  // a parked fulfillments/update: no email, no order id; only her name, street and phone
  await send("fulfillments/update", { id: parcel.id, status: "success", destination: mayaDestination });
  // a body that is not even JSON, with her address in it
  await send("orders/updated", undefined, { rawBody: `{"email":"${maya.email}","shipping_address":{"address1":"${maya.street}"` });
  // a data request before the erasure: a full copy of what we held
  await send("customers/data_request", { shop_id: 1, shop_domain: SHOP_A, customer, orders_requested: [listedOrder.id], data_request: { id: 9001 } });
  await send("orders/create", mayaInB, { shop: SHOP_B });
  await app.settle();

  // what people and channels wrote about her: a case with a support note, messages, a rule's intent, errors
  const db = app.db;
  const shipment = await db.selectFrom("Shipment").select(["id", "shipmentKey"]).where("shop", "=", SHOP_A).where("orderId", "=", String(listedOrder.id)).executeTakeFirstOrThrow();
  const now = app.clock.now();
  const opened = await db
    .insertInto("ExceptionCase")
    .values({
      shop: SHOP_A, shipmentId: shipment.id, shipmentKey: shipment.shipmentKey, orderId: String(listedOrder.id), orderName: "#3001", trackingNumber: shipment.shipmentKey,
      type: "address_issue", owner: "support", priority: "high", status: "open", openedAt: now, ruleName: "Address issue",
      reason: "The carrier could not find 120 Elgin St", explanation: "[]", updatedAt: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  expect(await app.container.services.desk.addNote(SHOP_A, opened.id, "Called Maya Chen on +1 613-555-0123: she will be home after 5", "sam@alpha-goods.test")).toEqual({ ok: true, status: "open" });
  const message = {
    shop: SHOP_A, shipmentId: shipment.id, orderId: String(listedOrder.id), orderName: "#3001", template: "delivered", sendAt: now, createdAt: now, updatedAt: now,
  };
  await db
    .insertInto("Notification")
    .values([
      { ...message, sendKey: `${shipment.id}|delivered|email`, moment: "delivered", channel: "email", recipient: maya.email, status: "failed",
        subject: "Maya, your order #3001 arrived", preview: "Hi Maya Chen, your parcel was delivered to 120 Elgin St.", html: "<p>Hi Maya Chen</p>",
        lastError: `550 5.1.1 <${maya.email}>: mailbox unavailable`, statusReason: `Refused by the relay for ${maya.email}` },
      { ...message, sendKey: `${shipment.id}|alert:1|slack`, moment: "alert:1", channel: "slack", status: "sent",
        preview: "Address issue on #3001 for Maya Chen (+1 613 555 0123)" },
    ])
    .execute();
  await db
    .insertInto("RuleIntent")
    .values({ shop: SHOP_A, shipmentId: shipment.id, caseId: opened.id, ruleId: 1, kind: "alert", payload: JSON.stringify({ text: "Maya Chen's parcel needs a call: +16135550123" }), createdAt: now })
    .execute();
  await db
    .insertInto("ChannelConnection")
    .values({ shop: SHOP_A, channel: "sms", enabled: 1, lastError: `Twilio 21614: ${maya.phone} is not a mobile number`, failingSince: now, updatedAt: now })
    .execute();
  await db
    .insertInto("Job")
    .values({ shop: SHOP_A, name: "send-notification", payload: '{"id":1}', status: "failed", runAt: now, createdAt: now, lastError: `SMTP refused ${maya.email}` })
    .execute();
}

/** The privacy suite, against the database the app is started on (SQLite or PostgreSQL). */
export function redactionSuite(database: "sqlite" | "postgres", start: () => Promise<TestApp>) {
  describe(`customers/redact leaves none of the customer's personal data, and none comes back (${database})`, () => {
    let app: TestApp;
    const scan = () => scanForPersonalData(app.db as unknown as Kysely<unknown>, SHOP_A, maya, database);

    beforeAll(async () => {
      app = await start();
      await seedEverywhere(app);
    });
    afterAll(async () => app?.close());

    it("the seed reached every place her data can be (the scan sees it before the erasure)", async () => {
      const places = placesOf(await scan());
      for (const place of [
        "CaseActivity.detail", "ChannelConnection.lastError", "DataRequestExport.email", "DataRequestExport.export", "ExceptionCase.reason",
        "Fulfillment.destination", "Job.lastError", "Notification.html", "Notification.lastError", "Notification.preview", "Notification.recipient",
        "Order.customerId", "Order.customerName", "Order.destination", "Order.email", "RuleIntent.payload", "ShipmentEvent.location",
        "ShipmentEvent.rawMessage", "UnmappedStatusCode.exampleMessage", "WebhookDelivery.body",
      ]) {
        expect(places).toContain(place);
      }
      // the parked deliveries are there, unmatched by any order id
      const parked = await app.db.selectFrom("WebhookDelivery").select(["topic", "orderId"]).where("shop", "=", SHOP_A).where("status", "=", "failed").execute();
      expect(parked).toEqual(expect.arrayContaining([{ topic: "fulfillments/update", orderId: null }, { topic: "orders/updated", orderId: null }]));
    });

    it("after a signed customers/redact, no text column of any table holds her email, phone, name, street or customer id", async () => {
      const res = await app.sendWebhook("customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer, orders_to_redact: [listedOrder.id] });
      expect(res.status).toBe(200);
      await app.settle();
      expect(await scan()).toEqual([]);

      // what is not hers stays: her parcels' tracking, the case and its note (words about her masked), others' data
      expect(await app.db.selectFrom("Shipment").select("status").where("shop", "=", SHOP_A).where("orderId", "=", String(listedOrder.id)).execute()).toEqual([{ status: "delivered" }]);
      const note = await app.db.selectFrom("CaseActivity").select("detail").where("shop", "=", SHOP_A).where("kind", "=", "note").executeTakeFirstOrThrow();
      expect(note.detail).toBe("Called [redacted] on [redacted]: she will be home after 5");
      const event = await app.db.selectFrom("ShipmentEvent").select(["rawMessage", "location"]).where("shop", "=", SHOP_A).where("rawMessage", "like", "Delivered to%").executeTakeFirstOrThrow();
      expect(event).toEqual({ rawMessage: "Delivered to [redacted], signed at door", location: "Front desk, [redacted], Ontario, Canada" });
      // the region of her parcel is not personal, and the shipment's time zone and rules need it
      const fulfillment = await app.db.selectFrom("Fulfillment").select("destination").where("shop", "=", SHOP_A).executeTakeFirstOrThrow();
      expect(JSON.parse(fulfillment.destination!)).toEqual(mayaRegion);
      const liRow = await app.db.selectFrom("Order").select(["email", "destination"]).where("shop", "=", SHOP_A).where("name", "=", "#3003").executeTakeFirstOrThrow();
      expect(liRow.email).toBe(li.email);
      expect(liRow.destination).toContain(li.street);
      const inB = await app.db.selectFrom("Order").select(["email", "customerName"]).where("shop", "=", SHOP_B).executeTakeFirstOrThrow();
      expect(inB).toEqual({ email: maya.email, customerName: "Maya Chen" });
      const bodiesInB = await app.db.selectFrom("WebhookDelivery").select("body").where("shop", "=", SHOP_B).execute();
      expect(bodiesInB.some((b) => personalDataIn(b.body, maya).includes("email"))).toBe(true);
    });

    it("she is remembered only by keyed hashes, so later deliveries about her are stored without her personal data", async () => {
      const keys = await app.db.selectFrom("RedactedCustomerKey").selectAll().where("shop", "=", SHOP_A).execute();
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.keyHash).toMatch(/^[0-9a-f]{64}$/);

      const later = { ...parcel, updated_at: "2026-11-06T09:00:00-05:00", shipment_status: "delivered", destination: mayaDestination };
      const newOrder = orderPayload({ id: newId(), name: "#3010", email: maya.email, phone: maya.phone, created_at: "2026-11-20T09:00:00-05:00", updated_at: "2026-11-20T09:00:00-05:00" });
      const lateEvent = fulfillmentEventPayload(parcel.id, listedOrder.id, { status: "delivered", message: "Proof of delivery: signed by MAYA CHEN", city: "Ottawa", happened_at: "2026-11-04T13:30:00-05:00" });
      for (const [topic, payload] of [["fulfillments/update", later], ["orders/create", newOrder], ["fulfillment_events/create", lateEvent], ["orders/updated", { ...unlistedOrder, updated_at: "2026-11-21T09:00:00-05:00" }]] as const) {
        expect((await app.sendWebhook(topic, payload)).status).toBe(200);
      }
      await app.settle();
      expect(await scan()).toEqual([]);

      // each was carried out, without her personal fields
      const statuses = await app.db.selectFrom("WebhookDelivery").select(["topic", "status"]).where("shop", "=", SHOP_A).orderBy("id", "desc").limit(4).execute();
      expect(statuses.map((s) => s.status)).toEqual(["processed", "processed", "processed", "processed"]);
      const fulfillment = await app.db.selectFrom("Fulfillment").select(["shipmentStatus", "destination"]).where("shop", "=", SHOP_A).executeTakeFirstOrThrow();
      expect(fulfillment.shipmentStatus).toBe("delivered");
      expect(JSON.parse(fulfillment.destination!)).toEqual(mayaRegion);
      const stored = await app.db.selectFrom("Order").selectAll().where("shop", "=", SHOP_A).where("name", "=", "#3010").executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ email: null, phone: null, customerName: null, customerId: null, destination: null, totalPrice: 184.5 });
      const event = await app.db.selectFrom("ShipmentEvent").select(["rawMessage", "status"]).where("shop", "=", SHOP_A).where("rawMessage", "like", "Proof of delivery%").executeTakeFirstOrThrow();
      expect(event).toEqual({ rawMessage: "Proof of delivery: signed by [redacted]", status: "delivered" });

      // another customer's later order is stored whole
      const liLater = orderPayload({ id: newId(), name: "#3011", email: li.email, customer: liOrder.customer, shipping_address: liOrder.shipping_address });
      await app.sendWebhook("orders/create", liLater);
      await app.settle();
      const liStored = await app.db.selectFrom("Order").select(["email", "customerName"]).where("shop", "=", SHOP_A).where("name", "=", "#3011").executeTakeFirstOrThrow();
      expect(liStored).toEqual({ email: li.email, customerName: "Li Wei" });
    });
  });
}
