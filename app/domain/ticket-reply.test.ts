import { describe, expect, it } from "vitest";
import { REPLY_LANGUAGES, suggestReply, type ReplyParcel } from "./ticket-reply";

const parcel = (n: number, headline = "Arriving Thursday, 26 November"): ReplyParcel => ({
  carrierName: "UPS",
  trackingNumber: `1Z999AA1012345678${n}`,
  story: { headline, explanation: "UPS scanned it in Ottawa this morning.", next: "We'll write if anything changes." },
});
const LINK = "https://alpha-goods.myshopify.com/apps/track?t=abc.def";

describe("suggested replies", () => {
  it("greets by first name, names the order, tells each parcel's story and gives the link", () => {
    const reply = suggestReply({ language: "en", customerName: "Maya Chen", orderName: "#1001", parcels: [parcel(1)], link: LINK });
    expect(reply).toBe(
      ["Hi Maya,", "", "Thanks for getting in touch about order #1001.", "", "Arriving Thursday, 26 November. UPS scanned it in Ottawa this morning. We'll write if anything changes.", "", `You can follow it at any time here: ${LINK}`].join("\n"),
    );
  });

  it("numbers the parcels of a split order with their carrier and tracking number", () => {
    const reply = suggestReply({ language: "en", customerName: "Maya", orderName: "#1001", parcels: [parcel(1), parcel(2, "Delivered!")], link: LINK });
    expect(reply).toContain("Parcel 1 (UPS, 1Z999AA10123456781): Arriving Thursday, 26 November.");
    expect(reply).toContain("Parcel 2 (UPS, 1Z999AA10123456782): Delivered! UPS");
  });

  it("greets nobody by name when the name is missing or does not look like one", () => {
    for (const customerName of [null, "", "maya@example.com", "<script>"]) {
      expect(suggestReply({ language: "en", customerName, orderName: "#1", parcels: [parcel(1)], link: null }).split("\n")[0]).toBe("Hi,");
    }
  });

  it("asks for the order number when nothing was found, and says an unshipped order is being prepared", () => {
    expect(suggestReply({ language: "en", customerName: null, orderName: null, parcels: [], link: "https://s.myshopify.com/apps/track" })).toContain(
      "Could you reply with your order number",
    );
    expect(suggestReply({ language: "en", customerName: "Noah", orderName: "#1003", parcels: [], link: LINK })).toContain("It hasn't left us yet");
  });

  it("speaks each reply language, with no English left in the frame", () => {
    const english = ["Thanks", "getting in touch", "follow it", "Parcel"];
    for (const language of REPLY_LANGUAGES.filter((l) => l !== "en")) {
      const reply = suggestReply({ language, customerName: "Maya", orderName: "#1001", parcels: [parcel(1), parcel(2)], link: LINK });
      for (const word of english) expect(reply, `${language}: ${word}`).not.toContain(word);
      expect(reply).toContain("#1001");
      expect(reply).toContain(LINK);
      const lost = suggestReply({ language, customerName: null, orderName: null, parcels: [], link: null });
      expect(lost).toContain("#");
    }
  });
});
