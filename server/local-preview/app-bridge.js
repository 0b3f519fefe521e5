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

  function toast(message) {
    var el = document.createElement("div");
    el.setAttribute("role", "status");
    el.textContent = message;
    el.style.cssText = "position:fixed;bottom:24px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:10px 16px;border-radius:8px;font:14px system-ui;z-index:1000";
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, 3000);
  }

  var script = document.currentScript;
  window.shopify = {
    config: { apiKey: script && script.getAttribute("data-api-key"), shop: "shipwatch-demo.myshopify.com", locale: "en" },
    idToken: idToken,
    toast: { show: toast, hide: function () {} },
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

  if (!customElements.get("ui-nav-menu")) {
    customElements.define(
      "ui-nav-menu",
      class extends HTMLElement {
        connectedCallback() {
          var self = this;
          requestAnimationFrame(function () {
            self.style.cssText = "display:flex;gap:16px;padding:10px 20px;background:#1a1a1a;font:600 14px system-ui";
            self.setAttribute("role", "navigation");
            self.setAttribute("aria-label", "Shipwatch");
            Array.prototype.forEach.call(self.querySelectorAll("a"), function (a) {
              a.style.cssText = "color:#fff;text-decoration:none";
              if (a.getAttribute("rel") === "home") a.textContent = a.textContent || "Home";
            });
          });
        }
      },
    );
  }
})();
