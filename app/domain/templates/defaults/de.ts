import type { Language } from "./language";
import { CAR, CUSTOMS, ETA, HAS_DELIVERED, HAS_ETA, HAS_LOC, HAS_PICKUP, HAS_REASON, LOC, mailto, N, ON, PICKUP, pl, REASON, STATUS, SUP, URL, when } from "./liquid";

/**
 * German (Germany: DHL in the sample; the shopper is addressed as « Sie »): everything Shipwatch writes to a
 * shopper in German.
 * Data: the default messages (Liquid, built from ./liquid's blocks), the status and reason words, and the
 * sample order the editor previews with.
 */
export const de: Language = {
  statusLabels: {
    unknown: "Status nicht verfügbar",
    label_created: "Verpackt, wartet auf den Paketdienst",
    picked_up: "Vom Paketdienst abgeholt",
    in_transit: "Unterwegs",
    delayed: "Verspätet",
    out_for_delivery: "In Zustellung",
    available_for_pickup: "Zur Abholung bereit",
    attempted_delivery: "Zustellversuch",
    delivered: "Zugestellt",
    exception: "Problem bei der Zustellung",
    returning_to_sender: "Auf dem Rückweg zum Absender",
    returned_to_sender: "An den Absender zurückgeschickt",
  },
  reasonLabels: {
    weather: "Wetter",
    address_issue: "Problem mit der Adresse",
    damaged: "Beschädigt",
    lost: "Verloren gegangen",
    refused: "Annahme verweigert",
    customs: "Zoll",
    held_at_facility: "Im Paketzentrum festgehalten",
    recipient_unavailable: "Niemand zur Annahme angetroffen",
    business_closed: "Geschäft geschlossen",
    carrier_delay: "Verzögerung beim Paketdienst",
    other: "Sonstiges",
  },
  sample: {
    first_name: "Lena",
    last_name: "Schmidt",
    currency: "EUR",
    carrier: "DHL",
    service: "DHL Paket",
    tracking: (i) => `0034043416109404255${7 + i}`,
    tracking_url: (n) => `https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode=${n}`,
    location: "Köln",
    eta: "Freitag, 20. November",
    delivered_at: "Mittwoch, 18. November",
    pickup_location: "DHL Packstation 112, Köln",
    pickup: { headline: "Zur Abholung bereit: DHL Packstation 112, Köln", explanation: "DHL hält Ihr Paket bei DHL Packstation 112, Köln seit dem 19. November bereit.", next: "Bringen Sie einen Ausweis und die Sendungsnummer mit: Nicht abgeholte Pakete werden nach einiger Zeit zurückgeschickt." },
    story: { headline: "Kommt am Freitag, 20. November", explanation: "DHL hat Ihr Paket am 18. November abgeholt. DHL plant die Zustellung am Freitag, 20. November.", next: "Wir melden uns, sobald es in Zustellung ist." },
    late: { headline: "Später als versprochen", explanation: "Ihr Paket braucht länger als versprochen. DHL hat es zuletzt am 18. November gescannt.", next: "Wir haken beim Paketdienst nach und schreiben Ihnen bis zum 21. November." },
  },
  messages: {
    greeting: when("customer.first_name != blank", "Hallo {{ customer.first_name }},", "Guten Tag,"),
    packagesHeading: "Pakete in dieser Nachricht:",
    carrierLabel: "Paketdienst",
    trackingLabel: "Sendungsnummer",
    expected: "Voraussichtliche Zustellung",
    cta: "Bestellung verfolgen",
    returning: "Schön, dass Sie wieder bei uns bestellt haben. Vielen Dank!",
    help: `Fragen? Antworten Sie einfach auf diese E-Mail oder schreiben Sie an ${mailto}.`,
    signature: "Viele Grüße<br>Ihr Team von {{ shop.name }}",
    footer: `Sie erhalten diese E-Mail zu Ihrer Bestellung ${ON} bei <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
    stop: "Abmelden: Antworten Sie mit STOP.",
    email: {
      packed: {
        subject: `Ihre Bestellung ${ON} ist verpackt`,
        lead: [
          `Gute Nachrichten: Ihre Bestellung ${ON} ist verpackt und das Paketlabel wurde erstellt. ${pl(`Wir übergeben sie in Kürze an ${CAR}.`, `Sie ist auf ${N} Pakete verteilt, die wir in Kürze an den Paketdienst übergeben.`)}`,
          `Sobald der Paketdienst ${pl("sie", "die Pakete")} scannt, melden wir uns wieder, damit Sie jeden Schritt verfolgen können.`,
        ],
      },
      first_scan: {
        subject: `Ihre Bestellung ${ON} ist unterwegs`,
        lead: [
          `Ihre Bestellung ${ON} ist unterwegs: ${pl(`${CAR} hat Ihr Paket übernommen`, `der Paketdienst hat Ihre ${N} Pakete übernommen`)}.${when(HAS_ETA, ` Voraussichtliche Zustellung: ${ETA}.`)}`,
          "Auf der Seite zur Sendungsverfolgung sehen Sie jederzeit, wo Ihre Bestellung gerade ist.",
        ],
      },
      out_for_delivery: {
        subject: `Kommt heute: Bestellung ${ON}`,
        lead: [
          `${pl("Ihr Paket ist", "Ihre Pakete sind")} bei ${CAR} in Zustellung und ${pl("sollte", "sollten")} heute ankommen.`,
          "Wenn niemand da ist, hinterlässt der Paketdienst in der Regel eine Benachrichtigung oder versucht es am nächsten Werktag erneut.",
        ],
      },
      delivered: {
        subject: `Zugestellt: Ihre Bestellung ${ON}`,
        lead: [
          `${pl("Ihr Paket wurde", "Ihre Pakete wurden")}${when(HAS_DELIVERED, ` am {{ shipment.delivered_at }}`)} zugestellt${when(HAS_LOC, ` (${LOC})`)}. Wir hoffen, Ihre Bestellung gefällt Ihnen!`,
          `Sie finden ${pl("es", "sie")} nicht? Schauen Sie an der Haustür, bei Ihren Nachbarn oder im Paketraum Ihres Hauses nach. Falls ${pl("es weiterhin fehlt", "sie weiterhin fehlen")}, antworten Sie auf diese E-Mail, und wir kümmern uns darum.`,
        ],
      },
      post_delivery: {
        subject: `Ist alles gut angekommen? (Bestellung ${ON})`,
        lead: [
          `Ihre Bestellung ${ON} wurde vor Kurzem zugestellt, und wir möchten kurz nachfragen: Ist alles vollständig und unbeschädigt angekommen?`,
          "Falls etwas fehlt, beschädigt ist oder nicht stimmt, antworten Sie einfach auf diese E-Mail, und wir kümmern uns darum.",
        ],
      },
      delay_weather: {
        subject: `Wetterbedingte Verzögerung bei Ihrer Bestellung ${ON}`,
        lead: [
          `Schlechtes Wetter bremst den Paketdienst aus, und ${pl("Ihr Paket verspätet", "Ihre Pakete verspäten")} sich.${when(HAS_ETA, ` Neuer voraussichtlicher Termin laut ${CAR}: ${ETA}.`, ` ${CAR} hat noch keinen neuen Termin genannt; wir melden uns, sobald es einen gibt.`)}`,
          `Sie müssen nichts tun: ${pl("Ihr Paket wird", "Ihre Pakete werden")} weiterbefördert, sobald das Wetter es zulässt.`,
        ],
      },
      delay_address: {
        subject: `Bitte bestätigen Sie Ihre Adresse (Bestellung ${ON})`,
        lead: [
          `${CAR} konnte ${pl("Ihr Paket", "Ihre Pakete")} wegen eines Problems mit der Lieferadresse nicht zustellen.`,
          "Bitte antworten Sie auf diese E-Mail mit Ihrer vollständigen Adresse (mit Hausnummer, Stockwerk, Zusätzen wie c/o oder Zugangscode), damit wir das mit dem Paketdienst klären können. Je schneller wir von Ihnen hören, desto schneller kommt Ihre Bestellung bei Ihnen an.",
        ],
      },
      delay_failed_attempt: {
        subject: `Zustellversuch verpasst: Bestellung ${ON}`,
        lead: [
          `${CAR} hat versucht, ${pl("Ihr Paket", "Ihre Pakete")} zuzustellen, konnte die Zustellung aber nicht abschließen.${when(HAS_REASON, ` Angegebener Grund: ${REASON}.`)}`,
          `Wie geht es weiter? Der Paketdienst versucht es meist am nächsten Werktag erneut oder hinterlässt eine Benachrichtigung, wo Sie ${pl("das Paket", "die Pakete")} abholen können. Auf der Seite zur Sendungsverfolgung sehen Sie den aktuellen Stand. Brauchen Sie Hilfe? Antworten Sie einfach auf diese E-Mail.`,
        ],
      },
      delay_held: {
        subject: when(CUSTOMS, `Ihre Bestellung ${ON} ist beim Zoll`, `Ihre Bestellung ${ON} wird im Paketzentrum festgehalten`),
        lead: [
          when(
            CUSTOMS,
            `${pl("Ihr Paket wird", "Ihre Pakete werden")} derzeit beim Zoll festgehalten. Die Zollabfertigung dauert meist einige Tage; ${CAR} befördert ${pl("es", "sie")} weiter, sobald ${pl("es freigegeben ist", "sie freigegeben sind")}.`,
            `${pl("Ihr Paket wird", "Ihre Pakete werden")} in einem Paketzentrum von ${CAR} festgehalten${when(HAS_LOC, ` (${LOC})`)}. Das kommt vor und löst sich meist innerhalb von ein bis zwei Tagen.`,
          ),
          when(
            CUSTOMS,
            "Falls der Zoll etwas von Ihnen benötigt (ein Dokument oder die Zahlung von Einfuhrabgaben), meldet sich der Paketdienst direkt bei Ihnen. Unsicher, ob eine Nachricht echt ist? Antworten Sie auf diese E-Mail, wir prüfen das gern.",
            "Wir behalten die Sendung im Blick und melden uns, sobald sie sich wieder bewegt. Sie müssen im Moment nichts tun.",
          ),
        ],
      },
      delay_lost: {
        subject: `Ihre Bestellung ${ON}: Wir kümmern uns darum`,
        lead: [
          `Es tut uns leid: ${pl("Ihr Paket ist", "Ihre Pakete sind")} offenbar verloren gegangen, ${CAR} kann ${pl("es", "sie")} nicht mehr auffinden.`,
          "Wir kümmern uns bereits darum und finden in jedem Fall eine Lösung: Sie erhalten Ersatz oder Ihr Geld zurück. Sie müssen nichts tun; wir melden uns in Kürze mit dem nächsten Schritt.",
        ],
      },
      delay_returned: {
        subject: `Ihre Bestellung ${ON} wird an uns zurückgeschickt`,
        lead: [
          `${CAR} konnte ${pl("Ihr Paket", "Ihre Pakete")} nicht zustellen und schickt ${pl("es", "sie")} an uns zurück.${when(HAS_REASON, ` Angegebener Grund: ${REASON}.`)}`,
          "Antworten Sie auf diese E-Mail und sagen Sie uns, was Ihnen lieber ist: eine erneute Zusendung (bestätigen Sie einfach Ihre Adresse) oder eine Erstattung, sobald die Sendung wieder bei uns ist.",
        ],
      },
      ready_for_pickup: {
        subject: when(HAS_PICKUP, `Zur Abholung bereit: ${PICKUP} (Bestellung ${ON})`, `Zur Abholung bereit: Bestellung ${ON}`),
        lead: [
          `${pl("Ihr Paket liegt", "Ihre Pakete liegen")} zur Abholung bereit${when(HAS_PICKUP, `: <strong>${PICKUP}</strong>`)}. ${CAR} bewahrt ${pl("es", "sie")} dort für Sie auf.`,
          `Bringen Sie zur Abholung einen Ausweis und Ihre Bestell- oder Sendungsnummer mit. Nicht abgeholte Pakete werden nach einiger Zeit zurückgeschickt; holen Sie ${pl("es", "sie")} also bald ab.`,
        ],
      },
      delay_late: {
        subject: `Ihre Bestellung ${ON} ist später als versprochen`,
        lead: [
          `${pl("Ihr Paket braucht", "Ihre Pakete brauchen")} länger als versprochen; das tut uns leid.${when(HAS_ETA, ` Aktuelle Schätzung: ${ETA}.`, ` ${CAR} hat noch keinen neuen Termin genannt.`)}`,
          `Wir haken bei ${CAR} nach und melden uns, sobald wir mehr wissen. Sie müssen nichts tun.`,
        ],
      },
      delay_trending: {
        subject: `Ihre Bestellung ${ON} kommt möglicherweise einen Tag später als versprochen`,
        lead: [
          `Sendungen wie Ihre brauchen bei ${CAR} zurzeit etwas länger als sonst, daher ${pl("kommt Ihr Paket", "kommen Ihre Pakete")} möglicherweise einen Tag später als versprochen.${when(HAS_ETA, ` Aktuelle Schätzung: ${ETA}.`)}`,
          "Es ist weiterhin unterwegs, und wir behalten es im Blick. Wir wollten Ihnen früh Bescheid geben; Sie müssen nichts tun.",
        ],
      },
      delay_other: {
        subject: `Ihre Bestellung ${ON} verspätet sich`,
        lead: [
          `${pl("Ihr Paket braucht", "Ihre Pakete brauchen")} länger als erwartet.${when(HAS_ETA, ` ${CAR} rechnet jetzt mit der Zustellung am ${ETA}.`, ` ${CAR} hat noch keinen neuen Termin genannt.`)}`,
          "Wir behalten die Sendung im Blick und melden uns, sobald es Neuigkeiten gibt. Danke für Ihre Geduld!",
        ],
      },
      fulfillment_delayed: {
        subject: `Ihre Bestellung ${ON} braucht etwas länger bis zum Versand`,
        lead: [
          `Ihre Bestellung ${ON} braucht etwas länger als geplant, bis sie versandt wird. Das tut uns leid.`,
          `Sobald sie unterwegs ist, finden Sie die Sendungsnummer auf der Seite unten. Sie müssen nichts tun.`,
        ],
      },
      rule_message: {
        subject: `Neuigkeiten zu Ihrer Bestellung ${ON}`,
        lead: [
          `Der aktuelle Stand Ihrer Bestellung ${ON}: <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
          "Wir halten Sie auf dem Laufenden. Den aktuellen Stand sehen Sie jederzeit auf der Seite zur Sendungsverfolgung.",
        ],
      },
    },
    sms: {
      packed: `Ihre Bestellung ${ON} ist verpackt und wird in Kürze an den Paketdienst übergeben. Wir melden uns, sobald sie gescannt wurde. Verfolgen: ${URL}`,
      first_scan: `Ihre Bestellung ${ON} ist unterwegs${when(HAS_ETA, `, voraussichtlich am ${ETA}`)}. Verfolgen: ${URL}`,
      out_for_delivery: `Ihre Bestellung ${ON} ist in Zustellung und sollte heute ankommen. Verfolgen: ${URL}`,
      delivered: `Ihre Bestellung ${ON} wurde zugestellt${when(HAS_LOC, ` (${LOC})`)}. Nicht gefunden? Fragen Sie bei Nachbarn nach und schreiben Sie dann an ${SUP}. Details: ${URL}`,
      post_delivery: `Ist Ihre Bestellung ${ON} gut angekommen? Falls etwas fehlt oder beschädigt ist, schreiben Sie an ${SUP}, wir kümmern uns darum. ${URL}`,
      delay_weather: `Schlechtes Wetter verzögert Ihre Bestellung ${ON}.${when(HAS_ETA, ` Neuer Termin: ${ETA}.`)} Sie müssen nichts tun. Verfolgen: ${URL}`,
      delay_address: `Der Paketdienst kann Ihre Bestellung ${ON} wegen eines Adressproblems nicht zustellen. Bitte senden Sie Ihre vollständige Adresse an ${SUP}. ${URL}`,
      delay_failed_attempt: `Der Paketdienst konnte Ihre Bestellung ${ON} nicht zustellen. Meist folgt am nächsten Werktag ein neuer Versuch oder eine Abholbenachrichtigung. Details: ${URL}`,
      delay_held: `${when(CUSTOMS, `Ihre Bestellung ${ON} ist beim Zoll; nach der Freigabe geht es weiter.`, `Ihre Bestellung ${ON} wird in einem Paketzentrum festgehalten; wir behalten sie im Blick.`)} Verfolgen: ${URL}`,
      delay_lost: `Es tut uns leid: Ihre Bestellung ${ON} ist offenbar verloren gegangen. Wir kümmern uns darum, mit Ersatz oder Erstattung. Sie müssen nichts tun. ${URL}`,
      delay_returned: `Der Paketdienst schickt Ihre Bestellung ${ON} an uns zurück. Schreiben Sie an ${SUP}: erneute Zusendung (Adresse bestätigen) oder Erstattung? ${URL}`,
      ready_for_pickup: `Ihre Bestellung ${ON} liegt zur Abholung bereit${when(HAS_PICKUP, `: ${PICKUP}`)}. Bitte Ausweis mitbringen. Details: ${URL}`,
      delay_late: `Ihre Bestellung ${ON} braucht länger als versprochen${when(HAS_ETA, `; aktuelle Schätzung: ${ETA}`)}. Wir haken beim Paketdienst nach. Verfolgen: ${URL}`,
      delay_trending: `Ihre Bestellung ${ON} kommt möglicherweise einen Tag später als versprochen${when(HAS_ETA, `; aktuelle Schätzung: ${ETA}`)}. Sie ist unterwegs, und wir behalten sie im Blick. Verfolgen: ${URL}`,
      delay_other: `Ihre Bestellung ${ON} verspätet sich${when(HAS_ETA, `; neuer Termin: ${ETA}`)}. Wir behalten sie im Blick. Verfolgen: ${URL}`,
      fulfillment_delayed: `Ihre Bestellung ${ON} braucht etwas länger als geplant bis zum Versand. Die Sendungsnummer steht auf dieser Seite, sobald sie unterwegs ist: ${URL}`,
      rule_message: `Neuigkeiten zu Ihrer Bestellung ${ON}: ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Verfolgen: ${URL}`,
    },
  },
};
