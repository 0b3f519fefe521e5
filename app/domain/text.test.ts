import { describe, expect, it } from "vitest";
import { trackingUrlFor } from "./carriers";
import { cleanIdentifier, wellFormedText } from "./text";

describe("text from outside, made well-formed", () => {
  it("wellFormedText: a lone surrogate becomes U+FFFD, a line break a space, other controls go; pairs and emoji stay", () => {
    expect(wellFormedText("Departed\uD800 from\nOttawa\u0007")).toBe("Departed\uFFFD from Ottawa");
    expect(wellFormedText("\uDC00start and end\uD83D")).toBe("\uFFFDstart and end\uFFFD");
    expect(wellFormedText("Delivered 📦 to 👩‍👩‍👧 — Montréal")).toBe("Delivered 📦 to 👩‍👩‍👧 — Montréal");
    expect(() => encodeURIComponent(wellFormedText("#10\uD800"))).not.toThrow();
  });

  it("cleanIdentifier: lone surrogates, controls and invisible format characters are dropped", () => {
    expect(cleanIdentifier("1Z999AA1\u000001234\uD80056784\u200B")).toBe("1Z999AA10123456784");
    expect(cleanIdentifier("9400 1000 0000 0000 0000 00")).toBe("9400 1000 0000 0000 0000 00");
  });

  it("trackingUrlFor never throws on a malformed number", () => {
    expect(trackingUrlFor("ups", "1Z999AA10123456784\uDFFF")).toBe("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    expect(trackingUrlFor("ups", "\uD800")).toBeNull();
  });
});
