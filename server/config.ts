// Environment -> typed configuration. Every variable is validated here and nowhere else; the
// defaults make `npm start` work on a fresh machine with nothing set (PGlite, local files, outbox).
import path from 'node:path';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1' || v === 'yes'));

const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).optional().default(fallback);

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  PORT: int(4000, 0, 65535),
  HOST: z.string().optional().default('0.0.0.0'),
  DATA_DIR: z.string().optional().default('./.data'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
  ),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  PUBLIC_URL: optionalString.pipe(z.url({ message: 'must be an absolute URL' }).optional()),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  TRUST_PROXY: optionalString,
  SIGNUP_CREDITS: int(100, 0),
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  MAIL_FROM: z.string().optional().default('Pixell Agent Cloud <no-reply@pixell.local>'),
  REQUIRE_EMAIL_VERIFICATION: bool(true),
  CRON_SECRET: optionalString,
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: bool(false),
  RATE_LIMIT_AUTHENTICATED_PER_HOUR: int(1000, 1),
  RATE_LIMIT_ANONYMOUS_PER_HOUR: int(100, 1),
  LOGIN_MAX_FAILURES: int(10, 1),
  LOGIN_FAILURE_WINDOW_MINUTES: int(15, 1),
  BODY_LIMIT: z.string().optional().default('1mb'),
  METRICS_TOKEN: optionalString,
  SECRETS_ENCRYPTION_KEY: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9+/_=-]{43,}$/, 'must be 32 random bytes, base64 or base64url (openssl rand -base64 32)')
      .optional(),
  ),
  SECRETS_ENCRYPTION_PREVIOUS_KEYS: optionalString,
  MAX_PACKAGE_BYTES: int(100 * 1024 * 1024, 1),
  DEPLOYMENT_WORKER: z.enum(['inline', 'off']).optional().default('inline'),
  DEPLOYMENT_CONCURRENCY: int(2, 1, 64),
  DEPLOYMENT_LEASE_SECONDS: int(30, 2, 3600),
  DEPLOYMENT_MAX_ATTEMPTS: int(3, 1, 100),
  DEPLOYMENT_POLL_INTERVAL_MS: int(2000, 50, 60_000),
  QUEUE_WARNING_DEPTH: int(50, 1),
  QUEUE_WARNING_FAILURE_RATE: z.coerce.number().min(0).max(1).optional().default(0.25),
  // Object storage: S3 (or MinIO/any S3-compatible server) when S3_BUCKET is set, else DATA_DIR/objects.
  S3_BUCKET: optionalString,
  S3_ENDPOINT: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' }).optional()),
  S3_REGION: z.string().optional().default('us-east-1'),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: bool(false),
  DOWNLOAD_URL_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DOWNLOAD_URL_TTL_SECONDS: int(3600, 1, 604800),
  // Agent runtime (PAR): its management API when RUNTIME_URL is set, else the embedded local runtime.
  RUNTIME_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s):// URL' }).optional()),
  RUNTIME_TOKEN: optionalString,
  RUNTIME_API: z.enum(['push', 'supervisor']).optional().default('push'),
  RUNTIME_HEALTH_TIMEOUT_SECONDS: int(300, 1, 86_400),
  RUNTIME_POLL_INTERVAL_MS: int(2000, 10, 600_000),
  // Secrets injected into agents' environments (apkg-env-secrets.md): static JSON or AWS Secrets Manager.
  PIXELL_SECRETS_PROVIDER: optionalString.pipe(z.enum(['static', 'aws'], { message: 'must be static or aws' }).optional()),
  PIXELL_SECRETS_JSON: optionalString,
  PIXELL_AWS_SECRETS: optionalString,
  PIXELL_AWS_REGION: optionalString,
  // Credits & billing: top-up packages (JSON, optional), custom amounts, price, currency, warnings.
  CREDIT_PACKAGES: optionalString,
  CREDIT_PRICE_CENTS: int(1, 1, 1_000_000),
  CREDIT_CURRENCY: z
    .string()
    .regex(/^[a-zA-Z]{3}$/, 'must be a three-letter ISO currency code')
    .optional()
    .default('usd')
    .transform((v) => v.toLowerCase()),
  CUSTOM_TOPUP_MIN: int(100, 1, 10_000_000),
  CUSTOM_TOPUP_MAX: int(100_000, 1, 10_000_000),
  LOW_BALANCE_THRESHOLD: int(50, 0),
  EXPORT_URL_TTL_SECONDS: int(86_400, 1, 604_800),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  publicUrl: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  trustProxy: boolean | number | string;
  signupCredits: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  requireEmailVerification: boolean;
  cronSecret: string | undefined;
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
  webhookAllowPrivateTargets: boolean;
  rateLimit: { authenticatedPerHour: number; anonymousPerHour: number };
  login: { maxFailures: number; windowMinutes: number };
  bodyLimit: string;
  /** Bearer token that GET /metrics requires when set. */
  metricsToken: string | undefined;
  maxPackageBytes: number;
  deployments: {
    worker: 'inline' | 'off';
    concurrency: number;
    leaseSeconds: number;
    maxAttempts: number;
    pollIntervalMs: number;
    warningDepth: number;
    warningFailureRate: number;
  };
  /** Current AES-256-GCM key (base64); undefined → generated into DATA_DIR/secrets. */
  secretsEncryptionKey: string | undefined;
  /** Older keys still accepted for decryption during a rotation (comma-separated). */
  secretsPreviousKeys: string[];
  /** Present when S3_BUCKET is set; credentials fall back to the AWS default chain when unset. */
  s3:
    | {
        bucket: string;
        endpoint: string | undefined;
        region: string;
        accessKeyId: string | undefined;
        secretAccessKey: string | undefined;
        forcePathStyle: boolean;
      }
    | undefined;
  /** Local-storage signed download links; secret undefined = generated once into DATA_DIR/secrets. */
  downloadUrl: { secret: string | undefined; ttlSeconds: number };
  /** The agent runtime: url undefined = the embedded local runtime under DATA_DIR/runtime. */
  runtime: {
    url: string | undefined;
    token: string | undefined;
    api: 'push' | 'supervisor';
    healthTimeoutSeconds: number;
    pollIntervalMs: number;
  };
  /** Secrets provider for agent environments (PIXELL_SECRETS_PROVIDER); undefined = none. */
  secretsProvider: SecretsProviderConfig | undefined;
  /** Credit top-ups: fixed packages plus custom amounts priced per credit. */
  billing: {
    packages: CreditPackage[];
    creditPriceCents: number;
    currency: string;
    customTopupMin: number;
    customTopupMax: number;
    lowBalanceThreshold: number;
  };
  /** Usage exports: how long a download link works. */
  usageExport: { urlTtlSeconds: number };
};

export type CreditPackage = { id: string; name: string; credits: number; priceCents: number };

/** The default top-up packages (CREDIT_PACKAGES replaces them). */
export const DEFAULT_CREDIT_PACKAGES: CreditPackage[] = [
  { id: 'starter', name: 'Starter', credits: 1_000, priceCents: 1_000 },
  { id: 'pro', name: 'Pro', credits: 5_000, priceCents: 4_500 },
  { id: 'scale', name: 'Scale', credits: 25_000, priceCents: 20_000 },
];

const creditPackagesSchema = z
  .array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'ids are lowercase letters, digits, - and _').refine((id) => id !== 'custom', 'custom is reserved'),
      name: z.string().min(1).max(60).optional(),
      credits: z.number().int().min(1).max(10_000_000),
      price_cents: z.number().int().min(50).max(100_000_000),
    }),
  )
  .min(1)
  .max(20)
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'package ids must be unique');

export type SecretsProviderConfig =
  | { kind: 'static'; values: Record<string, string> }
  | { kind: 'aws'; secretIds: string[]; region: string | undefined };

export class ConfigError extends Error {}

function parseTrustProxy(v: string | undefined): boolean | number | string {
  if (v === undefined) return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** Reads the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if ((e.S3_ACCESS_KEY_ID === undefined) !== (e.S3_SECRET_ACCESS_KEY === undefined)) {
    throw new ConfigError('Invalid configuration:\n  S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: set both or neither');
  }
  if (e.CUSTOM_TOPUP_MAX < e.CUSTOM_TOPUP_MIN) {
    throw new ConfigError('Invalid configuration:\n  CUSTOM_TOPUP_MAX: must not be below CUSTOM_TOPUP_MIN');
  }
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    publicUrl,
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    signupCredits: e.SIGNUP_CREDITS,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    requireEmailVerification: e.REQUIRE_EMAIL_VERIFICATION,
    cronSecret: e.CRON_SECRET,
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS,
    rateLimit: {
      authenticatedPerHour: e.RATE_LIMIT_AUTHENTICATED_PER_HOUR,
      anonymousPerHour: e.RATE_LIMIT_ANONYMOUS_PER_HOUR,
    },
    login: { maxFailures: e.LOGIN_MAX_FAILURES, windowMinutes: e.LOGIN_FAILURE_WINDOW_MINUTES },
    bodyLimit: e.BODY_LIMIT,
    metricsToken: e.METRICS_TOKEN,
    secretsEncryptionKey: e.SECRETS_ENCRYPTION_KEY,
    maxPackageBytes: e.MAX_PACKAGE_BYTES,
    deployments: {
      worker: e.DEPLOYMENT_WORKER,
      concurrency: e.DEPLOYMENT_CONCURRENCY,
      leaseSeconds: e.DEPLOYMENT_LEASE_SECONDS,
      maxAttempts: e.DEPLOYMENT_MAX_ATTEMPTS,
      pollIntervalMs: e.DEPLOYMENT_POLL_INTERVAL_MS,
      warningDepth: e.QUEUE_WARNING_DEPTH,
      warningFailureRate: e.QUEUE_WARNING_FAILURE_RATE,
    },
    secretsPreviousKeys: (e.SECRETS_ENCRYPTION_PREVIOUS_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : undefined,
    downloadUrl: { secret: e.DOWNLOAD_URL_SECRET, ttlSeconds: e.DOWNLOAD_URL_TTL_SECONDS },
    runtime: {
      url: e.RUNTIME_URL?.replace(/\/+$/, ''),
      token: e.RUNTIME_TOKEN,
      api: e.RUNTIME_API,
      healthTimeoutSeconds: e.RUNTIME_HEALTH_TIMEOUT_SECONDS,
      pollIntervalMs: e.RUNTIME_POLL_INTERVAL_MS,
    },
    secretsProvider: parseSecretsProviderConfig(e),
    billing: {
      packages: parseCreditPackages(e.CREDIT_PACKAGES),
      creditPriceCents: e.CREDIT_PRICE_CENTS,
      currency: e.CREDIT_CURRENCY,
      customTopupMin: e.CUSTOM_TOPUP_MIN,
      customTopupMax: e.CUSTOM_TOPUP_MAX,
      lowBalanceThreshold: e.LOW_BALANCE_THRESHOLD,
    },
    usageExport: { urlTtlSeconds: e.EXPORT_URL_TTL_SECONDS },
  };
}

/** CREDIT_PACKAGES: `[{"id":"starter","name":"Starter","credits":1000,"price_cents":1000}, …]`. */
function parseCreditPackages(raw: string | undefined): CreditPackage[] {
  if (raw === undefined) return DEFAULT_CREDIT_PACKAGES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('Invalid configuration:\n  CREDIT_PACKAGES: must be a JSON array of {id, name?, credits, price_cents}');
  }
  const result = creditPackagesSchema.safeParse(parsed);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  CREDIT_PACKAGES${i.path.length ? `[${i.path.join('.')}]` : ''}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return result.data.map((p) => ({ id: p.id, name: p.name ?? p.id.charAt(0).toUpperCase() + p.id.slice(1), credits: p.credits, priceCents: p.price_cents }));
}

/** PIXELL_SECRETS_PROVIDER and its variables; a bad value is a start-up error (never echoing values). */
function parseSecretsProviderConfig(e: z.infer<typeof envSchema>): SecretsProviderConfig | undefined {
  const fail = (message: string): never => {
    throw new ConfigError(`Invalid configuration:\n  ${message}`);
  };
  if (e.PIXELL_SECRETS_PROVIDER === 'static') {
    if (e.PIXELL_SECRETS_JSON === undefined) return fail('PIXELL_SECRETS_JSON: required when PIXELL_SECRETS_PROVIDER=static');
    let parsed: unknown;
    try {
      parsed = JSON.parse(e.PIXELL_SECRETS_JSON);
    } catch {
      return fail('PIXELL_SECRETS_JSON: must be valid JSON (an object mapping variable names to strings)');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return fail('PIXELL_SECRETS_JSON: must be a JSON object mapping variable names to strings');
    }
    const values: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(parsed)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fail(`PIXELL_SECRETS_JSON: ${JSON.stringify(key.slice(0, 64))} is not a valid variable name`);
      if (typeof value !== 'string') fail(`PIXELL_SECRETS_JSON: the value of ${key} must be a string`);
      values[key] = value as string;
    }
    return { kind: 'static', values };
  }
  if (e.PIXELL_SECRETS_PROVIDER === 'aws') {
    const secretIds = (e.PIXELL_AWS_SECRETS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (secretIds.length === 0) return fail('PIXELL_AWS_SECRETS: required when PIXELL_SECRETS_PROVIDER=aws (comma-separated secret names or ARNs)');
    return { kind: 'aws', secretIds, region: e.PIXELL_AWS_REGION };
  }
  return undefined;
}
