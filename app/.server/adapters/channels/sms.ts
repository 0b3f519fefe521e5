import type { Clock } from "~/domain/clock";
import { permanent, readCredentials, type ChannelSender } from "./credentials";
import { callProvider, failureFromResponse, isRecord, isSuccess, parseJson, type ProviderResponse } from "./http";

export interface SmsChannelOptions {
  /** https://api.twilio.com, or a local stand-in */
  twilioApiBase: string;
  timeoutMs: number;
  clock: Clock;
}

/**
 * Twilio Programmable Messaging: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded
 * To, From (a number) or MessagingServiceSid (MG…), Body; basic auth AccountSid:AuthToken; 201 with the sid.
 */
export function createSmsChannel(options: SmsChannelOptions): ChannelSender {
  const base = options.twilioApiBase.replace(/\/$/, "");
  return async (message, credentials) => {
    const creds = readCredentials("sms", credentials);
    if (!creds.ok) return creds.failure;
    const { accountSid, from } = creds.settings;
    const { authToken } = creds.secret;
    if (!message.to) return permanent("SMS: the message has no phone number to send to");

    const form = new URLSearchParams({ To: message.to });
    if (from.startsWith("MG")) form.set("MessagingServiceSid", from);
    else form.set("From", from);
    form.set("Body", message.text);

    const request = {
      provider: "Twilio",
      url: `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
      headers: {
        Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
      },
      body: form.toString(),
      timeoutMs: options.timeoutMs,
      secrets: [authToken],
    };
    const result = await callProvider(request);
    if ("failure" in result) return result.failure;
    const { response } = result;
    if (!isSuccess(response.status)) return failureFromResponse(request, response, options.clock.now(), twilioError);
    const body = parseJson(response.body);
    const sid = isRecord(body) && typeof body.sid === "string" ? body.sid : null;
    return { ok: true, providerId: sid };
  };
}

/** Twilio's error body: { code, message, more_info, status } → "The 'To' number … (21211)". */
function twilioError(response: ProviderResponse): string | null {
  const body = parseJson(response.body);
  if (!isRecord(body) || typeof body.message !== "string") return null;
  return typeof body.code === "number" || typeof body.code === "string" ? `${body.message} (${body.code})` : body.message;
}
