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
    if (!isSuccess(response.status)) {
      const failure = failureFromResponse(request, response, options.clock.now(), twilioError);
      const unusable = unusableRecipient(response);
      return unusable && !failure.ok ? { ...failure, retryable: false, unusableRecipient: unusable } : failure;
    }
    const body = parseJson(response.body);
    const sid = isRecord(body) && typeof body.sid === "string" ? body.sid : null;
    return { ok: true, providerId: sid };
  };
}

/**
 * Twilio's error codes for a number no text can reach, in words without the number
 * (https://www.twilio.com/docs/api/errors): retrying or replaying cannot change them.
 */
const UNUSABLE_RECIPIENT_CODES: Record<number, string> = {
  21211: "Twilio says it is not a valid phone number (21211)",
  21610: "the recipient has unsubscribed from texts (replied STOP) (21610)",
  21612: "Twilio cannot route texts to it (21612)",
  21614: "Twilio says it is not a mobile number (21614)",
};

function unusableRecipient(response: ProviderResponse): string | null {
  const body = parseJson(response.body);
  const code = isRecord(body) ? Number(body.code) : NaN;
  return UNUSABLE_RECIPIENT_CODES[code] ?? null;
}

/** Twilio's error body: { code, message, more_info, status } → "The 'To' number … (21211)". */
function twilioError(response: ProviderResponse): string | null {
  const body = parseJson(response.body);
  if (!isRecord(body) || typeof body.message !== "string") return null;
  return typeof body.code === "number" || typeof body.code === "string" ? `${body.message} (${body.code})` : body.message;
}
