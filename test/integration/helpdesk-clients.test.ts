import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createGorgiasClient } from "~/.server/adapters/helpdesks/gorgias";
import { createZendeskClient } from "~/.server/adapters/helpdesks/zendesk";
import type { GorgiasCredentials, ZendeskCredentials } from "~/.server/ports/helpdesks";
import { startFakeHelpdesks, type FakeHelpdesks } from "../../scripts/local-services/fake-helpdesks";

// The clients against the local stand-in over real HTTP: what lands in the helpdesk, and how each failure is classified.
const GORGIAS: GorgiasCredentials = { account: "acme", email: "bot@acme.test", apiKey: "gk_live_4f9a2c1e8b7d" };
const ZENDESK: ZendeskCredentials = { subdomain: "acme", email: "bot@acme.test", apiToken: "zd_tok_9c8b7a6f5e4d" };

let fake: FakeHelpdesks;
let gorgias: ReturnType<typeof createGorgiasClient>;
let zendesk: ReturnType<typeof createZendeskClient>;

beforeAll(async () => {
  fake = await startFakeHelpdesks({ gorgias: { email: GORGIAS.email, apiKey: GORGIAS.apiKey }, zendesk: { email: ZENDESK.email, apiToken: ZENDESK.apiToken } });
  gorgias = createGorgiasClient({ apiBase: fake.url, timeoutMs: 2_000 });
  zendesk = createZendeskClient({ apiBase: fake.url, timeoutMs: 2_000 });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe("Gorgias", () => {
  it("adds an internal note the customer never sees, as the API user", async () => {
    const id = fake.addTicket("gorgias");
    const text = "Shipwatch: parcel 1Z999 is out for delivery today.\nCase #12 is open <late>.";
    expect(await gorgias.addNote(GORGIAS, id, text)).toEqual({ ok: true });

    const [note] = fake.ticket("gorgias", id)!.messages;
    expect(note).toMatchObject({ channel: "internal-note", public: false, body: text, author: GORGIAS.email });
    expect(note!.html).toBe("Shipwatch: parcel 1Z999 is out for delivery today.<br>Case #12 is open &lt;late&gt;.");
    const [request] = fake.requests("gorgias");
    expect(request).toMatchObject({ method: "POST", path: `/api/tickets/${id}/messages`, status: 201 });
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from(`${GORGIAS.email}:${GORGIAS.apiKey}`).toString("base64")}`);
  });

  it("adds tags by name and keeps the ticket's own", async () => {
    const id = fake.addTicket("gorgias", { tags: ["vip"] });
    expect(await gorgias.addTags(GORGIAS, id, ["shipwatch-wismo", " shipwatch-late ", "shipwatch-wismo", ""])).toEqual({ ok: true });
    expect(fake.ticket("gorgias", id)!.tags).toEqual(["vip", "shipwatch-wismo", "shipwatch-late"]);
    expect(JSON.parse(fake.requests("gorgias")[0]!.body)).toEqual({ names: ["shipwatch-wismo", "shipwatch-late"] });
  });

  it("checks the credentials against the account", async () => {
    expect(await gorgias.check(GORGIAS)).toEqual({ ok: true });
    expect(fake.requests("gorgias")[0]).toMatchObject({ method: "GET", path: "/api/account" });
  });

  it("reads the account as the merchant pastes it, and refuses any other host without calling it", async () => {
    for (const account of ["acme.gorgias.com", "https://ACME.gorgias.com/app/tickets"]) {
      expect(await gorgias.check({ ...GORGIAS, account })).toEqual({ ok: true });
    }
    for (const account of ["evil.example.com", "acme.gorgias.com.evil.test", "", "a b"]) {
      const result = await gorgias.check({ ...GORGIAS, account });
      expect(result).toMatchObject({ ok: false, retryable: false });
    }
    expect(fake.requests("gorgias")).toHaveLength(2);
  });

  it("wrong credentials: Gorgias's words, not retryable, the key never shown", async () => {
    const id = fake.addTicket("gorgias");
    const result = await gorgias.addNote({ ...GORGIAS, apiKey: "gk_wrong_key_123" }, id, "hello");
    expect(result).toEqual({ ok: false, retryable: false, error: "Gorgias 401: Unauthorized: the email and API key do not match an API user of this account" });
    expect(fake.ticket("gorgias", id)!.messages).toHaveLength(0);
  });

  it("an unknown ticket or a ticket id that is not Gorgias's is a refusal", async () => {
    expect(await gorgias.addNote(GORGIAS, "424242", "x")).toEqual({ ok: false, retryable: false, error: "Gorgias 404: Ticket not found" });
    expect(await gorgias.addTags(GORGIAS, "../account", ["x"])).toMatchObject({ ok: false, retryable: false });
    expect(fake.requests("gorgias")).toHaveLength(1);
  });

  it("429: retryable, after the Retry-After Gorgias gave", async () => {
    const id = fake.addTicket("gorgias");
    fake.failNext("gorgias", 1, { status: 429, retryAfter: 7 });
    expect(await gorgias.addTags(GORGIAS, id, ["a"])).toEqual({ ok: false, retryable: true, retryAfterMs: 7_000, error: "Gorgias 429: Too many requests: the API rate limit was reached" });
    expect(await gorgias.addTags(GORGIAS, id, ["a"])).toEqual({ ok: true });
  });

  it("5xx: retryable; a provider echoing the key has it masked", async () => {
    const id = fake.addTicket("gorgias");
    fake.failNext("gorgias", 1, { status: 503, body: JSON.stringify({ error: { msg: `upstream rejected ${GORGIAS.apiKey}` } }) });
    const result = await gorgias.addNote(GORGIAS, id, "x");
    expect(result).toEqual({ ok: false, retryable: true, error: "Gorgias 503: upstream rejected ****" });
  });

  it("no answer in time: retryable", async () => {
    const impatient = createGorgiasClient({ apiBase: fake.url, timeoutMs: 300 });
    const id = fake.addTicket("gorgias");
    fake.failNext("gorgias", 1, "timeout");
    const started = Date.now();
    expect(await impatient.addNote(GORGIAS, id, "x")).toEqual({ ok: false, retryable: true, error: "Gorgias: no answer within 300 ms" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("nothing listening: retryable", async () => {
    const closed = await startFakeHelpdesks();
    const base = closed.url;
    await closed.close();
    const result = await createGorgiasClient({ apiBase: base, timeoutMs: 2_000 }).check(GORGIAS);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.ok || result.error.startsWith("Gorgias: request failed:")).toBe(true);
  });
});

describe("Zendesk", () => {
  it("adds a private comment as the token's agent", async () => {
    const id = fake.addTicket("zendesk");
    const text = "Shipwatch: parcel 1Z999 was delivered at 10:42.";
    expect(await zendesk.addNote(ZENDESK, id, text)).toEqual({ ok: true });

    expect(fake.ticket("zendesk", id)!.messages).toMatchObject([{ body: text, public: false, author: ZENDESK.email }]);
    const [request] = fake.requests("zendesk");
    expect(request).toMatchObject({ method: "PUT", path: `/api/v2/tickets/${id}`, status: 200 });
    expect(JSON.parse(request!.body)).toEqual({ ticket: { comment: { body: text, public: false } } });
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from(`${ZENDESK.email}/token:${ZENDESK.apiToken}`).toString("base64")}`);
  });

  it("adds tags through the tags endpoint and keeps the ticket's own", async () => {
    const id = fake.addTicket("zendesk", { tags: ["vip"] });
    expect(await zendesk.addTags(ZENDESK, id, ["shipwatch_wismo", "shipwatch_late"])).toEqual({ ok: true });
    expect(fake.ticket("zendesk", id)!.tags).toEqual(["vip", "shipwatch_wismo", "shipwatch_late"]);
    expect(fake.requests("zendesk")[0]).toMatchObject({ method: "PUT", path: `/api/v2/tickets/${id}/tags` });
  });

  it("checks that the token belongs to an agent", async () => {
    expect(await zendesk.check({ ...ZENDESK, subdomain: "https://acme.zendesk.com" })).toEqual({ ok: true });
    expect(fake.requests("zendesk")[0]).toMatchObject({ method: "GET", path: "/api/v2/users/me" });
  });

  it("wrong credentials: Zendesk's words, not retryable", async () => {
    const id = fake.addTicket("zendesk");
    expect(await zendesk.addNote({ ...ZENDESK, apiToken: "zd_wrong_token" }, id, "x")).toEqual({ ok: false, retryable: false, error: "Zendesk 401: Couldn't authenticate you" });
    expect(await zendesk.check({ ...ZENDESK, email: "someone@else.test" })).toEqual({ ok: false, retryable: false, error: "Zendesk 401: Couldn't authenticate you" });
    expect(fake.ticket("zendesk", id)!.messages).toHaveLength(0);
  });

  it("an unknown ticket, or a subdomain that is not one, is a refusal", async () => {
    expect(await zendesk.addTags(ZENDESK, "999999", ["x"])).toEqual({ ok: false, retryable: false, error: "Zendesk 404: RecordNotFound: Not found" });
    expect(await zendesk.addNote({ ...ZENDESK, subdomain: "acme.zendesk.com@evil.test" }, "1", "x")).toMatchObject({ ok: false, retryable: false });
    expect(fake.requests("zendesk")).toHaveLength(1);
  });

  it("429: retryable, after the Retry-After Zendesk gave", async () => {
    const id = fake.addTicket("zendesk");
    fake.failNext("zendesk", 1, { status: 429, retryAfter: 60 });
    expect(await zendesk.addNote(ZENDESK, id, "x")).toEqual({
      ok: false,
      retryable: true,
      retryAfterMs: 60_000,
      error: "Zendesk 429: APIRateLimitExceeded: Number of allowed API requests per minute exceeded",
    });
  });

  it("5xx and an update collision (409): retryable", async () => {
    const id = fake.addTicket("zendesk");
    fake.failNext("zendesk", 1, { status: 500 });
    expect(await zendesk.addTags(ZENDESK, id, ["x"])).toMatchObject({ ok: false, retryable: true, error: "Zendesk 500: InternalError: Something went wrong on our side" });
    fake.failNext("zendesk", 1, { status: 409 });
    expect(await zendesk.addTags(ZENDESK, id, ["x"])).toMatchObject({ ok: false, retryable: true });
    expect(await zendesk.addTags(ZENDESK, id, ["x"])).toEqual({ ok: true });
  });

  it("no answer in time: retryable", async () => {
    const impatient = createZendeskClient({ apiBase: fake.url, timeoutMs: 300 });
    const id = fake.addTicket("zendesk");
    fake.failNext("zendesk", 1, "timeout");
    expect(await impatient.addNote(ZENDESK, id, "x")).toEqual({ ok: false, retryable: true, error: "Zendesk: no answer within 300 ms" });
  });
});
