import type { Clock } from "~/domain/clock";
import { dayOfInstant } from "~/domain/scorecard";
import { suggestReply } from "~/domain/ticket-reply";
import { classifyTicket, type TicketClassification } from "~/domain/tickets";
import type { OrderRepository, ShipmentRecord, ShipmentRepository, StoredOrder, TicketRepository } from "../ports";
import type { SupportApi, SupportShipmentView } from "./support-api";
import type { TrackLinks } from "./track-links";

/** A helpdesk ticket as the contract takes it (`POST /api/v1/tickets`), already validated. */
export interface TicketInput {
  id: string;
  source: string;
  customerEmail: string | null;
  subject: string;
  body: string;
  createdAt: number;
}

/** The contract's answer. */
export interface TicketAnswer {
  wismo: boolean;
  orderName: string | null;
  shipments: SupportShipmentView[];
  suggestedReply: string | null;
}

/** How a ticket found its order: what it named, or the customer's latest parcel. */
export type TicketMatch = "order_name" | "tracking_number" | "recent_parcel" | "recent_order";

/** The customer's parcels are looked for in their orders of this long */
const RECENT_MS = 90 * 86_400_000;
/** a ticket's words kept for the admin; the classifier reads fewer */
const STORED_TEXT_LIMIT = 64 * 1024;

const FINISHED = new Set(["delivered", "returned_to_sender"]);
const isOpenParcel = (s: ShipmentRecord) => s.cancelledAt === null && s.supersededAt === null && !FINISHED.has(s.status);

/**
 * The support loop's front door: a helpdesk's ticket is read (app/domain/tickets.ts), matched to the customer's
 * order, answered with the same objects and story the tracking page has, and recorded once as an ask.
 *
 * A ticket never reveals another customer's order: an order named in it is matched only when its email is the
 * ticket's; without an email only a tracking number matches (a tracking number is what the public tracking page
 * answers too), and then the reply greets no one by name.
 */
export function createTicketDesk(deps: {
  tickets: TicketRepository;
  orders: Pick<OrderRepository, "findByName" | "findById" | "findForCustomer">;
  shipments: Pick<ShipmentRepository, "getShipmentByTracking" | "listShipmentsOfOrder">;
  views: SupportApi["views"];
  links: Pick<TrackLinks, "url">;
  zoneOf: (shop: string) => Promise<string>;
  clock: Clock;
}) {
  const { orders, shipments, clock } = deps;

  async function match(shop: string, email: string | null, c: TicketClassification): Promise<{ order: StoredOrder; parcels: ShipmentRecord[]; by: TicketMatch } | null> {
    const owned = (o: StoredOrder | null): o is StoredOrder => !!o && o.redactedAt === null && !!email && o.email?.trim().toLowerCase() === email;
    // what the customer named, then what they wrote loosely (verified the same way: their own order, or the parcel)
    const names = [...c.orderNames, ...c.mentioned.orderNames];
    const numbers = [...c.trackingNumbers, ...c.mentioned.trackingNumbers];
    for (const name of names) {
      const order = await orders.findByName(shop, name);
      if (owned(order)) return { order, parcels: await shipments.listShipmentsOfOrder(shop, order.orderId), by: "order_name" };
    }
    for (const number of numbers) {
      const parcel = await shipments.getShipmentByTracking(shop, number);
      const order = parcel ? await orders.findById(shop, parcel.orderId) : null;
      if (!parcel || !order || order.redactedAt !== null) continue;
      if (owned(order)) return { order, parcels: await shipments.listShipmentsOfOrder(shop, order.orderId), by: "tracking_number" };
      // no email to check against: the parcel alone, as the public tracking page would answer it
      if (!email) return { order, parcels: [parcel], by: "tracking_number" };
    }
    // a ticket that names an order or parcel we could not find is about that one: another would be a guess
    if (!email || names.length || numbers.length) return null;
    const since = clock.now() - RECENT_MS;
    const theirs = (await orders.findForCustomer(shop, { id: null, email }, []))
      .filter((o) => owned(o) && o.createdAt >= since && o.cancelledAt === null)
      .sort((a, b) => b.createdAt - a.createdAt);
    let newest: { order: StoredOrder; parcels: ShipmentRecord[] } | null = null;
    let latestOpen: { order: StoredOrder; parcels: ShipmentRecord[]; shippedAt: number } | null = null;
    for (const order of theirs.slice(0, 20)) {
      const parcels = await shipments.listShipmentsOfOrder(shop, order.orderId);
      newest ??= { order, parcels };
      for (const p of parcels.filter(isOpenParcel)) if (!latestOpen || p.shippedAt > latestOpen.shippedAt) latestOpen = { order, parcels, shippedAt: p.shippedAt };
    }
    if (latestOpen) return { order: latestOpen.order, parcels: latestOpen.parcels, by: "recent_parcel" };
    return newest ? { ...newest, by: "recent_order" } : null;
  }

  return {
    /** reads, matches, answers and records a ticket (a repeat is answered again and counted once) */
    async receive(shop: string, input: TicketInput): Promise<TicketAnswer & { matchedBy: TicketMatch | null; recorded: boolean }> {
      const classification = classifyTicket({ subject: input.subject, body: input.body });
      const email = input.customerEmail?.trim().toLowerCase() || null;
      const found = await match(shop, email, classification);
      const shown = found ? await deps.views(shop, found.parcels, [found.order], classification.language) : [];
      // the customer's own order: their name, the order and its signed link; a bare tracking number: that parcel only
      const theirs = found && email ? found.order : null;
      const link = theirs
        ? deps.links.url(shop, theirs.orderId, clock.now())
        : `https://${shop}/apps/track${found?.parcels[0]?.trackingNumber ? `?tracking=${encodeURIComponent(found.parcels[0].trackingNumber)}` : ""}`;
      const suggestedReply = classification.wismo
        ? suggestReply({
            language: classification.language,
            customerName: theirs?.customerName ?? null,
            orderName: theirs?.name ?? null,
            parcels: shown.map((v) => ({ carrierName: v.carrier.name, trackingNumber: v.trackingNumber, story: v.story })),
            link,
          })
        : null;
      const receivedAt = clock.now();
      const { created } = await deps.tickets.record(
        shop,
        {
          source: input.source,
          ticketId: input.id,
          customerEmail: email,
          subject: input.subject.slice(0, STORED_TEXT_LIMIT),
          body: input.body.slice(0, STORED_TEXT_LIMIT),
          wismo: classification.wismo,
          signals: classification.signals,
          orderId: found?.order.orderId ?? null,
          orderName: found?.order.name ?? null,
          shipmentIds: found ? found.parcels.filter((p) => p.supersededAt === null).map((p) => p.id) : [],
          createdAt: input.createdAt,
          receivedAt,
        },
        dayOfInstant(receivedAt, await deps.zoneOf(shop)),
      );
      return { wismo: classification.wismo, orderName: found?.order.name ?? null, shipments: shown, suggestedReply, matchedBy: found?.by ?? null, recorded: created };
    },
    list: deps.tickets.list,
  };
}

export type TicketDesk = ReturnType<typeof createTicketDesk>;
