import { createComposer } from "./composer";
import type { NotificationsDeps } from "./deps";
import { createOutboxDesk } from "./outbox";
import { createPlanner } from "./planner";
import { createSender } from "./sender";
import { createNotificationSettings } from "./settings";

export type { Moment } from "~/domain/notifications";
export type { NotificationsDeps } from "./deps";
export type { NotifyItem } from "./planner";
export { MAY_HAVE_REPEATED, type SendResult } from "./sender";

export type Notifications = ReturnType<typeof createNotifications>;

/**
 * Proactive notifications: evaluation plans the messages a shipment's moment calls for (planner.ts; the outbox row
 * is the send authority), and a job sends each one when it is due (sender.ts) in the words composer.ts gives it.
 * The shop's channels, policy and templates (settings.ts) are read by all of them; the merchant changes them, and
 * reads and replays the Outbox (outbox.ts), from the admin.
 *
 * The parts are built in the order they depend on each other; none calls back into one built after it.
 */
export function createNotifications(deps: NotificationsDeps) {
  const settings = createNotificationSettings(deps);
  const composer = createComposer(deps, settings);
  const planner = createPlanner(deps, settings);
  const sender = createSender(deps, settings, composer);
  const desk = createOutboxDesk(deps);

  return {
    plan: planner.plan,
    planOrder: planner.planOrder,
    send: sender.send,
    requeueStranded: sender.requeueStranded,
    checkChannelHealth: sender.checkChannelHealth,
    forgetShop: settings.forget,

    overview: settings.overview,
    alerts: settings.alerts,
    savePolicy: settings.savePolicy,
    saveChannel: settings.saveChannel,
    testSend: sender.testSend,

    outbox: desk.outbox,
    message: desk.message,
    replay: desk.replay,

    templateList: settings.templateList,
    template: settings.template,
    saveTemplate: settings.saveTemplate,
    resetTemplate: settings.resetTemplate,
    previewTemplate: composer.previewTemplate,
  };
}
