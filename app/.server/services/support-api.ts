import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "~/domain/clock";
import { normalizeOrderName } from "~/domain/shipment-state";
import type { ShipmentView } from "~/domain/shipment-view";
import type { ApiKeyRepository, CaseRecord, CaseRepository, NotificationRepository, OfflineSessionLookup, OrderRepository, ShipmentRecord, ShipmentRepository, ShopRepository, StoredOrder } from "../ports";
import type { ShipmentViews } from "./shipment-views";

/** The exception object of the Support API contract (ARCHITECTURE.md). */
export interface ExceptionView {
  id: number;
  type: string;
  owner: string;
  priority: string;
  status: string;
  openedAt: string;
  resolvedAt: string | null;
  dueAt: string | null;
  trackingNumber: string | null;
  orderName: string;
  rule: string;
  reason: string;
}

/**
 * The Support API's shipment object: the shopper's object (the same story), plus what support needs before it
 * answers: the order, its open cases, the messages already sent, the promise and how often the shopper looked.
 */
export interface SupportShipmentView extends ShipmentView {
  orderName: string;
  cases: ExceptionView[];
  messages: { moment: string; channel: string; sentAt: string }[];
  /** the shop's promise to the customer (deliver by), or null */
  promisedBy: string | null;
  lookups: number;
}

/** `?email=` reaches back this far (the contract: the customer's orders of the last 90 days) */
const EMAIL_LOOKBACK_MS = 90 * 86_400_000;
/** and answers at most this many orders, newest first */
const EMAIL_ORDER_LIMIT = 50;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toExceptionView(c: CaseRecord): ExceptionView {
  return {
    id: c.id,
    type: c.type,
    owner: c.owner,
    priority: c.priority,
    status: c.status,
    openedAt: new Date(c.openedAt).toISOString(),
    resolvedAt: iso(c.resolvedAt),
    dueAt: iso(c.dueAt),
    trackingNumber: c.trackingNumber,
    orderName: c.orderName,
    rule: c.ruleName,
    reason: c.reason,
  };
}

const KEY_PREFIX = "swk_";
export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

/**
 * Support context for helpdesks and agents: the same shipment truth the shopper sees, and the cases.
 * Authenticated by a Shopify session token (for a shop with an offline session) or a per-shop API key, and
 * only while the shop is installed: an uninstall revokes the shop's keys (compliance.ts), and this check
 * also shuts out keys an older version left live and tokens minted before the uninstall.
 */
export function createSupportApi(deps: {
  shipments: ShipmentRepository;
  orders: OrderRepository;
  cases: CaseRepository;
  /** what was sent about each shipment */
  outbox: Pick<NotificationRepository, "sentForShipments">;
  apiKeys: ApiKeyRepository;
  sessions: OfflineSessionLookup;
  shops: Pick<ShopRepository, "isInstalled">;
  verifySessionToken: (token: string) => { shop: string } | null;
  clock: Clock;
  /** the shipment objects the shopper reads (storefront-lookup's views): support sees the same story */
  views: ShipmentViews;
}) {
  const { shipments, orders, cases, apiKeys, clock } = deps;

  /** the same objects as the storefront lookup, plus support's context; one read per kind for all of them */
  async function views(shop: string, list: readonly ShipmentRecord[], orderList?: readonly StoredOrder[], locale?: string | null): Promise<SupportShipmentView[]> {
    const live = list.filter((x) => x.supersededAt === null);
    if (!live.length) return [];
    const ids = live.map((x) => x.id);
    const [shown, open, sent] = await Promise.all([
      deps.views(shop, live, { orders: orderList, locale }),
      cases.openForShipments(shop, ids),
      deps.outbox.sentForShipments(shop, ids),
    ]);
    return shown.map((view, i) => {
      const s = live[i]!;
      return {
        ...view,
        orderName: s.orderName,
        cases: open.filter((c) => c.shipmentId === s.id).map(toExceptionView),
        messages: sent.filter((m) => m.shipmentId === s.id).map((m) => ({ moment: m.moment, channel: m.channel, sentAt: new Date(m.at).toISOString() })),
        promisedBy: iso(s.promisedBy),
        lookups: s.lookupCount,
      };
    });
  }

  /** the customer's orders of the last 90 days, newest first, and their shipments */
  async function byEmail(shop: string, email: string): Promise<SupportShipmentView[]> {
    const since = clock.now() - EMAIL_LOOKBACK_MS;
    const wanted = email.trim().toLowerCase();
    const found = (await orders.findForCustomer(shop, { id: null, email: wanted }, []))
      // the database matched case-insensitively; only this email's orders are answered, never a phone match
      .filter((o) => o.email?.trim().toLowerCase() === wanted && o.createdAt >= since && o.redactedAt === null)
      .sort((a, b) => b.createdAt - a.createdAt || b.orderId.localeCompare(a.orderId))
      .slice(0, EMAIL_ORDER_LIMIT);
    const answered: SupportShipmentView[] = [];
    for (const order of found) answered.push(...(await views(shop, await shipments.listShipmentsOfOrder(shop, order.orderId), [order])));
    return answered;
  }

  /** the shop a bearer credential names, installed or not */
  async function identify(authorization: string | null | undefined): Promise<{ shop: string; via: "session_token" | "api_key" } | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? "");
    if (!match) return null;
    const token = match[1]!;
    if (token.startsWith(KEY_PREFIX)) {
      const shop = await apiKeys.shopForHash(hashApiKey(token), clock.now());
      return shop ? { shop, via: "api_key" } : null;
    }
    const verified = deps.verifySessionToken(token);
    if (!verified || !(await deps.sessions.hasOfflineSession(verified.shop))) return null;
    return { shop: verified.shop, via: "session_token" };
  }

  return {
    /** the shop a bearer credential speaks for, while that shop is installed; otherwise null */
    async authenticate(authorization: string | null | undefined): Promise<{ shop: string; via: "session_token" | "api_key" } | null> {
      const credential = await identify(authorization);
      return credential && (await deps.shops.isInstalled(credential.shop)) ? credential : null;
    },

    async shipments(shop: string, query: { order?: string; tracking?: string; email?: string }): Promise<SupportShipmentView[]> {
      if (query.tracking) {
        // a later leg's number (a hand-off) finds the same parcel
        const s = await shipments.getShipmentByTracking(shop, query.tracking.replace(/\s+/g, "").toUpperCase());
        return s ? views(shop, [s]) : [];
      }
      if (query.order) {
        const order = await orders.findByName(shop, normalizeOrderName(query.order));
        if (order) return views(shop, await shipments.listShipmentsOfOrder(shop, order.orderId), [order]);
        return [];
      }
      if (query.email) return byEmail(shop, query.email);
      return [];
    },

    /** support's objects for shipments already found (the tickets desk answers with them) */
    views,

    async exceptions(shop: string, query: { status?: "open" | "resolved"; order?: string; limit?: number }) {
      const { cases: list } = await cases.list(shop, { status: query.status ?? "open", limit: query.limit ?? 200 });
      const orderName = query.order ? normalizeOrderName(query.order) : null;
      return list.filter((c) => !orderName || c.orderName === orderName).map(toExceptionView);
    },

    // ---- API keys (Settings): created once and shown once, stored hashed, listed by their last four characters
    async createKey(shop: string, name: string) {
      const key = `${KEY_PREFIX}${randomBytes(24).toString("base64url")}`;
      const id = await apiKeys.create(shop, { name: name.trim() || "API key", hash: hashApiKey(key), lastFour: key.slice(-4) }, clock.now());
      return { id, key };
    },
    listKeys: (shop: string) => apiKeys.list(shop),
    revokeKey: (shop: string, id: number) => apiKeys.revoke(shop, id, clock.now()),
  };
}

export type SupportApi = ReturnType<typeof createSupportApi>;
