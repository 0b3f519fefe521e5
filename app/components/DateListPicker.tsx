import {
  BlockStack,
  Button,
  DatePicker,
  InlineError,
  InlineStack,
  Popover,
  Tag,
  Text,
} from "@shopify/polaris";
import { CalendarIcon } from "@shopify/polaris-icons";
import { useId, useState } from "react";

const pad = (n: number) => String(n).padStart(2, "0");
/** The calendar day the picker means: it hands over the local midnight of the day clicked. */
const dayOf = (date: Date) =>
  `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
const localDate = (day: string) => {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y!, m! - 1, d!);
};

/** "Fri, Dec 25, 2026": a day as written, whatever the viewer's zone. */
const formatCalendarDay = (day: string) =>
  new Intl.DateTimeFormat("en-US", {
    weekday: "short",
    month: "short",
    day: "numeric",
    year: "numeric",
    timeZone: "UTC",
  }).format(Date.parse(`${day}T00:00:00Z`));

/**
 * A set of calendar days (YYYY-MM-DD) picked one at a time from a calendar, each shown as a removable tag.
 * The calendar opens on the month of `at`, and a day already in the list cannot be picked again.
 */
export function DateListPicker({
  label,
  addLabel,
  values,
  onChange,
  at,
  emptyText,
  error,
}: {
  /** names the list of tags */
  label: string;
  /** the button that opens the calendar */
  addLabel: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  at: number;
  emptyText: string;
  error?: string;
}) {
  const errorId = useId();
  const [open, setOpen] = useState(false);
  const [month, setMonth] = useState(() => ({
    month: new Date(at).getMonth(),
    year: new Date(at).getFullYear(),
  }));
  const add = (date: Date) => {
    const day = dayOf(date);
    if (!values.includes(day)) onChange([...values, day].sort());
    setOpen(false);
  };
  return (
    <BlockStack gap="300">
      <InlineStack>
        <Popover
          active={open}
          onClose={() => setOpen(false)}
          preferredAlignment="left"
          activator={
            <Button
              icon={CalendarIcon}
              disclosure={open ? "up" : "down"}
              onClick={() => setOpen((o) => !o)}
            >
              {addLabel}
            </Button>
          }
        >
          <div style={{ padding: "12px", width: "292px" }}>
            <DatePicker
              month={month.month}
              year={month.year}
              onMonthChange={(m, y) => setMonth({ month: m, year: y })}
              onChange={({ start }) => add(start)}
              disableSpecificDates={values.map(localDate)}
            />
          </div>
        </Popover>
      </InlineStack>
      {values.length ? (
        <ul
          aria-label={label}
          style={{
            display: "flex",
            flexWrap: "wrap",
            gap: "8px",
            margin: 0,
            padding: 0,
            listStyle: "none",
          }}
        >
          {values.map((day) => (
            <li key={day}>
              <Tag
                onRemove={() => onChange(values.filter((d) => d !== day))}
                accessibilityLabel={`Remove ${formatCalendarDay(day)}`}
              >
                {formatCalendarDay(day)}
              </Tag>
            </li>
          ))}
        </ul>
      ) : (
        <Text as="p" tone="subdued">
          {emptyText}
        </Text>
      )}
      {error ? <InlineError message={error} fieldID={errorId} /> : null}
    </BlockStack>
  );
}
