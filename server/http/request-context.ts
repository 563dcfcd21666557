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
  }
}

export function domainCtx(services: Services, req: Request): DomainCtx {
  return { ...services, log: req.log, actor: req.actor };
}
