import { maskRecipient } from "~/domain/notifications";
import type { OutboxFilter } from "../../ports";
import type { NotificationsDeps } from "./deps";
import { MAY_HAVE_REPEATED } from "./sender";

/** The Outbox as the merchant sees it: messages with their recipients masked, and parked ones sent again. */
export function createOutboxDesk(deps: Pick<NotificationsDeps, "outbox" | "schedule" | "clock">) {
  const { outbox, clock } = deps;
  return {
    async outbox(shop: string, filter: OutboxFilter, page: { limit: number; offset: number }) {
      const [{ rows, total }, counts, mayHaveRepeated] = await Promise.all([outbox.list(shop, filter, page), outbox.countByStatus(shop), outbox.countWithReason(shop, MAY_HAVE_REPEATED)]);
      // sends cut off in flight that went again with no way to ask the provider: the merchant should know
      return { rows: rows.map((r) => ({ ...r, recipient: maskRecipient(r.recipient) })), total, counts, mayHaveRepeated };
    },
    async message(shop: string, id: number) {
      const row = await outbox.get(shop, id);
      return row ? { ...row, recipient: maskRecipient(row.recipient) } : null;
    },
    /** parked messages go again with a fresh attempt budget; a sent message is never sent twice */
    async replay(shop: string, ids: readonly number[] | null) {
      const reopened = await outbox.reopenFailed(shop, ids, clock.now());
      for (const r of reopened) await deps.schedule(shop, r.id, r.sendAt);
      return reopened.length;
    },
  };
}
