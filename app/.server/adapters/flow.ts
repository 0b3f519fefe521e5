import { sql } from "kysely";
import type { Clock } from "~/domain/clock";
import { FLOW_PAYLOAD_LIMIT_BYTES, FLOW_TRIGGERS, ROLLED_UP_FLOW_DELIVERED, type FlowMarks, type FlowSendOutcome, type FlowTrigger, type FlowTriggers, type FlowTriggerUses } from "../ports/flow";
import { callProvider, excerpt, failureFromResponse, isRecord, isSuccess, maskSecrets, parseJson, parseRetryAfter } from "./channels/http";
import type { Database } from "./db/database";

const MUTATION = `mutation ShipwatchFlowTrigger($handle: String, $payload: JSON) {
  flowTriggerReceive(handle: $handle, payload: $payload) { userErrors { field message } }
}`;

/**
 * What Shopify says when the shop has no enabled workflow starting with the trigger. Flow documents no error for
 * that (it accepts the trigger and runs nothing), but a shop whose Flow is off or never had the extension may
 * answer a user error in these words: it is not a failure of ours, and sending again cannot change it.
 */
const UNUSED = /no (enabled |active )?workflows?|not (being )?used|isn'?t used|not enabled|no subscri/i;

/** A throttled call waits this long when Shopify gives no Retry-After. */
const THROTTLE_DELAY_MS = 2_000;

/**
 * flowTriggerReceive through the Admin GraphQL API, as the Shopify channel calls it (channels/shopify.ts): the
 * base is each shop's https://<shop> unless `shopifyAdminApiBase` points elsewhere (a stand-in). 429, 5xx and
 * THROTTLED are retryable; a user error about the payload is not.
 */
export function createFlowTriggerClient(options: { shopifyAdminApiBase?: string | null; apiVersion: string; timeoutMs: number; clock: Clock }): FlowTriggers {
  const base = options.shopifyAdminApiBase?.replace(/\/$/, "") || null;
  return {
    async send(shop, accessToken, trigger, payload): Promise<FlowSendOutcome> {
      if (!base && !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(shop)) return { ok: false, retryable: false, retryAfterMs: null, error: `"${shop}" is not a myshopify.com domain` };
      const size = Buffer.byteLength(JSON.stringify(payload));
      if (size > FLOW_PAYLOAD_LIMIT_BYTES) return { ok: false, retryable: false, retryAfterMs: null, error: `the ${trigger} payload is ${size} bytes, above Flow's ${FLOW_PAYLOAD_LIMIT_BYTES}` };
      const request = {
        provider: "Shopify Flow",
        url: `${base ?? `https://${shop}`}/admin/api/${encodeURIComponent(options.apiVersion)}/graphql.json`,
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": accessToken },
        body: JSON.stringify({ query: MUTATION, variables: { handle: trigger, payload } }),
        timeoutMs: options.timeoutMs,
        secrets: [accessToken],
      };
      const result = await callProvider(request);
      if ("failure" in result) return { ok: false, retryable: true, retryAfterMs: null, error: result.failure.error };
      const { response } = result;
      const now = options.clock.now();
      if (!isSuccess(response.status)) {
        const failure = failureFromResponse(request, response, now);
        return { ok: false, retryable: failure.retryable, retryAfterMs: failure.retryAfterMs, error: failure.error };
      }
      const body = parseJson(response.body);
      const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors.filter(isRecord) : [];
      if (errors.length) {
        const codes = errors.map((e) => (isRecord(e.extensions) && typeof e.extensions.code === "string" ? e.extensions.code : ""));
        const throttled = codes.includes("THROTTLED");
        const retryable = throttled || codes.every((c) => ["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"].includes(c));
        const text = errors.map((e) => (typeof e.message === "string" ? e.message : "error")).join("; ");
        const retryAfterMs = throttled ? (parseRetryAfter(response.headers.get("retry-after"), now) ?? THROTTLE_DELAY_MS) : null;
        return { ok: false, retryable, retryAfterMs, error: `Shopify Flow: ${excerpt(maskSecrets(text, [accessToken]))}` };
      }
      const answer = isRecord(body) && isRecord(body.data) && isRecord(body.data.flowTriggerReceive) ? body.data.flowTriggerReceive : null;
      if (!answer) return { ok: false, retryable: true, retryAfterMs: null, error: `Shopify Flow ${response.status}: the answer had no flowTriggerReceive` };
      const userErrors = Array.isArray(answer.userErrors) ? answer.userErrors.filter(isRecord).map((u) => (typeof u.message === "string" ? u.message : "invalid")) : [];
      if (!userErrors.length) return { ok: true, unused: false };
      if (userErrors.every((m) => UNUSED.test(m))) return { ok: true, unused: true };
      return { ok: false, retryable: false, retryAfterMs: null, error: `Shopify Flow: ${excerpt(maskSecrets(userErrors.join("; "), [accessToken]), 500)}` };
    },
  };
}

const markKind = (trigger: string) => `flow:${trigger}`;

/** The marks on the app database: an activity row per (case, trigger), a bit of Shipment.rolledUp per delivery. */
export function createFlowMarks({ db }: Database): FlowMarks {
  return {
    async claimCase(shop, caseId, trigger, at, detail) {
      // one statement: SQLite runs it alone, so two claims cannot both see "not there"
      const inserted = await db
        .insertInto("CaseActivity")
        .columns(["shop", "caseId", "at", "actor", "kind", "detail"])
        .expression(
          db
            // typed casts: PostgreSQL would read bare parameters in a SELECT as text
            .selectNoFrom([
              sql<string>`${shop}`.as("shop"),
              sql<number>`cast(${caseId} as integer)`.as("caseId"),
              sql<number>`cast(${at} as bigint)`.as("at"),
              sql<string>`${"shopify_flow"}`.as("actor"),
              sql<string>`${markKind(trigger)}`.as("kind"),
              sql<string>`${detail}`.as("detail"),
            ])
            .where(({ not, exists }) => not(exists(db.selectFrom("CaseActivity").select("id").where("shop", "=", shop).where("caseId", "=", caseId).where("kind", "=", markKind(trigger))))),
        )
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async releaseCase(shop, caseId, trigger) {
      await db.deleteFrom("CaseActivity").where("shop", "=", shop).where("caseId", "=", caseId).where("kind", "=", markKind(trigger)).execute();
    },
    async claimDelivered(shop, shipmentId) {
      const row = await db
        .updateTable("Shipment")
        .set({ rolledUp: sql<number>`"rolledUp" | ${ROLLED_UP_FLOW_DELIVERED}` })
        .where("shop", "=", shop)
        .where("id", "=", shipmentId)
        .where(sql<boolean>`("rolledUp" & ${ROLLED_UP_FLOW_DELIVERED}) = 0`)
        .returning("id")
        .executeTakeFirst();
      return !!row;
    },
    async releaseDelivered(shop, shipmentId) {
      await db
        .updateTable("Shipment")
        .set({ rolledUp: sql<number>`"rolledUp" & ${~ROLLED_UP_FLOW_DELIVERED}` })
        .where("shop", "=", shop)
        .where("id", "=", shipmentId)
        .execute();
    },
  };
}

const KNOWN_TRIGGERS = new Set<string>(Object.values(FLOW_TRIGGERS));

/** Flow's lifecycle callbacks, one row per (shop, trigger); the newest callback wins whatever order they come in. */
export function createFlowTriggerUses({ db }: Database): FlowTriggerUses {
  return {
    async record(shop, trigger, enabled, changedAt, now) {
      const result = await db
        .insertInto("FlowTriggerUse")
        .values({ shop, trigger, enabled: enabled ? 1 : 0, changedAt, updatedAt: now })
        .onConflict((oc) =>
          oc
            .columns(["shop", "trigger"])
            .doUpdateSet({ enabled: enabled ? 1 : 0, changedAt, updatedAt: now })
            .where(sql<boolean>`"FlowTriggerUse"."changedAt" < ${changedAt}`),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async enabled(shop) {
      const rows = await db.selectFrom("FlowTriggerUse").select("trigger").where("shop", "=", shop).where("enabled", "=", 1).execute();
      return new Set(rows.map((r) => r.trigger).filter((t): t is FlowTrigger => KNOWN_TRIGGERS.has(t)));
    },
  };
}
