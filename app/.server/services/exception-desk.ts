import { calendarFor, findPromisePolicy, promisedBy as promiseFor, type BusinessCalendar } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import type { Clock } from "~/domain/clock";
import type { ShipmentStatus } from "~/domain/status";
import { statusClassOf } from "~/domain/status-classes";
import { isImportedHistory } from "~/domain/history";
import { waitsOnQuietFeed, type QuietFeed } from "~/domain/feed-health";
import { silenceScanClock } from "~/domain/hand-offs";
import { transition, type CaseActionOutcome, type CaseCommand } from "~/domain/case-lifecycle";
import { evaluate, planActions, reconcileCases, stateStamp, type CaseChanges, type ExceptionType, type Owner, type Priority, type Rule, type ShipmentFacts } from "~/domain/rules";
import type {
  CaseActivityRecord,
  CaseChange,
  CaseQuery,
  CaseRecord,
  CaseRepository,
  EvaluationStore,
  EvaluationSubscriber,
  OrderRepository,
  Resolution,
  ShipmentRecord,
  ShipmentRepository,
  ShopSettingsRecord,
  StoredOrder,
} from "../ports";
import type { ShopProfile } from "./shop-profile";

export type ExceptionDesk = ReturnType<typeof createExceptionDesk>;

/** What the transit model says of a shipment's promise, given what the desk worked out (null: nothing to predict). */
export type TrendingReading = (shipment: ShipmentRecord, promisedBy: number | null, settings: ShopSettingsRecord, now: number) => { late: boolean; why: string } | null;

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
/** how far back a shop's waiting deliveries hold silence back (older: an outage, see silenceHold) */
export const BACKLOG_WATCH_MS = 6 * 3_600_000;
/** a parcel whose silence waited for a backlog is looked at again this soon */
export const BACKLOG_RECHECK_MS = 60_000;
/**
 * A delivery waiting longer than this is a backlog, whatever the grace: in the ordinary flow a delivery waits
 * milliseconds, while a queue a minute behind may hold the parcel's next scan (a shorter grace is used as it is).
 */
export const BACKLOG_MIN_AGE_MS = 5_000;
/** a parcel whose silence waits on a quiet tracking feed is looked at again this soon (the feed's recovery also asks for a sweep) */
export const QUIET_FEED_RECHECK_MS = 15 * 60_000;

/**
 * Where the workflow decides: a shipment's facts go through the shop's rules; cases open (at most one
 * open per shipment and type), intents are recorded, cases resolve themselves when the parcel recovers,
 * and the shipment learns when to be looked at next. Evaluating twice gives the same result.
 */
export function createExceptionDesk(deps: {
  shipments: ShipmentRepository;
  orders: OrderRepository;
  cases: CaseRepository;
  /** the shop's rules and settings (cached a moment per process) */
  profile: Pick<ShopProfile, "get">;
  evaluations: EvaluationStore;
  clock: Clock;
  /** silence is judged only this long after a shipment was first seen */
  silenceGraceMs?: number;
  /**
   * When the shop's oldest delivery still waiting to be processed arrived (null: none waits). While the shop's
   * webhooks wait longer than the grace, the scans they carry are not known yet: silence is not judged (a
   * parcel is not called stalled or lost on what we have not read), and is looked at again once caught up.
   */
  backlogSince?: (shop: string, since: number) => Promise<number | null>;
  /** an import of the shop's history is under way: silence waits for it as for a backlog (services/backfill.ts) */
  importing?: (shop: string) => Promise<boolean>;
  /**
   * The shop's tracking feeds that went quiet (services/feed-health.ts), by carrier with their last event: a parcel
   * that depends on one (its carrier, registered with the feed or handed off, and no news of it since) is not judged
   * silent, as during a backlog.
   */
  quietFeeds?: (shop: string) => Promise<readonly QuietFeed[]>;
  /** fulfillment id → until when what it reached is imported history (absent: nothing was imported) */
  importedHistory?: (shop: string, fulfillmentIds: readonly string[]) => Promise<Map<string, number>>;
  /**
   * Told of every evaluated batch (notifications plan their messages from it). The desk records what
   * happened and knows nothing of who listens; see EvaluationSubscriber for when each part runs.
   */
  subscribers?: readonly EvaluationSubscriber[];
  /** told of the shipments the sweep set aside (to log them and keep a record an operator can replay) */
  onParked?: (parked: ParkedEvaluation[]) => Promise<void>;
  /**
   * The shop's "trending late" reading (services/transit.ts: its transit-time model, cached there), for the
   * rules' trending_late condition; absent: nothing is predicted.
   */
  trending?: (shop: string) => Promise<TrendingReading>;
  /** shipments per batch of the sweep, each batch one transaction (default 250: a short write lock on SQLite) */
  sweepBatch?: number;
  /** batches of the sweep evaluated at once (default 1; more where the database takes several connections) */
  sweepConcurrency?: number;
  /** names for stored actors ("staff:<id>", emails) from the shop's staff as Shopify named them; absent: none */
  staffNames?: (shop: string, actors: readonly string[]) => Promise<Record<string, string>>;
}) {
  const { shipments, orders, cases, evaluations, clock, profile } = deps;
  const subscribers = deps.subscribers ?? [];

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

  function factsFrom(shipment: ShipmentRecord, order: StoredOrder | null, setup: ShopSettingsRecord, trending: TrendingReading | null, now: number, silenceHeldUntil: number | null = null): ShipmentFacts {
    let promisedBy = shipment.promisedBy;
    if (promisedBy === null && order) {
      const policy = findPromisePolicy(setup.promisePolicies, order.shippingLines);
      if (policy) promisedBy = promiseFor(order.createdAt, policy, { timezone: setup.timezone, holidays: setup.holidays });
    }
    const reading = trending && shipment.deliveredAt === null ? trending(shipment, promisedBy, setup, now) : null;
    return {
      trending: reading ? { late: reading.late, why: reading.why } : null,
      recentLookups: shipment.recentLookups,
      status: shipment.status,
      statusClass: statusClassOf(shipment.status, setup.statusClasses),
      reason: shipment.reason,
      carrierCode: shipment.carrierCode,
      service: shipment.service,
      destinationCountry: shipment.destinationCountry,
      destinationProvince: shipment.destinationProvince,
      shippedAt: shipment.shippedAt,
      firstCarrierScanAt: shipment.firstCarrierScanAt,
      // between carriers after a hand-off, silence waits for the next carrier's first scan (domain/hand-offs.ts)
      lastCarrierScanAt: silenceScanClock(shipment.lastCarrierScanAt, shipment.handedOffAt),
      lastEventAt: shipment.lastEventAt,
      deliveryAttempts: shipment.deliveryAttempts,
      promisedBy,
      estimatedDeliveryAt: shipment.estimatedDeliveryAt,
      deliveredAt: shipment.deliveredAt,
      cancelled: shipment.cancelledAt !== null || shipment.supersededAt !== null,
      silenceJudgedFrom: Math.max(shipment.createdAt + (deps.silenceGraceMs ?? 0), silenceHeldUntil ?? 0),
      order: order
        ? { totalPrice: order.totalPrice, currency: order.currency, customerTags: order.customerTags, orderTags: order.orderTags, shippingLines: order.shippingLines }
        : null,
    };
  }

  /**
   * Until when silence waits for the shop's backlog: null when its webhooks are processed within a few seconds
   * (BACKLOG_MIN_AGE_MS, or the grace when shorter). A backlog older than BACKLOG_WATCH_MS is an outage for an
   * operator (the queue's own alerts), not a reason to stop judging silence for good.
   */
  async function silenceHold(shop: string, now: number): Promise<number | null> {
    const grace = deps.silenceGraceMs ?? 0;
    // parcels whose scans the import has not read yet are not judged on what we have so far
    if (deps.importing && (await deps.importing(shop))) return now + Math.max(grace, BACKLOG_RECHECK_MS);
    if (!deps.backlogSince) return null;
    const since = await deps.backlogSince(shop, now - BACKLOG_WATCH_MS);
    return since !== null && now - since > Math.min(grace, BACKLOG_MIN_AGE_MS) ? now + Math.max(grace, BACKLOG_RECHECK_MS) : null;
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
    const setup = await profile.get(shop);
    const trending = deps.trending ? await deps.trending(shop) : null;
    const now = clock.now();
    const silenceHeldUntil = await silenceHold(shop, now);
    const quietFeeds = deps.quietFeeds ? await deps.quietFeeds(shop) : [];
    const orderList = await orders.findByIds(shop, [...new Set(list.map((s) => s.orderId))]);
    const orderById = new Map(orderList.map((o) => [o.orderId, o]));
    const openByShipment = new Map<number, CaseRecord[]>();
    for (const c of await cases.openForShipments(shop, ids)) if (c.shipmentId !== null) openByShipment.set(c.shipmentId, [...(openByShipment.get(c.shipmentId) ?? []), c]);
    const items: { shipment: ShipmentRecord; changes: CaseChanges }[] = [];
    for (const shipment of list) {
      try {
        // a quiet feed is not a stalled parcel: the parcels waiting on it are held like a backlog's
        const heldUntil = quietFeeds.length && waitsOnQuietFeed({ carrierCode: shipment.carrierCode, lastEventAt: shipment.lastEventAt, handedOff: shipment.handedOffAt !== null }, quietFeeds) ? Math.max(silenceHeldUntil ?? 0, now + QUIET_FEED_RECHECK_MS) : silenceHeldUntil;
        const facts = factsFrom(shipment, orderById.get(shipment.orderId) ?? null, setup.settings, trending, now, heldUntil);
        const calendar = calendarOf(setup.settings, shipment.carrierCode);
        const plan = planActions(evaluate(setup.rules, facts, calendar, now));
        const changes = reconcileCases({ plan, open: openByShipment.get(shipment.id) ?? [], facts, rules: setup.rules, calendar, autoResolve: setup.settings.autoResolve, now });
        items.push({ shipment, changes });
      } catch (error) {
        failed.push({ id: shipment.id, error });
      }
    }
    const afterApply: (() => Promise<void>)[] = [];
    if (subscribers.length) {
      const imported = deps.importedHistory ? await deps.importedHistory(shop, [...new Set(items.map((i) => i.shipment.fulfillmentId))]) : null;
      const classOf = (status: ShipmentStatus) => statusClassOf(status, setup.settings.statusClasses);
      const evaluated = items.map(({ shipment, changes }) => {
        const resolved = new Set(changes.resolve.map((r) => r.caseId));
        const stillOpen = (openByShipment.get(shipment.id) ?? []).filter((c) => !resolved.has(c.id)).map((c) => c.type);
        // the promise this evaluation is about to write: listeners read the shipment as it will be stored
        return { shipment: { ...shipment, promisedBy: changes.promisedBy }, order: orderById.get(shipment.orderId) ?? null, openCaseTypes: [...new Set([...stillOpen, ...changes.open.map((c) => c.type)])], intents: changes.intents, classOf, historyUntil: historyUntilOf(shipment, imported?.get(shipment.fulfillmentId)) };
      });
      for (const subscriber of subscribers) afterApply.push(await subscriber(shop, evaluated));
    }
    const opened = await evaluations.apply(shop, items, now);
    for (const after of afterApply) await after();
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

  /**
   * One person's action on a case: the lifecycle decides whether it may happen from the state the case is
   * in, and storage writes it (with its activity) only if the case is still in that state.
   */
  async function act(shop: string, id: number, actor: string, command: CaseCommand, change: Omit<CaseChange, "from" | "to">, kind: string, detail: string, read?: CaseRecord): Promise<CaseActionOutcome> {
    const current = read ?? (await cases.get(shop, id));
    if (!current) return { ok: false, reason: "not_found" };
    const next = transition(current.status, command);
    if (!next.ok) return { ok: false, reason: next.refused };
    const written = await cases.change(shop, id, { from: current.status, ...(next.to !== current.status ? { to: next.to } : {}), ...change }, { at: clock.now(), actor, kind, detail });
    return written === "applied" ? { ok: true, status: next.to } : { ok: false, reason: written };
  }

  return {
    evaluateShipment,
    /** shipments whose state or order just changed (one that cannot be evaluated is parked, as in the sweep) */
    async evaluateShipments(shop: string, ids: readonly number[]) {
      if (ids.length) await evaluateIsolated(shop, [...new Set(ids)]);
    },
    /**
     * The silence sweep: only the shipments whose next check is due, a bounded batch per transaction.
     * One shipment that cannot be evaluated is parked (`parked`), and every other one, of every shop, goes on.
     */
    async sweep(limit = 500, batch = deps.sweepBatch ?? 250) {
      const due = await shipments.dueForCheck(clock.now(), limit);
      const byShop = new Map<string, number[]>();
      for (const { shop, id } of due) {
        const ids = byShop.get(shop);
        if (ids) ids.push(id);
        else byShop.set(shop, [id]);
      }
      const batches: { shop: string; ids: number[] }[] = [];
      for (const [shop, ids] of byShop) for (let i = 0; i < ids.length; i += batch) batches.push({ shop, ids: ids.slice(i, i + batch) });
      // batches hold different shipments, each written in its own transaction: on a database that serves several
      // connections, one is evaluated here while the database writes another
      const parked: ParkedEvaluation[] = [];
      let next = 0;
      const lane = async () => {
        while (next < batches.length) {
          const { shop, ids } = batches[next++]!;
          parked.push(...(await evaluateIsolated(shop, ids)));
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.sweepConcurrency ?? 1, batches.length)) }, lane));
      return { evaluated: due.length, parked };
    },
    /** what rules would do for a shipment now, without doing it (the rule editor's preview) */
    async preview(shop: string, shipmentId: number, candidate?: Rule) {
      const shipment = await shipments.getShipment(shop, shipmentId);
      if (!shipment) return null;
      const setup = await profile.get(shop, true);
      const now = clock.now();
      const trending = deps.trending ? await deps.trending(shop) : null;
      const facts = factsFrom(shipment, await orders.findById(shop, shipment.orderId), setup.settings, trending, now);
      const list = candidate ? [candidate] : setup.rules;
      const decisions = evaluate(list, facts, calendarOf(setup.settings, shipment.carrierCode), now);
      return { shipment, decisions, plan: planActions(decisions) };
    },
    /** snoozed cases whose time has come go back to the queue (every shop; the sweep's housekeeping) */
    async wakeSnoozed(): Promise<number> {
      return cases.wakeSnoozed(clock.now());
    },
    // ---- the queue and one case, as support reads them
    async queue(shop: string, query: CaseQuery) {
      return cases.list(shop, query);
    },
    async caseFile(shop: string, id: number): Promise<{ case: CaseRecord; activities: CaseActivityRecord[] } | null> {
      const found = await cases.get(shop, id);
      return found ? { case: found, activities: await cases.activities(shop, found.id) } : null;
    },
    // ---- what people do with cases; every change leaves an activity with who made it
    assign(shop: string, id: number, assignee: string | null, actor: string) {
      return act(shop, id, actor, { kind: "assign" }, { assignee }, "assigned", assignee ? `Assigned to ${assignee}` : "Unassigned");
    },
    setPriority(shop: string, id: number, priority: Priority, actor: string) {
      return act(shop, id, actor, { kind: "set_priority" }, { priority }, "priority", `Priority ${priority}`);
    },
    snooze(shop: string, id: number, until: number, actor: string) {
      return act(shop, id, actor, { kind: "snooze", until, now: clock.now() }, { snoozedUntil: until }, "snoozed", `Snoozed until ${new Date(until).toISOString()}`);
    },
    addNote(shop: string, id: number, note: string, actor: string) {
      return act(shop, id, actor, { kind: "note" }, {}, "note", note);
    },
    resolve(shop: string, id: number, resolution: Resolution, actor: string, note?: string) {
      return act(shop, id, actor, { kind: "resolve" }, { resolution }, "resolved", note ? `${resolution}: ${note}` : resolution);
    },
    reopen(shop: string, id: number, actor: string) {
      return act(shop, id, actor, { kind: "reopen" }, {}, "reopened", "Reopened");
    },
    /**
     * A case opened from outside the rules (a Shopify Flow action), written as an evaluation writes its cases
     * (scorecard counts and "case before ask" included). One open case per type still holds: when the shipment
     * has one of that type, it is returned instead (`opened` false). `source` names the opener in place of a rule.
     */
    async openCase(shop: string, shipmentId: number, input: { type: ExceptionType; owner: Owner; priority: Priority; slaHours: number; reason: string; source: string }) {
      const shipment = await shipments.getShipment(shop, shipmentId);
      if (!shipment) return null;
      const now = clock.now();
      const { type, owner, priority, slaHours, reason } = input;
      const changes: CaseChanges = {
        // rule id 0: no rule opened it (the admin shows the source's name without a link)
        open: [{ type, owner, priority, slaHours, reason, rule: { id: 0, name: input.source }, checks: [], dueAt: now + slaHours * 3_600_000, holdMessages: false, openedOnState: stateStamp(shipment) }],
        raise: [],
        resolve: [],
        intents: [],
        nextCheckAt: shipment.nextCheckAt,
        promisedBy: shipment.promisedBy,
      };
      const [opened] = await evaluations.apply(shop, [{ shipment, changes }], now);
      if (opened) return { case: opened, opened: true };
      const existing = (await cases.openForShipments(shop, [shipmentId])).find((c) => c.type === type);
      return existing ? { case: existing, opened: false } : null;
    },
    /**
     * Hands a case to another team, with a note saying why (the trail keeps both teams and the note). The
     * assignee was of the team letting go: the case waits unassigned for the new team to take it.
     */
    async handOff(shop: string, id: number, to: Owner, note: string, actor: string): Promise<CaseActionOutcome> {
      const current = await cases.get(shop, id);
      if (!current) return { ok: false, reason: "not_found" };
      const from = current.owner;
      return act(shop, id, actor, { kind: "hand_off", from, to }, { owner: { from, to }, assignee: null }, "handed_off", handOffDetail(from, to, note), current);
    },
    // ---- for the admin pages
    /** display names of stored actors, where the shop's staff sessions know them (none: the page falls back) */
    async staffNames(shop: string, actors: readonly (string | null)[]): Promise<Record<string, string>> {
      const named = actors.filter((a): a is string => !!a);
      return deps.staffNames && named.length ? deps.staffNames(shop, named) : {};
    },
    /** what support needs beside a shipment: its open cases, and how to reach the customer (none once redacted) */
    async shipmentFile(shop: string, shipment: { id: number; orderId: string }) {
      const [open, order] = await Promise.all([cases.list(shop, { shipmentId: shipment.id, status: "open", sort: "urgency" }), orders.findById(shop, shipment.orderId)]);
      const customer =
        order && order.redactedAt === null
          ? { name: order.customerName ?? order.destination?.name ?? null, email: order.email, phone: order.phone ?? order.destination?.phone ?? null }
          : null;
      return { cases: open.cases, customer };
    },
  };
}

const historyUntilOf = (s: ShipmentRecord, until: number | undefined) => (isImportedHistory(s, until) ? until! : null);

/** The trail's words for a hand-off, "Handed from support to operations: <note>" (the admin reads it back). */
export function handOffDetail(from: Owner, to: Owner, note: string): string {
  return `Handed from ${from} to ${to}: ${note}`;
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.slice(0, 1_000);
}
