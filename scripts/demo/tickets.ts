import { isProblemScenario, type IntendedShipment } from "./simulated-store";
import { sessionToken } from "./shopper-truth";

/**
 * The demo's helpdesk: customers of the simulated month write tickets, some asking where their parcel is and some
 * about something else, in English, French, Spanish and German, naming their order, its tracking number, or
 * nothing. Each goes to `POST /api/v1/tickets` as a helpdesk would send it; the answers are compared with what
 * each customer meant. These phrasings are written apart from the classifier's test table
 * (test/fixtures/wismo-tickets.ts), so the accuracy printed is measured on text it was not tuned on.
 */

type Language = "en" | "fr" | "es" | "de";
type Naming = "order" | "tracking" | "nothing";

interface DemoTicket {
  id: string;
  source: string;
  customerEmail: string;
  subject: string;
  body: string;
  createdAt: string;
  /** what the customer meant */
  wismo: boolean;
  /** the order the ticket is about, when the customer said or has only one */
  orderName: string | null;
}

const WISMO: Record<Language, ((ref: string) => [string, string])[]> = {
  en: [
    (ref) => [`Order ${ref}`, `hey, just checking on my order ${ref}, it was supposed to be here by now and nothing yet. can you check?`],
    (ref) => ["Package not here", `My package still hasn't shown up. The tracking (${ref}) hasn't changed in days. What's going on?`],
    (ref) => [`Re: your order ${ref} has shipped`, `Hello, when will this actually arrive? I need it for a birthday on Saturday.\n\nThanks\nSam\n\nOn Tue, Nov 3 Shop wrote:\n> Your order has shipped`],
    () => ["still waiting", "Hi there, I placed an order a while ago and haven't received it. Could you tell me where it is?"],
    (ref) => ["delivery problem", `The carrier says delivered but there is nothing at my door. Order ${ref}.`],
  ],
  fr: [
    (ref) => [`Commande ${ref}`, `Bonjour, je n'ai toujours pas reçu ma commande ${ref}. Pouvez-vous me dire où elle en est ?`],
    (ref) => ["Suivi de colis", `Bonjour, le suivi ${ref} ne bouge plus depuis plusieurs jours, est-ce normal ?`],
    () => ["Livraison", "Bonjour, quand vais-je recevoir mon colis ? Cela fait plus d'une semaine. Merci"],
  ],
  es: [
    (ref) => [`Pedido ${ref}`, `Hola, mi pedido ${ref} todavía no ha llegado. ¿Me podéis decir dónde está?`],
    (ref) => ["Seguimiento", `Buenas, el número de seguimiento ${ref} no se actualiza. ¿Cuándo llegará mi paquete?`],
    () => ["¿Dónde está mi pedido?", "Hola, hice un pedido hace días y aún no lo he recibido. Gracias."],
  ],
  de: [
    (ref) => [`Bestellung ${ref}`, `Hallo, meine Bestellung ${ref} ist immer noch nicht angekommen. Wo ist mein Paket?`],
    (ref) => ["Sendungsverfolgung", `Guten Tag, die Sendungsnummer ${ref} zeigt seit Tagen keinen neuen Status. Wann kommt die Lieferung?`],
    () => ["Lieferung", "Hallo, ich warte schon lange auf mein Paket. Wann wird es geliefert?"],
  ],
};

const OTHER: Record<Language, ((ref: string) => [string, string])[]> = {
  en: [
    (ref) => ["Return", `Hi, the jacket from order ${ref} is too big. How do I send it back for a smaller size?`],
    () => ["Discount code", "My code WELCOME10 says it's invalid at checkout, can you help?"],
    () => ["Gift card balance", "How can I check what's left on my gift card?"],
    () => ["Sizing question", "Do the trail runners fit true to size? I'm usually a 9.5."],
    (ref) => ["Refund", `I returned order ${ref} two weeks ago, when will the refund show on my card?`],
    () => ["Wholesale", "We run a small outdoor store and would like to carry your products. Who should we talk to?"],
  ],
  fr: [
    (ref) => ["Retour", `Bonjour, je souhaite retourner un article de la commande ${ref}, il ne me va pas.`],
    () => ["Code promo", "Bonjour, mon code de réduction ne fonctionne pas. Pouvez-vous m'aider ?"],
  ],
  es: [
    (ref) => ["Devolución", `Hola, quiero devolver las zapatillas del pedido ${ref}, me quedan pequeñas.`],
    () => ["Talla", "¿Qué talla me recomendáis si normalmente uso una 40?"],
  ],
  de: [
    (ref) => ["Rücksendung", `Hallo, ich möchte einen Artikel aus der Bestellung ${ref} zurückschicken. Wie geht das?`],
    () => ["Gutschein", "Guten Tag, wie kann ich meinen Geschenkgutschein einlösen?"],
  ],
};

/** A small seeded generator (mulberry32): the same seed writes the same tickets. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]! };
}

const LANGUAGES: readonly Language[] = ["en", "en", "en", "fr", "es", "de"];

/**
 * Writes `count` tickets: about 60% WISMO, from customers whose parcels had trouble (and some whose did not),
 * the rest about returns, codes, sizes and the like.
 */
export function demoTickets(intended: readonly IntendedShipment[], options: { seed: number; count: number; now: number }): DemoTicket[] {
  const r = rng(options.seed ^ 0x5eed);
  const ordersOf = new Map<string, Set<string>>();
  for (const s of intended) ordersOf.set(s.email, (ordersOf.get(s.email) ?? new Set()).add(s.orderName));
  const tickets: DemoTicket[] = [];
  if (!intended.length) return tickets;
  const moving = intended.filter((s) => isProblemScenario(s.scenario) || s.scenario === "in_transit");
  // a small demo may have no parcel in trouble or on its way: its customers ask about the parcels there are
  const troubled = moving.length ? moving : intended;
  for (let i = 0; i < options.count; i++) {
    const wismo = r.next() < 0.6;
    const parcel = wismo ? r.pick(troubled) : r.pick(intended);
    const language = r.pick(LANGUAGES);
    const onlyOrder = ordersOf.get(parcel.email)!.size === 1;
    // naming nothing is fair only when the customer has one order: otherwise nobody could tell which
    const naming: Naming = r.pick<Naming>(onlyOrder ? ["order", "tracking", "nothing"] : ["order", "tracking"]);
    const template = r.pick(wismo ? WISMO[language] : OTHER[language]);
    const ref = naming === "tracking" ? parcel.trackingNumber : naming === "order" ? parcel.orderName : "";
    const [subject, body] = template(ref);
    const wrote = ref && (subject.includes(ref) || body.includes(ref));
    tickets.push({
      id: `demo-${i + 1}`,
      source: i % 2 ? "zendesk" : "gorgias",
      customerEmail: parcel.email,
      subject,
      body,
      createdAt: new Date(options.now - (options.count - i) * 60_000).toISOString(),
      wismo,
      // a template that wrote no reference leaves the match to the customer's latest parcel: fair with one order
      orderName: wrote || onlyOrder ? parcel.orderName : null,
    });
  }
  return tickets;
}

export interface TicketReport {
  sent: number;
  wismoSent: number;
  classified: number;
  /** among tickets whose order is known: matched to it, matched to another (never acceptable), not matched */
  matched: number;
  wrongMatches: number;
  unmatched: number;
  withOrder: number;
  byLanguageWrong: string[];
  /** "<ticket id>: expected #1001, matched #1002", the first few */
  wrongMatchDetails: string[];
  ms: number;
}

/** Sends the tickets to the Support API as the shop's helpdesk would, and scores the answers. */
export async function sendDemoTickets(options: { base: string; shop: string; apiKey: string; secret: string; tickets: readonly DemoTicket[] }): Promise<TicketReport> {
  const report: TicketReport = { sent: 0, wismoSent: 0, classified: 0, matched: 0, wrongMatches: 0, unmatched: 0, withOrder: 0, byLanguageWrong: [], wrongMatchDetails: [], ms: 0 };
  const started = performance.now();
  for (const t of options.tickets) {
    const { wismo, orderName, ...ticket } = t;
    const response = await fetch(`${options.base}/api/v1/tickets`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${sessionToken(options.shop, options.apiKey, options.secret, null)}` },
      body: JSON.stringify(ticket),
    });
    if (!response.ok) throw new Error(`POST /api/v1/tickets answered ${response.status}: ${await response.text()}`);
    const answer = (await response.json()) as { wismo: boolean; orderName: string | null };
    report.sent++;
    if (wismo) report.wismoSent++;
    if (answer.wismo === wismo) report.classified++;
    else report.byLanguageWrong.push(`${t.subject} / ${t.body.slice(0, 60)}`);
    if (orderName) {
      report.withOrder++;
      if (answer.orderName === orderName) report.matched++;
      else if (answer.orderName === null) report.unmatched++;
      else {
        report.wrongMatches++;
        report.wrongMatchDetails.push(`${t.id} (${t.subject}): the customer's order is ${orderName}, matched ${answer.orderName}`);
      }
    }
  }
  report.ms = performance.now() - started;
  return report;
}

export function ticketLines(r: TicketReport): string[] {
  const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : "n/a");
  return [
    `tickets        ${r.sent} helpdesk tickets (${r.wismoSent} asking where an order is) sent to POST /api/v1/tickets in ${Math.round(r.ms)} ms`,
    `                 classified right ${r.classified}/${r.sent} (${pct(r.classified, r.sent)}); order matched ${r.matched}/${r.withOrder} (${pct(r.matched, r.withOrder)}), ${r.unmatched} not matched, ${r.wrongMatches} matched to a wrong order`,
    ...r.byLanguageWrong.slice(0, 5).map((w) => `    ✗ ${w}`),
    ...r.wrongMatchDetails.slice(0, 5).map((w) => `    ✗ ${w}`),
  ];
}
