// Counts every REST request authenticated with an API key as `api_call` usage, without a database
// write per request. When a response finishes, its call is added to an in-memory tally keyed by
// (organization, API key, method, path, status, UTC day). About once a second (or as soon as the
// tally holds 500 distinct keys) the tally is written as usage events, one per key with `quantity` =
// its number of calls and `occurred_at` = its first call, in one statement that also adds them to
// the per-day roll-ups (domain/usage/record-usage-events.ts). A client hammering one route thus
// costs one row per second, not one per request: storing a row per call was the largest share of
// the database's work under load. tRPC traffic (the dashboard) is not counted.
// Mount it on the /api router after `authenticate`; call stop() at shutdown to write what is left.
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../domain/context.ts';
import { recordSerializedUsageEvents, usageEventJson } from '../domain/usage/record-usage-events.ts';

/** Rows per INSERT (one JSON parameter each). */
const WRITE_BATCH = 500;
/** Distinct tallies kept while the database is slow or down; calls beyond this are dropped (and logged). */
const MAX_BUFFERED = 50_000;
const DAY_MS = 86_400_000;

export type UsageRecorder = {
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  /** Writes the buffered calls now (resolves when they are stored). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
};

type CallTally = { orgId: string; apiKeyId: string; method: string; path: string; status: number; firstAt: Date; calls: number };

export function usageRecorder(services: Pick<Services, 'db' | 'log' | 'now'>, options: { flushIntervalMs?: number; maxBatch?: number } = {}): UsageRecorder {
  const maxBatch = options.maxBatch ?? WRITE_BATCH;
  let tallies = new Map<string, CallTally>();
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();

  // A flush that is queued but not started yet: later calls share it (it takes everything tallied
  // by the time it starts), so a busy server writes whole batches instead of a storm of small ones.
  let queued: Promise<void> | null = null;
  const flush = (): Promise<void> => {
    if (queued) return queued;
    // Writes are chained so batches land in order and flush() waits for everything tallied so far.
    const next = writing.then(async () => {
      queued = null;
      if (tallies.size === 0) return;
      const taken = [...tallies.values()];
      tallies = new Map();
      for (let i = 0; i < taken.length; i += WRITE_BATCH) {
        const batch = taken.slice(i, i + WRITE_BATCH);
        try {
          await recordSerializedUsageEvents(services.db, `[${batch.map(callEventJson).join(',')}]`);
        } catch (err) {
          const calls = batch.reduce((n, t) => n + t.calls, 0);
          services.log.warn({ err, calls }, 'could not record API calls; these calls are not counted');
        }
      }
    });
    queued = next;
    writing = next;
    return next;
  };

  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 1000);
  timer.unref();

  const middleware = (req: Request, res: Response, next: NextFunction) => {
    if (req.originalUrl.startsWith('/api/trpc')) return next();
    res.on('finish', () => {
      const actor = req.actor;
      if (actor?.kind !== 'apiKey') return;
      const at = services.now();
      const path = (req.originalUrl.split('?')[0] ?? '').slice(0, 200);
      const key = `${actor.orgId} ${actor.apiKeyId} ${Math.floor(at.getTime() / DAY_MS)} ${res.statusCode} ${req.method} ${path}`;
      const tally = tallies.get(key);
      if (tally) {
        tally.calls++;
        return;
      }
      if (tallies.size >= MAX_BUFFERED) {
        if (dropped++ % 1000 === 0) services.log.warn({ dropped }, 'API call buffer full (database too slow?): calls are not counted');
        return;
      }
      tallies.set(key, { orgId: actor.orgId, apiKeyId: actor.apiKeyId, method: req.method, path, status: res.statusCode, firstAt: at, calls: 1 });
      if (tallies.size >= maxBatch) void flush();
    });
    next();
  };

  return {
    middleware,
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

function callEventJson(t: CallTally): string {
  return usageEventJson({
    orgId: t.orgId,
    appId: null,
    appName: null,
    type: 'api_call',
    quantity: t.calls,
    credits: 0,
    description: `${t.method} ${t.path}`,
    metadata: { api_key_id: t.apiKeyId, method: t.method, path: t.path, status: t.status },
    occurredAt: t.firstAt,
  });
}
