/* Shipwatch order tracking. No framework; Shopify loads it deferred, only on pages with the block. */
(() => {
  "use strict";
  // milestone per status: milestoneOf in app/domain/status.ts (a test keeps them in step)
  const STEP = { label_created: 0, picked_up: 1, in_transit: 1, delayed: 1, out_for_delivery: 2, available_for_pickup: 2, attempted_delivery: 2, delivered: 3 };
  const PROBLEMS = ["delayed", "attempted_delivery", "exception", "returning_to_sender", "returned_to_sender"];
  const SHOWN = 4; // timeline entries before "Show all"

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const link = (cls, text, href) => Object.assign(el("a", cls, text), { href });
  const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));

  function init(root) {
    const t = JSON.parse(root.querySelector("[data-sw-i18n]").textContent);
    const form = root.querySelector("form");
    const [live, results, error, cta] = [".sw-live", ".sw-results", ".sw-error", ".sw-cta"].map((s) => root.querySelector(s));
    const help = root.dataset.help;
    const lang = root.dataset.locale || document.documentElement.lang || undefined;
    const day = { weekday: "long", month: "long", day: "numeric" };
    const dates = (options) => new Intl.DateTimeFormat(lang, options);
    const dayLocal = dates(day);
    // a date-only estimate is read in UTC, or it shows a day early west of Greenwich
    const dayUtc = dates({ ...day, timeZone: "UTC" });
    const moment = dates({ month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
    let busy = false;

    const mode = () => form.elements.by.value;
    const say = (text) => (live.textContent = text);
    const dateOf = (iso) => (/T00:00:00(\.0+)?Z$/.test(iso) ? dayUtc : dayLocal).format(new Date(iso));
    const statusText = (s) => {
      // an open case: the app's label
      const text = (!s.attention && t.status[s.status]) || s.statusLabel;
      return s.reason && t.reason[s.reason] ? `${text} · ${t.reason[s.reason]}` : text;
    };

    const sync = () =>
      root.querySelectorAll("[data-by]").forEach((group) => {
        group.hidden = group.dataset.by !== mode();
        group.querySelectorAll("input").forEach((input) => (input.disabled = group.hidden));
      });
    const clearErrors = () => {
      error.textContent = "";
      error.hidden = true;
      form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
    };
    const invalid = (inputs, message) => {
      error.textContent = message;
      error.hidden = false;
      inputs.forEach((input) => input.setAttribute("aria-invalid", "true"));
      inputs[0].focus();
      say(message);
    };
    const notice = (message, offerHelp) => {
      const box = el("div", "sw-notice");
      box.append(el("p", "", message));
      if (offerHelp && help) box.append(link("", t.help, help));
      results.replaceChildren(box);
      say(message);
    };

    function progress(s) {
      let at = STEP[s.status];
      const finished = s.status === "delivered";
      // off the happy path: the furthest milestone reached, packed at least
      if (at == null) at = Math.max(0, ...s.events.map((e) => STEP[e.status] ?? 0));
      const ol = el("ol", "sw-steps");
      ol.setAttribute("aria-label", t.progress);
      t.milestones.forEach((name, k) => {
        const past = k < at || (finished && k === at);
        const li = el("li", past ? "sw-past" : k === at ? "sw-now" : "");
        li.append(el("span", "sw-dot"), el("span", "sw-step", name), el("span", "sw-vh", ` (${past ? t.step_done : k === at ? t.step_current : t.step_next})`));
        if (k === at) li.setAttribute("aria-current", "step");
        ol.append(li);
      });
      return ol;
    }

    function facts(s) {
      const wrap = el("div", "sw-carrier");
      const dl = el("dl", "sw-facts");
      const add = (term, value) => {
        const div = el("div");
        div.append(el("dt", "", term), el("dd", "", value));
        dl.append(div);
      };
      add(t.carrier, s.carrier.name);
      if (s.trackingNumber) add(t.tracking_number, s.trackingNumber);
      wrap.append(dl);
      if (/^https:\/\//i.test(s.trackingUrl || "")) {
        const a = link("sw-link", fill(t.carrier_link, { carrier: s.carrier.name }), s.trackingUrl);
        Object.assign(a, { target: "_blank", rel: "noopener noreferrer" });
        a.append(el("span", "sw-vh", ` ${t.opens_new}`));
        wrap.append(a);
      }
      return wrap;
    }

    function timeline(events) {
      const wrap = el("div", "sw-history");
      if (!events.length) return wrap;
      const [recent, older] = [0, 1].map(() => el("ol", "sw-events"));
      events.forEach((e, k) => {
        const li = el("li", k ? "" : "sw-latest");
        const time = el("time", "", moment.format(new Date(e.happenedAt)));
        time.dateTime = e.happenedAt;
        li.append(time, el("strong", "", t.status[e.status] || e.status));
        if (e.message) li.append(el("span", "sw-msg", e.message));
        if (e.location) li.append(el("span", "sw-place", e.location));
        (k < SHOWN ? recent : older).append(li);
      });
      wrap.append(el("h5", "", t.history), recent);
      if (older.childElementCount) {
        // native disclosure: accessible for free
        const more = el("details", "sw-more");
        more.append(el("summary", "", fill(t.show_all, { count: events.length })), older);
        wrap.append(more);
      }
      return wrap;
    }

    function card(s, i, total) {
      const problem = s.attention || PROBLEMS.includes(s.status);
      const delivered = s.status === "delivered";
      const article = el("article", `sw-shipment${problem ? " sw-problem" : delivered ? " sw-delivered" : ""}`);
      if (total > 1) article.append(el("p", "sw-count", fill(t.shipment_of, { n: i + 1, total })));
      article.append(el("h4", "sw-status", statusText(s)), el("p", "sw-next", s.attention?.message || t.next[s.status] || t.next.unknown));
      const droppedAt = delivered && (s.events.find((e) => e.status === "delivered")?.happenedAt || s.lastEventAt);
      const when = droppedAt ? fill(t.delivered_on, { date: dateOf(droppedAt) }) : !delivered && s.estimatedDeliveryAt ? fill(t.eta, { date: dateOf(s.estimatedDeliveryAt) }) : "";
      if (when) article.append(el("p", "sw-when", when));
      article.append(progress(s));
      if (problem && help) article.append(link("sw-help", t.help, help));
      article.append(facts(s), timeline(s.events));
      return article;
    }

    function show(body) {
      const list = body.shipments;
      const order = body.order.name;
      const heading = el("h3", "sw-order", fill(t.order_title, { order }));
      heading.tabIndex = -1;
      results.replaceChildren(heading);
      if (!list.length) results.append(el("p", "sw-next", t.no_shipments));
      list.forEach((s, i) => results.append(card(s, i, list.length)));
      cta.hidden = !(list.length && list.every((s) => s.status === "delivered"));
      const found = list.length > 1 ? fill(t.found_many, { order, count: list.length }) : fill(t.found, { order });
      say([found, ...list.map(statusText)].join(" "));
      // focus closes a phone's keyboard; then the status comes into view
      heading.focus();
      heading.scrollIntoView();
    }

    async function lookup(params) {
      busy = true;
      form.setAttribute("aria-busy", "true");
      cta.hidden = true;
      results.replaceChildren(el("p", "sw-loading", t.loading));
      say(t.loading);
      let status = 0;
      let retry = 60;
      let body = null;
      try {
        const res = await fetch(`${root.dataset.proxy.replace(/\/$/, "")}/lookup?${new URLSearchParams(params)}`, { headers: { accept: "application/json" } });
        status = res.status;
        retry = Number(res.headers.get("retry-after")) || retry;
        body = await res.json();
      } catch {
        // offline, or not JSON
      }
      busy = false;
      form.removeAttribute("aria-busy");
      if (status === 200 && body?.shipments) return show(body);
      if (status === 404) return notice(t.not_found, true);
      if (status === 429) return body?.error === "too_many_attempts" ? notice(fill(t.too_many_attempts, { minutes: Math.ceil(retry / 60) }), true) : notice(fill(t.rate_limited, { seconds: retry }));
      notice(status === 400 ? t.too_long : t.failed, status !== 400);
    }

    function submit() {
      if (busy) return;
      clearErrors();
      const inputs = [...form.querySelectorAll("[data-by] input:enabled")];
      const missing = inputs.filter((input) => !input.value.trim());
      if (missing.length) return invalid(missing, mode() === "tracking" ? t.missing_tracking : t.missing_order);
      lookup(Object.fromEntries(inputs.map((input) => [input.name, input.value.trim()])));
    }

    form.addEventListener("change", (e) => {
      if (e.target.name !== "by") return;
      sync();
      clearErrors();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      submit();
    });

    // Deep links: a message's ?t=<token>, or ?order=1001&email=… or ?tracking=…
    const query = new URLSearchParams(location.search);
    const by = query.get("tracking") ? "tracking" : query.get("order") && query.get("email") ? "order" : "";
    if (query.get("t")) lookup({ t: query.get("t") });
    else if (by) {
      form.elements.by.value = by;
      sync();
      form.querySelectorAll("[data-by] input:enabled").forEach((input) => (input.value = query.get(input.name)));
      submit();
    }
  }

  const start = (scope) => scope.querySelectorAll("[data-sw-track]").forEach(init);
  start(document);
  // the theme editor re-renders a section in place when its settings change
  document.addEventListener("shopify:section:load", (e) => start(e.target));
})();
