import fc from "fast-check";
import { Liquid } from "liquidjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";
import { decisionOf, expectDecided, expectSweepStillOpensCase, expectUnchanged, FUZZ_NOW, FUZZ_TEST_TIMEOUT, fuzz, plantStalledParcel, quiesce, sendSigned, signedProxyUrl, snapshot, type Snapshot } from "./fuzz-support";
import { Huge, LONE_SURROGATES, sometimes, stringJunk } from "./fuzz-values";

/**
 * Fuzzing what shoppers and helpdesks send: the storefront lookup's parameters (signed by the app proxy, and
 * unsigned or tampered), and the Support API's parameters and credentials. Whatever is asked:
 * - the answer is never a 5xx;
 * - an answer only ever shows the asking shop's shipments, and only to whoever named the order with its
 *   email, or the tracking number; a tracking link in it is https (one seeded parcel has a javascript: one);
 * - a refused or unanswered request changes nothing, and no request changes another shop's rows;
 * - afterwards, the silence sweep still opens the control shop's stalled case.
 */

/** What each shop holds: order names with their email, and tracking numbers. */
interface Known {
  orders: Map<string, string>;
  tracking: Set<string>;
}

async function seed(app: TestApp, shop: string, orders: { name: string; email: string; tracking: string; trackingUrl?: string }[]) {
  for (const o of orders) {
    const order = orderPayload({ id: newId(), name: o.name, email: o.email });
    const urls = o.trackingUrl ? { tracking_url: o.trackingUrl, tracking_urls: [o.trackingUrl] } : {};
    const f = fulfillmentPayload(order.id, { name: `${o.name}.1`, tracking_number: o.tracking, tracking_numbers: [o.tracking], ...urls });
    const e = fulfillmentEventPayload(f.id, order.id, { status: "failure", message: "Incorrect address - unable to deliver", happened_at: "2026-11-19T08:00:00-05:00" });
    for (const [topic, body] of [["orders/create", order], ["fulfillments/create", f], ["fulfillment_events/create", e]] as const) {
      const sent = await sendSigned(app, topic, shop, JSON.stringify(body));
      expectDecided(await decisionOf(app, sent.webhookId), `seeding ${topic}`);
    }
  }
  await quiesce(app);
}

function knownOf(app: TestApp, shop: string): Known {
  const sqlite = app.container.database.sqlite!;
  const orders = sqlite.prepare(`SELECT name, email FROM "Order" WHERE shop = ?`).all(shop) as { name: string; email: string | null }[];
  const tracking = sqlite.prepare(`SELECT "trackingNumber" FROM "Shipment" WHERE shop = ? AND "trackingNumber" IS NOT NULL`).pluck().all(shop) as string[];
  return { orders: new Map(orders.map((o) => [o.name, (o.email ?? "").trim().toLowerCase()])), tracking: new Set(tracking) };
}

// ---- parameters

/** A parameter's value: text, or a long string kept as its description until it is sent. */
type Param = string | Huge;
const paramText = (v: Param): string => (v instanceof Huge ? v.value : v);
/** Hostile text for a parameter: the shared junk (long ones beyond Node's 16 KiB header limit, too). */
const paramJunk: fc.Arbitrary<Param> = fc.oneof(
  stringJunk.filter((v): v is Param => typeof v === "string" || v instanceof Huge),
  fc.constantFrom(65, 255, 5_000).map((n) => new Huge("1", n)),
  fc.constantFrom("#1001 OR 1=1", "#%", "#_", "*", "1001\u0000", "#1001\n", "#１００１", "＃1001"),
);
/** Node refuses a request line and headers above 16 KiB before the app sees them: 431, nothing to fuzz there. */
const HEADERS_TOO_LARGE = 431;
const orderParam = fc.oneof(fc.constantFrom("#1001", "1001", " #1001 ", "#1002", "#1003", "#8801", "#1001.1", "#9999"), paramJunk);
const emailParam = fc.oneof(fc.constantFrom("maya.chen@example.com", " MAYA.CHEN@EXAMPLE.COM ", "li.wei@example.com", "js.buyer@example.com", "bravo.buyer@example.com", "maya.chen@example.com\u0000", "maya.chen@example.co"), paramJunk);
const trackingParam = fc.oneof(
  fc.constantFrom("1Z999AA10123456784", "1z999aa1 0123 456784", "9400111899223197428506", "1Z12345E0205271688", "7316213581064545", "%", "_", "1Z%", `1Z999AA1${LONE_SURROGATES[0]}0123456784`),
  paramJunk,
);

/** Malformed percent-escapes and separators, spliced raw into the query string. */
const RAW_JUNK = ["%", "%Z", "%E0%A4", "%ED%A0%80", "%FF%FE", "%00", "+", "&&", "==", "%26tracking%3D1Z999AA10123456784", ";", "%23"];

/**
 * Message links (`t`), by what they are; the tokens are written once the shops are seeded (`links`). A link
 * answers only the order it names, in the shop it was written for, until it expires.
 */
const TOKEN_KINDS = ["mine", "theirs", "mine, signed for the other shop", "tampered", "expired", "truncated", "unknown order"] as const;
type TokenKind = (typeof TOKEN_KINDS)[number];
const links = new Map<TokenKind, string>();
/** the order each good link of shop A names */
const linkedOrder = new Map<string, string>();
const tokenParam = fc.oneof(fc.constantFrom(...TOKEN_KINDS).map((kind) => ({ kind })), paramJunk.map((junk) => ({ junk })));

const lookupQuery = fc.record({
  t: sometimes(tokenParam, 3),
  order: sometimes(orderParam, 2),
  email: sometimes(emailParam, 2),
  tracking: sometimes(trackingParam, 2),
  repeat: sometimes(fc.constantFrom("order", "email", "tracking", "shop", "timestamp", "path_prefix"), 4),
  extra: fc.array(fc.tuple(fc.constantFrom("t", "q", "__proto__", "logged_in_customer_id", "constructor", "order[]", "email[]"), paramJunk), { maxLength: 2 }),
  raw: sometimes(fc.tuple(fc.constantFrom("order", "email", "tracking"), fc.constantFrom(...RAW_JUNK)), 4),
});
type LookupQuery = typeof lookupQuery extends fc.Arbitrary<infer T> ? T : never;

function rawQueryOf(q: LookupQuery): string {
  const params = new URLSearchParams();
  if (q.t) params.append("t", "kind" in q.t ? links.get(q.t.kind)! : paramText(q.t.junk));
  for (const key of ["order", "email", "tracking"] as const) if (q[key] !== null) params.append(key, paramText(q[key]!));
  for (const [k, v] of q.extra) params.append(k, paramText(v));
  if (q.repeat) params.append(q.repeat, q.repeat === "timestamp" ? "0" : q.repeat === "shop" ? SHOP_B : "x");
  let raw = params.toString();
  if (q.raw) raw += `&${q.raw[0]}=${encodeURIComponent("1001")}${q.raw[1]}`;
  return raw;
}

/** What the server decodes the parameters to (it reads the first of repeated keys). */
const decoded = (url: string) => new URL(url).searchParams;

describe("fuzz: storefront lookup and Support API parameters (signed, real HTTP, real SQLite)", FUZZ_TEST_TIMEOUT, () => {
  const clock = fixedClock(FUZZ_NOW);
  let app: TestApp;
  let control: { shop: string; tracking: string };
  let mine: Known;
  let theirs: Known;
  let keyA: string;

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seed(app, SHOP_A, [
      { name: "#1001", email: "maya.chen@example.com", tracking: "1Z999AA10123456784" },
      { name: "#1002", email: "li.wei@example.com", tracking: "9400111899223197428490" },
      // a carrier link no shopper or agent should be handed (issue 13, smaller holes)
      { name: "#1003", email: "js.buyer@example.com", tracking: "9400111899223197428506", trackingUrl: "javascript:alert(document.cookie)" },
    ]);
    await seed(app, SHOP_B, [{ name: "#1001", email: "bravo.buyer@example.com", tracking: "1Z12345E0205271688" }]);
    control = await plantStalledParcel(app, SHOP_B);
    mine = knownOf(app, SHOP_A);
    theirs = knownOf(app, SHOP_B);
    const sqlite = app.container.database.sqlite!;
    const orderIdOf = (shop: string, name: string) => sqlite.prepare(`SELECT "orderId" FROM "Order" WHERE shop = ? AND name = ?`).pluck().get(shop, name) as string;
    const now = clock.now();
    const writer = app.container.trackLinks;
    const good = writer.token(SHOP_A, orderIdOf(SHOP_A, "#1002"), now);
    links.set("mine", good);
    links.set("theirs", writer.token(SHOP_B, orderIdOf(SHOP_B, "#1001"), now));
    links.set("mine, signed for the other shop", writer.token(SHOP_B, orderIdOf(SHOP_A, "#1002"), now));
    links.set("tampered", `${good.slice(0, -1)}${good.endsWith("A") ? "B" : "A"}`);
    links.set("expired", writer.token(SHOP_A, orderIdOf(SHOP_A, "#1002"), now - 400 * 86_400_000));
    links.set("truncated", good.slice(0, -3));
    links.set("unknown order", writer.token(SHOP_A, "424242", now));
    linkedOrder.set(good, "#1002");
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Fuzz")).key;
    await app.container.services.supportApi.createKey(SHOP_B, "Other");
    // the key's first use records when it was used; on the held clock, later uses change nothing
    expect((await fetch(`${app.url}/api/v1/exceptions`, { headers: { authorization: `Bearer ${keyA}` } })).status).toBe(200);
  });
  afterAll(async () => app?.close());

  /** Everything every shop holds, once the lookup counts held in memory are written. */
  async function everything(except: string[] = []) {
    await app.container.services.lookup.flushLookupCounts();
    return snapshot(app, { except: ["*", ...except], global: true });
  }

  const withoutShop = (all: Snapshot, shop: string): Snapshot => new Map([...all].filter(([key]) => !key.endsWith(` ${shop}`)));

  /** A shipment object answered to shop A's asker: one of A's parcels, never another shop's, and no link but https. */
  function expectOnlyMine(shipments: { trackingNumber: string | null; trackingUrl?: string | null }[]) {
    for (const s of shipments) {
      if (s.trackingUrl != null) expect(s.trackingUrl, "a tracking link handed out is https").toMatch(/^https:\/\//);
      expect(mine.tracking.has(s.trackingNumber ?? ""), `answered a parcel shop A does not have: ${s.trackingNumber}`).toBe(true);
      expect(theirs.tracking.has(s.trackingNumber ?? "") && !mine.tracking.has(s.trackingNumber ?? ""), "answered another shop's parcel").toBe(false);
    }
  }

  {
    const name = "fuzz storefront lookup, signed: no 5xx, answers only the shop's own parcels to whoever names them, a refusal changes nothing";
    it(name, async ({ signal }) => {
      await fuzz(name, { runs: 80, ms: 4_000 }, lookupQuery, async (q) => {
        const url = signedProxyUrl(app, SHOP_A, rawQueryOf(q));
        const asked = decoded(url);
        const before = await everything();
        const res = await fetch(url);
        const text = await res.text();
        expect(res.status, `a signed lookup is never answered with a 5xx: ${text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status === 200) {
          const body = JSON.parse(text) as { order: { name: string }; shipments: { trackingNumber: string | null; trackingUrl: string | null }[] };
          expectOnlyMine(body.shipments);
          const tracking = asked.get("tracking")?.trim();
          const token = asked.get("t")?.trim();
          if (token) {
            // by link: only the order a good link of this shop names
            expect(linkedOrder.get(token), `a link answered that names no order of shop A: ${token.slice(0, 40)}`).toBe(body.order.name);
          } else if (tracking) {
            // by tracking number: only the parcel named (case and spaces aside)
            const normal = tracking.replace(/\s+/g, "").toUpperCase();
            expect(body.shipments.map((s) => s.trackingNumber?.toUpperCase())).toEqual([normal]);
          } else {
            // by order: only with that order's email
            const email = mine.orders.get(body.order.name);
            expect(email, `answered an order shop A does not have: ${body.order.name}`).toBeDefined();
            expect((asked.get("email") ?? "").trim().toLowerCase(), "an order is shown only with its email").toBe(email);
          }
          expectUnchanged(withoutShop(before, SHOP_A), await everything([SHOP_A]), "a lookup in shop A changes no other shop's rows");
        } else {
          expectUnchanged(before, await everything(), `a lookup answered ${res.status} changes nothing`);
        }
      }, signal);
    });
  }

  {
    const name = "fuzz tracking page (/proxy), signed: no 5xx, a Liquid page with nothing for Liquid to run, only the shop's own parcels, no email ever shown";
    const engine = new Liquid();
    it(name, async ({ signal }) => {
      const emails = [...mine.orders.values(), ...theirs.orders.values()].filter(Boolean);
      await fuzz(name, { runs: 60, ms: 3_000 }, lookupQuery, async (q) => {
        const url = signedProxyUrl(app, SHOP_A, rawQueryOf(q)).replace("/proxy/lookup?", "/proxy?");
        const before = await everything();
        const res = await fetch(url);
        const body = await res.text();
        expect(res.status, `the tracking page is never a 5xx: ${body.slice(0, 200)}`).toBeLessThan(500);
        if (res.status === HEADERS_TOO_LARGE) return;
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^application\/liquid/);
        const page = body.startsWith("{% layout none %}") ? body.slice("{% layout none %}".length) : body;
        for (const delimiter of ["{{", "}}", "{%", "%}"]) expect(page, `the page holds ${delimiter}`).not.toContain(delimiter);
        expect(await engine.parseAndRender(page, { customer: { email: "LEAKED" } })).toBe(page);
        for (const email of emails) expect(body.toLowerCase(), "an email on the page").not.toContain(email);
        for (const t of theirs.tracking) if (!mine.tracking.has(t)) expect(body, "another shop's parcel on the page").not.toContain(t);
        if (res.headers.get("x-shipwatch-outcome") !== "found") expectUnchanged(before, await everything(), "a page without an answer changes nothing");
      }, signal);
    });
  }

  {
    const name = "fuzz storefront lookup, unsigned or tampered: 401 and nothing changes";
    const tampering = fc.record({
      q: lookupQuery,
      how: fc.constantFrom("no signature", "wrong secret", "value changed after signing", "shop changed after signing", "expired", "from the future", "signature truncated", "signature not hex", "timestamp not a number"),
    });
    it(name, async ({ signal }) => {
      await fuzz(name, { runs: 40, ms: 1_500 }, tampering, async ({ q, how }) => {
        const now = Math.floor(clock.now() / 1000);
        const raw = rawQueryOf(q);
        const signed = signedProxyUrl(app, SHOP_A, raw, {
          secret: how === "wrong secret" ? "not-the-app-secret" : undefined,
          timestamp: how === "expired" ? now - 91 : how === "from the future" ? now + 91 : undefined,
        });
        const url = new URL(signed);
        const signature = url.searchParams.get("signature")!;
        const tampered: Record<typeof how, () => string> = {
          "no signature": () => signed.replace(`&signature=${signature}`, ""),
          "wrong secret": () => signed,
          "value changed after signing": () => signed.replace(`&signature=`, `&tracking=1Z12345E0205271688&signature=`),
          "shop changed after signing": () => signed.replace(`shop=${encodeURIComponent(SHOP_A)}`, `shop=${encodeURIComponent(SHOP_B)}`),
          expired: () => signed,
          "from the future": () => signed,
          "signature truncated": () => signed.replace(signature, signature.slice(0, 63)),
          "signature not hex": () => signed.replace(signature, `${signature.slice(0, 62)}zz`),
          "timestamp not a number": () => signed.replace(/timestamp=\d+/, "timestamp=soon"),
        };
        const before = await everything();
        const res = await fetch(tampered[how]());
        await res.arrayBuffer();
        expect([401, HEADERS_TOO_LARGE]).toContain(res.status);
        expectUnchanged(before, await everything(), "a refused lookup changes nothing");
      }, signal);
    });
  }

  const supportQuery = fc.record({
    path: fc.constantFrom("/api/v1/shipments", "/api/v1/exceptions"),
    order: sometimes(orderParam, 2),
    tracking: sometimes(trackingParam, 2),
    status: sometimes(fc.oneof(fc.constantFrom("open", "resolved", "OPEN", "all", "", "open,resolved"), paramJunk), 2),
    extra: fc.array(fc.tuple(fc.constantFrom("limit", "shop", "__proto__", "order", "email"), paramJunk), { maxLength: 2 }),
    raw: sometimes(fc.constantFrom(...RAW_JUNK), 4),
  });

  {
    const name = "fuzz Support API parameters with a real key: no 5xx, only the key's shop, nothing changes";
    it(name, async ({ signal }) => {
      const ownCases = new Set(app.container.database.sqlite!.prepare(`SELECT id FROM "ExceptionCase" WHERE shop = ?`).pluck().all(SHOP_A) as number[]);
      await fuzz(name, { runs: 80, ms: 2_500 }, supportQuery, async (q) => {
        const params = new URLSearchParams();
        for (const key of ["order", "tracking", "status"] as const) if (q[key] !== null) params.append(key, paramText(q[key]!));
        for (const [k, v] of q.extra) params.append(k, paramText(v));
        const url = `${app.url}${q.path}?${params.toString()}${q.raw ? `&order=${q.raw}` : ""}`;
        const before = await everything();
        const res = await fetch(url, { headers: { authorization: `Bearer ${keyA}` } });
        const text = await res.text();
        expect(res.status, `the Support API never answers a 5xx: ${text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status === 200) {
          const body = JSON.parse(text) as { shipments?: { trackingNumber: string | null; trackingUrl: string | null }[]; exceptions?: { id: number }[] };
          expectOnlyMine(body.shipments ?? []);
          for (const e of body.exceptions ?? []) expect(ownCases.has(e.id), `answered a case of another shop: ${e.id}`).toBe(true);
        }
        expectUnchanged(before, await everything(), "reading the Support API changes nothing");
      }, signal);
    });
  }

  {
    const name = "fuzz Support API credentials: anything but a valid bearer credential is 401 and changes nothing";
    const credential = fc.oneof(
      fc.record({ label: fc.constantFrom("junk", "Bearer junk", "Bearer swk_junk"), junk: paramJunk.map((j): Param | null => j) }),
      fc.constantFrom(
        "key without Bearer",
        "Basic key",
        "Bearerkey",
        "key truncated",
        "key with a character more",
        "key with its last character changed",
        "key upper-cased",
        "two keys",
        "session token signed with another secret",
        "session token of a shop never installed",
      ).map((label) => ({ label, junk: null as Param | null })),
    );
    it(name, async ({ signal }) => {
      await fuzz(name, { runs: 50, ms: 1_500 }, fc.record({ credential, path: fc.constantFrom("/api/v1/shipments?order=1001", "/api/v1/exceptions") }), async ({ credential: c, path }) => {
        const last = keyA.slice(-1);
        const mangled: Record<string, () => string> = {
          "key without Bearer": () => keyA,
          "Basic key": () => `Basic ${keyA}`,
          Bearerkey: () => `Bearer${keyA}`,
          "key truncated": () => `Bearer ${keyA.slice(0, -1)}`,
          "key with a character more": () => `Bearer ${keyA}A`,
          "key with its last character changed": () => `Bearer ${keyA.slice(0, -1)}${last === "A" ? "B" : "A"}`,
          "key upper-cased": () => `Bearer ${keyA.toUpperCase()}`,
          "two keys": () => `Bearer ${keyA} ${keyA}`,
          "session token signed with another secret": () => `Bearer ${mintSessionToken({ shop: SHOP_A, apiKey: TEST_API_KEY, apiSecret: "not-the-app-secret", nowMs: clock.now() }).token}`,
          "session token of a shop never installed": () => `Bearer ${mintSessionToken({ shop: "never-installed.myshopify.com", apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: clock.now() }).token}`,
        };
        const prefix: Record<string, string> = { junk: "", "Bearer junk": "Bearer ", "Bearer swk_junk": "Bearer swk_" };
        const header = c.junk === null ? mangled[c.label]!() : `${prefix[c.label]}${paramText(c.junk)}`;
        const before = await everything();
        let res: Response;
        try {
          res = await fetch(`${app.url}${path}`, { headers: { authorization: header } });
        } catch {
          // a header no HTTP client can send (a line break, a character beyond Latin-1) never reaches the app
          return;
        }
        await res.arrayBuffer();
        expect([401, HEADERS_TOO_LARGE], `credential "${c.label}"`).toContain(res.status);
        expectUnchanged(before, await everything(), "a refused request changes nothing");
      }, signal);
    });
  }

  it("after the fuzzing, the silence sweep still runs: the control shop's stalled parcel gets its case", async () => {
    await expectSweepStillOpensCase(app, control);
  });
});
