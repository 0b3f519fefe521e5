/**
 * A read remembered until the event loop's current turn ends, for settings every delivery asks about (is the shop
 * installed, has it redacted anyone, which carriers does it use).
 *
 * On SQLite the worker's jobs answer synchronously, so the deliveries a queue's lanes have in hand are worked in
 * one turn of the event loop (the write group commits at its end: write-group.ts), and each used to read the same
 * shop row again: about a third of a delivery's statements (`npm run bench -- pipeline`). An answer kept for the
 * rest of the turn is no older than one read a few milliseconds earlier would have been, which is what any read
 * followed by a write already is. This process's own writes to the setting forget it at once (`forget`), so work
 * later in the same turn sees them, as it did before. On PostgreSQL every answer comes in a turn of its own, and
 * the memo is mostly empty: nothing changes there.
 */
export function memoForTurn<V>(load: (shop: string) => Promise<V>) {
  const answers = new Map<string, Promise<V>>();
  let clearing = false;
  return {
    get(shop: string): Promise<V> {
      let answer = answers.get(shop);
      if (answer) return answer;
      answer = load(shop);
      answers.set(shop, answer);
      // a failed read is not remembered: the next asks again
      answer.catch(() => {
        if (answers.get(shop) === answer) answers.delete(shop);
      });
      if (!clearing) {
        clearing = true;
        setImmediate(() => {
          answers.clear();
          clearing = false;
        }).unref();
      }
      return answer;
    },
    /** this process changed the setting: the next read asks the database */
    forget(shop: string) {
      answers.delete(shop);
    },
    /** `write` changes the setting: once it is done, or has failed part-way, the next read asks the database */
    async forgetAfter<T>(shop: string, write: Promise<T>): Promise<T> {
      try {
        return await write;
      } finally {
        answers.delete(shop);
      }
    },
  };
}
