import type { Clock } from "~/domain/clock";
import { permanent, readCredentials, type ChannelSender } from "./credentials";
import { callProvider, failureFromResponse, isRecord, isSuccess, parseJson, type ProviderResponse } from "./http";

/** The Klaviyo API revision these requests are written against (sent in the `revision` header). */
export const KLAVIYO_REVISION = "2024-10-15";

export interface KlaviyoChannelOptions {
  /** https://a.klaviyo.com, or a local stand-in */
  klaviyoApiBase: string;
  timeoutMs: number;
  clock: Clock;
}

/**
 * Klaviyo Create Event: POST {base}/api/events, JSON:API, `Authorization: Klaviyo-API-Key <private key>`,
 * `revision`. The metric is the event's name, so merchants build flows on "Shipwatch: Out for delivery";
 * unique_id is the send key, so Klaviyo drops a repeated delivery of the same event. 202 on success.
 */
export function createKlaviyoChannel(options: KlaviyoChannelOptions): ChannelSender {
  const base = options.klaviyoApiBase.replace(/\/$/, "");
  return async (message, credentials) => {
    const creds = readCredentials("klaviyo", credentials);
    if (!creds.ok) return creds.failure;
    const { privateKey } = creds.secret;
    const { event } = message;
    const profile: Record<string, string> = {};
    if (event.profile.email) profile.email = event.profile.email;
    if (event.profile.phone) profile.phone_number = event.profile.phone;
    if (Object.keys(profile).length === 0) return permanent("Klaviyo: the event has no email or phone number to attach it to a profile");

    const body = {
      data: {
        type: "event",
        attributes: {
          properties: { ...event.properties, moment: event.moment },
          metric: { data: { type: "metric", attributes: { name: event.name } } },
          profile: { data: { type: "profile", attributes: profile } },
          unique_id: message.idempotencyKey,
          // Klaviyo takes the time of receipt when none is given
          ...(Number.isFinite(event.occurredAt) ? { time: new Date(event.occurredAt).toISOString() } : {}),
        },
      },
    };
    const request = {
      provider: "Klaviyo",
      url: `${base}/api/events`,
      headers: {
        Authorization: `Klaviyo-API-Key ${privateKey}`,
        revision: KLAVIYO_REVISION,
        "Content-Type": "application/vnd.api+json",
        Accept: "application/vnd.api+json",
      },
      body: JSON.stringify(body),
      timeoutMs: options.timeoutMs,
      secrets: [privateKey],
    };
    const result = await callProvider(request);
    if ("failure" in result) return result.failure;
    if (!isSuccess(result.response.status)) return failureFromResponse(request, result.response, options.clock.now(), klaviyoError);
    return { ok: true, providerId: null };
  };
}

/** Klaviyo's JSON:API errors: { errors: [{ status, code, title, detail, source }] }. */
function klaviyoError(response: ProviderResponse): string | null {
  const body = parseJson(response.body);
  if (!isRecord(body) || !Array.isArray(body.errors)) return null;
  const texts = body.errors.filter(isRecord).map((e) => {
    const text = typeof e.detail === "string" && e.detail ? e.detail : typeof e.title === "string" ? e.title : "error";
    const pointer = isRecord(e.source) && typeof e.source.pointer === "string" ? ` at ${e.source.pointer}` : "";
    return `${text}${pointer}${typeof e.code === "string" ? ` (${e.code})` : ""}`;
  });
  return texts.length > 0 ? texts.join("; ") : null;
}
