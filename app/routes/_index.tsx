import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

/** Shopify opens the app at its root with ?shop=…; the admin lives under /app. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
};

export default function Landing() {
  return (
    <main style={{ fontFamily: "system-ui", maxWidth: 640, margin: "64px auto", lineHeight: 1.5 }}>
      <h1>Shipwatch</h1>
      <p>Shipment exceptions routed before the customer asks. Install Shipwatch from the Shopify admin to use it.</p>
    </main>
  );
}
