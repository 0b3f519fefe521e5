import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What a stand-in reads of a request's body at most: more is refused, as the providers' own APIs do. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** A request's body as text, refused past {@link MAX_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body over 1 MiB"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Answers once; an empty body carries no content type. */
export function send(res: ServerResponse, status: number, contentType: string, text: string, extra: Record<string, string> = {}) {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...(text ? { "Content-Type": contentType } : {}), "Content-Length": Buffer.byteLength(text), ...extra });
  res.end(text);
}

/** An injected failure: an answer with this status (and Retry-After), or "timeout": no answer in time. */
export type InjectedFailure = { status: number; retryAfter?: number | string; body?: string } | "timeout";

/** Stops listening and drops every connection at once (kept-alive ones included): a stand-in's close(). */
export function closeNow(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Listens on 127.0.0.1 (`port`, or one the system picks) and gives the stand-in's base URL. */
export async function listenLocally(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
