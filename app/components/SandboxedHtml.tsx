import { Box } from "@shopify/polaris";

/**
 * An HTML email as its recipient would see it, inside an iframe with every sandbox restriction on (`sandbox=""`):
 * no scripts, no forms, no same-origin access, no navigation of the admin. The HTML comes from templates a
 * merchant edits and from shipment data a carrier sent: it is never put into the admin's own page.
 */
export function SandboxedHtml({ html, title, height = 480 }: { html: string; title: string; height?: number }) {
  return (
    <Box borderWidth="025" borderColor="border" borderRadius="200" overflowX="hidden" overflowY="hidden" background="bg-surface">
      <iframe sandbox="" srcDoc={html} title={title} referrerPolicy="no-referrer" style={{ display: "block", width: "100%", height, border: 0, background: "#fff" }} />
    </Box>
  );
}
