// What the HTTP layer attaches to each request, and how a DomainCtx is built from it.
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { Actor, DomainCtx, Services } from '../domain/context.ts';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
    actor: Actor;
    /** How the actor was authenticated: cookie requests are subject to the CSRF origin check. */
    authVia: 'cookie' | 'bearer' | 'none';
    /** This request's place in its rate-limit count when authenticate already counted it (rate-limit.ts). */
    rateLimitCount?: { prefix: string; totalHits: number; resetTime: Date };
  }
}

export function domainCtx(services: Services, req: Request): DomainCtx {
  // The services are the context's prototype, not copied into every request's context. `log` is
  // read from the request on first use: the request's child logger is only made when something is
  // logged (most requests log nothing but their completion line).
  return Object.create(services, {
    actor: { value: req.actor, enumerable: true },
    log: { get: () => req.log, enumerable: true },
  }) as DomainCtx;
}
