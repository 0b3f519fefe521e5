/**
 * Is a helpdesk ticket a WISMO ("where is my order?") question, and which orders and parcels does it name?
 * Pure and rule-based: weighted phrase patterns for the question, weighted patterns for the intents that
 * compete with it (returns, sizing, billing, "it arrived, thanks"...), in English, French, Spanish and German.
 * Every pattern runs on folded text (lower case, no accents) and is bounded, so the cost stays linear in the
 * (capped) length of the ticket.
 *
 * Decisions a reader might undo by accident:
 * - An address change is NOT WISMO, even with "has it shipped yet?": the ask is an order edit, answered by the
 *   shop, not by a tracking story. The address pattern weighs as much as the strongest WISMO phrase, so a tie
 *   goes to the edit.
 * - "It never arrived, cancel it / refund me" IS WISMO: the customer is telling us about a late parcel, the
 *   cancel or refund words weigh less than "never arrived".
 * - "Damaged" and "arrived, thanks" are not WISMO: the parcel was delivered.
 * - Order names and tracking numbers come from the customer's own words first; only when there are none do we
 *   read the quoted history (a reply to the shipping confirmation carries the order name there).
 */
import { detectCarriers } from "./carriers";

export type TicketLanguage = "en" | "fr" | "es" | "de";

export interface TicketClassification {
  wismo: boolean;
  /** the evidence, for support and tests: e.g. ["phrase:where is my order", "order:#1001"] */
  signals: string[];
  language: TicketLanguage;
  /** order names as Shopify writes them by default ("#" + digits), in order of appearance, unique */
  orderNames: string[];
  /** tracking numbers found, upper-cased, spaces removed, in order of appearance, unique */
  trackingNumbers: string[];
  /**
   * What else reads like a reference, too loosely to be called one: "#2651" after "tracking", a ten-digit number
   * after "pedido". Worth looking up (it names the customer's own order or parcel, or nothing), and a sign that
   * the customer meant something particular: a ticket with any reference is never matched by guessing.
   */
  mentioned: { orderNames: string[]; trackingNumbers: string[] };
}

/** Only the start of a body is read: the question is at the top, and a pasted log must not cost more. */
export const MAX_BODY_CHARS = 20_000;
const MAX_SUBJECT_CHARS = 1_000;
/** a WISMO ticket needs one clear phrase (or two weak ones), and more for it than against it */
const THRESHOLD = 2;

// ---------------------------------------------------------------------------------------------------------
// Body to plain text

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ensp: " ", emsp: " ", thinsp: " ",
  eacute: "é", egrave: "è", ecirc: "ê", euml: "ë", agrave: "à", acirc: "â", aacute: "á", auml: "ä",
  ccedil: "ç", icirc: "î", iuml: "ï", iacute: "í", ocirc: "ô", oacute: "ó", ouml: "ö", ucirc: "û",
  ugrave: "ù", uacute: "ú", uuml: "ü", ntilde: "ñ", szlig: "ß", Eacute: "É", Egrave: "È", Agrave: "À",
  Ccedil: "Ç", Auml: "Ä", Ouml: "Ö", Uuml: "Ü", Ntilde: "Ñ", oelig: "œ", iquest: "¿", iexcl: "¡",
  ordm: "º", ordf: "ª", deg: "°", laquo: "«", raquo: "»", rsquo: "’", lsquo: "‘", rdquo: "”", ldquo: "“",
  hellip: "…", ndash: "–", mdash: "—", euro: "€", pound: "£", copy: "©", reg: "®", trade: "™", middot: "·",
  bull: "•", shy: "",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === "#") {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      // a surrogate or out-of-range code point would make a malformed string
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "";
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Removes every `open … close` span with indexOf, not a lazy regex: an unclosed opener costs one scan, not one per opener. */
function removeSpans(html: string, open: string, close: string): string {
  const lower = html.toLowerCase();
  let out = "";
  let at = 0;
  for (;;) {
    const start = lower.indexOf(open, at);
    if (start < 0) return out + html.slice(at);
    out += html.slice(at, start);
    const end = lower.indexOf(close, start + open.length);
    if (end < 0) return out;
    at = end + close.length;
  }
}

// where a mail client puts the earlier conversation in an HTML reply
const HTML_QUOTE_MARKERS = ["<blockquote", 'class="gmail_quote', "class='gmail_quote", 'id="appendonsend', 'class="yahoo_quoted', 'id="divrplyfwdmsg', 'id="mail-editor-reference-message-container'];
const BLOCK_END = /<\s*(?:br\s*\/?|\/\s*(?:p|div|li|tr|h[1-6]|table|blockquote)\s*)>/gi;

function htmlToText(html: string): { text: string; quoted: string } {
  let clean = removeSpans(html, "<!--", "-->");
  clean = removeSpans(clean, "<style", "</style>");
  clean = removeSpans(clean, "<script", "</script>");
  clean = removeSpans(clean, "<head", "</head>");
  const lower = clean.toLowerCase();
  let cut = clean.length;
  for (const marker of HTML_QUOTE_MARKERS) {
    const at = lower.indexOf(marker);
    if (at >= 0 && at < cut) cut = lower.lastIndexOf("<", at);
  }
  const plain = (part: string) =>
    decodeEntities(part.replace(/\r\n?/g, " ").replace(/\n/g, " ").replace(BLOCK_END, "\n").replace(/<[^<>]{0,2000}>/g, ""));
  return { text: plain(clean.slice(0, cut)), quoted: plain(clean.slice(cut)) };
}

const QUOTE_HEADER = /^(?:on|le|el|am)\b.{0,300}\b(?:wrote|a ecrit|escribio|schrieb)\b/;
const SEPARATOR = /^[-_=*\s]*(?:original message|message d'origine|mensaje original|ursprungliche nachricht|forwarded message|message transfere|mensaje reenviado|weitergeleitete nachricht)\b/;
const SENT_FROM = /^(?:sent from my|sent from outlook|get outlook for|envoye de mon|envoye depuis|enviado desde mi|von meinem .{0,40}gesendet)/;
const HEADER_FROM = /^(?:from|de|von)\s?:/;
const HEADER_NEXT = /^(?:sent|date|envoye|enviado|gesendet|datum|to|a|para|an|subject|objet|asunto|betreff|cc)\s?:/;

function foldLine(line: string): string {
  return fold(line.trim().slice(0, 400));
}

/** The index of the first line that starts quoted history or a signature, or lines.length. */
function historyStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = foldLine(lines[i]!);
    if (line === "--" || line === "__") return i;
    if (SEPARATOR.test(line) || SENT_FROM.test(line)) return i;
    // "On …, X <x@y> wrote:" ends with a colon, which a sentence such as "le client a écrit un avis" does not;
    // a mail client may wrap it in two lines
    if (/^(?:on|le|el|am)\b/.test(line)) {
      const header = line.endsWith(":") ? line : `${line} ${foldLine(lines[i + 1] ?? "")}`;
      if (header.endsWith(":") && QUOTE_HEADER.test(header)) return i;
    }
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 4).some((next) => HEADER_NEXT.test(foldLine(next)))) return i;
  }
  return lines.length;
}

function tidy(lines: string[]): string {
  return lines
    .map((line) => line.replace(/[ \t\u00a0\u2000-\u200b]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** The customer's words and the quoted history under them, both plain text. */
function splitBody(body: string): { text: string; quoted: string } {
  const capped = body.slice(0, MAX_BODY_CHARS);
  const { text, quoted } = /<\/?[a-z][a-z0-9]{0,20}[\s/>]/i.test(capped) ? htmlToText(capped) : { text: decodeEntities(capped), quoted: "" };
  const lines = text.split(/\r\n|\r|\n/);
  const end = historyStart(lines);
  const own = lines.slice(0, end).filter((line) => !line.trimStart().startsWith(">"));
  const history = [...lines.slice(end), ...lines.slice(0, end).filter((line) => line.trimStart().startsWith(">")), quoted];
  return { text: tidy(own), quoted: tidy(history) };
}

/** plain text of a ticket body: HTML tags and entities removed, quoted history and signatures cut */
export function ticketText(body: string): string {
  return splitBody(body ?? "").text;
}

// ---------------------------------------------------------------------------------------------------------
// Folding and language

/** lower case, accents off, ß as ss, curly quotes straight: the form every pattern below is written in */
function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/[’‘`´]/g, "'");
}

// common short words of each language; a word shared by two languages counts for both
const STOP_WORDS: Record<TicketLanguage, readonly string[]> = {
  en: ["the", "and", "my", "is", "it", "to", "of", "i", "you", "have", "not", "where", "when", "was", "for", "this", "please", "thanks", "thank", "hi", "hello", "your", "with", "what", "yet", "still", "order", "but", "can", "did", "hasn't", "haven't", "be", "on", "just", "would", "any", "been", "got"],
  fr: ["le", "la", "les", "de", "des", "du", "et", "je", "mon", "ma", "mes", "est", "pas", "que", "pour", "vous", "une", "un", "commande", "colis", "bonjour", "merci", "avec", "ce", "il", "elle", "ai", "j'ai", "c'est", "toujours", "quand", "recu", "n'ai", "n'est", "au", "sur", "mais", "suis", "votre", "cordialement", "bonne", "journee", "encore"],
  es: ["el", "la", "los", "las", "de", "del", "y", "mi", "mis", "es", "no", "que", "para", "por", "un", "una", "pedido", "hola", "gracias", "con", "esta", "he", "me", "todavia", "cuando", "donde", "lo", "ha", "pero", "ya", "aun", "llegado", "saludos", "muchas", "hace", "dias", "quiero", "porque"],
  de: ["der", "die", "das", "und", "ich", "mein", "meine", "ist", "nicht", "noch", "wo", "wann", "bestellung", "paket", "hallo", "danke", "mit", "ein", "eine", "habe", "sie", "es", "bitte", "zu", "auf", "den", "dem", "von", "vielen", "gruss", "grusse", "leider", "immer", "schon", "wurde", "sendung", "aber", "auch", "guten", "tag"],
};
const LANGUAGES: readonly TicketLanguage[] = ["en", "fr", "es", "de"];

function detectLanguage(raw: string, folded: string): TicketLanguage {
  const score: Record<TicketLanguage, number> = { en: 0, fr: 0, es: 0, de: 0 };
  const words = folded.slice(0, 4_000).match(/[a-z']+/g) ?? [];
  const sets = LANGUAGES.map((language) => [language, new Set(STOP_WORDS[language])] as const);
  for (const word of words) for (const [language, set] of sets) if (set.has(word)) score[language] += 1;
  // letters only one of the languages writes
  const head = raw.slice(0, 4_000);
  score.es += 2 * (head.match(/[ñ¿¡]/gi)?.length ?? 0);
  score.de += 2 * (head.match(/[ßäöü]/gi)?.length ?? 0);
  score.fr += head.match(/[çèêàùœ]/gi)?.length ?? 0;
  let best: TicketLanguage = "en";
  for (const language of LANGUAGES) if (score[language] > score[best]) best = language;
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// Intent patterns. Each has a label (it becomes a signal) and a weight. Gaps are bounded ([^.?!\n]{0,40}),
// never nested, so no pattern can backtrack without end.

interface Pattern {
  label: string;
  weight: number;
  re: RegExp;
  /** says the parcel never came: then "cancel it", "refund me" or "wrong address" is about that parcel, not another intent */
  undelivered?: boolean;
}

const p = (label: string, weight: number, re: RegExp, undelivered = false): Pattern => ({ label, weight, re, undelivered });
// the competing intents a missing parcel explains
const CONSEQUENCES: ReadonlySet<string> = new Set(["cancel", "refund", "address change"]);
const GAP = "[^.?!\\n]{0,40}";
const THING_EN = "(?:order|orders|package|packages|parcel|parcels|shipment|delivery|item|items|purchase|stuff|box|things?|jacket|shoes|dress|shirt|hoodie)";
const NOT_MONEY = "(?! (?:refund|credit|money|return label|email|e-mail|confirmation|invoice|code|reply|response|answer))";

const WISMO: readonly Pattern[] = [
  // English
  p("where is my order", 3, new RegExp(`\\bwhere(?:'s| is| are|s)? (?:(?:my|our|the|this) (?:\\w+ )?${THING_EN}\\b|order (?:no\\.? |number )?#? ?\\d)`)),
  p("where is it", 3, /\bwhere (?:is|are) (?:it|they|this)\b(?! located)/),
  p("when will it arrive", 3, new RegExp(`\\bwhen\\b${GAP}\\b(?:arrive|arriving|get (?:it|them|my|here|there|delivered)|receive (?:it|them|my)|recieve|be delivered|be shipped|ship|be here|come|expect (?:it|them|my|to)|dispatch)\\b`)),
  p("was supposed to arrive", 2, /\b(?:supposed|meant|due|expected) to (?:arrive|come|be (?:here|delivered)|ship|get here)\b|\bcense (?:arriver|etre livre)|\bdebia (?:llegar|haber llegado)|\bsollte\b[^.?!\n]{0,30}\b(?:kommen|ankommen|da sein|geliefert werden)\b/),
  p("how long until it arrives", 2, new RegExp(`\\bhow (?:long|much longer)\\b${GAP}\\b(?:my|our) ${THING_EN}`)),
  p("not arrived", 3, /\bnot here\b|\bneither (?:one )?(?:has|have) (?:arrived|come)\b|\b(?:has ?n'?t|has not|have ?n'?t|have not|did ?n'?t|did not|does ?n'?t|does not|is ?n'?t|is not|still not|still hasn'?t|never|not yet|yet to)(?: yet| even| been| still){0,2} (?:arrived?|arriving|come|came|show(?:n|ed)? up|turned up|be(?:en)? delivered|delivered|here)\b/, true),
  p("not received", 3, new RegExp(`\\b(?:has ?n'?t|has not|have ?n'?t|have not|did ?n'?t|did not|never|not yet|still not|yet to|still haven'?t)(?: yet| even| still){0,2} (?:received?|recieved?|recived|gotten|got|get) (?:my|the|it|our|this|them|any|a|an|anything)\\b${NOT_MONEY}`), true),
  p("still waiting", 3, new RegExp(`\\b(?:still|been|am|i'm|im) (?:waiting|wating|waitin)\\b(?! (?:for|on) (?:a |an |my |the |your )?(?:refund|reply|response|answer|return|credit|exchange|replacement))`)),
  p("tracking not updating", 3, /\btracking\b[^.?!\n]{0,30}\b(?:not|hasn'?t|has not|isn'?t|no|doesn'?t|won'?t|never) (?:been )?(?:updat|mov|chang|work|show)/),
  p("no movement", 2, /\b(?:not moved|hasn'?t moved|no movement|no updates?|not updated|hasn'?t (?:been )?updated|not moving|same status)\b/),
  p("stuck", 3, new RegExp(`\\b(?:${THING_EN}|it|tracking)\\b[^.?!\\n]{0,25}\\b(?:stuck|sitting)\\b|\\bstuck (?:in|at) (?:transit|customs|the)\\b`)),
  p("delivered but not received", 3, /\b(?:marked|shows?|showing|says?|listed|status)\b[^.?!\n]{0,25}\bdelivered\b[^.?!\n]{0,40}\b(?:not|never|no|didn'?t|haven'?t|nothing|nowhere)\b/),
  p("marked delivered", 1, /\b(?:marked|shows?|showing|says?) (?:as )?delivered\b/),
  p("asks tracking number", 2, /\b(?:tracking|trackin|trakcing) (?:number|no|#|info|information|link|code|details|update)\b|\btrack (?:my|our|the|it)\b/),
  p("has it shipped", 3, new RegExp(`\\b(?:has|have|did|was|is) (?:my|our|the|this|it|they)(?: \\w+)? ?(?:${THING_EN} )?(?:ship(?:ped)?|been (?:shipped|sent|dispatched|posted|mailed)|sent out|gone out|dispatched|left)\\b`)),
  p("not shipped", 3, /\b(?:has ?n'?t|has not|have ?n'?t|have not|is ?n'?t|is not|not|never)(?: yet| even| been| actually){0,2} (?:shipped|dispatched|sent out|been sent|left the warehouse)\b/),
  p("did you send it", 3, /\bdid you (?:\w+ )?(?:send|ship|post|dispatch|mail) (?:it|them|my|the|our)\b/),
  p("will it arrive in time", 3, /\bwill (?:my|the|it|our|they|this)\b(?: \w+){0,2} (?:arrive|be delivered|get here|be here|ship) (?:before|by|in time)\b/),
  p("label created", 2, /\b(?:label (?:created|printed)|pre-shipment|shipping label created|awaiting (?:pickup|collection)|etiquette creee|etiqueta creada|sendungsdaten (?:ubermittelt|ubertragen))\b/),
  p("still in transit", 3, /\bstill (?:in transit|on (?:its|the) way|processing|pending|preparing|in preparation|unfulfilled)\b|\b(?:toujours|encore) en (?:transit|preparation|cours d'acheminement)\b|\b(?:sigue|todavia|aun) en (?:transito|camino|preparacion)\b|\b(?:pone|dice|figura) '?en preparacion'? desde\b|\b(?:immer noch|noch immer|seit \w+ (?:tagen|wochen)) (?:in bearbeitung|unterwegs|in zustellung)\b/),
  p("part of the order missing", 3, /\b(?:the rest|remaining items?|other (?:item|items|parcel|package|half)|el resto|lo que falta|le reste|l'autre colis|les autres articles|der rest|restliche[nr]?)\b[^.?!\n]{0,40}\b(?:come|coming|arriv|ship|sent|viene|llega|envia|expedie|envoye|kommt|geliefert|versendet)|\b(?:shipped|sent|dispatched) separately\b|\b(?:envoyee?s?|expediee?s?) separement\b|\b(?:enviado|enviados|enviada) por separado\b|\bseparat (?:versendet|verschickt|geliefert)\b/),
  p("redelivery", 2, /\b(?:redeliver|re-deliver|try (?:again|to deliver again)|deliver (?:it )?again|vuelv\w{0,3} a intentar|volver a (?:intentar|entregar)|nouvelle (?:tentative|livraison)|repasser|erneut zustell|nochmal zustell|neuen? zustellversuch)/),
  p("misdelivered", 3, /\bdelivered to\b[^.?!\n]{0,40}\b(?:instead|wrong|neighbou?r'?s?|another|different)\b|\blivre (?:a|chez)\b[^.?!\n]{0,30}\b(?:mauvaise|autre|voisin)\b|\bentregado (?:a|en)\b[^.?!\n]{0,30}\b(?:otra|equivocada|vecino)\b|\ban (?:die )?(?:falsche|andere) (?:adresse|anschrift)\b/, true),
  p("status asked", 2, /\b(?:order|bestellung|commande|pedido|paket|colis|package|parcel)\b[^.?!\n]{0,20}\b(?:status|statut|estado)\b/),
  p("shipped yet", 1, /\b(?:shipped|sent|dispatched|arrived) yet\b/),
  p("order status", 2, new RegExp(`\\b(?:status|update|news|info|information)\\b (?:on|of|about|for) (?:my|our|the) ${THING_EN}|\\b(?:order|shipping|delivery|shipment) (?:status|update)\\b`)),
  p("lost or late", 3, new RegExp(`\\b${THING_EN}\\b[^.?!\\n]{0,30}\\b(?:late|delayed|overdue|lost|missing|lost in the mail)\\b|\\blost in (?:the )?(?:mail|post|transit)\\b`), true),
  p("days since order", 2, /\b(?:ordered|placed|bought|purchased|paid)\b[^.?!\n]{0,30}\b(?:\d{1,2}|two|three|four|five|six|a|over a|several|few) (?:days|weeks?|months?) ago\b|\b(?:ca|cela) fait (?:\d{1,2}|deux|trois|quatre|une|plus d'une) (?:jours|semaines?|mois) que (?:j'ai|nous avons) commande|\bhace (?:\d{1,2}|dos|tres|cuatro|una|mas de una) (?:dias|semanas?|mes(?:es)?) (?:que )?(?:hice|hicimos|realice|compre|pedi)\b|\b(?:hice|realice) (?:un|el|mi) pedido hace\b|\b(?:vor|seit) (?:\d{1,2}|zwei|drei|vier|einer|uber einer) (?:tagen|wochen?|monaten?) (?:bestellt|habe ich bestellt)|\bseit meiner bestellung vor\b|\bit'?s (?:now |already |over )?been (?:\d{1,2}|two|three|four|five|six|a|over a|several) (?:days|weeks?|months?)\b/),
  p("any update", 2, /\bany (?:update|updates|news)\b/),
  p("eta", 2, /\b(?:eta|estimated (?:delivery|arrival)|expected (?:delivery|arrival)|delivery date)\b/),
  p("nothing yet", 3, /\b(?:received|got|had|have) nothing\b|\bstill (?:nothing|no (?:parcel|package|order|sign|tracking|email|update|word|delivery|news))\b|(?:^|[.!?\n] ?)nothing(?: yet| so far| at all)?[.!?]|\b(?:n'ai|n'avons|ai) (?:toujours|encore|jamais) rien\b|\btoujours rien\b|\b(?:aucune|pas de|sans) nouvelles?\b|\b(?:no tengo|no tenemos|sin|ninguna) (?:ninguna )?noticias?\b|\bno se nada\b|\b(?:kein paket|keine (?:versandbestatigung|sendungsnummer|nachricht|info|informationen))\b/),
  p("taking long", 3, /\b(?:taking (?:so |too |very )?(?:long|forever|ages)|tardando (?:mucho|muchisimo|demasiado)|tarda (?:mucho|demasiado)|dauert (?:ungewohnlich |so |sehr |zu )?lange|(?:met|prend) (?:beaucoup )?(?:du|de) temps|c'est quoi ce delai)\b/),
  p("what happened to my order", 3, /\b(?:what'?s (?:happening|going on) with|what happened (?:to|with)|que (?:paso|pasa|ha pasado) con|qu'est-(?:il|ce qui) (?:est )?(?:arrive|se passe) (?:a|avec)|was ist (?:mit|los mit)) (?:my|mi|mis|el|mon|ma|meiner?|meinem|order|pedido|commande|bestellung)\b/),
  p("on hold", 2, /\b(?:order|it|package|parcel)\b[^.?!\n]{0,20}\bon hold\b|\bno (?:dispatch|shipping|shipment|tracking) (?:email|confirmation|notification|info|update)/),
  p("returned to sender", 3, /\breturn(?:ed|ing)? to (?:the )?sender\b|\b(?:retourne|retour|renvoye)e? a l'expediteur\b|\bdevuelto al remitente\b|\b(?:zuruck|retour) an (?:den )?absender\b/, true),
  p("carrier exception", 2, /\b(?:exception|undeliverable|held at (?:the )?(?:depot|facility|post office)|delivery attempt(?:ed)? failed|failed delivery|avis de passage|aviso de entrega)\b/),
  p("heard nothing", 1, /\b(?:haven'?t|have not|not) (?:heard|had|received) (?:anything|any (?:news|update|email|info))\b/),
  // French
  p("ou est ma commande", 3, /\b(?:toujours|encore)\b[^.?!\n]{0,25}\ben (?:cours de )?preparation\b|\bou (?:est|en est|se trouve|sont) (?:(?:l'envoi|la livraison|l'expedition|le suivi) de )?(?:ma|mon|mes|la|le|notre) (?:commande|colis|paquet|livraison|envoi|achat)/),
  p("pas recu", 3, /\b(?:toujours pas|pas encore|jamais|toujours rien|rien) (?:recu|reçu|arrive|arrivee|eu|livre|livree|ete livre|ete livree|recu ma|recu mon)\b|\bn'(?:ai|avons) (?:toujours |jamais |encore |rien )?(?:pas |rien )?(?:encore )?recu\b(?! (?:de |le |mon |ma )?(?:rembours|avoir|code|mail|email|facture|reponse))|\b(?:n'est|ne sont|n'a) (?:toujours |jamais |encore )?(?:pas |jamais )?(?:encore )?(?:arrive|arrivee|arrives|ete livre|ete livree|ete expedie|ete expediee|bouge)/, true),
  p("quand vais-je recevoir", 3, new RegExp(`\\bquand\\b${GAP}\\b(?:recevoir(?! (?:le |du |de |un )?(?:nouveau |nouvel |prochain )?(?:stock|reassort|arrivage|collection))|recevrai|recevrais|arriver|arrivera|arrive|livre|livree|livraison|expedie|expediee|expedier|envoye)`)),
  p("numero de suivi", 2, /\b(?:numero|lien|code|n°|no) de (?:suivi|tracking)\b|\bsuivi (?:de )?(?:ma |la |mon |du )?(?:commande|colis)\b|\bsuivre (?:ma|mon) (?:commande|colis)/),
  p("suivi bloque", 3, /\b(?:suivi|colis|commande|paquet)\b[^.?!\n]{0,30}\b(?:bloque|bloquee|coince|coincee|immobilise|pas (?:a jour|bouge|mis a jour)|n'(?:a|est) pas (?:bouge|ete mis a jour|a jour))/),
  p("en retard", 3, /\b(?:colis|commande|livraison|paquet)\b[^.?!\n]{0,30}\b(?:en retard|perdu|perdue|egare|egaree|retarde|retardee)\b/, true),
  p("expediee ?", 3, /\b(?:a|est)[- ]t[- ](?:elle|il) ete (?:expedie|expediee|envoye|envoyee)|\b(?:deja|bien) ete (?:expedie|expediee|envoye|envoyee) \?|\best[- ]elle (?:partie|expediee)/),
  p("statut commande", 2, /\b(?:statut|etat|nouvelles?|suivi) de (?:ma|mon|la|notre) (?:commande|colis|livraison)\b|\bdes nouvelles\b/),
  p("indique livre", 3, /\b(?:indique|marque|affiche|dit)\b[^.?!\n]{0,15}\blivre\b[^.?!\n]{0,40}\b(?:pas|jamais|rien)\b/),
  p("j'attends", 3, /\bj'attends (?:toujours |encore |depuis )?(?:ma|mon|mes|le|la|votre)? ?(?:commande|colis|livraison|paquet)?|\btoujours en attente\b/),
  // Spanish
  p("donde esta mi pedido", 3, /\b(?:por )?donde (?:esta|estan|se encuentra|queda|va|anda|andan|van) (?:mi|mis|el|nuestro|nuestra) (?:\w+ )?(?:pedido|paquete|compra|orden|envio|producto|caja|paquetes|pedidos)/),
  p("no ha llegado", 3, /\b(?:aun|todavia|nunca|jamas|no|tampoco)(?: me)? (?:ha |han |he |hemos )?(?:llegado|llega|llegan|llego|recibido|recibo|recibi|entregado|enviado)\b(?! (?:el |mi |ningun |ninguna )?(?:reembolso|codigo|correo|email|factura|respuesta|dinero))/, true),
  p("cuando llega", 3, new RegExp(`\\bcuando\\b${GAP}\\b(?:llega|llegara|llegaran|llegue|recibire|recibo|recibir|enviar|enviaran|envian|mandar|mandan|sera enviado|me llega|entregan|entregaran|saldra)`)),
  p("numero de seguimiento", 2, /\b(?:numero|codigo|link|enlace) de (?:seguimiento|rastreo|tracking)\b|\brastrear (?:mi|el) (?:pedido|paquete)/),
  p("seguimiento parado", 3, /\b(?:seguimiento|rastreo|pedido|paquete|envio)\b[^.?!\n]{0,30}\b(?:no se (?:actualiza|mueve|ha movido|ha actualizado)|atascado|parado|estancado|retrasado|perdido|sin movimiento|sin actualizar)/),
  p("estado de mi pedido", 3, /\b(?:estado|noticias|informacion) (?:de|del|sobre) (?:mi|mis|el) (?:pedido|paquete|envio|orden|compra)/),
  p("ya fue enviado", 2, /\b(?:ya (?:fue|ha sido|se ha|se) (?:enviado|enviada|despachado|mandado)|ya (?:lo|la|los) (?:enviaron|mandaron|despacharon))\b[^.?!\n]{0,20}\?|\bse envio\b[^.?!\n]{0,20}\?|\b(?:ha salido|salio) ya\b/),
  p("entregado sin recibir", 3, /\b(?:figura|aparece|dice|pone|marca)\b[^.?!\n]{0,20}\bentregado\b[^.?!\n]{0,40}\b(?:no|nunca|nada)\b/),
  p("sigo esperando", 3, /\b(?:sigo|seguimos) sin (?:recibir|noticias|nada)\b|\b(?:sigo|seguimos|estoy|llevo) (?:esperando|a la espera)\b(?! (?:el |mi |un |una )?(?:reembolso|respuesta|devolucion|cambio))/),
  // German
  p("wo ist meine bestellung", 3, /\bwo sich (?:meine|mein|die|das|unsere|unser) (?:bestellung|paket|sendung|lieferung|packchen|ware)\b|\bwo (?:ist|bleibt|sind|steckt|befindet sich) (?:meine|mein|die|das|unsere|unser|meinen) (?:\w+ )?(?:bestellung|paket|sendung|lieferung|packchen|ware|bestellungen)/),
  p("noch nicht angekommen", 3, /\b(?:noch (?:immer )?nicht|immer noch nicht|nie|nicht|noch kein(?:e|en)?|nichts)(?: (?!erstattung|ruckerstattung|gutschrift|rechnung|antwort|geld)\w+){0,2} (?:angekommen|erhalten|geliefert|bekommen|zugestellt|eingetroffen|da|versendet|verschickt)\b(?! (?:die |meine |das |den )?(?:erstattung|ruckerstattung|gutschrift|rechnung|antwort|geld))/, true),
  p("wann kommt", 3, new RegExp(`\\bwann\\b${GAP}\\b(?:kommt|kommen|ankommen|geliefert|zugestellt|versendet|verschickt|erhalten|bekommen|rechnen|liefern|da sein|eintreffen|losgeschickt)`)),
  p("sendungsnummer", 2, /\b(?:sendungsnummer|sendungsverfolgung|trackingnummer|tracking-nummer|trackingnr|tracking nummer|trackinglink|tracking-link|paketnummer|verfolgungsnummer)\b/),
  p("hangt fest", 3, /\b(?:paket|sendung|bestellung|tracking|lieferung)\b[^.?!\n]{0,30}\b(?:hangt|steckt|festgesteckt|bewegt sich nicht|wird nicht aktualisiert|seit \w+ (?:tagen|wochen) (?:im|in|beim|unverandert))|\bhangt (?:im|beim|in|fest)\b/),
  p("versandstatus", 2, /\b(?:versandstatus|lieferstatus|bestellstatus|status (?:meiner|der|meines) (?:bestellung|sendung|lieferung|pakets))\b/),
  p("schon versendet?", 3, /\b(?:schon|bereits|uberhaupt) (?:versendet|verschickt|versandt|unterwegs|raus|losgeschickt)\b[^.\n]{0,30}\?|\b(?:ist|wurde) (?:meine|mein|die|das) (?:bestellung|paket|sendung) (?:schon |bereits )?(?:versendet|verschickt|versandt|unterwegs)/),
  p("als zugestellt", 3, /\b(?:als )?zugestellt\b[^.?!\n]{0,40}\b(?:nicht|nie|kein|nichts)\b|\bzugestellt (?:markiert|angezeigt)/),
  p("verloren verspatet", 2, /\b(?:paket|sendung|bestellung|lieferung)\b[^.?!\n]{0,30}\b(?:verloren|verspatet|verzogert|verschollen)\b|\bverloren gegangen\b/, true),
  p("warte", 3, /\b(?:ich |wir )?warte(?:n)? (?:noch |immer noch |schon |seit )(?!\w+ (?:auf )?(?:die |meine |eine )?(?:erstattung|ruckerstattung|antwort|gutschrift))/),
];

const AGAINST: readonly Pattern[] = [
  p("return", 3, /\b(?:return|returns|returning|returned(?! to (?:the )?sender)|send (?:it|them) back|exchange|exchanging|swap|retour|retourner|renvoyer|renvoi|echange|echanger|devolucion|devolver|devuelvo|cambiar (?:por|la talla|el)|cambio de talla|rucksendung|zurucksenden|zuruckschicken|retoure|umtausch|umtauschen|zuruckgeben)\b/),
  p("refund", 2, /\b(?:refund|refunded|rembourse|remboursement|reembolso|reembolsar|erstattung|ruckerstattung|erstatten|geld zuruck)\b/),
  p("refund pending", 3, /\b(?:my|the|mon|le|mi|el|meine|die) (?:refund|remboursement|reembolso|erstattung|ruckerstattung)\b/),
  p("size", 2, /\b(?:size|sizes|sizing|too small|too big|too large|too tight|runs small|runs large|taille|tailles|trop petit|trop grand|pointure|talla|tallas|demasiado (?:pequeno|grande)|grosse|grossen|zu klein|zu gross|passform)\b/),
  p("product question", 2, /\b(?:in stock|back in stock|restock|out of stock|new stock|nouveau stock|reassort|nuevo stock|neue ware|material|fabric|made of|ingredients|waterproof|machine wash|does (?:it|this|the \w+) come in|colou?rs? available|en stock|reassort|matiere|lavable|disponible en|en que material|hay stock|wieder (?:da|verfugbar|auf lager)|auf lager|aus welchem material|waschbar)\b/),
  p("gift card", 3, /\b(?:gift ?cards?|gift certificate|carte cadeau|cheque cadeau|tarjeta (?:de )?regalo|gutschein|geschenkkarte|geschenkgutschein)\b/),
  p("discount", 3, /\b(?:discount|promo(?:tion(?:al)?)? code|coupon|voucher|code promo|code de reduction|reduction|codigo (?:de )?(?:descuento|promocional)|cupon|descuento|rabatt|rabattcode|gutscheincode)\b/),
  p("billing", 2, /\b(?:charged twice|double charged|charged me twice|overcharged|invoice|receipt|facture|factura|recibo|rechnung|quittung|payment|paiement|prelev|pago|cobrado|cobro|zahlung|abgebucht|credit card|carte bancaire|tarjeta de credito|kreditkarte|paypal|klarna|afterpay|vat|tva|iva|mwst)\b/),
  p("damaged", 3, /\b(?:damaged|broken|torn|ripped|smashed|crushed|leaked|leaking|defective|faulty|wrong (?:item|size|colou?r|product)|endommage|abime|casse|cassee|dechire|defectueux|mauvais (?:article|produit)|danado|roto|rota|defectuoso|equivocado|beschadigt|kaputt|defekt|zerbrochen|falsche[nr]? (?:artikel|grosse|farbe))\b/),
  p("it arrived", 4, /\b(?:(?:it|they|order|package|parcel|box|everything|items?) (?:has |have |finally |just )?(?:arrived|came|showed up|turned up) (?:today|yesterday|this morning|safely|safe|fine|ok|earlier|in time)|(?:just|finally) (?:arrived|got it|received (?:it|them|my))|got (?:it|them|my order) (?:today|yesterday)|received (?:it|them|my order|the package|my package) (?:today|yesterday|this morning)|(?:bien|enfin) (?:recu|arrive|arrivee)|(?:est|sont) (?:bien )?(?:arrive|arrivee|arrives) (?:aujourd'hui|hier|ce matin)|(?:ya|hoy) (?:me )?(?:llego|lo recibi|la recibi|recibi)|(?:llego|llegaron) (?:hoy|ayer|bien)|(?:ist|sind) (?:heute|gestern|gut|endlich) (?:angekommen|eingetroffen)|(?:heute|gestern|endlich) (?:angekommen|erhalten|bekommen))\b/),
  p("thanks only", 1, /^(?:thanks?|thank you|merci|gracias|danke)\b/),
  p("wholesale or collaboration", 4, /\b(?:wholesale|stockist|bulk order|retailer|reseller|collab|collaboration|influencer|partnership|sponsor|ambassador|ugc|affiliate|en gros|revendeur|partenariat|mayorista|distribuidor|colaboracion|grosshandel|wiederverkaufer|handler|kooperation|zusammenarbeit|haendler)\b/),
  p("spam", 4, /\b(?:seo|backlinks?|website traffic|search ranking|first page of google|web design|marketing services|increase (?:your )?sales|crypto|bitcoin|investment opportunity|guest post|lead generation|virtual assistant)\b/),
  p("cancel", 2, /\b(?:cancel|cancell?ed|cancell?ation|annuler|annulation|annulee|cancelar|cancelacion|anular|stornieren|storno|stornierung)\b/),
  p("address change", 4, /\b(?:change|update|correct|modify|edit|wrong|fix)\b[^.?!\n]{0,25}\b(?:address|adress)\b|\b(?:changer|modifier|corriger|mauvaise|erreur (?:dans|d'))\b[^.?!\n]{0,25}\badresse\b|\b(?:cambiar|corregir|modificar|mal|equivocada|equivoque)\b[^.?!\n]{0,25}\bdireccion\b|\badresse\b[^.?!\n]{0,25}\b(?:andern|geandert|korrigieren|falsch|aktualisieren)\b|\b(?:falsche|neue) (?:lieferadresse|adresse)\b/),
  p("pre-sales shipping", 3, /\b(?:do you (?:ship|deliver)|can you (?:ship|deliver)|how (?:long|much) (?:does|is|will|do) (?:shipping|delivery|it take to ship)|shipping (?:cost|costs|price|rates?|fee)|free (?:delivery|shipping)|(?:before|if) (?:i|we) (?:order|buy|purchase|place)|planning to (?:order|buy)|thinking (?:of|about) (?:ordering|buying)|livrez[- ]vous|envoyez[- ]vous|frais de (?:port|livraison)|livraison (?:gratuite|offerte)|avant de commander|si je commande|hacen envios|envian a|envios a|gastos de envio|envio gratis|antes de (?:comprar|pedir)|si (?:pido|compro)|liefert ihr|versendet ihr|liefern sie (?:auch )?nach|versandkosten|kostenloser versand|bevor ich bestelle|wenn ich (?:jetzt )?bestelle)\b/),
  p("confirmation email", 3, /\b(?:(?:order )?confirmation (?:email|e-mail|mail)|(?:mail|e-mail|email) de confirmation|correo de confirmacion|bestellbestatigung|bestatigungs-?(?:e-)?mail)\b/),
  p("account or newsletter", 2, /\b(?:password|log ?in|account|unsubscribe|newsletter|mot de passe|compte|contrasena|cuenta|passwort|konto|abmelden)\b/),
];

interface Scored {
  score: number;
  signals: string[];
  /** a pattern that says the parcel never came matched */
  undelivered: boolean;
}

function score(text: string, patterns: readonly Pattern[], prefix: string, skip: ReadonlySet<string> = new Set()): Scored {
  let total = 0;
  let undelivered = false;
  const signals: string[] = [];
  for (const pattern of patterns) {
    if (!skip.has(pattern.label) && pattern.re.test(text)) {
      undelivered ||= pattern.undelivered === true;
      total += pattern.weight;
      signals.push(`${prefix}:${pattern.label}`);
    }
  }
  return { score: total, signals, undelivered };
}

// ---------------------------------------------------------------------------------------------------------
// Order names

const ORDER_WORD = "(?:order|orden|commande|pedido|bestellung|bestellnummer|bestellnr|bestell-nr|auftrag|auftragsnummer|auftragsnr)";
const NUMBER_WORD = "(?:number|num|no|nr|n|n°|nº|#|numero|nummer|id|ref)";
// what makes a number after "order" a price, a date, a quantity or a longer number instead
const NOT_AN_ORDER = "(?!\\d|[.,/:-]\\d|\\s?(?:€|\\$|£|eur\\b|usd\\b|euros?\\b|dollars?\\b|units?\\b|pieces?\\b|pcs\\b|pairs?\\b|items?\\b|stuck\\b|stk\\b|unidades\\b|piezas\\b|pares\\b|paires\\b|exemplaires\\b|x\\b|%|h\\b|am\\b|pm\\b))";
const ORDER_BY_WORD = new RegExp(
  `(?<![a-z])${ORDER_WORD}(?![a-z])(?: ?${NUMBER_WORD}\\.?)?(?: de (?:commande|pedido))? ?[:#.]? ?#? ?(\\d{3,8})${NOT_AN_ORDER}`,
  "g",
);
// "#1001" on its own, unless the words before it say it is a ticket, an invoice, a flat...
const ORDER_BY_HASH = new RegExp(`(?<![\\w&#])# ?(\\d{3,8})${NOT_AN_ORDER}`, "g");
const NOT_ORDER_CONTEXT = /\b(?:tracking|suivi|seguimiento|sendung|awb|ticket|case|invoice|facture|factura|rechnung|sku|item|article|articulo|artikel|model|ref|apt|apartment|appartement|suite|unit|flat|room|box|street|rue|calle|strasse|hausnummer|phone|tel)\b[^#\n]{0,6}$/;

// "orders 1703 and 1704", "#1633, #1634": the next names of a list
const LIST_NEXT = new RegExp(`^ ?(?:,|/|&|and|y|et|und|e) ?#? ?(\\d{3,8})${NOT_AN_ORDER}`);
// "I ordered twice by mistake, 1703 and 1704": two bare numbers joined like names, in a sentence about an order
const ORDER_PAIR = new RegExp(`(?<![a-z])${ORDER_WORD}[^.?!\\n]{0,50}?(?<![\\d.,#])(\\d{3,8}) (?:and|y|et|und|&) #?(\\d{3,8})${NOT_AN_ORDER}`, "g");

function orderNamesIn(folded: string): string[] {
  const found: Array<{ at: number; name: string }> = [];
  const withList = (at: number, number: string, end: number) => {
    found.push({ at, name: `#${number}` });
    for (let next = LIST_NEXT.exec(folded.slice(end, end + 20)); next; next = LIST_NEXT.exec(folded.slice(end, end + 20))) {
      found.push({ at: end, name: `#${next[1]}` });
      end += next[0].length;
    }
  };
  for (const match of folded.matchAll(ORDER_BY_WORD)) withList(match.index, match[1]!, match.index + match[0].length);
  for (const match of folded.matchAll(ORDER_BY_HASH)) {
    if (NOT_ORDER_CONTEXT.test(folded.slice(Math.max(0, match.index - 30), match.index))) continue;
    withList(match.index, match[1]!, match.index + match[0].length);
  }
  for (const match of folded.matchAll(ORDER_PAIR)) {
    const at = match.index + match[0].lastIndexOf(match[1]!, match[0].length - match[2]!.length - 1);
    found.push({ at, name: `#${match[1]}` }, { at: at + 1, name: `#${match[2]}` });
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.name))];
}

// ---------------------------------------------------------------------------------------------------------
// Tracking numbers

const UPS = /(?<![a-z0-9])1z ?[0-9a-z]{3} ?[0-9a-z]{3} ?[0-9a-z]{2} ?[0-9a-z]{4} ?[0-9a-z]{4}(?![a-z0-9])/g;
const S10 = /(?<![a-z0-9])[a-z]{2} ?\d{3} ?\d{3} ?\d{3} ?[a-z]{2}(?![a-z0-9])/g;
const DHL_PREFIXED = /(?<![a-z0-9])(?:jjd\d{10,20}|jvgl\d{8,20}|gm\d{16,20})(?![a-z0-9])/g;
/** OnTrac (C or D and fourteen digits) and Amazon Logistics (TBA and twelve): taken only when the carrier's check passes */
const LETTERED = /(?<![a-z0-9])(?:[cd]\d{14}|tba\d{12})(?![a-z0-9])/g;
const DIGITS = /(?<![a-z0-9#.,])\d(?: ?\d){9,35}(?![a-z0-9]|[.,]\d)/g;
const TRACKING_CONTEXT = /\b(?:dhl|tracking|track|suivi|seguimiento|rastreo|sendung|sendungsnummer|awb|waybill|colis|paket|paquete|parcel|package)\b[^\n]{0,30}$/;

// UPU S10: eight digits weighted 8 6 4 2 3 5 9 7, then a check digit
function s10Valid(code: string): boolean {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const digits = code.slice(2, 11);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * weights[i]!;
  let check = 11 - (sum % 11);
  if (check === 10) check = 0;
  else if (check === 11) check = 5;
  return check === Number(digits[8]);
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Which lengths of bare digits carriers use; a number that fits none (a phone, a date, an IBAN part) is not taken. */
function digitsAreTracking(digits: string, before: string): boolean {
  switch (digits.length) {
    case 10: // DHL Express waybill: as long as a phone number, so only right after a tracking word
      return !digits.startsWith("0") && TRACKING_CONTEXT.test(before);
    case 12: // FedEx Express, DHL Paket, Purolator
    case 15: // FedEx Ground
    case 20: // FedEx, USPS
    case 22: // USPS IMpb, FedEx SmartPost
      return true;
    case 16: // Canada Post; a payment card number is never echoed back as a parcel
      return !(/^[3-6]/.test(digits) && luhnValid(digits));
    case 26:
    case 30:
    case 34: // USPS with a routing (420 + ZIP) prefix
      return digits.startsWith("9") || digits.startsWith("420");
    default:
      return false;
  }
}

function trackingNumbersIn(folded: string): string[] {
  const found: Array<{ at: number; number: string }> = [];
  const add = (at: number, raw: string) => found.push({ at, number: raw.replace(/ /g, "").toUpperCase() });
  for (const match of folded.matchAll(UPS)) add(match.index, match[0]);
  for (const match of folded.matchAll(S10)) if (s10Valid(match[0].replace(/ /g, ""))) add(match.index, match[0]);
  for (const match of folded.matchAll(DHL_PREFIXED)) add(match.index, match[0]);
  for (const match of folded.matchAll(LETTERED)) if (detectCarriers(match[0].toUpperCase()).some((c) => c.score >= 70)) add(match.index, match[0]);
  for (const match of folded.matchAll(DIGITS)) {
    const before = folded.slice(Math.max(0, match.index - 40), match.index);
    const whole = match[0].replace(/ /g, "");
    if (digitsAreTracking(whole, before)) {
      add(match.index, whole);
      continue;
    }
    // spaces may join two numbers ("order 1001 9400…"): then each group stands alone
    let offset = match.index;
    for (const group of match[0].split(" ")) {
      if (group.length >= 10 && group.length < whole.length && digitsAreTracking(group, folded.slice(Math.max(0, offset - 40), offset))) add(offset, group);
      offset += group.length + 1;
    }
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.number))];
}

// Loose references: what the strict readers above leave out for fear of a false reading, kept apart

const ANY_HASH_NUMBER = /(?<![\w&#])# ?(\d{3,8})(?!\d)/g;
const LONG_DIGITS = /(?<![a-z0-9])\d{10,34}(?![a-z0-9])/g;

function mentionedIn(folded: string, strict: { orderNames: readonly string[]; trackingNumbers: readonly string[] }) {
  const orderNames = [...new Set([...folded.matchAll(ANY_HASH_NUMBER)].map((m) => `#${m[1]}`))].filter((n) => !strict.orderNames.includes(n));
  const trackingNumbers = [...new Set([...folded.matchAll(LONG_DIGITS)].map((m) => m[0]))].filter((n) => !strict.trackingNumbers.includes(n));
  return { orderNames, trackingNumbers };
}

// ---------------------------------------------------------------------------------------------------------

export function classifyTicket(ticket: { subject: string; body: string }): TicketClassification {
  const subject = (ticket.subject ?? "").slice(0, MAX_SUBJECT_CHARS);
  const { text, quoted } = splitBody(ticket.body ?? "");
  // "Re:" and "Fwd:" carry no meaning; the subject is otherwise read as a first line
  const raw = `${subject.replace(/^(?:\s*(?:re|fwd?|tr|aw|wg|rv)\s?:)+/i, "")}\n${text}`;
  const folded = fold(raw);
  const foldedQuoted = fold(quoted);

  let orderNames = orderNamesIn(folded);
  if (orderNames.length === 0) orderNames = orderNamesIn(foldedQuoted);
  let trackingNumbers = trackingNumbersIn(folded);
  if (trackingNumbers.length === 0) trackingNumbers = trackingNumbersIn(foldedQuoted);

  const wismo = score(folded, WISMO, "phrase");
  const against = score(folded, AGAINST, "against", wismo.undelivered ? CONSEQUENCES : undefined);
  const signals = [
    ...wismo.signals,
    ...against.signals,
    ...orderNames.map((name) => `order:${name}`),
    ...trackingNumbers.map((number) => `tracking:${number}`),
  ];
  return {
    wismo: wismo.score >= THRESHOLD && wismo.score > against.score,
    signals,
    language: detectLanguage(raw, folded),
    orderNames,
    trackingNumbers,
    mentioned: mentionedIn(`${folded}\n${foldedQuoted}`, { orderNames, trackingNumbers }),
  };
}
