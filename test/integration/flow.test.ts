import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { signWebhook } from "~/.server/shopify/signatures";
import { FLOW_TRIGGERS, ROLLED_UP_FLOW_DELIVERED } from "~/.server/ports/flow";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, TEST_SECRET, type TestApp } from "../support/test-app";

// a TOML parser already in node_modules (a dependency of a dependency): the extensions are read as the CLI reads them
const toml = createRequire(import.meta.url)("toml") as { parse(text: string): unknown };

interface ExtensionToml {
  extensions: { name: string; type: string; handle: string; description?: string; runtime_url?: string }[];
  settings: { fields: { type: string; key?: string; name?: string; required?: boolean }[] };
}
const readExtension = (dir: string) => toml.parse(fs.readFileSync(path.resolve("extensions", dir, "shopify.extension.toml"), "utf8")) as ExtensionToml;

/** The keys a trigger's payload must carry: its fields' keys, and order_id for the order reference. */
function payloadKeysOf(ext: ExtensionToml): string[] {
  return ext.settings.fields.map((f) => (f.type === "order_reference" ? "order_id" : f.key!)).sort();
}

/**
 * Shopify Flow, end to end over HTTP on a real SQLite file: the desk's evaluations send the four triggers to a
 * stand-in Admin GraphQL API (flowTriggerReceive) once each, retried through the queue when Shopify answers 429 or
 * 5xx; the "Open a Shipwatch case" action is accepted only when signed by Shopify, for the signing shop's orders.
 */
describe("Shopify Flow (integration)", () => {
  // Thursday 26 November 2026, 10:00 New York
  const clock = fixedClock("2026-11-26T15:00:00Z");
  let fake: FakeProviders;
  let app: TestApp;
  beforeAll(async () => {
    fake = await startFakeProviders({ shopify: { unusedFlowTriggers: [FLOW_TRIGGERS.delayDetected] } });
    app = await startTestApp({ clock, env: { SHOPIFY_ADMIN_API_BASE: fake.shopifyAdminApiBase, NOTIFY_TIMEOUT_MS: "2000" } });
    // alpha's merchant enables a workflow on each trigger: Flow tells the app so, signed (bravo enables none)
    for (const trigger of Object.values(FLOW_TRIGGERS)) expect((await postLifecycle(lifecycleBody(SHOP_A, trigger, true, "2026-11-20T10:00:00Z"))).status).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  const lifecycleBody = (shop: string, trigger: string, enabled: boolean, timestamp: string) =>
    JSON.stringify({ flow_trigger_definition_id: trigger, has_enabled_flow: enabled, shop_id: 1, shopify_domain: shop, timestamp });
  const postLifecycle = (body: string, secret: string | null = TEST_SECRET) =>
    fetch(`${app.url}/flow/lifecycle`, { method: "POST", headers: { "content-type": "application/json", ...(secret ? { "x-shopify-hmac-sha256": signWebhook(body, secret) } : {}) }, body });
  const uses = (shop: string) => app.db.selectFrom("FlowTriggerUse").select(["trigger", "enabled", "changedAt"]).where("shop", "=", shop).orderBy("trigger").execute();

  async function advance(ms: number) {
    clock.advance(ms);
    for (let i = 0; i < 3; i++) {
      app.container.queue.wake?.();
      await app.settle();
    }
  }

  /** an order placed (and shipped the same afternoon) on `day`: before 19 November, it is past the 5-business-day promise */
  async function ship(name: string, tracking: string, events: { status: string; message: string; happened_at: string }[], day = "2026-11-23") {
    const shop = SHOP_A;
    const order = orderPayload({ id: newId(), name, created_at: `${day}T09:00:00-05:00`, updated_at: `${day}T09:00:00-05:00` });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: "Canada Post", tracking_number: tracking, tracking_numbers: [tracking], tracking_urls: [], created_at: `${day}T14:00:00-05:00`, updated_at: `${day}T14:00:00-05:00` });
    expect((await app.sendWebhook("orders/create", order, { shop })).status).toBe(200);
    for (const e of events) expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, e), { shop })).status).toBe(200);
    await app.settle();
    expect((await app.sendWebhook("fulfillments/create", f, { shop })).status).toBe(200);
    await app.settle();
    const event = async (e: { status: string; message: string; happened_at: string }) => {
      expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, e), { shop })).status).toBe(200);
      await app.settle();
    };
    return { order, fulfillment: f, event };
  }

  const sent = (handle?: string) => fake.flowTriggers().filter((t) => !handle || t.handle === handle);
  const casesOf = (shop: string, orderId: number) =>
    app.db.selectFrom("ExceptionCase").select(["id", "type", "owner", "priority", "status", "shipmentId", "ruleId", "ruleName"]).where("shop", "=", shop).where("orderId", "=", String(orderId)).orderBy("id").execute();

  let first: Awaited<ReturnType<typeof ship>>;

  it("an exception opening sends one 'exception opened' trigger with the order, case type, owner and tracking number", async () => {
    first = await ship("#8101", "7316213581069001", [
      { status: "in_transit", message: "Item processed", happened_at: "2026-11-13T10:00:00-05:00" },
      { status: "failure", message: "Incorrect address - unable to deliver", happened_at: "2026-11-26T09:30:00-05:00" },
    ], "2026-11-12");
    const cases = await casesOf(SHOP_A, first.order.id);
    expect(cases.map((c) => c.type).sort()).toEqual(["address_issue", "late"]);
    const address = cases.find((c) => c.type === "address_issue");
    const opened = sent(FLOW_TRIGGERS.exceptionOpened);
    expect(opened.map((t) => t.payload["Case ID"]).sort()).toEqual(cases.map((c) => c.id).sort());
    const trigger = opened.find((t) => t.payload["Case ID"] === address!.id)!;
    expect(trigger.payload).toMatchObject({
      order_id: first.order.id,
      "Case type": "address_issue",
      "Owner team": address!.owner,
      Priority: address!.priority,
      "Tracking number": "7316213581069001",
      Carrier: "Canada Post",
      "Case link": `https://admin.shopify.com/store/alpha-goods/apps/shipwatch/app/exceptions/${address!.id}`,
    });
    // the payload is exactly the extension's fields
    expect(Object.keys(trigger.payload).sort()).toEqual(payloadKeysOf(readExtension("flow-exception-opened")));
    // support sees in the case's trail that Flow was told
    const trail = await app.db.selectFrom("CaseActivity").select(["kind", "actor"]).where("caseId", "=", address!.id).orderBy("id").execute();
    expect(trail).toContainEqual({ kind: `flow:${FLOW_TRIGGERS.exceptionOpened}`, actor: "shopify_flow" });
  });

  it("evaluating the same shipment again, once or concurrently, sends nothing more", async () => {
    const before = fake.flowTriggers().length;
    const [c] = await casesOf(SHOP_A, first.order.id);
    const desk = app.container.services.desk;
    await desk.evaluateShipment(SHOP_A, c!.shipmentId!);
    await Promise.all(Array.from({ length: 4 }, () => desk.evaluateShipment(SHOP_A, c!.shipmentId!)));
    await desk.sweep();
    await advance(60_000);
    expect(fake.flowTriggers().length).toBe(before);
    expect(await app.container.queue.listParked({ shop: SHOP_A })).toEqual([]);
  });

  it("a delay is told as a delay too; a trigger no workflow uses counts as told, not as a failure", async () => {
    const late = (await casesOf(SHOP_A, first.order.id)).filter((c) => ["late", "stalled", "not_picked_up", "customs_hold"].includes(c.type));
    expect(late.map((c) => c.type)).toEqual(["late"]);
    // the stand-in answers "no enabled workflows" for the delay trigger: nothing accepted, nothing parked
    expect(sent(FLOW_TRIGGERS.delayDetected)).toEqual([]);
    const delayCalls = fake.requests("shopify").filter((r) => r.body.includes(FLOW_TRIGGERS.delayDetected));
    expect(delayCalls.length).toBe(late.length);
    const payload = (JSON.parse(delayCalls[0]!.body) as { variables: { payload: Record<string, unknown> } }).variables.payload;
    expect(payload).toMatchObject({ order_id: first.order.id, Delay: "late", "Case type": "late" });
    expect(Object.keys(payload).sort()).toEqual(payloadKeysOf(readExtension("flow-delay-detected")));
    for (const c of late) {
      const marks = await app.db.selectFrom("CaseActivity").select("kind").where("caseId", "=", c.id).where("kind", "=", `flow:${FLOW_TRIGGERS.delayDetected}`).execute();
      expect(marks).toHaveLength(1);
    }
    expect(await app.container.queue.listParked({ shop: SHOP_A })).toEqual([]);
  });

  it("the parcel recovering resolves the case and sends 'exception resolved' once", async () => {
    await first.event({ status: "in_transit", message: "Item processed", happened_at: "2026-11-26T09:50:00-05:00" });
    await advance(1_000);
    const address = (await casesOf(SHOP_A, first.order.id)).find((c) => c.type === "address_issue")!;
    expect(address.status).toBe("resolved");
    const resolved = sent(FLOW_TRIGGERS.exceptionResolved);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.payload).toMatchObject({ order_id: first.order.id, "Case ID": address.id, "Case type": "address_issue", Resolution: "waited", "Resolved by": "shipwatch" });
    expect(Object.keys(resolved[0]!.payload).sort()).toEqual(payloadKeysOf(readExtension("flow-exception-resolved")));
    await app.container.services.desk.evaluateShipment(SHOP_A, address.shipmentId!);
    await advance(1_000);
    expect(sent(FLOW_TRIGGERS.exceptionResolved)).toHaveLength(1);
  });

  it("a delivery sends 'shipment delivered' once, and marks the shipment told", async () => {
    await first.event({ status: "delivered", message: "Delivered", happened_at: "2026-11-26T09:55:00-05:00" });
    await advance(1_000);
    const delivered = sent(FLOW_TRIGGERS.delivered);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.payload).toMatchObject({ order_id: first.order.id, "Tracking number": "7316213581069001", "Delivered at": "2026-11-26T14:55:00.000Z" });
    expect(Object.keys(delivered[0]!.payload).sort()).toEqual(payloadKeysOf(readExtension("flow-shipment-delivered")));
    const shipment = await app.db.selectFrom("Shipment").select(["id", "rolledUp"]).where("shipmentKey", "=", "7316213581069001").executeTakeFirstOrThrow();
    expect(shipment.rolledUp & ROLLED_UP_FLOW_DELIVERED).toBe(ROLLED_UP_FLOW_DELIVERED);
    await app.container.services.desk.evaluateShipment(SHOP_A, shipment.id);
    await advance(1_000);
    expect(sent(FLOW_TRIGGERS.delivered)).toHaveLength(1);
  });

  it("Shopify answering 429, then 503, is retried by the queue until the trigger is accepted, once", async () => {
    fake.failNext("shopify", 1, { status: 429, retryAfter: 1 });
    fake.failNext("shopify", 1, { status: 503 });
    const calls = fake.requests("shopify").length;
    const second = await ship("#8102", "7316213581069019", [{ status: "failure", message: "Package damaged in transit", happened_at: "2026-11-26T09:40:00-05:00" }]);
    const damaged = (await casesOf(SHOP_A, second.order.id)).find((c) => c.type === "damaged")!;
    expect(damaged).toBeDefined();
    for (let i = 0; i < 4 && !sent(FLOW_TRIGGERS.exceptionOpened).some((t) => t.payload["Case ID"] === damaged.id); i++) await advance(120_000);
    const statuses = fake.requests("shopify").slice(calls).map((r) => r.status);
    expect(statuses.slice(0, 2)).toEqual([429, 503]);
    expect(sent(FLOW_TRIGGERS.exceptionOpened).filter((t) => t.payload["Case ID"] === damaged.id)).toHaveLength(1);
    expect(await app.container.queue.listParked({ shop: SHOP_A })).toEqual([]);
  });

  // ---- the action: POST /flow/actions/open-case

  const actionBody = (shop: string, properties: Record<string, unknown>) =>
    JSON.stringify({ shop_id: "1", shopify_domain: shop, action_run_id: `run-${newId()}`, action_definition_id: "shipwatch-open-case", handle: "shipwatch-open-case", properties });
  const postAction = (body: string, secret: string | null = TEST_SECRET) =>
    fetch(`${app.url}/flow/actions/open-case`, { method: "POST", headers: { "content-type": "application/json", ...(secret ? { "x-shopify-hmac-sha256": signWebhook(body, secret) } : {}) }, body });

  let third: Awaited<ReturnType<typeof ship>>;

  it("a forged or unsigned action request is refused with 401, and no case is written", async () => {
    third = await ship("#8103", "7316213581069027", [{ status: "in_transit", message: "Item processed", happened_at: "2026-11-25T10:00:00-05:00" }]);
    const count = async () => Number((await app.db.selectFrom("ExceptionCase").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    const body = actionBody(SHOP_A, { order_id: String(third.order.id), case_type: "damaged", owner_team: "support", note: "forged" });
    expect((await postAction(body, "not-the-app-secret")).status).toBe(401);
    expect((await postAction(body, null)).status).toBe(401);
    // a signature of another body
    const other = await fetch(`${app.url}/flow/actions/open-case`, { method: "POST", headers: { "x-shopify-hmac-sha256": signWebhook("{}", TEST_SECRET) }, body });
    expect(other.status).toBe(401);
    expect(await count()).toBe(before);
  });

  it("bad fields get 400 naming them", async () => {
    const res = await postAction(actionBody(SHOP_A, { order_id: "#8103", case_type: "broken", owner_team: "marketing" }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fields: Record<string, string> };
    expect(Object.keys(body.fields).sort()).toEqual(["properties.case_type", "properties.order_id", "properties.owner_team"]);
    expect(body.fields["properties.case_type"]).toContain("damaged");
    expect((await postAction(JSON.stringify({ shopify_domain: "not a shop", properties: {} }))).status).toBe(400);
  });

  it("a signed action opens a case on the order's shipment, with the note, in the team's queue", async () => {
    const note = "Customer emailed photos of a crushed box.";
    const body = actionBody(SHOP_A, { order_id: String(third.order.id), case_type: "Damaged", owner_team: "operations", priority: "high", note });
    const res = await postAction(body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { ok: boolean; cases: { id: number; opened: boolean }[] };
    expect(answer.cases).toHaveLength(1);
    expect(answer.cases[0]!.opened).toBe(true);
    const desk = app.container.services.desk;
    const queue = await desk.queue(SHOP_A, { status: "open", owner: "operations" });
    const c = queue.cases.find((x) => x.id === answer.cases[0]!.id)!;
    expect(c).toMatchObject({ type: "damaged", owner: "operations", priority: "high", orderName: "#8103", trackingNumber: "7316213581069027", ruleName: "Shopify Flow" });
    const file = await desk.caseFile(SHOP_A, c.id);
    expect(file!.activities.map((a) => [a.kind, a.detail])).toContainEqual(["note", note]);
    // Flow sending the same run again (our answer lost) adds no second case and no second note
    expect((await postAction(body)).status).toBe(200);
    const again = await desk.caseFile(SHOP_A, c.id);
    expect(again!.activities.filter((a) => a.kind === "note")).toHaveLength(1);
    expect((await casesOf(SHOP_A, third.order.id)).filter((x) => x.type === "damaged")).toHaveLength(1);
  });

  it("a person resolving a case sends 'exception resolved' with who resolved it and how", async () => {
    const damaged = (await casesOf(SHOP_A, third.order.id)).find((c) => c.type === "damaged")!;
    expect(await app.container.services.desk.resolve(SHOP_A, damaged.id, "reshipped", "ana@alpha-goods.test")).toEqual({ ok: true, status: "resolved" });
    await advance(1_000);
    const told = sent(FLOW_TRIGGERS.exceptionResolved).filter((t) => t.payload["Case ID"] === damaged.id);
    expect(told).toHaveLength(1);
    expect(told[0]!.payload).toMatchObject({ order_id: third.order.id, "Case type": "damaged", "Owner team": "operations", Resolution: "reshipped", "Resolved by": "ana@alpha-goods.test" });
  });

  it("an order with no watched shipment gets a message Flow shows; another shop cannot touch this shop's order", async () => {
    const unfulfilled = orderPayload({ id: newId(), name: "#8104" });
    expect((await app.sendWebhook("orders/create", unfulfilled)).status).toBe(200);
    await app.settle();
    const none = await postAction(actionBody(SHOP_A, { order_id: String(unfulfilled.id), case_type: "late", owner_team: "support" }));
    expect(none.status).toBe(422);
    expect(((await none.json()) as { message: string }).message).toMatch(/no shipment/);
    // signed by Shopify for bravo: the order id is alpha's, and the shop is the signed one
    const before = await casesOf(SHOP_A, third.order.id);
    const cross = await postAction(actionBody(SHOP_B, { order_id: String(third.order.id), case_type: "lost", owner_team: "support", note: "from bravo" }));
    expect(cross.status).toBe(422);
    expect(await casesOf(SHOP_A, third.order.id)).toEqual(before);
    expect(await casesOf(SHOP_B, third.order.id)).toEqual([]);
  });

  it("a forged lifecycle callback is 401 and records nothing; bad fields get 400 naming them", async () => {
    const before = await uses(SHOP_B);
    const body = lifecycleBody(SHOP_B, FLOW_TRIGGERS.exceptionOpened, true, "2026-11-26T10:00:00Z");
    expect((await postLifecycle(body, "not-the-app-secret")).status).toBe(401);
    expect((await postLifecycle(body, null)).status).toBe(401);
    expect(await uses(SHOP_B)).toEqual(before);
    const bad = await postLifecycle(JSON.stringify({ flow_trigger_definition_id: "add-row-to-sheet", has_enabled_flow: "yes", shopify_domain: "bravo", timestamp: "yesterday" }));
    expect(bad.status).toBe(400);
    const { fields } = (await bad.json()) as { fields: Record<string, string> };
    expect(Object.keys(fields).sort()).toEqual(["flow_trigger_definition_id", "has_enabled_flow", "shopify_domain", "timestamp"]);
    expect(fields.flow_trigger_definition_id).toContain(FLOW_TRIGGERS.exceptionOpened);
    expect(await uses(SHOP_B)).toEqual(before);
  });

  it("a shop whose workflows use no Shipwatch trigger costs no Flow call, and one turned off stops its trigger", async () => {
    // bravo never enabled a workflow: its exception opens, and Shopify hears nothing of it
    const calls = () => fake.requests("shopify").filter((r) => r.body.includes("flowTriggerReceive")).length;
    const before = calls();
    const order = orderPayload({ id: newId(), name: "#8201", created_at: "2026-11-24T09:00:00-05:00", updated_at: "2026-11-24T09:00:00-05:00" });
    const f = fulfillmentPayload(order.id, { name: "#8201.1", tracking_company: "Canada Post", tracking_number: "7316213581069101", tracking_numbers: ["7316213581069101"], tracking_urls: [], created_at: "2026-11-24T14:00:00-05:00", updated_at: "2026-11-24T14:00:00-05:00" });
    expect((await app.sendWebhook("orders/create", order, { shop: SHOP_B })).status).toBe(200);
    expect((await app.sendWebhook("fulfillments/create", f, { shop: SHOP_B })).status).toBe(200);
    expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "failure", message: "Incorrect address - unable to deliver", happened_at: "2026-11-26T08:00:00-05:00" }), { shop: SHOP_B })).status).toBe(200);
    await advance(1_000);
    expect((await casesOf(SHOP_B, order.id)).map((c) => c.type)).toContain("address_issue");
    expect(calls()).toBe(before);

    // alpha turns off its "exception opened" workflow; a callback older than that (delivered late) changes nothing
    expect(await (await postLifecycle(lifecycleBody(SHOP_A, FLOW_TRIGGERS.exceptionOpened, false, "2026-11-26T12:00:00Z"))).json()).toEqual({ ok: true, recorded: true });
    expect(await (await postLifecycle(lifecycleBody(SHOP_A, FLOW_TRIGGERS.exceptionOpened, true, "2026-11-26T11:00:00Z"))).json()).toEqual({ ok: true, recorded: false });
    expect((await uses(SHOP_A)).find((u) => u.trigger === FLOW_TRIGGERS.exceptionOpened)).toMatchObject({ enabled: 0 });
    // the editor's name for the trigger names it too
    expect((await postLifecycle(lifecycleBody(SHOP_A, "Shipwatch shipment delivered", true, "2026-11-26T12:00:00Z"))).status).toBe(200);
    const opened = sent(FLOW_TRIGGERS.exceptionOpened).length;
    const next = await ship("#8105", "7316213581069043", [{ status: "failure", message: "Package damaged", happened_at: "2026-11-26T09:00:00-05:00" }]);
    await advance(1_000);
    expect((await casesOf(SHOP_A, next.order.id)).map((c) => c.type)).toContain("damaged");
    expect(sent(FLOW_TRIGGERS.exceptionOpened)).toHaveLength(opened);
    // turned on again: the next case is told
    expect((await postLifecycle(lifecycleBody(SHOP_A, FLOW_TRIGGERS.exceptionOpened, true, "2026-11-26T13:00:00Z"))).status).toBe(200);
    const again = await ship("#8106", "7316213581069050", [{ status: "failure", message: "Package damaged", happened_at: "2026-11-26T09:00:00-05:00" }]);
    await advance(1_000);
    const damaged = (await casesOf(SHOP_A, again.order.id)).find((c) => c.type === "damaged")!;
    expect(sent(FLOW_TRIGGERS.exceptionOpened).filter((t) => t.payload["Case ID"] === damaged.id)).toHaveLength(1);
  });

  it("the extensions' TOML parses, with valid handles, and the action and the lifecycle callback point at their endpoints", () => {
    const lifecycle = readExtension("flow-lifecycle").extensions;
    expect(lifecycle).toHaveLength(1);
    expect(lifecycle[0]!.type).toBe("flow_trigger_lifecycle_callback");
    expect(new URL(lifecycle[0]!.runtime_url!).pathname).toBe("/flow/lifecycle");
    const dirs = fs.readdirSync(path.resolve("extensions")).filter((d) => d.startsWith("flow-") && d !== "flow-lifecycle");
    const byHandle = new Map(dirs.map((d) => [readExtension(d).extensions[0]!.handle, readExtension(d)]));
    expect([...byHandle.keys()].sort()).toEqual([...Object.values(FLOW_TRIGGERS), "shipwatch-open-case"].sort());
    for (const [handle, ext] of byHandle) {
      expect(handle).toMatch(/^[a-z0-9-]{1,30}$/);
      expect(ext.extensions).toHaveLength(1);
      expect(ext.settings.fields.filter((f) => f.type === "order_reference")).toHaveLength(1);
      for (const f of ext.settings.fields) if (f.type !== "order_reference") expect(f.key, `${handle}: every field has a key`).toBeTruthy();
    }
    for (const handle of Object.values(FLOW_TRIGGERS)) expect(byHandle.get(handle)!.extensions[0]!.type).toBe("flow_trigger");
    const action = byHandle.get("shipwatch-open-case")!;
    expect(action.extensions[0]!.type).toBe("flow_action");
    expect(new URL(action.extensions[0]!.runtime_url!).pathname).toBe("/flow/actions/open-case");
    expect(action.settings.fields.map((f) => f.key ?? "order_id").sort()).toEqual(["case_type", "note", "order_id", "owner_team", "priority"]);
  });
});
