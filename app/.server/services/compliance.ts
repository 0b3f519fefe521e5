import type { Clock } from "~/domain/clock";
import {
  candidateSpans,
  collectTraces,
  maskSpans,
  subjectKeys,
  traceKeys,
  tracesMatcher,
  type SubjectIds,
} from "~/domain/redaction";
import type { KeyedHash } from "./keyed-hash";
import type { DeliveryRepository, OrderRepository, RedactionStore, ShipmentRepository, ShopRepository } from "../ports";

type CustomerRef = { id?: string | null; email?: string | null; phone?: string | null } | null | undefined;

export type Compliance = ReturnType<typeof createCompliance>;

/**
 * app/uninstalled and the three mandatory compliance topics. They do what they say: an uninstall stops
 * the shop's work and forgets its sessions; shop/redact forgets the shop; customers/redact forgets the
 * customer everywhere, raw webhook bodies included; customers/data_request records what we hold.
 *
 * customers/redact also leaves a tombstone: keyed hashes of who the customer was (ids, email, phone, name,
 * street), never the values. Deliveries that arrive later about that customer are recognised by them and
 * stored without the personal fields (the delivery processor asks `isRedacted` and `maskRedacted`).
 */
export function createCompliance(deps: {
  shops: ShopRepository;
  orders: OrderRepository;
  shipments: ShipmentRepository;
  deliveries: DeliveryRepository;
  redactions: RedactionStore;
  keyedHash: KeyedHash;
  purgeJobs: (shop: string) => Promise<void>;
  /** forgets what the notifications know of the shop (its cached settings), so nothing more goes out */
  forgetNotifications?: (shop: string) => void;
  /** revokes the shop's Support API keys: an uninstalled shop's keys never work again, a reinstall needs new ones */
  revokeApiKeys: (shop: string) => Promise<unknown>;
  /** scrubs recipients and rendered messages of these orders from the outbox */
  redactMessages: (shop: string, orderIds: string[]) => Promise<number>;
  /** the customer's helpdesk tickets keep their count and lose their words */
  forgetTickets: (shop: string, customer: { emails: readonly string[]; orderIds: readonly string[] }) => Promise<number>;
  clock: Clock;
}) {
  const { shops, orders, shipments, deliveries, clock } = deps;

  async function customerOrders(shop: string, customer: CustomerRef, orderIds: string[]) {
    return orders.findForCustomer(shop, { id: customer?.id ?? null, email: customer?.email ?? null, phone: customer?.phone ?? null }, orderIds);
  }

  /** Which of these canonical keys the shop's tombstone holds (under the current or the previous secret). */
  async function tombstoned(shop: string, keys: readonly string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const hashes = new Map<string, string>();
    for (const key of keys) for (const hash of deps.keyedHash.all(shop, key)) hashes.set(hash, key);
    const known = await deps.redactions.knownKeys(shop, [...hashes.keys()]);
    return new Set([...known].map((hash) => hashes.get(hash)!));
  }

  async function remember(shop: string, keys: readonly string[]) {
    await deps.redactions.rememberKeys(shop, [...new Set(keys.map((key) => deps.keyedHash.current(shop, key)))], clock.now());
  }

  return {
    async uninstall(shop: string) {
      await shops.markUninstalled(shop, clock.now());
      const sessions = await shops.deleteSessions(shop);
      await deps.revokeApiKeys(shop);
      await deps.purgeJobs(shop);
      deps.forgetNotifications?.(shop);
      return { sessions };
    },

    async redactShop(shop: string) {
      await deps.purgeJobs(shop);
      return shops.purge(shop);
    },

    /**
     * Forgets the customer: the tombstone first (a delivery processed meanwhile is already recognised), then
     * the order rows, the stored bodies, the outbox, the data-request copies, and the customer's traces in every
     * text column of the shop (carrier messages, case notes, provider errors…). The traces are the values the
     * request names and those stored on the customer's orders and parcels.
     */
    async redactCustomer(shop: string, customer: CustomerRef, orderIds: string[]) {
      const found = await customerOrders(shop, customer, orderIds);
      const ids = [...new Set([...orderIds, ...found.map((o) => o.orderId)])];
      const parcels = await deps.redactions.fulfillmentsOf(shop, ids);
      const traces = collectTraces({
        emails: [customer?.email, ...found.map((o) => o.email)],
        phones: [customer?.phone, ...found.map((o) => o.phone)],
        names: found.map((o) => o.customerName),
        destinations: [...found.map((o) => o.destination), ...parcels.map((p) => p.destination)],
      });
      const subject: SubjectIds = {
        customerIds: [customer?.id, ...found.map((o) => o.customerId)],
        orderIds: ids,
        fulfillmentIds: parcels.map((p) => p.fulfillmentId),
      };
      await remember(shop, [...subjectKeys(subject), ...traceKeys(traces)]);

      const matcher = tracesMatcher(traces);
      const redactedOrders = await orders.redact(shop, ids, clock.now());
      const scrubbedDeliveries = await deliveries.scrubBodies(shop, ids, matcher);
      const scrubbedMessages = await deps.redactMessages(shop, ids);
      const exports = await deps.redactions.forgetDataRequests(shop, { id: customer?.id ?? null, emails: traces.emails });
      const tickets = await deps.forgetTickets(shop, { emails: traces.emails, orderIds: ids });
      const masked = await deps.redactions.maskEverywhere(shop, matcher);
      return { orders: redactedOrders, deliveries: scrubbedDeliveries, messages: scrubbedMessages, exports, tickets, masked };
    },

    /** Is this delivery (by the ids, email and phone it carries) about a redacted customer of the shop? */
    async isRedacted(shop: string, ids: SubjectIds): Promise<boolean> {
      // every delivery asks: a shop that never redacted anyone answers without hashing
      if (!(await deps.redactions.hasKeys(shop))) return false;
      return (await tombstoned(shop, subjectKeys(ids))).size > 0;
    },

    /** A later order of a redacted customer: its id joins the tombstone, so its parcels are recognised too. */
    async rememberRedactedOrder(shop: string, orderId: string) {
      await remember(shop, subjectKeys({ orderIds: [orderId] }));
    },

    /** Masks what a text says of any redacted customer of the shop (carrier messages about their parcels). */
    async maskRedacted(shop: string, text: string | null): Promise<string | null> {
      if (!text) return text;
      const spans = candidateSpans(text);
      const known = await tombstoned(shop, [...new Set(spans.map((s) => s.key))]);
      return maskSpans(text, spans.filter((s) => known.has(s.key)));
    },

    async recordDataRequest(
      shop: string,
      request: { requestId: string | null; customer: { id?: string | null; email?: string | null } | null | undefined; orderIds: string[] },
    ) {
      const found = await customerOrders(shop, request.customer, request.orderIds);
      const exported = [];
      for (const order of found) {
        const parcels = await shipments.listShipmentsOfOrder(shop, order.orderId);
        exported.push({
          order,
          shipments: parcels.map((s) => ({
            trackingNumber: s.trackingNumber,
            carrier: s.carrierName,
            status: s.status,
            lastEventAt: s.lastEventAt,
          })),
        });
      }
      await shops.recordDataRequest(
        shop,
        {
          requestId: request.requestId,
          customerId: request.customer?.id ?? null,
          email: request.customer?.email ?? null,
          export: { orders: exported },
        },
        clock.now(),
      );
      return { orders: exported.length };
    },
  };
}
