import { describe, expect, it } from "vitest";
import { safeHttpsUrl } from "./urls";

describe("safeHttpsUrl", () => {
  it.each([
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "  javascript:alert(1)",
    "java\nscript:alert(1)",
    "ht\ttps://example.com/",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
    "http://example.com/",
    "//example.com/track",
    "/apps/track",
    "https://",
    "https://user:secret@example.com/",
    "https://example.com/\u0000",
    "https://example.com/ space",
    "",
  ])("refuses %j", (url) => {
    expect(safeHttpsUrl(url)).toBeNull();
  });

  it("refuses a URL longer than any tracking page", () => {
    expect(safeHttpsUrl(`https://example.com/${"a".repeat(2048)}`)).toBeNull();
    expect(safeHttpsUrl(`https://example.com/${"a".repeat(1000)}`)).not.toBeNull();
  });

  it("refuses what is not a string", () => {
    for (const value of [null, undefined, 42, {}, ["https://example.com/"]]) expect(safeHttpsUrl(value)).toBeNull();
  });

  it("keeps an https URL, trimmed, as the browser will read it", () => {
    expect(safeHttpsUrl(" https://www.ups.com/track?tracknum=1Z999AA10123456784 ")).toBe("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    expect(safeHttpsUrl("HTTPS://Track.Example.com/a?b=c#d")).toBe("https://track.example.com/a?b=c#d");
    expect(safeHttpsUrl("https://xn--bcher-kva.example/track")).toBe("https://xn--bcher-kva.example/track");
  });
});
