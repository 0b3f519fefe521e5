import type { IncomingMessage, ServerResponse } from "node:http";
import { AFTERSHIP_SIGNATURE_HEADER } from "~/.server/feeds/aftership-signature";
import { EASYPOST_SIGNATURE_HEADER } from "~/.server/feeds/easypost-signature";
import { SHIPENGINE_KEY_ID_HEADER, SHIPENGINE_SIGNATURE_HEADER, SHIPENGINE_TIMESTAMP_HEADER } from "~/.server/feeds/shipengine-signature";
import type { FeedProvider } from "~/.server/ports";
import type { FeedReceipt, TrackingFeeds } from "~/.server/services/tracking-feeds";
import { refuseTooLarge } from "./body";
import { sendJson } from "./respond";

/** A feed event carries one tracker (one AfterShip tracking): small. Anything above this is refused before it is read in full. */
export const MAX_FEED_EVENT_BYTES = 1024 * 1024;
const CONNECTION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * POST /feeds/easypost/<connection id> — where EasyPost delivers a connected shop's tracker events (the
 * contract): 200 once durably stored (also for an event already stored), 401 for a missing or wrong
 * X-Hmac-Signature (nothing stored), 404 for an id no connection has, 405 for other methods, 413 above 1 MiB.
 */
export function easyPostFeedEndpoint(feeds: Pick<TrackingFeeds, "receive">) {
  const unauthorized = "X-Hmac-Signature is missing or does not match this connection's webhook secret";
  return feedEndpoint("easypost", unauthorized, (id, body, req) => feeds.receive(id, body, headerOf(req, EASYPOST_SIGNATURE_HEADER), "easypost"));
}

/**
 * POST /feeds/aftership/<connection id> — where AfterShip delivers a connected shop's tracking webhooks, answered
 * exactly as EasyPost's are; the signature is the `aftership-hmac-sha256` header.
 */
export function afterShipFeedEndpoint(feeds: Pick<TrackingFeeds, "receive">) {
  const unauthorized = "aftership-hmac-sha256 is missing or does not match this connection's webhook secret";
  return feedEndpoint("aftership", unauthorized, (id, body, req) => feeds.receive(id, body, headerOf(req, AFTERSHIP_SIGNATURE_HEADER), "aftership"));
}

/**
 * POST /feeds/shipengine/<connection id> — where ShipEngine delivers a connected shop's `track` webhooks (registered
 * by Shipwatch on connect), answered as the others are; the signature is ShipEngine's RSA-SHA256 trio of headers. A
 * missing, forged or stale signature is 401 like the other feeds' (ShipEngine's docs allow 404/400; one answer for
 * every refusal keeps the endpoint's contract the same across feeds).
 */
export function shipEngineFeedEndpoint(feeds: Pick<TrackingFeeds, "receiveShipEngine">) {
  const unauthorized = "the x-shipengine-rsa-sha256 signature is missing, stale or not ShipEngine's";
  return feedEndpoint("shipengine", unauthorized, (id, body, req) =>
    feeds.receiveShipEngine(id, body, {
      keyId: headerOf(req, SHIPENGINE_KEY_ID_HEADER),
      signature: headerOf(req, SHIPENGINE_SIGNATURE_HEADER),
      timestamp: headerOf(req, SHIPENGINE_TIMESTAMP_HEADER),
    }),
  );
}

const headerOf = (req: IncomingMessage, name: string) => {
  const header = req.headers[name];
  return (Array.isArray(header) ? header[0] : header) ?? null;
};

function feedEndpoint(provider: FeedProvider, unauthorizedMessage: string, receive: (id: string, body: Buffer, req: IncomingMessage) => Promise<FeedReceipt>) {
  const prefix = `/feeds/${provider}/`;
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== "POST") {
      req.resume();
      return sendJson(res, 405, { error: "method_not_allowed" }, { allow: "POST" });
    }
    const id = url.pathname.slice(prefix.length);
    if (!CONNECTION_ID.test(id)) {
      req.resume();
      return sendJson(res, 404, { error: "not_found" });
    }
    if (Number(req.headers["content-length"] ?? 0) > MAX_FEED_EVENT_BYTES) return refuseTooLarge(req, res, MAX_FEED_EVENT_BYTES);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > MAX_FEED_EVENT_BYTES) {
        refused = true;
        return refuseTooLarge(req, res, MAX_FEED_EVENT_BYTES);
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (refused) return;
      receive(id, Buffer.concat(chunks), req).then(
        (receipt) => {
          switch (receipt.outcome) {
            case "stored":
            case "duplicate":
              return sendJson(res, 200, { ok: true });
            case "unauthorized":
              return sendJson(res, 401, { error: "unauthorized", message: unauthorizedMessage });
            case "not_found":
              return sendJson(res, 404, { error: "not_found" });
          }
        },
        (error: unknown) => {
          // not stored: a 5xx makes the provider retry
          res.emit("shipwatch:error", error);
          sendJson(res, 503, { error: "unavailable" });
        },
      );
    });
  };
}
