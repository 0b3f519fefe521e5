import type { Owner } from "~/domain/rules";
import type { ChannelCredentials, SendOutcome } from "./notifications";

/** Ports — SLA breach alerts to the team that owns a case: the claim, the send authority, each team's route, and the sender. */

export type SlaAlertStatus = "pending" | "sending" | "sent" | "failed" | "skipped";

export interface SlaAlertRecord {
  id: number;
  shop: string;
  caseId: number;
  seq: number;
  owner: Owner;
  status: SlaAlertStatus;
  statusReason: string | null;
  destination: string | null;
  attempts: number;
  lastError: string | null;
  lockedUntil: number | null;
  text: string | null;
  createdAt: number;
  sentAt: number | null;
  updatedAt: number;
}

export interface SlaAlertStore {
  /**
   * Claims the breaches of every shop: open cases due before `now` and not yet alerted for their owner (an index
   * range: status, alerted, due). Each claim marks the case and writes its alert in one transaction, and only if the
   * case is still unclaimed, so two sweeps (or two workers) claim a breach once.
   */
  claimBreaches(now: number, limit: number): Promise<SlaAlertRecord[]>;
  get(shop: string, id: number): Promise<SlaAlertRecord | null>;
  /** takes the alert to send it: only from pending or failed (a replay), or from a sending whose lease ran out */
  lease(shop: string, id: number, now: number, leaseMs: number): Promise<SlaAlertRecord | null>;
  /** back to pending after a failure worth retrying (`attempts` counted unless the provider only paced us) */
  release(shop: string, id: number, change: { reason: string; error: string | null; at: number; notAnAttempt?: boolean }): Promise<void>;
  /** sent: the row and the case's trail line, in one transaction */
  markSent(shop: string, id: number, change: { destination: string; text: string; at: number; activity: string }): Promise<void>;
  /** failed (parked; a replay takes it again) or skipped (no longer worth sending, or nowhere to send) */
  finish(shop: string, id: number, change: { status: "failed" | "skipped"; reason: string; error?: string | null; destination?: string | null; at: number; activity?: string }): Promise<void>;
  forCase(shop: string, caseId: number): Promise<SlaAlertRecord[]>;
  /** pending alerts not touched since `before` (their job was lost between the claim and the queue) */
  stranded(before: number, limit: number): Promise<{ shop: string; id: number }[]>;
}

/** A team's own destination, as stored (the secret sealed). */
export interface TeamAlertRouteRecord {
  owner: Owner;
  sealedSecret: string | null;
  hint: string | null;
  updatedAt: number;
}

export interface TeamAlertRouteStore {
  list(shop: string): Promise<TeamAlertRouteRecord[]>;
  /** all teams' changes at once (one transaction): `sealedSecret` null removes the team's webhook */
  save(shop: string, changes: readonly { owner: Owner; sealedSecret: string | null; hint: string | null }[], at: number): Promise<void>;
}

/** One alert as it leaves Shipwatch: words only, never customer data. */
export interface TeamAlertMessage {
  shop: string;
  caseId: number;
  owner: Owner;
  /** stable per alert: a receiver that de-duplicates (a helpdesk) takes a repeat harmlessly */
  idempotencyKey: string;
  title: string;
  text: string;
  caseUrl: string;
}

/**
 * Where one alert goes, resolved for this send: the kind of destination (the sender that carries it), its words for
 * the trail, and what that sender needs (Slack: the webhook URL). A helpdesk destination (a ticket or an internal
 * note for the team) is another kind with its own sender; nothing upstream changes.
 */
export interface TeamAlertTarget {
  kind: "slack" | (string & {});
  /** "Slack (Fulfillment team's webhook)" */
  words: string;
  credentials: ChannelCredentials;
}

/** A destination kind's sender. A provider's answer is never thrown: it comes back as a SendOutcome. */
export interface TeamAlertSender {
  send(message: TeamAlertMessage, target: TeamAlertTarget): Promise<SendOutcome>;
}
