// Gives every request an id (kept from X-Request-Id when sane), a child logger carrying it, and one
// completion log line with status and duration.
import crypto from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;

// Made ids are `req_` and 32 hex digits: 20 random per process, then a counter of 12 (unique across
// processes without a random draw per request; request ids are not secrets).
const PROCESS_ID_PREFIX = crypto.randomBytes(10).toString('hex');
let requestCounter = 0;
const newRequestId = () => `req_${PROCESS_ID_PREFIX}${(++requestCounter % 2 ** 48).toString(16).padStart(12, '0')}`;
const CHILD_LOG = Symbol('requestLog');

type WithChildLog = Request & { [CHILD_LOG]?: Logger };

export function requestId(app: Express, log: Logger) {
  // req.log is the child logger carrying the request id, made on first use: most requests log
  // nothing but their completion line, which is skipped entirely below the info level. The accessor
  // lives once on the app's request prototype (not defined on every request); `req.log = other`
  // replaces the logger of that request only.
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    enumerable: true,
    get(this: WithChildLog) {
      return (this[CHILD_LOG] ??= log.child({ reqId: this.id }));
    },
    set(this: WithChildLog, value: Logger) {
      this[CHILD_LOG] = value;
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    const id = incoming && SAFE_ID.test(incoming) ? incoming : newRequestId();
    req.id = id;
    req.actor = { kind: 'anonymous', ip: req.ip };
    req.authVia = 'none';
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log[level]({ method: req.method, url: redactPath(req.originalUrl), status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The path without its query string, and with token-like segments (long random strings that are
 * not UUIDs, e.g. invitation tokens in /api/invitations/:token) replaced, so logs never hold secrets.
 */
export function redactPath(url: string): string {
  const pathOnly = url.split('?')[0];
  return pathOnly
    .split('/')
    .map((seg) => (seg.length >= 20 && !UUID.test(seg) && /^[A-Za-z0-9_\-.~%]+$/.test(seg) ? '[redacted]' : seg))
    .join('/');
}
