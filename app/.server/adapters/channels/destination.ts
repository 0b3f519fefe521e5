import { promises as dnsPromises } from "node:dns";
import net from "node:net";
import { checkHost, classifyAddress, formatIp, parseHost, ADDRESS_KIND_WORDS } from "~/domain/destinations";

/**
 * Merchant-supplied destinations (webhook and Slack URLs, a shop's own SMTP server) at send time: the host is
 * resolved once, every address it resolves to is checked, and the connection is dialled to the checked address
 * itself. Nothing resolves the name again between the check and the connection, so a DNS answer that changes
 * (rebinding) cannot move it onto this machine or its network. TLS still verifies the certificate against the name.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a name resolves to (the production one: the system resolver, as any client on this host). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface DialTarget {
  /** the checked address: the only place the connection may go */
  address: string;
  family: 4 | 6;
  port: number;
  /** the name the merchant wrote (TLS server name), or the address itself when an address was written */
  hostname: string;
  timeoutMs: number;
}

/** Opens a TCP connection to a checked address and settles once it is connected. */
export type Dialer = (target: DialTarget) => Promise<net.Socket>;

export interface DestinationPolicy {
  /** SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: local stand-ins (tests, the demo) may be reached; never in production */
  allowPrivate: boolean;
  resolve?: Resolver;
  dial?: Dialer;
}

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dnsPromises.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export const tcpDialer: Dialer = (target) =>
  new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.address, port: target.port, family: target.family });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(Object.assign(new Error(`no connection within ${target.timeoutMs} ms`), { code: "ETIMEDOUT" }));
    }, target.timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

export type PinOutcome =
  | { ok: true; target: DialTarget }
  /** refused: permanent, and said before any connection, so it tells nothing about what listens there */
  | { ok: false; retryable: boolean; reason: string };

/**
 * Resolves and checks a destination host; on success the target to dial. A name is refused when any of its
 * addresses is not public (a name that answers with both would otherwise reach the private one some of the time).
 */
export async function pinDestination(hostname: string, port: number, policy: DestinationPolicy, timeoutMs: number): Promise<PinOutcome> {
  const host = checkHost(hostname, { allowPrivate: policy.allowPrivate });
  if (!host.ok) return { ok: false, retryable: false, reason: host.problem };
  if (host.ip) {
    // an address in any spelling is named in its usual one (for TLS, which never sends an address as SNI)
    const address = formatIp(host.ip);
    return { ok: true, target: { address, family: host.ip.family, port, hostname: address, timeoutMs } };
  }
  let answers: ResolvedAddress[];
  try {
    answers = await withTimeout((policy.resolve ?? systemResolver)(host.name), timeoutMs);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const missing = code === "ENOTFOUND" || code === "ENODATA";
    return { ok: false, retryable: true, reason: missing ? `${host.name} could not be found (DNS)` : `${host.name} could not be resolved (DNS)` };
  }
  const parsed = answers.map((a) => parseHost(a.address)).flatMap((p) => (p.kind === "ip" ? [p.ip] : []));
  if (parsed.length === 0) return { ok: false, retryable: true, reason: `${host.name} has no address (DNS)` };
  if (!policy.allowPrivate) {
    for (const ip of parsed) {
      const kind = classifyAddress(ip);
      // the address itself is not shown: a name only this network resolves must not map the network for anyone
      if (kind !== "public") return { ok: false, retryable: false, reason: `${host.name} resolves to an address that ${ADDRESS_KIND_WORDS[kind]}` };
    }
  }
  const chosen = parsed[0]!;
  return { ok: true, target: { address: formatIp(chosen), family: chosen.family, port, hostname: host.name, timeoutMs } };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error("DNS timed out"), { code: "ETIMEOUT" })), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * A connection failure in words. Only ever said about an address that passed the check (a refused destination is
 * refused before connecting), and never with the raw text of whatever answered.
 */
export function connectionErrorWords(error: unknown): string {
  const code = errorCode(error);
  if (!code) return "the connection failed";
  const words: Record<string, string> = {
    ECONNREFUSED: "the server refused the connection",
    ECONNRESET: "the connection was closed before an answer",
    EPIPE: "the connection was closed before an answer",
    UND_ERR_SOCKET: "the connection was closed before an answer",
    EHOSTUNREACH: "the server cannot be reached",
    ENETUNREACH: "the server cannot be reached",
    ETIMEDOUT: "the server did not accept the connection in time",
    ENOTFOUND: "the host name could not be found",
    EAI_AGAIN: "the host name could not be resolved",
    ERR_TLS_CERT_ALTNAME_INVALID: "its TLS certificate is not for this host name",
    CERT_HAS_EXPIRED: "its TLS certificate has expired",
    DEPTH_ZERO_SELF_SIGNED_CERT: "its TLS certificate is self-signed",
    SELF_SIGNED_CERT_IN_CHAIN: "its TLS certificate is not from a trusted authority",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its TLS certificate is not from a trusted authority",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "its TLS certificate is not from a trusted authority",
  };
  if (words[code]) return `${words[code]} (${code})`;
  if (code.startsWith("HPE_")) return "the server did not answer in HTTP";
  if (code.startsWith("ERR_SSL_") || code === "EPROTO" || code.startsWith("ERR_TLS_")) return "a secure (TLS) connection could not be made";
  return `the connection failed (${code})`;
}

function errorCode(error: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return null;
}
