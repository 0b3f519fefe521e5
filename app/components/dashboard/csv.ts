import type { Dashboard, TransitScore } from "~/domain/scorecard";
import { SHIPMENT_STATUSES } from "~/domain/status";
import { carrierLabel } from "./figures";
import { statusLabel } from "./status-groups";

/**
 * The dashboard's export: the daily series, a blank line, then the on-time and transit table (by carrier, by
 * service, by lane). Headers in words a spreadsheet reader understands; rates as percentages with one decimal,
 * days with one decimal. Every status has its own column, in the same order every time, so a sheet built on one
 * export still reads the next.
 */

/** A cell as RFC 4180 wants it, and never a formula: text starting with = + - @ (a carrier's name from Shopify) is quoted with a leading '. */
export function csvCell(value: string | number): string {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const row = (cells: (string | number)[]) => cells.map(csvCell).join(",");
const oneDecimal = (n: number) => Math.round(n * 10) / 10;

export function dashboardCsv(dashboard: Dashboard): string {
  const lines: string[] = [];
  lines.push(row(["Day", "Shipments", ...SHIPMENT_STATUSES.map(statusLabel), "Cases opened", "Cases resolved", "Updates sent", "Tracking checks", "Support tickets"]));
  for (const day of dashboard.days) {
    const shipped = Object.values(day.byStatus).reduce((sum, n) => sum + n, 0);
    lines.push(row([day.day, shipped, ...SHIPMENT_STATUSES.map((s) => day.byStatus[s] ?? 0), day.casesOpened, day.casesResolved, day.messagesSent, day.lookups, day.tickets]));
  }
  lines.push("");
  lines.push(row(["Breakdown", "Name", "Shipments", "Delivered", "On-time rate (%)", "Typical transit (days)", "Slowest 10% take (days)"]));
  const score = (kind: string, name: string, s: Omit<TransitScore, "label" | "carrier">) =>
    row([kind, name, s.shipments, s.delivered, oneDecimal(s.onTimeRate * 100), oneDecimal(s.transitDaysP50), oneDecimal(s.transitDaysP90)]);
  // the lane and service as the scorecard keys them ("US-NJ → US-NY", "ground"): a spreadsheet groups by codes
  for (const c of dashboard.scorecard.carriers) lines.push(score("Carrier", carrierLabel(c.carrier), c));
  for (const s of dashboard.services) lines.push(score("Service", `${carrierLabel(s.carrier)} ${s.label}`, s));
  for (const l of dashboard.lanes) lines.push(score("Lane", `${carrierLabel(l.carrier)} ${l.label}`, l));
  return `${lines.join("\r\n")}\r\n`;
}

/** shipwatch-scorecard-2026-11-06-to-2026-12-05.csv */
export function csvFileName(from: string, to: string): string {
  return `shipwatch-scorecard-${from}-to-${to}.csv`;
}
