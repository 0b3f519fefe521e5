import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The links Shipwatch puts in customer messages: `https://<shop domain>/apps/track?t=<token>`.
 *
 * A token names the order (Shopify's order id: a number, nothing about the person) and the day it was issued,
 * and is signed with a key derived from the app secret over the shop as well, so a token of one shop is not a
 * token of another. It carries no personal data: whoever holds it sees what the order number and email would
 * show. It expires 90 days after the order's last delivery (the lookup checks that against the shipments), and
 * in any case a year after it was issued, so an old message in someone's inbox stops answering.
 *
 * Shape: `<orderId base36>.<issued day, base36 days since 1970>.<signature, 16 bytes base64url>`: short enough for
 * an SMS. Verifying is constant-time and costs the same for a good, tampered or foreign token.
 */
export interface TrackLinks {
  /** a fresh token for the shop's order */
  token(shop: string, orderId: string, now: number): string;
  /** the link for a customer message */
  url(shop: string, orderId: string, now: number): string;
  /** the order a token names, if it is this shop's, untampered and not past its hard limit; else null */
  verify(shop: string, token: string, now: number): { orderId: string; issuedAt: number } | null;
}

const DAY_MS = 86_400_000;
/** After the order's last delivery, a link answers this long. */
export const TRACK_LINK_DAYS_AFTER_DELIVERY = 90;
/** However long the parcel takes, a link stops answering this long after it was written. */
export const TRACK_LINK_MAX_DAYS = 365;
/** Longer than any token this module writes: refused before any work. */
export const TRACK_TOKEN_MAX_LENGTH = 64;

const SIGNATURE_BYTES = 16;
const TOKEN = /^([0-9a-z]{1,20})\.([0-9a-z]{1,8})\.([A-Za-z0-9_-]{22})$/;

export function createTrackLinks(secrets: readonly string[]): TrackLinks {
  if (!secrets.length) throw new Error("track links need a secret");
  const keys = secrets.map((secret) => createHmac("sha256", secret).update("shipwatch/track-link/v1").digest());
  const sign = (key: Buffer, shop: string, body: string) => createHmac("sha256", key).update(`${shop}|${body}`).digest().subarray(0, SIGNATURE_BYTES);
  // a token that does not parse is still checked against a signature, so it costs what a good one does
  const dummy = Buffer.alloc(SIGNATURE_BYTES);

  function token(shop: string, orderId: string, now: number): string {
    if (!/^\d{1,19}$/.test(orderId)) throw new Error("a track link names a Shopify order id");
    const body = `${BigInt(orderId).toString(36)}.${Math.floor(now / DAY_MS).toString(36)}`;
    return `${body}.${sign(keys[0]!, shop, body).toString("base64url")}`;
  }

  return {
    token,
    url: (shop, orderId, now) => `https://${shop}/apps/track?t=${token(shop, orderId, now)}`,
    verify(shop, value, now) {
      const match = typeof value === "string" && value.length <= TRACK_TOKEN_MAX_LENGTH ? TOKEN.exec(value) : null;
      const body = match ? `${match[1]}.${match[2]}` : "-";
      const given = match ? Buffer.from(match[3]!, "base64url") : dummy;
      let good = false;
      // every key is tried, so a token under the previous secret costs what one under the current does
      for (const key of keys) {
        const expected = sign(key, shop, body);
        if (given.length === expected.length && timingSafeEqual(given, expected)) good = true;
      }
      if (!match || !good) return null;
      const issuedAt = parseInt(match[2]!, 36) * DAY_MS;
      if (issuedAt > now + DAY_MS || now - issuedAt > TRACK_LINK_MAX_DAYS * DAY_MS) return null;
      return { orderId: parseInt36(match[1]!), issuedAt };
    },
  };
}

function parseInt36(value: string): string {
  let n = 0n;
  for (const ch of value) n = n * 36n + BigInt(parseInt(ch, 36));
  return n.toString();
}

/** Whether an order whose parcels were all delivered, the last at `lastDeliveredAt`, is past its links' life. */
export function trackLinkExpired(shipments: readonly { deliveredAt: number | null }[], now: number): boolean {
  if (!shipments.length || shipments.some((s) => s.deliveredAt === null)) return false;
  const last = Math.max(...shipments.map((s) => s.deliveredAt!));
  return now - last > TRACK_LINK_DAYS_AFTER_DELIVERY * DAY_MS;
}
