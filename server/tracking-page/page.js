/* Shipwatch tracking page. The answer is on the page already; this adds lookups in place and a refresh. */
(() => {
  "use strict";
  const root = document.querySelector("[data-sw-page]");
  if (!root || root.dataset.swReady) return;
  root.dataset.swReady = "1";
  const d = root.dataset;
  const result = root.querySelector("[data-sw-result]");
  const form = root.querySelector("[data-sw-form]");
  const error = form.querySelector(".swp-error");
  const live = root.querySelector("[data-sw-live]");
  const KEYS = ["t", "order", "email", "tracking"];
  const asked = (params) => {
    const query = new URLSearchParams();
    KEYS.forEach((k) => params.get(k) && query.set(k, params.get(k)));
    return query;
  };
  let last = asked(new URLSearchParams(location.search));
  let busy = false;
  const say = (text) => (live.textContent = text || "");
  // times the server could not place in the recipient's zone: the browser's own
  const moment = new Intl.DateTimeFormat(root.lang || undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });

  function ready() {
    result.querySelectorAll("[data-sw-actions]").forEach((p) => (p.hidden = !last.toString()));
    result.querySelectorAll("time[data-sw-local]").forEach((el) => {
      const at = new Date(el.dateTime);
      if (!isNaN(at)) el.textContent = moment.format(at);
    });
  }

  async function load(query, focus) {
    if (busy) return;
    busy = true;
    root.setAttribute("aria-busy", "true");
    say(d.loading);
    let html = null;
    try {
      const ask = new URLSearchParams(query);
      ask.set("fragment", "1");
      const res = await fetch(`${d.proxy}?${ask}`, { credentials: "same-origin", headers: { accept: "text/html" } });
      if (res.ok) html = await res.text();
    } catch {
      // offline: "failed" below
    }
    busy = false;
    root.removeAttribute("aria-busy");
    if (html === null) {
      const box = document.createElement("div");
      box.className = "swp-notice";
      box.setAttribute("data-sw-say", "");
      box.append(Object.assign(document.createElement("p"), { textContent: d.failed }));
      result.replaceChildren(box);
    } else {
      result.innerHTML = html;
      if (result.querySelector(".swp-answer")) last = query;
    }
    ready();
    const said = result.querySelector("[data-sw-say]");
    say(said ? said.textContent : "");
    if (focus) {
      // focus closes a phone's keyboard; then the answer comes into view
      const heading = result.querySelector("[tabindex='-1']");
      if (heading) heading.focus();
      result.scrollIntoView({ block: "start" });
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    error.hidden = true;
    form.querySelectorAll("[aria-invalid]").forEach((input) => input.removeAttribute("aria-invalid"));
    const by = form.elements.by.value;
    const inputs = [...form.querySelectorAll(`[data-by="${by}"] input`)];
    const missing = inputs.filter((input) => !input.value.trim());
    if (missing.length) {
      error.textContent = by === "tracking" ? d.missingTracking : d.missingOrder;
      error.hidden = false;
      missing.forEach((input) => input.setAttribute("aria-invalid", "true"));
      missing[0].focus();
      return say(error.textContent);
    }
    const query = new URLSearchParams();
    inputs.forEach((input) => query.set(input.name, input.value.trim()));
    load(query, true);
  });
  root.addEventListener("click", (e) => {
    if (e.target.closest("[data-sw-refresh]")) load(last, false);
  });
  ready();
})();
