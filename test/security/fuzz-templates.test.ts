import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { LOCALES, TEMPLATED_CHANNELS } from "~/domain/notifications";
import { CUSTOMER_TEMPLATE_KEYS, TEMPLATE_KEYS, TEMPLATE_LIMITS, validateTemplate } from "~/domain/templates";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";
import { decisionOf, expectDecided, expectUnchanged, FUZZ_NOW, FUZZ_TEST_TIMEOUT, fuzz, quiesce, sendSigned, snapshot } from "./fuzz-support";
import { Huge, LONE_SURROGATES } from "./fuzz-values";

/**
 * Fuzzing merchants' Liquid templates through the service the template editor calls (save, and preview
 * against a real shipment): whatever the text, the answer is saved or a clear error, never a throw and
 * never a hang; a refused template changes nothing.
 */

const VARIABLES = [
  "shop.name",
  "shop.tracking_page_url",
  "customer.first_name",
  "order.name",
  "order.total",
  "shipment.tracking_number",
  "shipment.tracking_url",
  "shipment.eta",
  "shipment.attention",
  "shipment.pickup_location",
  "order.tracking_link",
  "shipments",
  "shipments.size",
  "shipments.first.carrier",
  "shipments[0].status_label",
  "shipments[99].carrier",
  "shipments[-1]",
  "shipment_count",
  "alert.title",
  "moment",
  "locale",
  "s.carrier",
  "order.nmae",
  "shop.constructor",
  "shop.__proto__",
  "constructor.name",
  "shop['name']",
  "shop[order.name]",
  "this",
  "empty",
  "nil",
  "'text'",
  "1e308",
  "(1..5)",
];
const FILTERS = [
  "upcase",
  "escape",
  "strip_html",
  "size",
  "append: 'x'",
  "prepend: shop.name",
  "truncate: -1",
  "truncate: 99999999999",
  "date: '%Y-%m-%d'",
  "date: 'now'",
  "default: 'x'",
  "split: ''",
  "join: ','",
  "replace: 'a', 'bb'",
  "times: 1e308",
  "divided_by: 0",
  "modulo: 0",
  "slice: -1, 99999999",
  "url_encode",
  "json",
  "where: 'carrier', 'UPS'",
  "map: 'carrier'",
  "sort",
  "reverse",
  "abs",
  "plus: 'x'",
  "newline_to_br",
  "raw",
  "no_such_filter",
  "append:",
  "| |",
];

const output = fc
  .tuple(fc.constantFrom(...VARIABLES), fc.array(fc.constantFrom(...FILTERS), { maxLength: 3 }), fc.boolean())
  .map(([v, filters, trim]) => `{{${trim ? "-" : ""} ${[v, ...filters].join(" | ")} ${trim ? "-" : ""}}}`);

/** Tags on their own: what a merchant types half-way, unbalanced, unknown or meant to escape the sandbox. */
const looseTag = fc.constantFrom(
  "{% if shipment.eta != blank %}",
  "{% endif %}",
  "{% for s in shipments %}",
  "{% endfor %}",
  "{% else %}",
  "{% raw %}",
  "{% endraw %}",
  "{% comment %}",
  "{% include 'secrets' %}",
  "{% render '../../../../etc/passwd' %}",
  "{% layout 'x' %}",
  "{% assign x = shipments | map: 'carrier' %}",
  "{% capture big %}",
  "{% endcapture %}",
  "{% cycle 'a', 'b' %}",
  "{% increment n %}",
  "{% liquid echo shop.name %}",
  "{% echo order.name %}",
  "{% break %}",
  "{% tablerow s in shipments cols:99999 %}",
  "{% case moment %}{% when 'x' %}",
  "{% unknown_tag %}",
  "{{",
  "}}",
  "{%",
  "%}",
  "{{{ shop.name }}}",
  "{%- -%}",
  "{{ }}",
  "{{ shop.name",
);

/** Blocks that balance, around other pieces; loops big enough to meet the render and memory limits. */
const piece: fc.Arbitrary<string> = fc.letrec<{ piece: string }>((tie) => ({
  piece: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc.constantFrom("Hi ", "\n", "<b>", "&amp;", "<script>alert(1)</script>", "javascript:alert(1)", "é", "😀", ...LONE_SURROGATES, "\u0000", "\u202E"),
      fc.string({ maxLength: 20 }),
    ),
    output,
    looseTag,
    fc
      .tuple(fc.constantFrom(["if", "shipment_count > 1"], ["unless", "shipment.eta == blank"], ["if", "order.nmae"], ["if", "shop.name contains 'x'"]), tie("piece"))
      .map(([[keyword, condition], body]) => `{% ${keyword} ${condition} %}${body}{% else %}x{% end${keyword} %}`),
    fc.tuple(fc.constantFrom("s in shipments", "i in (1..10)", "i in (1..1000000)", "i in (1..100000000000)", "i in (5..-5)", "s in shipments reversed limit:99999 offset:-1", "c in shop.name"), tie("piece")).map(([head, body]) => `{% for ${head} %}${body}{% endfor %}`),
    fc.tuple(fc.constantFrom(10, 100, 1000), tie("piece")).map(([n, body]) => `{% capture c %}${body}{% endcapture %}{% for i in (1..${n}) %}{{ c }}{{ c }}{% endfor %}`),
    fc.tuple(tie("piece"), tie("piece")).map(([a, b]) => a + b),
  ),
})).piece;

const template = fc.oneof(
  { weight: 8, arbitrary: fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join("")) },
  { weight: 1, arbitrary: fc.constantFrom(new Huge("{{ shop.name }}", 1_500), new Huge("{% if true %}", 2_000), new Huge("{{", 50_000), new Huge("é", 100_001)) },
);
/**
 * The text as the editor's form delivers it: a browser encodes form fields as well-formed Unicode, so a
 * lone surrogate arrives as U+FFFD (the service is fuzzed with what its route can hand it).
 */
const asFormText = (t: string | Huge) => Buffer.from(t instanceof Huge ? t.value : t).toString("utf8");

const draft = fc
  .constantFrom(...TEMPLATED_CHANNELS)
  .chain((channel) =>
    fc.record({
      channel: fc.constant(channel),
      template: fc.constantFrom<string>(...(channel === "slack" ? TEMPLATE_KEYS : CUSTOMER_TEMPLATE_KEYS)),
      locale: fc.constantFrom(...LOCALES),
      subject: channel === "email" ? fc.oneof(fc.constantFrom("{{ order.name }} is on its way", "", "\r\nBcc: x@example.com"), template) : fc.constant(null),
      body: template,
    }),
  );

/**
 * Longer than this, a save or a preview counts as hung: liquidjs stops a render at 500 ms, and a save renders
 * two samples (generous, for a loaded CI machine).
 */
const HUNG_MS = 8_000;

describe("fuzz: merchant templates (the editor's save and preview services)", FUZZ_TEST_TIMEOUT, () => {
  let app: TestApp;
  let shipmentId: number;

  beforeAll(async () => {
    app = await startTestApp({ clock: fixedClock(FUZZ_NOW) });
    const order = orderPayload({ id: newId(), name: "#1001" });
    for (const [topic, body] of [["orders/create", order], ["fulfillments/create", fulfillmentPayload(order.id, { name: "#1001.1" })]] as const) {
      const sent = await sendSigned(app, topic, SHOP_A, JSON.stringify(body));
      expectDecided(await decisionOf(app, sent.webhookId), topic);
    }
    await quiesce(app);
    shipmentId = (await app.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP_A).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => app?.close());

  /** Calls a service and checks its answer is `{ ok: true }` or clear errors, in time, without a throw. */
  async function answerOf<R extends { ok: boolean }>(what: string, call: () => Promise<R>): Promise<R> {
    const started = performance.now();
    let result: R;
    try {
      result = await call();
    } catch (error) {
      throw new Error(`${what} threw instead of answering with an error: ${error instanceof Error ? error.message : String(error)}`);
    }
    expect(performance.now() - started, `${what} answered in time`).toBeLessThan(HUNG_MS);
    if (!result.ok) {
      const errors = (result as unknown as { errors: { field: string; message: string }[] }).errors;
      expect(errors.length, `${what}: a refusal says why`).toBeGreaterThan(0);
      for (const e of errors) {
        expect(["subject", "body"]).toContain(e.field);
        expect(e.message.trim().length, `${what}: an error in words`).toBeGreaterThan(0);
      }
    }
    return result;
  }

  {
    const name = "fuzz templates, save: saved or a clear error, never a throw or a hang; a refused template changes nothing";
    it(name, async ({ signal }) => {
      const { notifications } = app.container.services;
      await fuzz(name, { runs: 60, ms: 3_500 }, draft, async (d) => {
        const t = { ...d, subject: d.subject === null ? null : asFormText(d.subject), body: asFormText(d.body) };
        const before = snapshot(app, { except: ["*"], global: true });
        const saved = await answerOf("saveTemplate", () => notifications.saveTemplate(SHOP_A, t));
        if (saved.ok) {
          const stored = await app.db.selectFrom("MessageTemplate").select(["body", "subject"]).where("shop", "=", SHOP_A).where("template", "=", t.template).where("channel", "=", t.channel).where("locale", "=", t.locale).executeTakeFirstOrThrow();
          expect(stored.body).toBe(t.body);
        } else {
          expectUnchanged(before, snapshot(app, { except: ["*"], global: true }), "a refused template changes nothing");
        }
        // the editor's live preview, against a real shipment of the shop
        await answerOf("previewTemplate", () => notifications.previewTemplate(SHOP_A, { ...t, shipmentId }));
      }, signal);
    });
  }

  /**
   * Found by this suite: a template of many short outputs ("{{a}}" 20,000 times, within the 100,000-character
   * limit) held the process for seconds (about 2 s idle, 6 s on a busy machine), blocking every request of
   * every shop meanwhile. liquidjs' static analysis (Liquid.analyzeSync, used by checkVariables) asks each
   * variable for its line and column, and Token.getPosition counts them from the start of the source every
   * time: the check costs tags × length. The number of tags is now capped (TEMPLATE_LIMITS.tags) and counted
   * before anything is parsed, so the worst template that is accepted is bounded, and the rest are refused
   * with the limit named.
   */
  it("regression: a template of 20,000 outputs is refused with the tag limit named, without being parsed", () => {
    const result = validateTemplate({ channel: "sms", body: "{{a}}".repeat(20_000) });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^Too many Liquid tags: at most 1000 .*this one has 20000/)]);
  });

  it("regression: the costliest template within the limits is checked without hanging", () => {
    // as many tags as allowed, spread over the longest source allowed: the worst case for the line counting
    const filler = "x".repeat(Math.floor(TEMPLATE_LIMITS.sourceChars / TEMPLATE_LIMITS.tags) - "{{a}}".length);
    const body = `{{a}}${filler}`.repeat(TEMPLATE_LIMITS.tags);
    expect(body.length).toBeLessThanOrEqual(TEMPLATE_LIMITS.sourceChars);
    const started = performance.now();
    const result = validateTemplate({ channel: "email", subject: "x", body });
    const took = performance.now() - started;
    expect(result.ok).toBe(false); // "a" is not a variable of the context
    expect(took, `${took.toFixed(0)} ms`).toBeLessThan(HUNG_MS);
  });

  // Tracking feed events (EasyPost, a later issue) have no service yet; their fuzzing goes with the webhook
  // topics in fuzz-webhooks.test.ts.
});
