import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signShipwatchTicket, verifyHelpdeskSignature, ZENDESK_TOLERANCE_MS } from "./signatures";

// the signatures below are computed here with node:crypto, as each helpdesk documents them, not by the module under test
const BODY = JSON.stringify({ id: "35436", subject: "Wo ist mein Paket?", body: "Noch nicht da", createdAt: "2026-03-02T05:35:00Z" });
const SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==";
const NOW = Date.parse("2026-03-02T05:35:30Z");

describe("Zendesk: base64 HMAC-SHA256 of timestamp + body", () => {
  const timestamp = "2026-03-02T05:35:10Z";
  const signature = createHmac("sha256", SECRET).update(timestamp + BODY).digest("base64");
  const headers = { "X-Zendesk-Webhook-Signature": signature, "X-Zendesk-Webhook-Signature-Timestamp": timestamp };

  it("accepts the webhook's own signature, headers in any case, the body as text or bytes", () => {
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers, secret: SECRET, now: NOW })).toBe(true);
    const lower = { "x-zendesk-webhook-signature": signature, "x-zendesk-webhook-signature-timestamp": timestamp };
    expect(verifyHelpdeskSignature("zendesk", { rawBody: Buffer.from(BODY), headers: lower, secret: SECRET, now: NOW })).toBe(true);
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers: new Headers(headers), secret: SECRET, now: NOW })).toBe(true);
  });

  it("accepts a timestamp up to 5 minutes from our clock either way, and nothing further", () => {
    const at = Date.parse(timestamp);
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers, secret: SECRET, now: at + ZENDESK_TOLERANCE_MS })).toBe(true);
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers, secret: SECRET, now: at + ZENDESK_TOLERANCE_MS + 1000 })).toBe(false);
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers, secret: SECRET, now: at - ZENDESK_TOLERANCE_MS - 1000 })).toBe(false);
  });

  it("refuses a replay with a fresh timestamp, a changed body, another secret, or the parts in the other order", () => {
    const fresh = { ...headers, "X-Zendesk-Webhook-Signature-Timestamp": "2026-03-02T05:35:20Z" };
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers: fresh, secret: SECRET, now: NOW })).toBe(false);
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY.replace("35436", "35437"), headers, secret: SECRET, now: NOW })).toBe(false);
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers, secret: "another-secret", now: NOW })).toBe(false);
    const swapped = { ...headers, "X-Zendesk-Webhook-Signature": createHmac("sha256", SECRET).update(BODY + timestamp).digest("base64") };
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers: swapped, secret: SECRET, now: NOW })).toBe(false);
  });

  it.each([
    ["no signature", { "X-Zendesk-Webhook-Signature-Timestamp": timestamp }],
    ["no timestamp", { "X-Zendesk-Webhook-Signature": signature }],
    ["a timestamp that is not one", { ...headers, "X-Zendesk-Webhook-Signature-Timestamp": "soon" }],
    ["epoch seconds for a timestamp", { ...headers, "X-Zendesk-Webhook-Signature-Timestamp": String(Math.floor(NOW / 1000)) }],
    ["hex for base64", { ...headers, "X-Zendesk-Webhook-Signature": createHmac("sha256", SECRET).update(timestamp + BODY).digest("hex") }],
    ["junk around the base64", { ...headers, "X-Zendesk-Webhook-Signature": `${signature}!!` }],
    ["a truncated signature", { ...headers, "X-Zendesk-Webhook-Signature": signature.slice(0, 20) }],
  ])("refuses %s", (_name, bad) => {
    expect(verifyHelpdeskSignature("zendesk", { rawBody: BODY, headers: bad, secret: SECRET, now: NOW })).toBe(false);
  });
});

describe("Intercom: X-Hub-Signature sha1= hex HMAC-SHA1 of the body with the client secret", () => {
  const hex = createHmac("sha1", SECRET).update(BODY).digest("hex");

  it("accepts the app's signature (hex in either case)", () => {
    expect(verifyHelpdeskSignature("intercom", { rawBody: BODY, headers: { "X-Hub-Signature": `sha1=${hex}` }, secret: SECRET, now: NOW })).toBe(true);
    expect(verifyHelpdeskSignature("intercom", { rawBody: BODY, headers: { "x-hub-signature": `sha1=${hex.toUpperCase()}` }, secret: SECRET, now: NOW })).toBe(true);
  });

  it.each([
    ["no header", {}],
    ["no sha1= prefix", { "X-Hub-Signature": hex }],
    ["a sha256 digest", { "X-Hub-Signature": `sha256=${createHmac("sha256", SECRET).update(BODY).digest("hex")}` }],
    ["another secret's digest", { "X-Hub-Signature": `sha1=${createHmac("sha1", "other").update(BODY).digest("hex")}` }],
  ])("refuses %s", (_name, headers) => {
    expect(verifyHelpdeskSignature("intercom", { rawBody: BODY, headers, secret: SECRET, now: NOW })).toBe(false);
  });
});

describe("our own X-Shipwatch-Signature (Gorgias, Freshdesk, Gladly, Re:amaze)", () => {
  const hex = createHmac("sha256", SECRET).update(BODY).digest("hex");

  it("signs as documented to merchants: sha256= hex HMAC-SHA256 of the raw body", () => {
    expect(signShipwatchTicket(BODY, SECRET)).toBe(`sha256=${hex}`);
  });

  it.each(["gorgias", "freshdesk", "gladly", "reamaze"] as const)("%s: accepts the right signature and nothing else", (source) => {
    const check = (headers: Record<string, string>, rawBody = BODY, secret = SECRET) => verifyHelpdeskSignature(source, { rawBody, headers, secret, now: NOW });
    expect(check({ "X-Shipwatch-Signature": `sha256=${hex}` })).toBe(true);
    expect(check({ "X-Shipwatch-Signature": `sha256=${hex}` }, `${BODY} `)).toBe(false);
    expect(check({ "X-Shipwatch-Signature": `sha256=${hex}` }, BODY, "other-secret")).toBe(false);
    expect(check({ "X-Shipwatch-Signature": hex })).toBe(false);
    expect(check({ "X-Hub-Signature": `sha256=${hex}` })).toBe(false);
    expect(check({})).toBe(false);
  });

  it("refuses everything when the connection has no secret", () => {
    const unsigned = createHmac("sha256", "").update(BODY).digest("hex");
    expect(verifyHelpdeskSignature("gorgias", { rawBody: BODY, headers: { "X-Shipwatch-Signature": `sha256=${unsigned}` }, secret: "", now: NOW })).toBe(false);
  });

  it("a helpdesk's native signature does not pass for another's scheme", () => {
    const zendeskStyle = createHmac("sha256", SECRET).update(BODY).digest("base64");
    expect(verifyHelpdeskSignature("freshdesk", { rawBody: BODY, headers: { "X-Shipwatch-Signature": zendeskStyle }, secret: SECRET, now: NOW })).toBe(false);
    expect(verifyHelpdeskSignature("intercom", { rawBody: BODY, headers: { "X-Shipwatch-Signature": `sha256=${hex}` }, secret: SECRET, now: NOW })).toBe(false);
  });
});

describe("X-Shipwatch-Token: the connection's secret as a fixed header (Gorgias HTTP integrations, Freshdesk)", () => {
  const SHIPWATCH_SECRET = "swhd_7Yh2kQ0pLx9Vb3Nc5Rt8Wm1Zs4Df6Gj";

  it("accepts the secret itself, and nothing near it", () => {
    const ok = (token: string, source: "gorgias" | "freshdesk" = "gorgias") => verifyHelpdeskSignature(source, { rawBody: BODY, headers: { "X-Shipwatch-Token": token }, secret: SHIPWATCH_SECRET, now: NOW });
    expect(ok(SHIPWATCH_SECRET)).toBe(true);
    expect(ok(` ${SHIPWATCH_SECRET} `, "freshdesk")).toBe(true);
    for (const wrong of [SHIPWATCH_SECRET.slice(0, -1), `${SHIPWATCH_SECRET}x`, SHIPWATCH_SECRET.toUpperCase(), ""]) expect(ok(wrong)).toBe(false);
  });

  it("is not taken by the helpdesks that sign with their own scheme", () => {
    for (const source of ["zendesk", "intercom"] as const) {
      expect(verifyHelpdeskSignature(source, { rawBody: BODY, headers: { "X-Shipwatch-Token": SHIPWATCH_SECRET }, secret: SHIPWATCH_SECRET, now: NOW })).toBe(false);
    }
  });

  it("a wrong HMAC signature is not rescued by a right token beside it", () => {
    const headers = { "X-Shipwatch-Token": SHIPWATCH_SECRET, "X-Shipwatch-Signature": `sha256=${"0".repeat(64)}` };
    expect(verifyHelpdeskSignature("gorgias", { rawBody: BODY, headers, secret: SHIPWATCH_SECRET, now: NOW })).toBe(false);
  });
});
