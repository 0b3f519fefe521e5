import { describe, expect, it } from "vitest";
import {
  GORGIAS_TICKET_FORM,
  MAX_TICKET_BODY_CHARS,
  ZENDESK_TICKET_BODY,
  htmlToText,
  isHelpdeskPing,
  parseHelpdeskWebhook,
  parseTicket,
  type HelpdeskSource,
} from "./helpdesk-tickets";

/**
 * What Gorgias or Zendesk send once they have filled in a template's placeholders. Zendesk escapes a placeholder
 * inside its JSON body (`inJson`); Gorgias renders each form value as plain text and encodes the form itself.
 */
function render(template: string, values: Record<string, string>, inJson: boolean): string {
  return template.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${name}`);
    return inJson ? JSON.stringify(value).slice(1, -1) : value;
  });
}

describe("the contract ticket (POST /api/v1/tickets)", () => {
  const valid = {
    id: "T-1",
    source: "api",
    customerEmail: "Ana@Example.com",
    subject: "Where is my order?",
    body: "Hi,\r\nmy order #1001 hasn't arrived.",
    createdAt: "2026-03-02T10:15:00+01:00",
  };

  it("reads a well-formed ticket, times in UTC and the email in lower case", () => {
    expect(parseTicket(valid)).toEqual({
      ok: true,
      ticket: {
        id: "T-1",
        source: "api",
        customerEmail: "ana@example.com",
        subject: "Where is my order?",
        body: "Hi,\nmy order #1001 hasn't arrived.",
        createdAt: "2026-03-02T09:15:00.000Z",
      },
    });
  });

  it.each([
    ["id missing", { id: undefined }, ["id"]],
    ["id blank", { id: "  " }, ["id"]],
    ["id with spaces", { id: "a b" }, ["id"]],
    ["id too long", { id: "x".repeat(256) }, ["id"]],
    ["id as an object", { id: { n: 1 } }, ["id"]],
    ["unknown source", { source: "jira" }, ["source"]],
    ["no source", { source: undefined }, ["source"]],
    ["email not an email", { customerEmail: "ana at example" }, ["customerEmail"]],
    ["email as a number", { customerEmail: 42 }, ["customerEmail"]],
    ["subject missing", { subject: undefined }, ["subject"]],
    ["body missing", { body: undefined }, ["body"]],
    ["nothing to read", { subject: "", body: "  " }, ["body"]],
    ["a date without a time", { createdAt: "2026-03-02" }, ["createdAt"]],
    ["a date that does not exist", { createdAt: "2026-02-30T10:00:00Z" }, ["createdAt"]],
    ["an hour that does not exist", { createdAt: "2026-03-02T24:00:00Z" }, ["createdAt"]],
    ["words for a time", { createdAt: "yesterday" }, ["createdAt"]],
    ["epoch seconds for a time", { createdAt: 1767225600 }, ["createdAt"]],
    ["several wrong", { id: "", subject: 3, createdAt: null }, ["id", "subject", "createdAt"]],
  ])("%s", (_name, change, errors) => {
    expect(parseTicket({ ...valid, ...change })).toEqual({ ok: false, errors });
  });

  it("names the whole ticket when it is not an object", () => {
    expect(parseTicket(null)).toEqual({ ok: false, errors: ["ticket"] });
    expect(parseTicket([valid])).toEqual({ ok: false, errors: ["ticket"] });
    expect(parseTicket("{}")).toEqual({ ok: false, errors: ["ticket"] });
  });

  it("takes no email as null, and a numeric id as its digits", () => {
    for (const customerEmail of [null, undefined, "", "   "]) {
      const result = parseTicket({ ...valid, customerEmail, id: 12345 });
      expect(result).toMatchObject({ ok: true, ticket: { customerEmail: null, id: "12345" } });
    }
  });

  it("keeps HTML and script as the words they are: escaping is the view's job", () => {
    const body = `<script>alert("x")</script> where is <b>it</b>?`;
    expect(parseTicket({ ...valid, body })).toMatchObject({ ok: true, ticket: { body } });
  });

  it("cuts a very long body instead of refusing the ticket, and drops control characters", () => {
    const result = parseTicket({ ...valid, body: `a\u0000b\u0007${"z".repeat(MAX_TICKET_BODY_CHARS + 50)}`, subject: "line\none\ttwo" });
    expect(result.ok && result.ticket.body.length).toBe(MAX_TICKET_BODY_CHARS);
    expect(result.ok && result.ticket.body.startsWith("abz")).toBe(true);
    expect(result.ok && result.ticket.subject).toBe("line one two");
  });

  it("replaces a lone surrogate rather than storing broken text", () => {
    const result = parseTicket({ ...valid, body: "order \ud800 late" });
    expect(result.ok && result.ticket.body).toBe("order \uFFFD late");
  });
});

describe("the Gorgias HTTP integration form", () => {
  it("renders into a ticket: Gorgias's zone-less microsecond times read as UTC", () => {
    const form = Object.fromEntries(
      Object.entries(GORGIAS_TICKET_FORM).map(([key, value]) => [
        key,
        render(value, {
          "ticket.id": "48213",
          "ticket.customer.email": "ana@example.com",
          "ticket.subject": "Où est ma commande ?",
          "ticket.messages[0].body_text": 'Bonjour, ma commande "#1001" n\'est pas arrivée.\nMerci',
          "ticket.created_datetime": "2026-03-02T09:15:00.123456",
        }, false),
      ]),
    );
    expect(parseHelpdeskWebhook("gorgias", form)).toEqual({
      ok: true,
      ticket: {
        id: "48213",
        source: "gorgias",
        customerEmail: "ana@example.com",
        subject: "Où est ma commande ?",
        body: 'Bonjour, ma commande "#1001" n\'est pas arrivée.\nMerci',
        createdAt: "2026-03-02T09:15:00.123Z",
      },
    });
  });

  it("names the fields Gorgias left unrendered (a test send, a misspelt variable)", () => {
    expect(parseHelpdeskWebhook("gorgias", { ...GORGIAS_TICKET_FORM })).toEqual({ ok: false, errors: ["id", "customerEmail", "createdAt"] });
  });

  it("takes a customer without an email (a chat) as null", () => {
    const result = parseHelpdeskWebhook("gorgias", { id: "7", source: "gorgias", customerEmail: "", subject: "", body: "where is it", createdAt: "2026-03-02T09:15:00" });
    expect(result).toMatchObject({ ok: true, ticket: { customerEmail: null, subject: "" } });
  });

  it("reads Gorgias's own Ticket object: the customer's first message is the question", () => {
    const ticket = {
      id: 48213,
      subject: "Order status",
      customer: { id: 9, email: "ana@example.com" },
      messages: [
        { id: 1, from_agent: true, body_text: "Auto-reply: we got your message", created_datetime: "2026-03-02T09:15:01" },
        { id: 2, from_agent: false, body_text: null, body_html: "<p>Where is <b>#1001</b>?</p><p>Thanks</p>" },
      ],
      created_datetime: "2026-03-02T09:15:00",
    };
    expect(parseHelpdeskWebhook("gorgias", { ticket })).toEqual({
      ok: true,
      ticket: { id: "48213", source: "gorgias", customerEmail: "ana@example.com", subject: "Order status", body: "Where is #1001?\nThanks", createdAt: "2026-03-02T09:15:00.000Z" },
    });
  });

  it("refuses a body that names another helpdesk", () => {
    const result = parseHelpdeskWebhook("gorgias", { id: "1", source: "zendesk", customerEmail: null, subject: "x", body: "y", createdAt: "2026-03-02T09:15:00Z" });
    expect(result).toEqual({ ok: false, errors: ["source"] });
  });
});

describe("the Zendesk trigger body", () => {
  it("renders into a ticket, placeholders escaped by Zendesk, minutes-only time", () => {
    const raw = render(ZENDESK_TICKET_BODY, {
      "ticket.id": "35436",
      "ticket.requester.email": "lena@example.de",
      "ticket.title": "Wo ist mein Paket?",
      "ticket.description": 'Hallo,\nmein Paket "1Z999" ist noch nicht da.',
      "ticket.created_at_with_timestamp": "2026-03-02T05:35Z",
    }, true);
    expect(parseHelpdeskWebhook("zendesk", JSON.parse(raw))).toEqual({
      ok: true,
      ticket: {
        id: "35436",
        source: "zendesk",
        customerEmail: "lena@example.de",
        subject: "Wo ist mein Paket?",
        body: 'Hallo,\nmein Paket "1Z999" ist noch nicht da.',
        createdAt: "2026-03-02T05:35:00.000Z",
      },
    });
  });

  it("reads the ticket.created event; its detail names the requester by id only", () => {
    const event = {
      type: "zen:event-type:ticket.created",
      account_id: 88888888,
      id: "01HN-EXAMPLE",
      time: "2026-03-02T05:35:10Z",
      zendesk_event_version: "2022-11-06",
      subject: "zen:ticket:35436",
      detail: { id: "35436", subject: "Where is my parcel?", description: "It was due Monday.", requester_id: "20978392", created_at: "2026-03-02T05:35:10Z" },
      event: {},
    };
    expect(parseHelpdeskWebhook("zendesk", event)).toEqual({
      ok: true,
      ticket: { id: "35436", source: "zendesk", customerEmail: null, subject: "Where is my parcel?", body: "It was due Monday.", createdAt: "2026-03-02T05:35:10.000Z" },
    });
  });

  it("names the type of an event that is not a new ticket", () => {
    expect(parseHelpdeskWebhook("zendesk", { type: "zen:event-type:user.created", detail: {} })).toEqual({ ok: false, errors: ["type"] });
  });
});

describe("Intercom's notification", () => {
  const notification = {
    type: "notification_event",
    app_id: "abc123",
    topic: "conversation.user.created",
    id: "notif_1",
    created_at: 1772442000,
    data: {
      type: "notification_event_data",
      item: {
        type: "conversation",
        id: "147",
        created_at: 1772442000,
        source: {
          type: "conversation",
          subject: "",
          body: "<p>¿Dónde está mi pedido #1001?</p><p>Gracias &amp; saludos</p>",
          author: { type: "user", id: "5f1", email: "pablo@example.es" },
        },
      },
    },
  };

  it("reads a conversation a customer opened: HTML to words, epoch seconds to ISO", () => {
    expect(parseHelpdeskWebhook("intercom", notification)).toEqual({
      ok: true,
      ticket: { id: "147", source: "intercom", customerEmail: "pablo@example.es", subject: "", body: "¿Dónde está mi pedido #1001?\nGracias & saludos", createdAt: "2026-03-02T09:00:00.000Z" },
    });
  });

  it("names the topic of any other notification, and knows a ping", () => {
    expect(parseHelpdeskWebhook("intercom", { ...notification, topic: "conversation.admin.closed" })).toEqual({ ok: false, errors: ["topic"] });
    expect(isHelpdeskPing("intercom", { type: "notification_event", topic: "ping" })).toBe(true);
    expect(isHelpdeskPing("intercom", notification)).toBe(false);
    expect(isHelpdeskPing("zendesk", { type: "notification_event", topic: "ping" })).toBe(false);
  });
});

describe("Re:amaze's conversation", () => {
  it("reads the slug as the id and the message as the body", () => {
    const conversation = {
      slug: "where-is-my-order-42",
      subject: "Where is my order",
      created_at: "2026-03-02T09:00:00.000Z",
      author: { name: "Sam", email: "sam@example.com" },
      message: { body: "Ordered 2 weeks ago, nothing yet" },
    };
    expect(parseHelpdeskWebhook("reamaze", { conversation })).toEqual({
      ok: true,
      ticket: { id: "where-is-my-order-42", source: "reamaze", customerEmail: "sam@example.com", subject: "Where is my order", body: "Ordered 2 weeks ago, nothing yet", createdAt: "2026-03-02T09:00:00.000Z" },
    });
  });
});

describe("helpdesks without a payload of their own", () => {
  it.each<HelpdeskSource>(["freshdesk", "gladly", "reamaze", "intercom", "zendesk", "gorgias"])("%s accepts the contract shape, its source implied", (source) => {
    const result = parseHelpdeskWebhook(source, { id: "99", customerEmail: "a@b.co", subject: "Tracking", body: "No update since Friday", createdAt: "2026-03-02T09:00:00Z" });
    expect(result).toMatchObject({ ok: true, ticket: { id: "99", source } });
  });

  it("lists every wrong field of a malformed one", () => {
    expect(parseHelpdeskWebhook("freshdesk", { id: 1.5, customerEmail: "nope", subject: "s" })).toEqual({ ok: false, errors: ["id", "customerEmail", "body", "createdAt"] });
  });
});

describe("htmlToText", () => {
  it.each([
    ["<p>a</p><p>b</p>", "a\nb"],
    ["line<br>break<br/>twice", "line\nbreak\ntwice"],
    ["<style>p{}</style><script>x()</script>kept", "kept"],
    ["&lt;b&gt; &quot;q&quot; &#39;s&#39; &#x263A; &nbsp;", '<b> "q" \'s\' ☺'],
    ["&bogus; &#0;", "&bogus; &#0;"],
  ])("%s", (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});
