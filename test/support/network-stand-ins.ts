import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import tls from "node:tls";
import { tcpDialer, type DialTarget, type Dialer, type ResolvedAddress, type Resolver } from "~/.server/adapters/channels";

/**
 * Loopback stand-ins for the SSRF tests. Nothing here ever connects beyond 127.0.0.1: "public" addresses are
 * only ever named by a scripted resolver, and the recording dialer notes the address it was asked for and
 * connects to a loopback stand-in in its place.
 */

/** A listener standing in for an internal service (Redis on 6379, say): it counts who connects, and talks first. */
export interface Trap {
  port: number;
  connections: number;
  close(): Promise<void>;
}

export const TRAP_BANNER = "-ERR internal-redis-banner";

export async function startTrap(): Promise<Trap> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    trap.connections += 1;
    sockets.add(socket);
    // what an internal service might say: it must never reach the merchant
    socket.end(`${TRAP_BANNER}\r\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const trap: Trap = {
    port: (server.address() as AddressInfo).port,
    connections: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return trap;
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface HttpStandIn {
  port: number;
  url: string;
  requests: { method: string; path: string; host: string | undefined }[];
  close(): Promise<void>;
}

/** An HTTP server on loopback answering with `handler`; every request's Host header is kept. */
export async function startHttpStandIn(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<HttpStandIn> {
  const requests: HttpStandIn["requests"] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", host: req.headers.host });
    req.resume();
    req.on("end", () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TLS listener without a certificate: it records the server name each client asks for, then hangs up. */
export async function startSniRecorder(): Promise<{ port: number; names: string[]; close(): Promise<void> }> {
  const names: string[] = [];
  const server = tls.createServer({
    SNICallback: (name, callback) => {
      names.push(name);
      callback(new Error("no certificate here"));
    },
  });
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    names,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Answers each name from a script, one answer per call (the last one repeats); every call is recorded. */
export function scriptedResolver(script: Record<string, string[][]>): { resolve: Resolver; calls: string[] } {
  const calls: string[] = [];
  const used = new Map<string, number>();
  const resolve: Resolver = async (hostname) => {
    calls.push(hostname);
    const answers = script[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    const n = used.get(hostname) ?? 0;
    used.set(hostname, n + 1);
    const answer = answers[Math.min(n, answers.length - 1)]!;
    return answer.map((address): ResolvedAddress => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return { resolve, calls };
}

/**
 * Records the address the app asked to dial, and connects to a loopback stand-in instead (with the production
 * dialer), so a "public" destination is exercised end to end without leaving this machine.
 */
export function recordingDialer(standInPort: () => number): { dial: Dialer; targets: DialTarget[] } {
  const targets: DialTarget[] = [];
  const dial: Dialer = async (target) => {
    targets.push(target);
    return tcpDialer({ ...target, address: "127.0.0.1", family: 4, port: standInPort() });
  };
  return { dial, targets };
}
