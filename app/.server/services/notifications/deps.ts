import type { Clock } from "~/domain/clock";
import type {
  CaseRecord,
  CaseRepository,
  ChannelGateway,
  NotificationRepository,
  NotificationSettingsRepository,
  OrderRepository,
  SecretBox,
  ShipmentRepository,
  TemplateRepository,
  TicketNoteOutlet,
} from "../../ports";
import type { LearnedEstimator } from "../shipment-views";
import type { TrackLinks } from "../track-links";

/** What the composition root hands `createNotifications`; each part takes the few it uses. */
export interface NotificationsDeps {
  outbox: NotificationRepository;
  settings: NotificationSettingsRepository;
  templates: TemplateRepository;
  shipments: ShipmentRepository;
  orders: OrderRepository;
  cases: CaseRepository;
  gateway: ChannelGateway;
  secrets: SecretBox;
  /** the shop's offline Admin API token, for the Shopify write-back */
  accessToken: (shop: string) => Promise<string | null>;
  /** the app is installed on the shop: nothing goes out for a shop that uninstalled it */
  isInstalled: (shop: string) => Promise<boolean>;
  /** the shop's own time zone: the fallback for recipients whose zone is unknown */
  shopTimezone: (shop: string) => Promise<string>;
  /** the shop's learned delivery windows (services/transit.ts), so a message tells the estimate the page shows */
  learned?: (shop: string) => Promise<LearnedEstimator>;
  /** the signed `https://<shop>/apps/track?t=<token>` links every customer message carries */
  links: TrackLinks;
  /** the customer's open WISMO ticket in a connected helpdesk takes an email's update as a note instead (services/helpdesks.ts) */
  ticketNotes?: TicketNoteOutlet;
  /** the order's latest fulfillment_delayed case (ports/fulfillment.ts): an order-level message goes only while it is open */
  orderCase?: (shop: string, orderId: string) => Promise<CaseRecord | null>;
  /** runs the send job for a message at (or after) runAt */
  schedule: (shop: string, id: number, runAt: number) => Promise<void>;
  clock: Clock;
  /** the operator's SMTP relay is configured (SMTP_URL): email works without the shop's own server */
  operatorEmail: boolean;
  /** the operator's sender (EMAIL_FROM), the last resort for the address customers write to */
  operatorFrom?: string | null;
  /** SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: destinations may be plain-http, loopback or private (local stand-ins); never in production */
  allowPrivateDestinations?: boolean;
  maxAttempts: number;
  channelAlertMs: number;
  /** how long a worker owns a message it is sending; after, the send is resumed with the same idempotency key */
  leaseMs?: number;
  /**
   * one provider call's time limit (NOTIFY_TIMEOUT_MS): a send handed to the provider longer ago than the lease
   * plus this has ended, answered or not, even in a worker that is merely slow
   */
  callTimeoutMs?: number;
  /** first retry delay; doubles per attempt (with jitter), capped at an hour */
  retryBaseMs?: number;
  random?: () => number;
  cacheMs?: number;
}
