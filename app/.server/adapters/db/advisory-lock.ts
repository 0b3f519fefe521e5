import pg from "pg";

/**
 * One key at a time across processes, on PostgreSQL: a session advisory lock (pg_advisory_lock on the key's
 * 64-bit hash) held on a connection of a small pool of its own while the work runs on the app's pool. Several
 * `npm run worker` processes work one order's deliveries at once; without it two of them interleave the
 * read-recompute-write of its shipments and the later write carries the earlier read (a scan lost from the
 * shipment's status). A pool of its own: a job holds one lock connection and needs app connections, so the two
 * never wait on each other. Another process's lock is waited for in PostgreSQL; a process that dies, or a
 * connection the server drops, lets its locks go (the work then fails or finishes on its own; handlers are
 * idempotent and the next one recomputes from everything known). Two keys sharing a hash only wait for each other.
 */
export function createAdvisoryLock(url: string, options: { connections: number }) {
  const pool = new pg.Pool({ connectionString: url, max: Math.max(1, options.connections) });
  // a lock connection the server drops, idle or held: its query fails on its own (see database.ts)
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  async function lock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("SELECT pg_advisory_lock(hashtextextended($1, 0))", [key]);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    try {
      return await work();
    } finally {
      try {
        await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [key]);
      } catch (error) {
        // the connection is gone, and its lock with it: the pool discards the connection
        broken = error as Error;
      }
      client.release(broken);
    }
  }
  // closing twice (a process's shutdown and its container's) ends the pool once, as the database's own close does
  let closed: Promise<void> | null = null;
  return {
    lock,
    close: () => (closed ??= pool.end()),
  };
}
