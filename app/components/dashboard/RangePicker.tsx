import { BlockStack, Box, Button, DatePicker, InlineGrid, InlineStack, OptionList, Popover, TextField } from "@shopify/polaris";
import { CalendarIcon } from "@shopify/polaris-icons";
import { useEffect, useState } from "react";
import { MAX_SCORECARD_DAYS } from "~/domain/scorecard";
import { addDays, type DayRange, isDay, PRESETS, presetOf, presetRange, rangeLabel, rangeLength } from "./range";

/**
 * The date range, as Shopify's Analytics picks one: a button naming the range opens the presets beside a two-month
 * calendar and two date fields; nothing changes until Apply. Days are the shop's; the calendar shows them as
 * plain dates (a Date at local midnight stands for a day, never an instant).
 */

const toDate = (day: string) => new Date(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
const pad = (n: number) => String(n).padStart(2, "0");
const toDay = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

/** Why a draft range cannot be applied, or null. */
export function draftProblem(range: DayRange, today: string): string | null {
  if (!isDay(range.from) || !isDay(range.to)) return "Enter dates as YYYY-MM-DD";
  if (range.from > range.to) return "The start date is after the end date";
  if (range.to > today) return "The end date is in the future";
  if (rangeLength(range) > MAX_SCORECARD_DAYS) return `Choose at most ${MAX_SCORECARD_DAYS} days`;
  return null;
}

export function RangePicker({ range, today, onApply }: { range: DayRange; today: string; onApply: (range: DayRange) => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState(range);
  const [typed, setTyped] = useState(range);
  const [shown, setShown] = useState(() => monthBefore(range.to));
  // the URL changed (back button, a link): the next opening starts from it
  useEffect(() => {
    setDraft(range);
    setTyped(range);
    setShown(monthBefore(range.to));
  }, [range.from, range.to]);

  const choose = (next: DayRange) => {
    setDraft(next);
    setTyped(next);
    setShown(monthBefore(next.to));
  };
  const problem = draftProblem(typed, today);
  const preset = presetOf(draft, today);

  return (
    <Popover
      active={open}
      autofocusTarget="none"
      preferredAlignment="left"
      preferredPosition="below"
      fluidContent
      onClose={() => setOpen(false)}
      activator={
        <Button icon={CalendarIcon} disclosure onClick={() => setOpen((o) => !o)} accessibilityLabel={`Date range: ${rangeLabel(range, today)}`}>
          {rangeLabel(range, today)}
        </Button>
      }
    >
      <Popover.Pane fixed>
        <InlineGrid columns={{ xs: "1fr", md: "max-content max-content" }} gap="0">
          <Box maxWidth="200px" width="200px" padding="200" borderInlineEndWidth="025" borderColor="border">
            <OptionList
              options={[...PRESETS.map((p) => ({ value: p.id, label: p.label })), { value: "custom", label: "Custom" }]}
              selected={[preset]}
              onChange={([id]) => {
                if (id && id !== "custom") choose(presetRange(id as (typeof PRESETS)[number]["id"], today));
              }}
            />
          </Box>
          <Box padding="400" maxWidth="560px">
            <BlockStack gap="400">
              <InlineStack gap="200" wrap={false}>
                <TextField
                  label="Starting"
                  autoComplete="off"
                  value={typed.from}
                  placeholder="YYYY-MM-DD"
                  onChange={(from) => {
                    setTyped((t) => ({ ...t, from }));
                    if (isDay(from)) {
                      setDraft((d) => ({ ...d, from }));
                      setShown(monthBefore(from < typed.to ? typed.to : from));
                    }
                  }}
                />
                <TextField
                  label="Ending"
                  autoComplete="off"
                  value={typed.to}
                  placeholder="YYYY-MM-DD"
                  onChange={(to) => {
                    setTyped((t) => ({ ...t, to }));
                    if (isDay(to)) {
                      setDraft((d) => ({ ...d, to }));
                      setShown(monthBefore(to));
                    }
                  }}
                />
              </InlineStack>
              <DatePicker
                month={shown.month}
                year={shown.year}
                onMonthChange={(month, year) => setShown({ month, year })}
                selected={{ start: toDate(draft.from), end: toDate(draft.to) }}
                onChange={({ start, end }) => choose({ from: toDay(start), to: toDay(end) })}
                disableDatesAfter={toDate(today)}
                multiMonth
                allowRange
              />
            </BlockStack>
          </Box>
        </InlineGrid>
      </Popover.Pane>
      <Popover.Pane fixed>
        <Box padding="300" borderBlockStartWidth="025" borderColor="border">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <Box>{problem ? <span role="alert" style={{ color: "var(--p-color-text-critical)" }}>{problem}</span> : null}</Box>
            <InlineStack gap="200">
              <Button
                onClick={() => {
                  choose(range);
                  setOpen(false);
                }}
              >
                Cancel
              </Button>
              <Button
                variant="primary"
                disabled={problem !== null}
                onClick={() => {
                  setOpen(false);
                  onApply(typed);
                }}
              >
                Apply
              </Button>
            </InlineStack>
          </InlineStack>
        </Box>
      </Popover.Pane>
    </Popover>
  );
}

/** The two months shown end with the range's last day's month. */
function monthBefore(day: string): { month: number; year: number } {
  const safe = isDay(day) ? day : addDays(new Date().toISOString().slice(0, 10), 0);
  const date = toDate(safe);
  date.setDate(1);
  date.setMonth(date.getMonth() - 1);
  return { month: date.getMonth(), year: date.getFullYear() };
}
