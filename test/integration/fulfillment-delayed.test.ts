import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { newId, orderPayload } from "../fixtures/shopify";
import { createFulfillmentWatchStore } from "~/.server/adapters/fulfillment-watch";
import { freshPostgresDatabase } from "../support/postgres";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Orders that do not ship in time, from signed order webhooks on a real database: one fulfillment_delayed case per
 * late order (owner fulfillment, no tracking number), found by the sweep through the orders' due index, kept open
 * while lines still wait, resolved by itself once everything shipped or the order was cancelled, per shop.
 */
describe("fulfillment_delayed cases (integration, real SQLite)", () => {
  // Monday 16 November 2026, 09:00 New York (the shops' default zone)
  const MONDAY = "2026-11-16T09:00:00-05:00";
  const clock = fixedClock(MONDAY);
  let app: TestApp;
  let keyA: string;
  let keyB: string;
  beforeAll(async () => {
    app = await startTestApp({ clock });
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Helpdesk")).key;
    keyB = (await app.container.services.supportApi.createKey(SHOP_B, "Helpdesk")).key;
  });
  afterAll(async () => app?.close());

  const shoes = (over: Record<string, unknown> = {}) => ({ id: newId(), title: "Trail Runner 2", name: "Trail Runner 2 - 42", quantity: 1, fulfillable_quantity: 1, fulfillment_status: null, requires_shipping: true, gift_card: false, ...over });
  const socks = (over: Record<string, unknown> = {}) => ({ id: newId(), title: "Wool Socks", name: "Wool Socks", quantity: 3, fulfillable_quantity: 3, fulfillment_status: null, requires_shipping: true, gift_card: false, ...over });
  const giftCard = () => ({ id: newId(), title: "Gift card", name: "Gift card", quantity: 1, fulfillable_quantity: 1, fulfillment_status: null, requires_shipping: false, gift_card: true });

  /** an order as Shopify sends it, placed at `at`, with these lines */
  function anOrder(name: string, lines: Record<string, unknown>[], over: Record<string, unknown> = {}) {
    return orderPayload({ id: newId(), name, created_at: MONDAY, updated_at: MONDAY, fulfillment_status: null, closed_at: null, line_items: lines, ...over });
  }
  /** the same order, updated later (Shopify's orders/updated after a fulfillment or a cancellation) */
  const updated = (order: ReturnType<typeof anOrder>, at: string, over: Record<string, unknown>) => ({ ...order, updated_at: at, ...over });

  async function send(topic: string, payload: unknown, shop = SHOP_A) {
    const res = await app.sendWebhook(topic, payload, { shop });
    expect(res.status).toBe(200);
    await app.settle();
  }
  const casesOf = (orderId: number, shop = SHOP_A) =>
    app.db
      .selectFrom("ExceptionCase")
      .select(["id", "type", "owner", "priority", "status", "shipmentId", "shipmentKey", "trackingNumber", "orderName", "ruleName", "reason", "resolution", "resolvedBy", "dueAt", "openedAt"])
      .where("shop", "=", shop)
      .where("orderId", "=", String(orderId))
      .orderBy("id")
      .execute();
  const sweep = () => app.container.services.sweep.run(500);
  const exceptionsApi = async (key: string, status = "open") => {
    const res = await fetch(`${app.url}/api/v1/exceptions?status=${status}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { exceptions: Record<string, unknown>[] }).exceptions;
  };

  it("an order still unfulfilled past its handling time gets one case from the sweep; sweeping again keeps it one", async () => {
    clock.set(MONDAY);
    const order = anOrder("#2001", [shoes()]);
    await send("orders/create", order);
    await sweep();
    // Monday: within two business days, no case
    expect(await casesOf(order.id)).toEqual([]);
    const waiting = await app.db.selectFrom("Order").select(["handlingCheckAt", "waitingLines"]).where("shop", "=", SHOP_A).where("orderId", "=", String(order.id)).executeTakeFirstOrThrow();
    // looked at again just after the end of Wednesday, New York
    expect(waiting.handlingCheckAt).toBe(Date.parse("2026-11-18T23:59:59.999-05:00") + 1);
    expect(JSON.parse(waiting.waitingLines)).toEqual([{ lineId: String(order.line_items[0]!.id), title: "Trail Runner 2 - 42", quantity: 1, waiting: 1 }]);

    // Wednesday evening: still in time
    clock.set("2026-11-18T20:00:00-05:00");
    await sweep();
    expect(await casesOf(order.id)).toEqual([]);

    // Thursday morning: late
    clock.set("2026-11-19T08:00:00-05:00");
    await sweep();
    await sweep();
    await send("orders/updated", updated(order, "2026-11-19T07:00:00-05:00", {}));
    const cases = await casesOf(order.id);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      type: "fulfillment_delayed",
      owner: "fulfillment",
      priority: "normal",
      status: "open",
      shipmentId: null,
      shipmentKey: `order:${order.id}`,
      trackingNumber: null,
      orderName: "#2001",
      ruleName: "Handling time",
      dueAt: clock.now() + 24 * 3_600_000,
      reason: "1 item not shipped: Trail Runner 2 - 42 (1 of 1). Due to ship by Wed 18 Nov (handling time 2 business days).",
    });
    const trail = await app.db.selectFrom("CaseActivity").select(["kind", "actor"]).where("caseId", "=", cases[0]!.id).execute();
    expect(trail).toEqual([{ kind: "opened", actor: "shipwatch" }]);
  });

  it("the sweep reads the orders due through their index, never a scan of every order", async () => {
    const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT "shop", "orderId" FROM "Order" WHERE "handlingCheckAt" <= ${clock.now()} ORDER BY "handlingCheckAt" LIMIT 500`.execute(app.db);
    expect(plan.rows.map((r) => r.detail).join(" | ")).toMatch(/USING INDEX Order_handlingCheckAt_idx/);
    // orders with nothing to ship are not due at all
    const order = anOrder("#2002", [shoes({ fulfillable_quantity: 0, fulfillment_status: "fulfilled" })], { fulfillment_status: "fulfilled" });
    await send("orders/create", order);
    const row = await app.db.selectFrom("Order").select("handlingCheckAt").where("shop", "=", SHOP_A).where("orderId", "=", String(order.id)).executeTakeFirstOrThrow();
    expect(row.handlingCheckAt).toBeNull();
  });

  it("a partly fulfilled order (a backordered line left) stays open; once everything shipped the case resolves itself", async () => {
    clock.set(MONDAY);
    const order = anOrder("#2003", [shoes(), socks(), giftCard()]);
    await send("orders/create", order);
    clock.set("2026-11-19T10:00:00-05:00");
    await sweep();
    const [opened] = await casesOf(order.id);
    expect(opened).toMatchObject({ status: "open", reason: "4 items not shipped: Trail Runner 2 - 42 (1 of 1), Wool Socks (3 of 3). Due to ship by Wed 18 Nov (handling time 2 business days)." });

    // the shoes and one pair of socks ship; two pairs are backordered
    const [shoeLine, sockLine, giftLine] = order.line_items as Record<string, unknown>[];
    await send(
      "orders/updated",
      updated(order, "2026-11-19T11:00:00-05:00", {
        fulfillment_status: "partial",
        line_items: [{ ...shoeLine, fulfillable_quantity: 0, fulfillment_status: "fulfilled" }, { ...sockLine, fulfillable_quantity: 2, fulfillment_status: "partial" }, giftLine],
      }),
    );
    await sweep();
    let cases = await casesOf(order.id);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ id: opened!.id, status: "open" });
    const file = await app.container.services.fulfillmentWatch.orderFile(SHOP_A, String(order.id));
    expect(file?.waitingLines).toEqual([{ lineId: String(sockLine!.id), title: "Wool Socks", quantity: 3, waiting: 2 }]);

    // the backorder arrives and ships on Monday: only the gift card (no shipping) is left unfulfilled
    clock.set("2026-11-23T10:30:00-05:00");
    await send(
      "orders/updated",
      updated(order, "2026-11-23T10:00:00-05:00", {
        fulfillment_status: "partial",
        line_items: [{ ...shoeLine, fulfillable_quantity: 0, fulfillment_status: "fulfilled" }, { ...sockLine, fulfillable_quantity: 0, fulfillment_status: "fulfilled" }, giftLine],
      }),
    );
    cases = await casesOf(order.id);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ status: "resolved", resolution: "waited", resolvedBy: "shipwatch" });
    const trail = await app.db.selectFrom("CaseActivity").select(["kind", "detail"]).where("caseId", "=", opened!.id).orderBy("id").execute();
    expect(trail.at(-1)).toEqual({ kind: "auto_resolved", detail: "Nothing is left to ship." });
    // a late, older snapshot does not bring it back
    await send("orders/updated", updated(order, "2026-11-19T11:30:00-05:00", {}));
    await sweep();
    expect((await casesOf(order.id)).map((c) => c.status)).toEqual(["resolved"]);
  });

  it("a decision made from an older snapshot of the order writes nothing: the newer one is judged on its own", async () => {
    clock.set(MONDAY);
    const order = anOrder("#2009", [shoes()]);
    await send("orders/create", order);
    clock.set("2026-11-20T10:00:00-05:00");
    const store = createFulfillmentWatchStore(app.container.database);
    const plan = { open: { priority: "normal" as const, dueAt: clock.now(), reason: "stale" }, resolve: null, nextCheckAt: null };
    const stale = await store.apply(SHOP_A, { orderId: String(order.id), name: "#2009", updatedAt: Date.parse(MONDAY) - 1 }, plan, clock.now());
    expect(stale).toEqual({ opened: null, resolved: false });
    expect(await casesOf(order.id)).toEqual([]);
    // the snapshot as stored is still due, and the sweep opens its case
    await sweep();
    expect((await casesOf(order.id)).map((c) => c.reason)).toEqual(["1 item not shipped: Trail Runner 2 - 42 (1 of 1). Due to ship by Wed 18 Nov (handling time 2 business days)."]);
  });

  it("a fully fulfilled order resolves its case as soon as Shopify says so", async () => {
    clock.set(MONDAY);
    const order = anOrder("#2004", [shoes()]);
    await send("orders/create", order);
    clock.set("2026-11-20T10:00:00-05:00");
    await sweep();
    expect((await casesOf(order.id)).map((c) => c.status)).toEqual(["open"]);
    await send("orders/updated", updated(order, "2026-11-20T11:00:00-05:00", { fulfillment_status: "fulfilled", line_items: [{ ...(order.line_items[0] as object), fulfillable_quantity: 0, fulfillment_status: "fulfilled" }] }));
    const [c] = await casesOf(order.id);
    expect(c).toMatchObject({ status: "resolved", resolvedBy: "shipwatch" });
    const trail = await app.db.selectFrom("CaseActivity").select(["kind", "detail"]).where("caseId", "=", c!.id).orderBy("id").execute();
    expect(trail.at(-1)).toEqual({ kind: "auto_resolved", detail: "Every item has shipped." });
  });

  it("a cancelled order resolves its case", async () => {
    clock.set(MONDAY);
    const order = anOrder("#2005", [shoes()]);
    await send("orders/create", order);
    clock.set("2026-11-20T10:00:00-05:00");
    await sweep();
    await send("orders/cancelled", updated(order, "2026-11-20T12:00:00-05:00", { cancelled_at: "2026-11-20T12:00:00-05:00", cancel_reason: "inventory" }));
    const [c] = await casesOf(order.id);
    expect(c).toMatchObject({ status: "resolved", resolvedBy: "shipwatch" });
    const trail = await app.db.selectFrom("CaseActivity").select(["detail"]).where("caseId", "=", c!.id).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(trail.detail).toBe("The order was cancelled.");
  });

  it("an order that arrives already late opens its case at once; lines that need no shipping never hold an order", async () => {
    clock.set("2026-11-24T10:00:00-05:00");
    const late = anOrder("#2006", [shoes()]);
    const digital = anOrder("#2007", [giftCard(), shoes({ requires_shipping: false, title: "Gift wrap service" })]);
    // a payload without fulfillable_quantity (an older API version) says nothing: not judged
    const unknown = anOrder("#2008", [{ id: newId(), title: "Trail Runner 2", quantity: 1 }]);
    for (const o of [late, digital, unknown]) await send("orders/create", o);
    await sweep();
    expect((await casesOf(late.id)).map((c) => c.type)).toEqual(["fulfillment_delayed"]);
    expect(await casesOf(digital.id)).toEqual([]);
    expect(await casesOf(unknown.id)).toEqual([]);
  });

  it("each shipping method keeps its own handling time (Express: one business day)", async () => {
    const { profile } = app.container.services;
    const setup = await profile.get(SHOP_A, true);
    await profile.saveSettings(SHOP_A, { ...setup.settings, handlingTime: { businessDays: 2, cutoffHour: 24, methods: [{ match: "express", businessDays: 1 }] } });
    clock.set(MONDAY);
    const express = anOrder("#2010", [shoes()], { shipping_lines: [{ id: 1, code: "EXP", title: "Express Shipping", price: "19.00", source: "shopify" }] });
    const standard = anOrder("#2011", [shoes()]);
    await send("orders/create", express);
    await send("orders/create", standard);
    // Wednesday morning: Express was due by Tuesday; Standard has until Wednesday's end
    clock.set("2026-11-18T09:00:00-05:00");
    await sweep();
    const [c] = await casesOf(express.id);
    expect(c).toMatchObject({ type: "fulfillment_delayed", status: "open" });
    expect(c!.reason).toBe("1 item not shipped: Trail Runner 2 - 42 (1 of 1). Due to ship by Tue 17 Nov (handling time 1 business day, express).");
    expect(await casesOf(standard.id)).toEqual([]);
    // a longer handling time, saved: the waiting orders are judged again by the next sweep
    await profile.saveSettings(SHOP_A, { ...setup.settings, handlingTime: { businessDays: 5, cutoffHour: 24, methods: [] } });
    await app.container.services.fulfillmentWatch.recheckShop(SHOP_A);
    await sweep();
    expect((await casesOf(express.id)).map((x) => x.status)).toEqual(["resolved"]);
    await profile.saveSettings(SHOP_A, { ...setup.settings, handlingTime: { businessDays: 2, cutoffHour: 24, methods: [] } });
  });

  it("the Support API answers the case with trackingNumber null; one shop never sees or changes another's", async () => {
    clock.set(MONDAY);
    // the same Shopify order id in two shops (ids are per shop)
    const id = newId();
    const a = anOrder("#2020", [shoes()], { id });
    const b = anOrder("#2020", [shoes()], { id });
    await send("orders/create", a, SHOP_A);
    await send("orders/create", b, SHOP_B);
    clock.set("2026-11-19T10:00:00-05:00");
    await sweep();
    const open = await exceptionsApi(keyA);
    const mine = open.find((e) => e.orderName === "#2020");
    expect(mine).toMatchObject({ type: "fulfillment_delayed", owner: "fulfillment", status: "open", trackingNumber: null, orderName: "#2020", rule: "Handling time" });
    expect(Object.keys(mine!).sort()).toEqual(["dueAt", "id", "openedAt", "orderName", "owner", "priority", "reason", "resolvedAt", "rule", "status", "trackingNumber", "type"].sort());
    expect(mine!.reason).toMatch(/^1 item not shipped: Trail Runner 2 - 42 \(1 of 1\)/);

    // shop B ships its order: shop A's case stays open, and B's API lists only B's
    await send("orders/updated", updated(b, "2026-11-19T11:00:00-05:00", { fulfillment_status: "fulfilled", line_items: [{ ...(b.line_items[0] as object), fulfillable_quantity: 0, fulfillment_status: "fulfilled" }] }), SHOP_B);
    expect((await casesOf(id, SHOP_A)).map((c) => c.status)).toEqual(["open"]);
    expect((await casesOf(id, SHOP_B)).map((c) => c.status)).toEqual(["resolved"]);
    const bOpen = await exceptionsApi(keyB);
    expect(bOpen.some((e) => e.id === mine!.id)).toBe(false);
    expect((await exceptionsApi(keyB, "resolved")).map((e) => e.orderName)).toContain("#2020");
  });

  it("customers/redact scrubs the order and keeps its shipping state; a later fulfillment still resolves the case; shop/redact deletes it all", async () => {
    clock.set(MONDAY);
    const order = anOrder("#2030", [shoes()], { email: "redact.me@example.com", customer: { id: 7_100_000_999, email: "redact.me@example.com", first_name: "Red", last_name: "Acted", phone: null, tags: "" } });
    await send("orders/create", order);
    clock.set("2026-11-19T10:00:00-05:00");
    await sweep();
    expect((await casesOf(order.id)).map((c) => c.status)).toEqual(["open"]);
    await send("customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer: { id: 7_100_000_999, email: "redact.me@example.com", phone: null }, orders_to_redact: [order.id] });
    const row = await app.db.selectFrom("Order").selectAll().where("shop", "=", SHOP_A).where("orderId", "=", String(order.id)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ email: null, customerName: null, customerId: null });
    expect(row.redactedAt).not.toBeNull();
    const [c] = await casesOf(order.id);
    expect(JSON.stringify(c)).not.toContain("redact.me");
    expect(JSON.stringify(c)).not.toContain("Acted");
    // the order ships after the redaction: its state follows, without the customer coming back
    await send("orders/updated", updated(order, "2026-11-19T12:00:00-05:00", { fulfillment_status: "fulfilled", line_items: [{ ...(order.line_items[0] as object), fulfillable_quantity: 0, fulfillment_status: "fulfilled" }] }));
    expect((await casesOf(order.id)).map((x) => x.status)).toEqual(["resolved"]);
    const after = await app.db.selectFrom("Order").selectAll().where("shop", "=", SHOP_A).where("orderId", "=", String(order.id)).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ email: null, customerName: null, fulfillmentStatus: "fulfilled", waitingLines: "[]" });

    // Shopify sends shop/redact only after the app was uninstalled
    await send("app/uninstalled", { id: 1, name: "Alpha Goods", domain: SHOP_A });
    await send("shop/redact", { shop_id: 1, shop_domain: SHOP_A });
    expect(await app.db.selectFrom("Order").select("id").where("shop", "=", SHOP_A).execute()).toEqual([]);
    expect(await app.db.selectFrom("ExceptionCase").select("id").where("shop", "=", SHOP_A).execute()).toEqual([]);
    // shop B keeps its own
    expect((await app.db.selectFrom("ExceptionCase").select("id").where("shop", "=", SHOP_B).where("type", "=", "fulfillment_delayed").execute()).length).toBeGreaterThan(0);
  });
});

describe("fulfillment_delayed on PostgreSQL (127.0.0.1:5432)", () => {
  const clock = fixedClock("2026-11-16T09:00:00-05:00");
  let app: TestApp;
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  beforeAll(async () => {
    database = await freshPostgresDatabase("shipwatch_fd");
    app = await startTestApp({ clock, env: { DATABASE_URL: database.url } });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("one case per late order however often it is judged (the open-slot index on shipmentKey), resolved once it ships", async () => {
    const line = { id: newId(), title: "Trail Runner 2", quantity: 2, fulfillable_quantity: 2, fulfillment_status: null, requires_shipping: true, gift_card: false };
    const order = orderPayload({ id: newId(), name: "#5001", created_at: "2026-11-16T09:00:00-05:00", updated_at: "2026-11-16T09:00:00-05:00", line_items: [line] });
    expect((await app.sendWebhook("orders/create", order)).status).toBe(200);
    await app.settle();
    clock.set("2026-11-19T10:00:00-05:00");
    const watch = app.container.services.fulfillmentWatch;
    await Promise.all([app.container.services.sweep.run(500), watch.evaluateOrder(SHOP_A, String(order.id)), watch.evaluateOrder(SHOP_A, String(order.id))]);
    await app.container.services.sweep.run(500);
    const open = await app.db.selectFrom("ExceptionCase").select(["status", "shipmentId", "trackingNumber", "reason"]).where("orderId", "=", String(order.id)).execute();
    expect(open).toEqual([{ status: "open", shipmentId: null, trackingNumber: null, reason: "2 items not shipped: Trail Runner 2 (2 of 2). Due to ship by Wed 18 Nov (handling time 2 business days)." }]);
    const shipped = { ...order, updated_at: "2026-11-19T11:00:00-05:00", fulfillment_status: "fulfilled", line_items: [{ ...line, fulfillable_quantity: 0, fulfillment_status: "fulfilled" }] };
    expect((await app.sendWebhook("orders/updated", shipped)).status).toBe(200);
    await app.settle();
    const after = await app.db.selectFrom("ExceptionCase").select(["status", "resolvedBy"]).where("orderId", "=", String(order.id)).execute();
    expect(after).toEqual([{ status: "resolved", resolvedBy: "shipwatch" }]);
  });
});
