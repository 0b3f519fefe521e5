import { Autocomplete, Icon } from "@shopify/polaris";
import { SearchIcon } from "@shopify/polaris-icons";
import { useMemo, useState } from "react";
import { isValidTimeZone } from "~/domain/business-time";
import { KNOWN_ZONES } from "~/domain/time-zones";

export interface TimeZoneOption {
  value: string;
  /** "(GMT-05:00) New York", as the Shopify admin writes zones */
  label: string;
  /** what a search matches: the city and the IANA name, in lower case with spaces */
  words: string;
  offsetMinutes: number;
}

const cityOf = (zone: string) =>
  (zone.split("/").at(-1) ?? zone).replace(/_/g, " ");

/** The zone's offset from GMT at `at`: "GMT+05:30"; GMT itself as "GMT+00:00", so that every label lines up. */
function offsetOf(zone: string, at: number): { text: string; minutes: number } {
  const name =
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      timeZoneName: "longOffset",
    })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
  if (!match) return { text: "GMT+00:00", minutes: 0 };
  const minutes =
    (Number(match[2]) * 60 + Number(match[3])) * (match[1] === "-" ? -1 : 1);
  return { text: name, minutes };
}

/**
 * Every zone the browser (or server) knows, plus the ones the destination tables name, labelled with their offset
 * at `at` and sorted west to east. `at` comes from the loader, so the server's and the browser's labels agree.
 */
export function timeZoneOptions(
  at: number,
  also: readonly string[] = []
): TimeZoneOption[] {
  const supported =
    typeof Intl.supportedValuesOf === "function"
      ? Intl.supportedValuesOf("timeZone")
      : [];
  const zones = [
    ...new Set(["UTC", ...supported, ...KNOWN_ZONES, ...also]),
  ].filter(isValidTimeZone);
  return zones
    .map((zone) => {
      const offset = offsetOf(zone, at);
      const city = cityOf(zone);
      return {
        value: zone,
        label: `(${offset.text}) ${city}`,
        words: `${city} ${zone.replace(/[_/]/g, " ")}`.toLowerCase(),
        offsetMinutes: offset.minutes,
      };
    })
    .sort(
      (a, b) =>
        a.offsetMinutes - b.offsetMinutes || a.label.localeCompare(b.label)
    );
}

/** The options whose city or IANA name contains every word typed ("new york", "berlin", "europe lis"). */
export function searchTimeZones(
  options: readonly TimeZoneOption[],
  query: string
): TimeZoneOption[] {
  const words = query
    .toLowerCase()
    .replace(/[_/]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  return words.length
    ? options.filter((o) => words.every((w) => o.words.includes(w)))
    : [...options];
}

/** A time zone chosen from a searchable list: nothing but a zone Intl knows can be picked. */
export function TimeZonePicker({
  label,
  value,
  onChange,
  at,
  helpText,
  error,
}: {
  label: string;
  value: string;
  onChange: (zone: string) => void;
  at: number;
  helpText?: string;
  error?: string;
}) {
  const options = useMemo(() => timeZoneOptions(at, [value]), [at, value]);
  // null while the field shows the chosen zone; the text typed while searching otherwise
  const [query, setQuery] = useState<string | null>(null);
  const chosen = options.find((o) => o.value === value);
  const matches = query === null ? options : searchTimeZones(options, query);
  return (
    <Autocomplete
      options={matches.map((o) => ({ value: o.value, label: o.label }))}
      selected={[value]}
      onSelect={(selected) => {
        if (selected[0]) onChange(selected[0]);
        setQuery(null);
      }}
      emptyState={
        <p style={{ padding: "8px 12px", margin: 0 }}>
          No time zone matches “{query}”. Search by city, like Berlin.
        </p>
      }
      textField={
        <Autocomplete.TextField
          label={label}
          value={query ?? chosen?.label ?? value}
          onChange={setQuery}
          onBlur={() => setQuery(null)}
          prefix={<Icon source={SearchIcon} tone="base" />}
          placeholder="Search by city"
          autoComplete="off"
          helpText={helpText}
          error={error}
        />
      }
    />
  );
}
