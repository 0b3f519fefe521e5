/**
 * Text from outside (webhook bodies, carriers) made safe to store, show and put in a URL. A lone UTF-16
 * surrogate (half of a pair, a valid JSON escape such as "\ud800") makes encodeURIComponent throw "URI
 * malformed", and SQLite would store it as three replacement characters; control characters have no
 * business in a name, a message or a number a shopper types.
 */

// With the u flag a well-formed pair is one code point, so \p{Cs} matches only a surrogate standing alone.
const LONE_SURROGATE = /\p{Cs}/gu;
const CONTROL = /\p{Cc}/gu;
// format characters (zero-width space, joiners, direction marks) are invisible: in a tracking number they
// only make the same number look different
const IDENTIFIER_NOISE = /[\p{Cs}\p{Cc}\p{Cf}]/gu;
const SUSPECT = /[\p{Cs}\p{Cc}]/u;

/**
 * Words for display: a lone surrogate becomes U+FFFD (something was there), a line break or tab a space,
 * other control characters go.
 */
export function wellFormedText(text: string): string {
  // the usual case costs one test and no copy
  if (!SUSPECT.test(text)) return text;
  return text.replace(LONE_SURROGATE, "\uFFFD").replace(/[\t\n\v\f\r]+/g, " ").replace(CONTROL, "");
}

/** An identifier (a tracking number): whatever is not a visible character is dropped. */
export function cleanIdentifier(text: string): string {
  return text.replace(IDENTIFIER_NOISE, "");
}

/**
 * One short line of someone else's words for a message to the merchant (a provider's error): control
 * characters and runs of whitespace become one space, and beyond `max` characters it is cut with "…".
 */
export function oneLine(text: string, max: number): string {
  const line = text.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
