import { describe, expect, it } from "vitest";
import { LOCALES } from "../../notifications";
import { en } from "./en";
import { LANGUAGES } from "./index";

/** Every key of a language down to its words ("messages.email.packed.subject"), with what kind of value it holds. */
function keysOf(value: unknown, prefix = ""): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? "list" : typeof value;
    return [`${prefix}: ${kind}`];
  }
  return Object.entries(value)
    .flatMap(([key, inner]) => keysOf(inner, prefix ? `${prefix}.${key}` : key))
    .sort();
}

/** Every word a language holds, with where it is. */
function wordsOf(value: unknown, prefix = ""): Array<[string, unknown]> {
  if (typeof value === "function") return [];
  if (typeof value !== "object" || value === null) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, inner]) => wordsOf(inner, prefix ? `${prefix}.${key}` : key));
}

/** The language files beside this test: two-letter names, such as en.ts. */
const FILES = Object.keys(import.meta.glob("./*.ts"))
  .map((file) => /^\.\/([a-z]{2})\.ts$/.exec(file)?.[1])
  .filter((code): code is string => code !== undefined)
  .sort();

describe("language files", () => {
  it("are one per language the app speaks, each registered", () => {
    expect(FILES).toEqual([...LOCALES].sort());
    expect(Object.keys(LANGUAGES).sort()).toEqual(FILES);
    expect(LANGUAGES.en).toBe(en);
  });

  it.each(LOCALES.filter((locale) => locale !== "en"))("%s has exactly the keys of English, so no moment goes untranslated", (locale) => {
    expect(keysOf(LANGUAGES[locale])).toEqual(keysOf(en));
  });

  it.each(LOCALES)("%s leaves no text empty", (locale) => {
    const empty = wordsOf(LANGUAGES[locale]).filter(([, word]) => typeof word !== "string" || !word.trim());
    expect(empty).toEqual([]);
  });

  it("tells a language that misses a moment from English", () => {
    const { delay_lost: _, ...sms } = LANGUAGES.fr.messages.sms;
    const missing = { ...LANGUAGES.fr, messages: { ...LANGUAGES.fr.messages, sms } };
    expect(keysOf(missing)).not.toEqual(keysOf(en));
    expect(keysOf(missing)).not.toContain("messages.sms.delay_lost: string");
  });
});
