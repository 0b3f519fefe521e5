import type { Dashboard, ScorecardDaySeries, TransitScore, CarrierScore } from "~/domain/scorecard";
import { channelLabel, momentLabel } from "~/components/notification-words";
import type { ChartSpec } from "./chart-spec";
import { carrierLabel, serviceLabel } from "./figures";
import { shortDay } from "./range";
import { byGroup, STATUS_GROUPS } from "./status-groups";

/** The dashboard's data shaped for each chart. Pure: the same dashboard draws the same charts. */

// Polaris's data-visualization palette, one colour per meaning, kept the same on every chart
const GROUP_COLORS: Record<(typeof STATUS_GROUPS)[number]["id"], string> = {
  delivered: "#29845a",
  arriving: "#4b8ff2",
  moving: "#8fb6f7",
  returned: "#b98900",
  trouble: "#e51c00",
};

export function statusOverTime(days: readonly ScorecardDaySeries[]): ChartSpec {
  const grouped = days.map((d) => ({ key: shortDay(d.day), counts: byGroup(d.byStatus) }));
  return {
    kind: "stacked",
    format: "count",
    series: STATUS_GROUPS.map((g) => ({ name: g.label, color: GROUP_COLORS[g.id], data: grouped.map((d) => ({ key: d.key, value: d.counts[g.id] })) })),
  };
}

export function casesOverTime(days: readonly ScorecardDaySeries[]): ChartSpec {
  return {
    kind: "lines",
    format: "count",
    series: [
      { name: "Opened", color: "#e51c00", data: days.map((d) => ({ key: shortDay(d.day), value: d.casesOpened })) },
      { name: "Resolved", color: "#29845a", data: days.map((d) => ({ key: shortDay(d.day), value: d.casesResolved })) },
    ],
  };
}

/** Tracking checks, and support tickets once there are any (a line of zeros says nothing). */
export function asksOverTime(days: readonly ScorecardDaySeries[]): ChartSpec {
  const series = [{ name: "Tracking checks", color: "#4b8ff2", data: days.map((d) => ({ key: shortDay(d.day), value: d.lookups })) }];
  if (days.some((d) => d.tickets > 0)) series.push({ name: "Support tickets", color: "#b98900", data: days.map((d) => ({ key: shortDay(d.day), value: d.tickets })) });
  return { kind: "lines", format: "count", series };
}

/** One bar per moment, split by channel. */
export function messagesByMoment(messages: Dashboard["messages"]): ChartSpec {
  const moments = [...new Set(messages.map((m) => m.moment))];
  const channels = [...new Set(messages.map((m) => m.channel))];
  return {
    kind: "stacked-horizontal",
    format: "count",
    series: channels.map((channel) => ({
      name: channelLabel(channel),
      data: moments.map((moment) => ({
        key: momentLabel(moment),
        value: messages.filter((m) => m.moment === moment && m.channel === channel).reduce((sum, m) => sum + m.sent, 0),
      })),
    })),
  };
}

export function onTimeByCarrier(carriers: readonly CarrierScore[]): ChartSpec {
  const delivered = carriers.filter((c) => c.delivered > 0);
  return { kind: "horizontal", format: "percent", series: [{ name: "Delivered on time", color: "#29845a", data: delivered.map((c) => ({ key: carrierLabel(c.carrier), value: c.onTimeRate })) }] };
}

export function transitByCarrier(rows: readonly (CarrierScore | TransitScore)[]): ChartSpec {
  const delivered = rows.filter((c) => c.delivered > 0);
  const key = (c: CarrierScore | TransitScore) => ("label" in c ? `${carrierLabel(c.carrier)} ${serviceLabel(c.label)}` : carrierLabel(c.carrier));
  return {
    kind: "bars",
    format: "days",
    series: [
      { name: "Typical", color: "#4b8ff2", data: delivered.map((c) => ({ key: key(c), value: c.transitDaysP50 })) },
      { name: "Slowest 1 in 10", color: "#1f4ea8", data: delivered.map((c) => ({ key: key(c), value: c.transitDaysP90 })) },
    ],
  };
}
