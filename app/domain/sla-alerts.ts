import { OWNERS, type Owner, type Priority } from "./rules";

/**
 * SLA breach alerts: when an open case passes its due time, the team that owns it hears of it once, where that team
 * listens. Pure: who is alerted, through which destination, whether a claimed alert should still go, and the words.
 * The words carry the case, never the customer: no email, phone or address ever goes to a team channel.
 */

export const TEAM_LABELS: Record<Owner, string> = {
  support: "Support",
  fulfillment: "Fulfillment",
  finance: "Finance",
  operations: "Operations",
};

/** Case types in plain words for a person reading a chat message (types added later read from their code). */
const CASE_TYPE_WORDS: Record<string, string> = {
  not_picked_up: "Parcel not picked up by the carrier",
  stalled: "Parcel stalled in transit",
  lost: "Parcel likely lost",
  late: "Late delivery",
  failed_attempt: "Failed delivery attempt",
  address_issue: "Address problem",
  damaged: "Parcel damaged",
  customs_hold: "Held in customs",
  returned_to_sender: "Returned to sender",
  carrier_exception: "Carrier exception",
  unknown_status: "Unknown carrier status",
  fulfillment_delayed: "Order not fulfilled in time",
};

export function caseTypeWords(type: string): string {
  const known = CASE_TYPE_WORDS[type];
  if (known) return known;
  const words = type.replace(/_/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : "Case";
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "45 min", "3 h", "2 d 4 h": how late, to the unit a person acts on (never "0 min": at least a minute). */
export function latenessWords(ms: number): string {
  const late = Math.max(ms, MINUTE);
  if (late < HOUR) return `${Math.floor(late / MINUTE)} min`;
  if (late < 2 * DAY) return `${Math.floor(late / HOUR)} h`;
  const days = Math.floor(late / DAY);
  const hours = Math.floor((late - days * DAY) / HOUR);
  return hours ? `${days} d ${hours} h` : `${days} d`;
}

/** The case in the Shopify admin (the app's own page, embedded): how every staff-facing link is built. */
export function caseAdminUrl(shop: string, appHandle: string, caseId: number): string {
  return `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/apps/${appHandle}/app/exceptions/${caseId}`;
}

/** What a breach alert says of its case. Only the case's own fields: nothing here can hold personal data. */
export interface BreachFacts {
  caseId: number;
  type: string;
  owner: Owner;
  priority: Priority;
  orderName: string;
  /** null for an order-level case (no parcel yet) */
  trackingNumber: string | null;
  dueAt: number;
  caseUrl: string;
}

/** Slack's mrkdwn gives &, < and > meaning; text from elsewhere (an order name) is shown as typed. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The alert as the team reads it: a one-line title (helpdesk subject, notification preview) and the message text
 * (Slack mrkdwn, with the case link).
 */
export function breachAlertWords(facts: BreachFacts, now: number): { title: string; text: string } {
  const team = TEAM_LABELS[facts.owner];
  const what = caseTypeWords(facts.type);
  const late = latenessWords(now - facts.dueAt);
  const title = `SLA breached: ${what} on order ${facts.orderName}, overdue by ${late}`;
  const parcel = facts.trackingNumber ? ` (tracking ${mrkdwn(facts.trackingNumber)})` : "";
  const text = [
    `:rotating_light: *SLA breached for ${team}*`,
    `${mrkdwn(what)} on order *${mrkdwn(facts.orderName)}*${parcel} is overdue by ${late}. Priority: ${facts.priority}.`,
    `<${facts.caseUrl}|Open case #${facts.caseId} in Shipwatch>`,
  ].join("\n");
  return { title, text };
}

/** The case as it stands when its claimed alert is about to go. */
export interface CaseAtSend {
  status: "open" | "snoozed" | "resolved";
  owner: Owner;
}

/**
 * Whether an alert claimed by the sweep still goes when its job runs: a case resolved meanwhile, or handed to
 * another team (whose own breach is claimed anew), is no longer this alert's business.
 */
export function stillWorthSending(current: CaseAtSend | null, alertOwner: Owner): { send: true } | { send: false; reason: string } {
  if (!current) return { send: false, reason: "The case is no longer there" };
  if (current.status === "resolved") return { send: false, reason: "The case was resolved before the alert went" };
  if (current.owner !== alertOwner) return { send: false, reason: `The case was handed to ${TEAM_LABELS[current.owner]} before the alert went` };
  return { send: true };
}

/** Where a team's alert goes: its own Slack webhook, else the shop's connected Slack channel, else nowhere (yet). */
export type TeamAlertRouteKind = "team_webhook" | "shop_slack";

export function routeFor(owner: Owner, teamWebhooks: ReadonlySet<Owner>, shopSlackReady: boolean): TeamAlertRouteKind | null {
  if (teamWebhooks.has(owner)) return "team_webhook";
  return shopSlackReady ? "shop_slack" : null;
}

/** The destination in the trail's words: "Slack (Fulfillment team's webhook)", "Slack (the shop's channel)". */
export function routeWords(owner: Owner, kind: TeamAlertRouteKind): string {
  return kind === "team_webhook" ? `Slack (${TEAM_LABELS[owner]} team's webhook)` : "Slack (the shop's channel)";
}

/** The case trail's line for an alert that went: "SLA alert sent to Fulfillment on Slack (the shop's channel)". */
export function sentActivity(owner: Owner, destination: string): string {
  return `SLA alert sent to ${TEAM_LABELS[owner]} on ${destination}`;
}

/** A Slack incoming-webhook URL's last characters, to recognise it without showing the secret. */
export function webhookHint(url: string): string {
  const tail = url.trim().replace(/\/+$/, "");
  return `…${tail.slice(-4)}`;
}

export const TEAM_OWNERS: readonly Owner[] = OWNERS;
