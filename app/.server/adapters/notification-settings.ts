import type { Channel } from "~/domain/notifications";
import type { NotificationSettingsRepository, StoredTemplate, TemplateRepository } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";

export function createNotificationSettingsRepository({ db }: Database): NotificationSettingsRepository {
  return {
    async getPolicy(shop) {
      const row = await db.selectFrom("NotificationSettings").select("policy").where("shop", "=", shop).executeTakeFirst();
      return row ? readJson<unknown>(row.policy, null) : null;
    },
    async savePolicy(shop, policy, at) {
      const value = JSON.stringify(policy);
      await db
        .insertInto("NotificationSettings")
        .values({ shop, policy: value, updatedAt: at })
        .onConflict((oc) => oc.column("shop").doUpdateSet({ policy: value, updatedAt: at }))
        .execute();
    },
    async channels(shop) {
      const rows = await db.selectFrom("ChannelConnection").selectAll().where("shop", "=", shop).orderBy("id").execute();
      return rows.map((r) => ({
        channel: r.channel as Channel,
        enabled: r.enabled === 1,
        settings: readJson<Record<string, unknown>>(r.settings, {}),
        sealedSecret: r.secret,
        failingSince: r.failingSince,
        lastError: r.lastError,
        lastSuccessAt: r.lastSuccessAt,
        alertedAt: r.alertedAt,
        updatedAt: r.updatedAt,
      }));
    },
    async saveChannel(shop, channel, change, at) {
      const settings = JSON.stringify(change.settings);
      const enabled = change.enabled ? 1 : 0;
      const secret = change.sealedSecret === undefined ? {} : { secret: change.sealedSecret };
      await db
        .insertInto("ChannelConnection")
        .values({ shop, channel, enabled, settings, secret: change.sealedSecret ?? null, updatedAt: at })
        .onConflict((oc) => oc.columns(["shop", "channel"]).doUpdateSet({ enabled, settings, updatedAt: at, ...secret }))
        .execute();
    },
    async recordResult(shop, channel, result) {
      if (result.ok) {
        const row = await db
          .updateTable("ChannelConnection")
          .set({ failingSince: null, alertedAt: null, lastError: null, lastSuccessAt: result.at })
          .where("shop", "=", shop)
          .where("channel", "=", channel)
          .returning(["failingSince", "alertedAt"])
          .executeTakeFirst();
        return row ?? { failingSince: null, alertedAt: null };
      }
      const row = await db
        .updateTable("ChannelConnection")
        .set((eb) => ({ failingSince: eb.fn.coalesce("failingSince", eb.val(result.at)), lastError: result.error }))
        .where("shop", "=", shop)
        .where("channel", "=", channel)
        .returning(["failingSince", "alertedAt"])
        .executeTakeFirst();
      return row ?? { failingSince: null, alertedAt: null };
    },
    async markAlerted(shop, channel, at) {
      await db.updateTable("ChannelConnection").set({ alertedAt: at }).where("shop", "=", shop).where("channel", "=", channel).execute();
    },
    async overdueFailures(before) {
      const rows = await db
        .selectFrom("ChannelConnection")
        .select(["shop", "channel", "failingSince", "lastError"])
        .where("enabled", "=", 1)
        .where("failingSince", "<", before)
        .where("alertedAt", "is", null)
        .limit(100)
        .execute();
      return rows.map((r) => ({ shop: r.shop, channel: r.channel as Channel, failingSince: r.failingSince!, lastError: r.lastError }));
    },
    async deleteShop(shop) {
      await db.deleteFrom("ChannelConnection").where("shop", "=", shop).execute();
      await db.deleteFrom("NotificationSettings").where("shop", "=", shop).execute();
    },
  };
}

export function createTemplateRepository({ db }: Database): TemplateRepository {
  const toTemplate = (r: { template: string; channel: string; locale: string; subject: string | null; body: string; updatedAt: number }): StoredTemplate => ({
    ...r,
    channel: r.channel as Channel,
  });
  return {
    async get(shop, template, channel, locale) {
      const row = await db
        .selectFrom("MessageTemplate")
        .select(["template", "channel", "locale", "subject", "body", "updatedAt"])
        .where("shop", "=", shop)
        .where("template", "=", template)
        .where("channel", "=", channel)
        .where("locale", "=", locale)
        .executeTakeFirst();
      return row ? toTemplate(row) : null;
    },
    async list(shop) {
      const rows = await db.selectFrom("MessageTemplate").select(["template", "channel", "locale", "subject", "body", "updatedAt"]).where("shop", "=", shop).execute();
      return rows.map(toTemplate);
    },
    async save(shop, t, at) {
      await db
        .insertInto("MessageTemplate")
        .values({ shop, template: t.template, channel: t.channel, locale: t.locale, subject: t.subject, body: t.body, updatedAt: at })
        .onConflict((oc) => oc.columns(["shop", "template", "channel", "locale"]).doUpdateSet({ subject: t.subject, body: t.body, updatedAt: at }))
        .execute();
    },
    async remove(shop, template, channel, locale) {
      await db.deleteFrom("MessageTemplate").where("shop", "=", shop).where("template", "=", template).where("channel", "=", channel).where("locale", "=", locale).execute();
    },
    async deleteShop(shop) {
      await db.deleteFrom("MessageTemplate").where("shop", "=", shop).execute();
    },
  };
}
