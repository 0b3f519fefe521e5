import type { PlannedIntent } from "~/domain/rules";
import {
  PROCESS_DELIVERY_JOB,
  type CaseActivityRecord,
  type CaseRecord,
  type CaseRepository,
  type DeliveryStore,
  type EvaluationStore,
  type EventRecord,
  type FulfillmentRecord,
  type NewDelivery,
  type OrderRepository,
  type RuleRepository,
  type SettingsRepository,
  type ShipmentRecord,
  type ShipmentRepository,
  type ShopSettingsRecord,
  type StoredOrder,
} from "~/.server/ports";
import type { Rule } from "~/domain/rules";

/**
 * In-memory stand-ins for the storage ports, for service tests that run in milliseconds. They keep the
 * promises the real adapters (app/.server/adapters) keep, because a fake that promises less lets a service
 * bug through: every call is scoped by the shop; a case action is a compare-and-set on the state it was
 * decided from; a shipment never has two active cases of one type (a snoozed case holds the slot, as the
 * adapters' `openSlot` column does); the evaluation store writes a shipment's next check only if the
 * shipment is as it was read. Reads hand out copies, so a service cannot change "stored" rows by mutating
 * what it was given.
 */
export function createFakeStorage() {
  const shipmentRows: ShipmentRecord[] = [];
  const fulfillmentRows: (FulfillmentRecord & { shop: string })[] = [];
  const eventRows: (EventRecord & { shop: string; id: number })[] = [];
  const orderRows: (StoredOrder & { shop: string })[] = [];
  const caseRows: CaseRecord[] = [];
  const activityRows: (CaseActivityRecord & { shop: string })[] = [];
  const intentRows: (PlannedIntent & { shop: string; shipmentId: number; caseId: number | null })[] = [];
  const ruleRows: (Rule & { shop: string })[] = [];
  const settingsRows = new Map<string, ShopSettingsRecord>();
  const deliveryRows: (NewDelivery & { id: number; status: string })[] = [];
  const jobRows: { shop: string; name: string; payload: unknown; runAt: number }[] = [];
  let nextId = 1;
  const copy = <T>(value: T): T => structuredClone(value);

  // ---- the one-active-case-per-(shipment, type) guard the unique index gives the real adapters
  const slotTaken = (shop: string, shipmentId: number, type: CaseRecord["type"], except: number | null) =>
    caseRows.some((c) => c.shop === shop && c.shipmentId === shipmentId && c.type === type && c.status !== "resolved" && c.id !== except);

  function addActivityRow(shop: string, caseId: number, a: { at: number; actor: string; kind: string; detail: string }) {
    activityRows.push({ shop, id: nextId++, caseId, ...a });
  }

  // ---- shipments: the subset the exception desk and the sweep use; the rest says so if a service reaches it
  const notFaked = (name: string) => () => Promise.reject(new Error(`fake ShipmentRepository.${name} is not faked`));
  const shipments: ShipmentRepository = {
    async getShipment(shop, id) {
      const row = shipmentRows.find((s) => s.shop === shop && s.id === id);
      return row ? copy(row) : null;
    },
    async getShipments(shop, ids) {
      return shipmentRows.filter((s) => s.shop === shop && ids.includes(s.id)).map(copy);
    },
    async getShipmentByKey(shop, key) {
      const row = shipmentRows.find((s) => s.shop === shop && s.shipmentKey === key);
      return row ? copy(row) : null;
    },
    // no legs in the fake: a tracking number is a shipment's own
    async getShipmentByTracking(shop, key) {
      const row = shipmentRows.find((s) => s.shop === shop && s.shipmentKey === key);
      return row ? copy(row) : null;
    },
    async listShipmentsOfOrder(shop, orderId) {
      return shipmentRows.filter((s) => s.shop === shop && s.orderId === orderId).map(copy);
    },
    async markDue(shop, ids, at) {
      for (const s of shipmentRows) if (s.shop === shop && ids.includes(s.id)) s.nextCheckAt = at;
    },
    async setEvaluation(shop, id, evaluation) {
      for (const s of shipmentRows) if (s.shop === shop && s.id === id) Object.assign(s, evaluation);
    },
    async dueForCheck(now, limit) {
      return shipmentRows
        .filter((s) => s.nextCheckAt !== null && s.nextCheckAt <= now)
        .sort((a, b) => a.nextCheckAt! - b.nextCheckAt!)
        .slice(0, limit)
        .map((s) => ({ shop: s.shop, id: s.id }));
    },
    async recordLookups(shop, lookups) {
      for (const l of lookups) {
        const row = shipmentRows.find((s) => s.shop === shop && s.id === l.id);
        if (row) Object.assign(row, { lookupCount: row.lookupCount + l.count, lastLookedUpAt: l.lastAt });
      }
    },
    async listEventsOfFulfillments(shop, fulfillmentIds) {
      return eventRows
        .filter((e) => e.shop === shop && fulfillmentIds.includes(e.fulfillmentId))
        .sort((a, b) => b.happenedAt - a.happenedAt || b.id - a.id)
        .map(({ shop: _shop, id: _id, ...e }) => copy(e));
    },
    async getFulfillments(shop, fulfillmentIds) {
      return fulfillmentRows.filter((f) => f.shop === shop && fulfillmentIds.includes(f.fulfillmentId)).map(withoutShop);
    },
    async rememberShownEstimates(shop, shown) {
      for (const { id, shown: estimate } of shown) {
        const row = shipmentRows.find((s) => s.shop === shop && s.id === id);
        if (row) row.shownEstimate = copy(estimate);
      }
    },
    getFulfillment: notFaked("getFulfillment"),
    saveFulfillmentIfNewer: notFaked("saveFulfillmentIfNewer"),
    insertEvent: notFaked("insertEvent"),
    tombstoneEvent: notFaked("tombstoneEvent"),
    listEvents: notFaked("listEvents"),
    setPreviousStatuses: notFaked("setPreviousStatuses"),
    listShipmentsOfFulfillment: notFaked("listShipmentsOfFulfillment"),
    upsertShipment: notFaked("upsertShipment"),
    markSuperseded: notFaked("markSuperseded"),
    renameOrder: notFaked("renameOrder"),
    cancelShipmentsOfOrder: notFaked("cancelShipmentsOfOrder"),
    countUnmapped: notFaked("countUnmapped"),
  };

  const orders: OrderRepository = {
    async saveIfNewer(shop, order) {
      const existing = orderRows.find((o) => o.shop === shop && o.orderId === order.orderId);
      if (!existing) {
        orderRows.push({ ...copy(order), shop, redactedAt: null });
        return true;
      }
      // older snapshots never overwrite newer ones; a redacted order stays redacted
      if (existing.updatedAt > order.updatedAt || existing.redactedAt !== null) return false;
      Object.assign(existing, copy(order), { createdAt: existing.createdAt });
      return true;
    },
    async findByName(shop, name) {
      const row = orderRows.find((o) => o.shop === shop && o.name === name);
      return row ? withoutShop(row) : null;
    },
    async findById(shop, orderId) {
      const row = orderRows.find((o) => o.shop === shop && o.orderId === orderId);
      return row ? withoutShop(row) : null;
    },
    async headerOf(shop, orderId) {
      const row = orderRows.find((o) => o.shop === shop && o.orderId === orderId);
      return row ? { name: row.name, cancelledAt: row.cancelledAt } : null;
    },
    async findByIds(shop, orderIds) {
      return orderRows.filter((o) => o.shop === shop && orderIds.includes(o.orderId)).map(withoutShop);
    },
    async findForCustomer(shop, customer, orderIds) {
      const email = customer.email?.trim().toLowerCase() ?? null;
      return orderRows
        .filter((o) => o.shop === shop)
        .filter((o) => (customer.id && o.customerId === customer.id) || (email && o.email?.trim().toLowerCase() === email) || orderIds.includes(o.orderId))
        .map(withoutShop);
    },
    async redact() {
      throw new Error("fake OrderRepository.redact is not faked");
    },
  };

  const cases: CaseRepository = {
    async get(shop, id) {
      const row = caseRows.find((c) => c.shop === shop && c.id === id);
      return row ? copy(row) : null;
    },
    async list(shop, q) {
      const rows = caseRows
        .filter((c) => c.shop === shop)
        .filter((c) => (q.status === "open" ? c.status !== "resolved" : !q.status || q.status === "all" || c.status === q.status))
        .filter((c) => (!q.type || c.type === q.type) && (!q.owner || c.owner === q.owner) && (!q.priority || c.priority === q.priority))
        .filter((c) => !q.assignee || c.assignee === q.assignee)
        .filter((c) => q.overdueAt === undefined || (c.dueAt !== null && c.dueAt < q.overdueAt && c.status !== "resolved"))
        .filter((c) => q.openedBefore === undefined || c.openedAt < q.openedBefore)
        .filter((c) => q.shipmentId === undefined || c.shipmentId === q.shipmentId)
        .sort((a, b) => b.openedAt - a.openedAt || b.id - a.id);
      const offset = q.offset ?? 0;
      return { cases: rows.slice(offset, offset + Math.min(q.limit ?? 50, 500)).map(copy), total: rows.length };
    },
    async openForShipments(shop, ids) {
      return caseRows.filter((c) => c.shop === shop && c.shipmentId !== null && ids.includes(c.shipmentId) && c.status !== "resolved").map(copy);
    },
    async change(shop, id, change, activity) {
      const row = caseRows.find((c) => c.shop === shop && c.id === id);
      if (!row || row.status !== change.from) return "changed_meanwhile";
      if (change.to === "open" && row.status === "resolved" && row.shipmentId !== null && slotTaken(shop, row.shipmentId, row.type, row.id)) return "duplicate_open";
      const at = activity.at;
      row.updatedAt = at;
      if (change.assignee !== undefined) row.assignee = change.assignee;
      if (change.priority !== undefined) row.priority = change.priority;
      // the port's word: a change's snoozedUntil is written, also when a snoozed case is snoozed again (the SQL
      // adapter writes it only on the move into "snoozed": see the re-snooze test in exception-desk.test.ts)
      if (change.to === "snoozed") row.status = "snoozed";
      if (change.snoozedUntil !== undefined) row.snoozedUntil = change.snoozedUntil;
      if (change.to === "resolved") Object.assign(row, { status: "resolved", resolution: change.resolution ?? null, resolvedBy: activity.actor, resolvedAt: at, snoozedUntil: null });
      if (change.to === "open") Object.assign(row, { status: "open", resolution: null, resolvedAt: null, resolvedBy: null, snoozedUntil: null });
      addActivityRow(shop, id, activity);
      return "applied";
    },
    async wakeSnoozed(at) {
      const due = caseRows.filter((c) => c.status === "snoozed" && c.snoozedUntil !== null && c.snoozedUntil <= at);
      for (const c of due) {
        Object.assign(c, { status: "open", snoozedUntil: null, updatedAt: at });
        addActivityRow(c.shop, c.id, { at, actor: "shipwatch", kind: "woken", detail: "Snooze ended: back in the queue." });
      }
      return due.length;
    },
    async addActivity(shop, caseId, a) {
      addActivityRow(shop, caseId, a);
    },
    async activities(shop, caseId) {
      return activityRows
        .filter((a) => a.shop === shop && a.caseId === caseId)
        .sort((a, b) => a.at - b.at || a.id - b.id)
        .map(({ shop: _shop, ...a }) => a);
    },
  };

  const evaluations: EvaluationStore = {
    async apply(shop, items, at) {
      const opened: CaseRecord[] = [];
      for (const { shipment, changes } of items) {
        let firstCaseId: number | null = null;
        for (const c of changes.open) {
          // the unique index: a concurrent evaluation's twin is skipped, not an error
          if (slotTaken(shop, shipment.id, c.type, null)) continue;
          const row: CaseRecord = {
            id: nextId++,
            shop,
            shipmentId: shipment.id,
            shipmentKey: shipment.shipmentKey,
            orderId: shipment.orderId,
            orderName: shipment.orderName,
            trackingNumber: shipment.trackingNumber,
            type: c.type,
            owner: c.owner,
            assignee: null,
            priority: c.priority,
            status: "open",
            snoozedUntil: null,
            openedAt: at,
            dueAt: c.dueAt,
            resolvedAt: null,
            resolution: null,
            resolvedBy: null,
            ruleId: c.rule.id,
            ruleName: c.rule.name,
            reason: c.reason,
            explanation: copy(c.checks),
            holdMessages: c.holdMessages,
            openedOnState: c.openedOnState,
            updatedAt: at,
          };
          caseRows.push(row);
          firstCaseId ??= row.id;
          opened.push(copy(row));
          addActivityRow(shop, row.id, { at, actor: "shipwatch", kind: "opened", detail: c.reason });
        }
        for (const r of changes.raise) {
          const row = caseRows.find((c) => c.shop === shop && c.id === r.caseId);
          if (row) Object.assign(row, { priority: r.priority, holdMessages: r.holdMessages, updatedAt: at });
          addActivityRow(shop, r.caseId, { at, actor: "shipwatch", kind: "priority", detail: r.why });
        }
        for (const r of changes.resolve) {
          const row = caseRows.find((c) => c.shop === shop && c.id === r.caseId && c.status !== "resolved");
          if (!row) continue;
          Object.assign(row, { status: "resolved", resolution: "waited", resolvedBy: "shipwatch", resolvedAt: at, snoozedUntil: null, updatedAt: at });
          addActivityRow(shop, r.caseId, { at, actor: "shipwatch", kind: "auto_resolved", detail: r.why });
        }
        for (const intent of changes.intents) {
          const known = intentRows.some((i) => i.shop === shop && i.shipmentId === shipment.id && i.ruleId === intent.ruleId && i.kind === intent.kind);
          if (!known) intentRows.push({ ...copy(intent), shop, shipmentId: shipment.id, caseId: firstCaseId });
        }
        // only if the shipment is as it was read: a change meanwhile left it due, and it must stay due
        const row = shipmentRows.find((s) => s.shop === shop && s.id === shipment.id);
        if (
          row &&
          row.updatedAt === shipment.updatedAt &&
          row.eventCount === shipment.eventCount &&
          row.status === shipment.status &&
          row.nextCheckAt === shipment.nextCheckAt
        ) {
          Object.assign(row, { nextCheckAt: changes.nextCheckAt, promisedBy: changes.promisedBy });
        }
      }
      return opened;
    },
  };

  const rules: RuleRepository = {
    async list(shop) {
      return ruleRows
        .filter((r) => r.shop === shop)
        .sort((a, b) => a.position - b.position || a.id - b.id)
        .map(withoutShop);
    },
    async get(shop, id) {
      const row = ruleRows.find((r) => r.shop === shop && r.id === id);
      return row ? withoutShop(row) : null;
    },
    async create(shop, rule, _at) {
      const last = Math.max(0, ...ruleRows.filter((r) => r.shop === shop).map((r) => r.position));
      const row = {
        shop,
        id: nextId++,
        position: last + 1,
        name: rule.name,
        enabled: rule.enabled !== false,
        stopAfter: rule.stopAfter === true,
        conditions: copy(rule.conditions),
        actions: copy(rule.actions),
        builtIn: rule.builtIn ?? null,
      } as Rule & { shop: string };
      ruleRows.push(row);
      return withoutShop(row);
    },
    async update(shop, id, rule, _at) {
      const row = ruleRows.find((r) => r.shop === shop && r.id === id);
      if (!row) return false;
      Object.assign(row, { name: rule.name, enabled: rule.enabled !== false, stopAfter: rule.stopAfter === true, conditions: copy(rule.conditions), actions: copy(rule.actions) });
      return true;
    },
    async setEnabled(shop, id, enabled, _at) {
      const row = ruleRows.find((r) => r.shop === shop && r.id === id);
      if (row) row.enabled = enabled;
      return !!row;
    },
    async remove(shop, id) {
      const index = ruleRows.findIndex((r) => r.shop === shop && r.id === id);
      if (index >= 0) ruleRows.splice(index, 1);
      return index >= 0;
    },
    async reorder(shop, ids, _at) {
      for (const [index, id] of ids.entries()) {
        const row = ruleRows.find((r) => r.shop === shop && r.id === id);
        if (row) row.position = index + 1;
      }
    },
  };

  const settings: SettingsRepository = {
    async get(shop) {
      const row = settingsRows.get(shop);
      return row ? copy(row) : null;
    },
    async save(shop, s, _at) {
      settingsRows.set(shop, copy(s));
    },
    async createIfAbsent(shop, s, _at) {
      if (settingsRows.has(shop)) return false;
      settingsRows.set(shop, copy(s));
      return true;
    },
  };

  /** The delivery and its processing job are stored together; a known webhook id (of any shop: Shopify's ids are global) stores nothing. */
  const deliveryStore: DeliveryStore = {
    async storeNew(d) {
      if (deliveryRows.some((r) => r.webhookId === d.webhookId)) return { stored: false };
      const id = nextId++;
      deliveryRows.push({ ...copy(d), id, status: "received" });
      jobRows.push({ shop: d.shop, name: PROCESS_DELIVERY_JOB, payload: { deliveryId: id }, runAt: d.receivedAt });
      return { stored: true, id };
    },
  };

  return {
    shipments,
    orders,
    cases,
    evaluations,
    rules,
    settings,
    deliveryStore,
    /** what a test arranges and inspects directly, as an integration test would with SQL */
    tables: {
      /** stores a shipment as a fresh upsert would: due for evaluation at once */
      addShipment(shipment: Omit<ShipmentRecord, "id">): ShipmentRecord {
        const row = { ...copy(shipment), id: nextId++ };
        shipmentRows.push(row);
        return copy(row);
      },
      /** a delivery changed the shipment (a new scan): as upsertShipment writes it */
      updateShipment(shop: string, id: number, write: Partial<ShipmentRecord>, at: number) {
        const row = shipmentRows.find((s) => s.shop === shop && s.id === id);
        if (!row) throw new Error(`no shipment ${id} in ${shop}`);
        Object.assign(row, copy(write), { updatedAt: at, nextCheckAt: at });
      },
      addFulfillment(shop: string, fulfillment: FulfillmentRecord) {
        fulfillmentRows.push({ ...copy(fulfillment), shop });
      },
      addEvent(shop: string, event: EventRecord) {
        eventRows.push({ ...copy(event), shop, id: nextId++ });
      },
      addOrder(shop: string, order: Omit<StoredOrder, "redactedAt"> & { redactedAt?: number | null }) {
        orderRows.push({ redactedAt: null, ...copy(order), shop });
      },
      shipment: (shop: string, id: number) => copy(shipmentRows.find((s) => s.shop === shop && s.id === id) ?? null),
      cases: (shop: string) => caseRows.filter((c) => c.shop === shop).map(copy),
      activities: (shop: string, caseId: number) => activityRows.filter((a) => a.shop === shop && a.caseId === caseId).map(copy),
      intents: (shop: string) => intentRows.filter((i) => i.shop === shop).map(copy),
      deliveries: () => deliveryRows.map(copy),
      jobs: () => jobRows.map(copy),
    },
  };
}

export type FakeStorage = ReturnType<typeof createFakeStorage>;

function withoutShop<T extends { shop: string }>(row: T): Omit<T, "shop"> {
  const { shop: _shop, ...rest } = structuredClone(row);
  return rest;
}

/** A parcel shipped two days before `now`, last scanned an hour before it, with no order on file: tests override what matters. */
export function aShipmentRecord(shop: string, key: string, now: number, fields: Partial<ShipmentRecord> = {}): Omit<ShipmentRecord, "id"> {
  const HOUR = 3_600_000;
  return {
    shop,
    shipmentKey: key,
    fulfillmentId: `f-${key}`,
    orderId: `o-${key}`,
    orderName: "#7001",
    trackingNumber: key,
    carrierCode: "canada_post",
    carrierName: "Canada Post",
    carrierSource: "shopify",
    trackingUrl: null,
    service: null,
    status: "in_transit",
    reason: null,
    statusChangedAt: now - HOUR,
    lastEventAt: now - HOUR,
    lastCarrierScanAt: now - HOUR,
    firstCarrierScanAt: now - 40 * HOUR,
    estimatedDeliveryAt: null,
    deliveredAt: null,
    deliveryAttempts: 0,
    eventCount: 2,
    destinationCountry: "CA",
    destinationProvince: "ON",
    originCountry: null,
    originProvince: null,
    shippedAt: now - 48 * HOUR,
    promisedBy: null,
    nextCheckAt: now,
    lookupCount: 0,
    lastLookedUpAt: null,
    shownEstimate: null,
    firstEstimate: null,
    firstAskedAt: null,
    firstCaseAt: null,
    recentLookups: [],
    rolledUp: 0,
    cancelledAt: null,
    supersededAt: null,
    createdAt: now - 48 * HOUR,
    updatedAt: now - HOUR,
    ...fields,
  };
}
