/**
 * How the admin writes times. Pure functions of their inputs: "now" and the time zone come from the caller,
 * so the server's render and the browser's hydration produce the same text.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "just now", "12 minutes ago", "3 hours ago", "yesterday", "5 days ago"; future times read "in 2 days". */
export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  const size = Math.abs(delta);
  if (size < MINUTE) return "just now";
  if (size < HOUR) return relative.format(Math.round(delta / MINUTE), "minute");
  if (size < DAY) return relative.format(Math.round(delta / HOUR), "hour");
  if (size < 30 * DAY) return relative.format(Math.round(delta / DAY), "day");
  if (size < 365 * DAY) return relative.format(Math.round(delta / (30 * DAY)), "month");
  return relative.format(Math.round(delta / (365 * DAY)), "year");
}

/** A shipment's age in the short form of an index column: "40 min", "5 h", "3 d". */
export function formatAge(since: number, now: number): string {
  const age = Math.max(now - since, 0);
  if (age < HOUR) return `${Math.max(Math.floor(age / MINUTE), 0)} min`;
  if (age < DAY) return `${Math.floor(age / HOUR)} h`;
  return `${Math.floor(age / DAY)} d`;
}

/**
 * "Mar 3, 2:05 PM EST", with the year when it is not the current one ("Dec 30, 2025, 9:10 AM EST"). Always with
 * the zone, so a time copied into a ticket is never ambiguous.
 */
export function formatDateTime(at: number, timeZone: string, now?: number): string {
  const year = (ms: number) => new Intl.DateTimeFormat("en-US", { year: "numeric", timeZone }).format(ms);
  const sameYear = now !== undefined && year(at) === year(now);
  const text = new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
    hour: "numeric",
    minute: "2-digit",
    timeZone,
  }).format(at);
  return `${text} ${zoneName(at, timeZone)}`;
}

/** "Tue, Mar 3": for delivery estimates, where the hour would be false precision. */
export function formatDay(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    timeZone,
  }).format(at);
}

function zoneName(at: number, timeZone: string): string {
  const part = new Intl.DateTimeFormat("en-US", {
    timeZone,
    timeZoneName: "short",
  })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

const regionNames = new Intl.DisplayNames("en", {
  type: "region",
  fallback: "code",
});

/** "US" → "United States". A name already written out (Shopify sends both) or an unknown code stays as given. */
export function countryName(code: string): string {
  const trimmed = code.trim();
  if (!/^[A-Za-z]{2}$/.test(trimmed)) return trimmed;
  try {
    const name = regionNames.of(trimmed.toUpperCase());
    // "ZZ" is CLDR's own code for an unknown region
    return name && name !== "Unknown Region" ? name : trimmed;
  } catch {
    return trimmed;
  }
}

/** "NY, United States", "Canada": the destination as support says it on the phone, not the codes on a label. */
export function formatDestination(country: string | null, province: string | null, city?: string | null): string | null {
  if (!country) return null;
  return [city, province, countryName(country)].filter((part): part is string => !!part && part.trim() !== "").join(", ");
}
