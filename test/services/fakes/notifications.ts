/**
 * In-memory stand-ins for the ports the notifications service uses (app/.server/ports), for service tests that run
 * in milliseconds. Each keeps the contract its port documents — the outbox's conditional updates (a claim takes only
 * a due, untaken message; a hand-over only under the claim's lease; waiting is not an attempt; a replay reopens only
 * parked messages) — so the service under test is the real one, judged against the promises of its ports.
 */
import { fixedClock } from "~/domain/clock";
import type { Channel } from "~/domain/notifications";
import type { Destination } from "~/domain/order";
import type {
  CaseRecord,
  CaseRepository,
  ChannelConnectionRecord,
  ChannelCredentials,
  ChannelGateway,
  EventRecord,
  NotificationRecord,
  NotificationRepository,
  NotificationSettingsRepository,
  NotificationStatus,
  OrderRepository,
  OutgoingMessage,
  ProbeOutcome,
  SecretBox,
  SendOutcome,
  ShipmentRecord,
  ShipmentRepository,
  StoredOrder,
  StoredTemplate,
  TemplateRepository,
} from "~/.server/ports";
import type { NotificationsDeps } from "~/.server/services/notifications";

/**
 * A port of which the service uses a few methods: those are given; any other call fails the test by name, so a
 * fake never answers a question it was not written for.
 */
function portWith<T extends object>(name: string, given: Partial<T>): T {
  return new Proxy(given, {
    get(target, prop) {
      if (typeof prop === "symbol" || prop === "then") return undefined;
      if (prop in target) return target[prop as keyof typeof target];
      throw new Error(`${name}.${prop} is not in this fake: the notifications service was not expected to call it`);
    },
  }) as T;
}

const LIVE: readonly NotificationStatus[] = ["sending", "pending", "held"];

/** The outbox: rows by id, unique by (shop, sendKey), every change conditional as in the Kysely adapter. */
export function fakeOutbox(): NotificationRepository & { rows: NotificationRecord[] } {
  const rows: NotificationRecord[] = [];
  let nextId = 1;
  const find = (shop: string, id: number) => rows.find((r) => r.shop === shop && r.id === id);
  const copy = (r: NotificationRecord): NotificationRecord => ({ ...r });
  return {
    rows,
    async insertNew(news) {
      const inserted: NotificationRecord[] = [];
      for (const n of news) {
        if (rows.some((r) => r.shop === n.shop && r.sendKey === n.sendKey)) continue;
        const row: NotificationRecord = {
          ...n,
          id: nextId++,
          status: "pending",
          statusReason: null,
          combinedInto: null,
          attempts: 0,
          lastError: null,
          lockedUntil: null,
          subject: null,
          preview: null,
          html: null,
          providerId: null,
          sentAt: null,
          updatedAt: n.createdAt,
        };
        rows.push(row);
        inserted.push(copy(row));
      }
      return inserted;
    },
    async get(shop, id) {
      const r = find(shop, id);
      return r ? copy(r) : null;
    },
    async knownKeys(shop, shipmentIds) {
      return new Set(rows.filter((r) => r.shop === shop && shipmentIds.includes(r.shipmentId)).map((r) => r.sendKey));
    },
    async claim(shop, id, now, leaseMs) {
      const r = find(shop, id);
      if (!r || r.sendAt > now) return null;
      const takeable = r.status === "pending" || r.status === "held" || (r.status === "sending" && (r.lockedUntil ?? 0) < now);
      if (!takeable) return null;
      Object.assign(r, { status: "sending", lockedUntil: now + leaseMs, attempts: r.attempts + 1, updatedAt: now });
      return copy(r);
    },
    async earlierSibling(row, until) {
      const earlier = rows
        .filter((r) => r.shop === row.shop && r.orderId === row.orderId && r.moment === row.moment && r.channel === row.channel)
        .filter((r) => (r.status === "pending" || r.status === "sending") && r.id < row.id && r.sendAt <= until)
        .sort((a, b) => a.id - b.id)[0];
      return earlier?.id ?? null;
    },
    async claimSiblings(lead, until, now, leaseMs) {
      const taken = rows.filter(
        (r) =>
          r.shop === lead.shop &&
          r.orderId === lead.orderId &&
          r.moment === lead.moment &&
          r.channel === lead.channel &&
          r.id !== lead.id &&
          r.sendAt <= until &&
          (r.status === "pending" || (r.status === "sending" && r.combinedInto === lead.id && (r.lockedUntil ?? 0) < now)),
      );
      for (const r of taken) Object.assign(r, { status: "sending", lockedUntil: now + leaseMs, updatedAt: now });
      return taken.map(copy).sort((a, b) => a.id - b.id);
    },
    async handOver(shop, leadId, carriedIds, change) {
      const all = [leadId, ...carriedIds].map((id) => find(shop, id));
      // all or nothing, and only while every row is still held under this claim's lease
      if (all.some((r) => !r || r.status !== "sending" || r.lockedUntil !== change.fence)) return false;
      const [lead, ...carried] = all as NotificationRecord[];
      Object.assign(lead!, { statusReason: change.reason, lockedUntil: change.lockedUntil, combinedInto: null, updatedAt: change.at, subject: change.subject, preview: change.preview, html: change.html });
      for (const r of carried) Object.assign(r, { statusReason: `${change.reason}, with message #${leadId}`, lockedUntil: change.lockedUntil, combinedInto: leadId, updatedAt: change.at });
      return true;
    },
    async markSent(shop, ids, sent) {
      const [leadId, ...rest] = ids;
      const lead = find(shop, leadId!);
      if (lead) {
        Object.assign(lead, {
          status: "sent",
          sentAt: sent.at,
          providerId: sent.providerId,
          subject: sent.subject,
          preview: sent.preview,
          html: sent.html,
          lastError: sent.note ?? null,
          lockedUntil: null,
          statusReason: sent.reason ?? null,
          combinedInto: null,
          updatedAt: sent.at,
        });
      }
      for (const id of rest) {
        const r = find(shop, id);
        if (r) Object.assign(r, { status: "combined", combinedInto: leadId, statusReason: `Sent together with message #${leadId}`, sentAt: sent.at, providerId: sent.providerId, lockedUntil: null, updatedAt: sent.at });
      }
    },
    async markCombined(shop, lead, at) {
      for (const r of rows.filter((x) => x.shop === shop && x.combinedInto === lead.id && x.status === "sending")) {
        Object.assign(r, { status: "combined", statusReason: `Sent together with message #${lead.id}`, sentAt: lead.sentAt, providerId: lead.providerId, lockedUntil: null, updatedAt: at });
      }
    },
    async reschedule(shop, id, change) {
      const r = find(shop, id);
      if (!r || !LIVE.includes(r.status)) return;
      Object.assign(r, {
        status: change.status,
        sendAt: change.sendAt,
        statusReason: change.reason,
        lockedUntil: null,
        combinedInto: null,
        updatedAt: change.at,
        ...(change.error !== undefined ? { lastError: change.error } : {}),
        ...(change.notAnAttempt ? { attempts: r.attempts - 1 } : {}),
      });
    },
    async finish(shop, id, change) {
      const r = find(shop, id);
      if (!r || !LIVE.includes(r.status)) return;
      Object.assign(r, {
        status: change.status,
        statusReason: change.reason,
        lockedUntil: null,
        combinedInto: null,
        updatedAt: change.at,
        ...(change.error !== undefined ? { lastError: change.error } : {}),
        ...(change.preview !== undefined ? { preview: change.preview } : {}),
        ...(change.subject !== undefined ? { subject: change.subject } : {}),
      });
    },
    async sentForShipment(shop, shipmentId, channels) {
      return rows.filter((r) => r.shop === shop && r.shipmentId === shipmentId && channels.includes(r.channel) && r.sentAt !== null).map((r) => ({ moment: r.moment, at: r.sentAt! }));
    },
    async sentForShipments(shop, shipmentIds) {
      return rows
        .filter((r) => r.shop === shop && shipmentIds.includes(r.shipmentId) && r.sentAt !== null)
        .sort((a, b) => a.sentAt! - b.sentAt!)
        .map((r) => ({ shipmentId: r.shipmentId, moment: r.moment, channel: r.channel, at: r.sentAt! }));
    },
    async list(shop, filter, page) {
      const matching = rows
        .filter((r) => r.shop === shop && (!filter.status || r.status === filter.status) && (!filter.channel || r.channel === filter.channel) && (!filter.shipmentId || r.shipmentId === filter.shipmentId))
        .sort((a, b) => b.id - a.id);
      return { rows: matching.slice(page.offset, page.offset + page.limit).map(copy), total: matching.length };
    },
    async countByStatus(shop) {
      const counts = { pending: 0, held: 0, sending: 0, sent: 0, failed: 0, suppressed: 0, combined: 0 } satisfies Record<NotificationStatus, number>;
      for (const r of rows) if (r.shop === shop) counts[r.status] += 1;
      return counts;
    },
    async countWithReason(shop, reason) {
      return rows.filter((r) => r.shop === shop && r.statusReason === reason).length;
    },
    async reopenFailed(shop, ids, now) {
      const reopened = rows.filter((r) => r.shop === shop && r.status === "failed" && (ids === null || ids.includes(r.id)));
      for (const r of reopened) Object.assign(r, { status: "pending", attempts: 0, sendAt: now, lockedUntil: null, statusReason: "Replayed", updatedAt: now });
      return reopened.map(copy);
    },
    async stranded(now, dueBefore, limit) {
      return rows
        .filter((r) => ((r.status === "pending" || r.status === "held") && r.sendAt <= dueBefore) || (r.status === "sending" && (r.lockedUntil ?? 0) < now))
        .slice(0, limit)
        .map((r) => ({ shop: r.shop, id: r.id }));
    },
    async redactOrders(shop, orderIds) {
      const hit = rows.filter((r) => r.shop === shop && orderIds.includes(r.orderId));
      for (const r of hit) Object.assign(r, { recipient: null, preview: "[redacted]", subject: null, html: null, lastError: null });
      return hit.length;
    },
    async deleteShop(shop) {
      for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.shop === shop) rows.splice(i, 1);
    },
  };
}

/** The shop's policy and channels, with the channel health recordResult keeps (as the adapter does). */
export function fakeNotificationSettings(): NotificationSettingsRepository & { policies: Map<string, unknown>; connections: Map<string, ChannelConnectionRecord> } {
  const policies = new Map<string, unknown>();
  const connections = new Map<string, ChannelConnectionRecord>();
  const key = (shop: string, channel: Channel) => `${shop}|${channel}`;
  const shopOf = (k: string) => k.slice(0, k.lastIndexOf("|"));
  return {
    policies,
    connections,
    async getPolicy(shop) {
      return policies.get(shop) ?? null;
    },
    async savePolicy(shop, policy) {
      policies.set(shop, structuredClone(policy));
    },
    async channels(shop) {
      return [...connections.entries()].filter(([k]) => shopOf(k) === shop).map(([, c]) => ({ ...c }));
    },
    async saveChannel(shop, channel, change, at) {
      const existing = connections.get(key(shop, channel));
      connections.set(key(shop, channel), {
        channel,
        failingSince: null,
        lastError: null,
        lastSuccessAt: null,
        alertedAt: null,
        ...existing,
        enabled: change.enabled,
        settings: change.settings,
        sealedSecret: change.sealedSecret !== undefined ? change.sealedSecret : (existing?.sealedSecret ?? null),
        updatedAt: at,
      });
    },
    async recordResult(shop, channel, result) {
      const c = connections.get(key(shop, channel));
      if (!c) return { failingSince: null, alertedAt: null };
      if (result.ok) Object.assign(c, { failingSince: null, alertedAt: null, lastError: null, lastSuccessAt: result.at });
      else Object.assign(c, { failingSince: c.failingSince ?? result.at, lastError: result.error });
      return { failingSince: c.failingSince, alertedAt: c.alertedAt };
    },
    async markAlerted(shop, channel, at) {
      const c = connections.get(key(shop, channel));
      if (c) c.alertedAt = at;
    },
    async overdueFailures(before) {
      return [...connections.entries()]
        .filter(([, c]) => c.enabled && c.failingSince !== null && c.failingSince < before && c.alertedAt === null)
        .map(([k, c]) => ({ shop: shopOf(k), channel: c.channel, failingSince: c.failingSince!, lastError: c.lastError }));
    },
    async deleteShop(shop) {
      for (const k of [...connections.keys()]) if (shopOf(k) === shop) connections.delete(k);
      policies.delete(shop);
    },
  };
}

export function fakeTemplates(): TemplateRepository {
  const stored: (StoredTemplate & { shop: string })[] = [];
  const same = (t: StoredTemplate & { shop: string }, shop: string, template: string, channel: Channel, locale: string) => t.shop === shop && t.template === template && t.channel === channel && t.locale === locale;
  return {
    async get(shop, template, channel, locale) {
      const t = stored.find((x) => same(x, shop, template, channel, locale));
      return t ? { template: t.template, channel: t.channel, locale: t.locale, subject: t.subject, body: t.body, updatedAt: t.updatedAt } : null;
    },
    async list(shop) {
      return stored.filter((t) => t.shop === shop).map(({ shop: _shop, ...t }) => t);
    },
    async save(shop, t, at) {
      const i = stored.findIndex((x) => same(x, shop, t.template, t.channel, t.locale));
      if (i >= 0) stored.splice(i, 1);
      stored.push({ ...t, shop, updatedAt: at });
    },
    async remove(shop, template, channel, locale) {
      const i = stored.findIndex((x) => same(x, shop, template, channel, locale));
      if (i >= 0) stored.splice(i, 1);
    },
    async deleteShop(shop) {
      for (let i = stored.length - 1; i >= 0; i--) if (stored[i]!.shop === shop) stored.splice(i, 1);
    },
  };
}

/**
 * Every channel behind the port: records what it was handed and answers with the next scripted outcome (after
 * the script, it accepts). A provider never throws for its own answer; it classifies it.
 */
export function fakeGateway(): ChannelGateway & {
  sent: { message: OutgoingMessage; credentials: ChannelCredentials }[];
  answer(...outcomes: SendOutcome[]): void;
  probes: ProbeOutcome[];
} {
  const script: SendOutcome[] = [];
  const sent: { message: OutgoingMessage; credentials: ChannelCredentials }[] = [];
  const probes: ProbeOutcome[] = [];
  return {
    sent,
    probes,
    answer(...outcomes) {
      script.push(...outcomes);
    },
    async send(message, credentials) {
      sent.push({ message, credentials });
      return script.shift() ?? { ok: true, providerId: `provider-${sent.length}` };
    },
    async probe() {
      return probes.shift() ?? { state: "unsupported" };
    },
  };
}

/** Seals as readable JSON: these tests are about what is sent, not about the cipher. */
export function fakeSecretBox(): SecretBox {
  return {
    seal: (value) => `sealed:${JSON.stringify(value)}`,
    open: (sealed) => {
      if (!sealed.startsWith("sealed:")) throw new Error("sealed with another key");
      return JSON.parse(sealed.slice("sealed:".length));
    },
  };
}

/** The shipments, orders and cases a message reads when it is planned and composed. */
export function fakeShop() {
  const shipments: ShipmentRecord[] = [];
  const events: EventRecord[] = [];
  const orders: StoredOrder[] = [];
  const cases: CaseRecord[] = [];
  const shipmentRepository = portWith<ShipmentRepository>("shipments", {
    async getShipment(shop, id) {
      return shipments.find((s) => s.shop === shop && s.id === id) ?? null;
    },
    async getShipments(shop, ids) {
      return shipments.filter((s) => s.shop === shop && ids.includes(s.id));
    },
    async listEvents(_shop, fulfillmentId) {
      return events.filter((e) => e.fulfillmentId === fulfillmentId);
    },
  });
  const orderRepository = portWith<OrderRepository>("orders", {
    async findById(_shop, orderId) {
      return orders.find((o) => o.orderId === orderId) ?? null;
    },
    async findForCustomer(_shop, customer) {
      return orders.filter((o) => (customer.email !== null && o.email === customer.email) || (customer.id !== null && o.customerId === customer.id));
    },
  });
  const caseRepository = portWith<CaseRepository>("cases", {
    async openForShipments(shop, shipmentIds) {
      return cases.filter((c) => c.shop === shop && c.shipmentId !== null && shipmentIds.includes(c.shipmentId) && (c.status === "open" || c.status === "snoozed"));
    },
  });
  return { shipments, events, orders, cases, shipmentRepository, orderRepository, caseRepository };
}

// ---- fixtures: real record shapes

export const SHOP = "maple-goods.myshopify.com";

const TORONTO: Destination = { name: "Ada Lovelace", address1: "1 Front St W", city: "Toronto", province: "Ontario", provinceCode: "ON", zip: "M5J 2X5", country: "Canada", countryCode: "CA", phone: null };

export function anOrder(overrides: Partial<StoredOrder> = {}): StoredOrder {
  return {
    orderId: "5001",
    name: "#1001",
    email: "ada@example.com",
    phone: null,
    customerId: "9001",
    customerName: "Ada Lovelace",
    customerTags: [],
    orderTags: [],
    totalPrice: 42,
    currency: "CAD",
    shippingLines: [{ code: "standard", title: "Standard", source: "shopify" }],
    destination: TORONTO,
    locale: "en",
    createdAt: Date.parse("2026-11-18T14:00:00Z"),
    updatedAt: Date.parse("2026-11-18T14:00:00Z"),
    cancelledAt: null,
    redactedAt: null,
    fulfillmentStatus: null,
    closedAt: null,
    waitingLines: [],
    ...overrides,
  };
}

export function aShipment(overrides: Partial<ShipmentRecord> = {}): ShipmentRecord {
  const at = Date.parse("2026-11-20T15:00:00Z");
  return {
    id: 1,
    shop: SHOP,
    shipmentKey: "f-7001|1Z999AA10123456784",
    fulfillmentId: "7001",
    orderId: "5001",
    orderName: "#1001",
    trackingNumber: "1Z999AA10123456784",
    carrierCode: "ups",
    carrierName: "UPS",
    carrierSource: "shopify",
    trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    service: "UPS Standard",
    status: "out_for_delivery",
    reason: null,
    statusChangedAt: at,
    lastEventAt: at,
    lastCarrierScanAt: at,
    firstCarrierScanAt: Date.parse("2026-11-19T12:00:00Z"),
    estimatedDeliveryAt: null,
    deliveredAt: null,
    deliveryAttempts: 0,
    eventCount: 2,
    destinationCountry: "CA",
    destinationProvince: "ON",
    originCountry: null,
    originProvince: null,
    shippedAt: Date.parse("2026-11-19T10:00:00Z"),
    promisedBy: null,
    nextCheckAt: null,
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
    createdAt: Date.parse("2026-11-19T10:00:00Z"),
    updatedAt: at,
    ...overrides,
  };
}

export function anEvent(overrides: Partial<EventRecord> = {}): EventRecord {
  const at = Date.parse("2026-11-20T15:00:00Z");
  return {
    eventKey: "e-1",
    fulfillmentId: "7001",
    orderId: "5001",
    source: "shopify",
    rawStatus: "out_for_delivery",
    rawMessage: "Out for delivery",
    status: "out_for_delivery",
    reason: null,
    previousStatus: "in_transit",
    happenedAt: at,
    estimatedDeliveryAt: null,
    location: "Toronto, ON, CA",
    receivedAt: at,
    deletedAt: null,
    ...overrides,
  };
}

export function aCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: 31,
    shop: SHOP,
    shipmentId: 1,
    shipmentKey: "f-7001|1Z999AA10123456784",
    orderId: "5001",
    orderName: "#1001",
    trackingNumber: "1Z999AA10123456784",
    type: "address_issue",
    owner: "support",
    assignee: null,
    priority: "high",
    status: "open",
    snoozedUntil: null,
    openedAt: Date.parse("2026-11-20T15:00:00Z"),
    dueAt: null,
    resolvedAt: null,
    resolution: null,
    resolvedBy: null,
    ruleId: null,
    ruleName: "Address problem",
    reason: "The carrier reported an address issue",
    explanation: [],
    holdMessages: true,
    openedOnState: "out_for_delivery",
    updatedAt: Date.parse("2026-11-20T15:00:00Z"),
    ...overrides,
  };
}

/**
 * The notifications service on fakes of every port, at a fixed time (10:00 in Toronto, outside the default quiet
 * hours), with the email channel connected. `scheduled` is what the job system was asked to run.
 */
export function notificationsOnFakes(options: { at?: string; maxAttempts?: number; channelAlertMs?: number } = {}) {
  const clock = fixedClock(options.at ?? "2026-11-20T15:00:00Z");
  const outbox = fakeOutbox();
  const settings = fakeNotificationSettings();
  const templates = fakeTemplates();
  const gateway = fakeGateway();
  const secrets = fakeSecretBox();
  const shop = fakeShop();
  const scheduled: { shop: string; id: number; runAt: number }[] = [];
  const deps: NotificationsDeps = {
    outbox,
    settings,
    templates,
    shipments: shop.shipmentRepository,
    orders: shop.orderRepository,
    cases: shop.caseRepository,
    gateway,
    secrets,
    accessToken: async () => "shpat_test",
    isInstalled: async () => true,
    shopTimezone: async () => "America/Toronto",
    links: {
      token: (_shop, orderId) => `tok-${orderId}`,
      url: (s, orderId) => `https://${s}/apps/track?t=tok-${orderId}`,
      verify: () => null,
    },
    schedule: async (s, id, runAt) => {
      scheduled.push({ shop: s, id, runAt });
    },
    clock,
    operatorEmail: false,
    operatorFrom: "Shipwatch <notify@shipwatch.example>",
    maxAttempts: options.maxAttempts ?? 3,
    channelAlertMs: options.channelAlertMs ?? 6 * 3_600_000,
    leaseMs: 120_000,
    callTimeoutMs: 10_000,
    retryBaseMs: 30_000,
    // the middle of every jitter range, so a backoff is a known number
    random: () => 0.5,
    cacheMs: 5_000,
  };
  return { deps, clock, outbox, settings, templates, gateway, secrets, shop, scheduled };
}
