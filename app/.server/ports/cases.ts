import type { PromisePolicy } from "~/domain/business-time";
import type { HandlingTime } from "~/domain/fulfillment-delay";
import type { CaseState } from "~/domain/case-lifecycle";
import type { CaseChanges, ConditionCheck, ExceptionType, Owner, Priority, Resolution, Rule, RuleInput } from "~/domain/rules";
import type { ShipmentRecord } from "./shipments";

/** Ports — Cases, rules and the shop's settings: what the exception desk works with. Adapters implement them; every call takes the shop. */
export type { Resolution };

export type CaseStatus = CaseState;

export interface CaseRecord {
  id: number;
  shop: string;
  /** null for a case about the order itself (fulfillment_delayed): nothing has shipped yet */
  shipmentId: number | null;
  /** the shipment's key, or "order:<orderId>" for an order-level case (the open-case index is on it) */
  shipmentKey: string;
  orderId: string;
  orderName: string;
  trackingNumber: string | null;
  type: ExceptionType;
  owner: Owner;
  assignee: string | null;
  priority: Priority;
  status: CaseStatus;
  snoozedUntil: number | null;
  openedAt: number;
  dueAt: number | null;
  resolvedAt: number | null;
  resolution: Resolution | null;
  resolvedBy: string | null;
  ruleId: number | null;
  ruleName: string;
  reason: string;
  explanation: ConditionCheck[];
  holdMessages: boolean;
  openedOnState: string;
  updatedAt: number;
}


export interface CaseActivityRecord {
  id: number;
  caseId: number;
  at: number;
  actor: string;
  kind: string;
  detail: string;
}

export interface CaseQuery {
  status?: "open" | "resolved" | "snoozed" | "all";
  type?: ExceptionType;
  owner?: Owner;
  priority?: Priority;
  assignee?: string;
  overdueAt?: number;
  /** opened before this instant (age filter) */
  openedBefore?: number;
  shipmentId?: number;
  /** an order name (with or without #, or its start), a tracking number, or the customer's email (exact, any case) */
  search?: string;
  /** "urgency" (the default of the queue page): priority, then SLA due (none last), then oldest opened ("least_urgent": reversed); default newest */
  sort?: "urgency" | "least_urgent" | "newest" | "oldest";
  limit?: number;
  offset?: number;
}

/** What a case action writes: the state it was decided from, and what changes. */
export interface CaseChange {
  from: CaseStatus;
  /** the new state, when it changes */
  to?: CaseStatus;
  snoozedUntil?: number;
  assignee?: string | null;
  priority?: Priority;
  resolution?: Resolution;
  /** a hand-off: written only if the case is still with `from` */
  owner?: { from: Owner; to: Owner };
}

export type CaseWriteResult = "applied" | "changed_meanwhile" | "duplicate_open";

export interface CaseRepository {
  get(shop: string, id: number): Promise<CaseRecord | null>;
  list(shop: string, query: CaseQuery): Promise<{ cases: CaseRecord[]; total: number }>;
  openForShipments(shop: string, shipmentIds: readonly number[]): Promise<CaseRecord[]>;
  /**
   * Writes a change the case lifecycle (app/domain/case-lifecycle.ts) allowed, with its activity, in one
   * transaction, and only if the case is still in `from` (a compare-and-set): "changed_meanwhile" when it
   * is not, "duplicate_open" when reopening would make a second open case of the type for the shipment.
   */
  change(shop: string, id: number, change: CaseChange, activity: { at: number; actor: string; kind: string; detail: string }): Promise<CaseWriteResult>;
  /** snoozed cases whose time has come are open again (every shop: the sweep's housekeeping) */
  wakeSnoozed(at: number): Promise<number>;
  addActivity(shop: string, caseId: number, activity: { at: number; actor: string; kind: string; detail: string }): Promise<void>;
  activities(shop: string, caseId: number): Promise<CaseActivityRecord[]>;
}

export interface RuleRepository {
  list(shop: string): Promise<Rule[]>;
  get(shop: string, id: number): Promise<Rule | null>;
  create(shop: string, rule: RuleInput & { builtIn?: string | null }, at: number): Promise<Rule>;
  update(shop: string, id: number, rule: RuleInput, at: number): Promise<boolean>;
  setEnabled(shop: string, id: number, enabled: boolean, at: number): Promise<boolean>;
  remove(shop: string, id: number): Promise<boolean>;
  /** positions follow the order of ids given */
  reorder(shop: string, ids: number[], at: number): Promise<void>;
}

export interface ShopSettingsRecord {
  timezone: string;
  holidays: string[];
  carrierWorkdays: Record<string, number[]>;
  promisePolicies: PromisePolicy[];
  autoResolve: boolean;
  statusClasses: Record<string, "informational" | "customer_facing" | "exception">;
  /** how long orders take to ship, per shipping method (fulfillment_delayed cases) */
  handlingTime: HandlingTime;
}

export interface SettingsRepository {
  /** null until the shop's settings were first created (when the default rules are installed too) */
  get(shop: string): Promise<ShopSettingsRecord | null>;
  save(shop: string, settings: ShopSettingsRecord, at: number): Promise<void>;
  /** creates the shop's settings unless they exist; true only for the one caller (of any process) that created them */
  createIfAbsent(shop: string, settings: ShopSettingsRecord, at: number): Promise<boolean>;
}


export interface ApiKeyRepository {
  create(shop: string, key: { name: string; hash: string; lastFour: string }, at: number): Promise<number>;
  list(shop: string): Promise<{ id: number; name: string; lastFour: string; createdAt: number; lastUsedAt: number | null }[]>;
  revoke(shop: string, id: number, at: number): Promise<boolean>;
  /** revokes every live key of the shop (uninstall); returns how many */
  revokeAll(shop: string, at: number): Promise<number>;
  /** the shop a live key's hash belongs to; records the use */
  shopForHash(hash: string, at: number): Promise<string | null>;
}

export interface OfflineSessionLookup {
  hasOfflineSession(shop: string): Promise<boolean>;
}

/** Applies evaluations' outcomes: cases opened, raised and resolved with their activity, intents, next checks. */
export interface EvaluationStore {
  /** all items in one transaction; returns the cases it opened */
  apply(shop: string, items: readonly { shipment: ShipmentRecord; changes: CaseChanges }[], at: number): Promise<CaseRecord[]>;
}
