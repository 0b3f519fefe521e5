import { describe, expect, it } from "vitest";
import { WISMO_TICKETS, type WismoTicket } from "../../test/fixtures/wismo-tickets";
import { classifyTicket, ticketText, type TicketLanguage } from "./tickets";

const LANGUAGES: readonly TicketLanguage[] = ["en", "fr", "es", "de"];
const show = (row: WismoTicket) => `[${row.language}] ${JSON.stringify(row.subject)} ${JSON.stringify(row.body.slice(0, 90))}`;

describe("the WISMO ticket table", () => {
  const results = WISMO_TICKETS.map((row) => ({ row, got: classifyTicket(row) }));

  it("is large and balanced enough to mean something", () => {
    expect(WISMO_TICKETS.length).toBeGreaterThanOrEqual(220);
    expect(WISMO_TICKETS.filter((row) => !row.wismo).length * 2).toBeGreaterThanOrEqual(WISMO_TICKETS.length);
    for (const language of ["fr", "es", "de"] as const) {
      expect(WISMO_TICKETS.filter((row) => row.language === language).length).toBeGreaterThanOrEqual(25);
    }
  });

  it("classifies at least 95% of the rows right, and at least 90% in each language", () => {
    const wrong = results.filter(({ row, got }) => got.wismo !== row.wismo);
    const accuracy = 1 - wrong.length / results.length;
    const perLanguage = LANGUAGES.map((language) => {
      const rows = results.filter(({ row }) => row.language === language);
      const right = rows.filter(({ row, got }) => got.wismo === row.wismo).length;
      return { language, right, total: rows.length, accuracy: right / rows.length };
    });
    const report = [
      `accuracy ${(accuracy * 100).toFixed(1)}% (${results.length - wrong.length}/${results.length})`,
      ...perLanguage.map((l) => `${l.language}: ${(l.accuracy * 100).toFixed(1)}% (${l.right}/${l.total})`),
      "misclassified:",
      ...wrong.map(({ row, got }) => `  expected ${row.wismo}, got ${got.wismo} ${show(row)} ${got.signals.join(",")}`),
    ].join("\n");
    expect(accuracy, report).toBeGreaterThanOrEqual(0.95);
    for (const l of perLanguage) expect(l.accuracy, report).toBeGreaterThanOrEqual(0.9);
  });

  it("extracts exactly the order names and tracking numbers of every row, none missing, none extra", () => {
    const errors = results.flatMap(({ row, got }) => {
      const out: string[] = [];
      const orders = row.orderNames ?? [];
      const tracking = row.trackingNumbers ?? [];
      if (JSON.stringify(got.orderNames) !== JSON.stringify(orders)) out.push(`orders ${JSON.stringify(got.orderNames)} ≠ ${JSON.stringify(orders)} ${show(row)}`);
      if (JSON.stringify(got.trackingNumbers) !== JSON.stringify(tracking)) out.push(`tracking ${JSON.stringify(got.trackingNumbers)} ≠ ${JSON.stringify(tracking)} ${show(row)}`);
      return out;
    });
    expect(errors).toEqual([]);
  });

  it("detects the language of at least 95% of the rows", () => {
    const wrong = results.filter(({ row, got }) => got.language !== row.language);
    const report = wrong.map(({ row, got }) => `got ${got.language} ${show(row)}`).join("\n");
    expect(wrong.length / results.length, report).toBeLessThanOrEqual(0.05);
  });
});

describe("ticketText", () => {
  it("strips tags and decodes named and numeric entities", () => {
    expect(ticketText("<p>Hello&nbsp;there &amp; &eacute;t&eacute; &#233;&#x2019;s &lt;b&gt;</p><p>Bye<br/>now</p>")).toBe("Hello there & été é’s <b>\nBye\nnow");
    expect(ticketText("<div>Tom &unknown; &#xD800; ok</div>")).toBe("Tom &unknown; ok");
  });

  it("drops style, script and comments, and what an unclosed one hides", () => {
    const html = "<html><head><style>p { color: red }</style></head><body><!-- tracking pixel --><p>Where is my parcel?</p><script>alert(1)</script></body></html>";
    expect(ticketText(html)).toBe("Where is my parcel?");
    expect(ticketText("<p>Hi</p><!-- never closed <p>secret</p>")).toBe("Hi");
  });

  it("cuts a Gmail quote and a blockquote out of HTML", () => {
    const gmail = '<div dir="ltr">Any news?</div><br><div class="gmail_quote">On Fri, Apr 5, 2024 Shop &lt;s@x.co&gt; wrote:<blockquote>Order #1402 confirmed</blockquote></div>';
    expect(ticketText(gmail)).toBe("Any news?");
  });

  it.each([
    ["en", "Still nothing.\n\nOn Mon, Jun 3, 2024 at 10:12 AM Shop <hello@shop.com> wrote:\n> Your order #1187 is on the way"],
    ["en, wrapped", "Still nothing.\n\nOn Mon, Jun 3, 2024 at 10:12 AM Shop <\nhello@shop.com> wrote:\n> Your order #1187 is on the way"],
    ["fr", "Still nothing.\n\nLe lun. 3 juin 2024 à 10:12, Maison Lune <bonjour@maisonlune.fr> a écrit :\n> Votre commande #1320"],
    ["es", "Still nothing.\n\nEl lun, 3 jun 2024 a las 10:12, Tienda Sol (<hola@tiendasol.es>) escribió:\n> Tu pedido #1440"],
    ["de", "Still nothing.\n\nAm 03.06.2024 um 10:12 schrieb Nordlicht Shop <info@nordlicht.de>:\n> Ihre Bestellung #1390"],
    ["outlook", "Still nothing.\n\n-----Original Message-----\nFrom: Shop\nSent: Tuesday\nSubject: Order #1650"],
    ["outlook fr", "Still nothing.\n\nDe : Atelier Sable <contact@ateliersable.fr>\nEnvoyé : mardi 14 mai 2024 09:02\nObjet : Commande #1741"],
    ["outlook de", "Still nothing.\n\n-----Ursprüngliche Nachricht-----\nVon: Waldkind\nBetreff: Bestellung #1122"],
    ["signature", "Still nothing.\n-- \nDana Whitfield\n+1 (212) 555-0144"],
    ["phone", "Still nothing.\n\nEnviado desde mi iPhone"],
    ["quoted lines only", "> Your order #1187 is on the way\nStill nothing."],
  ])("cuts the quoted history and signature (%s)", (_name, body) => {
    expect(ticketText(body)).toBe("Still nothing.");
  });

  it("keeps a sentence that only looks like a quote header", () => {
    expect(ticketText("Le client a écrit un avis sur le site\nmerci")).toBe("Le client a écrit un avis sur le site\nmerci");
    expect(ticketText("On Monday I wrote to you about it")).toBe("On Monday I wrote to you about it");
  });

  it("answers an empty string for an empty body", () => {
    expect(ticketText("")).toBe("");
    expect(ticketText("   \n\n ")).toBe("");
  });
});

describe("order names", () => {
  const orders = (body: string) => classifyTicket({ subject: "", body }).orderNames;

  it.each([
    ["#1001", ["#1001"]],
    ["order 1001", ["#1001"]],
    ["Order no. 1001", ["#1001"]],
    ["order number: 1001", ["#1001"]],
    ["order # 1001", ["#1001"]],
    ["commande n°1001", ["#1001"]],
    ["numéro de commande : 1001", ["#1001"]],
    ["commande 1001", ["#1001"]],
    ["pedido 1001", ["#1001"]],
    ["pedido nº 1001", ["#1001"]],
    ["Bestellung 1001", ["#1001"]],
    ["Bestellnummer: 1001", ["#1001"]],
    ["Auftrag 1001", ["#1001"]],
    ["orders #1001, #1002 and 1003", ["#1001", "#1002", "#1003"]],
    ["#1002 then order 1001 then #1002 again", ["#1002", "#1001"]],
  ])("reads %j", (body, expected) => {
    expect(orders(body)).toEqual(expected);
  });

  it.each([
    ["a price", "my order was 1500 € and I paid $1500, order $45"],
    ["a date", "order 2024-05-03, Bestellung 12.03.2024, order 03/05/2024"],
    ["a zip code", "order to 75011 Paris, Bestellung an 10115 Berlin"],
    ["a phone number", "order questions: call 555-201-3344 or +33 6 12 34 56 78"],
    ["a quantity", "we'd order 250 pieces, order 100 units, pedido 300 unidades"],
    ["a tracking number", "order 9400111202555842332669 and tracking #12345678"],
    ["an apartment, a ticket, an invoice", "Apt #1203, ticket #45678, invoice #10023"],
    ["a year or an ordinal", "order in 2024? #1 fan, order 2 shirts"],
  ])("does not take %s for an order name", (_what, body) => {
    expect(orders(body)).toEqual([]);
  });

  it("reads the quoted history only when the customer's own words name no order", () => {
    const quoted = "where is it??\n\nOn Mon, Jun 3, 2024 Shop <s@x.co> wrote:\n> Your order #1187 is on the way\n> 1Z999AA10123456784";
    expect(classifyTicket({ subject: "", body: quoted })).toMatchObject({ orderNames: ["#1187"], trackingNumbers: ["1Z999AA10123456784"] });
    const both = "where is order #1200?\n\nOn Mon, Jun 3, 2024 Shop <s@x.co> wrote:\n> Your order #1187 is on the way";
    expect(orders(both)).toEqual(["#1200"]);
  });
});

describe("tracking numbers", () => {
  const tracking = (body: string) => classifyTicket({ subject: "", body }).trackingNumbers;

  it.each([
    ["UPS", "1Z999AA10123456784", "1Z999AA10123456784"],
    ["UPS, spaced and lower case", "1z 999 aa1 01 2345 6784", "1Z999AA10123456784"],
    ["USPS IMpb", "9400111202555842332669", "9400111202555842332669"],
    ["USPS, spaced", "9400 1112 0255 5842 3326 69", "9400111202555842332669"],
    ["USPS with 420 + ZIP", "420221539101026837331000039521", "420221539101026837331000039521"],
    ["FedEx 12", "986578788855", "986578788855"],
    ["FedEx 15", "449044304137821", "449044304137821"],
    ["FedEx 22", "9611020987654312345672", "9611020987654312345672"],
    ["DHL Express after a tracking word", "DHL waybill 3318810025", "3318810025"],
    ["DHL piece id", "JJD0099999999", "JJD0099999999"],
    ["DHL Global Forwarding", "jvgl06290923000912345678", "JVGL06290923000912345678"],
    ["DHL eCommerce", "GM2951173225174494", "GM2951173225174494"],
    ["DHL Paket 20 digits", "Sendungsnummer 00340434161094042557", "00340434161094042557"],
    ["Royal Mail S10", "RB555012347GB", "RB555012347GB"],
    ["La Poste S10, spaced", "LX 612 345 787 FR", "LX612345787FR"],
    ["Canada Post", "7035114477138472", "7035114477138472"],
    ["OnTrac C", "C11031500001879", "C11031500001879"],
    ["OnTrac, lower case", "c76329100643031", "C76329100643031"],
    ["Amazon Logistics", "TBA123456789012", "TBA123456789012"],
  ])("finds %s", (_carrier, body, expected) => {
    expect(tracking(`my tracking is ${body} thanks`)).toEqual([expected]);
  });

  it.each([
    ["an S10 number with a wrong check digit", "RB555012348GB"],
    ["a ten-digit phone number", "call me on 5552013344 or 0612345678"],
    ["a French phone number", "06 12 34 56 78"],
    ["a payment card number", "my card 4111 1111 1111 1111 was charged"],
    ["an IBAN", "IBAN DE89 3704 0044 0532 0130 00"],
    ["a price or a long decimal", "1234567890.50 and 123,456,789,012"],
    ["digits of an unknown length", "ref 12345678901234"],
    ["an OnTrac shape with a wrong check digit", "C11031500001878"],
    ["a letter and fourteen digits inside a word", "XC11031500001879"],
  ])("does not take %s", (_what, body) => {
    expect(tracking(body)).toEqual([]);
  });

  it("splits two numbers a space joins, and keeps the order of appearance", () => {
    expect(tracking("order 1001 9400111202555842332669 and 1Z999AA10123456784")).toEqual(["9400111202555842332669", "1Z999AA10123456784"]);
  });
});

describe("classifyTicket", () => {
  it("shows its evidence", () => {
    const got = classifyTicket({ subject: "Where is my order?", body: "Hi, where is my order #1001? Tracking 1Z999AA10123456784" });
    expect(got.wismo).toBe(true);
    expect(got.signals).toEqual(expect.arrayContaining(["phrase:where is my order", "order:#1001", "tracking:1Z999AA10123456784"]));
  });

  it.each([
    ["ship in relationship", "We'd like a long relationship with your brand, can we talk about stocking you?"],
    ["delivery in a pre-sales question", "Is there free delivery on orders over $50?"],
    ["tracking in size tracking", "I'm tracking my size, do you have a size chart?"],
    ["an order number in a return", "I want to return order #1188, it's too big"],
    ["the word order alone", "I love my order, thank you"],
    ["a plain cancellation", "Please cancel my order #1620, wrong colour"],
    ["a damaged parcel", "The parcel arrived today but the mug is broken"],
  ])("is not fooled by %s", (_what, body) => {
    expect(classifyTicket({ subject: "", body }).wismo).toBe(false);
  });

  it("counts a cancellation because the parcel never came as WISMO", () => {
    expect(classifyTicket({ subject: "", body: "It still hasn't arrived, cancel it" }).wismo).toBe(true);
    expect(classifyTicket({ subject: "", body: "Meine Bestellung ist nie angekommen, bitte stornieren" }).wismo).toBe(true);
  });

  it("treats an address change before shipping as an order edit, not WISMO", () => {
    expect(classifyTicket({ subject: "", body: "Has my order shipped yet? I need to change the address to 4 Elm Rd." }).wismo).toBe(false);
  });

  it("reads accents, case and curly apostrophes alike", () => {
    for (const body of ["OÙ EST MA COMMANDE", "ou est ma commande", "I haven’t received my parcel", "¿DÓNDE ESTÁ MI PEDIDO?", "WO IST MEIN PAKET"]) {
      expect(classifyTicket({ subject: "", body }).wismo, body).toBe(true);
    }
  });

  it.each([
    ["en", "Hi, where is my order? I ordered it two weeks ago."],
    ["fr", "Bonjour, je n'ai toujours pas reçu ma commande, merci de me tenir au courant."],
    ["es", "Hola, todavía no me ha llegado el pedido, ¿me podéis ayudar?"],
    ["de", "Hallo, mein Paket ist leider immer noch nicht angekommen."],
  ])("detects %s", (language, body) => {
    expect(classifyTicket({ subject: "", body }).language).toBe(language);
  });

  it("answers not WISMO, in English, with nothing found, for an empty ticket", () => {
    expect(classifyTicket({ subject: "", body: "" })).toEqual({ wismo: false, signals: [], language: "en", orderNames: [], trackingNumbers: [], mentioned: { orderNames: [], trackingNumbers: [] } });
  });

  it.each([
    ["The tracking (#2651) hasn't changed in days.", { orderNames: ["#2651"], trackingNumbers: [] }],
    ["Hola, quiero devolver las zapatillas del pedido 7418482875.", { orderNames: [], trackingNumbers: ["7418482875"] }],
    ["Call me on 0612345678 or +33 6 12 34 56 78", { orderNames: [], trackingNumbers: ["0612345678"] }],
    // what the strict reading already took is not repeated
    ["Where is order #1520? Tracking 1Z999AA10123456784", { orderNames: [], trackingNumbers: [] }],
    ["ticket #48213 about order 1520", { orderNames: ["#48213"], trackingNumbers: [] }],
  ])("keeps what reads loosely like a reference apart, to look up and never to guess past: %s", (body, mentioned) => {
    const c = classifyTicket({ subject: "", body });
    expect(c.mentioned).toEqual(mentioned);
    for (const name of mentioned.orderNames) expect(c.orderNames).not.toContain(name);
  });

  it("reads a subject alone", () => {
    expect(classifyTicket({ subject: "Where is order #1520?", body: "" })).toMatchObject({ wismo: true, orderNames: ["#1520"] });
  });

  it("returns on 1 MB bodies built to make patterns backtrack, reading only the start", () => {
    const MB = 1_000_000;
    const bodies = [
      "a".repeat(MB),
      "<".repeat(MB),
      "<p".repeat(MB / 2),
      "&#".repeat(MB / 2),
      "1 ".repeat(MB / 2),
      "order ".repeat(MB / 6),
      "#1".repeat(MB / 2),
      "where is my ".repeat(MB / 12),
      "On ".repeat(MB / 3),
      "1z ".repeat(MB / 3),
      `${"x".repeat(30_000)} where is my order #1001`,
    ];
    for (const body of bodies) {
      const got = classifyTicket({ subject: "s".repeat(MB), body });
      expect(got.orderNames.length).toBeLessThan(10_000);
    }
    // beyond the first 20,000 characters nothing is read
    expect(classifyTicket({ subject: "", body: `${"x ".repeat(15_000)} where is my order #1001` })).toMatchObject({ wismo: false, orderNames: [] });
  });
});
