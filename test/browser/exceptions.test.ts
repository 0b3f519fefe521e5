import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";
import {
  deliverShipment,
  eventually,
  openAdminBrowser,
  openAdminPage,
  planShipments,
  runningClock,
  SCENARIO_EVENTS,
  screenshot,
  sendCarrierEvent,
  tableCells,
  waitForHydration,
  waitForIdle,
  watchBrowserErrors,
  type Scenario,
  type SeedShipment,
} from "./support";

/**
 * The exception queue as support works it, in Chromium over the local preview: cases opened by the default rules
 * from shipments that arrived as signed webhooks, worked from the list (views, filters, bulk actions) and from a
 * case's own page (why it opened, the evidence, notes and the audit trail).
 */

// #1001 holds the first two. An address problem (urgent, support), a failed attempt, a parcel that will be reported
// damaged (fulfillment), and parcels without problems.
const SCENARIOS: Scenario[] = ["address_issue", "failed_attempt", "in_transit", "delivered", "address_issue", "in_transit", "failed_attempt", "delivered"];
const ME = "staff:1";
const BROWSER = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36" };

let app: TestApp;
let clock: ReturnType<typeof runningClock>;
let seeded: SeedShipment[];
let theirs: SeedShipment;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const openCases = async (shop = PREVIEW_SHOP) => (await app.container.repositories.cases.list(shop, { status: "open", limit: 100 })).cases;
const PRIORITY_ORDER = ["urgent", "high", "normal", "low"];
/** the queue's default order, worked out here from the cases themselves: priority, SLA due (none last), oldest opened */
const byUrgency = <C extends { priority: string; dueAt: number | null; openedAt: number; id: number }>(cases: C[]) =>
  [...cases].sort(
    (a, b) =>
      PRIORITY_ORDER.indexOf(a.priority) - PRIORITY_ORDER.indexOf(b.priority) ||
      (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity) ||
      a.openedAt - b.openedAt ||
      a.id - b.id,
  );
const open = (path: string) => openAdminPage(page, app.url, path);
const popover = () => page.locator("#PolarisPortalsContainer");

/** the table once it shows `expected` rows that all pass `each`: a row count alone can be the page before the navigation */
/**
 * The table's tracking numbers once they read in this order. The URL and the router go idle before React has put
 * the new rows on the page (on a loaded machine, a while before): a re-sort keeps the row count, so waiting for a
 * count alone could read the old order.
 */
async function rowsInOrder(trackingNumbers: (string | null)[]) {
  await eventually(async () => {
    await waitForIdle(page);
    expect((await tableCells(page)).map((r) => r[2])).toEqual(trackingNumbers);
  });
}

/** The table's rows once there are this many and each reads as the filter says: a count alone can be the old rows'. */
async function rowsAfterNavigation(expected: number, each: (row: string[]) => boolean = () => true) {
  return eventually(async () => {
    await waitForIdle(page);
    const rows = await tableCells(page);
    expect(rows).toHaveLength(expected);
    expect(rows.every(each)).toBe(true);
    return rows;
  });
}

describe("Exceptions and case detail in Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    clock = runningClock();
    // the sweep runs when the test says so, not on a timer in the middle of an assertion
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP, SHOP_B], clock, env: { SWEEP_INTERVAL_SECONDS: "3600" } });
    const now = Date.now();
    seeded = planShipments(SCENARIOS, { now, carriers: ["UPS", "USPS", "FedEx"] });
    for (const [i, s] of seeded.entries()) await deliverShipment(app, clock, PREVIEW_SHOP, s, 9_100_000 + i * 10);
    const damaged = seeded[2]!;
    await sendCarrierEvent(app, clock, PREVIEW_SHOP, damaged, { id: 9_199_000, status: "failure", message: "Package damaged in transit", at: damaged.eventTimes.at(-1)! + 3_600_000 });
    // another store, with an address problem on an order of the same name
    theirs = planShipments(["address_issue"], { now, carriers: ["UPS"], idBase: 7_000_000 })[0]!;
    await deliverShipment(app, clock, SHOP_B, theirs, 8_100_000);
    clock.resume();
    // silence found now (stalled, late) is found before any page is judged
    await app.container.services.desk.sweep(10_000);

    const cases = await openCases();
    const byShipment = (s: SeedShipment) => cases.filter((c) => c.trackingNumber === s.trackingNumber).map((c) => c.type);
    expect(byShipment(seeded[0]!)).toContain("address_issue");
    expect(byShipment(seeded[1]!)).toContain("failed_attempt");
    expect(byShipment(seeded[2]!)).toContain("damaged");
    expect(byShipment(seeded[3]!)).toEqual([]);

    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
  });

  it("lists the open cases with problem, owner, priority and SLA, most urgent first, and nothing of another store", async () => {
    await open("/app/exceptions");
    const rows = await tableCells(page);
    const expected = byUrgency(await openCases());
    expect(expected[0]!.priority).toBe("urgent");
    expect(rows).toHaveLength(expected.length);
    // cells: checkbox, order, tracking, problem, owner, assignee, priority, SLA, age
    expect(rows.map((r) => r[2])).toEqual(expected.map((c) => c.trackingNumber));

    const address = rows.find((r) => r[2] === seeded[0]!.trackingNumber && r[3] === "Address problem")!;
    expect(address.slice(1, 8)).toEqual([seeded[0]!.orderName, seeded[0]!.trackingNumber, "Address problem", "Support", "Unassigned", "Urgent", expect.stringMatching(/^(On time|Due in \d+ (min|h)|Overdue by \d+ (min|h|d))$/)]);
    // the other address problem opened days ago with an 8-hour SLA: overdue
    const older = rows.find((r) => r[2] === seeded[4]!.trackingNumber && r[3] === "Address problem")!;
    expect(older[7]).toMatch(/^Overdue by \d+ (h|d)$/);
    const damaged = rows.find((r) => r[2] === seeded[2]!.trackingNumber && r[3] === "Damaged")!;
    expect(damaged.slice(4, 7)).toEqual(["Fulfillment", "Unassigned", "High"]);

    await expect(page.getByRole("tab", { name: /All open/ }).textContent()).resolves.toContain(String(expected.length));
    expect(await page.content()).not.toContain(theirs.trackingNumber);
    await expect(page.title()).resolves.toBe("Exceptions · Shipwatch");
    await screenshot(page, "exceptions");
  });

  it("tabs are saved views: Support, Fulfillment and Overdue each show their cases, and the URL keeps the view", async () => {
    await open("/app/exceptions");
    const all = await openCases();
    await page.getByRole("tab", { name: /^Fulfillment/ }).click();
    let rows = await rowsAfterNavigation(all.filter((c) => c.owner === "fulfillment").length, (r) => r[4] === "Fulfillment");
    expect(rows.map((r) => r[3])).toContain("Damaged");
    const url = new URL(page.url());
    expect([url.searchParams.get("view"), url.searchParams.get("shop"), url.searchParams.get("embedded")]).toEqual(["fulfillment", PREVIEW_SHOP, "1"]);

    await page.getByRole("tab", { name: /^Support/ }).click();
    rows = await rowsAfterNavigation(all.filter((c) => c.owner === "support").length, (r) => r[4] === "Support");

    await page.getByRole("tab", { name: /^Overdue/ }).click();
    const now = Date.now();
    rows = await rowsAfterNavigation(all.filter((c) => c.dueAt !== null && c.dueAt < now).length, (r) => r[7]!.startsWith("Overdue"));
    expect(rows.length).toBeGreaterThan(0);

    // nobody has taken a case yet
    await page.getByRole("tab", { name: /^Mine/ }).click();
    await rowsAfterNavigation(0);
    await page.getByText("No cases found").first().waitFor();
  });

  it("filters by problem and priority from the filter bar", async () => {
    await open("/app/exceptions");
    await page.getByRole("button", { name: "Search and filter results" }).click();
    await page.getByRole("button", { name: /^Priority/ }).click();
    await popover().getByText("Urgent", { exact: true }).click();
    const urgent = (await openCases()).filter((c) => c.priority === "urgent");
    let rows = await rowsAfterNavigation(urgent.length, (r) => r[6] === "Urgent" && r[3] === "Address problem");
    expect(new URL(page.url()).searchParams.get("priority")).toBe("urgent");

    // a reload opens the same filtered list; a second filter narrows it
    await open("/app/exceptions?type=failed_attempt");
    rows = await rowsAfterNavigation((await openCases()).filter((c) => c.type === "failed_attempt").length, (r) => r[3] === "Failed delivery attempt");
    expect(rows.length).toBe(2);
    await page.getByText("Problem: Failed delivery attempt").first().waitFor();

    await open("/app/exceptions?status=resolved");
    await rowsAfterNavigation(0);
  });

  it("assigns selected cases to me and resolves them with a code in bulk", async () => {
    await open("/app/exceptions?type=failed_attempt");
    await rowsAfterNavigation(2);
    for (const row of await page.locator("table tbody tr").all()) await row.locator("td").first().locator("input[type=checkbox]").check({ force: true });
    await page.getByRole("button", { name: "Assign to me" }).click();
    await page.getByRole("status").filter({ hasText: "2 cases assigned to you" }).waitFor();
    await eventually(async () => {
      const rows = await tableCells(page);
      expect(rows.map((r) => r[5])).toEqual(["You", "You"]);
    });
    const failed = (await openCases()).filter((c) => c.type === "failed_attempt");
    expect(failed.map((c) => c.assignee)).toEqual([ME, ME]);

    await open("/app/exceptions?view=mine");
    await rowsAfterNavigation(2);
    await expect(page.getByRole("tab", { name: /^Mine/ }).textContent()).resolves.toContain("2");

    // resolve one of them with a code
    const first = page.locator("table tbody tr").first();
    const tracking = (await tableCells(page))[0]![2];
    await first.locator("td").first().locator("input[type=checkbox]").check({ force: true });
    await page.getByRole("button", { name: "Resolve…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Resolution").selectOption("reshipped");
    await dialog.getByLabel("Note (optional)").fill("Sent a new parcel");
    await dialog.getByRole("button", { name: "Resolve" }).click();
    await page.getByRole("status").filter({ hasText: "1 case resolved" }).waitFor();
    await rowsAfterNavigation(1);
    const resolved = (await app.container.repositories.cases.list(PREVIEW_SHOP, { status: "resolved", type: "failed_attempt" })).cases;
    expect(resolved.map((c) => [c.trackingNumber, c.resolution, c.resolvedBy])).toEqual([[tracking, "reshipped", ME]]);
    const trail = await app.container.repositories.cases.activities(PREVIEW_SHOP, resolved[0]!.id);
    expect(trail.at(-1)).toMatchObject({ actor: ME, kind: "resolved", detail: "reshipped: Sent a new parcel" });
  });

  it("opens a case from its row: why it was opened, the shipment's timeline, and a note that lands in the audit trail", async () => {
    const address = (await openCases()).find((c) => c.type === "address_issue" && c.trackingNumber === seeded[0]!.trackingNumber)!;
    await open("/app/exceptions?priority=urgent");
    await page.locator("table tbody tr", { hasText: seeded[0]!.trackingNumber }).locator("td").nth(3).click();
    await page.waitForURL(new RegExp(`/app/exceptions/${address.id}\\?`));
    await page.getByRole("heading", { name: `Address problem · ${seeded[0]!.orderName}`, level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get("priority")).toBe("urgent");

    // why: the rule and each condition with what it saw
    const why = page.getByRole("list", { name: "Conditions the rule checked" });
    expect(await why.locator(":scope > li").count()).toBe(address.explanation.length);
    const whyText = await why.textContent();
    expect(whyText).toContain("Reason is Address problem");
    // what the rule saw, in words: no codes on the page
    expect(whyText).toContain("Saw: Reason: Address problem");
    expect(whyText).not.toContain("address_issue");
    await expect(page.title()).resolves.toBe(`Address problem · ${seeded[0]!.orderName} · Shipwatch`);

    // the evidence: every event, newest first
    const timeline = page.getByRole("list", { name: "Timeline, newest first" });
    const items = await timeline.locator(":scope > li").allTextContents();
    const events = SCENARIO_EVENTS.address_issue;
    expect(items).toHaveLength(events.length);
    expect(items[0]).toContain("Incorrect address - unable to deliver");
    expect(items.at(-1)).toContain(events[0]!.message);

    // a note goes into the audit trail with who wrote it
    await page.getByLabel("Add a note").fill("Called the customer: the flat number was missing.");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.getByRole("status").filter({ hasText: "Note added" }).waitFor();
    const trail = page.getByRole("list", { name: "Audit trail, newest first" });
    await eventually(async () => {
      const entries = await trail.locator(":scope > li").allTextContents();
      expect(entries[0]).toContain("You");
      expect(entries[0]).toContain("Called the customer: the flat number was missing.");
      expect(entries.at(-1)).toContain("Shipwatch");
      expect(entries.at(-1)).toContain("Opened by the rule Address problem");
    });
    const stored = await app.container.repositories.cases.activities(PREVIEW_SHOP, address.id);
    expect(stored.at(-1)).toMatchObject({ actor: ME, kind: "note", detail: "Called the customer: the flat number was missing." });

    // a colleague took it first: named as a person, never by the raw "staff:42" their session token's id is stored as
    expect(await app.container.services.desk.assign(PREVIEW_SHOP, address.id, "staff:42", "staff:42")).toMatchObject({ ok: true });
    await page.reload();
    await waitForHydration(page);
    await eventually(async () => {
      const entries = await page.getByRole("list", { name: "Audit trail, newest first" }).locator(":scope > li").allTextContents();
      expect(entries[0]).toContain("Staff member #42");
      expect(entries[0]).toContain("Assigned to Staff member #42");
    });
    expect(await page.locator("body").innerText()).not.toMatch(/staff:/i);

    // take it, raise nothing, then resolve it from the page
    await page.getByRole("button", { name: "Assign to me" }).click();
    await page.getByRole("status").filter({ hasText: "Assigned to you" }).waitFor();
    await page.getByRole("button", { name: "Unassign" }).waitFor();
    await eventually(async () => expect(await page.getByRole("list", { name: "Audit trail, newest first" }).locator(":scope > li").first().textContent()).toContain("Assigned to you"));
    const shown = await page.locator("body").innerText();
    expect(shown).not.toMatch(/staff:/i);
    expect(shown).toContain("Opened by the rule Address problem. It saw: Reason: Address problem");
    expect(shown).not.toContain("address_issue");
    await screenshot(page, "case-detail");

    await page.getByLabel("Resolution").selectOption("contacted_customer");
    await page.getByRole("button", { name: "Resolve case" }).click();
    await page.getByRole("button", { name: "Reopen case" }).waitFor();
    expect((await app.container.repositories.cases.get(PREVIEW_SHOP, address.id))).toMatchObject({ status: "resolved", resolution: "contacted_customer", resolvedBy: ME });
    await page.getByRole("button", { name: "Reopen case" }).click();
    await page.getByRole("button", { name: "Resolve case" }).waitFor();
    expect((await app.container.repositories.cases.get(PREVIEW_SHOP, address.id))?.status).toBe("open");
  });

  it("changes priority and snoozes a case from its page", async () => {
    const damaged = (await openCases()).find((c) => c.type === "damaged")!;
    await open(`/app/exceptions/${damaged.id}`);
    await page.getByLabel("Priority").selectOption("urgent");
    await page.getByRole("status").filter({ hasText: "Priority changed" }).waitFor();
    expect((await app.container.repositories.cases.get(PREVIEW_SHOP, damaged.id))?.priority).toBe("urgent");

    // a Polaris date picker, not a native input: an hour already gone today is refused with a reason, and nothing changes
    expect(await page.locator('input[type="datetime-local"]').count()).toBe(0);
    await page.getByLabel("Snooze", { exact: true }).selectOption("pick");
    // days and hours are the viewer's: ask the browser for its today (its zone need not be this process's)
    const { dayLabel, tomorrowNine } = await page.evaluate(() => {
      const today = new Date();
      return {
        dayLabel: new Intl.DateTimeFormat("en-US", { weekday: "long", month: "long", day: "numeric", year: "numeric" }).format(today).replace(/,/g, ""),
        tomorrowNine: new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1, 9).getTime(),
      };
    });
    await page.getByRole("button", { name: dayLabel }).click();
    await page.getByLabel("At", { exact: true }).selectOption("0");
    await page.getByRole("button", { name: "Snooze", exact: true }).click();
    await page.getByText("Choose a time in the next 90 days").waitFor();
    expect((await app.container.repositories.cases.get(PREVIEW_SHOP, damaged.id))?.status).toBe("open");

    await page.getByLabel("Snooze", { exact: true }).selectOption("tomorrow");
    await page.getByRole("button", { name: "Snooze", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Snoozed" }).waitFor();
    const snoozed = await app.container.repositories.cases.get(PREVIEW_SHOP, damaged.id);
    expect(snoozed?.status).toBe("snoozed");
    expect(snoozed!.snoozedUntil).toBe(tomorrowNine);
    await screenshot(page, "case-snoozed");
  });

  it("answers another store's case id with Case not found, and refuses to change it", async () => {
    const [caseB] = await openCases(SHOP_B);
    expect(caseB).toMatchObject({ type: "address_issue" });
    for (const id of [String(caseB!.id), "999999", "nope"]) {
      const response = await open(`/app/exceptions/${id}`);
      expect(response?.status()).toBe(404);
      await page.getByRole("heading", { name: "Case not found" }).waitFor();
      expect(await page.content()).not.toContain(theirs.trackingNumber);
      browserErrors.expect(/status of 404/);
    }

    // a signed-in request of this store naming shop B's case changes nothing
    const token = mintSessionToken({ shop: PREVIEW_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: Date.now() }).token;
    const headers = { ...BROWSER, authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" };
    const single = await fetch(`${app.url}/app/exceptions/${caseB!.id}.data`, { method: "POST", headers, body: new URLSearchParams({ intent: "resolve", resolution: "refunded" }) });
    expect(await single.text()).not.toContain('"ok",true');
    const bulk = await fetch(`${app.url}/app/exceptions.data?index`, { method: "POST", headers, body: new URLSearchParams({ intent: "assign_to_me", ids: String(caseB!.id) }) });
    expect(bulk.status).toBe(200);
    expect(await app.container.repositories.cases.get(SHOP_B, caseB!.id)).toMatchObject({ status: "open", assignee: null });
    expect(await app.container.repositories.cases.activities(SHOP_B, caseB!.id)).toHaveLength(1);
  });
  it("searches the queue by order name, tracking number or the customer's email, and never finds another store's cases", async () => {
    await open("/app/exceptions");
    await page.getByRole("button", { name: "Search and filter results" }).click();
    const search = page.getByPlaceholder("Search by order, tracking number or customer email");
    const all = await openCases();

    // the order name without its #: this store's #1001 only (the other store has a #1001 too)
    await search.fill("1001");
    let rows = await rowsAfterNavigation(all.filter((c) => c.orderName === "#1001").length, (r) => r[1] === "#1001");
    expect(rows.length).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(theirs.trackingNumber);
    expect(new URL(page.url()).searchParams.get("q")).toBe("1001");

    const damaged = seeded[2]!;
    await search.fill(damaged.trackingNumber.toLowerCase());
    rows = await rowsAfterNavigation(all.filter((c) => c.trackingNumber === damaged.trackingNumber).length, (r) => r[2] === damaged.trackingNumber);
    expect(rows.length).toBeGreaterThan(0);

    // the customer's email, as a customer would write it in a ticket
    const customer = seeded[4]!;
    await search.fill(`Customer${customer.orderNumber}@EXAMPLE.com`);
    rows = await rowsAfterNavigation(all.filter((c) => c.orderName === customer.orderName).length, (r) => r[1] === customer.orderName);
    expect(rows.length).toBeGreaterThan(0);
    await screenshot(page, "exceptions-search");

    // a reload keeps the search; clearing it shows the whole queue again
    await open(`/app/exceptions?q=${encodeURIComponent(customer.trackingNumber)}`);
    rows = await rowsAfterNavigation(all.filter((c) => c.trackingNumber === customer.trackingNumber).length);
    await expect(page.getByPlaceholder("Search by order, tracking number or customer email").inputValue()).resolves.toBe(customer.trackingNumber);
    await page.getByRole("button", { name: "Clear", exact: true }).first().click();
    await rowsAfterNavigation(all.length);
    expect(new URL(page.url()).searchParams.has("q")).toBe(false);
  });

  it("sorts by urgency by default, and by newest or oldest when asked", async () => {
    await open("/app/exceptions");
    const all = await openCases();
    expect((await tableCells(page)).map((r) => r[2])).toEqual(byUrgency(all).map((c) => c.trackingNumber));

    await page.getByRole("button", { name: /^Sort the results/ }).click();
    await popover().getByText("Opened", { exact: true }).click();
    await eventually(async () => expect(new URL(page.url()).searchParams.get("sort")).toBe("oldest"));
    const oldest = [...all].sort((a, b) => a.openedAt - b.openedAt || a.id - b.id);
    await rowsInOrder(oldest.map((c) => c.trackingNumber));

    await popover().getByRole("button", { name: "Newest first" }).click();
    await eventually(async () => expect(new URL(page.url()).searchParams.get("sort")).toBe("newest"));
    await rowsInOrder([...oldest].reverse().map((c) => c.trackingNumber));

    await popover().getByText("Urgency", { exact: true }).click();
    await eventually(async () => expect(new URL(page.url()).searchParams.get("sort")).toBe("least_urgent"));
    await rowsInOrder(byUrgency(all).reverse().map((c) => c.trackingNumber));
    await popover().getByRole("button", { name: "Most urgent first" }).click();
    await eventually(async () => expect(new URL(page.url()).searchParams.has("sort")).toBe(false));
    await rowsInOrder(byUrgency(all).map((c) => c.trackingNumber));
    await screenshot(page, "exceptions-sort");
  });

  it("hands a case to Operations with a note: the trail says so, and the Operations tab lists it", async () => {
    const address = (await openCases()).find((c) => c.type === "address_issue" && c.trackingNumber === seeded[4]!.trackingNumber)!;
    expect(address.owner).toBe("support");
    await open(`/app/exceptions/${address.id}`);
    // without a note the button waits; the action refuses one sent anyway, and nothing changes
    await page.getByLabel("Team", { exact: true }).selectOption("operations");
    expect(await page.getByRole("button", { name: "Hand to team" }).isDisabled()).toBe(true);
    const token = mintSessionToken({ shop: PREVIEW_SHOP, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: Date.now() }).token;
    const refused = await fetch(`${app.url}/app/exceptions/${address.id}.data`, {
      method: "POST",
      headers: { ...BROWSER, authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "hand_off", owner: "operations", handOffNote: "  " }),
    });
    expect(await refused.text()).toContain("Say why, for the team that takes it");
    expect((await app.container.repositories.cases.get(PREVIEW_SHOP, address.id))?.owner).toBe("support");

    await page.getByLabel("Note for the team").fill("The label has the wrong flat number: the warehouse reprints it.");
    await page.getByRole("button", { name: "Hand to team" }).click();
    await page.getByRole("status").filter({ hasText: "Handed to Operations" }).waitFor();
    await eventually(async () => {
      const first = await page.getByRole("list", { name: "Audit trail, newest first" }).locator(":scope > li").first().innerText();
      expect(first).toContain("You");
      expect(first).toContain("Handed off");
      expect(first).toContain("Handed from Support to Operations: The label has the wrong flat number: the warehouse reprints it.");
    });
    expect(await app.container.repositories.cases.get(PREVIEW_SHOP, address.id)).toMatchObject({ owner: "operations", assignee: null });
    const stored = await app.container.repositories.cases.activities(PREVIEW_SHOP, address.id);
    expect(stored.at(-1)).toMatchObject({ actor: ME, kind: "handed_off", detail: "Handed from support to operations: The label has the wrong flat number: the warehouse reprints it." });
    // the team it has now is not offered again
    const teams = await page.getByLabel("Team", { exact: true }).locator("option").allTextContents();
    expect(teams).not.toContain("Operations");
    expect(teams).toContain("Support");
    await screenshot(page, "case-handoff");

    await open("/app/exceptions?view=operations");
    const operations = (await openCases()).filter((c) => c.owner === "operations");
    const rows = await rowsAfterNavigation(operations.length);
    expect(rows.map((r) => r[2])).toContain(address.trackingNumber);
    expect(rows.every((r) => r[4] === "Operations")).toBe(true);
    await expect(page.getByRole("tab", { name: /^Operations/ }).textContent()).resolves.toContain(String(operations.length));
    await screenshot(page, "exceptions-operations");
  });

  it("names colleagues as Shopify named them, in the queue and on the case", async () => {
    // Priya signed in to this store with an online token once: her session has her name
    await app.db
      .insertInto("Session")
      .values({ id: `${PREVIEW_SHOP}_77`, shop: PREVIEW_SHOP, state: "", isOnline: 1, accessToken: "online", userId: 77, firstName: "Priya", lastName: "Shah", email: "priya@example.com", expires: Date.now() + 3_600_000 })
      .execute();
    const damaged = (await openCases()).find((c) => c.type === "damaged")!;
    expect(await app.container.services.desk.assign(PREVIEW_SHOP, damaged.id, "staff:77", "staff:77")).toMatchObject({ ok: true });

    await open(`/app/exceptions?q=${damaged.trackingNumber}`);
    const rows = await rowsAfterNavigation((await openCases()).filter((c) => c.trackingNumber === damaged.trackingNumber).length);
    // (the snoozed case's problem cell also says "Snoozed")
    expect(rows.find((r) => r[3]!.startsWith("Damaged"))![5]).toBe("Priya Shah");

    await open(`/app/exceptions/${damaged.id}`);
    await eventually(async () => {
      const first = await page.getByRole("list", { name: "Audit trail, newest first" }).locator(":scope > li").first().innerText();
      expect(first).toContain("Priya Shah");
      expect(first).toContain("Assigned to Priya Shah");
    });
    const shown = await page.locator("body").innerText();
    expect(shown).not.toMatch(/staff:/i);
    expect(shown).toContain("Priya Shah");
  });

  it("a shipment's page shows its open cases with links, the customer's contact, the order in Shopify and the storefront lookups", async () => {
    const s = seeded[4]!;
    const email = `customer${s.orderNumber}@example.com`;
    // the customer looked the parcel up twice on the storefront
    for (let i = 0; i < 2; i++) expect((await fetch(app.proxyUrl({ order: s.orderName, email }, { shop: PREVIEW_SHOP }))).status).toBe(200);
    await app.container.services.lookup.flushLookupCounts();
    const shipment = await app.db.selectFrom("Shipment").select(["id", "lookupCount"]).where("shop", "=", PREVIEW_SHOP).where("shipmentKey", "=", s.trackingNumber).executeTakeFirstOrThrow();
    const looked = shipment.lookupCount;
    expect(looked).toBeGreaterThan(0);
    const cases = (await openCases()).filter((c) => c.shipmentId === shipment.id);
    expect(cases.length).toBeGreaterThan(0);

    await open(`/app/shipments/${shipment.id}`);
    const list = page.getByRole("list", { name: "Open cases" });
    const links = await list.getByRole("link").evaluateAll((as) => as.map((a) => [a.textContent, new URL((a as HTMLAnchorElement).href).pathname, new URL((a as HTMLAnchorElement).href).searchParams.get("shop")]));
    expect(links.map(([, path]) => path).sort()).toEqual(cases.map((c) => `/app/exceptions/${c.id}`).sort());
    expect(links.every(([, , shop]) => shop === PREVIEW_SHOP)).toBe(true);

    // the card's content: the heading's row, and what follows it
    const customer = page.getByRole("heading", { name: "Customer", exact: true, level: 2 }).locator("xpath=../..");
    const text = await customer.innerText();
    expect(text).toContain(`Ada Buyer${s.orderNumber}`);
    expect(text).toContain(email);
    expect(text).toContain(`Looked up ${looked} ${looked === 1 ? "time" : "times"} on the storefront, last`);
    const order = page.getByRole("link", { name: `Open ${s.orderName} in Shopify` });
    expect(await order.getAttribute("href")).toBe(`shopify://admin/orders/${s.orderId}`);
    expect(await order.getAttribute("target")).toBe("_top");
    await screenshot(page, "shipment-support");

    // a case is one click away
    await list.getByRole("link").first().click();
    await page.waitForURL(/\/app\/exceptions\/\d+/);
    await page.getByRole("heading", { name: new RegExp(` · ${s.orderName}$`), level: 1 }).waitFor();
  });
});
