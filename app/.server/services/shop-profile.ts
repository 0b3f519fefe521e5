import { DEFAULT_CARRIER_WORKDAYS, type PromisePolicy } from "~/domain/business-time";
import type { CarrierCode } from "~/domain/carriers";
import type { Clock } from "~/domain/clock";
import { DEFAULT_HANDLING_TIME, type HandlingTime } from "~/domain/fulfillment-delay";
import { DEFAULT_RULES, type Rule } from "~/domain/rules";
import type { RuleRepository, SettingsRepository, ShopSettingsRecord } from "../ports";

export const DEFAULT_SETTINGS: ShopSettingsRecord = {
  timezone: "America/New_York",
  holidays: [],
  carrierWorkdays: {},
  promisePolicies: [
    { match: "express", businessDays: 2, cutoffHour: 14 },
    { match: "*", businessDays: 5, cutoffHour: 14 },
  ],
  autoResolve: true,
  statusClasses: {},
  handlingTime: DEFAULT_HANDLING_TIME,
};

export interface ShopSetup {
  at: number;
  rules: Rule[];
  settings: ShopSettingsRecord;
}

/** What the merchant edits on the Settings page (validated by the route). */
export interface SettingsEdit {
  timezone: string;
  holidays: readonly string[];
  carrierWorkdays: Partial<Record<CarrierCode, readonly number[]>>;
  promisePolicies: PromisePolicy[];
  autoResolve: boolean;
  /** absent: kept as it is */
  handlingTime?: HandlingTime;
}

export type ShopProfile = ReturnType<typeof createShopProfile>;

/**
 * A shop's settings and rules, read once a few seconds per process and shared by everything that needs
 * them: the exception desk, notifications (the shop's time zone), lookups, the rule book and status
 * mapping. The first read installs the defaults, so a new shop gets value on day one. Whoever changes
 * settings or rules through it drops this process's copy at once.
 */
export function createShopProfile(deps: { settings: SettingsRepository; rules: RuleRepository; clock: Clock; cacheMs?: number }) {
  const { settings, rules, clock } = deps;
  const cacheMs = deps.cacheMs ?? 5_000;
  const cache = new Map<string, ShopSetup>();
  // a first read in flight per shop: reads that come meanwhile wait for it instead of installing again
  const installing = new Map<string, Promise<void>>();

  /** Installs a new shop's defaults once: only the caller (of any process) whose settings row went in adds the rules. */
  async function install(shop: string): Promise<void> {
    if (await settings.createIfAbsent(shop, DEFAULT_SETTINGS, clock.now())) {
      for (const rule of DEFAULT_RULES) await rules.create(shop, rule, clock.now());
    }
  }

  async function get(shop: string, fresh = false): Promise<ShopSetup> {
    const cached = cache.get(shop);
    if (!fresh && cached && clock.now() - cached.at < cacheMs) return cached;
    await installing.get(shop);
    let stored = await settings.get(shop);
    if (!stored) {
      let first = installing.get(shop);
      if (!first) {
        first = install(shop).finally(() => installing.delete(shop));
        installing.set(shop, first);
      }
      await first;
      stored = (await settings.get(shop)) ?? DEFAULT_SETTINGS;
    }
    const entry = { at: clock.now(), rules: await rules.list(shop), settings: stored };
    // another process may be adding the defaults this moment: a shop without rules is read again next time
    if (entry.rules.length) cache.set(shop, entry);
    return entry;
  }

  return {
    get,
    async timezone(shop: string): Promise<string> {
      return (await get(shop)).settings.timezone;
    },
    /** Saves the Settings page. Only the scanning days that differ from a carrier's default are kept, so the defaults can improve later. */
    async saveSettings(shop: string, edit: SettingsEdit): Promise<ShopSettingsRecord> {
      const { settings: current } = await get(shop, true);
      const carrierWorkdays = Object.fromEntries(
        Object.entries(edit.carrierWorkdays)
          .map(([code, days]) => [code, [...new Set(days ?? [])].sort()] as const)
          .filter(([code, days]) => days.join() !== [...(DEFAULT_CARRIER_WORKDAYS[code as CarrierCode] ?? [])].join()),
      );
      const next: ShopSettingsRecord = {
        ...current,
        timezone: edit.timezone,
        holidays: [...new Set(edit.holidays)].sort(),
        carrierWorkdays,
        promisePolicies: edit.promisePolicies,
        autoResolve: edit.autoResolve,
        handlingTime: edit.handlingTime ?? current.handlingTime,
      };
      await settings.save(shop, next, clock.now());
      // the next evaluation reads them, not this process's copy
      cache.delete(shop);
      return next;
    },
    /** Saves settings another service owns a part of (status mapping's classes), then drops the copy. */
    async replaceSettings(shop: string, next: ShopSettingsRecord): Promise<void> {
      await settings.save(shop, next, clock.now());
      cache.delete(shop);
    },
    forget(shop: string): void {
      cache.delete(shop);
    },
  };
}
