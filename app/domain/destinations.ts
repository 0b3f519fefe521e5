/**
 * Where the app may connect on a merchant's behalf (webhook, Slack and SMTP destinations): public addresses only.
 * Pure: it parses and classifies host names and addresses; resolving names and connecting is the adapters' part
 * (app/.server/adapters/channels/destination.ts), which checks every resolved address here again before dialling.
 *
 * Hosts are read the way the software that connects reads them, so no spelling slips past: IPv4 in every form
 * inet_aton(3) and the WHATWG URL parser accept (2130706433, 0x7f000001, 0177.0.0.1, 127.1), IPv6 with or without
 * brackets and zone, and IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4).
 */

export type AddressKind =
  | "public"
  | "loopback"
  | "unspecified"
  | "private"
  | "link_local"
  | "shared"
  | "metadata"
  | "multicast"
  | "reserved";

export type IpAddress = { family: 4; bytes: readonly number[] } | { family: 6; bytes: readonly number[] };

/** A host as written: an address in some spelling, a domain name, or neither. */
export type ParsedHost = { kind: "ip"; ip: IpAddress } | { kind: "name"; name: string } | { kind: "invalid" };

/** Why a kind of address is refused, in words for the merchant. */
export const ADDRESS_KIND_WORDS: Record<Exclude<AddressKind, "public">, string> = {
  loopback: "is this server itself (loopback)",
  unspecified: "is the unspecified address, which reaches this server",
  private: "is on a private network",
  link_local: "is a link-local address",
  shared: "is in the carrier-grade NAT range",
  metadata: "is a cloud metadata service",
  multicast: "is a multicast address",
  reserved: "is a reserved address",
};

// ---- parsing

/**
 * IPv4 as inet_aton(3) and the WHATWG URL parser read it: one to four parts, each decimal, octal (leading 0) or
 * hex (0x); the last part fills the remaining bytes. "name" when it is not written as a number at all, "invalid"
 * when it ends in a number that is no address (WHATWG refuses such a host).
 */
function parseIpv4(host: string): { ok: true; bytes: number[] } | { ok: false; kind: "name" | "invalid" } {
  const parts = host.split(".");
  // one trailing dot is allowed, as in a fully qualified name
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop();
  const numbers = parts.map(parseIpv4Part);
  const last = numbers[numbers.length - 1];
  if (last === undefined || last === null) return { ok: false, kind: /^\d+$/.test(parts[parts.length - 1] ?? "") ? "invalid" : "name" };
  if (parts.length > 4 || numbers.some((n) => n === null || Number.isNaN(n))) return { ok: false, kind: "invalid" };
  const values = numbers as number[];
  const head = values.slice(0, -1);
  if (head.some((n) => n > 255)) return { ok: false, kind: "invalid" };
  const tailBytes = 5 - values.length;
  if (last >= 256 ** tailBytes) return { ok: false, kind: "invalid" };
  const bytes = [...head];
  for (let i = tailBytes - 1; i >= 0; i--) bytes.push(Math.floor(last / 256 ** i) % 256);
  return { ok: true, bytes };
}

/** One IPv4 part as a number; null when it is not a number; NaN when it looks like one but is malformed (08). */
function parseIpv4Part(part: string): number | null {
  if (part === "") return Number.NaN;
  if (/^0[xX][0-9a-fA-F]*$/.test(part)) return bigNumber(part.slice(2) || "0", 16);
  if (/^0[0-7]+$/.test(part)) return bigNumber(part.slice(1), 8);
  if (/^0\d+$/.test(part)) return Number.NaN;
  if (/^\d+$/.test(part)) return bigNumber(part, 10);
  return null;
}

/** Parses digits without losing precision: anything beyond 2^32 is simply too big to be an address part. */
function bigNumber(digits: string, radix: number): number {
  const value = BigInt(radix === 16 ? `0x${digits}` : radix === 8 ? `0o${digits}` : digits);
  return value > 0xffffffffn ? Number.POSITIVE_INFINITY : Number(value);
}

/** IPv6 text (brackets and a %zone allowed) as 16 bytes, or null. An IPv4 tail must be strict dotted decimal. */
function parseIpv6(text: string): number[] | null {
  let host = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = host.indexOf("%");
  if (zone !== -1) host = host.slice(0, zone);
  if (!host.includes(":") || !/^[0-9a-f:.]+$/.test(host)) return null;
  // an IPv4 tail ("::ffff:127.0.0.1") is two groups written another way
  const lastColon = host.lastIndexOf(":");
  const tail = host.slice(lastColon + 1);
  if (tail.includes(".")) {
    const dotted = tail.split(".");
    if (dotted.length !== 4 || dotted.some((p) => !/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255)) return null;
    const [a, b, c, d] = dotted.map(Number) as [number, number, number, number];
    host = `${host.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = host.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest].map((g) => parseInt(g, 16));
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** Reads a host (a URL's hostname, an SMTP host) the way a connecting client would. */
export function parseHost(input: string): ParsedHost {
  const host = input.trim().toLowerCase();
  if (host === "") return { kind: "invalid" };
  if (host.startsWith("[") || host.includes(":")) {
    const bytes = parseIpv6(host);
    return bytes ? { kind: "ip", ip: { family: 6, bytes } } : { kind: "invalid" };
  }
  const v4 = parseIpv4(host);
  if (v4.ok) return { kind: "ip", ip: { family: 4, bytes: v4.bytes } };
  if (v4.kind === "invalid") return { kind: "invalid" };
  const name = host.replace(/\.$/, "");
  // letters, digits, hyphens and underscores in dot-separated labels (IDNs arrive as punycode)
  if (!/^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/.test(name) || name.length > 253) return { kind: "invalid" };
  return { kind: "name", name };
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((ip.bytes[2 * i]! << 8) | ip.bytes[2 * i + 1]!).toString(16));
  // the longest run of zero groups (two or more) becomes "::"
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j += 1;
    if (j - i > best.length) best = { at: i, length: j - i };
    i = j;
  }
  if (best.length < 2) return groups.join(":");
  return `${groups.slice(0, best.at).join(":")}::${groups.slice(best.at + best.length).join(":")}`;
}

// ---- classification

const IPV4_METADATA = new Set(["169.254.169.254", "169.254.170.2", "169.254.169.123", "100.100.100.200", "168.63.129.16"]);

function classifyIpv4([a, b, c]: readonly number[], text: string): AddressKind {
  if (IPV4_METADATA.has(text)) return "metadata";
  if (a === 0) return "unspecified";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && (b! & 0xf0) === 16) || (a === 192 && b === 168)) return "private";
  if (a === 169 && b === 254) return "link_local";
  if (a === 100 && (b! & 0xc0) === 64) return "shared";
  if (a! >= 224 && a! <= 239) return "multicast";
  if (a! >= 240) return "reserved";
  // protocol assignments, documentation, the 6to4 relay and benchmarking ranges
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return "reserved";
  if (a === 192 && b === 88 && c === 99) return "reserved";
  if (a === 198 && (b! & 0xfe) === 18) return "reserved";
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return "reserved";
  return "public";
}

const startsWith = (bytes: readonly number[], prefix: readonly number[]) => prefix.every((v, i) => bytes[i] === v);
const zeros = (n: number) => Array<number>(n).fill(0);

function classifyIpv6(bytes: readonly number[]): AddressKind {
  const embedded = (at: number) => classifyAddress({ family: 4, bytes: bytes.slice(at, at + 4) });
  if (bytes.every((v) => v === 0)) return "unspecified";
  if (startsWith(bytes, [...zeros(15), 1])) return "loopback";
  // ::ffff:a.b.c.d reaches a.b.c.d on a dual-stack socket: it is what the IPv4 address is
  if (startsWith(bytes, [...zeros(10), 0xff, 0xff])) return embedded(12);
  // deprecated forms that carry an IPv4 address (compatible ::a.b.c.d, SIIT ::ffff:0:a.b.c.d): never public
  if (startsWith(bytes, zeros(12)) || startsWith(bytes, [...zeros(8), 0xff, 0xff, 0, 0])) return nonPublic(embedded(12));
  // NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds; the local-use prefix 64:ff9b:1::/48 is private
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, ...zeros(8)])) return embedded(12);
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 1])) return "private";
  // 6to4 (2002::/16) routes to the IPv4 address in bytes 2-5
  if (startsWith(bytes, [0x20, 0x02])) return embedded(2);
  if (formatIp({ family: 6, bytes }) === "fd00:ec2::254") return "metadata";
  if ((bytes[0]! & 0xfe) === 0xfc) return "private";
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0x80) return "link_local";
  if (bytes[0] === 0xfe && (bytes[1]! & 0xc0) === 0xc0) return "private";
  if (bytes[0] === 0xff) return "multicast";
  // only global unicast (2000::/3) is public, less Teredo and the protocol, documentation and 6bone ranges
  if ((bytes[0]! & 0xe0) !== 0x20) return "reserved";
  if (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2]! < 0x02) return "reserved";
  if (startsWith(bytes, [0x20, 0x01, 0x0d, 0xb8])) return "reserved";
  if (bytes[0] === 0x3f && (bytes[1] === 0xfe || (bytes[1]! & 0xf0) === 0xf0)) return "reserved";
  return "public";
}

function nonPublic(kind: AddressKind): AddressKind {
  return kind === "public" ? "reserved" : kind;
}

/** What an address is: only "public" may be connected to on a merchant's behalf. */
export function classifyAddress(address: IpAddress | string): AddressKind {
  let ip: IpAddress;
  if (typeof address === "string") {
    const parsed = parseHost(address);
    if (parsed.kind !== "ip") return "reserved";
    ip = parsed.ip;
  } else {
    ip = address;
  }
  return ip.family === 4 ? classifyIpv4(ip.bytes, formatIp(ip)) : classifyIpv6(ip.bytes);
}

export function isPublicAddress(address: IpAddress | string): boolean {
  return classifyAddress(address) === "public";
}

// ---- names

/** Names that never leave this machine or its network, whatever a resolver says. */
const LOCAL_SUFFIXES = ["localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp", "home.arpa"];

/** Why a host name is not a public one, in words; null for an ordinary domain name. */
export function localNameProblem(name: string): string | null {
  if (name === "localhost" || name.endsWith(".localhost")) return `${name} ${ADDRESS_KIND_WORDS.loopback}`;
  if (!name.includes(".")) return `${name} is not a full domain name`;
  if (LOCAL_SUFFIXES.some((s) => name.endsWith(`.${s}`))) return `${name} is a local network name`;
  return null;
}

/**
 * A host as a destination: an address to dial as it is, a name to resolve (and check again), or the reason it
 * is refused. With `allowPrivate` (local stand-ins), only unreadable hosts are refused.
 */
export type HostCheck =
  | { ok: true; ip: IpAddress; name: null }
  | { ok: true; ip: null; name: string }
  | { ok: false; problem: string; kind: "address" | "name" };

export function checkHost(host: string, options: { allowPrivate: boolean }): HostCheck {
  const parsed = parseHost(host);
  if (parsed.kind === "invalid") return { ok: false, kind: "name", problem: `${JSON.stringify(host)} is not a valid host` };
  if (parsed.kind === "ip") {
    const kind = classifyAddress(parsed.ip);
    if (kind !== "public" && !options.allowPrivate) {
      const shown = formatIp(parsed.ip);
      const written = host.replace(/^\[|\]$/g, "").toLowerCase();
      return { ok: false, kind: "address", problem: `${written === shown ? shown : `${written} (${shown})`} ${ADDRESS_KIND_WORDS[kind]}` };
    }
    return { ok: true, ip: parsed.ip, name: null };
  }
  const problem = options.allowPrivate ? null : localNameProblem(parsed.name);
  return problem ? { ok: false, kind: "name", problem } : { ok: true, ip: null, name: parsed.name };
}

// ---- destination URLs, as the merchant enters them

export type DestinationKind = "https" | "smtp";

/**
 * The problem with a destination URL the app would connect to, for the settings form; null when it may be saved.
 * `https`: webhook and Slack URLs (plain http only with `allowPrivate`, for local stand-ins). `smtp`: an SMTP URL
 * without options (a query would set client options such as the host or a proxy behind the host shown).
 * Names are checked again after resolution at send time; this refuses what is refused whatever DNS says.
 */
export function destinationProblem(value: string, kind: DestinationKind, options: { allowPrivate: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return "enter a valid URL";
  }
  if (kind === "https") {
    if (url.protocol !== "https:" && !(options.allowPrivate && url.protocol === "http:")) return "must be https://";
  } else {
    if (url.protocol !== "smtp:" && url.protocol !== "smtps:") return "must be smtp://… or smtps://…";
    if (url.search || url.hash) return "must have no options after the host (remove everything from ?)";
  }
  const check = checkHost(url.hostname, options);
  if (check.ok) return null;
  return `must be a public ${check.kind === "address" ? "address" : "host name"}: ${check.problem}`;
}
