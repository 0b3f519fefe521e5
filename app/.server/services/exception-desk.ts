import { calendarFor, findPromisePolicy, promisedBy as promiseFor, type BusinessCalendar } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import type { Clock } from "~/domain/clock";
import {
  DEFAULT_RULES,
  evaluate,
  higherPriority,
  nextCheckAt,
  planActions,
  recoveredSince,
  stateStamp,
  type Priority,
  type Rule,
  type ShipmentFacts,
} from "~/domain/rules";
import type {
  CaseRecord,
  CaseRepository,
  IntentRepository,
  OrderRepository,
  Resolution,
  RuleRepository,
  SettingsRepository,
  ShipmentRecord,
  ShipmentRepository,
  ShopSettingsRecord,
} from "./ports";

export type ExceptionDesk = ReturnType<typeof createExceptionDesk>;

export const DEFAULT_SETTINGS: ShopSettingsRecord = {
  timezone: "America/New_York",
  holidays: [],
  carrierWorkdays: {},
  promisePolicies: [
    { match: "express", businessDays: 2, cutoffHour: 14 },
    { match: "*", businessDays: 5, cutoffHour: 14 },
  ],
  autoResolve: true,
  statusClasses: {},
};

const SYSTEM = "shipwatch";

/**
 * Where the workflow decides: a shipment's facts go through the shop's rules; cases open (at most one
 * open per shipment and type), intents are recorded, cases resolve themselves when the parcel recovers,
 * and the shipment learns when to be looked at next. Evaluating twice gives the same result.
 */
export function createExceptionDesk(deps: {
  shipments: ShipmentRepository;
  orders: OrderRepository;
  cases: CaseRepository;
  rules: RuleRepository;
  settings: SettingsRepository;
  intents: IntentRepository;
  clock: Clock;
  /** how long a worker may reuse a shop's rules and settings before reading them again */
  cacheMs?: number;
  /** silence is judged only this long after a shipment was first seen */
  silenceGraceMs?: number;
}) {
  const { shipments, orders, cases, rules, settings, intents, clock } = deps;
  const cacheMs = deps.cacheMs ?? 5_000;
  const shopCache = new Map<string, { at: number; rules: Rule[]; settings: ShopSettingsRecord }>();

  /** A shop's settings and rules; the first read installs the defaults (a new shop gets value on day one). */
  async function shopSetup(shop: string, fresh = false) {
    const cached = shopCache.get(shop);
    if (!fresh && cached && clock.now() - cached.at < cacheMs) return cached;
    let stored = await settings.get(shop);
    if (!stored) {
      await settings.save(shop, DEFAULT_SETTINGS, clock.now());
      for (const rule of DEFAULT_RULES) await rules.create(shop, rule, clock.now());
      stored = DEFAULT_SETTINGS;
    }
    const entry = { at: clock.now(), rules: await rules.list(shop), settings: stored };
    shopCache.set(shop, entry);
    return entry;
  }

  function calendarOf(setup: ShopSettingsRecord, carrier: string): BusinessCalendar {
    return calendarFor({
      timezone: setup.timezone,
      carrier: carrier as CarrierCode,
      holidays: setup.holidays,
      carrierWorkdays: setup.carrierWorkdays as Partial<Record<CarrierCode, readonly number[]>>,
    });
  }

  async function factsFor(shop: string, shipment: ShipmentRecord, setup: ShopSettingsRecord) {
    const order = await orders.findById(shop, shipment.orderId);
    let promisedBy = shipment.promisedBy;
    if (promisedBy === null && order) {
      const policy = findPromisePolicy(setup.promisePolicies, order.shippingLines);
      if (policy) promisedBy = promiseFor(order.createdAt, policy, { timezone: setup.timezone, holidays: setup.holidays });
    }
    const facts: ShipmentFacts = {
      status: shipment.status,
      reason: shipment.reason,
      carrierCode: shipment.carrierCode,
      service: shipment.service,
      destinationCountry: shipment.destinationCountry,
      destinationProvince: shipment.destinationProvince,
      shippedAt: shipment.shippedAt,
      firstCarrierScanAt: shipment.firstCarrierScanAt,
      lastCarrierScanAt: shipment.lastCarrierScanAt,
      lastEventAt: shipment.lastEventAt,
      deliveryAttempts: shipment.deliveryAttempts,
      promisedBy,
      estimatedDeliveryAt: shipment.estimatedDeliveryAt,
      deliveredAt: shipment.deliveredAt,
      cancelled: shipment.cancelledAt !== null || shipment.supersededAt !== null,
      silenceJudgedFrom: shipment.createdAt + (deps.silenceGraceMs ?? 0),
      order: order
        ? { totalPrice: order.totalPrice, currency: order.currency, customerTags: order.customerTags, orderTags: order.orderTags, shippingLines: order.shippingLines }
        : null,
    };
    return facts;
  }

  async function evaluateShipment(shop: string, shipmentId: number) {
    const shipment = await shipments.getShipment(shop, shipmentId);
    if (!shipment) return { opened: [] as CaseRecord[], resolved: [] as number[] };
    const setup = await shopSetup(shop);
    const now = clock.now();
    const facts = await factsFor(shop, shipment, setup.settings);
    const calendar = calendarOf(setup.settings, shipment.carrierCode);
    const decisions = evaluate(setup.rules, facts, calendar, now);
    const plan = planActions(decisions);

    const opened: CaseRecord[] = [];
    const keep = new Set<string>();
    for (const planned of plan.cases) {
      keep.add(planned.type);
      const result = await cases.openIfAbsent(shop, {
        shipmentId: shipment.id,
        shipmentKey: shipment.shipmentKey,
        orderId: shipment.orderId,
        orderName: shipment.orderName,
        trackingNumber: shipment.trackingNumber,
        type: planned.type,
        owner: planned.owner,
        priority: planned.priority,
        openedAt: now,
        dueAt: now + planned.slaHours * 3_600_000,
        ruleId: planned.rule.id,
        ruleName: planned.rule.name,
        reason: planned.reason,
        explanation: planned.checks,
        holdMessages: plan.holdMessages,
        openedOnState: stateStamp(facts),
      });
      if (result.opened) {
        opened.push(result.record);
        await cases.addActivity(shop, result.record.id, { at: now, actor: SYSTEM, kind: "opened", detail: planned.reason });
      } else if (raises(result.record.priority, planned.priority) || (plan.holdMessages && !result.record.holdMessages)) {
        await cases.update(shop, result.record.id, { priority: higherPriority(result.record.priority, planned.priority), holdMessages: result.record.holdMessages || plan.holdMessages }, now);
        await cases.addActivity(shop, result.record.id, { at: now, actor: SYSTEM, kind: "priority", detail: `priority ${planned.priority}: ${planned.reason}` });
      }
    }
    for (const intent of plan.intents) {
      await intents.record(shop, shipment.id, opened[0]?.id ?? null, intent, now);
    }

    // Cases resolve themselves when the parcel recovers and no rule holds them open any more.
    const resolved: number[] = [];
    if (setup.settings.autoResolve) {
      for (const open of await cases.openForShipment(shop, shipment.id)) {
        if (keep.has(open.type) || !recoveredSince(facts, open.openedOnState)) continue;
        if (await cases.resolve(shop, open.id, "waited", SYSTEM, now)) {
          resolved.push(open.id);
          const how = facts.status === "delivered" ? "the parcel was delivered" : "the carrier scanned the parcel again";
          await cases.addActivity(shop, open.id, { at: now, actor: SYSTEM, kind: "auto_resolved", detail: `Resolved by itself: ${how}.` });
        }
      }
    }
    await shipments.setEvaluation(shop, shipment.id, { nextCheckAt: nextCheckAt(setup.rules, facts, calendar, now), promisedBy: facts.promisedBy });
    return { opened, resolved };
  }

  return {
    evaluateShipment,
    shopSetup,
    /** shipments whose state or order just changed */
    async evaluateShipments(shop: string, ids: readonly number[]) {
      for (const id of new Set(ids)) await evaluateShipment(shop, id);
    },
    /** the silence sweep: only the shipments whose next check is due */
    async sweep(limit = 500) {
      const due = await shipments.dueForCheck(clock.now(), limit);
      for (const { shop, id } of due) await evaluateShipment(shop, id);
      return { evaluated: due.length };
    },
    /** what rules would do for a shipment now, without doing it (the rule editor's preview) */
    async preview(shop: string, shipmentId: number, candidate?: Rule) {
      const shipment = await shipments.getShipment(shop, shipmentId);
      if (!shipment) return null;
      const setup = await shopSetup(shop, true);
      const facts = await factsFor(shop, shipment, setup.settings);
      const list = candidate ? [candidate] : setup.rules;
      const decisions = evaluate(list, facts, calendarOf(setup.settings, shipment.carrierCode), clock.now());
      return { shipment, decisions, plan: planActions(decisions) };
    },
    forgetShop(shop: string) {
      shopCache.delete(shop);
    },
    // ---- what people do with cases; every change leaves an activity with who made it
    async assign(shop: string, id: number, assignee: string | null, actor: string) {
      const ok = await cases.update(shop, id, { assignee }, clock.now());
      if (ok) await cases.addActivity(shop, id, { at: clock.now(), actor, kind: "assigned", detail: assignee ? `Assigned to ${assignee}` : "Unassigned" });
      return ok;
    },
    async setPriority(shop: string, id: number, priority: Priority, actor: string) {
      const ok = await cases.update(shop, id, { priority }, clock.now());
      if (ok) await cases.addActivity(shop, id, { at: clock.now(), actor, kind: "priority", detail: `Priority ${priority}` });
      return ok;
    },
    async snooze(shop: string, id: number, until: number, actor: string) {
      const ok = await cases.update(shop, id, { status: "snoozed", snoozedUntil: until }, clock.now());
      if (ok) await cases.addActivity(shop, id, { at: clock.now(), actor, kind: "snoozed", detail: `Snoozed until ${new Date(until).toISOString()}` });
      return ok;
    },
    async addNote(shop: string, id: number, note: string, actor: string) {
      if (!(await cases.get(shop, id))) return false;
      await cases.addActivity(shop, id, { at: clock.now(), actor, kind: "note", detail: note });
      return true;
    },
    async resolve(shop: string, id: number, resolution: Resolution, actor: string, note?: string) {
      const ok = await cases.resolve(shop, id, resolution, actor, clock.now());
      if (ok) await cases.addActivity(shop, id, { at: clock.now(), actor, kind: "resolved", detail: note ? `${resolution}: ${note}` : resolution });
      return ok;
    },
    async reopen(shop: string, id: number, actor: string) {
      const ok = await cases.reopen(shop, id, clock.now());
      if (ok) await cases.addActivity(shop, id, { at: clock.now(), actor, kind: "reopened", detail: "Reopened" });
      return ok;
    },
  };
}

const raises = (current: Priority, next: Priority) => next !== current && higherPriority(current, next) === next;
