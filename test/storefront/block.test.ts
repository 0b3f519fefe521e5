import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { MILESTONES, milestoneOf, REASON_LABELS, SHIPMENT_STATUSES, STATUS_LABELS, STATUS_REASONS } from "~/domain/status";
import { EXTENSION_DIR, LOCALES, readBlock, readLocale, renderBlock } from "./support";

const THEME_CHECK_CONFIG = path.resolve("test/storefront/theme-check.yml");
const asset = (name: string) => fs.readFileSync(path.join(EXTENSION_DIR, "assets", name));

/**
 * theme-check reads Shopify's Liquid docs from GitHub unless told where a copy is: the one its package ships.
 * Its cache goes to a temporary folder, so a run neither reaches the network nor writes outside it.
 */
async function themeCheck(root: string) {
  process.env.SHOPIFY_TLD_ROOT = path.resolve("node_modules/@shopify/theme-check-docs-updater");
  process.env.XDG_CACHE_HOME = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-theme-check-"));
  const { themeCheckRun } = await import("@shopify/theme-check-node");
  const run = await themeCheckRun(root, THEME_CHECK_CONFIG);
  return { files: run.theme.length, offenses: run.offenses.map((o) => `${o.check} ${path.relative(root, new URL(o.uri).pathname)}:${o.start.line + 1} ${o.message}`) };
}

function flatten(node: unknown, prefix = ""): Record<string, string> {
  if (typeof node === "string") return { [prefix]: node };
  return Object.assign({}, ...Object.entries(node as Record<string, unknown>).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)));
}

describe("theme app extension: the Order tracking block", () => {
  it("theme-check (theme-app-extension config) finds nothing", async () => {
    const result = await themeCheck(EXTENSION_DIR);
    expect(result.files).toBe(1 + LOCALES.length); // the block and every locale were checked
    expect(result.offenses).toEqual([]);
  }, 60_000);

  it("and theme-check is live: a broken copy of the block is reported", async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "shipwatch-block-"));
    fs.cpSync(EXTENSION_DIR, copy, { recursive: true });
    const file = path.join(copy, "blocks/order-tracking.liquid");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("{{ 'order_tracking.intro' | t }}", "{{ 'order_tracking.nope' | t }}<script src=\"https://cdn.example/x.js\"></script>"));
    const result = await themeCheck(copy);
    expect(result.offenses.map((o) => o.split(" ")[0])).toEqual(expect.arrayContaining(["TranslationKeyExists", "ParserBlockingScript", "RemoteAsset"]));
    fs.rmSync(copy, { recursive: true, force: true });
  }, 60_000);

  it("loads its script and stylesheet only through the schema (Shopify adds them where the block is, deferred), and nothing else", () => {
    const { liquid, schema } = readBlock();
    expect(schema).toMatchObject({ name: "Order tracking", target: "section", javascript: "order-tracking.js", stylesheet: "order-tracking.css", enabled_on: { templates: ["page"] } });
    expect(schema.name.length).toBeLessThan(25);
    expect(liquid).not.toMatch(/<script(?![^>]*type="application\/json")|<link|asset_url|script_tag|stylesheet_tag|\{%-?\s*(javascript|stylesheet)/);
    expect(fs.readdirSync(path.join(EXTENSION_DIR, "assets")).sort()).toEqual(["order-tracking.css", "order-tracking.js"]);
  });

  it("weighs JS ≤ 10 KB compressed (and under theme-check's 10,000 B raw threshold, which themeCheckRun cannot measure) and CSS ≤ 8 KB", () => {
    const js = asset("order-tracking.js");
    const css = asset("order-tracking.css");
    expect(js.length).toBeLessThanOrEqual(10_000);
    expect(gzipSync(js, { level: 9 }).length).toBeLessThanOrEqual(5 * 1024);
    expect(brotliCompressSync(js).length).toBeLessThanOrEqual(5 * 1024);
    expect(gzipSync(css, { level: 9 }).length).toBeLessThanOrEqual(8 * 1024);
  });

  it("keeps the progress bar's milestones in step with the domain's milestoneOf", () => {
    const source = asset("order-tracking.js").toString("utf8");
    const literal = /const STEP = (\{[^}]*\});/.exec(source)?.[1];
    expect(literal).toBeDefined();
    const step: Record<string, number> = JSON.parse(literal!.replace(/(\w+):/g, '"$1":'));
    for (const status of SHIPMENT_STATUSES) expect([status, step[status] ?? null]).toEqual([status, milestoneOf(status)]);
    expect(Object.keys(readLocale("en.default").order_tracking as object)).toContain("milestones");
    expect(Object.keys((readLocale("en.default").order_tracking as Record<string, object>).milestones!)).toEqual([...MILESTONES]);
  });

  it("speaks the domain's words in English, and every locale has every string with the same placeholders", () => {
    const en = readLocale("en.default").order_tracking as Record<string, Record<string, string>>;
    expect(en.status).toEqual(STATUS_LABELS);
    expect(en.reason).toEqual(REASON_LABELS);
    expect(Object.keys(en.next!).sort()).toEqual([...SHIPMENT_STATUSES].sort());
    expect(Object.keys(en.reason!).sort()).toEqual([...STATUS_REASONS].sort());
    const reference = flatten(readLocale("en.default"));
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const name of LOCALES) {
      const strings = flatten(readLocale(name));
      expect([name, Object.keys(strings).sort()]).toEqual([name, Object.keys(reference).sort()]);
      for (const [key, text] of Object.entries(strings)) {
        expect([name, key, placeholders(text)]).toEqual([name, key, placeholders(reference[key]!)]);
        expect(text.trim()).not.toBe("");
      }
    }
  });

  it("renders in the shopper's language, with the strings the script needs", async () => {
    const { html } = await renderBlock({ locale: "fr" });
    expect(html).toContain("Suivre ma commande");
    expect(html).toContain('<label for="sw-AbCd3fGh1-email">E-mail</label>');
    const i18n = JSON.parse(/<script type="application\/json" data-sw-i18n>([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(i18n.status.out_for_delivery).toBe("En cours de livraison");
    expect(i18n.reason.weather).toBe("Météo");
    expect(i18n.milestones).toEqual(["Préparé", "En route", "En cours de livraison", "Livré"]);
    expect(html).toContain('data-locale="fr"');
  });

  it("escapes what the merchant types, and lets it replace the translated defaults", async () => {
    const { html } = await renderBlock({ settings: { heading: '<img src=x onerror="alert(1)">', button_label: "Find it", accent_color: "#f5d90a" } });
    expect(html).toMatch(/<h2 class="sw-title">&lt;img src=x onerror=(&quot;|&#34;)alert\(1\)(&quot;|&#34;)&gt;<\/h2>/);
    expect(html).not.toContain("<img src=x");
    expect(html).toContain(">Find it</button>");
    // a light accent gets dark text on the button
    expect(html).toMatch(/--sw-accent:#f5d90a;--sw-on-accent:#000/);
    expect(html).toContain("sw-track sw-filled");
    const defaults = (await renderBlock()).html;
    expect(defaults).not.toContain("sw-filled");
    expect(defaults).toContain('data-proxy="/apps/track"');
  });
});
