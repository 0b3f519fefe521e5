import { describe, expect, it } from "vitest";
import { createTrackLinks, TRACK_LINK_MAX_DAYS, TRACK_TOKEN_MAX_LENGTH, trackLinkExpired } from "~/.server/services/track-links";

/** The message link's token (ARCHITECTURE.md, "Tracking page and message links"), signed for real. */
const SHOP = "alpha-goods.myshopify.com";
const OTHER = "beta-supply.myshopify.com";
const NOW = Date.parse("2026-12-05T12:00:00Z");
const DAY = 86_400_000;
const ORDER = "5620000001234";

describe("track links", () => {
  const links = createTrackLinks(["current-secret"]);

  it("GIVEN a token THEN it names the order for this shop, in a short https link with nothing personal", () => {
    const url = links.url(SHOP, ORDER, NOW);
    expect(url).toMatch(/^https:\/\/alpha-goods\.myshopify\.com\/apps\/track\?t=[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    const token = new URL(url).searchParams.get("t")!;
    expect(token.length).toBeLessThanOrEqual(TRACK_TOKEN_MAX_LENGTH);
    expect(token).not.toContain(ORDER);
    expect(links.verify(SHOP, token, NOW)).toEqual({ orderId: ORDER, issuedAt: Math.floor(NOW / DAY) * DAY });
  });

  it("GIVEN another shop, a changed character, another order's body or garbage THEN null", () => {
    const token = links.token(SHOP, ORDER, NOW);
    expect(links.verify(OTHER, token, NOW)).toBeNull();
    const [id, day, sig] = token.split(".");
    const flipped = sig!.slice(0, -1) + (sig!.endsWith("A") ? "B" : "A");
    expect(links.verify(SHOP, `${id}.${day}.${flipped}`, NOW)).toBeNull();
    expect(links.verify(SHOP, `${(BigInt(ORDER) + 1n).toString(36)}.${day}.${sig}`, NOW)).toBeNull();
    for (const bad of ["", "x", "..", `${token}x`, "a".repeat(500), "1.2.3", "%7B%7B", "{{ shop }}"]) expect(links.verify(SHOP, bad, NOW)).toBeNull();
  });

  it("GIVEN a secret rotation THEN tokens under the previous secret still open; a token of another app never", () => {
    const old = createTrackLinks(["old-secret"]).token(SHOP, ORDER, NOW);
    expect(createTrackLinks(["current-secret", "old-secret"]).verify(SHOP, old, NOW)).toMatchObject({ orderId: ORDER });
    expect(links.verify(SHOP, old, NOW)).toBeNull();
  });

  it("GIVEN a token older than a year, or dated in the future THEN null", () => {
    const token = links.token(SHOP, ORDER, NOW);
    expect(links.verify(SHOP, token, NOW + (TRACK_LINK_MAX_DAYS - 1) * DAY)).not.toBeNull();
    expect(links.verify(SHOP, token, NOW + (TRACK_LINK_MAX_DAYS + 1) * DAY)).toBeNull();
    expect(links.verify(SHOP, links.token(SHOP, ORDER, NOW + 3 * DAY), NOW)).toBeNull();
  });

  it("GIVEN an order id that is not Shopify's THEN no token is written", () => {
    expect(() => links.token(SHOP, "maya@example.com", NOW)).toThrow(/order id/);
  });

  it("GIVEN the order's parcels THEN its links expire 90 days after the last delivery, never while one is still coming", () => {
    expect(trackLinkExpired([{ deliveredAt: NOW - 91 * DAY }], NOW)).toBe(true);
    expect(trackLinkExpired([{ deliveredAt: NOW - 89 * DAY }], NOW)).toBe(false);
    expect(trackLinkExpired([{ deliveredAt: NOW - 200 * DAY }, { deliveredAt: null }], NOW)).toBe(false);
    expect(trackLinkExpired([{ deliveredAt: NOW - 200 * DAY }, { deliveredAt: NOW - 10 * DAY }], NOW)).toBe(false);
    expect(trackLinkExpired([], NOW)).toBe(false);
  });
});
