/** Ports — helpdesk tickets Shipwatch was asked about: recorded once per source and ticket id, counted as asks. */

export interface NewTicket {
  source: string;
  ticketId: string;
  customerEmail: string | null;
  subject: string;
  body: string;
  wismo: boolean;
  signals: readonly string[];
  orderId: string | null;
  orderName: string | null;
  shipmentIds: readonly number[];
  createdAt: number;
  receivedAt: number;
}

export interface TicketRecord extends NewTicket {
  id: number;
}

export interface TicketRepository {
  /**
   * Records the ticket unless the shop already has one with this source and id; only the first record counts
   * on the scorecard (a ticket on `day`, and for a WISMO ticket each of its shipments as asked), in the same
   * transaction, so a retried or repeated ticket is one ask.
   */
  record(shop: string, ticket: NewTicket, day: string): Promise<{ created: boolean; ticket: TicketRecord }>;
  /** the shop's tickets, newest received first */
  list(shop: string, query: { wismo?: boolean; limit: number; offset: number }): Promise<{ tickets: TicketRecord[]; total: number }>;
  /** the tickets matched to these orders, newest first */
  forOrders(shop: string, orderIds: readonly string[]): Promise<TicketRecord[]>;
  /** the customer's WISMO tickets received since `since`, newest first (before a proactive message: is one open?) */
  wismoSince(shop: string, customerEmail: string, since: number): Promise<TicketRecord[]>;
  /** customers/redact: the tickets of these emails or orders keep their count and lose their words */
  forget(shop: string, customer: { emails: readonly string[]; orderIds: readonly string[] }): Promise<number>;
}
