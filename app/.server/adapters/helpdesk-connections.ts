import type { HelpdeskConnectionRecord, HelpdeskConnectionRepository, HelpdeskWriteMarks } from "../ports";
import type { Database } from "./db/database";
import { readJson } from "./db/json-column";

type Row = {
  id: number;
  shop: string;
  provider: string;
  publicId: string;
  settings: string;
  credentials: string | null;
  webhookSecret: string | null;
  lastTicketAt: number | null;
  createdAt: number;
  updatedAt: number;
};

const toRecord = (r: Row): HelpdeskConnectionRecord => ({
  id: r.id,
  shop: r.shop,
  provider: r.provider,
  publicId: r.publicId,
  settings: readJson<unknown>(r.settings, {}),
  sealedCredentials: r.credentials,
  sealedWebhookSecret: r.webhookSecret,
  lastTicketAt: r.lastTicketAt === null ? null : Number(r.lastTicketAt),
  createdAt: Number(r.createdAt),
  updatedAt: Number(r.updatedAt),
});

export function createHelpdeskConnectionRepository({ db }: Database): HelpdeskConnectionRepository {
  const base = () => db.selectFrom("HelpdeskConnection").selectAll();
  return {
    async list(shop) {
      return (await base().where("shop", "=", shop).orderBy("id").execute()).map(toRecord);
    },
    async get(shop, provider) {
      const row = await base().where("shop", "=", shop).where("provider", "=", provider).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async getById(shop, id) {
      const row = await base().where("shop", "=", shop).where("id", "=", id).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async byPublicId(publicId) {
      const row = await base().where("publicId", "=", publicId).executeTakeFirst();
      return row ? toRecord(row) : null;
    },
    async save(shop, provider, change, at) {
      const settings = JSON.stringify(change.settings ?? {});
      const sealed = {
        ...(change.sealedCredentials === undefined ? {} : { credentials: change.sealedCredentials }),
        ...(change.sealedWebhookSecret === undefined ? {} : { webhookSecret: change.sealedWebhookSecret }),
      };
      await db
        .insertInto("HelpdeskConnection")
        .values({ shop, provider, publicId: change.publicId, settings, credentials: change.sealedCredentials ?? null, webhookSecret: change.sealedWebhookSecret ?? null, createdAt: at, updatedAt: at })
        .onConflict((oc) => oc.columns(["shop", "provider"]).doUpdateSet({ settings, updatedAt: at, ...sealed }))
        .execute();
      return toRecord((await base().where("shop", "=", shop).where("provider", "=", provider).executeTakeFirstOrThrow()) as Row);
    },
    async remove(shop, provider) {
      const result = await db.deleteFrom("HelpdeskConnection").where("shop", "=", shop).where("provider", "=", provider).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async touch(shop, id, at) {
      await db.updateTable("HelpdeskConnection").set({ lastTicketAt: at }).where("shop", "=", shop).where("id", "=", id).execute();
    },
  };
}

export function createHelpdeskWriteMarks({ db }: Database): HelpdeskWriteMarks {
  const where = (shop: string, connectionId: number, ticketId: string, kind: string) =>
    ({ shop, connectionId, ticketId, kind }) as const;
  return {
    async claim(shop, connectionId, ticketId, kind, at, staleBefore) {
      // one statement each: SQLite and PostgreSQL run it alone, so two claims cannot both see "not there"
      const inserted = await db
        .insertInto("HelpdeskWrite")
        .values({ ...where(shop, connectionId, ticketId, kind), status: "sending", createdAt: at })
        .onConflict((oc) => oc.columns(["shop", "connectionId", "ticketId", "kind"]).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return true;
      // a worker that died mid-call left its claim: taken over once it is stale
      const taken = await db
        .updateTable("HelpdeskWrite")
        .set({ createdAt: at })
        .where("shop", "=", shop)
        .where("connectionId", "=", connectionId)
        .where("ticketId", "=", ticketId)
        .where("kind", "=", kind)
        .where("status", "=", "sending")
        .where("createdAt", "<", staleBefore)
        .executeTakeFirst();
      return Number(taken.numUpdatedRows) > 0;
    },
    async done(shop, connectionId, ticketId, kind, at) {
      await db.updateTable("HelpdeskWrite").set({ status: "done", doneAt: at }).where("shop", "=", shop).where("connectionId", "=", connectionId).where("ticketId", "=", ticketId).where("kind", "=", kind).execute();
    },
    async release(shop, connectionId, ticketId, kind) {
      await db.deleteFrom("HelpdeskWrite").where("shop", "=", shop).where("connectionId", "=", connectionId).where("ticketId", "=", ticketId).where("kind", "=", kind).where("status", "=", "sending").execute();
    },
    async status(shop, connectionId, ticketId, kind) {
      const row = await db.selectFrom("HelpdeskWrite").select("status").where("shop", "=", shop).where("connectionId", "=", connectionId).where("ticketId", "=", ticketId).where("kind", "=", kind).executeTakeFirst();
      return row ? (row.status as "sending" | "done") : null;
    },
  };
}
