import type { CarrierScore, Scorecard } from "~/domain/scorecard";
import { dayOfInstant } from "~/domain/scorecard";
import { sessionToken } from "./shopper-truth";

/**
 * The month's scorecard as a helpdesk or a BI tool reads it: `GET /api/v1/scorecard` over the demo's 30 days, in
 * the shop's time zone, answered from the daily roll-ups the pipeline kept while the month arrived.
 */
export async function demoScorecard(options: { base: string; shop: string; apiKey: string; secret: string; zone: string; end: number; days: number }) {
  const to = dayOfInstant(options.end, options.zone);
  const from = dayOfInstant(options.end - (options.days - 1) * 86_400_000, options.zone);
  const path = `/api/v1/scorecard?from=${from}&to=${to}`;
  const started = performance.now();
  const response = await fetch(`${options.base}${path}`, { headers: { authorization: `Bearer ${sessionToken(options.shop, options.apiKey, options.secret, null)}` } });
  const ms = performance.now() - started;
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return { path, ms, scorecard: (await response.json()) as Scorecard };
}

export function scorecardLines({ path, ms, scorecard: s }: Awaited<ReturnType<typeof demoScorecard>>): string[] {
  const pct = (rate: number) => `${Math.round(rate * 100)}%`;
  const top = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ") || "none";
  const carrier = (c: CarrierScore) =>
    `${c.carrier} ${c.shipments} shipped, ${c.delivered} delivered, ${pct(c.onTimeRate)} on time, transit p50 ${c.transitDaysP50.toFixed(1)} d / p90 ${c.transitDaysP90.toFixed(1)} d`;
  return [
    `scorecard      ${path} answered in ${Math.round(ms)} ms (from the daily roll-ups)`,
    `                 shipments ${s.shipments.total}: ${s.shipments.delivered} delivered, ${s.shipments.inFlight} in flight`,
    ...s.carriers.map((c) => `                 ${carrier(c)}`),
    `                 exceptions ${s.exceptions.opened} opened (${top(s.exceptions.byType)}), ${s.exceptions.resolved} resolved, median ${s.exceptions.medianHoursToResolve.toFixed(1)} h to resolve`,
    `                 messages ${s.messages.sent} sent (${top(s.messages.byMoment)})`,
    `                 asks ${s.asks.lookups} lookups and ${s.asks.tickets} tickets (${s.asks.wismoTickets} asking where an order is), about ${s.asks.shipmentsAsked} shipments; case before the ask ${pct(s.asks.caseBeforeAskRate)}`,
  ];
}
