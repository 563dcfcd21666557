// Hot reads of the REST API — a CI fleet listing its apps, `pixell deploy` processes polling their
// deployments — arrive many at a time for one organization. A coalesced read lets identical reads
// of one organization share one database round trip (see request-coalescer.ts): a read that arrives
// while an identical one is in flight waits for the next run, which starts after it arrived, so it
// still sees every write committed before the request came in. Nothing is cached, and a read
// without concurrency runs at once as before. Only for reads whose result depends on nothing but
// the organization and the arguments (not on the user or the key).
//
// The requests served by one run get the same result object, so their JSON body is the same too:
// sharedJson serializes it once per result instead of once per request.
import type { Response } from 'express';
import type { Db } from '../../db/client.ts';
import type { DomainCtx } from '../domain/context.ts';
import { createCoalescer, type Coalescer } from './request-coalescer.ts';

type Pending<A extends unknown[]> = { ctx: DomainCtx; args: A };

export function coalescedRead<A extends string[], R>(read: (ctx: DomainCtx, ...args: A) => Promise<R>): (ctx: DomainCtx, ...args: A) => Promise<R> {
  // One coalescer per database handle: runs never mix two databases (several apps in one process).
  const byDb = new WeakMap<Db, Coalescer<string, Pending<A>, R>>();
  return (ctx, ...args) => {
    const orgId = ctx.actor.kind === 'anonymous' ? null : ctx.actor.orgId;
    if (!orgId) return read(ctx, ...args);
    let coalescer = byDb.get(ctx.db);
    if (!coalescer) {
      coalescer = createCoalescer<string, Pending<A>, R>(async (_key, items) => {
        const result = await read(items[0].ctx, ...items[0].args);
        return items.map(() => result);
      });
      byDb.set(ctx.db, coalescer);
    }
    return coalescer.submit(JSON.stringify([orgId, ...args]), { ctx, args });
  };
}

/**
 * Sends `shape(result)` as JSON, the bytes and headers of `res.json(shape(result))`, serializing it
 * once per result object: the requests of one coalesced run share the body. Each run returns a new
 * object (a fresh read), so a later run never gets an earlier body; results must not be mutated.
 * One cache per shape (per route), keyed weakly by the result.
 */
export function sharedJson<R extends object>(shape: (result: R) => unknown): (res: Response, result: R) => void {
  const bodies = new WeakMap<R, Buffer>();
  return (res, result) => {
    let body = bodies.get(result);
    if (body === undefined) {
      body = Buffer.from(JSON.stringify(shape(result)), 'utf8');
      bodies.set(result, body);
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.send(body);
  };
}
