/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import { readAnswer, shipmentsUrl, storyOf, type ShipmentsAnswer, type StoryI18n } from "./story";
import { StoryView } from "./StoryView";

/** What the extension needs from Shopify's host (the `shopify` global of the order status targets). */
export interface Host {
  order: { value?: { id: string } | undefined };
  sessionToken: { get(): Promise<string> };
  i18n: StoryI18n;
}

/**
 * The app's URL, put in at build time: Shopify CLI hands its environment to the extension build (`APP_URL` is
 * the tunnel during `shopify app dev`; set it to the app's URL for `shopify app deploy`).
 */
export function appUrl(): string {
  try {
    return process.env.APP_URL ?? "";
  } catch {
    // not replaced at build time: there is no `process` in the extension's sandbox
    return "";
  }
}

/**
 * Loads the order's parcels (or one fulfillment's) from the app with the customer's session token and tells
 * their story. An order the app does not know (placed before it was installed) shows nothing.
 */
export function Tracking({ host, fulfillmentId, withHeading }: { host: Host; fulfillmentId?: string; withHeading: boolean }) {
  const orderId = host.order.value?.id;
  const [answer, setAnswer] = useState<ShipmentsAnswer | null>(null);
  const { translate } = host.i18n;

  useEffect(() => {
    if (!orderId || !appUrl()) return setAnswer({ kind: "failed", status: 0 });
    let current = true;
    (async () => {
      try {
        const token = await host.sessionToken.get();
        const response = await fetch(shipmentsUrl(appUrl(), orderId, fulfillmentId), { headers: { Authorization: `Bearer ${token}` } });
        const read = await readAnswer(response);
        if (current) setAnswer(read);
      } catch {
        if (current) setAnswer({ kind: "failed", status: 0 });
      }
    })();
    return () => {
      current = false;
    };
  }, [orderId, fulfillmentId]);

  const body = (() => {
    if (answer === null) return <s-skeleton-paragraph />;
    if (answer.kind === "not_found") return null;
    if (answer.kind === "failed") return <s-text color="subdued">{translate("failed")}</s-text>;
    if (answer.shipments.length === 0) return withHeading ? <s-text color="subdued">{translate("none")}</s-text> : null;
    const total = answer.shipments.length;
    return (
      <s-stack direction="block" gap="base">
        {answer.shipments.map((shipment, i) => {
          const story = storyOf(shipment, i, total, host.i18n);
          return (
            <s-stack key={story.key} direction="block" gap="base">
              {i > 0 && <s-divider />}
              <StoryView story={story} />
            </s-stack>
          );
        })}
      </s-stack>
    );
  })();

  if (body === null) return null;
  return withHeading ? <s-section heading={translate("title")}>{body}</s-section> : body;
}
