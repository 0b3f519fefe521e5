import fs from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "~/domain/rules";
import { PREVIEW_SHOP } from "../../server/endpoints/local-preview";
import { SHOP_B, startTestApp, type TestApp } from "../support/test-app";
import {
  deliverShipment,
  eventually,
  openAdminBrowser,
  openAdminPage,
  planShipments,
  runningClock,
  screenshot,
  sendCarrierEvent,
  waitForIdle,
  watchBrowserErrors,
  type SeedShipment,
} from "./support";

/**
 * The pages a merchant configures Shipwatch with — Rules, Status mapping, Settings — in Chromium over the local
 * preview, on shipments that arrived as signed webhooks. Every change is checked where it lands: in the services.
 */

let app: TestApp;
let clock: ReturnType<typeof runningClock>;
let seeded: SeedShipment[];
let theirs: SeedShipment;
let admin: Awaited<ReturnType<typeof openAdminBrowser>>;
let page: Page;
let browserErrors: ReturnType<typeof watchBrowserErrors>;

const open = (path: string) => openAdminPage(page, app.url, path);
const services = () => app.container.services;
const repositories = () => app.container.repositories;
const shipmentOf = async (s: SeedShipment, shop = PREVIEW_SHOP) => (await repositories().admin.listShipments(shop, { search: s.trackingNumber })).shipments[0]!;
/** App Bridge's contextual save bar (the local preview draws it over the top of the page) and its buttons */
const saveBar = () => page.locator("ui-save-bar");
const saveThroughBar = () => saveBar().getByRole("button", { name: "Save", exact: true }).click();
const discardThroughBar = () => saveBar().getByRole("button", { name: "Discard", exact: true }).click();
const toast = (text: string) => page.getByRole("status").filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) });
/** what the page asked the merchant ("confirm: Leave page…"), and whether the next question is answered yes */
let dialogs: string[] = [];
let leave = true;
const ruleNames = async () => page.getByRole("list", { name: "Rules, in the order they run" }).locator(":scope > li").evaluateAll((lis) => lis.map((li) => li.querySelector("a")?.textContent ?? ""));

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** Clicks a day on the open Polaris calendar, paging month by month to it from wherever the calendar opened. */
async function pickDay(year: number, month: number, day: number) {
  const target = year * 12 + month;
  for (let step = 0; step < 48; step++) {
    const next = await page.getByRole("button", { name: /^Show next month, / }).getAttribute("aria-label");
    const [, name, nextYear] = /^Show next month, (\w+) (\d{4})$/.exec(next ?? "") ?? [];
    const shown = Number(nextYear) * 12 + MONTHS.indexOf(name!) - 1;
    if (shown === target) break;
    await page.getByRole("button", { name: shown < target ? /^Show next month, / : /^Show previous month, / }).click();
  }
  await page.getByRole("button", { name: new RegExp(`${MONTHS[month]} ${day} ${year}$`) }).click();
}

describe("Rules, Status mapping and Settings in Chromium", { timeout: 60_000 }, () => {
  beforeAll(async () => {
    if (!fs.existsSync("build/server/index.js")) throw new Error("The Remix build is missing: run `npx remix vite:build` first.");
    clock = runningClock();
    app = await startTestApp({ remix: true, localPreview: true, shops: [PREVIEW_SHOP, SHOP_B], clock, env: { SWEEP_INTERVAL_SECONDS: "3600" } });
    const now = Date.now();
    seeded = planShipments(["address_issue", "delivered", "in_transit", "in_transit"], { now, carriers: ["UPS", "USPS"] });
    for (const [i, s] of seeded.entries()) await deliverShipment(app, clock, PREVIEW_SHOP, s, 9_300_000 + i * 10);
    // a carrier status nobody knows, twice on one parcel
    const odd = seeded[2]!;
    await sendCarrierEvent(app, clock, PREVIEW_SHOP, odd, { id: 9_399_001, status: "teleported", message: "Parcel beamed to the destination hub", at: odd.eventTimes.at(-1)! + 3_600_000 });
    await sendCarrierEvent(app, clock, PREVIEW_SHOP, odd, { id: 9_399_002, status: "Teleported", message: "Parcel beamed to the local depot", at: odd.eventTimes.at(-1)! + 7_200_000 });
    theirs = planShipments(["in_transit"], { now, carriers: ["UPS"], idBase: 7_000_000 })[0]!;
    await deliverShipment(app, clock, SHOP_B, theirs, 8_300_000);
    await sendCarrierEvent(app, clock, SHOP_B, theirs, { id: 8_399_001, status: "wormholed", message: "Their own odd code", at: theirs.eventTimes.at(-1)! + 3_600_000 });
    clock.resume();
    expect((await shipmentOf(odd)).status).toBe("unknown");

    admin = await openAdminBrowser();
    ({ page, errors: browserErrors } = admin);
    // leaving a page with unsaved changes asks first (the save bar's leave confirmation, or the browser's own)
    page.on("dialog", (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void (leave ? dialog.accept() : dialog.dismiss());
    });
  }, 180_000);

  afterEach(() => {
    expect(browserErrors?.take() ?? []).toEqual([]);
    dialogs = [];
    leave = true;
  });

  afterAll(async () => {
    await admin?.close();
    await app?.close();
  });

  describe("Rules", () => {
    it("lists the rules in the order they run, the defaults of a new install first", async () => {
      await open("/app/rules");
      expect(await ruleNames()).toEqual(DEFAULT_RULES.map((r) => r.name));
      const stored = await services().ruleBook.list(PREVIEW_SHOP);
      expect(stored.map((r) => r.name)).toEqual(DEFAULT_RULES.map((r) => r.name));
      const address = page.getByRole("list", { name: "Rules, in the order they run" }).locator(":scope > li", { hasText: "Address problem" });
      expect(await address.textContent()).toContain('When reason is Address problemThen open "Address problem" for Support, urgent priority, resolve within 8 hours');
      await screenshot(page, "rules");
    });

    it("turns a rule off and on again", async () => {
      await open("/app/rules");
      await page.getByRole("button", { name: 'Turn off "Failed delivery attempt"' }).click();
      await page.getByRole("button", { name: 'Turn on "Failed delivery attempt"' }).waitFor();
      let rule = (await services().ruleBook.list(PREVIEW_SHOP)).find((r) => r.name === "Failed delivery attempt")!;
      expect(rule.enabled).toBe(false);
      await page.getByRole("button", { name: 'Turn on "Failed delivery attempt"' }).click();
      await page.getByRole("button", { name: 'Turn off "Failed delivery attempt"' }).waitFor();
      rule = (await services().ruleBook.list(PREVIEW_SHOP)).find((r) => r.name === "Failed delivery attempt")!;
      expect(rule.enabled).toBe(true);
    });

    it("moves a rule up and down the order", async () => {
      await open("/app/rules");
      const before = await ruleNames();
      const at = before.indexOf("Address problem");
      await page.getByRole("button", { name: 'Move "Address problem" up' }).click();
      const moved = [...before];
      [moved[at - 1], moved[at]] = [moved[at]!, moved[at - 1]!];
      await eventually(async () => expect(await ruleNames()).toEqual(moved));
      expect((await services().ruleBook.list(PREVIEW_SHOP)).map((r) => r.name)).toEqual(moved);
      await page.getByRole("button", { name: 'Move "Address problem" down' }).click();
      await eventually(async () => expect(await ruleNames()).toEqual(before));
      expect((await services().ruleBook.list(PREVIEW_SHOP)).map((r) => r.name)).toEqual(before);
    });

    it("refuses an invalid rule field by field and saves nothing", async () => {
      const count = (await services().ruleBook.list(PREVIEW_SHOP)).length;
      await open("/app/rules/new");
      await page.getByRole("heading", { name: "New rule", level: 1 }).waitFor();
      // no name, a status condition with no status, 0 hours of silence, and no hours to resolve in
      await page.getByLabel("Add a condition").selectOption({ label: "No carrier scan for at least (business hours)" });
      await page.getByLabel("Business hours").fill("0");
      await page.getByLabel("Resolve within").fill("");
      // a new rule is unsaved from the start: the save bar is its one Save
      await saveBar().waitFor();
      expect(await page.getByRole("button", { name: /^Save/ }).count()).toBe(1);
      await saveThroughBar();
      await page.getByText("The rule was not saved: 4 fields need attention").waitFor();
      await page.getByText("give the rule a name").waitFor();
      await page.getByText("choose at least one status").waitFor();
      await page.getByText("must be more than 0").waitFor();
      await page.getByText("enter the hours to resolve in").waitFor();
      // each message sits with its field
      expect(await page.getByLabel("Business hours").getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByLabel("Resolve within").getAttribute("aria-invalid")).toBe("true");
      await screenshot(page, "rule-editor-invalid");
      expect((await services().ruleBook.list(PREVIEW_SHOP)).length).toBe(count);
    });

    it("tries the unsaved rule on a shipment, shows whether it fires and what each condition saw, then saves it", async () => {
      const count = (await services().ruleBook.list(PREVIEW_SHOP)).length;
      await open("/app/rules/new");
      await page.getByLabel("Name").fill("Problem parcels to operations");
      await page.getByLabel("Statuses").selectOption({ label: "Problem with delivery" });
      await page.getByLabel("Add a condition").selectOption({ label: "Carrier is one of" });
      await page.getByLabel("Carriers").selectOption({ label: "UPS" });
      await page.getByLabel("Owner").selectOption("operations");

      const address = seeded[0]!;
      await page.getByLabel("Order or tracking number").fill(address.trackingNumber);
      await page.getByRole("button", { name: "Try it" }).click();
      const saw = page.getByRole("list", { name: "What each condition saw" });
      await page.getByText("Would fire").waitFor();
      await eventually(async () => {
        const text = await saw.textContent();
        expect(text).toContain("Status is Problem with delivery");
        expect(text).toContain("Saw: Status: Problem with delivery");
        expect(text).toContain("Carrier is UPS");
        expect(text).toContain("Saw: Carrier: UPS");
      });
      await screenshot(page, "rule-editor");

      // a delivered parcel does not match: the preview says which condition failed
      await page.getByLabel("Order or tracking number").fill(seeded[1]!.trackingNumber);
      await page.getByRole("button", { name: "Try it" }).click();
      await page.getByText("Would not fire").waitFor();
      await eventually(async () => expect(await saw.textContent()).toContain("Saw: Status: Delivered"));
      // a try changes nothing
      expect((await services().ruleBook.list(PREVIEW_SHOP)).length).toBe(count);

      await saveThroughBar();
      await page.waitForURL((url) => url.pathname === "/app/rules");
      await toast("Rule saved").waitFor();
      const rules = await services().ruleBook.list(PREVIEW_SHOP);
      expect(rules).toHaveLength(count + 1);
      expect(rules.at(-1)).toMatchObject({
        name: "Problem parcels to operations",
        enabled: true,
        conditions: [
          { kind: "status_in", statuses: ["exception"] },
          { kind: "carrier_in", carriers: ["ups"] },
        ],
        actions: [{ kind: "open_case", type: "carrier_exception", owner: "operations", priority: "normal", slaHours: 24 }],
      });
      expect(new URL(page.url()).searchParams.get("shop")).toBe(PREVIEW_SHOP);
      await eventually(async () => expect((await ruleNames()).at(-1)).toBe("Problem parcels to operations"));
    });

    it("shows the save bar once a rule is edited: Discard restores it, leaving asks first, and Save keeps the edit", async () => {
      const rule = (await services().ruleBook.list(PREVIEW_SHOP)).find((r) => r.name === "Failed delivery attempt")!;
      await open(`/app/rules/${rule.id}`);
      const name = page.getByLabel("Name");
      expect(await saveBar().isVisible()).toBe(false);
      await name.fill("Failed delivery, second try");
      await saveBar().waitFor();
      await discardThroughBar();
      expect(await name.inputValue()).toBe("Failed delivery attempt");
      await saveBar().waitFor({ state: "hidden" });

      // another page of the app while the rule has changes: the merchant is asked, and can stay
      await page.getByRole("checkbox", { name: "Stop after this rule" }).check({ force: true });
      await name.fill("Failed delivery, second try");
      await screenshot(page, "rule-editor-unsaved");
      dialogs = [];
      leave = false;
      // the local preview names its nav bar through ElementInternals, which Playwright's role engine does not read
      await page.locator("ui-nav-menu").getByRole("link", { name: "Settings" }).click();
      await eventually(async () => expect(dialogs).toEqual(["confirm: Leave page with unsaved changes? If you leave, your changes will be lost."]));
      expect(new URL(page.url()).pathname).toBe(`/app/rules/${rule.id}`);
      expect(await name.inputValue()).toBe("Failed delivery, second try");

      await saveThroughBar();
      await page.waitForURL((url) => url.pathname === "/app/rules");
      await toast("Rule saved").waitFor();
      await page.getByRole("list", { name: "Rules, in the order they run" }).getByText("Failed delivery, second try").waitFor();
      expect(await services().ruleBook.get(PREVIEW_SHOP, rule.id)).toMatchObject({ name: "Failed delivery, second try", stopAfter: true });
      // the save left without asking
      expect(dialogs).toHaveLength(1);
    });

    it("answers another store's rule with Rule not found", async () => {
      const [ruleB] = await services().ruleBook.list(SHOP_B);
      const response = await open(`/app/rules/${ruleB!.id}`);
      expect(response?.status()).toBe(404);
      await page.getByRole("heading", { name: "Rule not found" }).waitFor();
      browserErrors.expect(/status of 404/);
      await waitForIdle(page);
    });
  });

  describe("Status mapping", () => {
    it("shows an unmapped code with its count and examples; mapping it re-reads the past events and the shipment's status changes", async () => {
      const odd = seeded[2]!;
      await open("/app/status-mapping");
      const unmapped = page.getByRole("list", { name: "Unmapped codes" });
      const row = unmapped.locator(":scope > li", { hasText: "teleported" });
      const text = await row.textContent();
      expect(text).toContain("Seen 2 times");
      expect(text).toContain("Carrier events");
      expect(text).toContain("Parcel beamed to the local depot");
      expect(text).toContain("Parcel beamed to the destination hub");
      // the other store's odd code is theirs alone
      expect(await page.content()).not.toContain("wormholed");
      // the default map is there, per source
      const events = page.getByRole("list", { name: "Carrier events: codes and what they read as" });
      expect(await events.locator(":scope > li").count()).toBeGreaterThan(10);
      expect(await events.locator(":scope > li", { hasText: "carrier_picked_up" }).textContent()).toContain("Picked up by the carrier");
      await screenshot(page, "status-mapping");

      const unknownCase = (await repositories().cases.list(PREVIEW_SHOP, { status: "open", type: "unknown_status" })).cases;
      expect(unknownCase.map((c) => c.trackingNumber)).toEqual([odd.trackingNumber]);

      await page.getByLabel("Map teleported to").selectOption("in_transit");
      await page.getByRole("button", { name: "Map teleported" }).click();
      await page.getByText("“teleported” now reads as On its way.").waitFor();
      await page.getByText("Re-normalized 2 past events (2 changed); 1 shipment updated.").waitFor();

      // the past events, the shipment and its case all follow
      const shipment = await shipmentOf(odd);
      expect(shipment.status).toBe("in_transit");
      const detail = await repositories().admin.shipmentDetail(PREVIEW_SHOP, shipment.id);
      expect(detail!.events.filter((e) => e.rawStatus?.toLowerCase() === "teleported").map((e) => e.status)).toEqual(["in_transit", "in_transit"]);
      expect((await repositories().cases.get(PREVIEW_SHOP, unknownCase[0]!.id))?.status).toBe("resolved");
      // mapped codes leave the unmapped list and show as an override in the map
      await eventually(async () => expect(await unmapped.count()).toBe(0));
      await page.getByText("Every code your carriers have sent is mapped.").waitFor();
      expect(await events.locator(":scope > li", { hasText: "teleported" }).textContent()).toContain("Your override");

      // a new event with the code is read with the mapping as it arrives
      await sendCarrierEvent(app, clock, PREVIEW_SHOP, odd, { id: 9_399_003, status: "TELEPORTED", message: "Parcel beamed again", at: Date.now() - 60_000 });
      clock.resume();
      const again = await repositories().admin.shipmentDetail(PREVIEW_SHOP, shipment.id);
      expect(again!.events[0]).toMatchObject({ rawStatus: "TELEPORTED", status: "in_transit" });
      // and it is not counted as unmapped any more
      const overview = await services().statusMapping.overview(PREVIEW_SHOP);
      expect(overview.unmapped).toEqual([]);

      // SHOP_B's shipment with its own odd code is untouched
      expect((await shipmentOf(theirs, SHOP_B)).status).toBe("unknown");
    });

    it("overrides a default code inline and goes back to the default", async () => {
      await open("/app/status-mapping");
      const select = page.getByLabel("Carrier events: confirmed reads as");
      expect(await select.inputValue()).toBe("label_created");
      await select.selectOption("picked_up");
      await page.getByText("“confirmed” now reads as Picked up by the carrier.").waitFor();
      expect((await services().statusMapping.overview(PREVIEW_SHOP)).sources[0]!.rows.find((r) => r.code === "confirmed")!.override).toMatchObject({ status: "picked_up" });
      await page.getByLabel("Carrier events: confirmed reads as").selectOption("label_created");
      await page.getByText("“confirmed” is back to the default reading.").waitFor();
      expect((await services().statusMapping.overview(PREVIEW_SHOP)).sources[0]!.rows.find((r) => r.code === "confirmed")!.override).toBeNull();
    });

    it("classifies a status and keeps the choice", async () => {
      await open("/app/status-mapping");
      // one save per page: the classification is saved through the save bar, and Discard puts it back
      expect(await page.getByRole("button", { name: "Save classification" }).count()).toBe(0);
      await page.getByLabel(`On its way is`).selectOption("customer_facing");
      await saveBar().getByRole("button", { name: "Discard" }).click();
      expect(await page.getByLabel("On its way is").inputValue()).toBe("informational");
      await page.getByLabel(`On its way is`).selectOption("customer_facing");
      await saveThroughBar();
      await toast("Classification saved").waitFor();
      await saveBar().waitFor({ state: "hidden" });
      const settings = await repositories().settings.get(PREVIEW_SHOP);
      expect(settings?.statusClasses).toEqual({ in_transit: "customer_facing" });
      await open("/app/status-mapping");
      expect(await page.getByLabel("On its way is").inputValue()).toBe("customer_facing");
    });
  });

  describe("Settings", () => {
    it("offers only real time zones, refuses a policy without a match field by field, saving nothing, and Discard restores the form", async () => {
      const before = await repositories().settings.get(PREVIEW_SHOP);
      await open("/app/settings");
      const zone = page.getByRole("combobox", { name: "Time zone" });
      const shown = await zone.inputValue();
      expect(shown).toMatch(/^\(GMT[+-]\d\d:\d\d\) /);
      await zone.fill("Olympus Mons");
      await page.getByText("No time zone matches “Olympus Mons”").waitFor();
      await zone.press("Tab");
      expect(await zone.inputValue()).toBe(shown);
      expect(await saveBar().isVisible()).toBe(false);

      const policies = page.getByLabel("Shipping method contains");
      const count = await policies.count();
      await page.getByRole("button", { name: "Add policy" }).click();
      await saveBar().waitFor();
      // the save bar is the page's one Save
      expect(await page.getByRole("button", { name: "Save", exact: true }).count()).toBe(1);
      await saveThroughBar();
      await page.getByText("Settings were not saved").waitFor();
      await page.getByText("Enter part of a shipping method's name, or * for every order").waitFor();
      expect(await policies.last().getAttribute("aria-invalid")).toBe("true");
      expect(await repositories().settings.get(PREVIEW_SHOP)).toEqual(before);

      await discardThroughBar();
      await saveBar().waitFor({ state: "hidden" });
      expect(await policies.count()).toBe(count);
      expect(await page.getByText("Settings were not saved").count()).toBe(0);
      expect(await repositories().settings.get(PREVIEW_SHOP)).toEqual(before);
    });

    it("saves a time zone picked by city, a holiday picked on the calendar, a carrier's working days and a promise policy", async () => {
      await open("/app/settings");
      await page.getByRole("combobox", { name: "Time zone" }).fill("Berlin");
      await page.getByRole("option", { name: /\) Berlin$/ }).click();
      expect(await page.getByRole("combobox", { name: "Time zone" }).inputValue()).toMatch(/^\(GMT\+0[12]:00\) Berlin$/);
      await saveBar().waitFor();

      await page.getByRole("button", { name: "Add holiday" }).click();
      await page.getByRole("button", { name: /^Show next month, / }).waitFor();
      await screenshot(page, "settings-holiday-picker");
      await pickDay(2026, 11, 25);
      await page.getByRole("list", { name: "Holidays" }).getByText("Fri, Dec 25, 2026").waitFor();
      await page.getByLabel("DHL works on Sat").check({ force: true });
      await page.getByRole("button", { name: "Add policy" }).click();
      const matches = page.getByLabel("Shipping method contains");
      await matches.last().fill("overnight");
      await page.getByLabel("Business days").last().fill("1");
      await page.getByLabel("Cut-off hour").last().fill("12");
      // first match wins: the new policy goes before the catch-all
      await page.getByRole("button", { name: `Move policy ${await matches.count()} up` }).click();
      await page.getByLabel("Resolve cases by themselves when the parcel moves again").uncheck({ force: true });
      await screenshot(page, "settings-unsaved");
      await saveThroughBar();
      await toast("Settings saved").waitFor();
      await saveBar().waitFor({ state: "hidden" });
      const saved = await repositories().settings.get(PREVIEW_SHOP);
      expect(saved).toMatchObject({
        timezone: "Europe/Berlin",
        holidays: ["2026-12-25"],
        carrierWorkdays: { dhl: [1, 2, 3, 4, 5, 6] },
        promisePolicies: [
          { match: "express", businessDays: 2, cutoffHour: 14 },
          { match: "overnight", businessDays: 1, cutoffHour: 12 },
          { match: "*", businessDays: 5, cutoffHour: 14 },
        ],
        autoResolve: false,
        // what another page saved stays
        statusClasses: { in_transit: "customer_facing" },
      });
      // evaluation reads the new settings at once
      expect((await services().profile.get(PREVIEW_SHOP)).settings.timezone).toBe("Europe/Berlin");
      await open("/app/settings");
      expect(await page.getByRole("combobox", { name: "Time zone" }).inputValue()).toMatch(/\) Berlin$/);
      await page.getByText("Fri, Dec 25, 2026").waitFor();
      expect(await saveBar().isVisible()).toBe(false);
      await screenshot(page, "settings");
    });

    it("creates an API key shown once, lists it by its last four characters, and revokes it", async () => {
      await open("/app/settings");
      await page.getByLabel("Key name").fill("Gorgias");
      await page.getByRole("button", { name: "Create key" }).click();
      const field = page.getByLabel("New API key");
      await field.waitFor();
      const key = await field.inputValue();
      expect(key).toMatch(/^swk_[A-Za-z0-9_-]{20,}$/);
      const keys = page.getByRole("list", { name: "API keys" });
      await eventually(async () => expect(await keys.textContent()).toContain(`•••• ${key.slice(-4)}`));
      expect(await keys.textContent()).toContain("Never used");
      await screenshot(page, "settings-api-key");

      // the key works for this store's Support API, and only this store's
      const ours = await fetch(`${app.url}/api/v1/shipments?tracking=${seeded[0]!.trackingNumber}`, { headers: { authorization: `Bearer ${key}` } });
      expect(ours.status).toBe(200);
      const theirsByKey = await fetch(`${app.url}/api/v1/shipments?tracking=${theirs.trackingNumber}`, { headers: { authorization: `Bearer ${key}` } });
      expect(theirsByKey.status).toBe(404);

      // never again in full
      await open("/app/settings");
      expect(await page.content()).not.toContain(key);
      expect(await keys.textContent()).toContain(`•••• ${key.slice(-4)}`);
      expect(await keys.textContent()).toContain("Last used");

      await page.getByRole("button", { name: "Revoke Gorgias" }).click();
      await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
      await page.getByText("No API keys yet.").waitFor();
      expect(await services().supportApi.listKeys(PREVIEW_SHOP)).toEqual([]);
      const revoked = await fetch(`${app.url}/api/v1/shipments?tracking=${seeded[0]!.trackingNumber}`, { headers: { authorization: `Bearer ${key}` } });
      expect(revoked.status).toBe(401);
    });
  });
});
