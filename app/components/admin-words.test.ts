import { describe, expect, it } from "vitest";
import { actorInSentence, actorLabel } from "./case-words";
import { countryName, formatDestination } from "./format";
import { listPagination } from "./ListPagination";
import { describeCondition, describeSaw } from "./rule-words";
import { placeWords } from "./ShipmentTimeline";

describe("who did it, in the audit trail", () => {
  it.each([
    ["staff:1", "staff:1", "You"],
    ["staff:42", "staff:1", "Staff member #42"],
    ["staff:unknown", "staff:1", "A staff member"],
    ["shipwatch", "staff:1", "Shipwatch"],
    ["ada@example.com", "staff:1", "ada@example.com"],
    ["Ada Lovelace <ada@example.com>", "staff:1", "Ada Lovelace"],
    // the same person, recorded once by email and once with their name
    ["Ada Lovelace <ADA@example.com>", "ada@example.com", "You"],
  ])("%s seen by %s reads %s", (actor, me, label) => {
    expect(actorLabel(actor, me)).toBe(label);
  });

  it("says 'you' inside a sentence", () => {
    expect(actorInSentence("staff:1", "staff:1")).toBe("you");
    expect(actorInSentence("staff:7", "staff:1")).toBe("Staff member #7");
  });
});

describe("places in words", () => {
  it("names countries by their code, and leaves names and unknown codes alone", () => {
    expect(countryName("US")).toBe("United States");
    expect(countryName("ca")).toBe("Canada");
    expect(countryName("United States")).toBe("United States");
    expect(countryName("ZZ")).toBe("ZZ");
  });

  it("writes a destination from city to country", () => {
    expect(formatDestination("US", "NY", "Brooklyn")).toBe("Brooklyn, NY, United States");
    expect(formatDestination("CA", null)).toBe("Canada");
    expect(formatDestination(null, "NY")).toBeNull();
  });

  it("reads only a third part of a scan's place as a country: IL in 'Springfield, IL' is a state", () => {
    expect(placeWords("Ottawa, ON, CA")).toBe("Ottawa, ON, Canada");
    expect(placeWords("Springfield, IL")).toBe("Springfield, IL");
  });
});

describe("what a rule saw, in words", () => {
  it.each([
    ["status in_transit (On its way)", "Status: On its way"],
    ["status delayed (Delayed), classed exception", "Status: Delayed, classed exception"],
    ["reason address_issue (Address problem)", "Reason: Address problem"],
    ["no reason given", "No reason given"],
    ["carrier canada_post", "Carrier: Canada Post"],
    ["destination CA-ON", "Ships to ON, Canada"],
    ["destination US", "Ships to United States"],
    ["order total 80.00 CAD", "Order total: CA$80.00"],
    ["customer tags []", "Customer has no tags"],
    ["order tags [vip, gift]", "Order tags: vip, gift"],
    ["last carrier scan 52.5 business hours ago", "Last carrier scan 52½ business hours ago"],
    ["last carrier scan 1 business hours ago", "Last carrier scan 1 business hour ago"],
    ["label created 30 business hours ago, no carrier scan since", "Label created 30 business hours ago, and not scanned since"],
    ["last carrier scan 12.3 days ago", "Last carrier scan 12.3 days ago"],
    ["carrier ETA 2026-11-20, promise 2026-11-18", "The carrier expects Fri, Nov 20; promised by Wed, Nov 18"],
    ["0 delivery attempts", "No delivery attempt yet"],
    ["2 delivery attempts", "2 delivery attempts"],
    ["3 business days past the promise", "3 business days past the promise date"],
    ["promise not yet due", "Promise not yet due"],
  ])("%s → %s", (saw, words) => {
    expect(describeSaw(saw, { canada_post: "Canada Post" })).toBe(words);
  });

  it("names destination countries in a condition", () => {
    expect(describeCondition({ kind: "destination_in", countries: ["US", "CA"] })).toBe("Ships to United States or Canada");
  });
});

describe("list pagination", () => {
  it("labels the rows shown and moves a page at a time", () => {
    const moves: number[] = [];
    const p = listPagination({ page: 2, pageSize: 25, total: 30, shown: 5, noun: "cases" }, (n) => moves.push(n));
    expect(p).toMatchObject({ hasPrevious: true, hasNext: false, label: "26–30 of 30" });
    p.onPrevious?.();
    p.onNext?.();
    expect(moves).toEqual([1, 3]);
    expect(listPagination({ page: 1, pageSize: 25, total: 0, shown: 0, noun: "cases" }, () => {}).label).toBe("No cases");
    expect(listPagination({ page: 9, pageSize: 25, total: 30, shown: 0, noun: "cases" }, () => {}).label).toBe("No cases on this page");
  });
});
