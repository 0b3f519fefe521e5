import type { Clock } from "~/domain/clock";
import { destinationProblem } from "~/domain/destinations";
import { ChannelConfigSchemas } from "~/domain/notifications";
import { OWNERS, type Owner } from "~/domain/rules";
import { breachAlertWords, caseAdminUrl, routeFor, routeWords, sentActivity, stillWorthSending, TEAM_LABELS, webhookHint } from "~/domain/sla-alerts";
import { z } from "zod";
import type { CaseRepository, NotificationSettingsRepository, SecretBox, SlaAlertRecord, SlaAlertStore, TeamAlertRouteStore, TeamAlertSender, TeamAlertTarget } from "../ports";

export type SlaAlerts = ReturnType<typeof createSlaAlerts>;

/** What one send came to; the job turns "retry" into a retry and "refused" into a parked job (replayable). */
export type SlaAlertSendResult =
  | { outcome: "sent" | "skipped" | "deferred" }
  | { outcome: "retry"; error: string }
  | { outcome: "refused"; error: string };

/** a claim whose job never reached the queue (a crash in between) is queued again after this long */
const STRANDED_MS = 10 * 60_000;

/** One team's change in "Team alerts": a new webhook URL (blank: keep the one saved), or remove it. */
const TeamChange = z.object({ webhookUrl: z.string().max(2_000, "at most 2000 characters").optional(), remove: z.boolean().optional() }).strict();
const RoutesInput = z.object(Object.fromEntries(OWNERS.map((o) => [o, TeamChange.optional()])) as Record<Owner, z.ZodOptional<typeof TeamChange>>).strict();

/**
 * SLA breach alerts: the sweep claims each open case that passed its due time (once per case, owner and breach,
 * whatever the number of sweeps or workers), a job sends the alert to the owning team, and the case's trail says
 * so. Where a team listens is a route: its own Slack webhook, or the shop's connected Slack channel; each kind of
 * destination has a sender behind the TeamAlertSender port (Slack today; a helpdesk's ticket or note can be added
 * as another kind without touching the claim, the job or the words).
 */
export function createSlaAlerts(deps: {
  store: SlaAlertStore;
  routes: TeamAlertRouteStore;
  cases: Pick<CaseRepository, "get">;
  /** the shop's channels: its connected Slack channel is every team's fallback */
  channels: Pick<NotificationSettingsRepository, "channels">;
  secrets: SecretBox;
  /** by destination kind ("slack") */
  senders: Readonly<Record<string, TeamAlertSender>>;
  /** queues the send job of one alert (at `runAt`, or now) */
  schedule: (shop: string, id: number, runAt?: number) => Promise<void>;
  clock: Clock;
  /** an uninstalled shop's teams are not alerted (its cases stay until shop/redact) */
  isInstalled?: (shop: string) => Promise<boolean>;
  /** the app's handle in the Shopify admin (shopify.app.toml), for the case link */
  appHandle?: string;
  /** SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS (local stand-ins only) */
  allowPrivateDestinations?: boolean;
  leaseMs?: number;
  callTimeoutMs?: number;
}) {
  const { store, clock } = deps;
  const appHandle = deps.appHandle ?? "shipwatch";
  const leaseMs = (deps.leaseMs ?? 120_000) + (deps.callTimeoutMs ?? 10_000);

  /** where the team's alert goes now, with what the sender needs; null: nowhere (no webhook, no Slack connected) */
  async function targetFor(shop: string, owner: Owner): Promise<TeamAlertTarget | null> {
    const routes = await deps.routes.list(shop);
    const own = routes.find((r) => r.owner === owner && r.sealedSecret);
    const slack = (await deps.channels.channels(shop)).find((c) => c.channel === "slack" && c.enabled && !!c.sealedSecret);
    const kind = routeFor(owner, new Set(own ? [owner] : []), !!slack);
    if (kind === "team_webhook") return { kind: "slack", words: routeWords(owner, kind), credentials: { settings: {}, secret: deps.secrets.open(own!.sealedSecret!) as Record<string, unknown> } };
    if (kind === "shop_slack") return { kind: "slack", words: routeWords(owner, kind), credentials: { settings: slack!.settings, secret: deps.secrets.open(slack!.sealedSecret!) as Record<string, unknown> } };
    return null;
  }

  async function send(shop: string, id: number): Promise<SlaAlertSendResult> {
    const now = clock.now();
    const before = await store.get(shop, id);
    if (!before || before.status === "sent" || before.status === "skipped") return { outcome: "skipped" };
    // the row is the send authority: a second job, or a worker that is too slow, finds it taken
    const alert = await store.lease(shop, id, now, leaseMs);
    if (!alert) return { outcome: "skipped" };
    try {
      return await deliver(alert, now);
    } catch (error) {
      // storage or a secret that no longer opens, before anything reached Slack: the job retries it
      await store.release(shop, id, { reason: "Could not be sent; it will be tried again", error: errorText(error), at: clock.now() });
      throw error;
    }
  }

  async function deliver(alert: SlaAlertRecord, now: number): Promise<SlaAlertSendResult> {
    const { shop, owner } = alert;
    const team = TEAM_LABELS[owner];
    if (deps.isInstalled && !(await deps.isInstalled(shop))) return skip(alert, "The app was uninstalled from the shop", now);
    const c = await deps.cases.get(shop, alert.caseId);
    const worth = stillWorthSending(c, owner);
    if (!worth.send) return skip(alert, worth.reason, now);
    if (c!.dueAt === null) return skip(alert, "The case no longer has a due time", now);
    const target = await targetFor(shop, owner);
    if (!target) return skip(alert, `Nowhere to send it: no Slack webhook for ${team} and no Slack channel connected`, now, `SLA passed; ${team} was not alerted: no Slack webhook for the team and no Slack channel connected`);
    const sender = deps.senders[target.kind];
    if (!sender) return skip(alert, `No sender for ${target.words}`, now);
    const words = breachAlertWords({ caseId: c!.id, type: c!.type, owner, priority: c!.priority, orderName: c!.orderName, trackingNumber: c!.trackingNumber, dueAt: c!.dueAt, caseUrl: caseAdminUrl(shop, appHandle, c!.id) }, now);
    const outcome = await sender.send({ shop, caseId: c!.id, owner, idempotencyKey: `sla|${shop}|${alert.caseId}|${alert.seq}`, title: words.title, text: words.text, caseUrl: caseAdminUrl(shop, appHandle, c!.id) }, target);
    const at = clock.now();
    if (outcome.ok) {
      await store.markSent(shop, alert.id, { destination: target.words, text: words.text, at, activity: sentActivity(owner, target.words) });
      return { outcome: "sent" };
    }
    if (outcome.throttled && outcome.retryable) {
      // Slack pacing us is not a failure of the alert: wait as long as it says, without using up an attempt
      const runAt = at + Math.max(1_000, outcome.retryAfterMs ?? 30_000);
      await store.release(shop, alert.id, { reason: "Waiting for Slack's rate limit", error: outcome.error, at, notAnAttempt: true });
      await deps.schedule(shop, alert.id, runAt);
      return { outcome: "deferred" };
    }
    if (outcome.retryable) {
      await store.release(shop, alert.id, { reason: `Attempt ${alert.attempts} failed; it will be tried again`, error: outcome.error, at });
      return { outcome: "retry", error: outcome.error };
    }
    await store.finish(shop, alert.id, {
      status: "failed",
      reason: "Parked: Slack refused it (retrying cannot help); fix the destination and send it again",
      error: outcome.error,
      destination: target.words,
      at,
      activity: `SLA alert to ${team} on ${target.words} could not be sent: ${outcome.error}`,
    });
    return { outcome: "refused", error: outcome.error };
  }

  async function skip(alert: SlaAlertRecord, reason: string, at: number, activity?: string): Promise<SlaAlertSendResult> {
    await store.finish(alert.shop, alert.id, { status: "skipped", reason, at, ...(activity ? { activity } : {}) });
    return { outcome: "skipped" };
  }

  return {
    send,
    /** where a team's alerts go now (its own Slack webhook, else the shop's Slack); null: nowhere. Feed health alerts operations through it. */
    teamTarget: targetFor,
    /**
     * The sweep's part: claims the breaches due now (every shop) and queues their sends; claims whose job was lost
     * are queued again. Returns how many breaches it claimed.
     */
    async sweep(limit = 200): Promise<number> {
      const now = clock.now();
      const claimed = await store.claimBreaches(now, limit);
      for (const a of claimed) await deps.schedule(a.shop, a.id);
      for (const s of await store.stranded(now - STRANDED_MS, limit)) await deps.schedule(s.shop, s.id);
      return claimed.length;
    },
    /** retries ran out (the job is parked): the alert is parked too, and says so on the case */
    async parked(shop: string, id: number, error: string) {
      const alert = await store.get(shop, id);
      // a refusal was parked (and said so) by the send itself
      if (!alert || (alert.status !== "pending" && alert.status !== "sending")) return;
      await store.finish(shop, id, { status: "failed", reason: `Parked after ${alert.attempts} attempts; send it again from the case`, error, at: clock.now(), activity: `SLA alert to ${TEAM_LABELS[alert.owner]} could not be sent after ${alert.attempts} attempts: ${error}` });
    },
    /** a parked alert, sent again by a person (the case page) */
    async sendAgain(shop: string, caseId: number, id: number): Promise<boolean> {
      const alert = await store.get(shop, id);
      if (!alert || alert.caseId !== caseId || alert.status !== "failed") return false;
      await deps.schedule(shop, id);
      return true;
    },
    async forCase(shop: string, caseId: number) {
      return store.forCase(shop, caseId);
    },
    // ---- "Team alerts": where each team's SLA alerts go
    async routes(shop: string) {
      const own = new Map((await deps.routes.list(shop)).map((r) => [r.owner, r]));
      const slack = (await deps.channels.channels(shop)).find((c) => c.channel === "slack");
      const shopSlack = { connected: !!slack?.enabled && !!slack.sealedSecret, label: typeof slack?.settings.label === "string" && slack.settings.label ? slack.settings.label : null };
      return {
        shopSlack,
        teams: OWNERS.map((owner) => {
          const r = own.get(owner);
          const hasWebhook = !!r?.sealedSecret;
          const kind = routeFor(owner, new Set(hasWebhook ? [owner] : []), shopSlack.connected);
          return { owner, label: TEAM_LABELS[owner], hasWebhook, hint: hasWebhook ? r!.hint : null, updatedAt: r?.updatedAt ?? null, goesTo: kind ? routeWords(owner, kind) : null };
        }),
      };
    },
    /**
     * Saves the teams' webhooks: every URL checked (https, a public address: the same SSRF guard as the channels),
     * and nothing saved unless all are good. Errors are per field: "<team>.webhookUrl".
     */
    async saveRoutes(shop: string, input: unknown): Promise<{ ok: true } | { ok: false; fieldErrors: Record<string, string> }> {
      const parsed = RoutesInput.safeParse(input);
      if (!parsed.success) return { ok: false, fieldErrors: Object.fromEntries(parsed.error.issues.map((i) => [i.path.join(".") || "form", i.message])) };
      const errors: Record<string, string> = {};
      const changes: { owner: Owner; sealedSecret: string | null; hint: string | null }[] = [];
      for (const owner of OWNERS) {
        const change = parsed.data[owner];
        if (!change) continue;
        const url = change.webhookUrl?.trim() ?? "";
        if (change.remove && !url) {
          changes.push({ owner, sealedSecret: null, hint: null });
          continue;
        }
        if (!url) continue;
        const shape = ChannelConfigSchemas.slack.secret.safeParse({ webhookUrl: url });
        const problem = destinationProblem(url, "https", { allowPrivate: !!deps.allowPrivateDestinations }) ?? (shape.success ? null : (shape.error.issues[0]?.message ?? "enter a Slack incoming-webhook URL"));
        if (problem) {
          errors[`${owner}.webhookUrl`] = problem;
          continue;
        }
        changes.push({ owner, sealedSecret: deps.secrets.seal({ webhookUrl: url }), hint: webhookHint(url) });
      }
      if (Object.keys(errors).length) return { ok: false, fieldErrors: errors };
      await deps.routes.save(shop, changes, clock.now());
      return { ok: true };
    },
  };
}

function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
}
