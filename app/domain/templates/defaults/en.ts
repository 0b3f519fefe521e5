import { REASON_LABELS, STATUS_LABELS } from "../../status";
import type { Language } from "./language";
import { CAR, CUSTOMS, ETA, HAS_DELIVERED, HAS_ETA, HAS_LOC, HAS_PICKUP, HAS_REASON, LOC, mailto, N, ON, PICKUP, pl, REASON, STATUS, SUP, URL, when } from "./liquid";

/**
 * English: everything Shipwatch writes to a shopper in English, and the language every other file is checked
 * against (defaults.test.ts: each has exactly these keys). The status and reason words are status.ts's own, the
 * words support reads in the admin.
 * Data: the default messages (Liquid, built from ./liquid's blocks), the status and reason words, and the
 * sample order the editor previews with.
 */
export const en: Language = {
  statusLabels: STATUS_LABELS,
  reasonLabels: REASON_LABELS,
  sample: {
    first_name: "Emma",
    last_name: "Johnson",
    currency: "USD",
    carrier: "UPS",
    service: "UPS Ground",
    tracking: (i) => `1Z999AA1012345678${4 + i}`,
    tracking_url: (n) => `https://www.ups.com/track?tracknum=${n}`,
    location: "Louisville, KY",
    eta: "Friday, November 20",
    delivered_at: "Wednesday, November 18",
    pickup_location: "The UPS Store, 1450 Bardstown Rd, Louisville, KY",
    pickup: { headline: "Ready for pickup at The UPS Store, 1450 Bardstown Rd, Louisville, KY", explanation: "UPS is holding your parcel at The UPS Store, 1450 Bardstown Rd, Louisville, KY since November 19.", next: "Bring your ID and tracking number to collect it: parcels left too long are sent back." },
    story: { headline: "Arriving Friday, November 20", explanation: "UPS picked up your parcel on November 18. UPS expects to deliver it on Friday, November 20.", next: "We will let you know when it is out for delivery." },
    late: { headline: "Running late", explanation: "Your parcel is taking longer than we promised. UPS last scanned it on November 18.", next: "We are following it up with UPS and will write to you by November 21." },
  },
  messages: {
    greeting: when("customer.first_name != blank", "Hi {{ customer.first_name }},", "Hello,"),
    packagesHeading: "Packages in this update:",
    carrierLabel: "Carrier",
    trackingLabel: "Tracking number",
    expected: "Expected delivery",
    cta: "Track your order",
    returning: "Thanks for shopping with us again, it means a lot.",
    help: `Questions? Just reply to this email or write to ${mailto}.`,
    signature: "Thanks,<br>The {{ shop.name }} team",
    footer: `You're receiving this email about order ${ON} from <a href="{{ shop.url }}" style="color:#6d7175">{{ shop.name }}</a>.`,
    stop: "Reply STOP to opt out.",
    email: {
      packed: {
        subject: `Your order ${ON} is packed`,
        lead: [
          `Good news: your order ${ON} is packed and its shipping label has been created. ${pl(`We'll hand it to ${CAR} shortly.`, `It's packed in ${N} packages, which we'll hand to the carrier shortly.`)}`,
          `We'll write again as soon as the carrier scans ${pl("it", "them")}, so you can follow every step.`,
        ],
      },
      first_scan: {
        subject: `Your order ${ON} is on its way`,
        lead: [
          `Your order ${ON} is on its way: ${pl(`${CAR} has scanned your package`, `the carrier has scanned your ${N} packages`)}.${when(HAS_ETA, ` Expected delivery: ${ETA}.`)}`,
          "You can follow its journey on the tracking page at any time.",
        ],
      },
      out_for_delivery: {
        subject: `Arriving today: order ${ON}`,
        lead: [
          `${pl("Your package is", "Your packages are")} out for delivery with ${CAR} and should arrive today.`,
          `If nobody is there to receive ${pl("it", "them")}, the carrier usually leaves a notice or tries again on the next business day.`,
        ],
      },
      delivered: {
        subject: `Delivered: your order ${ON}`,
        lead: [
          `${pl("Your package was", "Your packages were")} delivered${when(HAS_DELIVERED, ` on {{ shipment.delivered_at }}`)}${when(HAS_LOC, ` (${LOC})`)}. We hope you love your order!`,
          `Can't find ${pl("it", "them")}? Check around your door, with your neighbours or in your building's mail room. If ${pl("it still doesn't", "they still don't")} turn up, reply to this email and we'll sort it out.`,
        ],
      },
      post_delivery: {
        subject: `Did everything arrive OK? (order ${ON})`,
        lead: [
          `Your order ${ON} was delivered a little while ago, and we wanted to check in: did everything arrive, and in good shape?`,
          "If anything is missing, damaged or not quite right, just reply to this email and we'll make it right.",
        ],
      },
      delay_weather: {
        subject: `Weather delay on your order ${ON}`,
        lead: [
          `Severe weather is slowing the carrier down, and ${pl("your package is", "your packages are")} running late.${when(HAS_ETA, ` ${CAR}'s new estimate is ${ETA}.`, ` ${CAR} hasn't given a new delivery date yet; we'll let you know as soon as it does.`)}`,
          `There's nothing you need to do: ${pl("your package", "your packages")} will move again as soon as conditions allow.`,
        ],
      },
      delay_address: {
        subject: `Action needed: please confirm your address (order ${ON})`,
        lead: [
          `${CAR} couldn't deliver ${pl("your package", "your packages")} because of a problem with the delivery address.`,
          "Please reply to this email with your full address, including any apartment number, building name or door code, so we can sort it out with the carrier. The sooner we hear from you, the sooner your order is back on track.",
        ],
      },
      delay_failed_attempt: {
        subject: `We missed you: delivery attempt for order ${ON}`,
        lead: [
          `${CAR} tried to deliver ${pl("your package", "your packages")} but couldn't complete the delivery.${when(HAS_REASON, ` Reason given by the carrier: ${REASON}.`)}`,
          `What happens next: the carrier usually tries again on the next business day, or leaves a notice telling you where to collect ${pl("it", "them")}. The tracking page shows the latest. If you need a hand, just reply to this email.`,
        ],
      },
      delay_held: {
        subject: when(CUSTOMS, `Your order ${ON} is in customs`, `Your order ${ON} is held at a carrier facility`),
        lead: [
          when(
            CUSTOMS,
            `${pl("Your package is", "Your packages are")} being held at customs. Customs checks usually take a few days, and ${CAR} will move ${pl("it", "them")} on as soon as ${pl("it's", "they're")} cleared.`,
            `${pl("Your package is", "Your packages are")} being held at a ${CAR} facility${when(HAS_LOC, ` (${LOC})`)}. It happens, and things usually move again within a day or two.`,
          ),
          when(
            CUSTOMS,
            "If customs needs anything from you (a document or a duty payment), the carrier will contact you directly. Not sure a message is genuine? Reply to this email and we'll check.",
            "We're keeping an eye on it and will write as soon as it moves. There's nothing you need to do for now.",
          ),
        ],
      },
      delay_lost: {
        subject: `About your order ${ON}: we're on it`,
        lead: [
          `We're sorry: ${pl("your package appears", "your packages appear")} to be lost, and ${CAR} hasn't been able to locate ${pl("it", "them")}.`,
          "We're already on it, and whatever happens we'll make it right: we'll send a replacement or refund you. You don't need to do anything; we'll be in touch with the next step very soon.",
        ],
      },
      delay_returned: {
        subject: `Your order ${ON} is being returned to us`,
        lead: [
          `${CAR} couldn't deliver ${pl("your package", "your packages")} and is sending ${pl("it", "them")} back to us.${when(HAS_REASON, ` Reason given by the carrier: ${REASON}.`)}`,
          "Please reply to this email to tell us what you'd prefer: we can send your order again (just confirm your address) or refund you once it's back with us.",
        ],
      },
      ready_for_pickup: {
        subject: when(HAS_PICKUP, `Ready for pickup at ${PICKUP}: order ${ON}`, `Ready for pickup: order ${ON}`),
        lead: [
          `${pl("Your package is", "Your packages are")} ready for pickup${when(HAS_PICKUP, ` at <strong>${PICKUP}</strong>`)}. ${CAR} is holding ${pl("it", "them")} for you there.`,
          `Bring your ID and your order or tracking number to collect ${pl("it", "them")}. Parcels left uncollected too long are sent back, so please pick ${pl("it", "them")} up soon.`,
        ],
      },
      delay_late: {
        subject: `Your order ${ON} is running late`,
        lead: [
          `${pl("Your package is", "Your packages are")} taking longer than we promised, and we're sorry for the wait.${when(HAS_ETA, ` The latest estimate is ${ETA}.`, ` ${CAR} hasn't given a new delivery date yet.`)}`,
          `We're following it up with ${CAR} and will write to you as soon as we know more. There's nothing you need to do.`,
        ],
      },
      delay_trending: {
        subject: `Your order ${ON} may arrive a day later than promised`,
        lead: [
          `Parcels like yours have been taking a little longer than usual with ${CAR} lately, so ${pl("your package", "your packages")} may arrive a day later than we promised.${when(HAS_ETA, ` The latest estimate is ${ETA}.`)}`,
          "It is still on its way and we're keeping an eye on it. We wanted you to know early; there's nothing you need to do.",
        ],
      },
      delay_other: {
        subject: `Your order ${ON} is delayed`,
        lead: [
          `${pl("Your package is", "Your packages are")} taking longer than expected to arrive.${when(HAS_ETA, ` ${CAR} now expects to deliver on ${ETA}.`, ` ${CAR} hasn't shared a new delivery date yet.`)}`,
          "We're keeping an eye on it and will let you know as soon as it moves. Sorry for the wait!",
        ],
      },
      fulfillment_delayed: {
        subject: `Your order ${ON} is taking a little longer to ship`,
        lead: [
          `Your order ${ON} is taking a little longer to ship than we planned, and we're sorry for the wait.`,
          `As soon as it leaves us, you'll find its tracking number on the page below. There's nothing you need to do.`,
        ],
      },
      rule_message: {
        subject: `An update about your order ${ON}`,
        lead: [
          `Here's the latest on your order ${ON}: <strong>${STATUS}</strong>${when(HAS_REASON, ` (${REASON})`)}.`,
          "We'll keep you posted. You can check the tracking page at any time.",
        ],
      },
    },
    sms: {
      packed: `your order ${ON} is packed and will be handed to the carrier soon. We'll text you once it's scanned. Follow it here: ${URL}`,
      first_scan: `your order ${ON} is on its way${when(HAS_ETA, `, expected ${ETA}`)}. Track it: ${URL}`,
      out_for_delivery: `your order ${ON} is out for delivery and should arrive today. Track it: ${URL}`,
      delivered: `your order ${ON} was delivered${when(HAS_LOC, ` (${LOC})`)}. Can't find it? Check with neighbours, then write to ${SUP}. Details: ${URL}`,
      post_delivery: `did your order ${ON} arrive in good shape? If anything is missing or damaged, write to ${SUP} and we'll make it right. ${URL}`,
      delay_weather: `bad weather is delaying your order ${ON}.${when(HAS_ETA, ` New estimate: ${ETA}.`)} Nothing to do on your side. Track it: ${URL}`,
      delay_address: `the carrier can't deliver your order ${ON} because of a problem with the address. Please send your full address to ${SUP}. ${URL}`,
      delay_failed_attempt: `the carrier tried to deliver your order ${ON} but couldn't. They usually try again the next business day or leave a pickup notice. Details: ${URL}`,
      delay_held: `${when(CUSTOMS, `your order ${ON} is held at customs and will move on once cleared.`, `your order ${ON} is held at a carrier facility; we're keeping an eye on it.`)} Track it: ${URL}`,
      delay_lost: `we're sorry, your order ${ON} appears to be lost in transit. We're on it and will make it right with a replacement or refund. No action needed. ${URL}`,
      delay_returned: `the carrier is returning your order ${ON} to us. Write to ${SUP}: should we send it again (confirm your address) or refund you? ${URL}`,
      ready_for_pickup: `your order ${ON} is ready for pickup${when(HAS_PICKUP, ` at ${PICKUP}`)}. Bring your ID to collect it. Details: ${URL}`,
      delay_late: `your order ${ON} is running late: it's taking longer than we promised${when(HAS_ETA, `; latest estimate: ${ETA}`)}. We're following it up with the carrier. Track it: ${URL}`,
      delay_trending: `your order ${ON} may arrive a day later than promised${when(HAS_ETA, `; latest estimate: ${ETA}`)}. It's on its way and we're keeping an eye on it. Track it: ${URL}`,
      delay_other: `your order ${ON} is delayed${when(HAS_ETA, `; new estimate: ${ETA}`)}. We're keeping an eye on it. Track it: ${URL}`,
      fulfillment_delayed: `your order ${ON} is taking a little longer to ship than we planned. Its tracking number will be on this page as soon as it leaves us: ${URL}`,
      rule_message: `an update on your order ${ON}: ${STATUS}${when(HAS_REASON, ` (${REASON})`)}. Track it: ${URL}`,
    },
  },
};
