import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app";

/**
 * Issue 13, item 6: DNS rebinding. A page on evil.example whose name later resolves to 127.0.0.1 talks to the
 * local preview from the browser as a same-origin page, with `Host: evil.example`. The TCP peer is loopback
 * either way; only the Host header tells the two apart. The preview answers loopback names only.
 */

/** A real request over loopback with exactly this Host header (fetch will not let a caller set Host). */
function get(app: TestApp, path: string, host: string | null): Promise<{ status: number; body: string }> {
  const { port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "GET", setHost: false, headers: host === null ? {} : { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

const PATHS = ["/local-preview/token", "/local-preview", "/local-preview/", "/local-preview/app-bridge.js", "/local-preview/anything"];

describe("local preview: loopback Host values only", () => {
  let app: TestApp;
  let port: string;
  beforeAll(async () => {
    app = await startTestApp({ localPreview: true });
    port = new URL(app.url).port;
  });
  afterAll(async () => app?.close());

  it.each(PATHS)("GIVEN Host: evil.example on %s THEN 403 with a clear message, and no token", async (path) => {
    for (const host of ["evil.example", `evil.example:${port}`]) {
      const res = await get(app, path, host);
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: "loopback_host_only" });
      expect(JSON.parse(res.body).message).toMatch(/localhost, 127\.0\.0\.1 or \[::1\]/);
      expect(res.body).not.toMatch(/"token"/);
    }
  });

  it.each([
    "127.0.0.1.evil.example",
    "localhost.evil.example",
    "evil.example:80@localhost",
    "127.0.0.2",
    "0.0.0.0",
    "[::ffff:127.0.0.1]",
    "[::1]x",
    "localhost:",
    "localhost:abc",
    "",
  ])("GIVEN Host: %j THEN 403", async (host) => {
    expect((await get(app, "/local-preview/token", host)).status).toBe(403);
  });

  it("GIVEN no Host header at all THEN refused: by Node for HTTP/1.1, by the preview for HTTP/1.0", async () => {
    expect((await get(app, "/local-preview/token", null)).status).toBe(400);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), "127.0.0.1", () => socket.end("GET /local-preview/token HTTP/1.0\r\n\r\n"));
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain("loopback_host_only");
  });

  it.each(["127.0.0.1", "localhost", "LocalHost", "[::1]"])("GIVEN Host: %s, with or without the port THEN the preview answers", async (name) => {
    for (const host of [name, `${name}:${port}`]) {
      const res = await get(app, "/local-preview/token", host);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toHaveProperty("token");
    }
    expect((await get(app, "/local-preview", `${name}:${port}`)).status).toBe(302);
  });
});
