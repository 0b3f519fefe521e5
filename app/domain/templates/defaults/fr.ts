import type { Language } from "./language";
import { CAR, CUSTOMS, ETA, HAS_DELIVERED, HAS_ETA, HAS_LOC, HAS_PICKUP, HAS_REASON, LOC, mailto, N, ON, PICKUP, pl, REASON, STATUS, SUP, URL, when } from "./liquid";

/**
 * French (France: Colissimo in the sample; the shopper is addressed as « vous »): everything Shipwatch writes
 * to a shopper in French.
 * Data: the default messages (Liquid, built from ./liquid's blocks), the status and reason words, and the
 * sample order the editor previews with.
 */
export const fr: Language = {
  statusLabels: {
    unknown: "Statut indisponible",
    label_created: "Emballé, en attente du transporteur",
    picked_up: "Pris en charge par le transporteur",
    in_transit: "En cours d'acheminement",
    delayed: "Retardé",
    out_for_delivery: "En cours de livraison",
    available_for_pickup: "Disponible au retrait",
    attempted_delivery: "Tentative de livraison",
    delivered: "Livré",
    exception: "Problème de livraison",
    returning_to_sender: "En retour vers l'expéditeur",
    returned_to_sender: "Retourné à l'expéditeur",
  },
  reasonLabels: {
    weather: "Météo",
    address_issue: "Problème d'adresse",
    damaged: "Endommagé",
    lost: "Perdu",
    refused: "Refusé",
    customs: "Douane",
    held_at_facility: "Retenu dans un centre du transporteur",
    recipient_unavailable: "Personne pour réceptionner le colis",
    business_closed: "Établissement fermé",
    carrier_delay: "Retard du transporteur",
    other: "Autre",
  },
  sample: {
    first_name: "Camille",
    last_name: "Martin",
    currency: "EUR",
    carrier: "Colissimo",
    service: "Colissimo Domicile",
    tracking: (i) => `6A1234567890${1 + i}`,
    tracking_url: (n) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${n}`,
    location: "Lyon",
    eta: "vendredi 20 novembre",
    delivered_at: "mercredi 18 novembre",
    pickup_location: "Relais Pickup, 12 rue de la République, Lyon",
    pickup: { headline: "Disponible au retrait : Relais Pickup, 12 rue de la République, Lyon", explanation: "Colissimo garde votre colis au point de retrait Relais Pickup, 12 rue de la République, Lyon depuis le 19 novembre.", next: "Munissez-vous d'une pièce d'identité et de votre numéro de suivi pour le retirer : un colis non retiré est renvoyé au bout de quelques jours." },
    story: { headline: "Livraison prévue le vendredi 20 novembre", explanation: "Colissimo a pris en charge votre colis le 18 novembre. Colissimo prévoit de le livrer le vendredi 20 novembre.", next: "Nous vous préviendrons quand il sera en cours de livraison." },
    late: { headline: "En retard", explanation: "Votre colis met plus de temps que promis. Dernier scan par Colissimo le 18 novembre.", next: "Nous suivons la situation avec Colissimo et nous vous écrirons d'ici le 21 novembre." },
  },
  messages: {
    greeting: when("customer.first_name != blank", "Bonjour {{ customer.first_name }},", "Bonjour,"),
    packagesHeading: "Colis concernés :",
    carrierLabel: "Transporteur",
    trackingLabel: "Numéro de suivi",
    expected: "Livraison prévue",
    cta: "Suivre ma commande",
    returning: "Merci de nous faire à nouveau confiance, cela nous fait très plaisir.",
    help: `Une question ? Répondez simplement à cet e-mail ou écrivez-nous à ${mailto}.`,
    signature: "Bien cordialement,<br>L'équipe {{ shop.name }}",
    footer: `Vous recevez cet e-mail au sujet de votre commande ${ON} chez <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
    stop: "Répondez STOP pour ne plus recevoir de SMS.",
    email: {
      packed: {
        subject: `Votre commande ${ON} est emballée`,
        lead: [
          `Bonne nouvelle : votre commande ${ON} est emballée et son étiquette de transport a été créée. ${pl(`Nous la remettrons très bientôt à ${CAR}.`, `Elle est répartie en ${N} colis, que nous remettrons très bientôt au transporteur.`)}`,
          `Nous vous écrirons dès que le transporteur ${pl("l'aura prise en charge", "les aura pris en charge")}, pour que vous puissiez suivre chaque étape.`,
        ],
      },
      first_scan: {
        subject: `Votre commande ${ON} est en route`,
        lead: [
          `Votre commande ${ON} est en route : ${pl(`${CAR} a pris en charge votre colis`, `le transporteur a pris en charge vos ${N} colis`)}.${when(HAS_ETA, ` Livraison prévue : ${ETA}.`)}`,
          "Vous pouvez suivre son parcours à tout moment sur la page de suivi.",
        ],
      },
      out_for_delivery: {
        subject: `Livraison aujourd'hui : commande ${ON}`,
        lead: [
          `${pl("Votre colis est", "Vos colis sont")} en cours de livraison avec ${CAR} et ${pl("devrait", "devraient")} arriver aujourd'hui.`,
          `S'il n'y a personne pour ${pl("le", "les")} réceptionner, le transporteur laisse généralement un avis de passage ou repasse le jour ouvré suivant.`,
        ],
      },
      delivered: {
        subject: `Livrée : votre commande ${ON}`,
        lead: [
          `${pl("Votre colis a été livré", "Vos colis ont été livrés")}${when(HAS_DELIVERED, ` le {{ shipment.delivered_at }}`)}${when(HAS_LOC, ` (${LOC})`)}. Nous espérons que votre commande vous plaira !`,
          `Vous ne ${pl("le", "les")} trouvez pas ? Regardez près de votre porte, chez vos voisins ou auprès de votre gardien. ${pl("S'il reste introuvable", "S'ils restent introuvables")}, répondez à cet e-mail et nous trouverons une solution.`,
        ],
      },
      post_delivery: {
        subject: `Tout est bien arrivé ? (commande ${ON})`,
        lead: [
          `Votre commande ${ON} a été livrée il y a peu, et nous voulions prendre de vos nouvelles : tout est-il bien arrivé, en bon état ?`,
          "Si un article manque, est abîmé ou ne convient pas, répondez simplement à cet e-mail et nous arrangerons cela.",
        ],
      },
      delay_weather: {
        subject: `Retard dû à la météo pour votre commande ${ON}`,
        lead: [
          `De mauvaises conditions météo ralentissent le transporteur, et ${pl("votre colis a", "vos colis ont")} du retard.${when(HAS_ETA, ` Nouvelle date estimée par ${CAR} : ${ETA}.`, ` ${CAR} n'a pas encore communiqué de nouvelle date ; nous vous tiendrons au courant dès que ce sera le cas.`)}`,
          `Vous n'avez rien à faire : ${pl("votre colis repartira", "vos colis repartiront")} dès que les conditions le permettront.`,
        ],
      },
      delay_address: {
        subject: `Action requise : merci de confirmer votre adresse (commande ${ON})`,
        lead: [
          `${CAR} n'a pas pu livrer ${pl("votre colis", "vos colis")} en raison d'un problème d'adresse.`,
          `Merci de répondre à cet e-mail en indiquant votre adresse complète (numéro d'appartement, bâtiment, digicode…) afin que nous puissions régler cela avec le transporteur. Plus vite nous aurons votre réponse, plus vite ${pl("votre colis repartira", "vos colis repartiront")}.`,
        ],
      },
      delay_failed_attempt: {
        subject: `Livraison manquée pour votre commande ${ON}`,
        lead: [
          `${CAR} a tenté de livrer ${pl("votre colis", "vos colis")}, sans succès.${when(HAS_REASON, ` Motif indiqué par le transporteur : ${REASON}.`)}`,
          `Et maintenant ? Le transporteur repasse généralement le jour ouvré suivant, ou laisse un avis de passage indiquant où retirer ${pl("le colis", "les colis")}. La page de suivi affiche les dernières informations. Besoin d'aide ? Répondez simplement à cet e-mail.`,
        ],
      },
      delay_held: {
        subject: when(CUSTOMS, `Votre commande ${ON} est en douane`, `Votre commande ${ON} est retenue chez le transporteur`),
        lead: [
          when(
            CUSTOMS,
            `${pl("Votre colis est retenu", "Vos colis sont retenus")} en douane. Les contrôles douaniers prennent généralement quelques jours, et ${CAR} ${pl("le", "les")} réacheminera dès la fin du dédouanement.`,
            `${pl("Votre colis est retenu", "Vos colis sont retenus")} dans un centre ${CAR}${when(HAS_LOC, ` (${LOC})`)}. Cela arrive, et la situation se débloque généralement en un ou deux jours.`,
          ),
          when(
            CUSTOMS,
            "Si la douane a besoin de quelque chose de votre part (un document ou le paiement de droits), le transporteur vous contactera directement. Un doute sur un message ? Répondez à cet e-mail et nous vérifierons.",
            `Nous suivons la situation de près et vous écrirons dès que ${pl("votre colis repartira", "vos colis repartiront")}. Vous n'avez rien à faire pour l'instant.`,
          ),
        ],
      },
      delay_lost: {
        subject: `Votre commande ${ON} : nous nous en occupons`,
        lead: [
          `Nous sommes désolés : ${pl("votre colis semble avoir été perdu", "vos colis semblent avoir été perdus")}, et ${CAR} n'arrive pas à ${pl("le", "les")} localiser.`,
          "Nous nous en occupons déjà et, quoi qu'il arrive, nous trouverons une solution : un nouvel envoi de votre commande ou un remboursement. Vous n'avez rien à faire ; nous revenons très vite vers vous.",
        ],
      },
      delay_returned: {
        subject: `Votre commande ${ON} nous est retournée`,
        lead: [
          `${CAR} n'a pas pu livrer ${pl("votre colis", "vos colis")} et ${pl("nous le renvoie", "nous les renvoie")}.${when(HAS_REASON, ` Motif indiqué par le transporteur : ${REASON}.`)}`,
          "Répondez à cet e-mail pour nous dire ce que vous préférez : un nouvel envoi (confirmez simplement votre adresse) ou un remboursement dès que le colis nous sera revenu.",
        ],
      },
      ready_for_pickup: {
        subject: when(HAS_PICKUP, `Disponible au retrait à ${PICKUP} : commande ${ON}`, `Disponible au retrait : commande ${ON}`),
        lead: [
          `${pl("Votre colis est disponible", "Vos colis sont disponibles")} au retrait${when(HAS_PICKUP, ` à <strong>${PICKUP}</strong>`)}. ${CAR} ${pl("le", "les")} garde pour vous.`,
          `Munissez-vous d'une pièce d'identité et de votre numéro de commande ou de suivi pour ${pl("le", "les")} retirer. Un colis non retiré à temps est renvoyé : pensez à passer ${pl("le", "les")} chercher bientôt.`,
        ],
      },
      delay_late: {
        subject: `Votre commande ${ON} est en retard`,
        lead: [
          `${pl("Votre colis met", "Vos colis mettent")} plus de temps que promis, et nous en sommes désolés.${when(HAS_ETA, ` Dernière estimation : ${ETA}.`, ` ${CAR} n'a pas encore communiqué de nouvelle date.`)}`,
          `Nous suivons la situation avec ${CAR} et vous écrirons dès que nous en saurons plus. Vous n'avez rien à faire.`,
        ],
      },
      delay_trending: {
        subject: `Votre commande ${ON} pourrait arriver un jour plus tard que prévu`,
        lead: [
          `Les colis comme le vôtre mettent en ce moment un peu plus de temps que d'habitude avec ${CAR} : ${pl("votre colis pourrait", "vos colis pourraient")} arriver un jour plus tard que promis.${when(HAS_ETA, ` Dernière estimation : ${ETA}.`)}`,
          "Il est toujours en route et nous le suivons de près. Nous préférions vous prévenir tôt ; vous n'avez rien à faire.",
        ],
      },
      delay_other: {
        subject: `Votre commande ${ON} a du retard`,
        lead: [
          `${pl("Votre colis met", "Vos colis mettent")} plus de temps que prévu à arriver.${when(HAS_ETA, ` ${CAR} prévoit désormais une livraison le ${ETA}.`, ` ${CAR} n'a pas encore communiqué de nouvelle date.`)}`,
          "Nous suivons la situation et vous préviendrons dès que les choses bougent. Merci de votre patience !",
        ],
      },
      fulfillment_delayed: {
        subject: `Votre commande ${ON} met un peu plus de temps à partir`,
        lead: [
          `Votre commande ${ON} met un peu plus de temps que prévu à être expédiée, et nous en sommes désolés.`,
          `Dès qu'elle partira, vous trouverez son numéro de suivi sur la page ci-dessous. Vous n'avez rien à faire.`,
        ],
      },
      rule_message: {
        subject: `Du nouveau sur votre commande ${ON}`,
        lead: [
          `Voici les dernières nouvelles de votre commande ${ON} : <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
          "Nous vous tiendrons au courant. Vous pouvez consulter la page de suivi à tout moment.",
        ],
      },
    },
    sms: {
      packed: `votre commande ${ON} est emballée et sera bientôt remise au transporteur. Nous vous préviendrons dès sa prise en charge. Suivi : ${URL}`,
      first_scan: `votre commande ${ON} est en route${when(HAS_ETA, `, livraison prévue le ${ETA}`)}. Suivi : ${URL}`,
      out_for_delivery: `votre commande ${ON} est en cours de livraison et devrait arriver aujourd'hui. Suivi : ${URL}`,
      delivered: `votre commande ${ON} a été livrée${when(HAS_LOC, ` (${LOC})`)}. Introuvable ? Demandez à vos voisins, puis écrivez-nous à ${SUP}. Détails : ${URL}`,
      post_delivery: `votre commande ${ON} est-elle bien arrivée, en bon état ? Sinon, écrivez-nous à ${SUP} et nous arrangerons cela. ${URL}`,
      delay_weather: `la météo retarde votre commande ${ON}.${when(HAS_ETA, ` Nouvelle estimation : ${ETA}.`)} Vous n'avez rien à faire. Suivi : ${URL}`,
      delay_address: `le transporteur ne peut pas livrer votre commande ${ON} : problème d'adresse. Merci d'envoyer votre adresse complète à ${SUP}. ${URL}`,
      delay_failed_attempt: `le transporteur n'a pas pu livrer votre commande ${ON}. Il repasse généralement le jour ouvré suivant ou laisse un avis de passage. Détails : ${URL}`,
      delay_held: `${when(CUSTOMS, `votre commande ${ON} est retenue en douane ; elle repartira dès la fin du dédouanement.`, `votre commande ${ON} est retenue dans un centre du transporteur ; nous suivons la situation.`)} Suivi : ${URL}`,
      delay_lost: `nous sommes désolés, votre commande ${ON} semble perdue par le transporteur. Nous nous en occupons : nouvel envoi ou remboursement. Rien à faire de votre côté. ${URL}`,
      delay_returned: `le transporteur nous retourne votre commande ${ON}. Écrivez-nous à ${SUP} : nouvel envoi (confirmez votre adresse) ou remboursement ? ${URL}`,
      ready_for_pickup: `votre commande ${ON} est disponible au retrait${when(HAS_PICKUP, ` à ${PICKUP}`)}. Munissez-vous d'une pièce d'identité. Détails : ${URL}`,
      delay_late: `votre commande ${ON} est en retard : elle met plus de temps que promis${when(HAS_ETA, ` ; dernière estimation : ${ETA}`)}. Nous suivons la situation avec le transporteur. Suivi : ${URL}`,
      delay_trending: `votre commande ${ON} pourrait arriver un jour plus tard que promis${when(HAS_ETA, ` ; dernière estimation : ${ETA}`)}. Elle est en route et nous la suivons. Suivi : ${URL}`,
      delay_other: `votre commande ${ON} a du retard${when(HAS_ETA, ` ; nouvelle estimation : ${ETA}`)}. Nous suivons la situation. Suivi : ${URL}`,
      fulfillment_delayed: `votre commande ${ON} met un peu plus de temps que prévu à être expédiée. Son numéro de suivi sera sur cette page dès son départ : ${URL}`,
      rule_message: `du nouveau sur votre commande ${ON} : ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Suivi : ${URL}`,
    },
  },
};
