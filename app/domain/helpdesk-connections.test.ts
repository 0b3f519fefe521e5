import { describe, expect, it } from "vitest";
import { accountLabel, DEFAULT_HELPDESK_OPTIONS, notedInsteadReason, NOTED_INSTEAD_PREFIX, parseConnectionForm, readPublicSettings } from "./helpdesk-connections";

describe("parseConnectionForm", () => {
  const zendesk = { subdomain: "https://Acme.zendesk.com/agent", email: " Bot@Acme.test ", apiToken: "tok", webhookSecret: "", tagWismo: "on", tags: "Shipwatch-WISMO, late ,shipwatch-wismo", noteReply: "on" };

  it("reads what a merchant pastes and keeps only the label, the email in lower case, the tags once each", () => {
    const parsed = parseConnectionForm("zendesk", zendesk, { hasApiSecret: false });
    expect(parsed).toEqual({
      ok: true,
      value: { settings: { account: "acme", email: "bot@acme.test", options: { tagWismo: true, tags: ["shipwatch-wismo", "late"], noteReply: true, noteInsteadOfEmail: false } }, apiSecret: "tok", webhookSecret: null },
    });
  });

  it.each([
    ["an account on another host", { subdomain: "acme.zendesk.com.evil.test" }, "subdomain"],
    ["no email", { email: "" }, "email"],
    ["a tag with a space", { tags: "where is it" }, "tags"],
    ["six tags", { tags: "a,b,c,d,e,f" }, "tags"],
    ["a control character in the token", { apiToken: "tok\u0007" }, "apiToken"],
  ])("names the field for %s", (_what, change, field) => {
    const parsed = parseConnectionForm("zendesk", { ...zendesk, ...change }, { hasApiSecret: false });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.errors)).toEqual([field]);
  });

  it("needs the API key the first time and keeps the stored one after, when the field is left empty", () => {
    const gorgias = { account: "acme", email: "bot@acme.test", apiKey: "" };
    expect(parseConnectionForm("gorgias", gorgias, { hasApiSecret: false })).toMatchObject({ ok: false, errors: { apiKey: expect.stringMatching(/API key/) } });
    expect(parseConnectionForm("gorgias", gorgias, { hasApiSecret: true })).toMatchObject({ ok: true, value: { apiSecret: null } });
  });

  it("gives webhook-only helpdesks no write-back options, and takes Intercom's client secret", () => {
    expect(parseConnectionForm("freshdesk", { tagWismo: "on", noteReply: "on", noteInsteadOfEmail: "on" }, { hasApiSecret: false })).toEqual({
      ok: true,
      value: { settings: { account: null, email: null, options: { tagWismo: false, tags: [], noteReply: false, noteInsteadOfEmail: false } }, apiSecret: null, webhookSecret: null },
    });
    expect(parseConnectionForm("intercom", { webhookSecret: " s3cret " }, { hasApiSecret: false })).toMatchObject({ ok: true, value: { webhookSecret: "s3cret" } });
  });
});

describe("stored settings and words", () => {
  it("reads nothing stored as the defaults, and drops a tag that is not valid", () => {
    expect(readPublicSettings(null)).toEqual({ account: null, email: null, options: DEFAULT_HELPDESK_OPTIONS });
    expect(readPublicSettings({ options: { tags: ["ok", "not ok", 3], noteInsteadOfEmail: false } }).options).toEqual({ ...DEFAULT_HELPDESK_OPTIONS, tags: ["ok"], noteInsteadOfEmail: false });
  });

  it.each([
    ["acme", "acme"],
    ["ACME.gorgias.com", "acme"],
    ["https://acme.gorgias.com/app/tickets", "acme"],
    ["acme.gorgias.com.evil.test", null],
    ["-acme", null],
    ["", null],
  ])("reads the account %j as %j", (input, label) => {
    expect(accountLabel(input, "gorgias.com")).toBe(label);
  });

  it("says in the Outbox which ticket took the message", () => {
    const reason = notedInsteadReason("gorgias", "123");
    expect(reason).toBe("Added as a note to Gorgias ticket 123 instead of an email");
    expect(reason.startsWith(NOTED_INSTEAD_PREFIX)).toBe(true);
  });
});
