import http, { type ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createShopifyAdminClient } from "~/.server/adapters/shopify-admin";
import { closeNow, listenLocally } from "../../scripts/local-services/http";

/**
 * The bulk operation's JSONL file, read line by line (the history import reads it a slice at a time, each slice
 * stopping early): stopping releases the download at once, a file that stops sending fails with a clear error,
 * and a slow reader is never mistaken for a stalled file. Over real HTTP.
 */
describe("Admin API client: reading a bulk operation's file", () => {
  let url: string;
  let server: http.Server;
  /** each request's response: what the test's server is told when the client lets go */
  const downloads: { res: ServerResponse; closed: boolean }[] = [];
  let mode: "endless" | "stall" | "short" | "bytes" = "endless";
  /** the "bytes" file: CRLF and LF lines, a blank one, characters of several bytes, no newline at the end */
  const FILE = Buffer.from('{"id":1,"t":"café"}\r\n\n{"id":2,"t":"日本"}\n{"id":3}');
  let ranges: "answered" | "ignored" = "answered";
  const asked: (string | null)[] = [];
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const download = { res, closed: false };
      downloads.push(download);
      res.on("close", () => (download.closed = true));
      if (mode === "bytes") {
        asked.push(req.headers.range ?? null);
        const from = ranges === "answered" && req.headers.range ? Number(/^bytes=(\d+)-$/.exec(req.headers.range)?.[1]) : 0;
        if (from >= FILE.length) {
          res.writeHead(416, { "content-range": `bytes */${FILE.length}` });
          return res.end();
        }
        res.writeHead(from ? 206 : 200, { "content-type": "application/jsonl" });
        // five bytes a write, flushed apart: lines and characters arrive cut anywhere
        const rest = FILE.subarray(from);
        let at = 0;
        const more = () => {
          if (at >= rest.length) return res.end();
          res.write(rest.subarray(at, (at += 5)));
          setTimeout(more, 1);
        };
        return more();
      }
      res.writeHead(200, { "content-type": "application/jsonl" });
      const line = (i: number) => `${JSON.stringify({ id: `gid://shopify/Order/${i}`, name: `#${i}` })}\n`;
      if (mode === "short") {
        for (let i = 0; i < 20; i++) res.write(line(i));
        res.end();
      } else if (mode === "stall") {
        for (let i = 0; i < 3; i++) res.write(line(i));
        // and then nothing, the connection left open
      } else {
        // a long file: written as fast as the reader takes it, never ending on its own
        let i = 0;
        const more = () => {
          while (!res.destroyed && res.write(line(i++)));
          if (!res.destroyed) res.once("drain", more);
        };
        more();
      }
    });
    url = await listenLocally(server);
    process.on("uncaughtException", onUncaught);
  });
  afterEach(() => {
    expect(uncaught).toEqual([]);
  });
  afterAll(async () => {
    process.off("uncaughtException", onUncaught);
    await closeNow(server);
  });

  const client = () => createShopifyAdminClient({ apiVersion: "2025-10", timeoutMs: 1_000, fileIdleMs: 300 });
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("a reader that stops early lets go of the download at once, and nothing goes off later", async () => {
    mode = "endless";
    let read = 0;
    for await (const _line of client().resultLines(`${url}/bulk.jsonl`)) if (++read === 5) break;
    expect(read).toBe(5);
    const download = downloads.at(-1)!;
    for (let i = 0; i < 50 && !download.closed; i++) await sleep(20);
    expect(download.closed).toBe(true);
    // past the idle limit: no timer left to abort anything, no error event with no one listening
    await sleep(600);
  });

  it("a file that stops sending fails with a clear error, which the import's job retries", async () => {
    mode = "stall";
    const lines: string[] = [];
    const reading = (async () => {
      for await (const line of client().resultLines(`${url}/bulk.jsonl`)) lines.push(line.text);
    })();
    await expect(reading).rejects.toThrow(/the import file stopped coming: nothing for 0\.3 s/);
    expect(lines).toHaveLength(3);
    await sleep(400);
  });

  it("a slow reader is not a stalled file: time spent on a line is not counted", async () => {
    mode = "short";
    const lines: string[] = [];
    for await (const line of client().resultLines(`${url}/bulk.jsonl`)) {
      lines.push(line.text);
      if (lines.length <= 2) await sleep(500);
    }
    expect(lines).toHaveLength(20);
  });

  it("reads on from a byte: each line with the byte after it, the same whether the server answers the range or sends the whole file", async () => {
    mode = "bytes";
    const read = async (fromByte?: number) => {
      const got: { text: string; end: number }[] = [];
      for await (const line of client().resultLines(`${url}/bulk.jsonl`, fromByte)) got.push(line);
      return got;
    };
    const first = '{"id":1,"t":"café"}';
    const second = '{"id":2,"t":"日本"}';
    // byte offsets, not characters: "é" is two bytes and "日本" six; CRLF and the blank line count too
    const ends = [Buffer.byteLength(`${first}\r\n`), Buffer.byteLength(`${first}\r\n\n${second}\n`), FILE.length];
    const whole = [
      { text: first, end: ends[0] },
      { text: second, end: ends[1] },
      { text: '{"id":3}', end: ends[2] },
    ];
    for (const answer of ["answered", "ignored"] as const) {
      ranges = answer;
      asked.length = 0;
      expect(await read()).toEqual(whole);
      expect(await read(ends[0])).toEqual(whole.slice(1));
      expect(await read(ends[1])).toEqual(whole.slice(2));
      // past the end: a 416, or a whole file read past, and nothing either way
      expect(await read(FILE.length)).toEqual([]);
      expect(asked).toEqual([null, `bytes=${ends[0]}-`, `bytes=${ends[1]}-`, `bytes=${FILE.length}-`]);
    }
  });
});
