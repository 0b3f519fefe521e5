/**
 * The reply Shipwatch suggests to a WISMO ticket: the same story the tracking page tells (app/domain/story.ts,
 * already in the ticket's language), one paragraph per parcel, and the signed tracking link. Pure: words in,
 * words out. The agent reads it, edits it if they like, and sends it with their own signature.
 */

export const REPLY_LANGUAGES = ["en", "fr", "es", "de"] as const;
export type ReplyLanguage = (typeof REPLY_LANGUAGES)[number];

export interface ReplyParcel {
  carrierName: string;
  trackingNumber: string | null;
  story: { headline: string; explanation: string; next: string };
}

export interface ReplyInput {
  language: ReplyLanguage;
  /** the customer's name as the order has it; the greeting uses the first word */
  customerName: string | null;
  orderName: string | null;
  parcels: readonly ReplyParcel[];
  /** https://<shop>/apps/track?t=… for the order, or the shop's tracking page when no order was found */
  link: string | null;
}

interface Words {
  hello: (name: string | null) => string;
  thanks: (order: string | null) => string;
  parcel: (n: number, carrier: string, tracking: string | null) => string;
  follow: (link: string) => string;
  notFound: (link: string | null) => string;
  notShipped: string;
}

const WORDS: Record<ReplyLanguage, Words> = {
  en: {
    notShipped: "It hasn't left us yet: we're preparing it, and we'll email you the tracking link as soon as it ships.",
    hello: (name) => (name ? `Hi ${name},` : "Hi,"),
    thanks: (order) => (order ? `Thanks for getting in touch about order ${order}.` : "Thanks for getting in touch."),
    parcel: (n, carrier, tracking) => `Parcel ${n} (${carrier}${tracking ? `, ${tracking}` : ""}):`,
    follow: (link) => `You can follow it at any time here: ${link}`,
    notFound: (link) =>
      `We couldn't find an order under this email address. Could you reply with your order number (it starts with #) and the email you ordered with?${link ? ` You can also look it up yourself here: ${link}` : ""}`,
  },
  fr: {
    notShipped: "Elle n'est pas encore partie : nous la préparons, et nous vous enverrons le lien de suivi dès son expédition.",
    hello: (name) => (name ? `Bonjour ${name},` : "Bonjour,"),
    thanks: (order) => (order ? `Merci de nous avoir écrit au sujet de la commande ${order}.` : "Merci de nous avoir écrit."),
    parcel: (n, carrier, tracking) => `Colis ${n} (${carrier}${tracking ? `, ${tracking}` : ""}) :`,
    follow: (link) => `Vous pouvez le suivre à tout moment ici : ${link}`,
    notFound: (link) =>
      `Nous n'avons pas trouvé de commande avec cette adresse e-mail. Pourriez-vous nous répondre avec votre numéro de commande (il commence par #) et l'adresse e-mail utilisée pour la commande ?${link ? ` Vous pouvez aussi la rechercher ici : ${link}` : ""}`,
  },
  es: {
    notShipped: "Todavía no ha salido: lo estamos preparando y te enviaremos el enlace de seguimiento en cuanto se envíe.",
    hello: (name) => (name ? `Hola, ${name}:` : "Hola:"),
    thanks: (order) => (order ? `Gracias por escribirnos sobre el pedido ${order}.` : "Gracias por escribirnos."),
    parcel: (n, carrier, tracking) => `Paquete ${n} (${carrier}${tracking ? `, ${tracking}` : ""}):`,
    follow: (link) => `Puedes seguirlo en cualquier momento aquí: ${link}`,
    notFound: (link) =>
      `No encontramos ningún pedido con este correo electrónico. ¿Podrías respondernos con tu número de pedido (empieza por #) y el correo con el que lo hiciste?${link ? ` También puedes buscarlo aquí: ${link}` : ""}`,
  },
  de: {
    notShipped: "Sie hat unser Lager noch nicht verlassen: Wir bereiten sie vor und schicken Ihnen den Sendungslink, sobald sie versandt ist.",
    hello: (name) => (name ? `Hallo ${name},` : "Hallo,"),
    thanks: (order) => (order ? `danke für Ihre Nachricht zur Bestellung ${order}.` : "danke für Ihre Nachricht."),
    parcel: (n, carrier, tracking) => `Paket ${n} (${carrier}${tracking ? `, ${tracking}` : ""}):`,
    follow: (link) => `Sie können die Sendung jederzeit hier verfolgen: ${link}`,
    notFound: (link) =>
      `Wir konnten unter dieser E-Mail-Adresse keine Bestellung finden. Könnten Sie uns Ihre Bestellnummer (sie beginnt mit #) und die E-Mail-Adresse der Bestellung schicken?${link ? ` Sie können sie auch selbst hier suchen: ${link}` : ""}`,
  },
};

/** The first word of a name, if it looks like one (no email, no digits, not absurdly long). */
function firstName(name: string | null): string | null {
  const first = name?.trim().split(/\s+/)[0] ?? "";
  return first && first.length <= 40 && !/[@\d<>]/.test(first) ? first : null;
}

const sentence = (...parts: string[]) => parts.map((p) => p.trim()).filter(Boolean).join(" ");

/** The suggested reply, in the ticket's language. */
export function suggestReply(input: ReplyInput): string {
  const w = WORDS[input.language];
  const lines = [w.hello(firstName(input.customerName)), ""];
  if (!input.parcels.length) {
    // an order found with nothing shipped yet, or no order at all
    lines.push(...(input.orderName ? [w.thanks(input.orderName), "", w.notShipped] : [w.thanks(null), "", w.notFound(input.link)]));
    return lines.join("\n");
  }
  lines.push(w.thanks(input.orderName), "");
  const many = input.parcels.length > 1;
  input.parcels.forEach((p, i) => {
    const story = sentence(/[.!?…]$/.test(p.story.headline.trim()) ? p.story.headline : `${p.story.headline.trim()}.`, p.story.explanation, p.story.next);
    lines.push(many ? `${w.parcel(i + 1, p.carrierName, p.trackingNumber)} ${story}` : story, "");
  });
  if (input.link) lines.push(w.follow(input.link));
  else lines.pop();
  return lines.join("\n");
}
