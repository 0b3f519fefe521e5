import { DEFAULT_STATUS_CLASSES } from "~/domain/status-classes";
/**
 * The notifications service on in-memory fakes of its ports (test/services/fakes): planning, sending, retrying,
 * waiting and replaying, at a fixed clock. The integration tests (test/integration/notifications.test.ts) run the
 * same service on a real database and real channel stand-ins; these run in milliseconds.
 */
import { describe, expect, it } from "vitest";
import { createNotifications, type NotifyItem } from "~/.server/services/notifications";
import type { SendOutcome } from "~/.server/ports";
import { aCase, anEvent, anOrder, aShipment, notificationsOnFakes, SHOP } from "./fakes/notifications";

const MINUTE = 60_000;

function unavailable(status = 503): SendOutcome {
  return { ok: false, retryable: true, retryAfterMs: null, status, error: `Provider answered ${status}` };
}

const refused: SendOutcome = { ok: false, retryable: false, retryAfterMs: null, status: 550, error: "Provider answered 550: relaying denied" };

/** A shop with one parcel out for delivery to Toronto, its order, and the email channel switched on. */
function aShopWithEmail(options: Parameters<typeof notificationsOnFakes>[0] = {}) {
  const world = notificationsOnFakes(options);
  const shipment = aShipment();
  const order = anOrder();
  world.shop.shipments.push(shipment);
  world.shop.orders.push(order);
  world.shop.events.push(anEvent({ eventKey: "e-0", status: "in_transit", rawStatus: "in_transit", happenedAt: Date.parse("2026-11-19T12:00:00Z"), location: "Mississauga, ON, CA" }), anEvent());
  world.settings.connections.set(`${SHOP}|email`, {
    channel: "email",
    enabled: true,
    settings: { from: "Maple Goods <hello@maple-goods.example>" },
    sealedSecret: world.secrets.seal({ smtpUrl: "smtp://mail.maple-goods.example:587" }),
    failingSince: null,
    lastError: null,
    lastSuccessAt: null,
    alertedAt: null,
    updatedAt: world.clock.now(),
  });
  const notifications = createNotifications(world.deps);
  const item: NotifyItem = { shipment, order, openCaseTypes: [], intents: [] };
  /** plans the parcel's current moment and runs what schedules its sends */
  const plan = async () => (await notifications.plan(SHOP, [item]))();
  const only = () => {
    expect(world.outbox.rows).toHaveLength(1);
    return world.outbox.rows[0]!;
  };
  return { ...world, notifications, plan, only };
}

describe("notifications service, on in-memory ports", () => {
  it("GIVEN a parcel's moment planned twice THEN one message is planned and its send scheduled once", async () => {
    const w = aShopWithEmail();
    await w.plan();
    await w.plan();

    const row = w.only();
    expect(row).toMatchObject({ moment: "out_for_delivery", channel: "email", status: "pending", recipient: "ada@example.com", sendKey: "1|out_for_delivery|email" });
    // the combining window: a sibling parcel of the order reaching the moment now goes in the same message
    expect(row.sendAt).toBe(w.clock.now() + 5 * MINUTE);
    expect(w.scheduled).toEqual([{ shop: SHOP, id: row.id, runAt: row.sendAt }]);
  });

  it("GIVEN the shop classes the parcel's status as informational (Status mapping) THEN its moment is not messaged; with the default class it is", async () => {
    const quiet = aShopWithEmail();
    const silenced = await quiet.notifications.plan(SHOP, [{ shipment: quiet.shop.shipments[0]!, order: quiet.shop.orders[0]!, openCaseTypes: [], intents: [], classOf: (status) => (status === "out_for_delivery" ? "informational" : DEFAULT_STATUS_CLASSES[status]) }]);
    await silenced();
    expect(quiet.outbox.rows).toEqual([]);
    const told = aShopWithEmail();
    await (await told.notifications.plan(SHOP, [{ shipment: told.shop.shipments[0]!, order: told.shop.orders[0]!, openCaseTypes: [], intents: [], classOf: (status) => DEFAULT_STATUS_CLASSES[status] }]))();
    expect(told.only()).toMatchObject({ moment: "out_for_delivery" });
  });

  it("GIVEN a due message THEN it goes once, with the signed tracking link and the parcel's story, and two workers do not both send it", async () => {
    const w = aShopWithEmail();
    await w.plan();
    w.clock.advance(5 * MINUTE);

    const results = await Promise.all([w.notifications.send(SHOP, w.only().id), w.notifications.send(SHOP, w.only().id)]);

    expect(results.sort()).toEqual(["sent", "skipped"]);
    expect(w.gateway.sent).toHaveLength(1);
    const { message, credentials } = w.gateway.sent[0]!;
    expect(message).toMatchObject({ channel: "email", to: "ada@example.com", idempotencyKey: `${SHOP}|1|out_for_delivery|email` });
    expect(message.text).toContain(`https://${SHOP}/apps/track?t=tok-5001`);
    expect(message.event.properties).toMatchObject({ tracking_number: "1Z999AA10123456784", order_name: "#1001" });
    expect(credentials.secret).toEqual({ smtpUrl: "smtp://mail.maple-goods.example:587" });
    expect(w.only()).toMatchObject({ status: "sent", attempts: 1, providerId: "provider-1", lockedUntil: null });
  });

  it("GIVEN the provider keeps failing with a retryable error THEN it is retried with doubling backoff and parked after maxAttempts", async () => {
    const w = aShopWithEmail({ maxAttempts: 3 });
    w.gateway.answer(unavailable(), unavailable(), unavailable());
    await w.plan();
    w.clock.advance(5 * MINUTE);
    const id = w.only().id;

    // retryDelayMs with the jitter's middle: 3/4 of 30 s, then of 60 s
    expect(await w.notifications.send(SHOP, id)).toBe("retrying");
    expect(w.only()).toMatchObject({ status: "pending", attempts: 1, sendAt: w.clock.now() + 22_500, statusReason: "Retry 2 of 3", lastError: "Provider answered 503" });
    expect(w.scheduled.at(-1)).toEqual({ shop: SHOP, id, runAt: w.clock.now() + 22_500 });

    w.clock.set(w.only().sendAt);
    expect(await w.notifications.send(SHOP, id)).toBe("retrying");
    expect(w.only()).toMatchObject({ status: "pending", attempts: 2, sendAt: w.clock.now() + 45_000, statusReason: "Retry 3 of 3" });

    w.clock.set(w.only().sendAt);
    expect(await w.notifications.send(SHOP, id)).toBe("failed");
    expect(w.only()).toMatchObject({ status: "failed", attempts: 3, statusReason: "Parked after 3 attempts", lastError: "Provider answered 503" });

    // one message, one idempotency key, however many attempts
    expect(new Set(w.gateway.sent.map((s) => s.message.idempotencyKey)).size).toBe(1);
    expect(w.gateway.sent).toHaveLength(3);
    // the channel is failing since the first attempt: the admin's health view shows it
    expect(w.settings.connections.get(`${SHOP}|email`)).toMatchObject({ failingSince: Date.parse("2026-11-20T15:05:00Z"), lastError: "Provider answered 503" });
  });

  it("GIVEN the provider's rate limit THEN the message waits as long as it says without spending an attempt", async () => {
    const w = aShopWithEmail({ maxAttempts: 1 });
    w.gateway.answer({ ok: false, retryable: true, throttled: true, retryAfterMs: 10_000, status: 429, error: "Provider answered 429" });
    await w.plan();
    w.clock.advance(5 * MINUTE);

    expect(await w.notifications.send(SHOP, w.only().id)).toBe("deferred");
    // Retry-After, spread by the jitter (1 + 0.5)
    expect(w.only()).toMatchObject({ status: "pending", attempts: 0, sendAt: w.clock.now() + 15_000, statusReason: "Waiting for the provider's rate limit" });

    w.clock.set(w.only().sendAt);
    expect(await w.notifications.send(SHOP, w.only().id)).toBe("sent");
  });

  it("GIVEN a permanent refusal THEN it is parked at once; a replay sends it again with a fresh budget", async () => {
    const w = aShopWithEmail({ maxAttempts: 3 });
    w.gateway.answer(refused);
    await w.plan();
    w.clock.advance(5 * MINUTE);
    const id = w.only().id;

    expect(await w.notifications.send(SHOP, id)).toBe("failed");
    expect(w.only()).toMatchObject({ status: "failed", attempts: 1, statusReason: "Parked: the provider refused it (retrying cannot help)" });

    w.clock.advance(MINUTE);
    expect(await w.notifications.replay(SHOP, [id])).toBe(1);
    expect(w.only()).toMatchObject({ status: "pending", attempts: 0, statusReason: "Replayed", sendAt: w.clock.now() });
    expect(w.scheduled.at(-1)).toEqual({ shop: SHOP, id, runAt: w.clock.now() });
    expect(await w.notifications.send(SHOP, id)).toBe("sent");
    expect(w.gateway.sent).toHaveLength(2);
  });

  it("GIVEN a message that was sent THEN a replay of it is refused and nothing goes again", async () => {
    const w = aShopWithEmail();
    await w.plan();
    w.clock.advance(5 * MINUTE);
    const id = w.only().id;
    expect(await w.notifications.send(SHOP, id)).toBe("sent");
    const scheduledBefore = w.scheduled.length;

    expect(await w.notifications.replay(SHOP, [id])).toBe(0);
    expect(await w.notifications.replay(SHOP, null)).toBe(0);
    // and its job, run again (a duplicate delivery of the job), sends nothing either
    expect(await w.notifications.send(SHOP, id)).toBe("skipped");

    expect(w.only().status).toBe("sent");
    expect(w.scheduled).toHaveLength(scheduledBefore);
    expect(w.gateway.sent).toHaveLength(1);
  });

  it("GIVEN a case that holds messages THEN the message is held and rechecked in 30 minutes, spending no attempt, and goes once the case is resolved", async () => {
    const w = aShopWithEmail({ maxAttempts: 1 });
    await w.plan();
    const hold = aCase({ holdMessages: true });
    w.shop.cases.push(hold);
    w.clock.advance(5 * MINUTE);
    const id = w.only().id;

    expect(await w.notifications.send(SHOP, id)).toBe("held");
    expect(w.only()).toMatchObject({ status: "held", attempts: 0, sendAt: w.clock.now() + 30 * MINUTE, statusReason: `Held while a person reviews case #${hold.id}` });
    expect(w.gateway.sent).toHaveLength(0);

    hold.status = "resolved";
    w.clock.set(w.only().sendAt);
    // one attempt in the budget, and it is still there
    expect(await w.notifications.send(SHOP, id)).toBe("sent");
  });

  it("GIVEN quiet hours switched on after the message was planned THEN it waits for 08:00 at the recipient, spending no attempt", async () => {
    // 22:00 in Toronto
    const w = aShopWithEmail({ at: "2026-11-21T03:00:00Z", maxAttempts: 1 });
    w.settings.policies.set(SHOP, { quietHours: { enabled: false } });
    await w.plan();
    expect(w.only().sendAt).toBe(w.clock.now() + 5 * MINUTE);

    expect(await w.notifications.savePolicy(SHOP, { quietHours: { enabled: true, start: "21:00", end: "08:00" } })).toMatchObject({ ok: true });
    w.clock.advance(5 * MINUTE);
    expect(await w.notifications.send(SHOP, w.only().id)).toBe("deferred");

    const eightInToronto = Date.parse("2026-11-21T13:00:00Z");
    expect(w.only()).toMatchObject({ status: "pending", attempts: 0, sendAt: eightInToronto, statusReason: "Waiting for the end of quiet hours" });
    expect(w.scheduled.at(-1)?.runAt).toBe(eightInToronto);
    expect(w.gateway.sent).toHaveLength(0);

    w.clock.set(eightInToronto);
    expect(await w.notifications.send(SHOP, w.only().id)).toBe("sent");
  });

  it("GIVEN the parcel moved on before its message went THEN the message is suppressed as superseded", async () => {
    const w = aShopWithEmail();
    await w.plan();
    const delivered = Date.parse("2026-11-20T15:03:00Z");
    Object.assign(w.shop.shipments[0]!, { status: "delivered", deliveredAt: delivered, statusChangedAt: delivered, lastEventAt: delivered });
    w.clock.advance(5 * MINUTE);

    expect(await w.notifications.send(SHOP, w.only().id)).toBe("suppressed");
    expect(w.only()).toMatchObject({ status: "suppressed", statusReason: "Superseded: the parcel moved on before this could go" });
    expect(w.gateway.sent).toHaveLength(0);
  });

  it("GIVEN a message whose job was lost THEN the sweep schedules it again, once per ten leases", async () => {
    const w = aShopWithEmail();
    // planned, but the process stopped before its send was scheduled
    await w.notifications.plan(SHOP, [{ shipment: w.shop.shipments[0]!, order: w.shop.orders[0]!, openCaseTypes: [], intents: [] }]);
    expect(w.scheduled).toHaveLength(0);

    w.clock.advance(5 * MINUTE + 120_000);
    expect(await w.notifications.requeueStranded()).toBe(1);
    expect(await w.notifications.requeueStranded()).toBe(0);
    expect(w.scheduled).toEqual([{ shop: SHOP, id: w.only().id, runAt: w.clock.now() }]);

    w.clock.advance(10 * 120_000 + 1);
    expect(await w.notifications.requeueStranded()).toBe(1);
  });
});
