import type { Clock } from "~/domain/clock";
import { readCredentials, type ChannelSender } from "./credentials";
import type { DestinationPolicy } from "./destination";
import { callProvider, failureFromResponse, isSuccess, type ProviderResponse } from "./http";

export interface SlackChannelOptions {
  timeoutMs: number;
  clock: Clock;
  /** the webhook URL is the merchant's: checked and pinned at send time */
  destination: DestinationPolicy;
}

/** What Slack's incoming-webhook error codes mean for the merchant. */
const SLACK_ERRORS: Record<string, string> = {
  no_service: "the webhook was removed or disabled; reconnect Slack",
  invalid_token: "the webhook's token is no longer valid; reconnect Slack",
  channel_is_archived: "the Slack channel is archived",
  channel_not_found: "the Slack channel no longer exists",
  action_prohibited: "a Slack admin blocked posting to this channel",
  posting_to_general_channel_denied: "only admins may post to this channel",
  no_active_hooks: "the webhook is disabled",
  team_disabled: "the Slack workspace is disabled",
  invalid_payload: "Slack could not read the message",
  no_text: "the message was empty",
};

/**
 * Slack incoming webhook: POST JSON {text} to the secret URL; 200 "ok". Errors come as a short code in the
 * body (404 no_service, 403 invalid_token, 410 channel_is_archived, …); 429 carries Retry-After.
 * The URL is a credential: error texts show neither it nor its path.
 */
export function createSlackChannel(options: SlackChannelOptions): ChannelSender {
  return async (message, credentials) => {
    const creds = readCredentials("slack", credentials);
    if (!creds.ok) return creds.failure;
    const { webhookUrl } = creds.secret;
    const request = {
      provider: "Slack",
      url: webhookUrl,
      headers: { "Content-Type": "application/json; charset=utf-8" },
      body: JSON.stringify({ text: message.text }),
      timeoutMs: options.timeoutMs,
      secrets: [webhookUrl],
      destination: options.destination,
    };
    const result = await callProvider(request);
    if ("failure" in result) return result.failure;
    if (!isSuccess(result.response.status)) return failureFromResponse(request, result.response, options.clock.now(), slackError);
    return { ok: true, providerId: null };
  };
}

/** Slack answers with a snake_case code; only such a code is shown (with its meaning when known), never other text. */
function slackError(response: ProviderResponse): string | null {
  const code = /^\s*([a-z][a-z0-9_]{1,63})\b/.exec(response.body)?.[1];
  if (!code) return null;
  const meaning = SLACK_ERRORS[code];
  if (meaning) return `${code} (${meaning})`;
  // an unknown code is shown only when it is the whole answer, as Slack sends it
  return response.body.trim() === code ? code : null;
}
