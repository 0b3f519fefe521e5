import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { DEFAULT_CALL_LIMITS } from "~/.server/services/carrier-tracking";
import { startFakeCarrierApis, type FakeCarrierApis, type FakeScan } from "../../scripts/local-services/fake-carrier-apis";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { freshPostgresDatabase } from "../support/postgres";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * A carrier account's call budget is the account's, not a process's: two workers (two containers over one
 * PostgreSQL database, as two `npm run worker` processes are) polling one UPS account together make no more calls
 * than the account's limit allows. The clock is held, so no budget refills during the test: exactly the burst is
 * spent, and every other parcel is put off until the budget has a call again, not failed.
 */
describe("the carrier call budget, shared by workers", () => {
  const clock = fixedClock("2026-11-03T12:00:00Z");
  let fake: FakeCarrierApis;
  let drop: () => Promise<void>;
  let first: TestApp;
  let second: TestApp;
  const PARCELS = 30;
  const burst = DEFAULT_CALL_LIMITS.ups.capacity;

  beforeAll(async () => {
    fake = await startFakeCarrierApis();
    fake.accounts.ups.set("ups-alpha", "ups-secret");
    const pg = await freshPostgresDatabase("shipwatch_budget");
    drop = pg.drop;
    const env = { DATABASE_URL: pg.url, UPS_API_BASE: fake.url };
    first = await startTestApp({ clock, worker: false, env });
    second = await startTestApp({ clock, worker: false, env });
    // webhooks are worked by the first; the poll job's work is run by hand on both
    first.container.queue.start(first.container.jobs);
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
    await drop?.();
    await fake?.close();
  });

  const scan = (code: string, message: string, at: string): FakeScan => ({ code, message, at, city: "Louisville", state: "KY", country: "US" });

  it(`two workers polling one account together make ${burst} calls at once, and put the other parcels off`, async () => {
    expect(burst).toBeLessThan(PARCELS / 2);
    expect(await first.container.services.carriers.connect(SHOP_A, "ups", { clientId: "ups-alpha", clientSecret: "ups-secret", polling: true })).toEqual({ ok: true });
    for (let i = 0; i < PARCELS; i++) {
      const tracking = `1Z999AA1012346${String(i).padStart(4, "0")}`;
      fake.parcel("ups", tracking, [scan("I/OR", "Origin Scan", "2026-11-02T18:30:00-05:00")], "2026-11-05");
      const order = orderPayload({ id: newId(), name: `#${7000 + i}` });
      await first.sendWebhook("orders/create", order, { shop: SHOP_A });
      await first.sendWebhook("fulfillments/create", fulfillmentPayload(order.id, { name: `#${7000 + i}.1`, tracking_company: "UPS", tracking_number: tracking, tracking_numbers: [tracking], tracking_url: null, tracking_urls: [] }), { shop: SHOP_A });
    }
    await first.settle();
    const due = await first.db.selectFrom("CarrierPoll").select("id").where("shop", "=", SHOP_A).where("nextPollAt", "<=", clock.now()).execute();
    expect(due).toHaveLength(PARCELS);

    // both workers claim and poll at once until every due parcel was claimed by one of them, and both spend from
    // the same account
    const outcomes = { claimed: 0, polled: 0, deferred: 0 };
    for (let round = 0; round < 5 && outcomes.claimed < PARCELS; round++) {
      for (const r of await Promise.all([first.container.services.carriers.pollDue(PARCELS), second.container.services.carriers.pollDue(PARCELS)])) {
        outcomes.claimed += r.claimed;
        outcomes.polled += r.outcomes.polled;
        outcomes.deferred += r.outcomes.deferred;
      }
    }
    expect(outcomes).toEqual({ claimed: PARCELS, polled: burst, deferred: PARCELS - burst });
    expect(fake.calls.filter((c) => c.carrier === "ups" && c.kind === "track")).toHaveLength(burst);

    // put off, not failed: each waits for the budget's next call, with no error and no attempt spent
    const waiting = await first.db.selectFrom("CarrierPoll").selectAll().where("shop", "=", SHOP_A).where("nextPollAt", "<=", clock.now() + 60_000).execute();
    expect(waiting).toHaveLength(PARCELS - burst);
    for (const w of waiting) expect(w).toMatchObject({ state: "active", attempts: 0, lastError: null, nextPollAt: clock.now() + DEFAULT_CALL_LIMITS.ups.intervalMs });

    // once the budget refills, the next calls go out: one per interval, however many workers ask
    clock.advance(DEFAULT_CALL_LIMITS.ups.intervalMs * 3);
    await Promise.all([first.container.services.carriers.pollDue(PARCELS), second.container.services.carriers.pollDue(PARCELS)]);
    expect(fake.calls.filter((c) => c.carrier === "ups" && c.kind === "track")).toHaveLength(burst + 3);
  });
});
