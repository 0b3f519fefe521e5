import type { Clock } from "~/domain/clock";
import { normalizeShopifyStatus, reasonFromMessage, SHOPIFY_STATUS_TABLE, type NormalizedStatus, type RawCarrierStatus, type StatusSource } from "~/domain/normalize";
import { AFTERSHIP_TABLE, normalizeAfterShip } from "~/domain/aftership";
import { EASYPOST_STATUS_TABLE, normalizeEasyPost } from "~/domain/easypost";
import { CARRIER_API_STATUS_SOURCES, carrierApiReader } from "~/domain/carrier-api-codes";
import { normalizeShipEngine, SHIPENGINE_STATUS_TABLE } from "~/domain/shipengine";
import { isShipmentStatus, isStatusReason, SHIPMENT_STATUSES, type ShipmentStatus, type StatusReason } from "~/domain/status";
import { DEFAULT_STATUS_CLASSES, isStatusClass, statusClassOf, type StatusClass } from "~/domain/status-classes";
import type { ShopSettingsRecord, StatusMappingRepository } from "../ports";
import type { ShopProfile } from "./shop-profile";

export type StatusMapping = ReturnType<typeof createStatusMapping>;

/** Where raw codes come from, in the merchant's words. */
export const STATUS_SOURCES: readonly { source: StatusSource; label: string; about: string }[] = [
  {
    source: "shopify_fulfillment_event",
    label: "Carrier events",
    about: "The status of each tracking event the carrier reports through Shopify (FulfillmentEvent status).",
  },
  {
    source: "shopify_shipment_status",
    label: "Shopify shipment status",
    about: "The overall status Shopify keeps on the fulfillment (shipment_status).",
  },
  {
    source: "easypost",
    label: "EasyPost",
    about: "Scans from your EasyPost tracking feed: EasyPost's status, then its status detail (status/status_detail).",
  },
  {
    source: "aftership",
    label: "AfterShip",
    about: "Checkpoints from your AfterShip tracking feed: AfterShip's sub-status (such as exception_011), or its status when there is none.",
  },
  {
    source: "shipengine",
    label: "ShipEngine",
    about: "Events from your ShipEngine tracking feed: ShipEngine's status code, then its status detail (such as ex/parcel_lost).",
  },
  ...CARRIER_API_STATUS_SOURCES,
];

/** Each source's default table, as the page lists it (EasyPost's coarse statuses; its details refine them). */
const AFTERSHIP_STATUS_TABLE: ReadonlyMap<string, ShipmentStatus> = new Map([...AFTERSHIP_TABLE].map(([code, r]) => [code, r.status]));
const defaultTableOf = (source: StatusSource): ReadonlyMap<string, ShipmentStatus> =>
  carrierApiReader(source)?.table ??
  (source === "easypost" ? EASYPOST_STATUS_TABLE : source === "aftership" ? AFTERSHIP_STATUS_TABLE : source === "shipengine" ? SHIPENGINE_STATUS_TABLE : SHOPIFY_STATUS_TABLE);
const isSource = (value: string): value is StatusSource => STATUS_SOURCES.some((s) => s.source === value);


/** A shop's overrides, keyed by source and raw code. */
export type StatusOverrides = ReadonlyMap<string, { status: ShipmentStatus; reason: StatusReason | null }>;
const overrideKey = (source: string, code: string) => `${source}|${code}`;
export const normalizeCode = (code: string) => code.trim().toLowerCase();

/** For each status, a default code that means it: an override borrows that code's reading of the message. */
const CODE_FOR_STATUS = new Map<ShipmentStatus, string>();
for (const [code, status] of SHOPIFY_STATUS_TABLE) if (!CODE_FOR_STATUS.has(status)) CODE_FOR_STATUS.set(status, code);

/**
 * normalizeShopifyStatus, with the merchant's overrides winning over the default table. An overridden code is
 * read exactly like a default code of the same status: the carrier's message still gives the reason (weather,
 * address) and can still say "returned to sender". A reason the merchant chose wins over the message's.
 */
export function normalizeWithOverrides(input: RawCarrierStatus, overrides?: StatusOverrides): NormalizedStatus {
  // each source reads its codes with its own table; the carrier's message is read the same way for all
  const base =
    carrierApiReader(input.source)?.normalize(input) ??
    (input.source === "easypost"
      ? normalizeEasyPost(input)
      : input.source === "aftership"
        ? normalizeAfterShip(input)
        : input.source === "shipengine"
          ? normalizeShipEngine(input)
          : normalizeShopifyStatus(input));
  if (!overrides || overrides.size === 0 || base.code === null) return base;
  const override = overrides.get(overrideKey(input.source, base.code));
  if (!override) return base;
  const borrowed = CODE_FOR_STATUS.get(override.status);
  const read = borrowed
    ? normalizeShopifyStatus({ source: input.source, code: borrowed, message: input.message })
    : { status: override.status, reason: reasonFromMessage(input.message).reason };
  return { status: read.status, reason: override.reason ?? read.reason, code: base.code, mapped: true };
}

/**
 * The overrides each shop's incoming events are read with. A worker keeps them for a few seconds (ingest reads
 * them for every event); the process that saves a mapping forgets its copy at once and re-normalizes what was
 * stored, so only an event arriving at another process in those seconds can be read the old way.
 */
export function createStatusOverrides(repo: StatusMappingRepository, clock: Clock, cacheMs = 5_000) {
  const cache = new Map<string, { at: number; overrides: StatusOverrides }>();
  return {
    async forShop(shop: string): Promise<StatusOverrides> {
      const cached = cache.get(shop);
      if (cached && clock.now() - cached.at < cacheMs) return cached.overrides;
      const rows = await repo.listOverrides(shop);
      const overrides: StatusOverrides = new Map(rows.map((r) => [overrideKey(r.source, r.code), { status: r.status, reason: r.reason }]));
      if (cache.size >= 10_000) cache.delete(cache.keys().next().value!);
      cache.set(shop, { at: clock.now(), overrides });
      return overrides;
    },
    forget(shop: string) {
      cache.delete(shop);
    },
  };
}
export type StatusOverrideCache = ReturnType<typeof createStatusOverrides>;

export interface MappingChange {
  source: string;
  code: string;
  status: string;
  reason?: string | null;
}

export type MappingOutcome =
  | { ok: true; events: number; changedEvents: number; shipments: number }
  | { ok: false; fieldErrors: Record<string, string> };

/**
 * The Status mapping page's use cases: the default map, the merchant's overrides, the classification of each
 * state, the raw codes nobody has mapped yet, and re-reading stored events after a change so that past
 * shipments tell the same story as new ones.
 */
export function createStatusMapping(deps: {
  mappings: StatusMappingRepository;
  overrides: StatusOverrideCache;
  /** the shop's settings (created with the defaults on first use), and where changes to them are saved */
  profile: Pick<ShopProfile, "get" | "replaceSettings">;
  /** recomputes a fulfillment's shipments from their events; returns the ids of shipments that changed */
  recompute: (shop: string, fulfillmentId: string) => Promise<number[]>;
  /** runs the shop's rules over shipments that changed */
  evaluate: (shop: string, ids: readonly number[]) => Promise<void>;
  clock: Clock;
}) {
  const { mappings, overrides, clock } = deps;

  /** Re-reads the stored events of these codes with the current map, then recomputes and re-evaluates what moved. */
  async function renormalize(shop: string, codes: readonly { source: string; code: string }[]) {
    overrides.forget(shop);
    const current = await overrides.forShop(shop);
    const fulfillments = new Set<string>();
    let events = 0;
    let changedEvents = 0;
    for (const { source } of STATUS_SOURCES) {
      const wanted = [...new Set(codes.filter((c) => c.source === source).map((c) => c.code))];
      if (wanted.length === 0) continue;
      if (source === "shopify_shipment_status") {
        // not stored as events: the fulfillment's snapshot is read again when its shipments are recomputed
        for (const id of await mappings.fulfillmentsWithShipmentStatus(shop, wanted)) fulfillments.add(id);
        continue;
      }
      const stored = await mappings.eventsWithCodes(shop, source, wanted);
      events += stored.length;
      const changes = stored.flatMap((e) => {
        const read = normalizeWithOverrides({ source, code: e.rawStatus, message: e.rawMessage }, current);
        return read.status === e.status && read.reason === e.reason ? [] : [{ eventKey: e.eventKey, fulfillmentId: e.fulfillmentId, status: read.status, reason: read.reason }];
      });
      await mappings.setEventReadings(shop, changes);
      changedEvents += changes.length;
      for (const c of changes) fulfillments.add(c.fulfillmentId);
    }
    const shipments: number[] = [];
    for (const fulfillmentId of fulfillments) shipments.push(...(await deps.recompute(shop, fulfillmentId)));
    await deps.evaluate(shop, shipments);
    return { events, changedEvents, shipments: new Set(shipments).size };
  }

  function checkChange(change: MappingChange) {
    const fieldErrors: Record<string, string> = {};
    const code = normalizeCode(change.code);
    if (!isSource(change.source)) fieldErrors.source = "Choose where the code comes from";
    if (code === "") fieldErrors.code = "Enter the carrier's code";
    else if (code.length > 100) fieldErrors.code = "At most 100 characters";
    if (!isShipmentStatus(change.status)) fieldErrors.status = "Choose a status";
    if (change.reason && !isStatusReason(change.reason)) fieldErrors.reason = "Choose a reason";
    return { code, fieldErrors };
  }

  return {
    renormalize,

    /**
     * What the page shows: one source's codes (every source when `view.source` is absent) and one page of the unmapped
     * codes, each with its examples; the tabs count every source's overrides and the unmapped codes in all.
     */
    async overview(shop: string, view: { source?: string; unmapped?: { offset: number; limit: number } } = {}) {
      const [setup, overrideRows, unmappedRows] = await Promise.all([deps.profile.get(shop, true), mappings.listOverrides(shop), mappings.listUnmapped(shop)]);
      const overridden = new Set(overrideRows.map((o) => overrideKey(o.source, o.code)));
      const seen = new Map(unmappedRows.map((u) => [overrideKey(u.source, u.code), u]));
      // a source the page does not know (an old or edited link) shows the first one
      const shown = view.source === undefined ? STATUS_SOURCES : [STATUS_SOURCES.find((s) => s.source === view.source) ?? STATUS_SOURCES[0]!];
      const sources = shown.map(({ source, label, about }) => {
        const table = defaultTableOf(source);
        const defaults = [...table].map(([code, status]) => ({ code, defaultStatus: status as ShipmentStatus | null }));
        // codes the merchant mapped that the default table does not know
        const custom = overrideRows.filter((o) => o.source === source && !table.has(o.code)).map((o) => ({ code: o.code, defaultStatus: null }));
        const rows = [...defaults, ...custom].map((row) => {
          const override = overrideRows.find((o) => o.source === source && o.code === row.code) ?? null;
          return {
            ...row,
            override: override ? { status: override.status, reason: override.reason, updatedAt: override.updatedAt } : null,
            seenUnmapped: seen.get(overrideKey(source, row.code))?.count ?? 0,
          };
        });
        return { source, label, about, rows };
      });
      const tabs = STATUS_SOURCES.map(({ source, label }) => ({ source, label, overrides: overrideRows.filter((o) => o.source === source).length }));
      const stillUnmapped = unmappedRows.filter((u) => !overridden.has(overrideKey(u.source, u.code)));
      const page = view.unmapped ? stillUnmapped.slice(view.unmapped.offset, view.unmapped.offset + view.unmapped.limit) : stillUnmapped;
      const unmapped = [];
      // examples are read for the codes on the page only: one query each
      for (const u of page) {
        const examples = await mappings.examplesOf(shop, u.source, u.code, 3);
        if (examples.length === 0 && u.exampleMessage) examples.push(u.exampleMessage);
        unmapped.push({ ...u, sourceLabel: STATUS_SOURCES.find((s) => s.source === u.source)?.label ?? u.source, examples });
      }
      const classes = Object.fromEntries(SHIPMENT_STATUSES.map((s) => [s, statusClassOf(s, setup.settings.statusClasses)])) as Record<ShipmentStatus, StatusClass>;
      return { sources, tabs, unmapped, unmappedTotal: stillUnmapped.length, classes };
    },

    /** Maps a raw code to a status (and optionally a reason), then re-reads the events that carry it. */
    async mapCode(shop: string, change: MappingChange): Promise<MappingOutcome> {
      const { code, fieldErrors } = checkChange(change);
      if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };
      await mappings.saveOverride(shop, { source: change.source, code, status: change.status as ShipmentStatus, reason: (change.reason || null) as StatusReason | null }, clock.now());
      return { ok: true, ...(await renormalize(shop, [{ source: change.source, code }])) };
    },

    /** Back to the default reading (or to "unknown" for a code the table does not know). */
    async resetCode(shop: string, source: string, rawCode: string): Promise<MappingOutcome> {
      const code = normalizeCode(rawCode);
      if (!isSource(source) || code === "") return { ok: false, fieldErrors: { code: "Unknown code" } };
      await mappings.removeOverride(shop, source, code);
      return { ok: true, ...(await renormalize(shop, [{ source, code }])) };
    },

    /** Re-reads every stored event whose code the merchant mapped or that was unmapped when it arrived. */
    async renormalizeAll(shop: string) {
      const [overrideRows, unmappedRows] = await Promise.all([mappings.listOverrides(shop), mappings.listUnmapped(shop)]);
      return renormalize(shop, [...overrideRows, ...unmappedRows]);
    },

    /** Saves how each state is classified; states left at their default are not stored, so defaults can improve. */
    async classify(shop: string, classes: Partial<Record<string, string>>) {
      const fieldErrors: Record<string, string> = {};
      const chosen: ShopSettingsRecord["statusClasses"] = {};
      for (const [status, value] of Object.entries(classes)) {
        if (!isShipmentStatus(status)) continue;
        if (!isStatusClass(value)) {
          fieldErrors[status] = "Choose informational, customer-facing or exception";
          continue;
        }
        if (value !== DEFAULT_STATUS_CLASSES[status]) chosen[status] = value;
      }
      if (Object.keys(fieldErrors).length) return { ok: false as const, fieldErrors };
      const { settings } = await deps.profile.get(shop, true);
      await deps.profile.replaceSettings(shop, { ...settings, statusClasses: chosen });
      return { ok: true as const };
    },
  };
}
