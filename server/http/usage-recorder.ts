// Counts every REST request authenticated with an API key as an `api_call` usage event, without a
// database write per request: on response finish the call is buffered in memory, and the buffer is
// written every second (or as soon as it holds 500 calls) with one statement per 500 calls that
// inserts them and adds them to the roll-ups (domain/usage/record-usage-events.ts). tRPC traffic (the dashboard) is not counted.
// Mount it on the /api router after `authenticate`; call stop() at shutdown to write what is left.
import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../domain/context.ts';
import { recordSerializedUsageEvents, usageEventJson } from '../domain/usage/record-usage-events.ts';

/** Rows per INSERT (10 parameters each, far below PostgreSQL's 65,535). */
const WRITE_BATCH = 500;
/** Calls kept while the database is slow or down; beyond this they are dropped (and logged). */
const MAX_BUFFERED = 50_000;

export type UsageRecorder = {
  middleware: (req: Request, res: Response, next: NextFunction) => void;
  /** Writes the buffered calls now (resolves when they are stored). */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
};

export function usageRecorder(services: Pick<Services, 'db' | 'log' | 'now'>, options: { flushIntervalMs?: number; maxBatch?: number } = {}): UsageRecorder {
  const maxBatch = options.maxBatch ?? WRITE_BATCH;
  // Each call is serialised when it finishes (a few µs), so a flush only joins strings: no pause of
  // milliseconds to serialise hundreds of calls at once.
  const buffer: string[] = [];
  let dropped = 0;
  let writing: Promise<void> = Promise.resolve();

  // A flush that is queued but not started yet: later calls share it (it takes everything buffered
  // by the time it starts), so a busy server writes full batches instead of a storm of small ones.
  let queued: Promise<void> | null = null;
  const flush = (): Promise<void> => {
    if (queued) return queued;
    // Writes are chained so batches land in order and flush() waits for everything buffered so far.
    const next = writing.then(async () => {
      queued = null;
      while (buffer.length > 0) {
        const batch = buffer.splice(0, WRITE_BATCH);
        try {
          await recordSerializedUsageEvents(services.db, `[${batch.join(',')}]`);
        } catch (err) {
          services.log.warn({ err, calls: batch.length }, 'could not record API calls; these calls are not counted');
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
      if (buffer.length >= MAX_BUFFERED) {
        if (dropped++ % 1000 === 0) services.log.warn({ dropped }, 'API call buffer full (database too slow?): calls are not counted');
        return;
      }
      const path = (req.originalUrl.split('?')[0] ?? '').slice(0, 200);
      buffer.push(
        usageEventJson({
          orgId: actor.orgId,
          appId: null,
          appName: null,
          type: 'api_call',
          quantity: 1,
          credits: 0,
          description: `${req.method} ${path}`,
          metadata: { api_key_id: actor.apiKeyId, method: req.method, path, status: res.statusCode },
          occurredAt: services.now(),
        }),
      );
      if (buffer.length >= maxBatch) void flush();
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
