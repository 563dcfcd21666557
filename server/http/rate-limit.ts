// Rate limits as documented: per organization when authenticated, per IP otherwise, counted in a
// Postgres table so that every server process shares the counts. Headers X-RateLimit-Limit,
// -Remaining and -Reset (Unix seconds) on every /api response; 429 RATE_LIMIT_EXCEEDED + Retry-After.
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { AppError } from '../domain/errors.ts';
import { createCoalescer } from './request-coalescer.ts';
import { sendError } from './errors.ts';

const HOUR_MS = 60 * 60 * 1000;

export class PostgresRateLimitStore {
  readonly windowMs = HOUR_MS;
  readonly prefix: string;
  private readonly db: Db;

  constructor(db: Db, prefix = 'rl:') {
    this.db = db;
    this.prefix = prefix;
  }

  /**
   * Concurrent requests of one key share one upsert that adds all of them (group commit): the row is
   * written once per round trip instead of once per request, and each request still gets its exact
   * place in the shared count, across every process.
   */
  private readonly increments = createCoalescer<string, null, RateLimitCount>(async (k, items) => {
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

  increment(key: string): Promise<RateLimitCount> {
    return this.increments.submit(this.prefix + key, null);
  }
}

export function rateLimitKey(req: Request): string {
  const a = req.actor;
  if (a.kind === 'apiKey') return `org:${a.orgId}`;
  if (a.kind === 'session') return a.orgId ? `org:${a.orgId}` : `user:${a.userId}`;
  return `ip:${ipKeyGenerator(req.ip ?? 'unknown')}`;
}

/** The count of one request: its place in the window and when the window ends. */
export type RateLimitCount = { totalHits: number; resetTime: Date };

/**
 * The rate-limit middleware: one coalesced upsert per key and round trip (see the store), the
 * documented headers, 429 past the limit. A broken store must not take the API down: requests pass
 * (and are logged) while it fails. express-rate-limit did this before; on the hot path its
 * per-request work (validations, debug formatting, several awaits) cost more than the rest of the
 * middleware chain, so only its IP key generator (IPv6 /56 subnets) is kept.
 */
export function apiRateLimit(db: Db, limits: { authenticatedPerHour: number; anonymousPerHour: number }, prefix = 'rl:') {
  const store = new PostgresRateLimitStore(db, prefix);
  return async (req: Request, res: Response, next: NextFunction) => {
    const limit = req.actor.kind === 'anonymous' ? limits.anonymousPerHour : limits.authenticatedPerHour;
    let count: RateLimitCount;
    try {
      count = await store.increment(rateLimitKey(req));
    } catch (err) {
      req.log.error({ err }, 'rate limit store failed: request allowed without rate limiting');
      return next();
    }
    const resetSeconds = Math.ceil(count.resetTime.getTime() / 1000);
    if (!res.headersSent) {
      res.setHeader('X-RateLimit-Limit', String(limit));
      res.setHeader('X-RateLimit-Remaining', String(Math.max(limit - count.totalHits, 0)));
      res.setHeader('X-RateLimit-Reset', String(resetSeconds));
    }
    if (count.totalHits <= limit) return next();
    const retryAfter = Math.max(1, Math.ceil((count.resetTime.getTime() - Date.now()) / 1000));
    sendError(res, new AppError('RATE_LIMIT_EXCEEDED', 'Too many requests, slow down', { retryAfterSeconds: retryAfter }));
  };
}
