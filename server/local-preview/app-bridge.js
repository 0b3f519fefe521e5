// Local stand-in for App Bridge (SHIPWATCH_LOCAL_PREVIEW=1 only). It does the three things an embedded
// Remix app relies on: window.shopify.idToken(), a fetch that carries the session token to the app's own
// origin, and the bounce page's reload with a fresh id_token. <ui-nav-menu> becomes a visible link bar.
(function () {
  "use strict";
  var originalFetch = window.fetch.bind(window);
  var cached = null;

  function idToken() {
    if (cached && Date.now() < cached.expiresAt - 10000) return Promise.resolve(cached.token);
    return originalFetch("/local-preview/token", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (t) { cached = t; return t.token; });
  }

  window.fetch = function (input, init) {
    var url = new URL(typeof input === "string" || input instanceof URL ? String(input) : input.url, location.href);
    if (url.origin !== location.origin || url.pathname.indexOf("/local-preview") === 0) return originalFetch(input, init);
    return idToken().then(function (token) {
      var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
      if (!headers.has("Authorization")) headers.set("Authorization", "Bearer " + token);
      return originalFetch(input, Object.assign({}, init, { headers: headers }));
    });
  };

  function toast(message, options) {
    var el = document.createElement("div");
    el.setAttribute("role", "status");
    el.textContent = message;
    el.style.cssText = "position:fixed;bottom:" + (saveBarShowing() ? 88 : 24) + "px;left:50%;transform:translateX(-50%);background:" + (options && options.isError ? "#8e1f0b" : "#303030") + ";color:#fff;padding:10px 16px;border-radius:8px;font:14px system-ui;z-index:1000";
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, 3000);
  }

  var script = document.currentScript;
  window.shopify = {
    config: { apiKey: script && script.getAttribute("data-api-key"), shop: "shipwatch-demo.myshopify.com", locale: "en" },
    idToken: idToken,
    toast: { show: toast, hide: function () {} },
    saveBar: {
      show: function (id) { return saveBarCall(id, "show"); },
      hide: function (id) { return saveBarCall(id, "hide"); },
      toggle: function (id) { return saveBarCall(id, "toggle"); },
      // the admin's "Leave page with unsaved changes?" dialog; staying rejects, so that the caller can stay too
      leaveConfirmation: function () {
        if (!saveBarShowing()) return Promise.resolve();
        return window.confirm("Leave page with unsaved changes? If you leave, your changes will be lost.") ? Promise.resolve() : Promise.reject(new Error("The merchant stayed on the page"));
      },
    },
    loading: function () {},
    environment: { embedded: false, mobile: false, pos: false },
  };

  // The bounce page (/auth/session-token?shopify-reload=…): reload the page it stands for with a fresh token.
  // shopify-reload names the app's public URL (SHOPIFY_APP_URL), not this loopback origin, and only a path on
  // this origin is ever followed: the parameter comes from the address bar.
  var reload = new URL(location.href).searchParams.get("shopify-reload");
  if (reload) {
    idToken().then(function (token) {
      var named = new URL(reload, location.origin);
      // one leading slash: "//host/path" would name another host
      var target = new URL("/" + named.pathname.replace(/^\/+/, "") + named.search, location.origin);
      target.searchParams.set("id_token", token);
      location.replace(target.toString());
    });
  }

  function saveBarCall(id, method) {
    var bar = document.getElementById(id);
    return bar && typeof bar[method] === "function" ? bar[method]() : Promise.resolve();
  }
  function saveBarShowing() {
    return Array.prototype.some.call(document.querySelectorAll("ui-save-bar"), function (bar) { return bar.showing === true; });
  }
  // a reload or a typed address while a save bar shows: the browser's own "Leave site?" stands in for the admin's
  window.addEventListener("beforeunload", function (event) {
    if (!saveBarShowing()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // <ui-save-bar> as a bar along the bottom of the page while shown (the admin draws it over its top bar; here the
  // top is the app's navigation, which must stay reachable so that leaving can be confirmed). Its <button> children stay the page's own (in a
  // slot, so React's handlers and markup are untouched): the primary one is Save, the other Discard.
  if (!customElements.get("ui-save-bar")) {
    var SAVE_BAR_STYLE =
      ":host{display:none}" +
      ":host(:state(showing)){display:flex;position:fixed;bottom:0;left:0;right:0;z-index:900;align-items:center;gap:8px;padding:12px 20px;background:#1a1a1a;color:#e3e3e3;font:600 14px system-ui;box-shadow:0 -2px 6px rgba(0,0,0,.3)}" +
      ".title{flex:1}" +
      "::slotted(button){font:600 13px system-ui;padding:6px 12px;border-radius:8px;border:1px solid #616161;background:#303030;color:#fff;cursor:pointer}" +
      "::slotted(button[variant=primary]){background:#fff;color:#303030;border-color:#fff}" +
      "::slotted(button[loading]),::slotted(button:disabled){opacity:.6;cursor:default}";
    customElements.define(
      "ui-save-bar",
      class extends HTMLElement {
        constructor() {
          super();
          this._internals = this.attachInternals();
          var root = this.attachShadow({ mode: "open" });
          root.innerHTML = '<style>' + SAVE_BAR_STYLE + '</style><span class="title">Unsaved changes</span><slot></slot>';
        }
        get showing() {
          return this._internals.states.has("showing");
        }
        show() {
          if (!this.showing) {
            this._internals.states.add("showing");
            // room below the page's end, so that the bar hides nothing
            document.body.style.paddingBottom = "64px";
            this.dispatchEvent(new CustomEvent("show"));
          }
          return Promise.resolve();
        }
        hide() {
          if (this.showing) {
            this._internals.states.delete("showing");
            if (!saveBarShowing()) document.body.style.paddingBottom = "";
            this.dispatchEvent(new CustomEvent("hide"));
          }
          return Promise.resolve();
        }
        toggle() {
          return this.showing ? this.hide() : this.show();
        }
      },
    );
  }

  // <ui-nav-menu> as a link bar along the top. Its links are React's: the page hydrates them, on a loaded machine
  // long after this runs, so nothing here may touch them or their host's attributes (a changed attribute or text
  // node is a hydration mismatch). The bar is drawn by a shadow root around them, and named through the element's
  // internals, which the accessibility tree reads and the markup never shows.
  if (!customElements.get("ui-nav-menu")) {
    var NAV_STYLE =
      ":host{display:block}" +
      ".bar{display:flex;gap:16px;padding:10px 20px;background:#1a1a1a;font:600 14px system-ui}" +
      "::slotted(a){color:#fff;text-decoration:none}";
    customElements.define(
      "ui-nav-menu",
      class extends HTMLElement {
        constructor() {
          super();
          var internals = this.attachInternals();
          internals.role = "navigation";
          internals.ariaLabel = "Shipwatch";
          this.attachShadow({ mode: "open" }).innerHTML = "<style>" + NAV_STYLE + "</style><div class=\"bar\"><slot></slot></div>";
        }
      },
    );
  }
})();
