// Rate limits as documented: per organization when authenticated, per IP otherwise, counted in a
// Postgres table so that every server process shares the counts. Headers X-RateLimit-Limit,
// -Remaining and -Reset (Unix seconds) on every /api response; 429 RATE_LIMIT_EXCEEDED + Retry-After.
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { apiKeys, memberships, type Role } from '../../db/schema/index.ts';
import { apiKeyIdentity, type ApiKeyIdentity } from '../domain/api-keys/authenticate-api-key.ts';
import { sha256Hex } from '../domain/tokens.ts';
import { AppError } from '../domain/errors.ts';
import { createCoalescer } from './request-coalescer.ts';
import { sendError } from './errors.ts';

/** Rate limits count in windows of an hour. */
export const RATE_LIMIT_WINDOW_MS = 60 * 60 * 1000;

export class PostgresRateLimitStore {
  readonly windowMs = RATE_LIMIT_WINDOW_MS;
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
    const [row] = await queryRows<CounterRow>(this.db, counterUpsert(sql`${k}`, n, this.windowMs / 1000, sql``));
    return placesInCount(row, n);
  });

  increment(key: string): Promise<RateLimitCount> {
    return this.increments.submit(this.prefix + key, null);
  }
}

type CounterRow = { hits: number | string; reset_at: Date | string };

/**
 * Adds n hits to the counter `key` (a SQL expression, evaluated over `from`), starting a new window
 * when the old one has ended; returns the count after them and the window's end.
 */
function counterUpsert(key: SQL, n: number, windowSeconds: number, from: SQL): SQL {
  return sql`insert into rate_limit_counters (key, hits, reset_at)
    select ${key}, ${n}::int, now() + make_interval(secs => ${windowSeconds}) ${from}
    on conflict (key) do update set
      hits = case when rate_limit_counters.reset_at <= now() then excluded.hits else rate_limit_counters.hits + excluded.hits end,
      reset_at = case when rate_limit_counters.reset_at <= now() then excluded.reset_at else rate_limit_counters.reset_at end
    returning hits, reset_at`;
}

/** The n requests counted by one upsert, in order: each gets its own place in the count. */
function placesInCount(row: CounterRow, n: number): RateLimitCount[] {
  const last = Number(row.hits);
  const resetTime = new Date(row.reset_at);
  return Array.from({ length: n }, (_, i) => ({ totalHits: last - n + 1 + i, resetTime }));
}

/**
 * An API key looked up and its organization's rate-limit counter (`prefix` + `org:<id>`) advanced by
 * `count` in ONE statement: the authenticate middleware runs this for API-key requests that the
 * REST limiter will count, so that they cost one round trip instead of two. Returns null for an
 * unknown key (nothing counted), else the identity and the places of the `count` requests.
 */
export async function lookUpApiKeyAndCount(
  db: Db,
  presented: string,
  counter: { prefix: string; count: number; windowMs: number },
): Promise<{ identity: ApiKeyIdentity; places: RateLimitCount[] } | null> {
  if (!presented || presented.length > 200) return null;
  const { count } = counter;
  const [row] = await queryRows<{ id: string; orgId: string; createdBy: string | null; role: Role | null } & Partial<CounterRow>>(
    db,
    sql`with k as (
          select ${apiKeys.id} as id, ${apiKeys.orgId} as org_id, ${apiKeys.createdBy} as created_by, ${memberships.role} as role
          from ${apiKeys}
          left join ${memberships} on ${memberships.orgId} = ${apiKeys.orgId} and ${memberships.userId} = ${apiKeys.createdBy}
          where ${apiKeys.keyHash} = ${sha256Hex(presented)}
          limit 1
        ), c as (
          ${counterUpsert(sql`${counter.prefix + 'org:'} || k.org_id::text`, count, counter.windowMs / 1000, sql`from k where ${count}::int > 0`)}
        )
        select k.id, k.org_id as "orgId", k.created_by as "createdBy", k.role, c.hits, c.reset_at from k left join c on true`,
  );
  if (!row) return null;
  return { identity: apiKeyIdentity(row), places: count > 0 && row.hits != null && row.reset_at != null ? placesInCount({ hits: row.hits, reset_at: row.reset_at }, count) : [] };
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
      // Already counted with the API-key lookup (authenticate), or counted now.
      const counted = req.rateLimitCount;
      count = counted?.prefix === prefix ? counted : await store.increment(rateLimitKey(req));
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
