/** Longer than any tracking page a carrier or a tracking app hands out; a longer "URL" is not one we link to. */
const MAX_URL_LENGTH = 2048;

/**
 * A link Shipwatch may hand on (an admin page's href, the storefront and Support API answers), or null.
 *
 * Tracking URLs come from fulfillments, which any app or staff member with fulfillment access writes, so they
 * are someone else's words. Only `https:` is a link: `javascript:`, `data:` and the rest run or show something
 * in the page that renders them, and `http:` is readable and rewritable on the way. Whitespace and control
 * characters are refused rather than stripped (a browser drops a tab inside "java\tscript:", so what was
 * checked must be exactly what is rendered), as are credentials ("https://ups.com@evil.example" reads as UPS
 * and goes elsewhere). The answer is the URL as a browser resolves it: what was checked is what is linked.
 */
export function safeHttpsUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const candidate = value.trim();
  if (candidate === "" || candidate.length > MAX_URL_LENGTH || /[\s\u0000-\u001f\u007f]/.test(candidate)) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.hostname === "" || url.username !== "" || url.password !== "") return null;
  return url.href;
}
