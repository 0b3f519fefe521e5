import type { Language } from "./language";
import { CAR, CUSTOMS, ETA, HAS_DELIVERED, HAS_ETA, HAS_LOC, HAS_PICKUP, HAS_REASON, LOC, mailto, N, ON, PICKUP, pl, REASON, STATUS, SUP, URL, when } from "./liquid";

/**
 * Spanish (Spain: Correos in the sample; the shopper is addressed as « usted »): everything Shipwatch writes
 * to a shopper in Spanish.
 * Data: the default messages (Liquid, built from ./liquid's blocks), the status and reason words, and the
 * sample order the editor previews with.
 */
export const es: Language = {
  statusLabels: {
    unknown: "Estado no disponible",
    label_created: "Empaquetado, esperando al transportista",
    picked_up: "Recogido por el transportista",
    in_transit: "En tránsito",
    delayed: "Con retraso",
    out_for_delivery: "En reparto",
    available_for_pickup: "Listo para recoger",
    attempted_delivery: "Intento de entrega",
    delivered: "Entregado",
    exception: "Problema con la entrega",
    returning_to_sender: "En devolución al remitente",
    returned_to_sender: "Devuelto al remitente",
  },
  reasonLabels: {
    weather: "Mal tiempo",
    address_issue: "Problema con la dirección",
    damaged: "Dañado",
    lost: "Perdido",
    refused: "Rechazado",
    customs: "Aduana",
    held_at_facility: "Retenido en un centro del transportista",
    recipient_unavailable: "No había nadie para recibirlo",
    business_closed: "Negocio cerrado",
    carrier_delay: "Retraso del transportista",
    other: "Otro",
  },
  sample: {
    first_name: "Lucía",
    last_name: "García",
    currency: "EUR",
    carrier: "Correos",
    service: "Paq Estándar",
    tracking: (i) => `PQ7BAT000123456010800${1 + i}M`,
    tracking_url: (n) => `https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=${n}`,
    location: "Madrid",
    eta: "viernes 20 de noviembre",
    delivered_at: "miércoles 18 de noviembre",
    pickup_location: "Oficina de Correos, Calle de Alcalá 120, Madrid",
    pickup: { headline: "Listo para recoger en Oficina de Correos, Calle de Alcalá 120, Madrid", explanation: "Correos guarda su paquete en Oficina de Correos, Calle de Alcalá 120, Madrid desde el 19 de noviembre.", next: "Lleve su documento de identidad y el número de seguimiento para recogerlo: los paquetes que no se recogen se devuelven pasado un tiempo." },
    story: { headline: "Llega el viernes 20 de noviembre", explanation: "Correos recogió su paquete el 18 de noviembre. Correos prevé entregarlo el viernes 20 de noviembre.", next: "Le avisaremos cuando esté en reparto." },
    late: { headline: "Va con retraso", explanation: "Su paquete está tardando más de lo prometido. Correos lo escaneó por última vez el 18 de noviembre.", next: "Estamos haciendo el seguimiento con Correos y le escribiremos antes del 21 de noviembre." },
  },
  messages: {
    greeting: when("customer.first_name != blank", "Hola, {{ customer.first_name }}:", "Hola:"),
    packagesHeading: "Paquetes de esta actualización:",
    carrierLabel: "Transportista",
    trackingLabel: "Número de seguimiento",
    expected: "Entrega prevista",
    cta: "Seguir mi pedido",
    returning: "¡Gracias por volver a comprar con nosotros!",
    help: `¿Tienes alguna pregunta? Responde a este correo o escríbenos a ${mailto}.`,
    signature: "Un saludo,<br>El equipo de {{ shop.name }}",
    footer: `Recibes este correo por tu pedido ${ON} en <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
    stop: "Responde STOP para darte de baja.",
    email: {
      packed: {
        subject: `Tu pedido ${ON} ya está empaquetado`,
        lead: [
          `¡Buenas noticias! Tu pedido ${ON} ya está empaquetado y su etiqueta de envío está creada. ${pl(`Se lo entregaremos a ${CAR} muy pronto.`, `Está repartido en ${N} paquetes, que entregaremos al transportista muy pronto.`)}`,
          `Te escribiremos en cuanto el transportista ${pl("lo escanee", "los escanee")}, para que puedas seguir cada paso.`,
        ],
      },
      first_scan: {
        subject: `Tu pedido ${ON} está en camino`,
        lead: [
          `Tu pedido ${ON} está en camino: ${pl(`${CAR} ya ha escaneado tu paquete`, `el transportista ya ha escaneado tus ${N} paquetes`)}.${when(HAS_ETA, ` Entrega prevista: ${ETA}.`)}`,
          "Puedes seguir su recorrido en cualquier momento en la página de seguimiento.",
        ],
      },
      out_for_delivery: {
        subject: `Llega hoy: pedido ${ON}`,
        lead: [
          `${pl("Tu paquete está", "Tus paquetes están")} en reparto con ${CAR} y ${pl("debería", "deberían")} llegar hoy.`,
          `Si no hay nadie para recibir${pl("lo", "los")}, el transportista suele dejar un aviso o volver a intentarlo el siguiente día hábil.`,
        ],
      },
      delivered: {
        subject: `Entregado: tu pedido ${ON}`,
        lead: [
          `${pl("Tu paquete ha sido entregado", "Tus paquetes han sido entregados")}${when(HAS_DELIVERED, ` el {{ shipment.delivered_at }}`)}${when(HAS_LOC, ` (${LOC})`)}. ¡Esperamos que te encante tu pedido!`,
          `¿No ${pl("lo", "los")} encuentras? Revisa cerca de tu puerta, pregunta a tus vecinos o en la conserjería. ${pl("Si sigue sin aparecer", "Si siguen sin aparecer")}, responde a este correo y lo solucionaremos.`,
        ],
      },
      post_delivery: {
        subject: `¿Llegó todo bien? (pedido ${ON})`,
        lead: [
          `Tu pedido ${ON} se entregó hace poco y queríamos saber cómo te fue: ¿llegó todo y en buen estado?`,
          "Si falta algo, llegó dañado o no es lo que esperabas, responde a este correo y lo solucionaremos.",
        ],
      },
      delay_weather: {
        subject: `Retraso por mal tiempo en tu pedido ${ON}`,
        lead: [
          `El mal tiempo está ralentizando al transportista y ${pl("tu paquete va", "tus paquetes van")} con retraso.${when(HAS_ETA, ` La nueva fecha estimada de ${CAR} es el ${ETA}.`, ` ${CAR} aún no ha dado una nueva fecha de entrega; te avisaremos en cuanto la tengamos.`)}`,
          `No tienes que hacer nada: ${pl("tu paquete seguirá", "tus paquetes seguirán")} su ruta en cuanto el tiempo lo permita.`,
        ],
      },
      delay_address: {
        subject: `Acción necesaria: confirma tu dirección (pedido ${ON})`,
        lead: [
          `${CAR} no ha podido entregar ${pl("tu paquete", "tus paquetes")} por un problema con la dirección de entrega.`,
          "Responde a este correo con tu dirección completa (piso, puerta, edificio o código de acceso) para que podamos solucionarlo con el transportista. Cuanto antes nos respondas, antes recibirás tu pedido.",
        ],
      },
      delay_failed_attempt: {
        subject: `Intento de entrega fallido: pedido ${ON}`,
        lead: [
          `${CAR} intentó entregar ${pl("tu paquete", "tus paquetes")}, pero no pudo completar la entrega.${when(HAS_REASON, ` Motivo indicado por el transportista: ${REASON}.`)}`,
          `¿Y ahora qué? El transportista suele volver a intentarlo el siguiente día hábil o deja un aviso indicando dónde recoger${pl("lo", "los")}. En la página de seguimiento verás la información más reciente. Si necesitas ayuda, responde a este correo.`,
        ],
      },
      delay_held: {
        subject: when(CUSTOMS, `Tu pedido ${ON} está en la aduana`, `Tu pedido ${ON} está retenido en un centro del transportista`),
        lead: [
          when(
            CUSTOMS,
            `${pl("Tu paquete está retenido", "Tus paquetes están retenidos")} en la aduana. Los trámites aduaneros suelen tardar unos días, y ${CAR} ${pl("lo", "los")} pondrá de nuevo en ruta en cuanto ${pl("esté despachado", "estén despachados")}.`,
            `${pl("Tu paquete está retenido", "Tus paquetes están retenidos")} en un centro de ${CAR}${when(HAS_LOC, ` (${LOC})`)}. Es algo que pasa y suele resolverse en uno o dos días.`,
          ),
          when(
            CUSTOMS,
            "Si la aduana necesita algo de ti (un documento o el pago de aranceles), el transportista se pondrá en contacto contigo directamente. ¿Dudas de si un mensaje es auténtico? Responde a este correo y lo comprobaremos.",
            "Lo estamos vigilando y te escribiremos en cuanto se mueva. Por ahora no tienes que hacer nada.",
          ),
        ],
      },
      delay_lost: {
        subject: `Sobre tu pedido ${ON}: ya nos estamos ocupando`,
        lead: [
          `Lo sentimos: ${pl("parece que tu paquete se ha perdido", "parece que tus paquetes se han perdido")} y ${CAR} no consigue localizar${pl("lo", "los")}.`,
          "Ya nos estamos ocupando y, pase lo que pase, lo solucionaremos: te mandaremos un reemplazo o te devolveremos el dinero. No tienes que hacer nada; te escribiremos muy pronto con el siguiente paso.",
        ],
      },
      delay_returned: {
        subject: `Tu pedido ${ON} vuelve a nuestra tienda`,
        lead: [
          `${CAR} no ha podido entregar ${pl("tu paquete", "tus paquetes")} y ${pl("nos lo está devolviendo", "nos los está devolviendo")}.${when(HAS_REASON, ` Motivo indicado por el transportista: ${REASON}.`)}`,
          "Responde a este correo para decirnos qué prefieres: que te lo mandemos de nuevo (solo confirma tu dirección) o un reembolso cuando nos llegue.",
        ],
      },
      ready_for_pickup: {
        subject: when(HAS_PICKUP, `Listo para recoger en ${PICKUP}: pedido ${ON}`, `Listo para recoger: pedido ${ON}`),
        lead: [
          `${pl("Tu paquete está listo", "Tus paquetes están listos")} para recoger${when(HAS_PICKUP, ` en <strong>${PICKUP}</strong>`)}. ${CAR} ${pl("lo", "los")} guarda para ti.`,
          `Lleva tu documento de identidad y el número de pedido o de seguimiento para recoger${pl("lo", "los")}. Los paquetes que no se recogen a tiempo se devuelven, así que pasa a buscar${pl("lo", "los")} pronto.`,
        ],
      },
      delay_late: {
        subject: `Tu pedido ${ON} está tardando más de lo prometido`,
        lead: [
          `${pl("Tu paquete está tardando", "Tus paquetes están tardando")} más de lo que te prometimos; lo sentimos.${when(HAS_ETA, ` Última fecha estimada: ${ETA}.`, ` ${CAR} aún no ha indicado una nueva fecha.`)}`,
          `Estamos haciendo el seguimiento con ${CAR} y te escribiremos en cuanto sepamos más. No tienes que hacer nada.`,
        ],
      },
      delay_trending: {
        subject: `Tu pedido ${ON} podría llegar un día más tarde de lo prometido`,
        lead: [
          `Los paquetes como el tuyo están tardando últimamente un poco más de lo habitual con ${CAR}, así que ${pl("tu paquete podría", "tus paquetes podrían")} llegar un día más tarde de lo que te prometimos.${when(HAS_ETA, ` Última fecha estimada: ${ETA}.`)}`,
          "Sigue en camino y lo estamos vigilando. Preferimos avisarte con tiempo; no tienes que hacer nada.",
        ],
      },
      delay_other: {
        subject: `Tu pedido ${ON} va con retraso`,
        lead: [
          `${pl("Tu paquete está tardando", "Tus paquetes están tardando")} más de lo previsto.${when(HAS_ETA, ` ${CAR} prevé entregar${pl("lo", "los")} el ${ETA}.`, ` ${CAR} aún no ha indicado una nueva fecha.`)}`,
          "Lo estamos vigilando y te avisaremos en cuanto se mueva. ¡Gracias por tu paciencia!",
        ],
      },
      fulfillment_delayed: {
        subject: `Tu pedido ${ON} está tardando un poco más en salir`,
        lead: [
          `Tu pedido ${ON} está tardando un poco más de lo previsto en enviarse, y lo sentimos.`,
          `En cuanto salga, encontrarás su número de seguimiento en la página de abajo. No tienes que hacer nada.`,
        ],
      },
      rule_message: {
        subject: `Novedades sobre tu pedido ${ON}`,
        lead: [
          `Esto es lo último sobre tu pedido ${ON}: <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
          "Te mantendremos al tanto. Puedes consultar la página de seguimiento cuando quieras.",
        ],
      },
    },
    sms: {
      packed: `tu pedido ${ON} ya está empaquetado y pronto se entregará al transportista. Te avisaremos cuando lo escanee. Síguelo aquí: ${URL}`,
      first_scan: `tu pedido ${ON} está en camino${when(HAS_ETA, `, entrega prevista el ${ETA}`)}. Síguelo: ${URL}`,
      out_for_delivery: `tu pedido ${ON} está en reparto y debería llegar hoy. Síguelo: ${URL}`,
      delivered: `tu pedido ${ON} ha sido entregado${when(HAS_LOC, ` (${LOC})`)}. ¿No lo encuentras? Pregunta a tus vecinos y luego escríbenos a ${SUP}. Detalles: ${URL}`,
      post_delivery: `¿llegó bien tu pedido ${ON}? Si falta algo o llegó dañado, escríbenos a ${SUP} y lo solucionaremos. ${URL}`,
      delay_weather: `el mal tiempo está retrasando tu pedido ${ON}.${when(HAS_ETA, ` Nueva fecha estimada: ${ETA}.`)} No tienes que hacer nada. Síguelo: ${URL}`,
      delay_address: `el transportista no puede entregar tu pedido ${ON} por un problema con la dirección. Envíanos tu dirección completa a ${SUP}. ${URL}`,
      delay_failed_attempt: `el transportista intentó entregar tu pedido ${ON}, sin éxito. Suele volver a intentarlo el siguiente día hábil o deja un aviso de recogida. Detalles: ${URL}`,
      delay_held: `${when(CUSTOMS, `tu pedido ${ON} está retenido en la aduana; seguirá su ruta en cuanto se despache.`, `tu pedido ${ON} está retenido en un centro del transportista; lo estamos vigilando.`)} Síguelo: ${URL}`,
      delay_lost: `lo sentimos, parece que tu pedido ${ON} se ha perdido en el transporte. Ya nos ocupamos: reemplazo o reembolso. No tienes que hacer nada. ${URL}`,
      delay_returned: `el transportista nos está devolviendo tu pedido ${ON}. Escríbenos a ${SUP}: ¿te lo mandamos de nuevo (confirma tu dirección) o prefieres un reembolso? ${URL}`,
      ready_for_pickup: `tu pedido ${ON} está listo para recoger${when(HAS_PICKUP, ` en ${PICKUP}`)}. Lleva tu documento de identidad. Detalles: ${URL}`,
      delay_late: `tu pedido ${ON} está tardando más de lo prometido${when(HAS_ETA, `; última fecha estimada: ${ETA}`)}. Lo estamos siguiendo con el transportista. Síguelo: ${URL}`,
      delay_trending: `tu pedido ${ON} podría llegar un día más tarde de lo prometido${when(HAS_ETA, `; última fecha estimada: ${ETA}`)}. Sigue en camino y lo estamos vigilando. Síguelo: ${URL}`,
      delay_other: `tu pedido ${ON} va con retraso${when(HAS_ETA, `; nueva fecha estimada: ${ETA}`)}. Lo estamos vigilando. Síguelo: ${URL}`,
      fulfillment_delayed: `tu pedido ${ON} está tardando un poco más de lo previsto en enviarse. Su número de seguimiento estará en esta página en cuanto salga: ${URL}`,
      rule_message: `novedades sobre tu pedido ${ON}: ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Síguelo: ${URL}`,
    },
  },
};
