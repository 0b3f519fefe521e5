import { hkdfSync } from "node:crypto";
import { z } from "zod";

/**
 * The only module that reads process.env. Everything is validated once at boot; a bad
 * configuration stops the process with one message that lists every problem.
 */
const booleanFlag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

function decodeKey(value: string): Buffer | null {
  const key = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  return key.length === 32 ? key : null;
}

const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).optional(),
    SHOPIFY_API_KEY: z.string().min(1, "is required (the app's client id from the Partner Dashboard)"),
    SHOPIFY_API_SECRET: z.string().min(1, "is required (the app's client secret)"),
    /** Shopify keeps signing with the old secret for up to an hour after a rotation. */
    SHOPIFY_API_SECRET_PREVIOUS: z.string().min(1).optional(),
    SHOPIFY_APP_URL: z.string().url("must be the app's public https URL"),
    SCOPES: z.string().min(1, "is required, e.g. read_orders,read_fulfillments,write_app_proxy"),
    DATABASE_URL: z
      .string()
      .default("file:./prisma/dev.sqlite")
      .refine((v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v), {
        message: "must be file:<path> (SQLite) or postgresql://… (PostgreSQL)",
      }),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "must be redis://… or rediss://…").optional(),
    SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be smtp://… or smtps://…").optional(),
    /**
     * the relay's message log, asked whether it accepted a message whose sender died before recording the answer
     * (Mailgun's Events API shape: https://api:<key>@api.mailgun.net/v3/<domain>/events); unset: no probe
     */
    SMTP_PROBE_URL: z.string().url().regex(/^https?:\/\//, "must be https://… (or http:// for a local stand-in)").optional(),
    EMAIL_FROM: z.string().min(3).optional(),
    LOOKUP_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
    /** storefront lookups per minute per shop, all shoppers together (server/endpoints/rate-limit.ts) */
    LOOKUP_SHOP_RATE_LIMIT: z.coerce.number().int().min(0).default(600),
    /**
     * proxies of your own (load balancer, ingress) between Shopify's app proxy and the app, each appending to
     * X-Forwarded-For: the storefront lookup reads the shopper's address that many entries from the right
     */
    LOOKUP_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
    /** GET /metrics answers only `Authorization: Bearer <this>`; unset, there is no /metrics */
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters (openssl rand -hex 24)").optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** "off" leaves job processing to `npm run worker` processes (scale-out without Redis is not supported). */
    SHIPWATCH_WORKER: z.enum(["in-process", "off"]).default("in-process"),
    /** minutes after a shipment is first seen before silence (not picked up, stalled, lost, late) is judged */
    SILENCE_GRACE_MINUTES: z.coerce.number().min(0).max(24 * 60).default(10),
    /** how often the silence sweep looks for due shipments */
    SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    /** jobs a worker process runs at once (`npm run worker`, and BullMQ workers) */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
    /** how long a worker holds a job (or a message it is sending) before another may take it over, after a crash */
    JOB_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
    /**
     * a worker process (`npm run worker`) that cannot reach the database or Redis for this long exits (code 69) so that
     * its supervisor restarts it; shorter outages (a Redis restart, a failover) are waited out
     */
    WORKER_UNREACHABLE_EXIT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /**
     * with REDIS_URL: a webhook delivery still waiting to be processed this long after it arrived is queued again
     * (a Redis that restarted without persistence lost its job); a worker looks every half of it, at most every minute
     */
    STRANDED_DELIVERY_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).default(600),
    /**
     * 32 bytes, base64 or hex: encrypts each shop's channel credentials at rest. Without it a key is derived from
     * SHOPIFY_API_SECRET (the documented env stays enough to run), and production logs a warning at boot.
     */
    SHIPWATCH_ENCRYPTION_KEY: z
      .string()
      .refine((v) => decodeKey(v) !== null, "must be 32 bytes, base64 or hex (e.g. `openssl rand -base64 32`)")
      .optional(),
    /** a channel failing without a success for this long raises an alert to the merchant */
    CHANNEL_ALERT_HOURS: z.coerce.number().positive().max(24 * 7).default(4),
    /** a message is parked after this many attempts (retries back off exponentially, with jitter) */
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
    /** how long one provider call may take before it counts as a (retryable) timeout */
    NOTIFY_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** provider endpoints; only tests and the demo point them at local stand-ins */
    TWILIO_API_BASE: z.string().url().default("https://api.twilio.com"),
    KLAVIYO_API_BASE: z.string().url().default("https://a.klaviyo.com"),
    /** tracking feeds' APIs (one *_API_BASE per feed); only tests and the demo point them at local stand-ins */
    EASYPOST_API_BASE: z.string().url().default("https://api.easypost.com"),
    AFTERSHIP_API_BASE: z.string().url().default("https://api.aftership.com"),
    /** the carriers' own Track APIs, for shops that connect their carrier accounts; tests and the demo point them at a stand-in */
    UPS_API_BASE: z.string().url().default("https://onlinetools.ups.com"),
    USPS_API_BASE: z.string().url().default("https://apis.usps.com"),
    FEDEX_API_BASE: z.string().url().default("https://apis.fedex.com"),
    DHL_API_BASE: z.string().url().default("https://api-eu.dhl.com"),
    /** how often the carrier poll job looks for parcels due a poll */
    CARRIER_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    SHIPENGINE_API_BASE: z.string().url().default("https://api.shipengine.com"),
    /** how long after a feed scan arrives it is written back to Shopify (its own relay of the scan gets that long to arrive first) */
    WRITE_BACK_DELAY_SECONDS: z.coerce.number().int().min(0).max(24 * 3600).default(900),
    /** how often a running import's bulk operation is looked at (0: at once, for tests) */
    BACKFILL_POLL_SECONDS: z.coerce.number().min(0).max(600).default(10),
    /** how long one import job reads before it hands the rest of the file to the next (0: one chunk of orders each) */
    BACKFILL_SLICE_SECONDS: z.coerce.number().min(0).max(600).default(20),
    /** how often reconciliation asks the Admin API for orders changed since its watermark (0: never) */
    RECONCILE_INTERVAL_MINUTES: z.coerce.number().min(0).max(24 * 60).default(60),
    /** the Admin API origin; by default each shop's own https://<shop> */
    SHOPIFY_ADMIN_API_BASE: z.string().url().optional(),
    /** the helpdesks' REST APIs; by default each account's own https://<account>.gorgias.com / <subdomain>.zendesk.com */
    GORGIAS_API_BASE: z.string().url().optional(),
    ZENDESK_API_BASE: z.string().url().optional(),
    SHIPWATCH_LOCAL_PREVIEW: booleanFlag,
    /**
     * lets merchant-supplied destinations (webhook, Slack, a shop's SMTP server) be loopback or private addresses:
     * for the local stand-ins of tests and the demo only. Off, those are refused on save and at send time.
     */
    SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS: booleanFlag,
    /** serve the admin through Vite's dev middleware (hot reload) instead of the production build */
    SHIPWATCH_DEV_SERVER: booleanFlag,
  })
  .superRefine((env, ctx) => {
    if (env.SHIPWATCH_LOCAL_PREVIEW && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["SHIPWATCH_LOCAL_PREVIEW"],
        message: "is refused when NODE_ENV=production (it mints admin session tokens for anyone on this machine)",
      });
    }
    if (env.SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS && env.NODE_ENV === "production") {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ["SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS"],
        message: "is refused when NODE_ENV=production (merchants could make the app call this machine and its network)",
      });
    }
  });

export type AppConfig = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof EnvSchema>) {
  const database = env.DATABASE_URL.startsWith("file:")
    ? ({ dialect: "sqlite", url: env.DATABASE_URL, path: env.DATABASE_URL.slice("file:".length) } as const)
    : ({ dialect: "postgres", url: env.DATABASE_URL } as const);
  return {
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    // The local preview serves unauthenticated token minting: never listen beyond loopback then.
    host: env.SHIPWATCH_LOCAL_PREVIEW ? "127.0.0.1" : (env.HOST ?? "0.0.0.0"),
    shopify: {
      apiKey: env.SHOPIFY_API_KEY,
      apiSecret: env.SHOPIFY_API_SECRET,
      previousApiSecret: env.SHOPIFY_API_SECRET_PREVIOUS,
      appUrl: env.SHOPIFY_APP_URL.replace(/\/$/, ""),
      scopes: env.SCOPES.split(",").map((s) => s.trim()).filter(Boolean),
    },
    database,
    redisUrl: env.REDIS_URL,
    email: { smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM, probeUrl: env.SMTP_PROBE_URL },
    lookupRateLimitPerMinute: env.LOOKUP_RATE_LIMIT,
    lookupShopRateLimitPerMinute: env.LOOKUP_SHOP_RATE_LIMIT,
    lookupTrustedProxies: env.LOOKUP_TRUSTED_PROXIES,
    logLevel: env.LOG_LEVEL,
    metricsToken: env.METRICS_TOKEN,
    worker: {
      inProcess: env.SHIPWATCH_WORKER === "in-process" && !env.REDIS_URL,
      sweepIntervalMs: env.SWEEP_INTERVAL_SECONDS * 1000,
      concurrency: env.WORKER_CONCURRENCY,
      leaseMs: env.JOB_LEASE_SECONDS * 1000,
      unreachableExitMs: env.WORKER_UNREACHABLE_EXIT_SECONDS * 1000,
      strandedDeliveryMs: env.STRANDED_DELIVERY_SECONDS * 1000,
    },
    notifications: {
      // Without its own key, one is derived from the app secret: rotating that secret then means reconnecting channels.
      encryptionKeyDerived: !env.SHIPWATCH_ENCRYPTION_KEY,
      encryptionKey: env.SHIPWATCH_ENCRYPTION_KEY
        ? (decodeKey(env.SHIPWATCH_ENCRYPTION_KEY) as Buffer)
        : Buffer.from(hkdfSync("sha256", env.SHOPIFY_API_SECRET, "shipwatch", "channel-credentials", 32)),
      channelAlertMs: env.CHANNEL_ALERT_HOURS * 3_600_000,
      maxAttempts: env.NOTIFY_MAX_ATTEMPTS,
      timeoutMs: env.NOTIFY_TIMEOUT_MS,
      twilioApiBase: env.TWILIO_API_BASE.replace(/\/$/, ""),
      klaviyoApiBase: env.KLAVIYO_API_BASE.replace(/\/$/, ""),
      shopifyAdminApiBase: env.SHOPIFY_ADMIN_API_BASE?.replace(/\/$/, ""),
      // merchant-supplied destinations may be local stand-ins (tests, the demo); never in production
      allowPrivateDestinations: env.SHIPWATCH_ALLOW_PRIVATE_DESTINATIONS,
    },
    helpdesks: {
      gorgiasApiBase: env.GORGIAS_API_BASE?.replace(/\/$/, ""),
      zendeskApiBase: env.ZENDESK_API_BASE?.replace(/\/$/, ""),
      timeoutMs: env.NOTIFY_TIMEOUT_MS,
    },
    feeds: {
      easypostApiBase: env.EASYPOST_API_BASE.replace(/\/$/, ""),
      aftershipApiBase: env.AFTERSHIP_API_BASE.replace(/\/$/, ""),
      shipengineApiBase: env.SHIPENGINE_API_BASE.replace(/\/$/, ""),
      timeoutMs: env.NOTIFY_TIMEOUT_MS,
      writeBackDelayMs: env.WRITE_BACK_DELAY_SECONDS * 1000,
    },
    carriers: {
      apiBases: {
        ups: env.UPS_API_BASE.replace(/\/$/, ""),
        usps: env.USPS_API_BASE.replace(/\/$/, ""),
        fedex: env.FEDEX_API_BASE.replace(/\/$/, ""),
        dhl: env.DHL_API_BASE.replace(/\/$/, ""),
      },
      pollIntervalMs: env.CARRIER_POLL_INTERVAL_SECONDS * 1000,
      timeoutMs: env.NOTIFY_TIMEOUT_MS,
    },
    exceptions: {
      silenceGraceMs: env.SILENCE_GRACE_MINUTES * 60_000,
    },
    history: {
      pollMs: env.BACKFILL_POLL_SECONDS * 1000,
      sliceMs: env.BACKFILL_SLICE_SECONDS * 1000,
      reconcileEveryMs: env.RECONCILE_INTERVAL_MINUTES * 60_000,
    },
    localPreview: env.SHIPWATCH_LOCAL_PREVIEW,
    devServer: env.SHIPWATCH_DEV_SERVER,
  };
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Shipwatch cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".");
        return issue.code === "invalid_type" && issue.received === "undefined"
          ? `${name} is required`
          : `${name} ${issue.message}`;
      }),
    );
  }
  return toConfig(parsed.data);
}
