import { describe, expect, it } from "vitest";
import { LOCALES, MOMENTS, type Locale } from "./notifications";
import {
  CUSTOMER_TEMPLATE_KEYS,
  TEMPLATE_KEYS,
  TEMPLATE_VARIABLES,
  TEMPLATE_LIMITS,
  TemplateError,
  defaultTemplate,
  htmlToText,
  reasonLabel,
  renderMessage,
  sampleContext,
  statusLabel,
  validateTemplate,
  type TemplateContext,
} from "./templates";

const CUSTOMER_CHANNELS = ["email", "sms"] as const;

const render = (key: string, channel: "email" | "sms" | "slack", locale: Locale, context: TemplateContext) => {
  const t = defaultTemplate(key, channel, locale);
  if (!t) throw new Error(`no default for ${key}/${channel}/${locale}`);
  return renderMessage({ channel, subject: t.subject, body: t.body, context });
};

/** Everything a customer reads, lower-cased. */
const words = (m: { subject: string | null; text: string; html: string | null }) => `${m.subject ?? ""}\n${m.text}`.toLowerCase();

const errorsOf = (result: ReturnType<typeof validateTemplate>) => (result.ok ? [] : result.errors);

describe("default templates", () => {
  it("exist for every moment × email/SMS × language, plus the rule message and Slack", () => {
    for (const key of CUSTOMER_TEMPLATE_KEYS) {
      for (const channel of CUSTOMER_CHANNELS) {
        for (const locale of LOCALES) {
          const t = defaultTemplate(key, channel, locale);
          expect(t, `${key}/${channel}/${locale}`).not.toBeNull();
          expect(t!.body.trim()).not.toBe("");
          expect(t!.subject === null).toBe(channel === "sms");
        }
      }
    }
    for (const key of TEMPLATE_KEYS) expect(defaultTemplate(key, "slack", "en"), key).not.toBeNull();
    expect(TEMPLATE_KEYS).toEqual([...MOMENTS, "rule_message", "internal_alert"]);
  });

  it("fall back to English, and are null where there is none", () => {
    expect(defaultTemplate("internal_alert", "slack", "de")).toEqual(defaultTemplate("internal_alert", "slack", "en"));
    expect(defaultTemplate("delay_lost", "slack", "fr")).toEqual(defaultTemplate("delay_lost", "slack", "en"));
    expect(defaultTemplate("internal_alert", "email", "en")).toBeNull();
    expect(defaultTemplate("no_such_moment", "sms", "en")).toBeNull();
  });

  it.each(LOCALES)("pass validation and render in %s, for one shipment and for three", (locale) => {
    for (const key of TEMPLATE_KEYS) {
      for (const channel of ["email", "sms", "slack"] as const) {
        const t = defaultTemplate(key, channel, locale);
        if (!t) continue;
        expect(validateTemplate({ channel, subject: t.subject, body: t.body, locale }), `${key}/${channel}`).toEqual({ ok: true });
        for (const context of [
          sampleContext(locale),
          sampleContext(locale, { moment: key }),
          sampleContext(locale, { moment: key, shipmentCount: 3, returning: true }),
        ]) {
          const out = renderMessage({ channel, subject: t.subject, body: t.body, context });
          expect(out.text.length, `${key}/${channel}`).toBeGreaterThan(20);
          expect(out.text).not.toMatch(/\{\{|\{%/);
          if (channel === "email") {
            expect(out.subject).toBeTruthy();
            expect(out.html).toContain(context.shop.tracking_page_url);
            expect(out.text).toContain(context.order.name);
          }
        }
      }
    }
  });

  it("list every package when a message covers several", () => {
    const context = sampleContext("en", { moment: "first_scan", shipmentCount: 3 });
    const out = render("first_scan", "email", "en", context);
    for (const s of context.shipments) expect(out.text).toContain(s.tracking_number);
    expect(out.text).toContain("your 3 packages");
    expect(render("delay_weather", "email", "de", sampleContext("de", { moment: "delay_weather", shipmentCount: 2 })).text).toContain("Ihre Pakete verspäten sich");
  });

  // the words that would promise movement; what each language's copy could plausibly say
  const MOVING = ["on its way", "on the way", "shipped", "in transit", "en route", "expédié", "acheminement", "en camino", "enviado", "enviada", "en tránsito", "unterwegs", "versandt", "verschickt", "auf dem weg"];

  it.each(LOCALES)("never say a packed order is moving (%s)", (locale) => {
    for (const channel of CUSTOMER_CHANNELS) {
      for (const count of [1, 3]) {
        const said = words(render("packed", channel, locale, sampleContext(locale, { moment: "packed", shipmentCount: count, returning: true })));
        for (const word of MOVING) expect(said, `${channel}: "${word}"`).not.toContain(word);
      }
    }
    // the first scan is where it starts moving, in every language
    const firstScan = words(render("first_scan", "email", locale, sampleContext(locale, { moment: "first_scan" })));
    expect(MOVING.some((w) => firstScan.includes(w))).toBe(true);
  });

  it.each(LOCALES)("keep SMS within 320 characters, with the link and an opt-out line (%s)", (locale) => {
    const stop = { en: "Reply STOP", fr: "Répondez STOP", es: "Responde STOP", de: "mit STOP" }[locale];
    for (const key of CUSTOMER_TEMPLATE_KEYS) {
      for (const context of [sampleContext(locale), sampleContext(locale, { moment: key }), sampleContext(locale, { moment: key, shipmentCount: 3 })]) {
        const out = render(key, "sms", locale, context);
        expect(out.text.length, `${key}: ${out.text}`).toBeLessThanOrEqual(320);
        expect(out.text).toContain(context.shop.tracking_page_url);
        expect(out.text.split("\n").at(-1)).toContain(stop);
        expect(out.html).toBeNull();
        expect(out.subject).toBeNull();
      }
    }
  });

  it.each(LOCALES.filter((l) => l !== "en"))("are really translated (%s)", (locale) => {
    for (const key of CUSTOMER_TEMPLATE_KEYS) {
      for (const channel of CUSTOMER_CHANNELS) {
        // same data on both sides: only the words differ
        const context = { ...sampleContext("en", { moment: key }), locale };
        const en = render(key, channel, "en", context);
        const other = render(key, channel, locale, context);
        expect(other.text, `${key}/${channel}`).not.toBe(en.text);
        if (channel === "email") expect(other.subject, key).not.toBe(en.subject);
      }
    }
    expect(statusLabel("delivered", locale)).not.toBe(statusLabel("delivered", "en"));
    expect(reasonLabel("weather", locale)).not.toBe(reasonLabel("weather", "en"));
    expect(reasonLabel(null, locale)).toBe("");
  });

  it("say something specific for each delay reason", () => {
    const said = (key: string, over: Partial<TemplateContext["shipment"]> = {}) => {
      const base = sampleContext("en", { moment: key });
      const shipment = { ...base.shipment, ...over };
      return words(render(key, "email", "en", { ...base, shipment, shipments: [shipment] }));
    };
    expect(said("delay_weather")).toContain("weather");
    expect(said("delay_address")).toContain("full address");
    expect(said("delay_failed_attempt")).toContain("next business day");
    expect(said("delay_held", { reason: "customs" })).toContain("customs");
    expect(said("delay_held", { reason: "held_at_facility" })).toContain("carrier facility");
    expect(said("delay_lost")).toContain("make it right");
    expect(said("delay_returned")).toContain("back to us");
    expect(said("delay_other")).toContain("longer than expected");
    expect(said("post_delivery")).toContain("did everything arrive");
    expect(render("delay_weather", "email", "en", sampleContext()).html).toContain(`href="${sampleContext().shop.tracking_page_url}"`);
  });

  // issue 9, item 5: each state its own moment and words, in every language the templates speak
  const PICKUP_WORDS: Record<Locale, string> = { en: "ready for pickup at", fr: "disponible au retrait à", es: "listo para recoger en", de: "zur abholung bereit:" };
  const LATE_WORDS: Record<Locale, string> = { en: "longer than we promised", fr: "plus de temps que promis", es: "más de lo prometido", de: "länger als versprochen" };
  const NEW_MOMENTS = LOCALES.flatMap((locale) => CUSTOMER_CHANNELS.map((channel) => [locale, channel] as const));

  it.each(NEW_MOMENTS)("give a parcel at a pickup point its own words, with the place (%s, %s)", (locale, channel) => {
    const context = sampleContext(locale, { moment: "ready_for_pickup" });
    const place = context.shipment.pickup_location;
    expect(place).not.toBe("");
    const said = words(render("ready_for_pickup", channel, locale, context));
    expect(said).toContain(`${PICKUP_WORDS[locale]} ${place.toLowerCase()}`);
    expect(said).not.toBe(words(render("out_for_delivery", channel, locale, context)));
    // no place known: still ready for pickup, without a dangling "at"
    const unknown = { ...context, shipment: { ...context.shipment, pickup_location: "" }, shipments: [{ ...context.shipment, pickup_location: "" }] };
    const plain = words(render("ready_for_pickup", channel, locale, unknown));
    expect(plain).not.toContain(place.toLowerCase());
    expect(plain).toContain(PICKUP_WORDS[locale].replace(/ (at|à|en)$|:$/, ""));
    expect(plain).not.toMatch(/ (at|à|en) ?[.:]/);
  });

  it.each(NEW_MOMENTS)("give a late parcel its own words, not another delay's (%s, %s)", (locale, channel) => {
    const context = sampleContext(locale, { moment: "delay_late" });
    const late = render("delay_late", channel, locale, context);
    const other = render("delay_other", channel, locale, context);
    expect(words(late)).toContain(LATE_WORDS[locale]);
    expect(late.text).not.toBe(other.text);
    if (channel === "email") expect(late.subject).not.toBe(other.subject);
    expect(late.text).toContain(context.shipment.eta);
  });

  it("carry the new moments on Slack like every other", () => {
    for (const key of ["delay_late", "ready_for_pickup"]) expect(defaultTemplate(key, "slack", "en"), key).not.toBeNull();
  });

  it("link the order's tracking page with a link of the real shape, never a path that cannot open", () => {
    for (const locale of LOCALES) {
      const context = sampleContext(locale);
      expect(context.shop.tracking_page_url).toMatch(/^https:\/\/[^/]+\/apps\/track\?t=[0-9a-z]{1,20}\.[0-9a-z]{1,8}\.[A-Za-z0-9_-]{22}$/);
      expect(context.order.tracking_link).toBe(context.shop.tracking_page_url);
    }
    const documented = TEMPLATE_VARIABLES.map((v) => v.name);
    for (const name of ["order.tracking_link", "shipment.headline", "shipment.explanation", "shipment.next", "shipment.attention", "shipment.pickup_location"]) {
      expect(documented, name).toContain(name);
      expect(validateTemplate({ channel: "sms", body: `{{ ${name} }} ok` }), name).toEqual({ ok: true });
    }
    expect(TEMPLATE_VARIABLES.find((v) => v.name === "shop.tracking_page_url")!.example).toContain("/apps/track?t=");
    expect(TEMPLATE_VARIABLES.find((v) => v.name === "shipment.attention")!.example).not.toBe("");
  });

  it("thank a returning customer", () => {
    const t = defaultTemplate("packed", "email", "en")!;
    const once = renderMessage({ channel: "email", ...t, context: sampleContext("en", { moment: "packed", returning: false }) });
    const again = renderMessage({ channel: "email", ...t, context: sampleContext("en", { moment: "packed", returning: true }) });
    expect(again.text).not.toBe(once.text);
    expect(again.text).toContain("Thanks for shopping with us again");
    expect(once.text).not.toContain("Thanks for shopping with us again");
  });

  it("greet a customer without a first name", () => {
    const context = sampleContext("fr");
    const out = render("first_scan", "email", "fr", { ...context, customer: { ...context.customer, first_name: "" } });
    expect(out.text.startsWith("Bonjour,")).toBe(true);
  });
});

describe("validation at save time", () => {
  it("names an unknown variable, its line, and what was probably meant", () => {
    const [error, ...rest] = errorsOf(validateTemplate({ channel: "sms", body: "Hello\n{{ custmer.name }}" }));
    expect(rest).toEqual([]);
    expect(error).toMatchObject({ field: "body", line: 2 });
    expect(error!.message).toContain('"custmer.name"');
    expect(error!.message).toContain('"customer.name"');
  });

  it("finds unknown variables in branches the sample does not take", () => {
    const [error] = errorsOf(validateTemplate({ channel: "sms", body: "{% if shipment_count > 5 %}{{ shipment.carier }}{% endif %}ok" }));
    expect(error!.message).toContain('"shipment.carier"');
    expect(error!.message).toContain('"shipment.carrier"');
    expect(errorsOf(validateTemplate({ channel: "sms", body: "{{ shipments.first.eta }} {{ shipments.size }} {{ shipments[1].carrier }} {{ customer.name.size }}" }))).toEqual([]);
    expect(errorsOf(validateTemplate({ channel: "sms", body: "{{ shipments.first.colour }}" }))[0]!.message).toContain("shipments.first.colour");
  });

  it("names a misspelled field of a loop variable", () => {
    const [error] = errorsOf(validateTemplate({ channel: "sms", body: "{% for s in shipments %}{{ s.carier }}{% endfor %}" }));
    expect(error!.message).toContain('"s.carier"');
    expect(error!.message).toContain('"s.carrier"');
  });

  it("names an unknown filter and its line", () => {
    const [error] = errorsOf(validateTemplate({ channel: "email", subject: "Hi", body: "<p>Hi</p>\n{{ customer.name | shout }}" }));
    expect(error).toMatchObject({ field: "body", line: 2 });
    expect(error!.message).toContain('"shout"');
    expect(errorsOf(validateTemplate({ channel: "sms", body: "{{ customer.name | upcas }}" }))[0]!.message).toContain('"upcase"');
  });

  it("explains syntax errors with a line", () => {
    const [unclosed] = errorsOf(validateTemplate({ channel: "sms", body: "Hello\n{% if customer.returning %}\nWelcome back" }));
    expect(unclosed).toMatchObject({ field: "body", line: 2 });
    expect(unclosed!.message).toContain("{% endif %}");
    const [empty] = errorsOf(validateTemplate({ channel: "sms", body: "Hello\n{% if %}x{% endif %}" }));
    expect(empty).toMatchObject({ field: "body", line: 2 });
    const [stray] = errorsOf(validateTemplate({ channel: "sms", body: "x{% endif %}" }));
    expect(stray!.message).toContain("{% endif %}");
    const [output] = errorsOf(validateTemplate({ channel: "sms", body: "Hi {{ customer.name" }));
    expect(output!.message).toContain("not closed");
  });

  it("points at the subject when the subject is wrong", () => {
    const [error] = errorsOf(validateTemplate({ channel: "email", subject: "Order {{ ordr.name }}", body: "<p>Hi</p>" }));
    expect(error).toMatchObject({ field: "subject", line: 1 });
    expect(error!.message).toContain('"order.name"');
  });

  it("requires a body, and a subject for email", () => {
    expect(errorsOf(validateTemplate({ channel: "sms", body: "  \n" }))).toEqual([{ field: "body", message: expect.any(String) }]);
    expect(errorsOf(validateTemplate({ channel: "email", subject: "", body: "<p>Hi</p>" }))).toEqual([{ field: "subject", message: expect.any(String) }]);
    expect(errorsOf(validateTemplate({ channel: "email", subject: "{% if false %}x{% endif %}", body: "<p>Hi</p>" }))[0]!.field).toBe("subject");
    expect(validateTemplate({ channel: "slack", subject: null, body: "{{ alert.title }}" })).toEqual({ ok: true });
  });

  it("refuses an SMS that comes out longer than 640 characters", () => {
    const [error] = errorsOf(validateTemplate({ channel: "sms", body: "{% for i in (1..100) %}{{ shop.name }}{% endfor %}" }));
    expect(error!.field).toBe("body");
    expect(error!.message).toContain("640");
    expect(validateTemplate({ channel: "sms", body: "x".repeat(600) })).toEqual({ ok: true });
  });

  it("refuses partials: a template cannot read files", () => {
    for (const body of ['{% include "../../.env" %}', '{% render "snippet" %}', '{% layout "base" %}x']) {
      const [error] = errorsOf(validateTemplate({ channel: "sms", body }));
      expect(error!.message, body).toContain("not available");
    }
  });

  it("stops hostile templates quickly", () => {
    for (const body of [
      "{% for i in (1..100000000) %}{{ i }}{% endfor %}",
      "{% for i in (1..100000000) %}{% endfor %}",
      "{% for a in (1..999) %}{% for b in (1..999) %}{% for c in (1..999) %}x{% endfor %}{% endfor %}{% endfor %}",
      '{% assign a = "1,2,3" | split: "," %}{% for i in (1..40) %}{% assign a = a | concat: a %}{% endfor %}{{ a.size }}',
      '{{ "2026-01-01" | date: "%999999999d" }}',
    ]) {
      const started = performance.now();
      const [error] = errorsOf(validateTemplate({ channel: "sms", body }));
      expect(performance.now() - started, body).toBeLessThan(1000);
      expect(error!.message, body).toContain("too much work");
    }
  });

  it("stops deep loops over real data on the render time limit", () => {
    const body = `${"{% for s in shipments %}".repeat(25)}x${"{% endfor %}".repeat(25)}`;
    const started = performance.now();
    const [error] = errorsOf(validateTemplate({ channel: "slack", body }));
    expect(performance.now() - started).toBeLessThan(2500);
    expect(error!.message).toContain("too much work");
  });

  it("refuses a template too long to parse", () => {
    const [error] = errorsOf(validateTemplate({ channel: "email", subject: "Hi", body: "x".repeat(100_001) }));
    expect(error!.message).toContain("Too long");
  });

  it("documents every variable a template can use", () => {
    const names = TEMPLATE_VARIABLES.map((v) => v.name);
    for (const name of ["shop.tracking_page_url", "customer.returning", "order.status_url", "shipment.eta", "shipments", "shipment_count", "moment_label", "locale", "alert.case_url"]) {
      expect(names).toContain(name);
    }
    for (const v of TEMPLATE_VARIABLES) {
      expect(v.description, v.name).not.toBe("");
      expect(v.example, v.name).not.toBe("");
      expect(validateTemplate({ channel: "sms", body: `{{ ${v.name} }}x` }), v.name).toEqual({ ok: true });
    }
  });
});

describe("rendering hostile data", () => {
  const base = sampleContext("en", { moment: "packed" });
  const withData = (over: { first_name?: string; name?: string; order?: string; carrier?: string; shop?: string }): TemplateContext => {
    const shipment = { ...base.shipment, carrier: over.carrier ?? base.shipment.carrier };
    return {
      ...base,
      shop: { ...base.shop, name: over.shop ?? base.shop.name },
      customer: { ...base.customer, first_name: over.first_name ?? base.customer.first_name, name: over.name ?? base.customer.name },
      order: { ...base.order, name: over.order ?? base.order.name },
      shipment,
      shipments: [shipment],
    };
  };

  it("escapes every value in the HTML", () => {
    const context = withData({ first_name: '"><script>alert(1)</script>', order: "<img src=x onerror=alert(1)>" });
    const out = render("packed", "email", "en", context);
    expect(out.html).toContain("&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(out.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(out.html).not.toMatch(/<script|<img/i);
    // the plain-text part shows the characters as typed
    expect(out.text).toContain('"><script>alert(1)</script>');
  });

  it("escapes once even when the merchant writes | escape, and | raw cannot unescape data", () => {
    const context = withData({ name: "Tom & <b>Jerry</b>" });
    const body = "<p>{{ customer.name }}|{{ customer.name | escape }}|{{ customer.name | raw }}|{{ customer.name | escape | raw }}</p>";
    const out = renderMessage({ channel: "email", subject: "x", body, context });
    const escaped = "Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;";
    expect(out.html).toBe(`<p>${[escaped, escaped, escaped, escaped].join("|")}</p>`);
    expect(renderMessage({ channel: "email", subject: "x", body: "{{ alert.detail | newline_to_br }}", context: { ...context, alert: { ...context.alert, detail: "a <i>\nb" } } }).html).toBe(
      "a &lt;i&gt;<br>\nb",
    );
  });

  it("prints Liquid-looking data literally, never evaluating it", () => {
    const sneaky = "{{ shop.name }} {% raw %}{% endraw %} {% if true %}yes{% endif %}";
    const context = withData({ first_name: sneaky, carrier: sneaky });
    const email = render("packed", "email", "en", context);
    expect(email.text).toContain(`Hi ${sneaky},`);
    expect(email.html).toContain(`Hi ${sneaky},`);
    expect(email.text).toContain(`hand it to ${sneaky} shortly`);
    const sms = renderMessage({ channel: "sms", body: "{{ customer.first_name }}", context });
    expect(sms.text).toBe(sneaky);
  });

  it("keeps the subject on one line", () => {
    const context = withData({ order: "#1042\r\nBcc: x@evil.test\nX-Other: 1" });
    const out = render("packed", "email", "en", context);
    expect(out.subject).not.toMatch(/[\r\n]/);
    expect(out.subject).toBe("Your order #1042 Bcc: x@evil.test X-Other: 1 is packed");
    // the subject is text, not HTML: no entities
    expect(renderMessage({ channel: "email", subject: "{{ shop.name }}", body: "x", context: base }).subject).toBe("Maple & Moss");
  });

  it("keeps line breaks in Slack but escapes Slack's control characters in values", () => {
    const context = withData({ name: "<!channel> & <https://evil.test|click>" });
    const out = render("internal_alert", "slack", "en", context);
    expect(out.text.split("\n").length).toBeGreaterThan(2);
    expect(out.text).toContain("&lt;!channel&gt; &amp; &lt;https://evil.test|click&gt;");
    expect(out.text).not.toContain("<!channel>");
    expect(out.text).toContain(`<${base.alert.case_url}|Open the case>`);
  });

  it("does not put a javascript: link in an href", () => {
    const shipment = { ...base.shipment, tracking_url: "javascript:alert(1)" };
    const out = renderMessage({ channel: "email", subject: "x", body: '<a href="{{ shipment.tracking_url }}">track</a>', context: { ...base, shipment, shipments: [shipment] } });
    expect(out.html).toBe('<a href="">track</a>');
  });

  it("links only https: a plain-http, credentialed or spaced tracking URL leaves the href empty", () => {
    for (const tracking_url of ["http://carrier.example/track/1", "https://ups.com@evil.example/x", "https://carrier.example/a b"]) {
      const shipment = { ...base.shipment, tracking_url };
      const out = renderMessage({ channel: "email", subject: "x", body: '<a href="{{ shipment.tracking_url }}">track</a>', context: { ...base, shipment, shipments: [shipment] } });
      expect(out.html, tracking_url).toBe('<a href="">track</a>');
    }
    const out = renderMessage({ channel: "sms", body: "{{ shipment.tracking_url }}", context: base });
    expect(out.text).toBe(base.shipment.tracking_url);
  });

  it("refuses a template with more Liquid tags than the limit, naming the limit, before parsing it", () => {
    const within = validateTemplate({ channel: "email", subject: "x", body: "{{ order.name }} ".repeat(TEMPLATE_LIMITS.tags) });
    expect(within).toEqual({ ok: true });
    const over = validateTemplate({ channel: "email", subject: "x", body: "{{ order.name }}".repeat(TEMPLATE_LIMITS.tags / 2) + "{% if x %}{% endif %}".repeat(TEMPLATE_LIMITS.tags) });
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.errors).toEqual([expect.objectContaining({ field: "body", message: expect.stringContaining(`at most ${TEMPLATE_LIMITS.tags}`) })]);
  });

  it("reads only the context's own data", () => {
    const out = renderMessage({ channel: "sms", body: "[{{ customer.constructor }}][{{ shop.__proto__ }}][{{ order.toString }}]", context: base });
    expect(out.text).toBe("[][][]");
  });

  it("renders a missing value as empty at send time rather than losing the message", () => {
    const out = renderMessage({ channel: "sms", body: "Hi {{ customer.nickname }}!", context: base });
    expect(out.text).toBe("Hi !");
  });

  it("throws a TemplateError a merchant can read when a stored template is broken", () => {
    expect(() => renderMessage({ channel: "sms", body: "{{ x | shout }}", context: base })).toThrow(TemplateError);
    try {
      renderMessage({ channel: "email", subject: "{% if %}", body: "x", context: base });
    } catch (error) {
      expect((error as TemplateError).errors[0]!.field).toBe("subject");
    }
  });

  it("renders the same template thousands of times quickly (parsed once)", () => {
    const t = defaultTemplate("delay_weather", "email", "en")!;
    const context = sampleContext("en", { moment: "delay_weather", shipmentCount: 3 });
    const started = performance.now();
    for (let i = 0; i < 1000; i++) renderMessage({ channel: "email", ...t, context });
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe("htmlToText", () => {
  it("keeps paragraphs, lists and links, and decodes entities", () => {
    const html = '<div><p>Hi&nbsp;Emma,</p>\n<p>Tom &amp; Jerry &#39;s <strong>order</strong></p><ul><li>one</li><li>two</li></ul><p><a href="https://x.test/a?b=1&amp;c=2">Track</a> <a href="mailto:h@x.test">h@x.test</a></p></div>';
    expect(htmlToText(html)).toBe("Hi Emma,\n\nTom & Jerry 's order\n\n- one\n- two\n\nTrack (https://x.test/a?b=1&c=2) h@x.test");
    expect(htmlToText("a<br>b<br/>c")).toBe("a\nb\nc");
    expect(htmlToText("&amp;lt;")).toBe("&lt;");
  });
});
