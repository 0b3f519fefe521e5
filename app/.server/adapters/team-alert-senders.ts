import type { ChannelGateway, TeamAlertSender } from "../ports";

/**
 * SLA alerts to Slack go through the channel gateway's Slack sender, the one the rules' "alert an internal channel"
 * and the outbox use: the same destination checks (public addresses only, pinned at send time), the same reading
 * of Slack's error codes and of 429 / Retry-After. Only the webhook URL differs: the team's own, or the shop's.
 */
export function createSlackTeamAlertSender(gateway: Pick<ChannelGateway, "send">): TeamAlertSender {
  return {
    send(message, target) {
      return gateway.send(
        {
          shop: message.shop,
          channel: "slack",
          idempotencyKey: message.idempotencyKey,
          to: null,
          subject: message.title,
          text: message.text,
          html: null,
          event: { name: "Shipwatch: SLA breached", moment: "sla_breach", occurredAt: 0, profile: { email: null, phone: null }, properties: { caseId: message.caseId, owner: message.owner, caseUrl: message.caseUrl } },
          shopify: null,
        },
        target.credentials,
      );
    },
  };
}
