import type { Clock } from "~/domain/clock";
import { sameScan } from "~/domain/scan-dedupe";
import { fulfillmentEventInput, writeBackDecision } from "~/domain/write-back";
import type { EventRecord, FulfillmentEventWriter, JobRequest, ScanWriteBackStore, ShipmentRepository } from "../ports";

export type ScanWriteBack = ReturnType<typeof createScanWriteBack>;

export const WRITE_BACK_JOB = "write-back-scan";

export type WriteBackOutcome =
  | { outcome: "written"; shopifyEventId: string }
  | { outcome: "skipped"; why: string }
  | { outcome: "retry" | "refused"; message: string };

const isShopify = (e: EventRecord) => e.source.startsWith("shopify");
const asScan = (e: EventRecord) => ({ ...e, deleted: e.deletedAt !== null });

/**
 * Writes scans learned from a tracking feed or a carrier's API back to Shopify (`fulfillmentEventCreate`), for
 * shops that opted in, so the order status page and the Shop app show them (issue 11, "Write-back").
 *
 * The loop is guarded three ways: Shopify's own events never go back; a scan Shopify already has (its relayed copy,
 * or the echo of one written before) is skipped; and a parcel Shopify relays scans for is left to Shopify, so its
 * timeline never shows each scan twice. Each scan is claimed once (ScanWriteBack), and the write waits a while
 * after the scan arrives, so a relay Shopify sends at about the same time is seen first.
 */
export function createScanWriteBack(deps: {
  store: ScanWriteBackStore;
  shipments: Pick<ShipmentRepository, "listEvents">;
  writer: FulfillmentEventWriter;
  accessToken: (shop: string) => Promise<string | null>;
  enqueue: (job: JobRequest) => Promise<void>;
  clock: Clock;
  /** how long after a scan arrives it is written (Shopify's relay of the same scan gets that long to arrive first) */
  delayMs: number;
}) {
  const { store, clock } = deps;
  return {
    /** The feed merged new scans into a fulfillment: each is queued for writing, if the shop opted in. */
    async scansLearned(shop: string, fulfillmentId: string, eventKeys: readonly string[]): Promise<void> {
      if (!eventKeys.length || !(await store.enabled(shop))) return;
      const runAt = clock.now() + deps.delayMs;
      for (const eventKey of eventKeys) await deps.enqueue({ name: WRITE_BACK_JOB, shop, payload: { fulfillmentId, eventKey }, runAt });
    },

    async writeScan(shop: string, scan: { fulfillmentId: string; eventKey: string }): Promise<WriteBackOutcome> {
      // the merchant may have turned it off since the scan was queued
      if (!(await store.enabled(shop))) return { outcome: "skipped", why: "write-back is off" };
      const events = await deps.shipments.listEvents(shop, scan.fulfillmentId);
      const event = events.find((e) => e.eventKey === scan.eventKey);
      if (!event) return { outcome: "skipped", why: "the scan is gone (the shop's data was redacted, or the fulfillment deleted)" };
      if (!(await store.claim(shop, scan, clock.now()))) return { outcome: "skipped", why: "already written or skipped" };
      const skip = async (why: string): Promise<WriteBackOutcome> => {
        await store.finish(shop, scan.eventKey, { status: "skipped", error: why }, clock.now());
        return { outcome: "skipped", why };
      };
      const decision = writeBackDecision(event, clock.now());
      if (!decision.write) return skip(decision.why);
      const fromShopify = events.filter(isShopify);
      if (fromShopify.some((s) => sameScan(asScan(s), asScan(event)))) return skip("Shopify already has this scan");
      // the echoes of what was written before are Shopify's copies of our own scans; any other event is Shopify's relay
      const written = await store.writtenFor(shop, scan.fulfillmentId);
      const ours = events.filter((e) => written.has(e.eventKey)).map(asScan);
      if (fromShopify.some((s) => !ours.some((o) => sameScan(o, asScan(s))))) return skip("Shopify relays this parcel's scans itself");
      const token = await deps.accessToken(shop);
      if (!token) {
        await store.finish(shop, scan.eventKey, { status: "failed", error: "the shop has no offline access token (not installed)" }, clock.now());
        return { outcome: "refused", message: "the shop has no offline access token" };
      }
      const result = await deps.writer.createFulfillmentEvent(shop, token, fulfillmentEventInput(scan.fulfillmentId, event, decision.status));
      if (result.ok) {
        await store.finish(shop, scan.eventKey, { status: "written", shopifyEventId: result.data.id }, clock.now());
        return { outcome: "written", shopifyEventId: result.data.id };
      }
      await store.finish(shop, scan.eventKey, { status: "failed", error: result.error }, clock.now());
      return result.retryable ? { outcome: "retry", message: result.error } : { outcome: "refused", message: result.error };
    },

    summary: (shop: string, since: number) => store.summary(shop, since),
    setEnabled: (shop: string, enabled: boolean) => store.setEnabled(shop, enabled, clock.now()),
  };
}
