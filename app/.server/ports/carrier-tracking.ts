/** Ports — direct carrier tracking (UPS, USPS, FedEx, DHL): the shop's carrier accounts, the polling schedule, the Track APIs. */
import type { CarrierApi, CarrierScan } from "~/domain/carrier-apis";
import type { HandOff } from "~/domain/hand-offs";
import type { ProviderOutcome } from "./feeds";

export type CarrierAccountStatus = "connected" | "failing";

/** What a carrier account holds: OAuth client credentials (UPS, USPS, FedEx) or an API key alone (DHL: clientId). */
export interface CarrierCredentials {
  clientId: string;
  clientSecret: string;
}

/** An account with its credentials still sealed: only the carrier tracking service opens them. */
export interface CarrierAccountRecord {
  id: string;
  shop: string;
  carrier: CarrierApi;
  sealedCredentials: string;
  status: CarrierAccountStatus;
  lastError: string | null;
  polling: boolean;
  pausedUntil: number | null;
  lastPollAt: number | null;
  lastEventAt: number | null;
  pollCount: number;
  eventCount: number;
  failureCount: number;
  createdAt: number;
  updatedAt: number;
}

export interface CarrierAccountRepository {
  /** one per shop and carrier: a second save replaces the credentials, marks it connected and keeps the id */
  save(shop: string, account: { id: string; carrier: CarrierApi; sealedCredentials: string; polling: boolean }, at: number): Promise<CarrierAccountRecord>;
  forShop(shop: string): Promise<CarrierAccountRecord[]>;
  get(shop: string, carrier: CarrierApi): Promise<CarrierAccountRecord | null>;
  setPolling(shop: string, carrier: CarrierApi, polling: boolean, at: number): Promise<void>;
  markFailing(shop: string, carrier: CarrierApi, error: string, at: number): Promise<void>;
  /** after a 429: no call before `until` */
  pause(shop: string, carrier: CarrierApi, until: number, at: number): Promise<void>;
  recordPoll(shop: string, carrier: CarrierApi, result: { ok: boolean; events: number; error: string | null }, at: number): Promise<void>;
  /**
   * One call from the account's budget (a token bucket: `capacity` at once, then one per `intervalMs`), shared by
   * every worker polling it; or when the next call will be there. An account that is gone has no calls.
   */
  takeCall(shop: string, carrier: CarrierApi, limit: { capacity: number; intervalMs: number }, now: number): Promise<{ ok: true } | { ok: false; retryAt: number }>;
  remove(shop: string, carrier: CarrierApi): Promise<boolean>;
}

export type CarrierPollState = "active" | "held" | "done";

export interface CarrierPollRecord {
  id: number;
  shop: string;
  carrier: CarrierApi;
  trackingNumber: string;
  state: CarrierPollState;
  nextPollAt: number | null;
  attempts: number;
  lastPolledAt: number | null;
  lastError: string | null;
  stopReason: string | null;
  startedAt: number;
}

export interface CarrierPollRepository {
  /** a parcel starts being polled at `at`; one already scheduled (or finished) is left as it is */
  schedule(shop: string, carrier: CarrierApi, trackingNumbers: readonly string[], at: number): Promise<number>;
  /**
   * Claims up to `limit` due parcels (nextPollAt ≤ now), each by moving its next poll to `now + leaseMs` with a
   * compare-and-set: two workers claiming at once never get the same parcel, and a worker that dies leaves it due
   * again once the lease passes.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<CarrierPollRecord[]>;
  reschedule(shop: string, id: number, change: { nextPollAt: number; attempts: number; lastError: string | null }, at: number): Promise<void>;
  stop(shop: string, id: number, reason: string, at: number): Promise<void>;
  /** the account is failing or switched off: its parcels wait, unpolled */
  holdAccount(shop: string, carrier: CarrierApi, at: number): Promise<number>;
  /** the account works again: its waiting parcels are due at `at` */
  releaseAccount(shop: string, carrier: CarrierApi, at: number): Promise<number>;
  /** after a 429: none of the account's parcels is due before `until` */
  deferAccount(shop: string, carrier: CarrierApi, until: number, at: number): Promise<number>;
  counts(shop: string, carrier: CarrierApi): Promise<{ active: number; held: number; done: number }>;
  /** live parcels of the shop on this carrier, shipped since `since` and not yet delivered: polled once an account connects */
  liveTrackingNumbers(shop: string, carrierCode: string, since: number, limit: number): Promise<string[]>;
}

/** A carrier's failure: the ProviderOutcome failure, plus how long the carrier asked us to wait (Retry-After). */
export type CarrierFailure = Extract<ProviderOutcome<never>, { ok: false }> & { retryAfterMs: number | null };
export type CarrierOutcome<T> = { ok: true; value: T } | CarrierFailure;

/** A parcel's history as the carrier tells it, scans not yet read through the carrier's code table. */
export type CarrierTrackResult =
  /** `handOffs`: the next carriers' numbers the answer names (UPS Mail Innovations parcels go on to USPS) */
  | { found: true; scans: CarrierScan[]; estimatedDeliveryAt: number | null; handOffs?: HandOff[] }
  | { found: false; message: string };

export interface CarrierTrackClient {
  carrier: CarrierApi;
  /** a token request (or, for DHL, a cheap lookup): does the carrier accept these credentials? */
  checkCredentials(credentials: CarrierCredentials): Promise<CarrierOutcome<null>>;
  track(credentials: CarrierCredentials, trackingNumber: string): Promise<CarrierOutcome<CarrierTrackResult>>;
}
