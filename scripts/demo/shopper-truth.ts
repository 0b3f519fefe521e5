import { createHmac } from "node:crypto";
import type { openDatabase } from "~/.server/adapters/db/database";
import { signAppProxy } from "~/.server/shopify/signatures";
import type { ShipmentView } from "~/domain/shipment-view";
import type { ShipmentStatus } from "~/domain/status";
import { SHOPPER_VISIBLE_CASES, shopperVisibleCase, type StoryCaseType } from "~/domain/story";
import type { FakeProviders } from "../local-services/fake-providers";
import type { SmtpCapture } from "../local-services/smtp-capture";

type Db = ReturnType<typeof openDatabase>["db"];

/**
 * What the shopper is told, checked the way a shopper meets it:
 * - every link in every message the month sent (mail, texts, Klaviyo events, helpdesk webhooks) is followed
 *   through a signed app proxy request, as Shopify would forward it, and must open the tracking page (200);
 * - every parcel not yet delivered is read on the tracking page, through the storefront lookup, the order
 *   status extension's endpoint and the Support API: none may show an estimate that has passed;
 * - every parcel with an open case the shopper would notice must read as such in all four.
 */
export async function shopperTruth(options: { base: string; shop: string; apiKey: string; secret: string; db: Db; channels: { smtp: SmtpCapture; providers: FakeProviders } }) {
  const { base, shop, secret, db } = options;
  const proxy = (path: string, query: Record<string, string>, shopper: number) => {
    const params = new URLSearchParams({ ...query, shop, path_prefix: "/apps/track", timestamp: String(Math.floor(Date.now() / 1000)), logged_in_customer_id: String(shopper) });
    params.set("signature", signAppProxy(params, secret));
    return `${base}${path}?${params}`;
  };

  // 1. every message link opens the page
  const links = messageLinks(options.channels, shop);
  let opened = 0;
  const broken: string[] = [];
  let shopper = 1;
  await inParallel([...links], 8, async (link) => {
    const t = new URL(link).searchParams.get("t") ?? "";
    const res = await fetch(proxy("/proxy", { t }, shopper++));
    const body = await res.text();
    const ok = res.status === 200 && (res.headers.get("content-type") ?? "").startsWith("application/liquid") && !body.includes("not_found");
    if (ok) opened += 1;
    else broken.push(`${link} → ${res.status}`);
  });
  const malformed = links.size === 0 ? 0 : [...links].filter((l) => !/^https:\/\/[^/]+\/apps\/track\?t=[A-Za-z0-9._-]+$/.test(l)).length;

  // 2 and 3: every parcel not yet delivered, read four ways
  const shipments = await db
    .selectFrom("Shipment")
    .innerJoin("Order", (j) => j.onRef("Order.shop", "=", "Shipment.shop").onRef("Order.orderId", "=", "Shipment.orderId"))
    .select(["Shipment.id", "Shipment.trackingNumber", "Shipment.orderName", "Shipment.orderId", "Shipment.status", "Shipment.promisedBy", "Order.customerId"])
    .where("Shipment.shop", "=", shop)
    .where("Shipment.supersededAt", "is", null)
    .where("Shipment.trackingNumber", "is not", null)
    .execute();
  const open = await db.selectFrom("ExceptionCase").select(["shipmentKey", "type"]).where("shop", "=", shop).where("status", "!=", "resolved").execute();
  const statusOf = new Map(shipments.map((s) => [s.trackingNumber!.toUpperCase(), s.status as ShipmentStatus]));
  // a late case before the promised day is the transit model's prediction, for support only: the shopper is
  // not told "taking longer than we promised" while the promise still stands (services/shipment-views.ts)
  const promiseOf = new Map(shipments.map((s) => [s.trackingNumber!.toUpperCase(), s.promisedBy === null ? null : Number(s.promisedBy)]));
  const predictedOnly = (key: string, type: string) => type === "late" && (promiseOf.get(key) ?? null) !== null && Date.now() <= promiseOf.get(key)!;
  const casesOf = new Map<string, { type: StoryCaseType }[]>();
  for (const c of open) if (!predictedOnly(c.shipmentKey, c.type)) casesOf.set(c.shipmentKey, [...(casesOf.get(c.shipmentKey) ?? []), { type: c.type as StoryCaseType }]);
  // the cases the shopper would notice (story.ts): at a pickup point a late or silent parcel reads "ready for pickup at …", its trouble behind it
  const visibleKeys = new Set([...casesOf].filter(([key, cases]) => statusOf.has(key) && shopperVisibleCase(statusOf.get(key)!, cases)).map(([key]) => key));
  const waitingAtPickup = [...casesOf].filter(([key, cases]) => statusOf.get(key) === "available_for_pickup" && cases.some((c) => (SHOPPER_VISIBLE_CASES as readonly string[]).includes(c.type)) && !visibleKeys.has(key)).length;
  const support = sessionToken(shop, options.apiKey, secret, null);

  const today = new Date().toISOString().slice(0, 10);
  const passed = { page: 0, lookup: 0, extension: 0, supportApi: 0 };
  const attention = { expected: visibleKeys.size, waitingAtPickup, page: 0, lookup: 0, extension: 0, supportApi: 0 };
  const undelivered = shipments.filter((s) => s.status !== "delivered");
  const isPassed = (view: ShipmentView | undefined) =>
    !!view && ((view.estimatedDelivery !== null && view.estimatedDelivery !== undefined && view.estimatedDelivery.latest < yesterdayAnywhere(today)) || (view.estimatedDeliveryAt !== null && Date.parse(view.estimatedDeliveryAt) < Date.now()));
  await inParallel([...new Map([...undelivered, ...shipments.filter((s) => visibleKeys.has(s.trackingNumber!.toUpperCase()))].map((s) => [s.id, s])).values()], 8, async (s) => {
    const key = s.trackingNumber!.toUpperCase();
    const watched = visibleKeys.has(key);
    const pick = (list: ShipmentView[] | undefined) => list?.find((v) => v.trackingNumber?.toUpperCase() === key);

    const page = await fetch(proxy("/proxy", { tracking: s.trackingNumber! }, shopper++)).then((r) => r.text());
    const lookup = pick(((await fetch(proxy("/proxy/lookup", { tracking: s.trackingNumber! }, shopper++)).then((r) => r.json())) as { shipments?: ShipmentView[] }).shipments);
    const api = pick(
      ((await fetch(`${base}/api/v1/shipments?tracking=${encodeURIComponent(s.trackingNumber!)}`, { headers: { authorization: `Bearer ${support}` } }).then((r) => r.json())) as { shipments?: ShipmentView[] }).shipments,
    );
    const extension = s.customerId
      ? pick(
          (
            (await fetch(`${base}/api/customer-account/shipments?order=${encodeURIComponent(`gid://shopify/Order/${s.orderId}`)}`, {
              headers: { authorization: `Bearer ${sessionToken(shop, options.apiKey, secret, s.customerId)}`, origin: "https://extensions.shopifycdn.com", "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Mobile/15E148 Safari/604.1" },
            }).then((r) => r.json())) as { shipments?: ShipmentView[] }
          ).shipments,
        )
      : undefined;

    if (s.status !== "delivered") {
      // the page shows what the lookup answers: a passed date on it is one the lookup gave
      if (isPassed(lookup)) passed.lookup += 1;
      if (isPassed(lookup) && lookup?.estimatedDelivery && page.includes(lookup.estimatedDelivery.latest)) passed.page += 1;
      if (isPassed(extension)) passed.extension += 1;
      if (isPassed(api)) passed.supportApi += 1;
    }
    if (watched) {
      if (lookup?.attention && page.includes(escapeHtml(lookup.attention.message).slice(0, 40))) attention.page += 1;
      if (lookup?.attention) attention.lookup += 1;
      if (extension?.attention) attention.extension += 1;
      if (api?.attention) attention.supportApi += 1;
    }
  });

  const passedTotal = passed.page + passed.lookup + passed.extension + passed.supportApi;
  const attentionShort = Math.max(0, attention.expected - Math.min(attention.page, attention.lookup, attention.extension, attention.supportApi));
  return {
    links: { found: links.size, opened, malformed, broken: broken.slice(0, 5) },
    undelivered: undelivered.length,
    passed,
    attention,
    ok: links.size > 0 && opened === links.size && malformed === 0 && passedTotal === 0 && attentionShort === 0,
  };
}

/** A date is passed for every recipient once it is before yesterday in UTC (the furthest zone west is UTC−12). */
function yesterdayAnywhere(today: string): string {
  return new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** Every tracking link in everything sent to shoppers and helpdesks, decoded from its transport. */
function messageLinks(channels: { smtp: SmtpCapture; providers: FakeProviders }, shop: string): Set<string> {
  const texts: string[] = [];
  for (const mail of channels.smtp.messages) texts.push(decodeQuotedPrintable(mail.text));
  for (const sms of channels.providers.twilioMessages()) texts.push(sms.body);
  for (const provider of ["klaviyo", "hooks"] as const) for (const r of channels.providers.requests(provider)) texts.push(r.body);
  const links = new Set<string>();
  const pattern = new RegExp(`https://${shop.replace(/\./g, "\\.")}/apps/track[^\\s"'<>\\\\)]*`, "g");
  for (const text of texts) for (const match of text.replace(/&amp;/g, "&").matchAll(pattern)) links.add(match[0]);
  return links;
}

function decodeQuotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** A Shopify session token (HS256 with the app secret): the admin's for the Support API, a customer's for the extension. */
/** Posts a form to one of the admin's own actions (`/app/….data`), as the embedded admin does from a browser with its session token. */
export function postAdminForm(options: { base: string; shop: string; apiKey: string; secret: string }, path: string, form: Record<string, string>): Promise<Response> {
  return fetch(`${options.base}${path}.data`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${sessionToken(options.shop, options.apiKey, options.secret, null)}`,
      "content-type": "application/x-www-form-urlencoded",
      // the admin's requests come from a browser; Shopify's library turns bots away
      "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    },
    body: new URLSearchParams(form),
  });
}

export function sessionToken(shop: string, apiKey: string, secret: string, customerId: string | null): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `https://${shop}/admin`,
    dest: customerId ? shop : `https://${shop}`,
    aud: apiKey,
    ...(customerId ? { sub: `gid://shopify/Customer/${customerId}` } : { sub: "1" }),
    exp: now + 600,
    nbf: now - 5,
    iat: now - 5,
    jti: `${now}-${Math.random()}`,
    sid: "demo",
  };
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

