import { z } from "zod";
import type { Clock } from "~/domain/clock";
import { EXCEPTION_TYPES, OWNERS, PRIORITIES, type ExceptionType, type Owner, type Priority } from "~/domain/rules";
import { STATUS_LABELS } from "~/domain/status";
import { caseIsNews } from "~/domain/history";
import { UnrecoverableJobError, type CaseRecord, type CaseRepository, type EvaluationSubscriber, type JobDefinition, type JobRequest, type ShipmentRecord, type ShipmentRepository } from "../ports";
import { FLOW_TRIGGERS, ROLLED_UP_FLOW_DELIVERED, type FlowMarks, type FlowTrigger, type FlowTriggers, type FlowTriggerUses } from "../ports/flow";

export const FLOW_TRIGGER_JOB = "flow-trigger";

/** The case types that mean "later than it should be", told to Flow as a delay as well as an exception. */
export const DELAY_TYPES: readonly ExceptionType[] = ["late", "stalled", "not_picked_up", "customs_hold"];

/**
 * A delivery is told to Flow only while it is news: a shipment delivered long ago and evaluated again (a late
 * webhook, the first evaluation after this feature shipped) does not start a shop's "delivered" workflows.
 */
export const DELIVERED_NEWS_MS = 3 * 86_400_000;

const TRIGGER_NAMES: Record<FlowTrigger, string> = {
  [FLOW_TRIGGERS.exceptionOpened]: "Shipwatch exception opened",
  [FLOW_TRIGGERS.exceptionResolved]: "Shipwatch exception resolved",
  [FLOW_TRIGGERS.delayDetected]: "Shipwatch delay detected",
  [FLOW_TRIGGERS.delivered]: "Shipwatch shipment delivered",
};

const CASE_TRIGGERS = [FLOW_TRIGGERS.exceptionOpened, FLOW_TRIGGERS.exceptionResolved, FLOW_TRIGGERS.delayDetected] as const;
const JobPayload = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("case"), caseId: z.number().int().positive(), trigger: z.enum(CASE_TRIGGERS) }),
  z.object({ kind: z.literal("delivered"), shipmentId: z.number().int().positive() }),
]);
export type FlowJobPayload = z.infer<typeof JobPayload>;

const iso = (at: number | null) => (at === null ? "" : new Date(at).toISOString());
/** Flow's order_reference wants the order's numeric id */
const orderRef = (orderId: string) => (/^\d+$/.test(orderId) ? Number(orderId) : orderId);

export type FlowService = ReturnType<typeof createFlow>;

/**
 * Shopify Flow triggers from what the exception desk decides. Each (case, trigger) and each delivery is told at
 * most once: the subscriber only queues what this evaluation changed (a case not open before it, a case open
 * before and not after, a fresh delivery not yet told), and the job claims a durable mark before it sends, so a
 * re-evaluation, a concurrent one or a re-run job finds the mark and sends nothing. A failed send gives the mark
 * back and is retried by the queue (429, 5xx); a trigger no workflow uses counts as told.
 *
 * Only the triggers a shop uses in an enabled workflow are sent (Flow's lifecycle callbacks, `uses`): a shop
 * without Flow workflows costs no Admin API call, and a workflow turned off meanwhile stops the queued ones.
 */
export function createFlow(deps: {
  triggers: FlowTriggers;
  marks: FlowMarks;
  uses: FlowTriggerUses;
  cases: Pick<CaseRepository, "get" | "openForShipments">;
  shipments: Pick<ShipmentRepository, "getShipment">;
  /** the shop's offline Admin API token (null: not installed, nothing is sent) */
  accessToken: (shop: string) => Promise<string | null>;
  enqueue: (job: JobRequest) => Promise<void>;
  clock: Clock;
  /** the app's handle (shopify.app.toml), for links to a case in the admin */
  appHandle?: string;
  maxAttempts?: number;
}) {
  const { triggers, marks, cases, clock } = deps;
  const appHandle = deps.appHandle ?? "shipwatch";
  const job = (shop: string, payload: FlowJobPayload): JobRequest => ({ name: FLOW_TRIGGER_JOB, shop, payload, maxAttempts: deps.maxAttempts ?? 8 });

  const nothing = async () => undefined;
  const subscriber: EvaluationSubscriber = async (shop, evaluated) => {
    const used = await deps.uses.enabled(shop);
    if (!used.size) return nothing;
    const now = clock.now();
    const before = await cases.openForShipments(shop, evaluated.map((e) => e.shipment.id));
    const typesBefore = new Map<number, Set<ExceptionType>>();
    for (const c of before) if (c.shipmentId !== null) typesBefore.set(c.shipmentId, (typesBefore.get(c.shipmentId) ?? new Set()).add(c.type));
    // only shipments whose open case types change are read again once the evaluation is written
    const changing = evaluated
      .filter(({ shipment, openCaseTypes }) => {
        const had = typesBefore.get(shipment.id) ?? new Set();
        return openCaseTypes.some((t) => !had.has(t)) || [...had].some((t) => !openCaseTypes.includes(t));
      })
      .map((e) => e.shipment.id);
    // imported history is told to no workflow; a case opened on it once the quiet time has passed is news (domain/history.ts)
    const history = new Map(evaluated.filter((e) => e.historyUntil != null).map((e) => [e.shipment.id, e.historyUntil!]));
    const told = (c: CaseRecord) => c.shipmentId === null || caseIsNews(c.openedAt, history.get(c.shipmentId));
    const delivered = evaluated.filter(({ shipment }) => isNewDelivery(shipment, now) && !history.has(shipment.id)).map((e) => e.shipment.id);
    return async () => {
      const jobs: JobRequest[] = [];
      if (changing.length) {
        const after = await cases.openForShipments(shop, changing);
        const openBefore = new Set(before.map((c) => c.id));
        const openAfter = new Set(after.map((c) => c.id));
        for (const c of after) {
          if (openBefore.has(c.id) || !told(c)) continue;
          jobs.push(job(shop, { kind: "case", caseId: c.id, trigger: FLOW_TRIGGERS.exceptionOpened }));
          if (DELAY_TYPES.includes(c.type)) jobs.push(job(shop, { kind: "case", caseId: c.id, trigger: FLOW_TRIGGERS.delayDetected }));
        }
        for (const c of before) {
          if (c.shipmentId !== null && changing.includes(c.shipmentId) && !openAfter.has(c.id) && told(c)) jobs.push(job(shop, { kind: "case", caseId: c.id, trigger: FLOW_TRIGGERS.exceptionResolved }));
        }
      }
      for (const shipmentId of delivered) jobs.push(job(shop, { kind: "delivered", shipmentId }));
      const wanted = jobs.filter((j) => used.has(triggerOf(j.payload as FlowJobPayload)));
      // a shop without an Admin API token (not installed) has no Flow to tell
      if (!wanted.length || !(await deps.accessToken(shop))) return;
      for (const j of wanted) await deps.enqueue(j);
    };
  };

  function caseLink(shop: string, id: number) {
    return `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/apps/${appHandle}/app/exceptions/${id}`;
  }

  /** The trigger's payload: the keys are the extension's fields (extensions/flow-<handle>/shopify.extension.toml). */
  function casePayload(shop: string, trigger: FlowTrigger, c: CaseRecord, shipment: ShipmentRecord | null): Record<string, unknown> {
    const base: Record<string, unknown> = {
      order_id: orderRef(c.orderId),
      "Case ID": c.id,
      "Case type": c.type,
      "Owner team": c.owner,
      Priority: c.priority,
      Reason: c.reason.slice(0, 500),
      "Tracking number": c.trackingNumber ?? "",
      Carrier: shipment?.carrierName ?? "",
      "Shipment status": shipment ? STATUS_LABELS[shipment.status] : "",
      "Case link": caseLink(shop, c.id),
    };
    if (trigger === FLOW_TRIGGERS.exceptionResolved) return { ...base, Resolution: c.resolution ?? "", "Resolved by": c.resolvedBy ?? "" };
    if (trigger === FLOW_TRIGGERS.delayDetected) {
      const predicted = c.type === "late" && shipment?.promisedBy != null && c.openedAt <= shipment.promisedBy;
      return { ...base, Delay: predicted ? "predicted_late" : c.type, "Promised by": iso(shipment?.promisedBy ?? null), "Estimated delivery": iso(shipment?.estimatedDeliveryAt ?? null) };
    }
    return base;
  }

  function deliveredPayload(s: ShipmentRecord): Record<string, unknown> {
    return {
      order_id: orderRef(s.orderId),
      "Tracking number": s.trackingNumber ?? "",
      Carrier: s.carrierName,
      "Delivered at": iso(s.deliveredAt),
      "Promised by": iso(s.promisedBy),
      "On time": s.promisedBy === null || s.deliveredAt === null ? "unknown" : s.deliveredAt <= s.promisedBy ? "yes" : "no",
    };
  }

  async function send(shop: string, token: string, trigger: FlowTrigger, payload: Record<string, unknown>, release: () => Promise<void>) {
    const outcome = await triggers.send(shop, token, trigger, payload);
    if (outcome.ok) return;
    await release();
    if (!outcome.retryable) throw new UnrecoverableJobError(outcome.error);
    throw new Error(outcome.error);
  }

  const definition: JobDefinition = {
    name: FLOW_TRIGGER_JOB,
    async handle(raw, ctx) {
      const parsed = JobPayload.safeParse(raw);
      if (!parsed.success) throw new UnrecoverableJobError(`flow-trigger: bad payload: ${parsed.error.message}`);
      const shop = ctx.shop;
      const p = parsed.data;
      // the workflow was turned off since the job was queued: nobody would run it
      if (!(await deps.uses.enabled(shop)).has(triggerOf(p))) return;
      const token = await deps.accessToken(shop);
      if (!token) return;
      if (p.kind === "case") {
        const c = await cases.get(shop, p.caseId);
        if (!c) return;
        // a case reopened meanwhile is not told as resolved (its resolution is told when it happens again)
        if (p.trigger === FLOW_TRIGGERS.exceptionResolved && c.status !== "resolved") return;
        // an order-level case (fulfillment_delayed) has no parcel yet
        const shipment = c.shipmentId === null ? null : await deps.shipments.getShipment(shop, c.shipmentId);
        if (!(await marks.claimCase(shop, c.id, p.trigger, clock.now(), `Shopify Flow told: ${TRIGGER_NAMES[p.trigger]}`))) return;
        await send(shop, token, p.trigger, casePayload(shop, p.trigger, c, shipment), () => marks.releaseCase(shop, c.id, p.trigger));
        return;
      }
      const shipment = await deps.shipments.getShipment(shop, p.shipmentId);
      if (!shipment || !isNewDelivery(shipment, clock.now())) return;
      if (!(await marks.claimDelivered(shop, shipment.id))) return;
      await send(shop, token, FLOW_TRIGGERS.delivered, deliveredPayload(shipment), () => marks.releaseDelivered(shop, shipment.id));
    },
  };

  return {
    subscriber,
    job: definition,
    /** a case resolved by a person (the desk's resolve): told as the evaluation's resolutions are */
    async caseResolved(shop: string, caseId: number) {
      if (!(await deps.uses.enabled(shop)).has(FLOW_TRIGGERS.exceptionResolved)) return;
      if (await deps.accessToken(shop)) await deps.enqueue(job(shop, { kind: "case", caseId, trigger: FLOW_TRIGGERS.exceptionResolved }));
    },
    /** Flow's lifecycle callback: false when it was older than what is recorded (and changed nothing) */
    triggerUse(shop: string, callback: FlowLifecycleCallback): Promise<boolean> {
      return deps.uses.record(shop, callback.trigger, callback.enabled, callback.at, clock.now());
    },
  };
}

const triggerOf = (p: FlowJobPayload): FlowTrigger => (p.kind === "case" ? p.trigger : FLOW_TRIGGERS.delivered);

/** The lifecycle callback's names for our triggers: the extension's handle, or its name as the Flow editor shows it. */
const TRIGGER_BY_NAME = new Map<string, FlowTrigger>(
  (Object.entries(TRIGGER_NAMES) as [FlowTrigger, string][]).flatMap(([handle, name]) => [
    [handle, handle],
    [name.toLowerCase(), handle],
  ]),
);

/**
 * A trigger lifecycle callback as Flow POSTs it (extensions/flow-lifecycle): `flow_trigger_definition_id` names the
 * trigger, `has_enabled_flow` says whether an enabled workflow of the shop starts with it, `timestamp` orders the
 * callbacks (a newer one wins).
 */
export const FlowLifecycleBody = z.object({
  flow_trigger_definition_id: z
    .string()
    .trim()
    .transform((id, ctx) => {
      const trigger = TRIGGER_BY_NAME.get(id.toLowerCase());
      if (!trigger) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `is not a Shipwatch trigger (${Object.values(FLOW_TRIGGERS).join(", ")})` });
      return trigger ?? z.NEVER;
    }),
  has_enabled_flow: z.boolean({ errorMap: () => ({ message: "must be true or false" }) }),
  shopify_domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be the shop's myshopify.com domain"),
  timestamp: z
    .string()
    .refine((t) => Number.isFinite(Date.parse(t)), "must be an ISO 8601 time")
    .transform((t) => Date.parse(t)),
});
export interface FlowLifecycleCallback {
  trigger: FlowTrigger;
  enabled: boolean;
  /** Flow's timestamp, epoch ms */
  at: number;
}

function isNewDelivery(s: ShipmentRecord, now: number): boolean {
  return s.status === "delivered" && s.deliveredAt !== null && now - s.deliveredAt <= DELIVERED_NEWS_MS && (s.rolledUp & ROLLED_UP_FLOW_DELIVERED) === 0;
}

/** The action extension's handle (extensions/flow-open-case/shopify.extension.toml). */
export const FLOW_OPEN_CASE_ACTION = "shipwatch-open-case";
const FLOW_ACTOR = "shopify_flow";
const FLOW_SOURCE = "Shopify Flow";

/** How long a case opened from Flow has to be resolved, by priority (the built-in rules' usual deadlines). */
export const FLOW_CASE_SLA_HOURS: Record<Priority, number> = { urgent: 4, high: 24, normal: 48, low: 72 };

/** Merchants type the case type and team in the Flow editor: "Address issue" reads as address_issue. */
const word = (value: unknown) => (typeof value === "string" ? value.trim().toLowerCase().replace(/[\s-]+/g, "_") : value);

/** The properties Flow sends for "Open a Shipwatch case": the extension's field keys, order_reference as order_id. */
export const FlowOpenCaseProperties = z.object({
  order_id: z.union([z.string().regex(/^\d+$/, "must be the order's numeric id"), z.number().int().positive()]).transform(String),
  case_type: z.preprocess(word, z.enum(EXCEPTION_TYPES, { errorMap: () => ({ message: `must be one of ${EXCEPTION_TYPES.join(", ")}` }) })),
  owner_team: z.preprocess(word, z.enum(OWNERS, { errorMap: () => ({ message: `must be one of ${OWNERS.join(", ")}` }) })),
  priority: z.preprocess((v) => (v === undefined || v === null || v === "" ? "normal" : word(v)), z.enum(PRIORITIES, { errorMap: () => ({ message: `must be one of ${PRIORITIES.join(", ")}` }) })),
  note: z.preprocess((v) => (v === null ? undefined : v), z.string().trim().max(2_000, "at most 2000 characters").optional()),
});
export type FlowOpenCaseInput = z.infer<typeof FlowOpenCaseProperties>;

export type FlowOpenCaseResult =
  | { ok: true; cases: { id: number; opened: boolean; trackingNumber: string | null }[] }
  | { ok: false; message: string };

/**
 * "Open a Shipwatch case" from a shop's workflow: a case of the type on each watched shipment of the order (one
 * open case per type and shipment: an open one gets the note instead), with the note in its trail. The shop is
 * the signed request's; orders are looked up in that shop only.
 */
export function createFlowActions(deps: {
  shipments: Pick<ShipmentRepository, "listShipmentsOfOrder">;
  cases: Pick<CaseRepository, "addActivity" | "activities">;
  openCase: (shop: string, shipmentId: number, input: { type: ExceptionType; owner: Owner; priority: Priority; slaHours: number; reason: string; source: string }) => Promise<{ case: CaseRecord; opened: boolean } | null>;
  clock: Clock;
}) {
  return {
    async openCase(shop: string, input: FlowOpenCaseInput): Promise<FlowOpenCaseResult> {
      const watched = (await deps.shipments.listShipmentsOfOrder(shop, input.order_id)).filter((s) => s.cancelledAt === null && s.supersededAt === null);
      if (!watched.length) return { ok: false, message: `Shipwatch watches no shipment of order ${input.order_id} yet: a case opens on a fulfilled order's tracking` };
      // "<source>: <what it saw>", as a rule's reason reads (the case page says "Opened by the rule Shopify Flow. It saw: …")
      const reason = input.note ? `${FLOW_SOURCE}: ${input.note.split("\n")[0]!.slice(0, 200)}` : FLOW_SOURCE;
      const result: { id: number; opened: boolean; trackingNumber: string | null }[] = [];
      for (const shipment of watched) {
        const done = await deps.openCase(shop, shipment.id, { type: input.case_type, owner: input.owner_team, priority: input.priority, slaHours: FLOW_CASE_SLA_HOURS[input.priority], reason, source: FLOW_SOURCE });
        if (!done) continue;
        // Flow sends a run again when our answer was lost: the same note is not written twice
        const noted = input.note && (await deps.cases.activities(shop, done.case.id)).some((a) => a.kind === "note" && a.actor === FLOW_ACTOR && a.detail === input.note);
        if (input.note && !noted) await deps.cases.addActivity(shop, done.case.id, { at: deps.clock.now(), actor: FLOW_ACTOR, kind: "note", detail: input.note });
        result.push({ id: done.case.id, opened: done.opened, trackingNumber: shipment.trackingNumber });
      }
      return { ok: true, cases: result };
    },
  };
}
