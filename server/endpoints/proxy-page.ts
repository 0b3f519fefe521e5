import type { IncomingMessage, ServerResponse } from "node:http";
import { renderTrackingPage, renderTrackingResult, type PageAnswer } from "../tracking-page/render";
import { pageLanguage } from "../tracking-page/strings";
import { createLookupGate, LOOKUP_PARAMS, type LookupGateDeps } from "./proxy-lookup";
import { sendJson } from "./respond";

/** Where Shopify serves the page when the signed `path_prefix` says nothing usable. */
const DEFAULT_PROXY_PATH = "/apps/track";
/** Shopify's app proxy prefixes, and a merchant's subpath: anything else is not a path Shopify signed for us. */
const PROXY_PATH = /^\/(apps|a|community|tools)\/[A-Za-z0-9_-]{1,64}$/;

/**
 * GET /proxy — the tracking page at https://<shop>/apps/track, answered as `application/liquid` so that Shopify
 * renders it inside the shop's theme (no page or block to set up).
 *
 * The same gate as /proxy/lookup (signature, rate limits, input limits, failed-attempt limits, the not-found
 * floor), so the page and the JSON lookup count the same attempts. With `?t=`, `?order=&email=` or
 * `?tracking=` the answer is on the page as it arrives; without, the form. Shopify renders a Liquid answer only
 * when it is a 200, so every outcome a shopper should read (not found, too many attempts, too long) is a 200 page
 * with the message and the form; the not-found page is the same bytes whatever was asked (an unknown order, a
 * wrong email, a tampered, expired or foreign link). A bad signature is a 401, as for the lookup.
 * `?fragment=1` (the page's script) answers the result alone, without the theme around it.
 */
export function proxyPageEndpoint(deps: LookupGateDeps) {
  const gate = createLookupGate(deps);
  // The lookup remembers an answer for two seconds and hands the same object to everyone who asks: its page is
  // written once per language, path and minute (the page reads `now` only for "today"), not once per request.
  const written = new WeakMap<object, Map<string, string>>();
  const headers = { "content-type": "application/liquid; charset=utf-8", "cache-control": "no-store", vary: "accept-language" };

  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== "GET") return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "GET" });
    const language = pageLanguage(req.headers["accept-language"]);
    const prefix = url.searchParams.get("path_prefix") ?? "";
    const proxyPath = PROXY_PATH.test(prefix) ? prefix : DEFAULT_PROXY_PATH;
    const fragment = url.searchParams.get("fragment") === "1";
    const send = (answer: PageAnswer, outcome: string) => {
      const now = deps.now();
      const input = { language, proxyPath, answer, now };
      const render = () => (fragment ? renderTrackingResult(input) : renderTrackingPage(input));
      let body: string;
      if (answer.kind === "found") {
        const key = `${language}|${proxyPath}|${fragment}|${Math.floor(now / 60_000)}`;
        const pages = written.get(answer.shipments) ?? new Map<string, string>();
        written.set(answer.shipments, pages);
        body = pages.get(key) ?? render();
        if (pages.size > 20) pages.clear();
        pages.set(key, body);
      } else body = render();
      res.writeHead(200, { ...headers, "content-length": Buffer.byteLength(body), "x-shipwatch-outcome": outcome });
      res.end(body);
    };

    // the bare page asks nothing: the form, once the signature holds, without touching any limit
    const asks = LOOKUP_PARAMS.some((name) => url.searchParams.get(name)?.trim());
    if (!asks) {
      const check = gate.verify(url);
      if (!check.ok) return sendJson(res, 401, { error: "unauthorized", message: `app proxy signature: ${check.why}` }, { "cache-control": "no-store" });
      return send({ kind: "form" }, "form");
    }

    const admission = gate.admit(req, url);
    switch (admission.kind) {
      case "unauthorized":
        return sendJson(res, 401, { error: "unauthorized", message: `app proxy signature: ${admission.why}` }, { "cache-control": "no-store" });
      case "refused":
        return send({ kind: admission.error, retryAfterSeconds: admission.retryAfterSeconds }, admission.error);
      case "bad_request":
        // an order number without its email is not a question yet: the form, as if nothing were asked
        return admission.reason === "too_long" ? send({ kind: "bad_request" }, "bad_request") : send({ kind: "form" }, "form");
      case "ask":
        gate.answer(admission).then(
          (result) => (result.found ? send({ kind: "found", order: result.order, shipments: result.shipments }, "found") : send({ kind: "not_found" }, "not_found")),
          (error: unknown) => {
            res.emit("shipwatch:error", error);
            // a page still: Shopify shows a 5xx as its own error page, and the shopper can try again from ours
            send({ kind: "failed" }, "failed");
          },
        );
    }
  };
}
