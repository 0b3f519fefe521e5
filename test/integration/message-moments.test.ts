import { afterEach, describe, expect, it } from "vitest";
import { SHOP_A } from "../support/test-app";
import { advance, decodedEmail, shipOrder, startMessageRig, type MessageRig } from "./message-support";

/**
 * The right moment for each state, told as the tracking page tells it, with an estimate checked when the message
 * goes (issue 9, items 4 and 5). Real database, real SMTP stand-in, signed webhooks in.
 */
let rig: MessageRig;
afterEach(async () => {
  await rig?.close();
});

const outbox = (r: MessageRig) => r.app.db.selectFrom("Notification").selectAll().where("shop", "=", SHOP_A).orderBy("id").execute();

describe("messages: a late parcel", () => {
  it("GIVEN a parcel past its promised date THEN it gets the late moment, in its own words, on every channel", async () => {
    rig = await startMessageRig({ clock: "2026-11-18T15:00:00Z" });
    const { app, smtp, providers } = rig;
    const { order, event } = await shipOrder(app);
    const before = smtp.messages.length;
    await event("in_transit", "Departed from facility", "2026-11-18T12:00:00-05:00");
    // it keeps moving, a scan a day (never silent long enough to be stalled), well past the default promise (5
    // business days from the order of 17 November). The clock moves a day at a time with the scans: a jump of
    // nine silent days would rightly find it stalled first, and what the late message says would depend on
    // whether the sweep or the next scan came first.
    for (const day of ["19", "20", "23", "24", "25", "26", "27"]) {
      app.clock.set(`2026-11-${day}T15:00:00Z`);
      await event("in_transit", "Arrived at facility", `2026-11-${day}T09:00:00-05:00`);
      await advance(app, 0);
    }

    const cases = await app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("orderId", "=", String(order.id)).execute();
    expect(cases).toContainEqual({ type: "late", status: "open" });
    const late = (await outbox(rig)).filter((r) => r.moment === "delay_late");
    expect(late.map((r) => [r.channel, r.status]).sort()).toEqual([
      ["email", "sent"],
      ["klaviyo", "sent"],
      ["sms", "sent"],
      ["webhook", "sent"],
    ]);
    expect((await outbox(rig)).some((r) => r.moment === "delay_other")).toBe(false);

    const email = smtp.messages.slice(before).find((m) => /late/i.test(m.subject))!;
    expect(email.subject).toBe(`Your order ${order.name} is running late`);
    const body = decodedEmail(email);
    expect(body).toContain("taking longer than we promised");
    expect(body).not.toMatch(/longer than expected|Delay: other/);
    expect(providers.twilioMessages().at(-1)!.body).toMatch(/running late/);
    const events = providers.klaviyoEvents() as { data: { attributes: { properties: Record<string, unknown> } } }[];
    const props = events.at(-1)!.data.attributes.properties;
    expect(props).toMatchObject({ moment: "delay_late", moment_label: "Delay: late (past its expected date)" });
    // the page's story rides along: the shopper would notice, and the words say so
    expect(props.attention).toMatchObject({ message: expect.stringMatching(/longer than we promised/) });
  });
});

describe("messages: a parcel at a pickup point", () => {
  it("GIVEN the carrier holds the parcel for pickup THEN 'Ready for pickup at <place>', never 'Arriving today'", async () => {
    rig = await startMessageRig({ clock: "2026-11-18T15:00:00Z", channels: ["email", "sms"] });
    const { app, smtp, providers } = rig;
    const { order, event } = await shipOrder(app);
    await event("in_transit", "Departed from facility", "2026-11-18T08:00:00-05:00");
    const before = smtp.messages.length;
    await event("ready_for_pickup", "Ready for pickup at UPS Access Point", "2026-11-18T09:30:00-05:00", { city: "Ottawa", province: "Ontario", country: "Canada" });
    await advance(app, 0);

    const rows = (await outbox(rig)).filter((r) => r.moment === "ready_for_pickup");
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([
      ["email", "sent"],
      ["sms", "sent"],
    ]);
    expect((await outbox(rig)).some((r) => r.moment === "out_for_delivery")).toBe(false);
    const [email] = smtp.messages.slice(before);
    expect(email!.subject).toBe(`Ready for pickup at Ottawa, Ontario, Canada: order ${order.name}`);
    const body = decodedEmail(email!);
    expect(body).toContain("ready for pickup");
    expect(body).not.toMatch(/arriv\w* today|out for delivery/i);
    expect(providers.twilioMessages().at(-1)!.body).toContain("ready for pickup at Ottawa, Ontario, Canada");
  });

  it("GIVEN the merchant switched the pickup moment off THEN no pickup message goes", async () => {
    rig = await startMessageRig({ clock: "2026-11-18T15:00:00Z", channels: ["email"], policy: { moments: { ready_for_pickup: false } } });
    const { app } = rig;
    const { event } = await shipOrder(app);
    await event("ready_for_pickup", "Ready for pickup", "2026-11-18T09:30:00-05:00");
    expect((await outbox(rig)).map((r) => r.moment)).not.toContain("ready_for_pickup");
  });
});

describe("messages: the estimate is checked again when the message goes", () => {
  it("GIVEN a message planned with an estimate that has passed by the time it goes THEN it says no passed date", async () => {
    // Thursday 19 November, 21:30 in Ottawa: quiet hours; the carrier expects delivery that same day
    rig = await startMessageRig({ clock: "2026-11-20T02:30:00Z", channels: ["email"], policy: { quietHours: { enabled: true, start: "21:00", end: "08:00" } } });
    const { app, smtp } = rig;
    const { order, event } = await shipOrder(app, { order: { created_at: "2026-11-19T09:00:00-05:00", updated_at: "2026-11-19T09:00:00-05:00" }, fulfillment: { created_at: "2026-11-19T10:00:00-05:00", updated_at: "2026-11-19T10:00:00-05:00" } });
    await event("in_transit", "Departed from facility", "2026-11-19T21:00:00-05:00", { estimated_delivery_at: "2026-11-19T00:00:00Z" });

    const planned = (await outbox(rig)).find((r) => r.moment === "first_scan")!;
    expect(planned).toMatchObject({ status: "pending", channel: "email" });
    expect(smtp.messages).toHaveLength(0);
    // planned now, the message would say the carrier's date
    const shipment = await app.db.selectFrom("Shipment").select("id").where("orderId", "=", String(order.id)).executeTakeFirstOrThrow();
    const draft = { template: "first_scan", channel: "email" as const, locale: "en", subject: "{{ order.name }}", body: "<p>ETA [{{ shipment.eta }}]</p>", shipmentId: shipment.id };
    const then = await app.container.services.notifications.previewTemplate(SHOP_A, draft);
    expect(then.ok && then.rendered.text).toContain("ETA [Thursday, November 19]");

    // it goes at 08:00 on Friday 20 November, Ottawa time: the 19th has passed
    await advance(app, planned.sendAt - app.clock.now() + 1_000);
    const [email] = smtp.messages;
    expect(email, "the first_scan email went").toBeDefined();
    const body = decodedEmail(email!);
    expect(body).not.toMatch(/November 19|19 November/);
    // the next best estimate (the shipping method's promise) or none: never a day before today
    const days = [...body.matchAll(/Expected delivery: \w+, November (\d+)/g)].map((m) => Number(m[1]));
    for (const day of days) expect(day).toBeGreaterThanOrEqual(20);
  });
});
