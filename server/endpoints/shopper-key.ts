import { isIP } from "node:net";

/**
 * Who a storefront lookup comes from, for the per-shopper limits — from what Shopify vouches for, never from
 * what the shopper says.
 *
 * Trust boundary. A lookup reaches us through Shopify's app proxy. Shopify signs the query string (`shop`,
 * `timestamp`, `logged_in_customer_id`, the shopper's own parameters), not the headers. The browser writes any
 * header it likes, X-Forwarded-For included, and the proxy passes it on, appending the address it saw the
 * request come from. So in X-Forwarded-For only the right-most entry was written by someone we trust (the proxy
 * directly in front of us); every entry to its left may be made up, and reading one of them would let a shopper
 * pick a new identity per request. When proxies of our own (a load balancer, an ingress) sit between Shopify
 * and the app, each appends one more entry: `trustedProxies` says how many to skip from the right.
 *
 * A signed `logged_in_customer_id` names the shopper better than any address, so a logged-in customer is keyed
 * on it whatever address the lookups come from. An IPv6 address is keyed by its /64: a single host is usually
 * handed a whole /64 and can rotate within it at will.
 */
export function shopperKey(
  shop: string,
  params: URLSearchParams,
  forwardedFor: string | string[] | undefined,
  peerAddress: string | undefined,
  trustedProxies = 0,
): string {
  const customer = params.get("logged_in_customer_id")?.trim() ?? "";
  if (/^\d{1,20}$/.test(customer)) return `${shop}|customer:${customer}`;
  return `${shop}|ip:${addressKey(appendedByShopify(forwardedFor, trustedProxies) ?? peerAddress ?? "unknown")}`;
}

/** The X-Forwarded-For entry Shopify's proxy appended: right-most, after skipping our own proxies' entries. */
function appendedByShopify(forwardedFor: string | string[] | undefined, trustedProxies: number): string | null {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const entries = header
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries[entries.length - 1 - trustedProxies] ?? null;
}

/** One key per address a shopper cannot cheaply change: IPv4 as it is, IPv6 by its /64. */
function addressKey(raw: string): string {
  const address = bareAddress(raw);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  if (isIP(address) === 6) return `${ipv6Groups(address).slice(0, 4).join(":")}::/64`;
  // IPv4, or something a proxy of ours wrote that is no address: keyed as written, bounded
  return address.toLowerCase().slice(0, 64);
}

/** Strips what some proxies add around an address: `[v6]:port`, `v4:port`, a zone id. */
function bareAddress(raw: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(raw);
  if (bracketed) return bracketed[1]!.replace(/%.*$/, "");
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(raw);
  if (v4WithPort) return v4WithPort[1]!;
  return raw.replace(/%.*$/, "");
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(address: string): string[] {
  const toGroups = (part: string) => {
    if (!part) return [];
    const groups = part.split(":");
    const last = groups[groups.length - 1]!;
    // an embedded IPv4 tail (64:ff9b::192.0.2.1) stands for two groups
    if (last.includes(".")) {
      const [a, b, c, d] = last.split(".").map(Number) as [number, number, number, number];
      groups.splice(-1, 1, ((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
    }
    return groups;
  };
  const [head = "", tail] = address.split("::");
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  const zeros = Array<string>(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}
