import { randomBytes } from "node:crypto";
import { CARRIER_API_NAMES, CARRIER_API_SOURCES, CARRIER_APIS, carrierScanKey, isCarrierApi, type CarrierApi } from "~/domain/carrier-apis";
import { backoffUntil, nextPoll, POLL_CADENCE } from "~/domain/carrier-polling";
import type { Clock } from "~/domain/clock";
import type {
  CarrierAccountRepository,
  CarrierCredentials,
  CarrierPollRecord,
  CarrierPollRepository,
  CarrierTrackClient,
  SecretBox,
  ShipmentRepository,
} from "../ports";
import type { HandOffs } from "./hand-offs";
import type { KeyedLock } from "./order-lock";
import type { FeedScan, ShipmentTracking } from "./shipment-tracking";

export type CarrierTracking = ReturnType<typeof createCarrierTracking>;

/** Calls allowed per account: a burst, then one per interval (each carrier's published or observed quota). */
export interface CallLimit {
  capacity: number;
  intervalMs: number;
}
export const DEFAULT_CALL_LIMITS: Readonly<Record<CarrierApi, CallLimit>> = {
  // UPS publishes no per-second quota for tracking; a polite pace that stays far below its daily cap
  ups: { capacity: 10, intervalMs: 200 },
  // USPS's default quota for a new app is 60 calls an hour
  usps: { capacity: 5, intervalMs: 60_000 },
  // FedEx: 100,000 a day, with bursts throttled per 10 seconds
  fedex: { capacity: 20, intervalMs: 100 },
  // DHL's default key: one call every 5 seconds (and 250 a day)
  dhl: { capacity: 1, intervalMs: 5_000 },
};

/** DHL needs the API key alone; the three others an OAuth client id and secret. */
export const NEEDS_SECRET: Readonly<Record<CarrierApi, boolean>> = { ups: true, usps: true, fedex: true, dhl: false };

/** Why a parcel's polling ended, as the admin shows it (nextPoll's verdicts). */
const STOP_REASONS: Record<"delivered" | "expired", string> = { delivered: "delivered two days ago", expired: "tracked for 60 days" };

export type PollOutcome = "polled" | "not_found" | "stopped" | "deferred" | "backoff" | "refused" | "held";

/**
 * Direct carrier tracking: a shop connects its own UPS, USPS, FedEx or DHL account, and Shipwatch polls the
 * carrier's Track API for each of that carrier's parcels on an adaptive cadence (domain/carrier-polling.ts). The
 * scans land through the same pipeline as the tracking feeds' (ShipmentTracking.applyFeedScans): recorded under
 * the carrier's source, read through its code table, counted once when Shopify reports the same scan.
 */
export function createCarrierTracking(deps: {
  accounts: CarrierAccountRepository;
  polls: CarrierPollRepository;
  clients: Record<CarrierApi, CarrierTrackClient>;
  secrets: SecretBox;
  shipments: Pick<ShipmentRepository, "getShipmentByTracking" | "listShipmentsOfFulfillment">;
  tracking: Pick<ShipmentTracking, "applyFeedScans">;
  /** hand-offs a carrier's answer names (the next carrier's number) become legs of the shipment */
  handOffs?: Pick<HandOffs, "record">;
  /** the delivery processor's lock on an order's shipments: Shopify's events, the feeds and the polls share it */
  lock: KeyedLock;
  /** changed shipments are due for evaluation; the sweep is asked to run */
  requestSweep: () => Promise<void>;
  isInstalled: (shop: string) => Promise<boolean>;
  clock: Clock;
  limits?: Partial<Record<CarrierApi, CallLimit>>;
  /** how long a claimed parcel is held by the worker polling it (a worker that dies lets it go after this) */
  leaseMs?: number;
  /** polls in flight at once in one worker */
  concurrency?: number;
  /** where a poll that failed on our side is reported (it backs off and is tried again) */
  onError?: (details: { shop: string; carrier: CarrierApi; trackingNumber: string; error: unknown }) => void;
}) {
  const { accounts, polls, clients, secrets, clock } = deps;
  const leaseMs = deps.leaseMs ?? 5 * 60_000;
  const limitOf = (carrier: CarrierApi) => deps.limits?.[carrier] ?? DEFAULT_CALL_LIMITS[carrier];

  const openCredentials = (sealed: string): CarrierCredentials => {
    const value = secrets.open(sealed) as Partial<CarrierCredentials> | null;
    if (typeof value?.clientId !== "string" || typeof value.clientSecret !== "string") throw new Error("carrier credentials are not a client id and secret");
    return { clientId: value.clientId, clientSecret: value.clientSecret };
  };

  /** The shop's live parcels on this carrier (last 60 days, not yet delivered) start being polled. */
  async function enrollLive(shop: string, carrier: CarrierApi): Promise<number> {
    const now = clock.now();
    const numbers = await polls.liveTrackingNumbers(shop, carrier, now - POLL_CADENCE.maxTrackingMs, 10_000);
    return polls.schedule(shop, carrier, numbers, now);
  }

  /** Polling this carrier's parcels on or off; on again, the waiting ones are due at once. */
  async function setPolling(shop: string, carrier: CarrierApi, polling: boolean): Promise<void> {
    const now = clock.now();
    const account = await accounts.get(shop, carrier);
    if (!account) return;
    await accounts.setPolling(shop, carrier, polling, now);
    if (!polling) {
      await polls.holdAccount(shop, carrier, now);
    } else if (account.status === "connected") {
      await polls.releaseAccount(shop, carrier, now);
      await enrollLive(shop, carrier);
    }
  }

  async function poll(row: CarrierPollRecord): Promise<PollOutcome> {
    const { shop, carrier, trackingNumber } = row;
    const now = clock.now();
    if (!(await deps.isInstalled(shop))) {
      await polls.stop(shop, row.id, "the shop uninstalled Shipwatch", now);
      return "stopped";
    }
    const account = await accounts.get(shop, carrier);
    if (!account || !account.polling || account.status !== "connected") {
      // nothing to poll with: the parcel waits for the account to be connected or switched on again
      await polls.holdAccount(shop, carrier, now);
      return "held";
    }
    if (account.pausedUntil !== null && account.pausedUntil > now) {
      await polls.reschedule(shop, row.id, { nextPollAt: account.pausedUntil, attempts: row.attempts, lastError: row.lastError }, now);
      return "deferred";
    }
    // a parcel already past its last poll (delivered more than two days ago, as a history import brings many of
    // them, or tracked for 60 days) is let go without spending a call of the account's budget
    const known = await deps.shipments.getShipmentByTracking(shop, trackingNumber);
    if (known && known.supersededAt === null && known.cancelledAt === null) {
      const plan = nextPoll({ status: known.status, finishedAt: known.deliveredAt ?? known.statusChangedAt, startedAt: row.startedAt, now });
      if ("stop" in plan) {
        await polls.stop(shop, row.id, STOP_REASONS[plan.stop], now);
        return "stopped";
      }
    }
    // the account's budget, shared with every other worker polling it
    const token = await accounts.takeCall(shop, carrier, limitOf(carrier), now);
    if (!token.ok) {
      await polls.reschedule(shop, row.id, { nextPollAt: token.retryAt, attempts: row.attempts, lastError: row.lastError }, now);
      return "deferred";
    }

    const answer = await clients[carrier].track(openCredentials(account.sealedCredentials), trackingNumber);
    const at = clock.now();
    if (!answer.ok) {
      await accounts.recordPoll(shop, carrier, { ok: false, events: 0, error: answer.message }, at);
      if (answer.status === 401 || answer.status === 403) {
        // the carrier refused the account: say so in its words and stop asking until the merchant mends it
        await accounts.markFailing(shop, carrier, answer.message, at);
        await polls.holdAccount(shop, carrier, at);
        return "refused";
      }
      if (answer.status === 429) {
        const until = backoffUntil({ attempts: row.attempts + 1, retryAfterMs: answer.retryAfterMs, now: at });
        await accounts.pause(shop, carrier, until, at);
        await polls.deferAccount(shop, carrier, until, at);
        await polls.reschedule(shop, row.id, { nextPollAt: until, attempts: row.attempts + 1, lastError: answer.message }, at);
        return "backoff";
      }
      if (answer.retryable) {
        await polls.reschedule(shop, row.id, { nextPollAt: backoffUntil({ attempts: row.attempts + 1, retryAfterMs: answer.retryAfterMs, now: at }), attempts: row.attempts + 1, lastError: answer.message }, at);
        return "backoff";
      }
      // any other refusal is about this number (malformed, not the carrier's): asking again cannot help
      await polls.stop(shop, row.id, answer.message, at);
      return "stopped";
    }

    // the number may be a later leg of a parcel (a hand-off): its scans land on that parcel's one timeline
    const shipment = await deps.shipments.getShipmentByTracking(shop, trackingNumber);
    if (!shipment || shipment.supersededAt !== null || shipment.cancelledAt !== null) {
      await polls.stop(shop, row.id, `no live parcel with tracking number ${trackingNumber}`, at);
      return "stopped";
    }
    let events = 0;
    let status = shipment.status;
    let finishedAt = shipment.deliveredAt ?? shipment.statusChangedAt;
    if (answer.value.found && answer.value.scans.length) {
      const { scans: raw, estimatedDeliveryAt } = answer.value;
      const latest = Math.max(...raw.map((s) => s.happenedAt));
      const scans: FeedScan[] = raw.map((s) => ({
        ...s,
        eventKey: carrierScanKey(carrier, trackingNumber, s),
        source: CARRIER_API_SOURCES[carrier],
        // the carrier's estimate is today's word: it goes with its latest scan, not with the history
        estimatedDeliveryAt: s.happenedAt === latest ? estimatedDeliveryAt : null,
      }));
      const changed = await deps.lock(`${shop}|${shipment.orderId}`, () => deps.tracking.applyFeedScans(shop, shipment.fulfillmentId, shipment.orderId, scans));
      if (changed.length) await deps.requestSweep();
      const after = await deps.shipments.getShipmentByTracking(shop, trackingNumber);
      if (after) {
        events = Math.max(0, after.eventCount - shipment.eventCount);
        status = after.status;
        finishedAt = after.deliveredAt ?? after.statusChangedAt;
      }
    }
    if (answer.value.found && answer.value.handOffs?.length && deps.handOffs) {
      const added = await deps.handOffs.record(shop, shipment, answer.value.handOffs, CARRIER_API_SOURCES[carrier]);
      if (added.length) await deps.requestSweep();
    }
    await accounts.recordPoll(shop, carrier, { ok: true, events, error: null }, at);
    const plan = nextPoll({ status, finishedAt, startedAt: row.startedAt, now: at });
    if ("stop" in plan) {
      await polls.stop(shop, row.id, STOP_REASONS[plan.stop], at);
      return "stopped";
    }
    const lastError = answer.value.found ? null : answer.value.message;
    await polls.reschedule(shop, row.id, { nextPollAt: plan.next, attempts: 0, lastError }, at);
    return answer.value.found ? "polled" : "not_found";
  }

  async function pollSafely(row: CarrierPollRecord): Promise<PollOutcome> {
    try {
      return await poll(row);
    } catch (error) {
      // something of ours failed (the database, a sealed value): this parcel backs off, the batch goes on
      const now = clock.now();
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await polls.reschedule(row.shop, row.id, { nextPollAt: backoffUntil({ attempts: row.attempts + 1, retryAfterMs: null, now }), attempts: row.attempts + 1, lastError: why }, now);
      deps.onError?.({ shop: row.shop, carrier: row.carrier, trackingNumber: row.trackingNumber, error });
      return "backoff";
    }
  }

  return {
    /**
     * Settings → Carrier accounts: connects an account or changes it. The credentials are checked with the carrier
     * first (a token request; DHL: one lookup), and only credentials the carrier accepts are stored, sealed. A
     * blank field keeps the saved value. Polling on or off alone is saved without asking the carrier.
     */
    async connect(
      shop: string,
      carrier: CarrierApi,
      input: { clientId: string; clientSecret: string; polling: boolean },
    ): Promise<{ ok: true } | { ok: false; fieldErrors: Record<string, string> }> {
      const existing = await accounts.get(shop, carrier);
      const name = CARRIER_API_NAMES[carrier];
      const saved = existing ? openCredentials(existing.sealedCredentials) : null;
      // a blank field keeps what is saved: the admin never loads the credentials back into the form
      const clientId = input.clientId.trim() || saved?.clientId || "";
      const typedSecret = input.clientSecret.trim();
      if (existing && saved && clientId === saved.clientId && !typedSecret) {
        await setPolling(shop, carrier, input.polling);
        return { ok: true };
      }
      const fieldErrors: Record<string, string> = {};
      if (!clientId) fieldErrors.clientId = NEEDS_SECRET[carrier] ? `Enter your ${name} client ID` : `Enter your ${name} API key`;
      const clientSecret = NEEDS_SECRET[carrier] ? typedSecret || (saved && clientId === saved.clientId ? saved.clientSecret : "") : "";
      if (NEEDS_SECRET[carrier] && !clientSecret) fieldErrors.clientSecret = `Enter your ${name} client secret`;
      if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
      const check = await clients[carrier].checkCredentials({ clientId, clientSecret });
      if (!check.ok) {
        // the carrier's own words, over the form: they may be about the id or the secret
        const words = check.retryable ? `${check.message} (nothing was changed; try again in a moment)` : check.message;
        return { ok: false, fieldErrors: { form: words } };
      }
      const now = clock.now();
      await accounts.save(shop, { id: existing?.id ?? randomBytes(12).toString("base64url"), carrier, sealedCredentials: secrets.seal({ clientId, clientSecret }), polling: input.polling }, now);
      if (input.polling) {
        await polls.releaseAccount(shop, carrier, now);
        await enrollLive(shop, carrier);
      }
      return { ok: true };
    },

    setPolling,

    /** Deletes the account and its sealed credentials; its parcels wait, unpolled, in case it is connected again. */
    async disconnect(shop: string, carrier: CarrierApi): Promise<boolean> {
      const removed = await accounts.remove(shop, carrier);
      await polls.holdAccount(shop, carrier, clock.now());
      return removed;
    },

    /** The shop's accounts as the admin may show them: never the credentials, only the end of the client id. */
    async overview(shop: string) {
      const connected = await accounts.forShop(shop);
      return Promise.all(
        CARRIER_APIS.map(async (carrier) => {
          const account = connected.find((a) => a.carrier === carrier) ?? null;
          if (!account) return { carrier, name: CARRIER_API_NAMES[carrier], needsSecret: NEEDS_SECRET[carrier], account: null };
          const { sealedCredentials, ...shown } = account;
          const clientId = openCredentials(sealedCredentials).clientId;
          return {
            carrier,
            name: CARRIER_API_NAMES[carrier],
            needsSecret: NEEDS_SECRET[carrier],
            account: { ...shown, clientIdEnding: clientId.slice(-4), parcels: await polls.counts(shop, carrier) },
          };
        }),
      );
    },

    /** A hand-off's new leg on a carrier the shop polls starts being polled (its scans land on the same parcel). */
    async trackLeg(shop: string, leg: { carrierCode: string; trackingNumber: string }): Promise<void> {
      if (!isCarrierApi(leg.carrierCode)) return;
      const account = await accounts.get(shop, leg.carrierCode);
      if (!account?.polling || account.status !== "connected") return;
      await polls.schedule(shop, leg.carrierCode, [leg.trackingNumber], clock.now());
    },

    /** A fulfillment arrived or changed: its parcels on a carrier the shop polls start being polled. */
    async fulfillmentSeen(shop: string, fulfillmentId: string): Promise<void> {
      const polled = (await accounts.forShop(shop)).filter((a) => a.polling && a.status === "connected");
      if (!polled.length) return;
      const parcels = await deps.shipments.listShipmentsOfFulfillment(shop, fulfillmentId);
      const now = clock.now();
      for (const account of polled) {
        const numbers = parcels
          .filter((s) => s.carrierCode === account.carrier && s.trackingNumber && s.supersededAt === null && s.cancelledAt === null)
          .map((s) => s.trackingNumber!);
        if (numbers.length) await polls.schedule(shop, account.carrier, numbers, now);
      }
    },

    /**
     * The recurring job's work: claims up to `limit` due parcels (never one another worker holds), polls them a few
     * at a time, and reschedules each. Returns how many were claimed: a full batch means more are due.
     */
    async pollDue(limit: number): Promise<{ claimed: number; outcomes: Record<PollOutcome, number> }> {
      const claimed = await polls.claimDue(clock.now(), limit, leaseMs);
      const outcomes: Record<PollOutcome, number> = { polled: 0, not_found: 0, stopped: 0, deferred: 0, backoff: 0, refused: 0, held: 0 };
      // one account's parcels one after another (a 429 or a refusal is seen before its next call); accounts side by side
      const byAccount = new Map<string, CarrierPollRecord[]>();
      for (const row of claimed) byAccount.set(`${row.shop}|${row.carrier}`, [...(byAccount.get(`${row.shop}|${row.carrier}`) ?? []), row]);
      const queues = [...byAccount.values()];
      const worker = async () => {
        for (let rows = queues.shift(); rows; rows = queues.shift()) {
          for (const row of rows) outcomes[await pollSafely(row)] += 1;
        }
      };
      await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, queues.length) }, worker));
      return { claimed: claimed.length, outcomes };
    },
  };
}
