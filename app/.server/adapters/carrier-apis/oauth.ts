import { createHash } from "node:crypto";
import type { Clock } from "~/domain/clock";
import type { CarrierCredentials, CarrierFailure, CarrierOutcome } from "../../ports";
import { callCarrier, carrierFailure, type CarrierAnswer, type CarrierRequestBody } from "./http";

/** Renew a token this long before the carrier says it expires: a call never leaves with a token about to lapse. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * OAuth client-credentials tokens (UPS, USPS, FedEx), kept until shortly before they expire and shared by every
 * poll of the same account in this process. Keyed by the client id and a hash of the secret, so new credentials
 * never reuse the old ones' token. A call refused with 401 while holding a cached token asks for a new token once
 * (the carrier may have revoked it early), then gives the carrier's answer.
 */
export function createTokenCache(clock: Clock, fetchToken: (credentials: CarrierCredentials) => Promise<CarrierOutcome<{ token: string; expiresInMs: number }>>) {
  const tokens = new Map<string, { token: string; expiresAt: number }>();
  const keyOf = (c: CarrierCredentials) => `${c.clientId}:${createHash("sha256").update(c.clientSecret).digest("base64url")}`;

  // polls of one account running side by side share one token request instead of each asking for its own
  const asking = new Map<string, ReturnType<typeof fetchToken>>();

  async function token(credentials: CarrierCredentials, fresh = false): Promise<CarrierOutcome<{ token: string; cached: boolean }>> {
    const key = keyOf(credentials);
    const held = tokens.get(key);
    if (!fresh && held && clock.now() < held.expiresAt - EXPIRY_MARGIN_MS) return { ok: true, value: { token: held.token, cached: true } };
    let request = asking.get(key);
    if (!request) {
      request = fetchToken(credentials).finally(() => asking.delete(key));
      asking.set(key, request);
    }
    const got = await request;
    if (!got.ok) {
      tokens.delete(key);
      return got;
    }
    if (tokens.size >= 1_000) tokens.delete(tokens.keys().next().value!);
    tokens.set(key, { token: got.value.token, expiresAt: clock.now() + got.value.expiresInMs });
    return { ok: true, value: { token: got.value.token, cached: false } };
  }

  return {
    token,
    /** does the carrier accept these credentials? A token request answers it (and the token is kept) */
    async check(credentials: CarrierCredentials): Promise<CarrierOutcome<null>> {
      const got = await token(credentials, true);
      return got.ok ? { ok: true, value: null } : got;
    },
    /** runs `call` with a valid token; a 401 on a cached token is retried once with a new one */
    async withToken(credentials: CarrierCredentials, call: (token: string) => Promise<{ answer: CarrierAnswer } | { failure: CarrierFailure }>) {
      const first = await token(credentials);
      if (!first.ok) return { failure: first };
      const result = await call(first.value.token);
      if (!("answer" in result) || result.answer.status !== 401 || !first.value.cached) return result;
      const renewed = await token(credentials, true);
      if (!renewed.ok) return { failure: renewed };
      return call(renewed.value.token);
    },
  };
}

/**
 * The token request of a carrier's OAuth client-credentials flow (UPS, USPS and FedEx differ only in where the
 * credentials go): `{ access_token, expires_in }` on 200, the carrier's refusal in its words otherwise.
 */
export function createOAuthTokens(options: {
  carrier: string;
  clock: Clock;
  timeoutMs: number;
  request: (credentials: CarrierCredentials) => { url: string; headers: Record<string, string>; body: CarrierRequestBody };
  errorOf: (json: unknown) => { code?: unknown; message?: unknown } | undefined;
}) {
  const { carrier, clock, timeoutMs } = options;
  return createTokenCache(clock, async (credentials) => {
    const result = await callCarrier(carrier, { ...options.request(credentials), method: "POST", timeoutMs }, clock);
    if ("failure" in result) return result.failure;
    const { answer } = result;
    const body = answer.json as { access_token?: unknown; expires_in?: unknown } | null;
    if (answer.status !== 200 || typeof body?.access_token !== "string") return carrierFailure(carrier, answer, options.errorOf(answer.json));
    // UPS writes expires_in as a string of seconds ("14399"), the others as a number
    return { ok: true, value: { token: body.access_token, expiresInMs: Number(body.expires_in ?? 0) * 1000 || 3_600_000 } };
  });
}
