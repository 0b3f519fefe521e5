import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";
import { createEvaluationStore } from "~/.server/adapters/evaluations";
import { toShipment } from "~/.server/adapters/shipments";
import type { CaseChanges } from "~/domain/rules";
import type { ShipmentRecord } from "~/.server/ports";
import { freshPostgresDatabase } from "../support/postgres";

/**
 * The evaluation store writes a whole batch in a few multi-row statements (cases, activities, intents, next
 * checks). What it must still do row by row: a shipment changed since it was read keeps its next check, a twin of
 * an open case is not opened again, a case resolved meanwhile is not resolved twice, and each shipment's intents
 * name its own first case. On both databases.
 */
const SHOP = "store-a.myshopify.com";
const OTHER = "store-b.myshopify.com";
const AT = Date.parse("2026-11-25T17:00:00Z");
const HOUR = 3_600_000;

function noChanges(nextCheckAt: number | null): CaseChanges {
  return { open: [], raise: [], resolve: [], intents: [], nextCheckAt, promisedBy: null };
}

function stalledCase(ruleId: number) {
  return { type: "stalled" as const, owner: "support" as const, priority: "high" as const, slaHours: 24, rule: { id: ruleId, name: "Stalled" }, reason: "No scan for 3 days", checks: [], dueAt: AT + 24 * HOUR, holdMessages: false, openedOnState: "in_transit" };
}

for (const dialect of ["sqlite", "postgres"] as const) {
  describe(`the evaluation store on ${dialect}`, () => {
    let database: Database;
    let drop: (() => Promise<void>) | null = null;
    let dir: string | null = null;

    beforeAll(async () => {
      if (dialect === "postgres") {
        const pg = await freshPostgresDatabase("shipwatch_evals");
        drop = pg.drop;
        database = openDatabase({ dialect: "postgres", url: pg.url });
      } else {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "evals-"));
        database = openDatabase({ dialect: "sqlite", path: path.join(dir, "db.sqlite") });
      }
      await migrate(database);
    });
    afterAll(async () => {
      await database?.close();
      await drop?.();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function shipment(shop: string, n: number, nextCheckAt: number | null): Promise<ShipmentRecord> {
      const row = await database.db
        .insertInto("Shipment")
        .values({ shop, shipmentKey: `1ZEVAL${n}`, fulfillmentId: `f${n}`, orderId: `o${n}`, orderName: `#${n}`, trackingNumber: `1ZEVAL${n}`, carrierCode: "ups", carrierName: "UPS", carrierSource: "named", status: "in_transit", lastEventAt: AT - 72 * HOUR, shippedAt: AT - 96 * HOUR, nextCheckAt, createdAt: AT - 96 * HOUR, updatedAt: AT - 72 * HOUR })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toShipment(row);
    }
    const read = async (id: number) => database.db.selectFrom("Shipment").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

    it("moves each next check and promise, but not of a shipment changed since it was read", async () => {
      const store = createEvaluationStore(database);
      const kept = await shipment(SHOP, 1, AT - 60_000);
      const neverChecked = await shipment(SHOP, 2, null);
      const changed = await shipment(SHOP, 3, AT - 60_000);
      const dueAgain = await shipment(SHOP, 4, AT + HOUR);
      const otherShop = await shipment(OTHER, 5, AT - 60_000);
      // after they were read: a scan arrived for one, an order made another due now
      await database.db.updateTable("Shipment").set({ updatedAt: AT - 1_000, eventCount: 1, nextCheckAt: AT }).where("id", "=", changed.id).execute();
      await database.db.updateTable("Shipment").set({ nextCheckAt: AT }).where("id", "=", dueAgain.id).execute();

      await store.apply(
        SHOP,
        [kept, neverChecked, changed, dueAgain, otherShop].map((s, i) => ({ shipment: s, changes: { ...noChanges(AT + (i + 1) * HOUR), promisedBy: AT + 48 * HOUR } })),
        AT,
      );
      expect(await read(kept.id)).toMatchObject({ nextCheckAt: AT + HOUR, promisedBy: AT + 48 * HOUR });
      expect(await read(neverChecked.id)).toMatchObject({ nextCheckAt: AT + 2 * HOUR, promisedBy: AT + 48 * HOUR });
      expect(await read(changed.id)).toMatchObject({ nextCheckAt: AT, promisedBy: null });
      expect(await read(dueAgain.id)).toMatchObject({ nextCheckAt: AT, promisedBy: null });
      // another shop's shipment is never written through this shop's evaluation
      expect(await read(otherShop.id)).toMatchObject({ nextCheckAt: AT - 60_000, promisedBy: null });

      // a next check can be cleared (a delivered parcel needs none)
      await store.apply(SHOP, [{ shipment: toShipment(await read(kept.id)), changes: noChanges(null) }], AT);
      expect((await read(kept.id)).nextCheckAt).toBeNull();
    });

    it("opens cases once, in the order planned, with their activities, and intents name their shipment's first case", async () => {
      const store = createEvaluationStore(database);
      const a = await shipment(SHOP, 11, AT - 60_000);
      const b = await shipment(SHOP, 12, AT - 60_000);
      const intent = (ruleId: number) => ({ kind: "alert_internal" as const, ruleId, payload: { team: "support" } });
      const plan = (s: ShipmentRecord, ruleId: number): { shipment: ShipmentRecord; changes: CaseChanges } => ({
        shipment: s,
        changes: { ...noChanges(AT + HOUR), open: [stalledCase(ruleId), { ...stalledCase(ruleId + 1), type: "lost" as const, reason: "Lost" }], intents: [intent(ruleId)] },
      });
      const opened = await store.apply(SHOP, [plan(a, 100), plan(b, 200)], AT);
      expect(opened.map((c) => [c.shipmentId, c.type])).toEqual([
        [a.id, "stalled"],
        [a.id, "lost"],
        [b.id, "stalled"],
        [b.id, "lost"],
      ]);
      const activities = await database.db.selectFrom("CaseActivity").select(["caseId", "kind", "detail"]).where("shop", "=", SHOP).orderBy("id").execute();
      expect(activities).toEqual(opened.map((c) => ({ caseId: c.id, kind: "opened", detail: c.type === "lost" ? "Lost" : "No scan for 3 days" })));
      const intents = await database.db.selectFrom("RuleIntent").select(["shipmentId", "caseId", "ruleId"]).where("shop", "=", SHOP).orderBy("ruleId").execute();
      expect(intents).toEqual([
        { shipmentId: a.id, caseId: opened[0]!.id, ruleId: 100 },
        { shipmentId: b.id, caseId: opened[2]!.id, ruleId: 200 },
      ]);

      // evaluated again before anything changed: the open cases are not opened twice, nor their intents
      const again = await store.apply(SHOP, [plan(a, 100), plan(b, 200)], AT + 1);
      expect(again).toEqual([]);
      expect(await database.db.selectFrom("ExceptionCase").select("id").where("shop", "=", SHOP).execute()).toHaveLength(4);
      expect(await database.db.selectFrom("CaseActivity").select("id").where("shop", "=", SHOP).execute()).toHaveLength(4);
      expect(await database.db.selectFrom("RuleIntent").select("id").where("shop", "=", SHOP).execute()).toHaveLength(2);
    });

    it("resolves each case once: one resolved meanwhile keeps its resolution and gets no second activity", async () => {
      const store = createEvaluationStore(database);
      const s = await shipment(SHOP, 21, AT - 60_000);
      const [first, second] = await store.apply(SHOP, [{ shipment: s, changes: { ...noChanges(AT + HOUR), open: [stalledCase(300), { ...stalledCase(301), type: "lost" as const }] } }], AT);
      // a person resolved the second one meanwhile
      await database.db.updateTable("ExceptionCase").set({ status: "resolved", openSlot: `closed:${second!.id}`, resolution: "refunded", resolvedBy: "staff:1", resolvedAt: AT + 1 }).where("id", "=", second!.id).execute();

      const later = AT + 2 * HOUR;
      await store.apply(SHOP, [{ shipment: toShipment(await read(s.id)), changes: { ...noChanges(null), resolve: [{ caseId: first!.id, why: "Moving again" }, { caseId: second!.id, why: "Moving again" }] } }], later);
      const cases = await database.db.selectFrom("ExceptionCase").select(["id", "status", "openSlot", "resolution", "resolvedBy", "resolvedAt"]).where("shipmentId", "=", s.id).orderBy("id").execute();
      expect(cases).toEqual([
        { id: first!.id, status: "resolved", openSlot: `closed:${first!.id}`, resolution: "waited", resolvedBy: "shipwatch", resolvedAt: later },
        { id: second!.id, status: "resolved", openSlot: `closed:${second!.id}`, resolution: "refunded", resolvedBy: "staff:1", resolvedAt: AT + 1 },
      ]);
      const resolvedActivities = await database.db.selectFrom("CaseActivity").select(["caseId", "detail"]).where("kind", "=", "auto_resolved").where("shop", "=", SHOP).execute();
      expect(resolvedActivities).toEqual([{ caseId: first!.id, detail: "Moving again" }]);
      // once resolved, the open slot is free: the same trouble opens a new case
      const reopened = await store.apply(SHOP, [{ shipment: toShipment(await read(s.id)), changes: { ...noChanges(AT + 3 * HOUR), open: [stalledCase(300)] } }], later + 1);
      expect(reopened).toHaveLength(1);
      expect(reopened[0]!.id).not.toBe(first!.id);
    });

    it("writes batches larger than one statement holds (600 shipments, 1,200 cases)", async () => {
      const store = createEvaluationStore(database);
      const list: ShipmentRecord[] = [];
      for (let n = 1000; n < 1600; n++) list.push(await shipment(SHOP, n, AT - 60_000));
      const opened = await store.apply(SHOP, list.map((s) => ({ shipment: s, changes: { ...noChanges(AT + 5 * HOUR), open: [stalledCase(400), { ...stalledCase(401), type: "lost" as const }] } })), AT);
      expect(opened).toHaveLength(1200);
      expect(new Set(opened.map((c) => c.shipmentId)).size).toBe(600);
      const moved = await database.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP).where("nextCheckAt", "=", AT + 5 * HOUR).execute();
      expect(moved).toHaveLength(600);
    });
  });
}
