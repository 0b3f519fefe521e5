import { describe, expect, it } from "vitest";
import { collectTraces, maskStoredValue, subjectIdsOfBody, subjectKeys, tracesMatcher } from "~/domain/redaction";
import { createKeyedHash } from "~/.server/services/keyed-hash";
import { disagreement } from "~/.server/services/webhook-agreement";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload } from "../fixtures/shopify";

/** How a redacted customer is recognised in free text, in stored JSON, in later bodies; and what a body must agree with. */

const maya = tracesMatcher(
  collectTraces({
    emails: ["Maya.Chen@example.com"],
    phones: ["+16135550123"],
    names: ["Maya Chen"],
    destinations: [{ name: "Maya Chen", address1: "120 Elgin St", phone: "613-555-0123" }],
  }),
);

describe("recognising a customer in free text", () => {
  it.each([
    ["Called +1 (613) 555-0123 twice", "Called [redacted] twice"],
    ["call 613.555.0123", "call [redacted]"],
    ["sms 16135550123 failed", "sms [redacted] failed"],
    ["ring 613 555 0123.", "ring [redacted]."],
    ["Delivered to MAYA CHEN, front door", "Delivered to [redacted], front door"],
    ["Recipient: Chen, Maya", "Recipient: [redacted]"],
    ["write to maya.chen@EXAMPLE.com.", "write to [redacted]."],
    ["Left at 120 ELGIN ST. (porch)", "Left at [redacted]. (porch)"],
  ])("masks %j", (text, masked) => {
    expect(maya.mask(text)).toBe(masked);
    expect(maya.mentions(text)).toBe(true);
  });

  it.each([
    "Call 613-555-0199 for the depot",
    "Maya asked about the parcel",
    "Mayan Chenille rug, 120 Elgin Street West Depot",
    "Tracking 1Z999AA10123456784",
  ])("leaves %j alone (another number, a first name alone, other words)", (text) => {
    expect(maya.mask(text)).toBe(text);
    expect(maya.mentions(text)).toBe(false);
  });

  it("gives the database fragments that every match contains, whatever its case", () => {
    expect(maya.fragments).toEqual(expect.arrayContaining(["maya.chen@example.com", "0123", "elgin"]));
    for (const f of maya.fragments) expect(f).toBe(f.toLowerCase());
  });

  it("keeps stored JSON parseable: strings are masked one by one", () => {
    const stored = JSON.stringify({ text: "Maya Chen's parcel, call +16135550123", nested: [{ to: "maya.chen@example.com" }], n: 3 });
    const masked = maskStoredValue(stored, maya.mask);
    expect(JSON.parse(masked)).toEqual({ text: "[redacted]'s parcel, call [redacted]", nested: [{ to: "[redacted]" }], n: 3 });
    expect(maskStoredValue('{"broken": "Maya Chen"', maya.mask)).toBe('{"broken": "[redacted]"');
  });

  it("finds nothing to look for in a customer with no usable traces", () => {
    const nobody = tracesMatcher(collectTraces({ emails: [null], phones: ["12"], names: ["Cher"] }));
    expect(nobody.empty).toBe(true);
    expect(nobody.mask("Cher called 12 times")).toBe("Cher called 12 times");
  });
});

describe("who a later body is about", () => {
  it("reads the ids, email and phone of any topic's body, parsed or not", () => {
    const order = orderPayload({ id: 11 });
    expect(subjectKeys(subjectIdsOfBody("orders/create", order))).toEqual(
      expect.arrayContaining(["customer:7100000001", "order:11", "email:maya.chen@example.com", "phone:135550123"]),
    );
    expect(subjectKeys(subjectIdsOfBody("fulfillments/update", fulfillmentPayload(11, { id: 21 })))).toEqual(
      expect.arrayContaining(["order:11", "fulfillment:21", "email:maya.chen@example.com"]),
    );
    expect(subjectKeys(subjectIdsOfBody("fulfillment_events/create", fulfillmentEventPayload(21, 11)))).toEqual(expect.arrayContaining(["order:11", "fulfillment:21"]));
    // a parked body with no order id and no email is still recognised by the phone in its address
    expect(subjectKeys(subjectIdsOfBody("fulfillments/update", { status: "success", destination: { phone: "(613) 555-0123" } }))).toEqual(["phone:135550123"]);
  });

  it("hashes keys per shop and under each secret, the current one first", () => {
    const hash = createKeyedHash(["current-secret", "previous-secret"]);
    const [current, previous] = hash.all("a.myshopify.com", "email:maya.chen@example.com");
    expect(current).toBe(hash.current("a.myshopify.com", "email:maya.chen@example.com"));
    expect(current).toMatch(/^[0-9a-f]{64}$/);
    expect(previous).not.toBe(current);
    expect(hash.current("b.myshopify.com", "email:maya.chen@example.com")).not.toBe(current);
    expect(createKeyedHash(["previous-secret"]).current("a.myshopify.com", "email:maya.chen@example.com")).toBe(previous);
  });
});

describe("a body agrees with its headers", () => {
  const shop = "alpha-goods.myshopify.com";
  it.each([
    ["customers/redact", { shop_id: 1, shop_domain: shop, customer: { id: 1, email: "a@b.c", phone: null }, orders_to_redact: [1] }],
    ["customers/data_request", { shop_id: 1, shop_domain: "Alpha-Goods.myshopify.com", customer: { id: 1 }, orders_requested: [], data_request: { id: 9 } }],
    ["shop/redact", { shop_id: 1, shop_domain: shop }],
    ["app/uninstalled", { id: 1, name: "Alpha Goods", domain: "alphagoods.com", myshopify_domain: shop }],
    ["orders/updated", orderPayload()],
    ["fulfillments/create", fulfillmentPayload(1)],
    ["fulfillment_events/create", fulfillmentEventPayload(2, 1)],
    ["products/update", { id: 1, shop_domain: "elsewhere.myshopify.com" }],
  ])("Shopify's own %s body agrees", (topic, body) => {
    expect(disagreement(topic, shop, body)).toBeNull();
  });

  it.each([
    ["shop/redact", { shop_id: 1, shop_domain: "bravo.myshopify.com" }, /shop_domain \(bravo.myshopify.com\) is not X-Shopify-Shop-Domain/],
    ["shop/redact", { shop_id: 1, shop_domain: shop, customer: { id: 1 }, orders_to_redact: [] }, /customer, orders_to_redact/],
    ["customers/redact", { shop_id: 1, shop_domain: shop, customer: null, orders_to_redact: [] }, /lacks customer/],
    ["app/uninstalled", { id: 1, domain: "bravo.myshopify.com" }, /domain \(bravo.myshopify.com\)/],
    ["orders/create", [orderPayload()], /JSON object/],
  ])("%s %j is refused", (topic, body, why) => {
    expect(disagreement(topic, shop, body)).toMatch(why);
  });

  it("a shop domain that is not a string is refused in words, however deeply it nests (found by the webhook fuzz)", () => {
    let nested: unknown = "alpha.myshopify.com";
    for (let i = 0; i < 5_000; i++) nested = [nested];
    expect(disagreement("shop/redact", shop, { shop_id: 1, shop_domain: nested })).toMatch(/shop_domain \(an array\) is not X-Shopify-Shop-Domain/);
    expect(disagreement("customers/redact", shop, { shop_id: 1, shop_domain: { host: shop }, customer: { id: 1 }, orders_to_redact: [] })).toMatch(/shop_domain \(an object\)/);
  });
});
