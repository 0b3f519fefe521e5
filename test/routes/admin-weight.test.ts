import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { negotiateEncoding } from "../../server/remix";
import { startTestApp, type TestApp } from "../support/test-app";

/**
 * What the admin sends over the wire: built assets compressed (brotli, else gzip) and cached for a year under
 * their hashed names, documents compressed as they are written, and in the local preview no preload of Shopify's
 * App Bridge (the preview serves its own). Needs `npm run build`, like the browser tests.
 */
const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
const assetsDir = path.resolve("build/client/assets");

function largestAsset(ext: string): string {
  if (!fs.existsSync(assetsDir)) throw new Error("no build: run `npm run build` first");
  const names = fs.readdirSync(assetsDir).filter((n) => n.endsWith(ext));
  return names.sort((a, b) => fs.statSync(path.join(assetsDir, b)).size - fs.statSync(path.join(assetsDir, a)).size)[0]!;
}

describe("negotiateEncoding", () => {
  it.each([
    ["gzip, deflate, br, zstd", "br"],
    ["gzip", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["*", "br"],
    ["identity", null],
    ["gzip;q=0", null],
    ["", null],
  ] as const)("%j → %s", (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });
});

describe("the admin's bytes on the wire", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ remix: true, localPreview: true, shops: ["shipwatch-demo.myshopify.com"] });
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    [".js", "text/javascript"],
    [".css", "text/css"],
  ])("serves the biggest built %s file with brotli, gzip or as it is, as the browser asks, cached as immutable", async (ext, type) => {
    const name = largestAsset(ext);
    const raw = fs.readFileSync(path.join(assetsDir, name));
    const br = await fetch(`${app.url}/assets/${name}`, { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(br.status).toBe(200);
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("content-type")).toContain(type);
    expect(br.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(br.headers.get("vary")).toContain("accept-encoding");
    const brBytes = Buffer.from(await br.arrayBuffer());
    // fetch decodes what it asked for; the length on the wire is the header's
    expect(Number(br.headers.get("content-length"))).toBeLessThan(raw.length / 3);
    expect(brBytes.equals(raw)).toBe(true);

    const gz = await fetch(`${app.url}/assets/${name}`, { headers: { "accept-encoding": "gzip" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(Buffer.from(await gz.arrayBuffer()).equals(raw)).toBe(true);

    const plain = await fetch(`${app.url}/assets/${name}`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(Number(plain.headers.get("content-length"))).toBe(raw.length);
    expect(Buffer.from(await plain.arrayBuffer()).equals(raw)).toBe(true);
  });

  it("compresses an admin page and, in the local preview, sends no preload of Shopify's App Bridge", async () => {
    const res = await fetch(`${app.url}/local-preview?path=/app/status-mapping`, { headers: { "accept-encoding": "gzip, br", "user-agent": CHROME } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-encoding")).toBe("br");
    expect(res.headers.get("link") ?? "").not.toContain("cdn.shopify.com/shopifycloud/app-bridge.js");
    const html = await res.text();
    expect(html).toContain("Status mapping");
    expect(html).toContain("/local-preview/app-bridge.js");
    expect(html).not.toContain("https://cdn.shopify.com/shopifycloud/app-bridge.js");
  });

  it("sends a page as it is to a client that takes no compression", async () => {
    const res = await fetch(`${app.url}/local-preview?path=/app/status-mapping`, { headers: { "accept-encoding": "identity", "user-agent": CHROME } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBeNull();
    expect(await res.text()).toContain("Status mapping");
  });

  it("status mapping: one source's codes per page, the other a tab away", async () => {
    const open = async (query: string) => (await fetch(`${app.url}/local-preview?path=${encodeURIComponent(`/app/status-mapping${query}`)}`, { headers: { "user-agent": CHROME } })).text();
    const first = await open("");
    expect(first).toContain("Carrier events: confirmed reads as");
    expect(first).not.toContain("Shopify shipment status: confirmed reads as");
    const second = await open("?source=shopify_shipment_status");
    expect(second).toContain("Shopify shipment status: confirmed reads as");
    expect(second).not.toContain("Carrier events: confirmed reads as");
  });
});

