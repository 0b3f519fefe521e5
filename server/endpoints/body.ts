import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "./respond";

/** The request's body, or null as soon as it passes `limit` bytes (declared or sent): answer it with {@link refuseTooLarge}. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) return resolve(null);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off("data", onData);
      resolve(null);
    };
    req.on("data", onData);
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** 413 for a body above `limit` bytes; the connection closes, and what remains of the body is not read. */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number, headers: Record<string, string> = {}) {
  sendJson(res, 413, { error: "payload_too_large", message: `bodies above ${limit} bytes are refused` }, { ...headers, connection: "close" });
  res.on("finish", () => req.destroy());
}
