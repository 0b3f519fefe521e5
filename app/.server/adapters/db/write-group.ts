import { AsyncLocalStorage } from "node:async_hooks";
import type BetterSqlite3 from "better-sqlite3";

/**
 * Group commit for the jobs that ask for it (a delivery's processing), on SQLite.
 *
 * Each statement outside a transaction is its own commit, and on WAL most of a small write's cost is its
 * commit: every page it touches is written to the WAL again. A delivery's processing is about eight writes,
 * so committing them one by one cost more than a third of the worker's time (measured with `npm run bench --
 * pipeline`). Work run by `run` shares one open transaction with the other work run by it, committed when
 * anyone else writes (the queue's own bookkeeping, a web request, another job), when asked, and at the end of
 * the event loop's turn at the latest. A turn is what runs without waiting on I/O: with better-sqlite3 answering
 * synchronously, the jobs a queue's lanes have in hand (8 by default) usually finish in one.
 *
 * What it must never change:
 * - **Other writers are never swallowed.** A statement from outside `run` that writes commits the open group
 *   first and then runs on its own, exactly as without groups: what a web request was told is saved, or what a
 *   job recorded before it calls a provider, is committed when the statement returns. Reads from outside see
 *   the group's writes (the same connection), as they see a job's half-done writes without groups.
 * - **Work is recorded done only after its writes are committed.** The queue takes its finished jobs, waits
 *   for the group they wrote in to end (`settle`), and marks them done only if no group was lost meanwhile.
 *   SQLite rolls an open transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR), and a commit can
 *   fail: `losses` counts the groups lost either way, and their jobs run again (handlers are idempotent).
 * - **Kysely's transactions still are transactions.** Inside a group, Kysely's BEGIN, COMMIT and ROLLBACK become
 *   a savepoint, its release, and a rollback to it. Kysely holds its one SQLite connection for a whole
 *   transaction, so only one is ever open, and a group is never committed in the middle of one.
 *
 * Only work that is pure database work belongs in a group: work that calls a provider after writing must have
 * that write committed first, which it gets by running outside.
 *
 * The write lock is held while a group is open (BEGIN IMMEDIATE). Ending groups with the turn keeps it free
 * between turns, as it was between statements before: a process or thread writing the same file (the web thread
 * of `npm start` storing webhooks) gets its turn within its busy timeout's first retries, and is not starved by
 * a worker that would otherwise take the lock again the moment it let go.
 */
export interface WriteGroup {
  /** runs `work` so that its statements' writes share transactions */
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * commits the open group now, or, when a transaction of Kysely's is open inside it, as soon as that ends.
   * Never throws: a commit that fails (a full disk) rolls the group back and counts a loss.
   */
  commit(): void;
  /** resolves once the group open now (if any) has ended: committed, or lost */
  settle(): Promise<void>;
  /** how many groups were lost: rolled back by SQLite itself, or by a commit that failed */
  losses(): number;
  /** the statement to run for `source`: the connection's prepare goes through here (its statement cache is `prepare`) */
  prepare(source: string, prepare: (source: string) => BetterSqlite3.Statement): BetterSqlite3.Statement;
}

const SAVEPOINT = "shipwatch_group_tx";

function ranBy(run: () => void): BetterSqlite3.Statement {
  return {
    reader: false,
    run: () => {
      run();
      return { changes: 0, lastInsertRowid: 0 };
    },
  } as unknown as BetterSqlite3.Statement;
}

export function createWriteGroup(sqlite: BetterSqlite3.Database): WriteGroup {
  /** a member's store: how many groups had been lost when its work started */
  const members = new AsyncLocalStorage<{ since: number }>();
  let open = false;
  /** a transaction of Kysely's is open inside the group (a savepoint) */
  let nested = false;
  /** a commit was asked for while one was open: done when it ends */
  let commitWanted = false;
  let lost = 0;
  /** why the last group was lost */
  let cause = "";
  let timer: NodeJS.Immediate | null = null;
  /** resolved when the open group ends */
  let waiters: (() => void)[] = [];

  function ended() {
    stopTimer();
    const resolve = waiters;
    waiters = [];
    for (const r of resolve) r();
  }

  /** SQLite rolled the group back by itself (an error in one of its statements): count it and start afresh */
  function noticeLoss(why = "SQLite rolled the transaction back") {
    if (open && !sqlite.inTransaction) {
      cause = why;
      open = false;
      nested = false;
      commitWanted = false;
      lost += 1;
      ended();
    }
  }

  function stopTimer() {
    if (timer) clearImmediate(timer);
    timer = null;
  }

  function commit() {
    noticeLoss();
    if (!open) return;
    if (nested) {
      commitWanted = true;
      return;
    }
    open = false;
    commitWanted = false;
    try {
      sqlite.exec("COMMIT");
    } catch (error) {
      // the writes are gone either way (SQLite may keep the transaction open after a failed COMMIT): the jobs
      // that made them are not marked done, and run again
      cause = (error as Error).message;
      if (sqlite.inTransaction) {
        try {
          sqlite.exec("ROLLBACK");
        } catch {
          // already rolled back
        }
      }
      lost += 1;
    }
    ended();
  }

  /** the statement, with its failures watched: one that rolls the group back names the cause */
  const watchedOf = new WeakMap<BetterSqlite3.Statement, BetterSqlite3.Statement>();
  function watched(statement: BetterSqlite3.Statement): BetterSqlite3.Statement {
    let w = watchedOf.get(statement);
    if (!w) {
      const failed = (error: unknown) => {
        noticeLoss((error as Error).message);
        return error;
      };
      // Kysely's driver binds its parameters as one array
      w = {
        reader: statement.reader,
        readonly: statement.readonly,
        run(parameters: unknown) {
          try {
            return statement.run(parameters);
          } catch (error) {
            throw failed(error);
          }
        },
        all(parameters: unknown) {
          try {
            return statement.all(parameters);
          } catch (error) {
            throw failed(error);
          }
        },
        iterate: (parameters: unknown) => statement.iterate(parameters),
      } as unknown as BetterSqlite3.Statement;
      watchedOf.set(statement, w);
    }
    return w;
  }

  function openGroup() {
    sqlite.exec("BEGIN IMMEDIATE");
    open = true;
    timer = setImmediate(commit);
    timer.unref();
  }

  return {
    run: (work) => members.run({ since: lost }, work),
    commit,
    settle() {
      noticeLoss();
      if (!open) return Promise.resolve();
      const done = new Promise<void>((resolve) => waiters.push(resolve));
      commit();
      return done;
    },
    losses: () => lost,
    prepare(source, prepare) {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM); Kysely's
      // ROLLBACK then fails ("no transaction is active") and that error replaces the one that caused it, so a full
      // disk would be logged and recorded as a rollback problem. Already rolled back: nothing to do.
      if (source === "rollback" && !sqlite.inTransaction) return ranBy(() => undefined);
      noticeLoss();
      const store = members.getStore();
      const member = store !== undefined;
      // a group was lost since this work started: some of its writes may be gone, so it must not go on as if they
      // were there (a delivery marked processed without its order); it fails here, and runs again from the start
      if (store && store.since !== lost && source !== "rollback") {
        throw new Error(`this work's earlier writes were rolled back with the transaction they were in: ${cause}`);
      }
      if (source === "begin") {
        if (!member) {
          commit();
          return prepare(source);
        }
        if (!sqlite.inTransaction) openGroup();
        if (!open) return prepare(source);
        nested = true;
        return prepare(`savepoint ${SAVEPOINT}`);
      }
      if (nested && (source === "commit" || source === "rollback")) {
        nested = false;
        const end = source === "commit" ? `RELEASE ${SAVEPOINT}` : `ROLLBACK TO ${SAVEPOINT}; RELEASE ${SAVEPOINT}`;
        return ranBy(() => {
          sqlite.exec(end);
          if (commitWanted) commit();
        });
      }
      const statement = watched(prepare(source));
      if (member) {
        if (!open && !sqlite.inTransaction && !statement.readonly) openGroup();
      } else if (open && !statement.readonly) commit();
      return statement;
    },
  };
}
