import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorLabel } from "~/components/case-words";
import { staffMemberOf } from "~/components/staff";
import { fixedClock } from "~/domain/clock";
import { PRIORITIES } from "~/domain/rules";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The admin as support works from it, on a real SQLite database: the queue found by order, tracking number or
 * the customer's email (one shop's cases only), most urgent first; cases handed to another team with a note;
 * a shipment's open cases and customer; and staff named as Shopify named them.
 */
describe("support's admin (integration, real SQLite)", () => {
  // Monday 16 November 2026, 10:00 New York
  const clock = fixedClock("2026-11-16T15:00:00Z");
  const HOUR = 3_600_000;
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app?.close());

  const desk = () => app.container.services.desk;
  const ADDRESS_PROBLEM = [{ status: "failure", message: "Incorrect address - unable to deliver", happened_at: "2026-11-16T09:30:00-05:00" }];
  const DAMAGED = [{ status: "failure", message: "Package damaged in transit", happened_at: "2026-11-16T08:00:00-05:00" }];

  async function ship(shop: string, name: string, tracking: string, email: string, events: { status: string; message: string; happened_at: string }[]) {
    const order = orderPayload({ id: newId(), name, email, created_at: "2026-11-12T09:00:00-05:00", updated_at: "2026-11-12T09:00:00-05:00" });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: "Canada Post", tracking_number: tracking, tracking_numbers: [tracking], tracking_urls: [], created_at: "2026-11-12T14:00:00-05:00", updated_at: "2026-11-12T14:00:00-05:00" });
    await app.sendWebhook("orders/create", order, { shop });
    for (const e of events) await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, e), { shop });
    await app.settle();
    await app.sendWebhook("fulfillments/create", f, { shop });
    await app.settle();
    const shipment = await app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
    return { order, shipment };
  }
  const caseOf = async (shop: string, tracking: string, type: string) =>
    (await desk().queue(shop, { status: "all", limit: 500 })).cases.find((c) => c.trackingNumber === tracking && c.type === type)!;

  describe("searching the queue", () => {
    beforeAll(async () => {
      await ship(SHOP_A, "#8001", "7316213581064601", "Maya.Chen@Example.com", ADDRESS_PROBLEM);
      await ship(SHOP_A, "#8002", "7316213581064619", "leo.park@example.com", DAMAGED);
      await ship(SHOP_A, "#9100", "7316213581064627", "ines.roy@example.com", DAMAGED);
      // another store: an order of the same name, for the same email, with a problem of its own
      await ship(SHOP_B, "#8001", "7316213581064635", "maya.chen@example.com", ADDRESS_PROBLEM);
    });
    const found = async (shop: string, search: string) =>
      (await desk().queue(shop, { status: "open", search, limit: 100 })).cases.map((c) => [c.shop, c.orderName, c.trackingNumber]);

    it("finds cases by order name, with or without #, and by the start of a name; never another shop's", async () => {
      for (const search of ["#8001", "8001", " #8001 "]) {
        expect(await found(SHOP_A, search), search).toEqual([[SHOP_A, "#8001", "7316213581064601"]]);
      }
      expect((await found(SHOP_A, "#800")).map(([, name]) => name).sort()).toEqual(["#8001", "#8002"]);
      expect(await found(SHOP_B, "8001")).toEqual([[SHOP_B, "#8001", "7316213581064635"]]);
      expect(await found(SHOP_A, "#7")).toEqual([]);
    });

    it("finds cases by tracking number, however it was typed, and only in full", async () => {
      expect(await found(SHOP_A, "7316 2135 8106 4619")).toEqual([[SHOP_A, "#8002", "7316213581064619"]]);
      expect(await found(SHOP_A, "7316213581064635")).toEqual([]);
      expect(await found(SHOP_A, "73162135810646")).toEqual([]);
    });

    it("finds cases by the customer's email, in any case and only exactly; another shop's customer of the same email stays there", async () => {
      expect(await found(SHOP_A, "MAYA.chen@example.COM")).toEqual([[SHOP_A, "#8001", "7316213581064601"]]);
      expect(await found(SHOP_B, "maya.chen@example.com")).toEqual([[SHOP_B, "#8001", "7316213581064635"]]);
      expect(await found(SHOP_A, "maya.chen@example")).toEqual([]);
      expect(await found(SHOP_A, "%@example.com")).toEqual([]);
      // the total says the same as the page
      expect((await desk().queue(SHOP_A, { status: "open", search: "leo.park@example.com", limit: 0 })).total).toBe(1);
    });

    it("a search narrows a view and filters like any other (Support's cases of that order only)", async () => {
      expect((await desk().queue(SHOP_A, { status: "open", owner: "support", search: "#8002" })).cases).toEqual([]);
      expect((await desk().queue(SHOP_A, { status: "open", owner: "fulfillment", search: "#8002" })).cases.map((c) => c.type)).toEqual(["damaged"]);
    });
  });

  describe("the urgency sort", () => {
    it("orders by priority (urgent first), then the SLA due soonest (none last), then the oldest opened", async () => {
      // a shop of its own, so the order is only these cases'
      const shop = "urgency-sort.myshopify.com";
      await app.container.installLocally(shop);
      const shipped = [];
      for (let i = 0; i < 7; i++) shipped.push(await ship(shop, `#60${i}`, `73162135810660${10 + i}`, `c${i}@example.com`, DAMAGED));
      const ids = await Promise.all(shipped.map(async (s) => (await caseOf(shop, s.shipment.trackingNumber!, "damaged")).id));
      const now = clock.now();
      // each case's standing, set on the stored row: [priority, due, opened]
      const standing: [(typeof PRIORITIES)[number], number | null, number][] = [
        ["normal", now + 2 * HOUR, now - 5 * HOUR],
        ["urgent", null, now - 9 * HOUR],
        ["high", now + HOUR, now - HOUR],
        ["urgent", now + 3 * HOUR, now - 2 * HOUR],
        ["urgent", now + 3 * HOUR, now - 4 * HOUR],
        ["low", now - HOUR, now - 20 * HOUR],
        ["urgent", now - 2 * HOUR, now - 3 * HOUR],
      ];
      for (const [i, [priority, dueAt, openedAt]] of standing.entries()) await app.db.updateTable("ExceptionCase").set({ priority, dueAt, openedAt }).where("id", "=", ids[i]!).execute();

      const order = async (sort: "urgency" | "least_urgent" | "newest" | "oldest" | undefined) =>
        (await desk().queue(shop, { status: "open", ...(sort ? { sort } : {}) })).cases.map((c) => ids.indexOf(c.id));
      // urgent: overdue, then due in 3 h (the older of the two first), then no deadline; high; normal; low
      expect(await order("urgency")).toEqual([6, 4, 3, 1, 2, 0, 5]);
      expect(await order("least_urgent")).toEqual([5, 0, 2, 1, 3, 4, 6]);
      expect(await order("newest")).toEqual([2, 3, 6, 4, 0, 1, 5]);
      expect(await order(undefined)).toEqual(await order("newest"));
      expect(await order("oldest")).toEqual([5, 1, 0, 4, 6, 3, 2]);
      // pages cut the same order
      const second = (await desk().queue(shop, { status: "open", sort: "urgency", limit: 3, offset: 3 })).cases.map((c) => ids.indexOf(c.id));
      expect(second).toEqual([1, 2, 0]);
    });
  });

  describe("handing a case to another team", () => {
    it("moves it to the team (the Operations view lists it), unassigned, with the note and both teams on the trail", async () => {
      const { shipment } = await ship(SHOP_A, "#8101", "7316213581064643", "sam.ode@example.com", ADDRESS_PROBLEM);
      const c = await caseOf(SHOP_A, shipment.trackingNumber!, "address_issue");
      expect(c.owner).toBe("support");
      expect(await desk().assign(SHOP_A, c.id, "ana@alpha-goods.test", "ana@alpha-goods.test")).toMatchObject({ ok: true });
      const opsBefore = (await desk().queue(SHOP_A, { status: "open", owner: "operations", limit: 0 })).total;

      expect(await desk().handOff(SHOP_A, c.id, "operations", "The warehouse relabels it: wrong flat number on the label.", "ana@alpha-goods.test")).toEqual({ ok: true, status: "open" });
      const after = await app.container.repositories.cases.get(SHOP_A, c.id);
      expect(after).toMatchObject({ owner: "operations", assignee: null, status: "open" });
      const operations = await desk().queue(SHOP_A, { status: "open", owner: "operations", limit: 100 });
      expect(operations.total).toBe(opsBefore + 1);
      expect(operations.cases.map((x) => x.id)).toContain(c.id);
      expect((await desk().queue(SHOP_A, { status: "open", owner: "support", limit: 500 })).cases.map((x) => x.id)).not.toContain(c.id);

      const trail = await app.db.selectFrom("CaseActivity").select(["kind", "actor", "detail"]).where("shop", "=", SHOP_A).where("caseId", "=", c.id).orderBy("id").execute();
      expect(trail.at(-1)).toEqual({ kind: "handed_off", actor: "ana@alpha-goods.test", detail: "Handed from support to operations: The warehouse relabels it: wrong flat number on the label." });
    });

    it("refuses a hand-off to the team that has it, of a resolved case, and of another shop's case, writing nothing", async () => {
      const { shipment } = await ship(SHOP_A, "#8102", "7316213581064650", "kim.lo@example.com", ADDRESS_PROBLEM);
      const c = await caseOf(SHOP_A, shipment.trackingNumber!, "address_issue");
      const trail = () => app.db.selectFrom("CaseActivity").select("kind").where("caseId", "=", c.id).execute();
      const before = await trail();
      expect(await desk().handOff(SHOP_A, c.id, "support", "again", "ana")).toEqual({ ok: false, reason: "same_owner" });
      expect(await desk().handOff(SHOP_B, c.id, "finance", "not mine", "mallory")).toEqual({ ok: false, reason: "not_found" });
      expect(await trail()).toEqual(before);
      expect(await desk().resolve(SHOP_A, c.id, "contacted_customer", "ana")).toMatchObject({ ok: true });
      expect(await desk().handOff(SHOP_A, c.id, "finance", "refund it", "ana")).toEqual({ ok: false, reason: "already_resolved" });
      expect((await app.container.repositories.cases.get(SHOP_A, c.id))?.owner).toBe("support");
    });

    it("two hand-offs at once: one wins, the other is told the case changed, and the trail names the team it really left", async () => {
      const { shipment } = await ship(SHOP_A, "#8103", "7316213581064668", "ola.n@example.com", ADDRESS_PROBLEM);
      const c = await caseOf(SHOP_A, shipment.trackingNumber!, "address_issue");
      const outcomes = await Promise.all([desk().handOff(SHOP_A, c.id, "finance", "refund", "ana"), desk().handOff(SHOP_A, c.id, "fulfillment", "reship", "ben")]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
      const handed = await app.db.selectFrom("CaseActivity").select("detail").where("caseId", "=", c.id).where("kind", "=", "handed_off").execute();
      expect(handed).toHaveLength(1);
      const owner = (await app.container.repositories.cases.get(SHOP_A, c.id))!.owner;
      expect(handed[0]!.detail).toMatch(new RegExp(`^Handed from support to ${owner}: `));
    });
  });

  describe("a shipment's page", () => {
    it("gets its open cases and the customer's contact from the order, of its own shop", async () => {
      const { shipment } = await ship(SHOP_A, "#8201", "7316213581064676", "maya.chen@example.com", ADDRESS_PROBLEM);
      const file = await desk().shipmentFile(SHOP_A, shipment);
      expect(file.cases.map((c) => [c.type, c.status, c.shipmentId])).toEqual([["address_issue", "open", shipment.id]]);
      expect(file.customer).toEqual({ name: "Maya Chen", email: "maya.chen@example.com", phone: "+16135550123" });
      // a resolved case is no longer listed; another shop asking for this shipment's order gets nothing
      await desk().resolve(SHOP_A, file.cases[0]!.id, "contacted_customer", "ana");
      expect((await desk().shipmentFile(SHOP_A, shipment)).cases).toEqual([]);
      expect(await desk().shipmentFile(SHOP_B, shipment)).toEqual({ cases: [], customer: null });
    });
  });

  describe("staff names", () => {
    async function signIn(shop: string, user: { id: number; first_name: string; last_name: string; email: string }, expiresAt = clock.now() + HOUR) {
      await app.container.shopify.sessionStorage!.storeSession(
        new Session({
          id: `${shop}_${user.id}`,
          shop,
          state: "",
          isOnline: true,
          scope: "read_orders",
          expires: new Date(expiresAt),
          accessToken: "online-token",
          onlineAccessInfo: {
            expires_in: 3600,
            associated_user_scope: "read_orders",
            associated_user: { ...user, email_verified: true, account_owner: false, locale: "en", collaborator: false },
          },
        }),
      );
    }

    it("names staff ids and emails from the same shop's online sessions, and leaves the rest to the stored text", async () => {
      await signIn(SHOP_A, { id: 42, first_name: "Priya", last_name: "Shah", email: "Priya.Shah@alpha-goods.test" });
      await signIn(SHOP_B, { id: 42, first_name: "Bruno", last_name: "Costa", email: "bruno@bravo.test" });
      await signIn(SHOP_B, { id: 43, first_name: "Ana", last_name: "Lima", email: "ana@alpha-goods.test" });
      const actors = ["staff:42", "priya.shah@alpha-goods.test", "staff:7", "ana@alpha-goods.test", "shipwatch", "Ada Lovelace <ada@alpha-goods.test>", "staff:abc"];
      expect(await desk().staffNames(SHOP_A, actors)).toEqual({ "staff:42": "Priya Shah", "priya.shah@alpha-goods.test": "Priya Shah" });
      expect(await desk().staffNames(SHOP_B, actors)).toEqual({ "staff:42": "Bruno Costa", "ana@alpha-goods.test": "Ana Lima" });
      expect(await desk().staffNames(SHOP_A, [])).toEqual({});
    });

    it("a renamed user is shown by their newest session's name; the page falls back to the stored actor's own words", async () => {
      await app.db.insertInto("Session").values({ id: `${SHOP_A}_50_old`, shop: SHOP_A, state: "", isOnline: 1, accessToken: "t", userId: 50, firstName: "Jo", lastName: "Old", email: "jo@alpha-goods.test", expires: clock.now() - HOUR }).execute();
      await signIn(SHOP_A, { id: 50, first_name: "Jo", last_name: "New", email: "jo@alpha-goods.test" });
      const names = await desk().staffNames(SHOP_A, ["staff:50", "staff:51"]);
      expect(names).toEqual({ "staff:50": "Jo New" });
      expect(actorLabel("staff:50", "staff:1", names)).toBe("Jo New");
      expect(actorLabel("staff:51", "staff:1", names)).toBe("Staff member #51");
      expect(actorLabel("staff:50", "staff:50", names)).toBe("You");
      expect(actorLabel("Ada Lovelace <ada@alpha-goods.test>", "staff:1", names)).toBe("Ada Lovelace");
    });

    it("the signed-in member is recorded by their name and email when Shopify gave them, else by the token's user id", () => {
      const user = (fields: Record<string, string>) => ({ session: { onlineAccessInfo: { associated_user: fields } }, sessionToken: { sub: "42" } });
      expect(staffMemberOf(user({ first_name: "Priya", last_name: "Shah", email: "priya@alpha-goods.test" }))).toBe("Priya Shah <priya@alpha-goods.test>");
      expect(staffMemberOf(user({ first_name: "<Priya>", last_name: "", email: "priya@alpha-goods.test" }))).toBe("Priya <priya@alpha-goods.test>");
      expect(staffMemberOf(user({ email: "priya@alpha-goods.test" }))).toBe("priya@alpha-goods.test");
      expect(staffMemberOf(user({ first_name: "Priya" }))).toBe("staff:42");
      expect(staffMemberOf({ session: {}, sessionToken: { sub: "7" } })).toBe("staff:7");
      // and the trail still knows it is you, whichever form the action was stored in
      expect(actorLabel("priya@alpha-goods.test", "Priya Shah <priya@alpha-goods.test>")).toBe("You");
    });
  });
});
