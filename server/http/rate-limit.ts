// Rate limits as documented: per organization when authenticated, per IP otherwise, counted in a
// Postgres table so that every server process shares the counts. Headers X-RateLimit-Limit,
// -Remaining and -Reset (Unix seconds) on every /api response; 429 RATE_LIMIT_EXCEEDED + Retry-After.
import type { Request, Response } from 'express';
import { rateLimit, ipKeyGenerator, type Store, type IncrementResponse, type Options } from 'express-rate-limit';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client.ts';
import { AppError } from '../domain/errors.ts';
import { sendError } from './errors.ts';

const HOUR_MS = 60 * 60 * 1000;

type KeyState = {
  /** Hits recorded in the database at the last sync (all processes). */
  base: number;
  /** Hits of this process not written yet. */
  pending: number;
  resetTime: Date;
  lastSync: number;
  syncing: Promise<void> | null;
};

/**
 * Fixed-window counters in PostgreSQL, shared by every process. The first hit of a key in a window
 * (per process) is written at once; later hits are counted in memory and added to the row at most
 * every `syncIntervalMs` (default 1 s), so a busy organization does not turn its counter row into a
 * lock every request waits on. Counts seen by another process lag by at most that interval.
 */
export class PostgresRateLimitStore implements Store {
  windowMs = HOUR_MS;
  readonly localKeys = false;
  readonly prefix: string;
  private readonly db: Db;
  private readonly syncIntervalMs: number;
  private readonly keys = new Map<string, KeyState>();
  private readonly timer: NodeJS.Timeout;

  constructor(db: Db, prefix = 'rl:', syncIntervalMs = 1000) {
    this.db = db;
    this.prefix = prefix;
    this.syncIntervalMs = syncIntervalMs;
    this.timer = setInterval(() => void this.flush(), syncIntervalMs);
    this.timer.unref();
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  /** Adds `delta` hits to the shared row (starting a new window when the old one ended). */
  private async add(key: string, delta: number): Promise<{ hits: number; resetTime: Date }> {
    const windowSeconds = this.windowMs / 1000;
    const [row] = await queryRows<{ hits: number; reset_at: Date | string }>(
      this.db,
      sql`insert into rate_limit_counters (key, hits, reset_at)
          values (${this.prefix + key}, ${delta}, now() + make_interval(secs => ${windowSeconds}))
          on conflict (key) do update set
            hits = case when rate_limit_counters.reset_at <= now() then ${delta} else rate_limit_counters.hits + ${delta} end,
            reset_at = case when rate_limit_counters.reset_at <= now() then excluded.reset_at else rate_limit_counters.reset_at end
          returning hits, reset_at`,
    );
    return { hits: Number(row.hits), resetTime: new Date(row.reset_at) };
  }

  private sync(key: string, state: KeyState): Promise<void> {
    if (state.syncing || state.pending === 0) return state.syncing ?? Promise.resolve();
    const delta = state.pending;
    state.pending = 0;
    state.lastSync = Date.now();
    state.syncing = this.add(key, delta).then(
      ({ hits, resetTime }) => {
        // A window that ended meanwhile restarts from the shared row.
        state.base = hits;
        state.resetTime = resetTime;
        state.syncing = null;
      },
      () => {
        state.pending += delta;
        state.syncing = null;
      },
    );
    return state.syncing;
  }

  /** Writes every pending count (also called on a timer). */
  async flush(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.keys].map(([key, state]) => {
        if (state.resetTime.getTime() <= now && state.pending === 0) {
          this.keys.delete(key);
          return undefined;
        }
        return this.sync(key, state);
      }),
    );
  }

  async increment(key: string): Promise<IncrementResponse> {
    const now = Date.now();
    const state = this.keys.get(key);
    if (!state || state.resetTime.getTime() <= now) {
      const { hits, resetTime } = await this.add(key, 1);
      this.keys.set(key, { base: hits, pending: 0, resetTime, lastSync: now, syncing: null });
      return { totalHits: hits, resetTime };
    }
    state.pending += 1;
    const totalHits = state.base + state.pending;
    if (now - state.lastSync >= this.syncIntervalMs) void this.sync(key, state);
    return { totalHits, resetTime: state.resetTime };
  }

  async decrement(key: string): Promise<void> {
    const state = this.keys.get(key);
    if (state && state.pending > 0) {
      state.pending -= 1;
      return;
    }
    if (state) state.base = Math.max(0, state.base - 1);
    await this.db.execute(sql`update rate_limit_counters set hits = greatest(hits - 1, 0) where key = ${this.prefix + key}`);
  }

  async resetKey(key: string): Promise<void> {
    this.keys.delete(key);
    await this.db.execute(sql`delete from rate_limit_counters where key = ${this.prefix + key}`);
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
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
