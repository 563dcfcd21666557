// CSRF defence: a cookie-authenticated (or credential-less) browser request that changes state must
// come from the app's own origin. Bearer-authenticated requests are not affected; requests without
// Origin and Referer (curl, server-to-server) carry no ambient browser credentials to abuse.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../domain/errors.ts';
import { sendError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function originCheck(publicUrl: string) {
  const publicOrigin = new URL(publicUrl).origin;
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || req.authVia === 'bearer') return next();
    const source = req.get('origin') ?? refererOrigin(req.get('referer'));
    if (source === undefined) return next();
    const ownOrigin = `${req.protocol}://${req.get('host')}`;
    if (source === publicOrigin || source === ownOrigin) return next();
    sendError(res, new AppError('CSRF_REJECTED', 'Cross-site request refused: the Origin does not match this application'));
  };
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}
