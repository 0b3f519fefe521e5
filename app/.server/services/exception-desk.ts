import { calendarFor, findPromisePolicy, promisedBy as promiseFor, type BusinessCalendar } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import type { Clock } from "~/domain/clock";
import { DEFAULT_RULES, evaluate, planActions, reconcileCases, type CaseChanges, type ExceptionType, type Priority, type Rule, type ShipmentFacts } from "~/domain/rules";
import type {
  CaseRecord,
  CaseRepository,
  EvaluationStore,
  OrderRepository,
  Resolution,
  RuleRepository,
  SettingsRepository,
  ShipmentRecord,
  ShipmentRepository,
  ShopSettingsRecord,
  StoredOrder,
} from "./ports";

export type ExceptionDesk = ReturnType<typeof createExceptionDesk>;

/** A shipment that could not be evaluated: set aside so the others go on. */
export interface ParkedEvaluation {
  shop: string;
  shipmentId: number;
  error: string;
}

/**
 * How long a shipment that failed evaluation is left alone. A day: it costs one failed evaluation a day
 * instead of the front of every sweep, and it comes back by itself once mended (new data marks it due at once).
 */
export const PARKED_EVALUATION_MS = 24 * 3_600_000;

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
  evaluations: EvaluationStore;
  clock: Clock;
  /** how long a worker may reuse a shop's rules and settings before reading them again */
  cacheMs?: number;
  /** silence is judged only this long after a shipment was first seen */
  silenceGraceMs?: number;
  /**
   * Plans the customer messages and alerts of the evaluated shipments. Called before the evaluation is
   * written: a crash in between leaves the shipment due, so it is evaluated (and planned, idempotently) again.
   * What it returns runs after the evaluation is written (scheduling the sends, which read the cases).
   */
  notify?: (
    shop: string,
    items: { shipment: ShipmentRecord; order: StoredOrder | null; openCaseTypes: ExceptionType[]; intents: CaseChanges["intents"] }[],
  ) => Promise<() => Promise<void>>;
  /** told of the shipments the sweep set aside (to log them and keep a record an operator can replay) */
  onParked?: (parked: ParkedEvaluation[]) => Promise<void>;
}) {
  const { shipments, orders, cases, rules, settings, evaluations, clock } = deps;
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

  // one calendar object per shop settings and carrier, so the domain's compiled form of it is reused
  const calendars = new WeakMap<ShopSettingsRecord, Map<string, BusinessCalendar>>();
  function calendarOf(setup: ShopSettingsRecord, carrier: string): BusinessCalendar {
    let byCarrier = calendars.get(setup);
    if (!byCarrier) calendars.set(setup, (byCarrier = new Map()));
    let calendar = byCarrier.get(carrier);
    if (!calendar) byCarrier.set(carrier, (calendar = buildCalendar(setup, carrier)));
    return calendar;
  }

  function buildCalendar(setup: ShopSettingsRecord, carrier: string): BusinessCalendar {
    return calendarFor({
      timezone: setup.timezone,
      carrier: carrier as CarrierCode,
      holidays: setup.holidays,
      carrierWorkdays: setup.carrierWorkdays as Partial<Record<CarrierCode, readonly number[]>>,
    });
  }

  function factsFrom(shipment: ShipmentRecord, order: StoredOrder | null, setup: ShopSettingsRecord): ShipmentFacts {
    let promisedBy = shipment.promisedBy;
    if (promisedBy === null && order) {
      const policy = findPromisePolicy(setup.promisePolicies, order.shippingLines);
      if (policy) promisedBy = promiseFor(order.createdAt, policy, { timezone: setup.timezone, holidays: setup.holidays });
    }
    return {
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
  }

  /**
   * Evaluates shipments of one shop together: three reads for the batch, a pure decision per shipment,
   * one transaction for all the writes. A single evaluation is a batch of one. A shipment whose decision
   * throws (a time no calendar can hold) is left out and returned in `failed`; the others are written.
   */
  async function evaluateBatch(shop: string, ids: readonly number[]) {
    const failed: { id: number; error: unknown }[] = [];
    const list = await shipments.getShipments(shop, ids);
    if (!list.length) return { opened: [] as CaseRecord[], resolved: [] as number[], failed };
    const setup = await shopSetup(shop);
    const now = clock.now();
    const orderList = await orders.findByIds(shop, [...new Set(list.map((s) => s.orderId))]);
    const orderById = new Map(orderList.map((o) => [o.orderId, o]));
    const openByShipment = new Map<number, CaseRecord[]>();
    for (const c of await cases.openForShipments(shop, ids)) openByShipment.set(c.shipmentId, [...(openByShipment.get(c.shipmentId) ?? []), c]);
    const items: { shipment: ShipmentRecord; changes: CaseChanges }[] = [];
    for (const shipment of list) {
      try {
        const facts = factsFrom(shipment, orderById.get(shipment.orderId) ?? null, setup.settings);
        const calendar = calendarOf(setup.settings, shipment.carrierCode);
        const plan = planActions(evaluate(setup.rules, facts, calendar, now));
        const changes = reconcileCases({ plan, open: openByShipment.get(shipment.id) ?? [], facts, rules: setup.rules, calendar, autoResolve: setup.settings.autoResolve, now });
        items.push({ shipment, changes });
      } catch (error) {
        failed.push({ id: shipment.id, error });
      }
    }
    let afterApply: (() => Promise<void>) | null = null;
    if (deps.notify) {
      afterApply = await deps.notify(
        shop,
        items.map(({ shipment, changes }) => {
          const resolved = new Set(changes.resolve.map((r) => r.caseId));
          const stillOpen = (openByShipment.get(shipment.id) ?? []).filter((c) => !resolved.has(c.id)).map((c) => c.type);
          return { shipment, order: orderById.get(shipment.orderId) ?? null, openCaseTypes: [...new Set([...stillOpen, ...changes.open.map((c) => c.type)])], intents: changes.intents };
        }),
      );
    }
    const opened = await evaluations.apply(shop, items, now);
    await afterApply?.();
    return { opened, resolved: items.flatMap((i) => i.changes.resolve.map((r) => r.caseId)), failed };
  }

  /** One shipment, and its failure thrown (the evaluate-shipment job records it). */
  async function evaluateShipment(shop: string, shipmentId: number) {
    const { opened, resolved, failed } = await evaluateBatch(shop, [shipmentId]);
    if (failed[0]) throw failed[0].error;
    return { opened, resolved };
  }

  /**
   * Evaluates a batch so that no one shipment stops the others: a decision that throws is parked, and a
   * batch whose reads or writes throw is evaluated again one shipment at a time to find the one that did
   * it. A database that is gone still throws (parking needs it too), and the sweep job retries; a fault in
   * every shipment (a bug) parks them all for a day, and replaying their parked jobs after the fix catches up.
   */
  async function evaluateIsolated(shop: string, ids: readonly number[]): Promise<ParkedEvaluation[]> {
    let failed: { id: number; error: unknown }[];
    try {
      ({ failed } = await evaluateBatch(shop, ids));
    } catch (error) {
      if (ids.length === 1) return park(shop, [{ id: ids[0]!, error }]);
      const parked: ParkedEvaluation[] = [];
      for (const id of ids) parked.push(...(await evaluateIsolated(shop, [id])));
      return parked;
    }
    return park(shop, failed);
  }

  async function park(shop: string, failures: readonly { id: number; error: unknown }[]): Promise<ParkedEvaluation[]> {
    if (!failures.length) return [];
    // no column of its own (the schema stays as it is): the shipment is simply next due a day from now
    await shipments.markDue(shop, failures.map((f) => f.id), clock.now() + PARKED_EVALUATION_MS);
    const parked = failures.map((f) => ({ shop, shipmentId: f.id, error: describeError(f.error) }));
    await deps.onParked?.(parked);
    return parked;
  }

  return {
    evaluateShipment,
    shopSetup,
    /** shipments whose state or order just changed (one that cannot be evaluated is parked, as in the sweep) */
    async evaluateShipments(shop: string, ids: readonly number[]) {
      if (ids.length) await evaluateIsolated(shop, [...new Set(ids)]);
    },
    /**
     * The silence sweep: only the shipments whose next check is due, a bounded batch per transaction.
     * One shipment that cannot be evaluated is parked (`parked`), and every other one, of every shop, goes on.
     */
    async sweep(limit = 500, batch = 250) {
      // snoozed cases whose time has come go back to the queue
      await cases.wakeSnoozed(clock.now());
      const due = await shipments.dueForCheck(clock.now(), limit);
      const byShop = new Map<string, number[]>();
      for (const { shop, id } of due) byShop.set(shop, [...(byShop.get(shop) ?? []), id]);
      const parked: ParkedEvaluation[] = [];
      for (const [shop, ids] of byShop) {
        for (let i = 0; i < ids.length; i += batch) parked.push(...(await evaluateIsolated(shop, ids.slice(i, i + batch))));
      }
      return { evaluated: due.length, parked };
    },
    /** what rules would do for a shipment now, without doing it (the rule editor's preview) */
    async preview(shop: string, shipmentId: number, candidate?: Rule) {
      const shipment = await shipments.getShipment(shop, shipmentId);
      if (!shipment) return null;
      const setup = await shopSetup(shop, true);
      const facts = factsFrom(shipment, await orders.findById(shop, shipment.orderId), setup.settings);
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

function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.slice(0, 1_000);
}
