import { BlockStack, DataTable, Tabs, Text } from "@shopify/polaris";
import { useState } from "react";
import type { CarrierScore, TransitScore } from "~/domain/scorecard";
import { carrierLabel, formatCount, formatDays, formatRate, laneLabel, serviceLabel } from "./figures";

/** On time and transit, by carrier, by service or by lane: one table, three tabs, the numbers behind the bar charts. */
export function TransitTable({ carriers, services, lanes }: { carriers: readonly CarrierScore[]; services: readonly TransitScore[]; lanes: readonly TransitScore[] }) {
  const [selected, setSelected] = useState(0);
  const tabs = [
    { id: "carrier", content: "By carrier", rows: carriers.map((c) => ({ name: carrierLabel(c.carrier), score: c })) },
    { id: "service", content: "By service", rows: services.map((s) => ({ name: `${carrierLabel(s.carrier)} · ${serviceLabel(s.label)}`, score: s })) },
    { id: "lane", content: "By route", rows: lanes.map((l) => ({ name: `${carrierLabel(l.carrier)} · ${laneLabel(l.label)}`, score: l })) },
  ];
  const tab = tabs[selected]!;
  const delivered = (s: CarrierScore, text: string) => (s.delivered > 0 ? text : "–");
  return (
    <BlockStack gap="200">
      <Tabs tabs={tabs.map(({ id, content }) => ({ id, content, panelID: `${id}-panel` }))} selected={selected} onSelect={setSelected} fitted />
      <div id={`${tab.id}-panel`} role="tabpanel">
        {tab.rows.length ? (
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
            headings={["", "Shipments", "Delivered", "On time", "Typical transit", "Slowest 1 in 10"]}
            rows={tab.rows.map(({ name, score }) => [
              name,
              formatCount(score.shipments),
              formatCount(score.delivered),
              delivered(score, formatRate(score.onTimeRate)),
              delivered(score, formatDays(score.transitDaysP50)),
              delivered(score, formatDays(score.transitDaysP90)),
            ])}
            increasedTableDensity
          />
        ) : (
          <Text as="p" tone="subdued">
            Nothing shipped in this period.
          </Text>
        )}
      </div>
    </BlockStack>
  );
}
