import type { LoaderFunctionArgs } from "@remix-run/node";
import { csvFileName, dashboardCsv } from "~/components/dashboard/csv";
import { parseScorecardRange } from "~/domain/scorecard";

/**
 * Home's Export: the daily series and the on-time and transit table for the range in the URL, as CSV. A range that
 * cannot be read is a 400 with the reason, in words, and nothing else.
 */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { session } = await context.shipwatch.shopify.authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const range = parseScorecardRange(params.get("from") ?? "", params.get("to") ?? "");
  if (!range.ok) return new Response(`${range.error}\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const dashboard = await context.shipwatch.services.scorecard.dashboard(session.shop, range.range);
  return new Response(dashboardCsv(dashboard), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${csvFileName(range.range.from, range.range.to)}"`,
      "cache-control": "private, no-store",
    },
  });
};
