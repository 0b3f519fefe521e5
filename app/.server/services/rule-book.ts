import { validateRule, type Rule } from "~/domain/rules";
import type { AdminReadModel, RuleRepository } from "../ports";
import type { Clock } from "~/domain/clock";
import type { ExceptionDesk } from "./exception-desk";
import type { ShopProfile } from "./shop-profile";

export type RuleBook = ReturnType<typeof createRuleBook>;

export type RuleSaveOutcome = { ok: true; rule: Rule } | { ok: false; fieldErrors: Record<string, string> } | { ok: false; notFound: true };

/**
 * The merchant's escalation rules as the Rules pages use them: every write is validated first (an invalid rule
 * saves nothing and says which field is wrong), and every change reaches the next evaluation at once.
 */
export function createRuleBook(deps: {
  rules: RuleRepository;
  profile: Pick<ShopProfile, "get" | "forget">;
  desk: Pick<ExceptionDesk, "preview">;
  admin: Pick<AdminReadModel, "listShipments">;
  clock: Clock;
}) {
  const { rules, profile, desk, clock } = deps;

  /** the shop's rules in evaluation order; a new shop gets the default rules first */
  async function list(shop: string): Promise<Rule[]> {
    return (await profile.get(shop, true)).rules;
  }

  return {
    list,
    async get(shop: string, id: number): Promise<Rule | null> {
      await profile.get(shop);
      return rules.get(shop, id);
    },

    /** Creates (id null) or replaces a rule. Position, and whether it shipped with the app, stay as they were. */
    async save(shop: string, id: number | null, input: unknown): Promise<RuleSaveOutcome> {
      const checked = validateRule(input);
      if (!checked.ok) return { ok: false, fieldErrors: checked.fieldErrors };
      await profile.get(shop);
      let saved: Rule | null;
      if (id === null) {
        saved = await rules.create(shop, checked.rule, clock.now());
      } else {
        if (!(await rules.update(shop, id, checked.rule, clock.now()))) return { ok: false, notFound: true };
        saved = await rules.get(shop, id);
      }
      profile.forget(shop);
      return saved ? { ok: true, rule: saved } : { ok: false, notFound: true };
    },

    async setEnabled(shop: string, id: number, enabled: boolean): Promise<boolean> {
      const ok = await rules.setEnabled(shop, id, enabled, clock.now());
      profile.forget(shop);
      return ok;
    },

    /** Moves a rule one place earlier or later in the evaluation order. */
    async move(shop: string, id: number, direction: "up" | "down"): Promise<boolean> {
      const ids = (await list(shop)).map((r) => r.id);
      const from = ids.indexOf(id);
      if (from < 0) return false;
      const to = direction === "up" ? from - 1 : from + 1;
      if (to < 0 || to >= ids.length) return true;
      [ids[from], ids[to]] = [ids[to]!, ids[from]!];
      await rules.reorder(shop, ids, clock.now());
      profile.forget(shop);
      return true;
    },

    async remove(shop: string, id: number): Promise<boolean> {
      const ok = await rules.remove(shop, id);
      profile.forget(shop);
      return ok;
    },

    /**
     * What an unsaved rule would do to one shipment now ("Try it on a shipment"): found by order name or
     * tracking number, evaluated with the candidate alone, nothing opened or recorded.
     */
    async tryOn(shop: string, input: unknown, lookup: string) {
      const checked = validateRule({ ...(typeof input === "object" && input ? input : {}), enabled: true });
      if (!checked.ok) return { outcome: "invalid" as const, fieldErrors: checked.fieldErrors };
      const query = lookup.trim();
      if (query === "") return { outcome: "not_found" as const, lookup: query };
      const found = await deps.admin.listShipments(shop, { search: query, pageSize: 1 });
      const shipment = found.shipments[0];
      if (!shipment) return { outcome: "not_found" as const, lookup: query };
      const candidate: Rule = { ...checked.rule, id: 0, position: 0, builtIn: null };
      const preview = await desk.preview(shop, shipment.id, candidate);
      if (!preview) return { outcome: "not_found" as const, lookup: query };
      const decision = preview.decisions[0] ?? null;
      return {
        outcome: "evaluated" as const,
        shipment: { id: shipment.id, orderName: shipment.orderName, trackingNumber: shipment.trackingNumber, carrierName: shipment.carrierName, status: shipment.status },
        // a cancelled order's parcels are not evaluated at all
        fired: decision?.fired ?? false,
        evaluated: decision !== null,
        checks: decision?.checks ?? [],
      };
    },
  };
}
