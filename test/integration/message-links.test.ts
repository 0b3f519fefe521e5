import { afterEach, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B } from "../support/test-app";
import { decodedEmail, expectNoPersonalData, shipOrder, startMessageRig, tokenOf, urlsIn, type MessageRig } from "./message-support";

/**
 * Links that open (issue 9): every link Shipwatch puts in a customer message is `https://<shop>/apps/track?t=<token>`,
 * a token the app signed for that shop and order, with nothing personal in it. Signed webhooks in; the email the
 * local SMTP server received, the SMS, the Klaviyo event and the helpdesk webhook the stand-ins received out.
 */
const START = "2026-11-18T15:00:00Z";
const CUSTOMER = { email: "maya.chen@example.com", phone: "+16135550123", name: "Maya" };

let rig: MessageRig;
afterEach(async () => {
  await rig?.close();
});

describe("message links", () => {
  it("GIVEN a packed order THEN every link in the email is the order's signed tracking link, and it opens the order", async () => {
    rig = await startMessageRig({ clock: START });
    const { app, smtp } = rig;
    const { order } = await shipOrder(app);
    const [email] = await smtp.waitFor(1);
    const body = decodedEmail(email!);
    const urls = urlsIn(body);
    const links = app.container.trackLinks;

    const trackLinks = urls.filter((u) => u.includes("/apps/track"));
    expect(trackLinks.length, body).toBeGreaterThan(0);
    for (const url of trackLinks) {
      const token = tokenOf(url, SHOP_A);
      expect(links.verify(SHOP_A, token, app.clock.now())).toMatchObject({ orderId: String(order.id) });
      // another shop's link it is not
      expect(links.verify(SHOP_B, token, app.clock.now())).toBeNull();
    }
    // the only other link is the storefront itself (the footer)
    expect(urls.filter((u) => !trackLinks.includes(u))).toEqual([`https://${SHOP_A}`]);
    expectNoPersonalData(urls, [CUSTOMER.email, order.name.replace("#", "%23"), CUSTOMER.name]);
    expect(email!.raw).not.toMatch(/apps\/track\?order=/);

    // the link answers as the order (the storefront lookup, signed as Shopify's app proxy signs it)
    const answer = await fetch(app.proxyUrl({ t: tokenOf(trackLinks[0]!, SHOP_A) }));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ order: { name: order.name } });

    // and every link opens the tracking page, as Shopify forwards https://<shop>/apps/track?t=… to /proxy?t=…
    for (const url of trackLinks) {
      const page = await fetch(app.proxyUrl({ t: tokenOf(url, SHOP_A) }).replace("/proxy/lookup?", "/proxy?"));
      expect(page.status, url).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^application\/liquid/);
      expect(await page.text()).toContain(order.name);
    }
  });

  it("GIVEN SMS, Klaviyo and a helpdesk webhook THEN each carries the same signed link, and no other link to the shop", async () => {
    rig = await startMessageRig({ clock: START });
    const { app, providers } = rig;
    const { order } = await shipOrder(app);
    const links = app.container.trackLinks;
    const verified = (url: string) => links.verify(SHOP_A, tokenOf(url, SHOP_A), app.clock.now());

    const [sms] = providers.twilioMessages();
    expect(sms?.to).toBe(CUSTOMER.phone);
    const smsUrls = urlsIn(sms!.body);
    expect(smsUrls).toHaveLength(1);
    expect(verified(smsUrls[0]!)).toMatchObject({ orderId: String(order.id) });
    expectNoPersonalData(smsUrls, [CUSTOMER.email]);

    const [event] = providers.klaviyoEvents() as { data: { attributes: { properties: Record<string, unknown> } } }[];
    const properties = event!.data.attributes.properties;
    expect(verified(String(properties.tracking_page_url))).toMatchObject({ orderId: String(order.id) });
    expect(properties.tracking_link).toBe(properties.tracking_page_url);
    // the story of the page travels with the event, in words
    expect(properties).toMatchObject({ moment: "packed", headline: expect.any(String), explanation: expect.any(String) });
    expectNoPersonalData(urlsIn(JSON.stringify(properties)), [CUSTOMER.email]);

    const [hook] = providers.requests("hooks");
    const body = JSON.parse(hook!.body) as { properties: Record<string, unknown> };
    expect(verified(String(body.properties.tracking_page_url))).toMatchObject({ orderId: String(order.id) });
    expect(body.properties.tracking_link).toBe(body.properties.tracking_page_url);
    expectNoPersonalData(urlsIn(hook!.body), [CUSTOMER.email]);
    for (const text of [sms!.body, JSON.stringify(properties), hook!.body]) expect(text).not.toMatch(/apps\/track\?order=/);
  });

  it("GIVEN a template that links the carrier's page and the parcel has none THEN the signed tracking link stands in", async () => {
    rig = await startMessageRig({ clock: START, channels: ["email"] });
    const { app, smtp } = rig;
    const n = app.container.services.notifications;
    const saved = await n.saveTemplate(SHOP_A, {
      template: "packed",
      channel: "email",
      locale: "en",
      subject: "Packed {{ order.name }}",
      body: "<p>[{{ shipment.tracking_url }}] [{{ order.status_url }}] [{{ order.tracking_link }}] [{{ shop.tracking_page_url }}]</p>",
    });
    expect(saved).toMatchObject({ ok: true });
    // a number no carrier's format claims, on "Other": no carrier page to fall back to
    const { order } = await shipOrder(app, { fulfillment: { tracking_company: "Other", tracking_number: "ZQ-99001", tracking_numbers: ["ZQ-99001"], tracking_url: null, tracking_urls: [] } });
    const [email] = await smtp.waitFor(1);
    const urls = [...decodedEmail(email!).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
    // four variables, in the HTML and its plain-text alternative: one link
    expect(urls).toHaveLength(8);
    expect(new Set(urls).size).toBe(1);
    expect(app.container.trackLinks.verify(SHOP_A, tokenOf(urls[0]!, SHOP_A), app.clock.now())).toMatchObject({ orderId: String(order.id) });
  });

  it("GIVEN the template editor THEN a preview on a real shipment shows its signed link, and the sample shows a link of the same shape", async () => {
    rig = await startMessageRig({ clock: START, channels: ["email"] });
    const { app } = rig;
    const n = app.container.services.notifications;
    const { order } = await shipOrder(app);
    const shipment = await app.db.selectFrom("Shipment").select("id").where("orderId", "=", String(order.id)).executeTakeFirstOrThrow();
    const draft = { template: "first_scan", channel: "email" as const, locale: "en", subject: "{{ order.name }}", body: '<a href="{{ shop.tracking_page_url }}">Track</a>' };

    const real = await n.previewTemplate(SHOP_A, { ...draft, shipmentId: shipment.id });
    expect(real.ok).toBe(true);
    const [realLink] = urlsIn(real.ok ? real.rendered.html! : "");
    expect(app.container.trackLinks.verify(SHOP_A, tokenOf(realLink!, SHOP_A), app.clock.now())).toMatchObject({ orderId: String(order.id) });

    const sample = await n.previewTemplate(SHOP_A, { ...draft, shipmentId: null });
    expect(sample.ok).toBe(true);
    const [sampleLink] = urlsIn(sample.ok ? sample.rendered.html! : "");
    expect(sampleLink).toMatch(new RegExp(`^https://${SHOP_A.replace(/\./g, "\\.")}/apps/track\\?t=[0-9a-z]+\\.[0-9a-z]+\\.[A-Za-z0-9_-]{22}$`));
  });
});
