import { BlockStack, DatePicker, InlineGrid, Select, Text } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";

const HOUR = 3_600_000;

/** The common snoozes, then a day and an hour of the viewer's own choosing. */
const CHOICES = [
  { value: "1h", label: "For 1 hour" },
  { value: "4h", label: "For 4 hours" },
  { value: "tomorrow", label: "Until tomorrow, 9:00 AM" },
  { value: "monday", label: "Until Monday, 9:00 AM" },
  { value: "pick", label: "Until a day and hour you pick…" },
] as const;
type Choice = (typeof CHOICES)[number]["value"];

const HOURS = Array.from({ length: 24 }, (_, h) => ({
  value: String(h),
  label: new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit" }).format(new Date(2026, 0, 1, h)),
}));

/** 9:00 AM on the viewer's clock, `days` after today. */
function morning(now: number, days: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days, 9).getTime();
}

/** The instant a choice means, in the viewer's time zone (the browser's: the same clock the page's times are in). */
export function snoozeUntil(choice: Choice, now: number, picked: { day: Date; hour: number }): number {
  switch (choice) {
    case "1h":
      return now + HOUR;
    case "4h":
      return now + 4 * HOUR;
    case "tomorrow":
      return morning(now, 1);
    case "monday": {
      const weekday = new Date(now).getDay();
      return morning(now, ((8 - weekday) % 7) || 7);
    }
    case "pick":
      return new Date(picked.day.getFullYear(), picked.day.getMonth(), picked.day.getDate(), picked.hour).getTime();
  }
}

/**
 * How long to set a case aside: a Polaris Select of the usual snoozes, and a Polaris DatePicker with an hour for
 * any other time (up to 90 days, the most a snooze may be). Reports the chosen instant as epoch ms.
 */
export function SnoozePicker({ now, onChange, error }: { now: number; onChange: (until: number) => void; error?: string }) {
  const [choice, setChoice] = useState<Choice>("tomorrow");
  const today = useMemo(() => {
    const d = new Date(now);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate());
  }, [now]);
  const [day, setDay] = useState(() => new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1));
  const [hour, setHour] = useState(9);
  const [month, setMonth] = useState({ month: day.getMonth(), year: day.getFullYear() });
  const last = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 90);

  const report = (next: { choice?: Choice; day?: Date; hour?: number }) => {
    const c = next.choice ?? choice;
    onChange(snoozeUntil(c, Date.now(), { day: next.day ?? day, hour: next.hour ?? hour }));
  };

  // the default choice counts from the start: Snooze works without touching the picker
  useEffect(() => {
    onChange(snoozeUntil("tomorrow", Date.now(), { day, hour }));
    // once, on mount
  }, []);

  return (
    <BlockStack gap="300">
      <Select
        label="Snooze"
        options={CHOICES.map((c) => ({ value: c.value, label: c.label }))}
        value={choice}
        onChange={(value) => {
          setChoice(value as Choice);
          report({ choice: value as Choice });
        }}
        error={choice === "pick" ? undefined : error}
      />
      {choice === "pick" ? (
        <BlockStack gap="200">
          <Text as="p" variant="bodySm" tone="subdued">
            Pick the day, then the hour (your time zone).
          </Text>
          <DatePicker
            month={month.month}
            year={month.year}
            onMonthChange={(m, y) => setMonth({ month: m, year: y })}
            selected={day}
            onChange={({ start }) => {
              setDay(start);
              report({ day: start });
            }}
            disableDatesBefore={today}
            disableDatesAfter={last}
          />
          <InlineGrid columns={1}>
            <Select
              label="At"
              options={HOURS}
              value={String(hour)}
              onChange={(value) => {
                setHour(Number(value));
                report({ hour: Number(value) });
              }}
              error={error}
            />
          </InlineGrid>
        </BlockStack>
      ) : null}
    </BlockStack>
  );
}
