import type { openDatabase } from "~/.server/adapters/db/database";
import type { FakeCarrierApis, FakeScan } from "../local-services/fake-carrier-apis";
import { deletedEventIds } from "./feed-only";
import { postAdminForm } from "./shopper-truth";
import type { SimulatedStore } from "./simulated-store";

type Db = ReturnType<typeof openDatabase>["db"];

/**
 * The demo shop's own UPS account (Settings → Carrier accounts): once the month is in, the merchant connects it, and
 * Shipwatch polls UPS's Track API (its stand-in) for every UPS parcel still on its way. UPS answers with the same
 * scans Shopify relayed, in UPS's own codes, so each must land as a second copy of a scan Shipwatch already has:
 * the timeline and the parcel's state stay as they were.
 */
export const DEMO_UPS_ACCOUNT = { clientId: "demo-ups-client", clientSecret: "demo-ups-secret" };

/**
 * Shopify's fulfillment event status as UPS's Track API reports the same scan: `type/code` (UPS's activity status
 * type and code: M manifest, P pickup, I in transit, O out for delivery, D delivered, X exception, RS returning).
 */
export function asUpsScan(status: string, message: string | null): string {
  // UPS's words say the rest (a return, a damaged parcel), as they do in Shopify's copy
  const m = (message ?? "").toLowerCase();
  switch (status) {
    case "label_printed":
    case "label_purchased":
    case "confirmed":
      return "M/MP";
    case "carrier_picked_up":
    case "picked_up":
      return "P/PU";
    case "out_for_delivery":
      return "O/OT";
    case "ready_for_pickup":
      return "I/ZP";
    case "attempted_delivery":
      return "X/48";
    case "delayed":
      // UPS files a weather hold under its exception type
      return "X/WX";
    case "delivered":
      return "D/KB";
    case "failure":
      return /address/.test(m) ? "X/AI" : "X/EX";
    default:
      return "I/AR";
  }
}

/**
 * Every UPS number of the month, with the scans UPS holds for it: its fulfillment's scans as Shopify relayed them
 * (a retried delivery once, an event Shopify later deleted not at all), in UPS's codes.
 */
export function upsParcels(store: SimulatedStore): Map<string, FakeScan[]> {
  const deleted = deletedEventIds(store);
  const seen = new Set<string>();
  const scansOf = new Map<string, FakeScan[]>();
  for (const d of store.deliveries) {
    if (d.topic !== "fulfillment_events/create" || seen.has(d.webhookId) || deleted.has(String(d.payload.id))) continue;
    seen.add(d.webhookId);
    const p = d.payload as Record<string, string | number | null>;
    const scans = scansOf.get(String(p.fulfillment_id)) ?? [];
    const message = typeof p.message === "string" ? p.message : null;
    scans.push({
      code: asUpsScan(String(p.status), message),
      message: message ?? "",
      // UPS gives the local time with its offset; UTC's is "+00:00"
      at: `${new Date(String(p.happened_at)).toISOString().slice(0, 19)}+00:00`,
      ...(typeof p.city === "string" ? { city: p.city } : {}),
      ...(typeof p.province === "string" ? { state: p.province } : {}),
      ...(typeof p.country === "string" ? { country: p.country } : {}),
    });
    scansOf.set(String(p.fulfillment_id), scans);
  }
  const parcels = new Map<string, FakeScan[]>();
  for (const i of store.intended) if (i.carrierCode === "ups") parcels.set(i.trackingNumber, scansOf.get(String(i.fulfillmentId)) ?? []);
  return parcels;
}

/** Connects the account as the merchant does on Settings → Carrier accounts (the page's own action, with a session token). */
export async function connectUpsAccount(options: { base: string; shop: string; apiKey: string; secret: string }): Promise<void> {
  const res = await postAdminForm(options, "/app/settings/carriers", { intent: "save", carrier: "ups", clientId: DEMO_UPS_ACCOUNT.clientId, clientSecret: DEMO_UPS_ACCOUNT.clientSecret, polling: "on" });
  const text = await res.text();
  if (!res.ok || !text.includes("saved")) throw new Error(`connecting the UPS account answered ${res.status}: ${text.slice(0, 300)}`);
}

/**
 * Waits (up to three minutes) until every UPS parcel Shipwatch enrolled has had its first answer from UPS, or was let
 * go without a call (delivered more than two days ago). A parcel put off by the account's call budget is not done yet.
 */
export async function waitForFirstPolls(db: Db, shop: string, ups: FakeCarrierApis): Promise<void> {
  const deadline = Date.now() + 180_000;
  let enrolled = -1;
  let settledSince = Date.now();
  for (;;) {
    const { rows, waiting } = await pollState(db, shop, ups);
    // enrolling runs in pages: done means nothing waits and no parcel was added for two seconds
    if (rows.length !== enrolled) [enrolled, settledSince] = [rows.length, Date.now()];
    if (waiting === 0 && Date.now() - settledSince > 2_000) return;
    if (Date.now() > deadline) throw new Error(`${waiting} of ${rows.length} UPS parcels had no answer from UPS within three minutes`);
    process.stdout.write(`  polling UPS… ${waiting} of ${rows.length} parcels to go   \r`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function pollState(db: Db, shop: string, ups: FakeCarrierApis) {
  const rows = await db.selectFrom("CarrierPoll").select(["trackingNumber", "state", "lastError"]).where("shop", "=", shop).where("carrier", "=", "ups").execute();
  const tracks = ups.calls.filter((c) => c.carrier === "ups" && c.kind === "track");
  const asked = new Set(tracks.flatMap((c) => (c.trackingNumber && c.status !== 429 ? [c.trackingNumber.toUpperCase()] : [])));
  const answered = rows.filter((r) => r.state !== "done" && asked.has(r.trackingNumber.toUpperCase())).length;
  const stopped = rows.filter((r) => r.state === "done").length;
  return { rows, tracks, answered, stopped, waiting: rows.length - answered - stopped };
}

/** What the account did: parcels enrolled, answered by UPS or let go without a call, UPS's calls and their answers. */
export async function carrierAccountSummary(db: Db, shop: string, ups: FakeCarrierApis) {
  const { rows, tracks, answered, stopped, waiting } = await pollState(db, shop, ups);
  const account = await db.selectFrom("CarrierAccount").select(["status", "eventCount"]).where("shop", "=", shop).where("carrier", "=", "ups").executeTakeFirst();
  return {
    status: account?.status ?? "not connected",
    enrolled: rows.length,
    answered,
    stopped,
    waiting,
    failing: rows.filter((r) => r.lastError !== null).length,
    calls: tracks.length,
    ok: tracks.filter((c) => c.status === 200).length,
    /** scans UPS told that Shipwatch did not already have */
    newEvents: Number(account?.eventCount ?? 0),
  };
}

export function carrierAccountLines(summary: Awaited<ReturnType<typeof carrierAccountSummary>>): string[] {
  return [
    `carrier acct.  UPS (the shop's own account, through UPS's Track API stand-in): ${summary.status}; ${summary.enrolled} UPS parcels of the last 60 days enrolled: ${summary.answered} answered by UPS, ${summary.stopped} delivered over two days ago and let go without a call, ${summary.waiting} waiting, ${summary.failing} failing`,
    `               ${summary.ok}/${summary.calls} track calls answered 200; ${summary.newEvents} scans new to Shipwatch: UPS's are Shopify's again, each kept as a second copy (retired, above)`,
  ];
}
