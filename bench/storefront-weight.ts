import fs from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { emit } from "./support";

/**
 * storefront-weight: the bytes the tracking page block adds to the one page that holds it — its script and
 * stylesheet as a CDN serves them (gzip and brotli), beside the budget they are measured against (Shopify's
 * suggestion for app block JS, the project's for CSS). Pages without the block get none of it: Shopify adds
 * a block's schema assets only where the block is. `ratio` is the share of the JS budget used (lower is better).
 */
export async function storefrontWeightBenchmark() {
  const assets = path.resolve("extensions/tracking-page/assets");
  const weigh = (file: string) => {
    const bytes = fs.readFileSync(path.join(assets, file));
    return {
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  };
  const js = weigh("order-tracking.js");
  const css = weigh("order-tracking.css");
  const budget = { jsCompressed: 10 * 1024, jsAim: 5 * 1024, jsRawThemeCheck: 10_000, cssCompressed: 8 * 1024 };
  const compressedJs = Math.max(js.gzip, js.brotli);
  const line = {
    bench: "storefront-weight",
    js,
    css,
    budget,
    withinAim: compressedJs <= budget.jsAim,
    ratio: Number((compressedJs / budget.jsCompressed).toFixed(3)),
    pass: compressedJs <= budget.jsCompressed && js.raw <= budget.jsRawThemeCheck && Math.max(css.gzip, css.brotli) <= budget.cssCompressed,
  };
  emit(line);
  return line;
}
