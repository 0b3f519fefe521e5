import { describe, expect, it } from "vitest";
import { breachAlertWords, caseAdminUrl, caseTypeWords, latenessWords, routeFor, routeWords, sentActivity, stillWorthSending, webhookHint } from "./sla-alerts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DUE = Date.parse("2026-11-16T15:00:00Z");

describe("how late, in words", () => {
  it.each([
    [0, "1 min"],
    [30_000, "1 min"],
    [45 * MIN, "45 min"],
    [59 * MIN + 59_000, "59 min"],
    [HOUR, "1 h"],
    [3 * HOUR + 40 * MIN, "3 h"],
    [47 * HOUR, "47 h"],
    [48 * HOUR, "2 d"],
    [52 * HOUR + 10 * MIN, "2 d 4 h"],
    [10 * 24 * HOUR, "10 d"],
  ])("%i ms late reads %s", (ms, words) => {
    expect(latenessWords(ms)).toBe(words);
  });
});

describe("the alert's words", () => {
  const facts = {
    caseId: 318,
    type: "lost",
    owner: "fulfillment" as const,
    priority: "urgent" as const,
    orderName: "#1001",
    trackingNumber: "1Z999AA10123456784",
    dueAt: DUE,
    caseUrl: caseAdminUrl("maple-and-moss.myshopify.com", "shipwatch", 318),
  };

  it("names the team, the case in plain words, the order, how late, the priority and links the case in the admin", () => {
    const { title, text } = breachAlertWords(facts, DUE + 3 * HOUR + 5 * MIN);
    expect(title).toBe("SLA breached: Parcel likely lost on order #1001, overdue by 3 h");
    expect(text).toBe(
      [
        ":rotating_light: *SLA breached for Fulfillment*",
        "Parcel likely lost on order *#1001* (tracking 1Z999AA10123456784) is overdue by 3 h. Priority: urgent.",
        "<https://admin.shopify.com/store/maple-and-moss/apps/shipwatch/app/exceptions/318|Open case #318 in Shipwatch>",
      ].join("\n"),
    );
  });

  it("an order-level case (no parcel yet) says so without a tracking number", () => {
    const { text } = breachAlertWords({ ...facts, type: "fulfillment_delayed", trackingNumber: null, owner: "operations" }, DUE + 26 * HOUR);
    expect(text).toContain("*SLA breached for Operations*");
    expect(text).toContain("Order not fulfilled in time on order *#1001* is overdue by 26 h.");
    expect(text).not.toContain("tracking");
  });

  it("an order name cannot inject Slack markup (links, mentions)", () => {
    const { text } = breachAlertWords({ ...facts, orderName: "<!channel> & <https://evil.example|x>" }, DUE + HOUR);
    expect(text).toContain("*&lt;!channel&gt; &amp; &lt;https://evil.example|x&gt;*");
    expect(text).not.toContain("<!channel>");
  });

  it("carries nothing of the customer: only the case's own fields are read", () => {
    // the words are built from BreachFacts alone, which has no field for an email, phone or address
    const { text, title } = breachAlertWords(facts, DUE + HOUR);
    expect(`${title}\n${text}`).not.toMatch(/@|\+\d{7,}|street|avenue/i);
  });

  it("a type added later still reads as words", () => {
    expect(caseTypeWords("stalled")).toBe("Parcel stalled in transit");
    expect(caseTypeWords("carrier_strike_hold")).toBe("Carrier strike hold");
  });
});

describe("whether a claimed alert still goes", () => {
  it.each([
    [{ status: "open" as const, owner: "support" as const }, "support", { send: true }],
    [{ status: "snoozed" as const, owner: "support" as const }, "support", { send: true }],
    [{ status: "resolved" as const, owner: "support" as const }, "support", { send: false, reason: "The case was resolved before the alert went" }],
    [{ status: "open" as const, owner: "finance" as const }, "support", { send: false, reason: "The case was handed to Finance before the alert went" }],
    [null, "support", { send: false, reason: "The case is no longer there" }],
  ] as const)("case %j, alert for %s", (current, owner, expected) => {
    expect(stillWorthSending(current, owner)).toEqual(expected);
  });
});

describe("where a team's alert goes", () => {
  it("the team's own webhook first, else the shop's Slack channel, else nowhere", () => {
    expect(routeFor("fulfillment", new Set(["fulfillment"]), true)).toBe("team_webhook");
    expect(routeFor("fulfillment", new Set(["fulfillment"]), false)).toBe("team_webhook");
    expect(routeFor("finance", new Set(["fulfillment"]), true)).toBe("shop_slack");
    expect(routeFor("finance", new Set(["fulfillment"]), false)).toBeNull();
  });

  it("the trail's words", () => {
    expect(sentActivity("fulfillment", routeWords("fulfillment", "team_webhook"))).toBe("SLA alert sent to Fulfillment on Slack (Fulfillment team's webhook)");
    expect(sentActivity("support", routeWords("support", "shop_slack"))).toBe("SLA alert sent to Support on Slack (the shop's channel)");
  });

  it("a webhook is recognised by its last characters, never shown whole", () => {
    expect(webhookHint("https://hooks.slack.com/services/T000/B000/abcdWXYZ/")).toBe("…WXYZ");
  });
});
