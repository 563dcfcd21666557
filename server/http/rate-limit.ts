// Rate limits as documented: per organization when authenticated, per IP otherwise, counted in a
// Postgres table so that every server process shares the counts. Headers X-RateLimit-Limit,
// -Remaining and -Reset (Unix seconds) on every /api response; 429 RATE_LIMIT_EXCEEDED + Retry-After.
import type { Request, Response } from 'express';
import { rateLimit, ipKeyGenerator, type Store, type IncrementResponse, type Options } from 'express-rate-limit';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { AppError } from '../domain/errors.ts';
import { createCoalescer } from './request-coalescer.ts';
import { sendError } from './errors.ts';

const HOUR_MS = 60 * 60 * 1000;

export class PostgresRateLimitStore implements Store {
  windowMs = HOUR_MS;
  readonly localKeys = false;
  readonly prefix: string;
  private readonly db: Db;

  constructor(db: Db, prefix = 'rl:') {
    this.db = db;
    this.prefix = prefix;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  /**
   * Concurrent requests of one key share one upsert that adds all of them (group commit): the row is
   * written once per round trip instead of once per request, and each request still gets its exact
   * place in the shared count, across every process.
   */
  private readonly increments = createCoalescer<string, null, IncrementResponse>(async (k, items) => {
    const n = items.length;
    const windowSeconds = this.windowMs / 1000;
    const [row] = await queryRows<{ hits: number; reset_at: Date | string }>(
      this.db,
      sql`insert into rate_limit_counters (key, hits, reset_at)
          values (${k}, ${n}, now() + make_interval(secs => ${windowSeconds}))
          on conflict (key) do update set
            hits = case when rate_limit_counters.reset_at <= now() then ${n} else rate_limit_counters.hits + ${n} end,
            reset_at = case when rate_limit_counters.reset_at <= now() then excluded.reset_at else rate_limit_counters.reset_at end
          returning hits, reset_at`,
    );
    const last = Number(row.hits);
    const resetTime = new Date(row.reset_at);
    return items.map((_, i) => ({ totalHits: last - n + 1 + i, resetTime }));
  });

  increment(key: string): Promise<IncrementResponse> {
    return this.increments.submit(this.prefix + key, null);
  }

  async decrement(key: string): Promise<void> {
    await this.db.execute(sql`update rate_limit_counters set hits = greatest(hits - 1, 0) where key = ${this.prefix + key}`);
  }

  async resetKey(key: string): Promise<void> {
    await this.db.execute(sql`delete from rate_limit_counters where key = ${this.prefix + key}`);
  }
}

export function rateLimitKey(req: Request): string {
  const a = req.actor;
  if (a.kind === 'apiKey') return `org:${a.orgId}`;
  if (a.kind === 'session') return a.orgId ? `org:${a.orgId}` : `user:${a.userId}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

export function apiRateLimit(db: Db, limits: { authenticatedPerHour: number; anonymousPerHour: number }, prefix = 'rl:') {
  return rateLimit({
    windowMs: HOUR_MS,
    limit: (req: Request) => (req.actor.kind === 'anonymous' ? limits.anonymousPerHour : limits.authenticatedPerHour),
    keyGenerator: rateLimitKey,
    store: new PostgresRateLimitStore(db, prefix),
    legacyHeaders: true,
    standardHeaders: false,
    // A broken store must not take the API down: requests pass (and are logged) while it fails.
    passOnStoreError: true,
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler: (req: Request, res: Response) => {
      const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfter = resetTime ? Math.ceil((resetTime.getTime() - Date.now()) / 1000) : 60;
      sendError(res, new AppError('RATE_LIMIT_EXCEEDED', 'Too many requests, slow down', { retryAfterSeconds: retryAfter }));
    },
  });
}
