import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { callProvider, failureFromResponse } from "~/.server/adapters/channels/http";
import { createChannelGateway, systemResolver, type ClosableChannelGateway, type Dialer, type Resolver } from "~/.server/adapters/channels";
import type { ChannelCredentials, OutgoingMessage, SendOutcome } from "~/.server/ports";
import { classifyAddress, destinationProblem, formatIp, parseHost, type AddressKind } from "~/domain/destinations";
import type { Channel } from "~/domain/notifications";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import {
  closedPort,
  recordingDialer,
  scriptedResolver,
  startHttpStandIn,
  startSniRecorder,
  startTrap,
  TRAP_BANNER,
  type HttpStandIn,
  type Trap,
} from "../support/network-stand-ins";

/**
 * The SSRF table: every way of writing a destination that lands on this machine or its network, refused when the
 * channel is saved and again when it is called (after DNS, pinned to the checked address), redirects included.
 * Runs WITHOUT SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS, except where a loopback stand-in must answer a first hop.
 * Nothing connects beyond 127.0.0.1: "public" addresses are only named by a scripted resolver, and the recording
 * dialer connects to a loopback stand-in in their place.
 */

// A few public addresses, only ever named: the dialer below never connects to them.
const PUBLIC_V4 = "93.184.216.34";
const PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946";

/** host as written → what it is. Each IPv4 spelling is one that inet_aton or the WHATWG URL parser accepts. */
const NON_PUBLIC: [string, AddressKind][] = [
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["2130706433", "loopback"],
  ["0x7f000001", "loopback"],
  ["0X7F.0.0.1", "loopback"],
  ["0177.0.0.1", "loopback"],
  ["017700000001", "loopback"],
  ["127.1", "loopback"],
  ["127.0.1", "loopback"],
  ["0x7f.1", "loopback"],
  ["127.0.0.1.", "loopback"],
  ["0.0.0.0", "unspecified"],
  ["0", "unspecified"],
  ["10.0.0.7", "private"],
  ["10.1", "private"],
  ["167772161", "private"],
  ["172.16.5.4", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.20", "private"],
  ["0xc0a80114", "private"],
  ["169.254.1.1", "link_local"],
  ["169.254.169.254", "metadata"],
  ["2852039166", "metadata"],
  ["0xa9.0xfe.0xa9.0xfe", "metadata"],
  ["169.254.170.2", "metadata"],
  ["100.100.100.200", "metadata"],
  ["100.64.0.1", "shared"],
  ["224.0.0.1", "multicast"],
  ["255.255.255.255", "reserved"],
  ["192.0.2.10", "reserved"],
  ["198.18.0.1", "reserved"],
  ["[::1]", "loopback"],
  ["[0:0:0:0:0:0:0:1]", "loopback"],
  ["[::]", "unspecified"],
  ["[::ffff:127.0.0.1]", "loopback"],
  ["[::ffff:7f00:1]", "loopback"],
  ["[::ffff:169.254.169.254]", "metadata"],
  ["[::ffff:10.0.0.1]", "private"],
  ["[::127.0.0.1]", "loopback"],
  ["[::ffff:0:127.0.0.1]", "loopback"],
  ["[64:ff9b::127.0.0.1]", "loopback"],
  ["[64:ff9b::a9fe:a9fe]", "metadata"],
  ["[64:ff9b:1::1]", "private"],
  ["[2002:7f00:1::1]", "loopback"],
  ["[2002:c0a8:0101::1]", "private"],
  ["[fe80::1]", "link_local"],
  ["[fc00::1]", "private"],
  ["[fd12:3456:789a::1]", "private"],
  ["[fd00:ec2::254]", "metadata"],
  ["[fec0::1]", "private"],
  ["[ff02::1]", "multicast"],
  ["[2001:db8::1]", "reserved"],
  ["[2001::1]", "reserved"],
  ["[100::1]", "reserved"],
];

const PUBLIC: string[] = [PUBLIC_V4, "8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1", `[${PUBLIC_V6}]`, "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]", "[64:ff9b::808:808]", "[2002:808:808::1]"];

/** Names refused whatever a resolver says about them. */
const LOCAL_NAMES = ["localhost", "LOCALHOST", "localhost.", "api.localhost", "redis", "metadata", "metadata.google.internal", "printer.local", "nas.home.arpa", "db.localdomain"];

describe("the address classifier", () => {
  it.each(NON_PUBLIC)("%s is %s", (host, kind) => {
    const parsed = parseHost(host);
    expect(parsed.kind).toBe("ip");
    if (parsed.kind === "ip") expect(classifyAddress(parsed.ip)).toBe(kind);
  });

  it.each(PUBLIC)("%s is public", (host) => {
    expect(classifyAddress(host)).toBe("public");
  });

  it("reads every IPv4 and IPv6 spelling as the WHATWG URL parser does (the parser Node's fetch and http use)", () => {
    for (const host of [...NON_PUBLIC.map(([h]) => h), ...PUBLIC]) {
      const parsed = parseHost(host);
      if (parsed.kind !== "ip") throw new Error(`${host} should read as an address`);
      const shown = formatIp(parsed.ip);
      expect(new URL(`http://${host}/`).hostname, host).toBe(parsed.ip.family === 6 ? `[${shown}]` : shown);
    }
  });

  it("refuses what is neither an address nor a name, as the URL parser does", () => {
    for (const host of ["1.2.3.256", "1.2.3.4.5", "08.0.0.1", "foo.123", "0x1g.0.0.1", "[::1::2]", "[1:2:3:4:5:6:7:8:9]", "exa mple.com", "a%2eb.com"]) {
      expect(parseHost(host).kind, host).toBe("invalid");
    }
  });

  it("the production resolver answers loopback for localhost, and each answer is refused (were the name rule gone, the address check would still hold)", async () => {
    const answers = await systemResolver("localhost");
    expect(answers.length).toBeGreaterThan(0);
    for (const a of answers) expect(classifyAddress(a.address)).toBe("loopback");
  });
});

describe("on save: every form is refused per field", () => {
  const hosts = [...NON_PUBLIC.map(([h]) => h), ...LOCAL_NAMES];

  it.each(hosts)("https://%s/ and smtp://%s:25", (host) => {
    expect(destinationProblem(`https://${host}/hook`, "https", { allowPrivate: false }), host).toMatch(/^must be a public (address|host name): /);
    expect(destinationProblem(`https://${host}:6379/`, "https", { allowPrivate: false }), host).toMatch(/^must be a public (address|host name): /);
    expect(destinationProblem(`smtps://user:pw@${host}:465`, "smtp", { allowPrivate: false }), host).toMatch(/^must be a public (address|host name): /);
  });

  it("says what the address is, in words", () => {
    expect(destinationProblem("https://2130706433/", "https", { allowPrivate: false })).toBe("must be a public address: 127.0.0.1 is this server itself (loopback)");
    expect(destinationProblem("smtp://0x7f000001:25", "smtp", { allowPrivate: false })).toBe("must be a public address: 0x7f000001 (127.0.0.1) is this server itself (loopback)");
    expect(destinationProblem("https://169.254.169.254/latest/meta-data/", "https", { allowPrivate: false })).toBe("must be a public address: 169.254.169.254 is a cloud metadata service");
    expect(destinationProblem("https://localhost:6379/", "https", { allowPrivate: false })).toBe("must be a public host name: localhost is this server itself (loopback)");
    expect(destinationProblem("https://10.0.0.7/", "https", { allowPrivate: false })).toBe("must be a public address: 10.0.0.7 is on a private network");
    // percent-encoded and full-width digits are decoded by the URL parser before the check
    expect(destinationProblem("https://%31%32%37.0.0.1/", "https", { allowPrivate: false })).toBe("must be a public address: 127.0.0.1 is this server itself (loopback)");
    expect(destinationProblem("https://\uff11\uff12\uff17.0.0.1/", "https", { allowPrivate: false })).toBe("must be a public address: 127.0.0.1 is this server itself (loopback)");
  });

  it("plain http and SMTP URL options are refused; public hosts pass; the allow setting lets local stand-ins through", () => {
    expect(destinationProblem("http://hooks.example.com/", "https", { allowPrivate: false })).toBe("must be https://");
    expect(destinationProblem("smtp://mail.example.com:587/?host=127.0.0.1", "smtp", { allowPrivate: false })).toMatch(/no options/);
    expect(destinationProblem("smtp://mail.example.com:587/?proxy=http://127.0.0.1:3128", "smtp", { allowPrivate: false })).toMatch(/no options/);
    for (const host of PUBLIC) expect(destinationProblem(`https://${host}/hook`, "https", { allowPrivate: false }), host).toBeNull();
    expect(destinationProblem("https://hooks.slack.com/services/T0/B0/x", "https", { allowPrivate: false })).toBeNull();
    expect(destinationProblem("smtps://u:p@smtp.example.com:465", "smtp", { allowPrivate: false })).toBeNull();
    expect(destinationProblem("http://127.0.0.1:4000/hooks/x", "https", { allowPrivate: true })).toBeNull();
    expect(destinationProblem("smtp://127.0.0.1:2525", "smtp", { allowPrivate: true })).toBeNull();
  });
});

// ---- at send time

const SHOP = "maple-and-moss.myshopify.com";
const SIGNING_SECRET = `whsec_${randomBytes(16).toString("hex")}`;

function message(channel: Channel): OutgoingMessage {
  return {
    shop: SHOP,
    channel,
    idempotencyKey: `${SHOP}:ssrf:${channel}:${randomBytes(4).toString("hex")}`,
    to: channel === "email" ? "maya.chen@example.com" : null,
    subject: channel === "email" ? "Your order #1001 is out for delivery" : null,
    text: "Order #1001 is out for delivery today.",
    html: null,
    event: { name: "Shipwatch: Out for delivery", moment: "out_for_delivery", occurredAt: Date.parse("2026-11-23T09:15:00Z"), profile: { email: null, phone: null }, properties: {} },
    shopify: null,
  };
}

const webhook = (url: string): ChannelCredentials => ({ settings: { url }, secret: { signingSecret: SIGNING_SECRET } });
const slack = (webhookUrl: string): ChannelCredentials => ({ settings: {}, secret: { webhookUrl } });
const email = (smtpUrl: string): ChannelCredentials => ({ settings: { from: "hello@maple-and-moss.example" }, secret: { smtpUrl } });

describe("at send time", () => {
  let trap: Trap;
  let smtp: SmtpCapture;
  let standIn: HttpStandIn;
  /** what the stand-in answers next */
  let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
  const gateways: ClosableChannelGateway[] = [];

  const gatewayWith = (options: { allowPrivate?: boolean; resolve?: Resolver; dial?: Dialer }) => {
    const gateway = createChannelGateway({
      email: {},
      timeoutMs: 2_000,
      // the fixed provider bases are not what is under test here
      twilioApiBase: "http://127.0.0.1:9",
      klaviyoApiBase: "http://127.0.0.1:9",
      shopifyApiVersion: "2026-07",
      allowPrivateDestinations: options.allowPrivate ?? false,
      resolve: options.resolve,
      dial: options.dial,
    });
    gateways.push(gateway);
    return gateway;
  };

  beforeAll(async () => {
    [trap, smtp, standIn] = await Promise.all([
      startTrap(),
      startSmtpCapture(),
      startHttpStandIn((_req, res) => {
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? "");
      }),
    ]);
  });
  afterEach(() => {
    answer = { status: 200 };
    trap.connections = 0;
    smtp.reset();
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all([trap.close(), smtp.close(), standIn.close()]);
  });

  /** a gateway whose every dial and resolution is recorded: a refusal must come before both */
  function watched(script: Record<string, string[][]> = {}) {
    const resolver = scriptedResolver(script);
    const dialer = recordingDialer(() => trap.port);
    return { gateway: gatewayWith({ resolve: resolver.resolve, dial: dialer.dial }), resolver, dialer };
  }

  function expectRefused(outcome: SendOutcome, prefix: RegExp) {
    expect(outcome).toMatchObject({ ok: false, retryable: false, status: null });
    if (!outcome.ok) {
      expect(outcome.error).toMatch(prefix);
      expect(outcome.error).toMatch(/refused before connecting: .*; only public addresses are called$/);
      expect(outcome.error).not.toContain(TRAP_BANNER);
    }
  }

  it.each(NON_PUBLIC.map(([host]) => host))("%s is refused before any lookup or connection: webhook, Slack and SMTP", async (host) => {
    const { gateway, resolver, dialer } = watched();
    expectRefused(await gateway.send(message("webhook"), webhook(`https://${host}:${trap.port}/hook`)), /^Webhook /);
    expectRefused(await gateway.send(message("slack"), slack(`https://${host}:${trap.port}/services/T0/B0/x`)), /^Slack: /);
    expectRefused(await gateway.send(message("email"), email(`smtp://user:pw@${host}:${trap.port}`)), /^SMTP: /);
    expect(resolver.calls).toEqual([]);
    expect(dialer.targets).toEqual([]);
    expect(trap.connections).toBe(0);
  });

  it.each(LOCAL_NAMES)("the name %s is refused before it is even resolved", async (name) => {
    const { gateway, resolver, dialer } = watched();
    expectRefused(await gateway.send(message("webhook"), webhook(`https://${name}:${trap.port}/hook`)), /^Webhook /);
    expectRefused(await gateway.send(message("email"), email(`smtp://${name}:${trap.port}`)), /^SMTP: /);
    expect(resolver.calls).toEqual([]);
    expect(dialer.targets).toEqual([]);
  });

  it("a public name that resolves to loopback, private or metadata addresses (or to one of them among public ones) is refused after DNS, before connecting", async () => {
    const script: Record<string, string[][]> = {
      "hooks.loopback.example": [["127.0.0.1"]],
      "hooks.loopback6.example": [["::1"]],
      "hooks.mapped.example": [["::ffff:127.0.0.1"]],
      "hooks.private.example": [["10.0.0.5"]],
      "hooks.metadata.example": [["169.254.169.254"]],
      "hooks.mixed.example": [[PUBLIC_V4, "127.0.0.1"]],
      "hooks.zero.example": [["0.0.0.0"]],
    };
    const { gateway, resolver, dialer } = watched(script);
    for (const name of Object.keys(script)) {
      const outcome = await gateway.send(message("webhook"), webhook(`https://${name}:${trap.port}/hook`));
      expectRefused(outcome, /^Webhook /);
      // the address behind a name is not shown: a name only this network resolves would otherwise map it
      if (!outcome.ok) {
        expect(outcome.error).toMatch(new RegExp(`${name.replace(/\./g, "\\.")} resolves to an address that is`));
        expect(outcome.error).not.toMatch(/127\.0\.0\.1|10\.0\.0\.5|169\.254/);
      }
      expectRefused(await gateway.send(message("email"), email(`smtp://${name}:${trap.port}`)), /^SMTP: /);
    }
    expect(resolver.calls).toHaveLength(2 * Object.keys(script).length);
    expect(dialer.targets).toEqual([]);
    expect(trap.connections).toBe(0);
  });

  it("an open and a closed port are refused in the same words (nothing about what listens is learned)", async () => {
    const { gateway } = watched();
    const closed = await closedPort();
    for (const [open, shut] of [
      [webhook(`http://127.0.0.1:${trap.port}/`), webhook(`http://127.0.0.1:${closed}/`)],
      [email(`smtp://127.0.0.1:${trap.port}`), email(`smtp://127.0.0.1:${closed}`)],
    ] as const) {
      const a = await gateway.send(message(open.settings.url ? "webhook" : "email"), open);
      const b = await gateway.send(message(shut.settings.url ? "webhook" : "email"), shut);
      expect(!a.ok && a.error.replace(String(trap.port), "PORT")).toBe(!b.ok && b.error.replace(String(closed), "PORT"));
    }
    expect(trap.connections).toBe(0);
  });

  it("DNS rebinding: the connection goes to the address that was checked, and the name is resolved once per send", async () => {
    // first answer public, every later one loopback: a client that resolved again to connect would reach 127.0.0.1
    const resolver = scriptedResolver({ "hooks.rebind.example": [[PUBLIC_V4], ["127.0.0.1"]], "mail.rebind.example": [[PUBLIC_V6], ["::1"]] });
    let dialTo = standIn.port;
    const dialer = recordingDialer(() => dialTo);
    const destination = { allowPrivate: false, resolve: resolver.resolve, dial: dialer.dial };

    // the HTTP client the webhook and Slack channels use, on a plain-http URL so the stand-in can answer
    const request = { provider: "Webhook", url: "http://hooks.rebind.example:8080/hook", headers: { "Content-Type": "application/json" }, body: "{}", timeoutMs: 2_000, secrets: [], destination };
    const first = await callProvider(request);
    expect("response" in first && first.response.status).toBe(200);
    expect(resolver.calls).toEqual(["hooks.rebind.example"]);
    expect(dialer.targets.map((t) => [t.address, t.port, t.hostname])).toEqual([[PUBLIC_V4, 8080, "hooks.rebind.example"]]);
    // the virtual host is the name, as any client would send it
    expect(standIn.requests.at(-1)).toMatchObject({ method: "POST", path: "/hook", host: "hooks.rebind.example:8080" });
    // the next call resolves again and meets the loopback answer: refused, nothing dialled
    const second = await callProvider(request);
    expect("failure" in second && second.failure).toMatchObject({ retryable: false, error: expect.stringMatching(/^Webhook: refused before connecting: hooks\.rebind\.example resolves to an address that is this server itself/) as unknown });
    expect(dialer.targets).toHaveLength(1);

    // the same for a shop's SMTP server, through the email channel (nodemailer never resolves the name itself)
    dialTo = smtpPort();
    const gateway = gatewayWith(destination);
    const mailed = await gateway.send(message("email"), email("smtp://user:pw@mail.rebind.example:587"));
    expect(mailed.ok).toBe(true);
    await smtp.waitFor(1, 5_000);
    expect(dialer.targets.slice(1).map((t) => [t.address, t.port, t.hostname])).toEqual([[PUBLIC_V6, 587, "mail.rebind.example"]]);
    expectRefused(await gateway.send(message("email"), email("smtp://user:pw@mail.rebind.example:587")), /^SMTP: /);
    expect(dialer.targets).toHaveLength(2);
    expect(resolver.calls).toEqual(["hooks.rebind.example", "hooks.rebind.example", "mail.rebind.example", "mail.rebind.example"]);
  });

  it("DNS rebinding through the webhook channel over HTTPS: dialled at the checked address, the host named for TLS (SNI and the certificate check)", async () => {
    const sni = await startSniRecorder();
    try {
      const resolver = scriptedResolver({ "hooks.tls.example": [[PUBLIC_V4], ["127.0.0.1"]] });
      const dialer = recordingDialer(() => sni.port);
      const gateway = gatewayWith({ resolve: resolver.resolve, dial: dialer.dial });
      const first = await gateway.send(message("webhook"), webhook("https://hooks.tls.example/hook"));
      expect(dialer.targets.map((t) => [t.address, t.port])).toEqual([[PUBLIC_V4, 443]]);
      expect(sni.names).toEqual(["hooks.tls.example"]);
      // the stand-in has no certificate: a connection failure, in words
      expect(first).toMatchObject({ ok: false, retryable: true, status: null });
      if (!first.ok) expect(first.error).toMatch(/^Webhook https:\/\/hooks\.tls\.example: request failed: /);
      expectRefused(await gateway.send(message("webhook"), webhook("https://hooks.tls.example/hook")), /^Webhook /);
      expect(dialer.targets).toHaveLength(1);
    } finally {
      await sni.close();
    }
  });

  it("an SMTP URL's options cannot move the connection: ?host= and ?proxy= are refused, not obeyed", async () => {
    const { gateway, dialer } = watched({ "mail.example.com": [[PUBLIC_V4]] });
    for (const query of [`host=127.0.0.1&port=${trap.port}`, `proxy=http://127.0.0.1:${trap.port}`, "tls.rejectUnauthorized=false"]) {
      const outcome = await gateway.send(message("email"), email(`smtp://mail.example.com:25/?${query}`));
      expect(outcome).toMatchObject({ ok: false, retryable: false });
      if (!outcome.ok) expect(outcome.error).toMatch(/options after the host/);
    }
    expect(dialer.targets).toEqual([]);
    expect(trap.connections).toBe(0);
  });

  it("a redirect is reported and never followed: a loopback stand-in (allowed for this first hop) answering 302 to 127.0.0.1:6379", async () => {
    const gateway = gatewayWith({ allowPrivate: true });
    for (const status of [301, 302, 303, 307, 308]) {
      answer = { status, headers: { location: `http://127.0.0.1:${trap.port}/` } };
      const hook = await gateway.send(message("webhook"), webhook(`${standIn.url}/hooks/x`));
      expect(hook).toMatchObject({ ok: false, retryable: false, status });
      if (!hook.ok) expect(hook.error).toBe(`Webhook ${standIn.url} ${status}: redirected to http://127.0.0.1:${trap.port}; redirects are not followed: update the URL`);
      const posted = await gateway.send(message("slack"), slack(`${standIn.url}/services/T0/B0/secret-token-123456`));
      expect(posted).toMatchObject({ ok: false, retryable: false, status });
    }
    expect(trap.connections).toBe(0);
  });

  it("a redirect from a public endpoint to the metadata service is not followed either (one dial, to the checked address)", async () => {
    const resolver = scriptedResolver({ "hooks.public.example": [[PUBLIC_V4]] });
    const dialer = recordingDialer(() => standIn.port);
    answer = { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/iam/security-credentials/" } };
    const request = { provider: "Webhook", url: "http://hooks.public.example/hook", headers: {}, body: "{}", timeoutMs: 2_000, secrets: [], destination: { allowPrivate: false, resolve: resolver.resolve, dial: dialer.dial } };
    const result = await callProvider(request);
    if (!("response" in result)) throw new Error("the endpoint should have answered");
    const failure = failureFromResponse(request, result.response, Date.now());
    expect(failure).toMatchObject({ retryable: false, status: 302, error: "Webhook 302: redirected to http://169.254.169.254; redirects are not followed: update the URL" });
    expect(dialer.targets.map((t) => t.address)).toEqual([PUBLIC_V4]);
  });

  it("an endpoint's error is given in words: its JSON or one-line text error message, else the status; never a page or raw body of what answered", async () => {
    const gateway = gatewayWith({ allowPrivate: true });
    const internalPage = "<html><body><h1>Grafana</h1><p>admin token sk_live_internal_0123456789</p></body></html>";
    const said = async (reply: typeof answer, channel: "webhook" | "slack") => {
      answer = reply;
      const outcome = await gateway.send(message(channel), channel === "webhook" ? webhook(`${standIn.url}/hook`) : slack(`${standIn.url}/services/T0/B0/x`));
      return outcome.ok ? "" : outcome.error;
    };
    expect(await said({ status: 500, headers: { "content-type": "text/html" }, body: internalPage }, "webhook")).toBe(`Webhook ${standIn.url} 500: Internal Server Error`);
    expect(await said({ status: 403, body: "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin" }, "webhook")).toBe(`Webhook ${standIn.url} 403: Forbidden`);
    expect(await said({ status: 403, headers: { "content-type": "application/octet-stream" }, body: "internal-secret-value" }, "webhook")).toBe(`Webhook ${standIn.url} 403: Forbidden`);
    // one short line of text/plain is the receiver's own error message
    expect(await said({ status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, body: "invalid signature" }, "webhook")).toBe(`Webhook ${standIn.url} 400: invalid signature`);
    expect(await said({ status: 422, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: "signature did not verify" }) }, "webhook")).toBe(`Webhook ${standIn.url} 422: signature did not verify`);
    expect(await said({ status: 400, body: internalPage }, "slack")).toBe("Slack 400: Bad Request");
    expect(await said({ status: 404, body: "no_service" }, "slack")).toBe("Slack 404: no_service (the webhook was removed or disabled; reconnect Slack)");
  });

  it("with the allow setting (tests and the demo only), loopback stand-ins are reached", async () => {
    const gateway = gatewayWith({ allowPrivate: true });
    expect(await gateway.send(message("webhook"), webhook(`${standIn.url}/hooks/x`))).toEqual({ ok: true, providerId: null });
    expect((await gateway.send(message("email"), email(`smtp://127.0.0.1:${smtpPort()}`))).ok).toBe(true);
  });

  function smtpPort(): number {
    return Number(new URL(smtp.url).port);
  }
});
