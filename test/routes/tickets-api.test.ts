import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The support loop's API: `?email=` and `POST /api/v1/tickets` (ARCHITECTURE.md, "Support API, added"), over
 * real HTTP on a real database, with per-shop keys.
 */
describe("Support API: lookup by email, and helpdesk tickets", () => {
  let app: TestApp;
  let keyA: string;
  let keyB: string;
  const NOW = "2026-11-20T15:00:00Z";
  const get = (path: string, key: string) => fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const post = (ticket: unknown, key?: string) =>
    fetch(`${app.url}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof ticket === "string" ? ticket : JSON.stringify(ticket),
    });
  const ticketRows = (shop: string) => app.db.selectFrom("Ticket").selectAll().where("shop", "=", shop).execute();

  async function ship(shop: string, o: { name: string; email: string; createdAt: string; tracking: string; locale?: string; delivered?: boolean }) {
    const order = orderPayload({ id: newId(), name: o.name, email: o.email, created_at: o.createdAt, updated_at: o.createdAt, customer_locale: o.locale ?? "en", customer: { id: newId(), email: o.email, first_name: o.email.split(".")[0]!.replace(/^./, (c) => c.toUpperCase()), last_name: "Doe", tags: "" } });
    const f = fulfillmentPayload(order.id, { name: `${o.name}.1`, tracking_number: o.tracking, tracking_numbers: [o.tracking], created_at: o.createdAt, updated_at: o.createdAt });
    expect((await app.sendWebhook("orders/create", order, { shop })).status).toBe(200);
    expect((await app.sendWebhook("fulfillments/create", f, { shop })).status).toBe(200);
    const scanned = new Date(Date.parse(o.createdAt) + 86_400_000).toISOString();
    expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: o.delivered ? "delivered" : "in_transit", message: o.delivered ? "Delivered" : "Departed facility", happened_at: scanned }), { shop })).status).toBe(200);
  }

  beforeAll(async () => {
    app = await startTestApp({ clock: fixedClock(NOW) });
    await ship(SHOP_A, { name: "#1001", email: "maya.chen@example.com", createdAt: "2026-11-10T09:00:00Z", tracking: "1Z999AA10123456784", delivered: true });
    await ship(SHOP_A, { name: "#1002", email: "Maya.Chen@Example.com", createdAt: "2026-11-17T09:00:00Z", tracking: "1Z999AA10123456785" });
    await ship(SHOP_A, { name: "#0950", email: "maya.chen@example.com", createdAt: "2026-07-01T09:00:00Z", tracking: "1Z999AA10123456786", delivered: true });
    await ship(SHOP_A, { name: "#1003", email: "noah.smith@example.com", createdAt: "2026-11-18T09:00:00Z", tracking: "1Z999AA10123456787", locale: "fr" });
    await ship(SHOP_B, { name: "#1002", email: "maya.chen@example.com", createdAt: "2026-11-18T09:00:00Z", tracking: "9400111899223100000001" });
    await app.settle();
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Gorgias")).key;
    keyB = (await app.container.services.supportApi.createKey(SHOP_B, "Zendesk")).key;
  });
  afterAll(async () => app?.close());

  it("?email= answers the customer's orders of the last 90 days, newest first, matched without regard to case, this shop only", async () => {
    const res = await get("/api/v1/shipments?email=MAYA.CHEN%40example.com", keyA);
    expect(res.status).toBe(200);
    const { shipments } = await res.json();
    // #0950 is older than 90 days; Noah's order and shop B's #1002 are someone else's
    expect(shipments.map((s: { orderName: string }) => s.orderName)).toEqual(["#1002", "#1001"]);
    expect((await (await get("/api/v1/shipments?email=maya.chen%40example.com", keyB)).json()).shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(["9400111899223100000001"]);
    expect((await get("/api/v1/shipments?email=nobody%40example.com", keyA)).status).toBe(404);
    expect((await get("/api/v1/shipments?email=not-an-email", keyA)).status).toBe(400);
    expect((await get("/api/v1/shipments?email=maya.chen%40example.com&order=1001", keyA)).status).toBe(400);
  });

  it("each shipment object carries support's context: its open cases, the messages sent, the promise and the lookups", async () => {
    const { shipments } = await (await get("/api/v1/shipments?order=1002", keyA)).json();
    expect(shipments[0]).toMatchObject({ orderName: "#1002", cases: expect.any(Array), messages: [], lookups: 0 });
    expect(shipments[0].promisedBy === null || typeof shipments[0].promisedBy === "string").toBe(true);
    const open = (await (await get("/api/v1/exceptions?order=1002", keyA)).json()).exceptions.filter((e: { trackingNumber: string }) => e.trackingNumber === "1Z999AA10123456785");
    expect(shipments[0].cases).toEqual(open);
  });

  it("a WISMO ticket that names the customer's order is answered from the same story, with the signed tracking link", async () => {
    const res = await post({ id: "gx-1", source: "gorgias", customerEmail: "maya.chen@example.com", subject: "Where is my order #1002?", body: "Hi, I ordered a week ago and it still hasn't arrived. Any news?", createdAt: "2026-11-20T14:00:00Z" }, keyA);
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(Object.keys(answer).sort()).toEqual(["orderName", "shipments", "suggestedReply", "wismo"]);
    expect(answer).toMatchObject({ wismo: true, orderName: "#1002" });
    expect(answer.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(["1Z999AA10123456785"]);
    const [parcel] = answer.shipments;
    expect(answer.suggestedReply).toContain("Hi Maya,");
    expect(answer.suggestedReply).toContain("#1002");
    expect(answer.suggestedReply).toContain(parcel.story.headline.replace(/[.!?…]$/, ""));
    expect(answer.suggestedReply).toMatch(new RegExp(`https://${SHOP_A.replace(/\./g, "\\.")}/apps/track\\?t=[A-Za-z0-9._-]+`));
    expect(answer.suggestedReply).not.toContain("maya.chen@example.com");
  });

  it("without an order named, the customer's most recent open parcel is the match; the reply is in the ticket's language", async () => {
    const answer = await (await post({ id: "zd-7", source: "zendesk", customerEmail: "noah.smith@example.com", subject: "Ma commande", body: "Bonjour, je n'ai toujours pas reçu mon colis. Où en est ma livraison ?", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(answer).toMatchObject({ wismo: true, orderName: "#1003" });
    expect(answer.suggestedReply).toMatch(/^Bonjour Noah,/);
  });

  it("a ticket never reveals another customer's order, nor another shop's", async () => {
    // Maya names Noah's order: not hers, so nothing is matched (her own latest parcel would be a guess at another
    // order than the one she asked about), and the reply asks for her order number
    const named = await (await post({ id: "gx-2", source: "gorgias", customerEmail: "maya.chen@example.com", subject: "order #1003", body: "where is my package? tracking 1Z999AA10123456787", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(named).toMatchObject({ wismo: true, orderName: null, shipments: [] });
    expect(named.suggestedReply).toContain("order number");
    expect(JSON.stringify(named)).not.toContain("1Z999AA10123456787");
    // shop B's key, shop A's order and tracking number: nothing of shop A
    const foreign = await (await post({ id: "gx-2", source: "gorgias", customerEmail: "noah.smith@example.com", subject: "where is #1003", body: "1Z999AA10123456787 hasn't moved", createdAt: "2026-11-20T14:00:00Z" }, keyB)).json();
    expect(foreign).toMatchObject({ wismo: true, orderName: null, shipments: [] });
    expect(foreign.suggestedReply).toContain("order number");
    // without an email, a tracking number answers that parcel only, greets nobody and links the parcel, not the order
    const bare = await (await post({ id: "api-1", source: "api", subject: "tracking", body: "Where is 1Z999AA10123456787? It has not arrived.", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(bare.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(["1Z999AA10123456787"]);
    expect(bare.suggestedReply).toMatch(/^Hi,/);
    expect(bare.suggestedReply).not.toContain("Noah");
    expect(bare.suggestedReply).toContain("/apps/track?tracking=1Z999AA10123456787");
  });

  it("a reference written loosely still finds the customer's own order, and one that finds nothing is never guessed at", async () => {
    // an order name where the tracking number was meant: Maya's older #1001, not her latest open parcel (#1002)
    const loose = await (await post({ id: "gx-20", source: "gorgias", customerEmail: "maya.chen@example.com", subject: "Package not here", body: "The tracking (#1001) hasn't changed in days. What's going on?", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(loose).toMatchObject({ wismo: true, orderName: "#1001" });
    // a number that is nobody's order or parcel: no match rather than her latest parcel
    const unknown = await (await post({ id: "gx-21", source: "gorgias", customerEmail: "maya.chen@example.com", subject: "Suivi de colis", body: "Bonjour, le suivi #4242 ne bouge plus depuis plusieurs jours, est-ce normal ?", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(unknown).toMatchObject({ wismo: true, orderName: null, shipments: [] });
  });

  it("an OnTrac or Amazon number in the subject finds that parcel's order, not the customer's latest one", async () => {
    // Sam's older order went with OnTrac, the newer with UPS; the ticket quotes the OnTrac number only
    await ship(SHOP_A, { name: "#1010", email: "sam.lee@example.com", createdAt: "2026-11-12T09:00:00Z", tracking: "C11031500001879" });
    await ship(SHOP_A, { name: "#1011", email: "sam.lee@example.com", createdAt: "2026-11-18T09:00:00Z", tracking: "1Z999AA10123456790" });
    await ship(SHOP_A, { name: "#1012", email: "sam.lee@example.com", createdAt: "2026-11-11T09:00:00Z", tracking: "TBA123456789012" });
    await app.settle();
    const ontrac = await (await post({ id: "gx-30", source: "gorgias", customerEmail: "sam.lee@example.com", subject: "Re: your order C11031500001879 has shipped", body: "Hello, when will this actually arrive?", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(ontrac).toMatchObject({ wismo: true, orderName: "#1010" });
    expect(ontrac.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(["C11031500001879"]);
    const amazon = await (await post({ id: "gx-31", source: "gorgias", customerEmail: "sam.lee@example.com", subject: "where is tba123456789012", body: "It still has not arrived.", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(amazon).toMatchObject({ wismo: true, orderName: "#1012" });
  });

  it("a ticket that is not about delivery gets no suggested reply, and is still recorded", async () => {
    const answer = await (await post({ id: 9_001, source: "zendesk", customerEmail: "maya.chen@example.com", subject: "Return", body: "The shoes from order #1001 are too small, how do I return them for a bigger size?", createdAt: "2026-11-20T14:00:00Z" }, keyA)).json();
    expect(answer).toMatchObject({ wismo: false, orderName: "#1001", suggestedReply: null });
    expect((await ticketRows(SHOP_A)).some((t) => t.source === "zendesk" && t.ticketId === "9001" && t.wismo === 0)).toBe(true);
  });

  it("each ticket is one ask on the scorecard: the same source and id twice counts once", async () => {
    const before = (await (await get("/api/v1/scorecard?from=2026-11-01&to=2026-11-30", keyA)).json()).asks;
    const ticket = { id: "gx-dup", source: "gorgias", customerEmail: "maya.chen@example.com", subject: "Still waiting", body: "Where is my parcel? Order #1002", createdAt: "2026-11-20T14:00:00Z" };
    for (let i = 0; i < 2; i++) expect((await post(ticket, keyA)).status).toBe(200);
    // the same id from another helpdesk is another ticket
    expect((await post({ ...ticket, source: "zendesk" }, keyA)).status).toBe(200);
    const after = (await (await get("/api/v1/scorecard?from=2026-11-01&to=2026-11-30", keyA)).json()).asks;
    expect(after.tickets - before.tickets).toBe(2);
    expect(after.wismoTickets - before.wismoTickets).toBe(2);
    expect((await ticketRows(SHOP_A)).filter((t) => t.ticketId === "gx-dup")).toHaveLength(2);
    // the parcel it asked about is asked once, whatever the number of tickets
    const parcel = await app.db.selectFrom("Shipment").select(["firstAskedAt"]).where("shop", "=", SHOP_A).where("trackingNumber", "=", "1Z999AA10123456785").executeTakeFirstOrThrow();
    expect(parcel.firstAskedAt).not.toBeNull();
  });

  it("bad input: 400 naming the fields, 401 without a token, 405 for GET, 413 when too large; nothing is stored", async () => {
    const before = (await ticketRows(SHOP_A)).length;
    const bad = await post({ id: "", source: "Gorgias Desk!", customerEmail: "nope", subject: "x", body: 5, createdAt: "yesterday" }, keyA);
    expect(bad.status).toBe(400);
    const answer = await bad.json();
    expect(answer.error).toBe("bad_request");
    expect(answer.fields.sort()).toEqual(["body", "createdAt", "customerEmail", "id", "source"]);
    expect((await post("{not json", keyA)).status).toBe(400);
    expect((await post([1, 2], keyA)).status).toBe(400);
    const valid = { id: "x-1", source: "api", customerEmail: null, subject: "where is my order", body: "?", createdAt: "2026-11-20T14:00:00Z" };
    expect((await post(valid)).status).toBe(401);
    expect((await post(valid, "swk_forged")).status).toBe(401);
    expect((await fetch(`${app.url}/api/v1/tickets`, { headers: { authorization: `Bearer ${keyA}` } })).status).toBe(405);
    expect((await post({ ...valid, body: "a".repeat(300 * 1024) }, keyA)).status).toBe(413);
    expect((await ticketRows(SHOP_A)).length).toBe(before);
  });

  it("HTML and script in a ticket are stored as received (the admin escapes them) and never echoed in the answer", async () => {
    const body = `<p>where is my order?</p><script>alert("x")</script><img src=x onerror=alert(1)>`;
    const answer = await (await post({ id: "xss-1", source: "api", customerEmail: "maya.chen@example.com", subject: "<b>order</b>", body, createdAt: "2026-11-20T14:00:00Z" }, keyA)).text();
    expect(answer).not.toContain("<script>");
    expect(answer).not.toContain("onerror");
    const row = (await ticketRows(SHOP_A)).find((t) => t.ticketId === "xss-1")!;
    expect(row.body).toBe(body);
  });
});
