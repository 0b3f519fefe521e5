import type { Clock } from "~/domain/clock";
import type { OutgoingMessage } from "../../ports";
import { permanent, readCredentials, type ChannelSender } from "./credentials";
import { callProvider, excerpt, failureFromResponse, isRecord, isSuccess, maskSecrets, parseJson, parseRetryAfter, type ProviderResponse } from "./http";

export interface ShopifyChannelOptions {
  /** the Admin API origin; by default each shop's own https://<shop> */
  shopifyAdminApiBase?: string | null;
  /** SHOPIFY_API_VERSION, e.g. "2026-07" */
  apiVersion: string;
  timeoutMs: number;
  clock: Clock;
}

/** What a mutation costs until Shopify has told us the document's requestedQueryCost. */
const COST_PER_MUTATION = 10;
/** the longest pause we suggest for a throttled shop when Shopify gave no restore rate */
const FALLBACK_THROTTLE_DELAY_MS = 1_000;

interface Bucket {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
  /** when currentlyAvailable was true (clock ms) */
  at: number;
}

interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** The shop's bucket as we estimate it now: what Shopify said last, plus what has leaked back since. */
function estimate(bucket: Bucket, now: number): number {
  const restored = (bucket.restoreRate * Math.max(0, now - bucket.at)) / 1000;
  return Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + restored);
}

function delayFor(deficit: number, restoreRate: number): number {
  if (!(restoreRate > 0)) return FALLBACK_THROTTLE_DELAY_MS;
  return Math.max(50, Math.ceil((Math.max(0, deficit) / restoreRate) * 1000));
}

/** single_line_text_field unless the value is a JSON object or array. */
function metafieldType(value: string): "json" | "single_line_text_field" {
  const trimmed = value.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return "single_line_text_field";
  return parseJson(trimmed) === null ? "single_line_text_field" : "json";
}

interface WriteBack {
  query: string;
  variables: Record<string, unknown>;
  /** alias → mutation name, to read userErrors back */
  aliases: Record<string, string>;
  /** a key for the document's shape, whose cost we learn */
  shape: string;
  mutations: number;
}

/**
 * One document with the mutations the message asks for: `tagsAdd` (tags on the order) and `metafieldsSet`
 * (the app-owned status metafield). The namespace is omitted, so Shopify uses the app-reserved one ($app).
 */
function buildWriteBack(write: NonNullable<OutgoingMessage["shopify"]>, settings: { tagExceptions: boolean; statusMetafield: boolean }): WriteBack | null {
  const tags = settings.tagExceptions ? [...new Set(write.tags.map((t) => t.trim()).filter(Boolean))] : [];
  const metafield = settings.statusMetafield ? write.metafield : null;
  const defs: string[] = [];
  const fields: string[] = [];
  const variables: Record<string, unknown> = {};
  const aliases: Record<string, string> = {};
  if (tags.length > 0) {
    defs.push("$id: ID!", "$tags: [String!]!");
    fields.push("  tags: tagsAdd(id: $id, tags: $tags) { userErrors { field message } }");
    variables.id = write.orderGid;
    variables.tags = tags;
    aliases.tags = "tagsAdd";
  }
  if (metafield) {
    defs.push("$metafields: [MetafieldsSetInput!]!");
    fields.push("  metafield: metafieldsSet(metafields: $metafields) { metafields { key } userErrors { field message code } }");
    variables.metafields = [{ ownerId: write.orderGid, key: metafield.key, type: metafieldType(metafield.value), value: metafield.value }];
    aliases.metafield = "metafieldsSet";
  }
  if (fields.length === 0) return null;
  return {
    query: `mutation ShipwatchWriteBack(${defs.join(", ")}) {\n${fields.join("\n")}\n}`,
    variables,
    aliases,
    shape: Object.keys(aliases).join("+"),
    mutations: fields.length,
  };
}

const STATUS_HINTS: Record<number, string> = {
  401: "the access token was rejected (was the app uninstalled?)",
  402: "the shop is frozen until its bill is paid",
  403: "the app lacks the access scope this needs (write_orders)",
  404: "the shop was not found",
  423: "the shop is locked",
};

/**
 * Shopify write-back through the Admin GraphQL API. Keeps a per-shop estimate of the cost-based leaky
 * bucket from each answer's throttleStatus; a call that would not fit is not made: it comes back retryable
 * with the time the bucket needs to refill. THROTTLED answers are retryable with the same computed delay.
 */
export function createShopifyChannel(options: ShopifyChannelOptions): ChannelSender {
  const base = options.shopifyAdminApiBase?.replace(/\/$/, "") || null;
  const buckets = new Map<string, Bucket>();
  const learnedCost = new Map<string, number>();

  const observe = (shop: string, status: ThrottleStatus | null, now: number) => {
    if (status) buckets.set(shop, { ...status, at: now });
  };

  return async (message, credentials) => {
    const creds = readCredentials("shopify", credentials);
    if (!creds.ok) return creds.failure;
    const token = credentials.accessToken;
    if (!token) return permanent("Shopify: the shop has no offline session (reinstall the app to grant access)");
    if (!message.shopify) return { ok: true, providerId: null };
    const write = buildWriteBack(message.shopify, creds.settings);
    if (!write) return { ok: true, providerId: null };
    if (!base && !/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(message.shop)) {
      return permanent(`Shopify: "${message.shop}" is not a myshopify.com domain`);
    }

    const shop = message.shop;
    const cost = learnedCost.get(write.shape) ?? COST_PER_MUTATION * write.mutations;
    const now = options.clock.now();
    const bucket = buckets.get(shop);
    if (bucket) {
      const available = estimate(bucket, now);
      if (available < cost) {
        const retryAfterMs = delayFor(cost - available, bucket.restoreRate);
        return {
          ok: false,
          retryable: true,
          retryAfterMs,
          throttled: true,
          status: null,
          error: `Shopify rate limit: about ${Math.floor(available)} of ${bucket.maximumAvailable} points left, the write-back costs ${cost}; waiting ${retryAfterMs} ms for the bucket to refill`,
        };
      }
      // reserve the cost, so a burst of sends backs off before Shopify has to throttle it
      buckets.set(shop, { ...bucket, currentlyAvailable: available - cost, at: now });
    }

    const request = {
      provider: "Shopify",
      url: `${base ?? `https://${shop}`}/admin/api/${encodeURIComponent(options.apiVersion)}/graphql.json`,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: write.query, variables: write.variables }),
      timeoutMs: options.timeoutMs,
      secrets: [token],
    };
    const result = await callProvider(request);
    if ("failure" in result) return result.failure;
    const { response } = result;
    const answeredAt = options.clock.now();
    const body = parseJson(response.body);
    const answerCost = readCost(body);
    observe(shop, answerCost.throttleStatus, answeredAt);
    if (answerCost.requestedQueryCost !== null) learnedCost.set(write.shape, answerCost.requestedQueryCost);

    const errors = isRecord(body) && Array.isArray(body.errors) ? body.errors.filter(isRecord) : [];
    if (errors.some((e) => errorCode(e) === "THROTTLED")) {
      const status = answerCost.throttleStatus;
      const needed = answerCost.requestedQueryCost ?? cost;
      const retryAfterMs = status
        ? delayFor(needed - status.currentlyAvailable, status.restoreRate)
        : (parseRetryAfter(response.headers.get("retry-after"), answeredAt) ?? FALLBACK_THROTTLE_DELAY_MS);
      return {
        ok: false,
        retryable: true,
        retryAfterMs,
        throttled: true,
        status: response.status,
        error: `Shopify throttled the write-back${status ? ` (${Math.floor(status.currentlyAvailable)} of ${status.maximumAvailable} points left, needs ${needed})` : ""}; retrying in ${retryAfterMs} ms`,
      };
    }
    if (!isSuccess(response.status)) return failureFromResponse(request, response, answeredAt, shopifyHttpError);
    if (errors.length > 0) {
      const retryable = errors.every((e) => ["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"].includes(errorCode(e) ?? ""));
      const text = errors.map((e) => `${typeof e.message === "string" ? e.message : "error"}${errorCode(e) ? ` (${errorCode(e)})` : ""}`).join("; ");
      return { ok: false, retryable, retryAfterMs: null, status: response.status, error: `Shopify: ${excerpt(maskSecrets(text, [token]))}` };
    }
    const data = isRecord(body) && isRecord(body.data) ? body.data : null;
    if (!data) return { ok: false, retryable: true, retryAfterMs: null, status: response.status, error: `Shopify ${response.status}: the answer had no data` };
    const userErrors = Object.entries(write.aliases).flatMap(([alias, mutation]) => {
      const payload = data[alias];
      const list = isRecord(payload) && Array.isArray(payload.userErrors) ? payload.userErrors.filter(isRecord) : [];
      return list.map((u) => {
        const field = Array.isArray(u.field) ? ` (${u.field.join(".")})` : "";
        return `${mutation}${field}: ${typeof u.message === "string" ? u.message : "invalid"}`;
      });
    });
    if (userErrors.length > 0) return permanent(`Shopify: ${excerpt(maskSecrets(userErrors.join("; "), [token]), 500)}`, response.status);
    return { ok: true, providerId: null };
  };
}

function errorCode(error: Record<string, unknown>): string | null {
  return isRecord(error.extensions) && typeof error.extensions.code === "string" ? error.extensions.code : null;
}

function readCost(body: unknown): { requestedQueryCost: number | null; throttleStatus: ThrottleStatus | null } {
  const cost = isRecord(body) && isRecord(body.extensions) && isRecord(body.extensions.cost) ? body.extensions.cost : null;
  if (!cost) return { requestedQueryCost: null, throttleStatus: null };
  const requested = typeof cost.requestedQueryCost === "number" ? cost.requestedQueryCost : null;
  const t = isRecord(cost.throttleStatus) ? cost.throttleStatus : null;
  const throttleStatus =
    t && typeof t.maximumAvailable === "number" && typeof t.currentlyAvailable === "number" && typeof t.restoreRate === "number"
      ? { maximumAvailable: t.maximumAvailable, currentlyAvailable: t.currentlyAvailable, restoreRate: t.restoreRate }
      : null;
  return { requestedQueryCost: requested, throttleStatus };
}

/** REST-style error bodies the Admin API answers outside GraphQL: { errors: "…" } or { errors: [{ message }] }. */
function shopifyHttpError(response: ProviderResponse): string | null {
  const body = parseJson(response.body);
  let text: string | null = null;
  if (isRecord(body)) {
    if (typeof body.errors === "string") text = body.errors;
    else if (Array.isArray(body.errors)) text = body.errors.map((e) => (isRecord(e) && typeof e.message === "string" ? e.message : String(e))).join("; ");
  }
  const hint = STATUS_HINTS[response.status];
  if (text && hint) return `${excerpt(text)} — ${hint}`;
  return text ? excerpt(text) : (hint ?? null);
}
