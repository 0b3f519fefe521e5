import { formatDestination } from "~/components/format";
import { CARRIERS } from "~/domain/carriers";
import type { CarrierScore, Scorecard } from "~/domain/scorecard";

/**
 * The words and numbers Home's key figures show: each figure this period, and how it moved against the same length of
 * time just before. Counts move by a percentage ("+12%"), rates by points ("+4 points"): a rate going from 50% to 55%
 * is five points, not ten percent.
 */

export type Trend = "up" | "down" | "flat";
/** Whether a rise is good news (on-time rate) or bad (shoppers looking their parcel up). */
export type Better = "higher" | "lower" | "neither";

export interface KeyFigure {
  id: string;
  label: string;
  value: string;
  /** "+12% vs previous 30 days" */
  change: string;
  trend: Trend;
  tone: "success" | "critical" | "subdued";
  /** what the figure counts, for the tooltip and screen readers */
  help: string;
}

const percent0 = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 0 });
const number0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const number1 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 });

export const formatCount = (n: number) => number0.format(n);
export const formatRate = (rate: number) => percent0.format(rate);

/** "2.5 days", "1 day" — transit and estimate errors, in calendar days. */
export function formatDays(days: number): string {
  const rounded = Math.round(days * 10) / 10;
  if (days > 0 && rounded === 0) return "less than a day";
  return `${rounded === Math.round(rounded) ? number0.format(rounded) : number1.format(rounded)} ${rounded === 1 ? "day" : "days"}`;
}

/** "45 minutes", "3 hours", "2.5 days" — how long something took. */
export function formatHours(hours: number): string {
  if (hours < 1) {
    const minutes = Math.round(hours * 60);
    return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  }
  if (hours < 48) {
    const rounded = Math.round(hours * 10) / 10;
    const text = rounded === Math.round(rounded) ? number0.format(rounded) : number1.format(rounded);
    return `${text} ${rounded === 1 ? "hour" : "hours"}`;
  }
  return formatDays(hours / 24);
}

function tone(trend: Trend, better: Better): KeyFigure["tone"] {
  if (trend === "flat" || better === "neither") return "subdued";
  return (trend === "up") === (better === "higher") ? "success" : "critical";
}

/** How a count moved: "+12% vs previous 30 days". */
export function countChange(current: number, previous: number, against: string, better: Better): Pick<KeyFigure, "change" | "trend" | "tone"> {
  if (current === previous) return { change: `No change vs ${against}`, trend: "flat", tone: "subdued" };
  const trend: Trend = current > previous ? "up" : "down";
  if (previous === 0) return { change: `Up from none in the ${against}`, trend, tone: tone(trend, better) };
  const ratio = (current - previous) / previous;
  const shown = Math.round(ratio * 100);
  if (shown === 0) return { change: `About the same as ${against}`, trend: "flat", tone: "subdued" };
  return { change: `${shown > 0 ? "+" : ""}${shown}% vs ${against}`, trend, tone: tone(trend, better) };
}

/** How a rate moved, in points: "+4 points vs previous 30 days". */
export function rateChange(current: number | null, previous: number | null, against: string, better: Better): Pick<KeyFigure, "change" | "trend" | "tone"> {
  if (current === null || previous === null) return { change: `Nothing to compare with in the ${against}`, trend: "flat", tone: "subdued" };
  const points = Math.round((current - previous) * 100);
  if (points === 0) return { change: `No change vs ${against}`, trend: "flat", tone: "subdued" };
  const trend: Trend = points > 0 ? "up" : "down";
  return { change: `${points > 0 ? "+" : ""}${points} ${Math.abs(points) === 1 ? "point" : "points"} vs ${against}`, trend, tone: tone(trend, better) };
}

/**
 * The on-time rate over every carrier: each carrier's rate weighted by its deliveries. Null when nothing was
 * delivered (a rate of nothing is not 0%).
 */
export function overallOnTime(carriers: readonly CarrierScore[]): number | null {
  const delivered = carriers.reduce((sum, c) => sum + c.delivered, 0);
  if (delivered === 0) return null;
  return carriers.reduce((sum, c) => sum + c.onTimeRate * c.delivered, 0) / delivered;
}

/** The figures across the top of Home, this period against the one before. */
export function keyFigures(current: Scorecard, previous: Scorecard, against: string): KeyFigure[] {
  const onTime = overallOnTime(current.carriers);
  const asked = current.asks.shipmentsAsked > 0 ? current.asks.caseBeforeAskRate : null;
  const askedBefore = previous.asks.shipmentsAsked > 0 ? previous.asks.caseBeforeAskRate : null;
  return [
    {
      id: "shipments",
      label: "Shipments",
      value: formatCount(current.shipments.total),
      ...countChange(current.shipments.total, previous.shipments.total, against, "neither"),
      help: "Parcels fulfilled in this period",
    },
    {
      id: "on-time",
      label: "Delivered on time",
      value: onTime === null ? "–" : formatRate(onTime),
      ...rateChange(onTime, overallOnTime(previous.carriers), against, "higher"),
      help: "Deliveries that arrived by the date promised, of those that had one",
    },
    {
      id: "cases",
      label: "Cases opened",
      value: formatCount(current.exceptions.opened),
      ...countChange(current.exceptions.opened, previous.exceptions.opened, against, "lower"),
      help: "Problems that became a case for your team",
    },
    {
      id: "messages",
      label: "Updates sent",
      value: formatCount(current.messages.sent),
      ...countChange(current.messages.sent, previous.messages.sent, against, "neither"),
      help: "Messages customers got without having to ask",
    },
    {
      id: "lookups",
      label: "Tracking checks",
      value: formatCount(current.asks.lookups),
      ...countChange(current.asks.lookups, previous.asks.lookups, against, "lower"),
      help: "Times customers looked up a parcel on your tracking page",
    },
    {
      id: "case-first",
      label: "Caught before they asked",
      value: asked === null ? "–" : formatRate(asked),
      ...rateChange(asked, askedBefore, against, "higher"),
      help: "Of the parcels with a problem that a customer asked about, the share your team had a case for first",
    },
  ];
}

/** "ups" → "UPS": the scorecard keys carriers by code; Home says their names. */
export function carrierLabel(code: string): string {
  return (CARRIERS as Record<string, { name: string } | undefined>)[code]?.name ?? code;
}

/** "ground" → "Ground", "*" → "Any service". */
export function serviceLabel(service: string): string {
  if (service === "*" || service === "") return "Any service";
  return service.charAt(0).toUpperCase() + service.slice(1).replace(/_/g, " ");
}

/** One end of a lane: "US-NY" → "NY, United States", "US" → "United States", "*" → "anywhere". */
function regionWords(region: string): string {
  const [country, province] = region.trim().split("-", 2);
  if (!country || country === "*") return "anywhere";
  return formatDestination(country, province ?? null) ?? region;
}

/** "US-NJ → US-NY" → "NJ, United States → NY, United States"; a label of another shape stays as it is. */
export function laneLabel(lane: string): string {
  const ends = lane.split("→").map((s) => s.trim());
  if (ends.length !== 2) return lane === "*" ? "Any route" : regionWords(lane);
  return `${regionWords(ends[0]!)} → ${regionWords(ends[1]!)}`;
}
