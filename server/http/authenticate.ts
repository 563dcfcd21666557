// Resolves the actor of a request from `Authorization: Bearer …` (API key or session access token)
// or the session cookie. It never rejects: routes decide what they require.
import type { NextFunction, Request, Response } from 'express';
import type { Db } from '../../db/client.ts';
import { authenticateApiKey, touchApiKey, type ApiKeyIdentity } from '../domain/api-keys/authenticate-api-key.ts';
import { REMEMBER_SESSION_MS, SESSION_COOKIE, validateAccessToken, type AuthLucia, type ValidatedSession } from '../domain/auth/session-store.ts';
import type { Actor } from '../domain/context.ts';
import { lookUpApiKeyAndCount, RATE_LIMIT_WINDOW_MS, type RateLimitCount } from './rate-limit.ts';
import { createCoalescer } from './request-coalescer.ts';

export type AuthState = { session: ValidatedSession | null };

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function bearerToken(req: Request): string | undefined {
  const h = req.get('authorization');
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

function sessionActor(s: ValidatedSession, ip: string | undefined): Actor {
  return { kind: 'session', userId: s.userId, sessionId: s.sessionId, orgId: s.activeOrgId, role: s.role, ip };
}

type KeyLookup = { identity: ApiKeyIdentity | null; place: RateLimitCount | null };

export function authenticate(deps: {
  db: Db;
  lucia: AuthLucia;
  now: () => Date;
  /**
   * API-key requests for which `counts(req)` holds are counted by the rate limiter of `prefix` in
   * the statement that looks the key up (rate-limit.ts): one round trip for both.
   */
  countApiCalls?: { prefix: string; counts: (req: Request) => boolean };
}) {
  const { db, lucia, now, countApiCalls } = deps;
  // Concurrent requests presenting the same key share one lookup that starts after all of them
  // arrived (see request-coalescer.ts): a fleet hammering the API costs one query per round trip.
  const keyLookups = createCoalescer<string, boolean, KeyLookup>(async (presented, counted) => {
    const count = counted.filter(Boolean).length;
    if (!countApiCalls || count === 0) {
      const identity = await authenticateApiKey(db, presented);
      return counted.map(() => ({ identity, place: null }));
    }
    const found = await lookUpApiKeyAndCount(db, presented, { prefix: countApiCalls.prefix, count, windowMs: RATE_LIMIT_WINDOW_MS });
    let i = 0;
    return counted.map((c) => ({ identity: found?.identity ?? null, place: found && c ? found.places[i++] : null }));
  });
  const lookUpKey = (presented: string, counted = false) => keyLookups.submit(presented, counted);
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const bearer = bearerToken(req);
      if (bearer !== undefined) {
        // A Bearer header always decides: a bad one is never silently replaced by the cookie.
        req.authVia = 'bearer';
        if (!bearer) return next();
        const lookup = bearer.startsWith('pac_') ? await lookUpKey(bearer, countApiCalls?.counts(req) ?? false) : null;
        const key = lookup?.identity;
        if (key) {
          req.actor = { kind: 'apiKey', apiKeyId: key.apiKeyId, orgId: key.orgId, role: key.role, userId: key.userId, ip: req.ip };
          if (lookup.place && countApiCalls) req.rateLimitCount = { prefix: countApiCalls.prefix, ...lookup.place };
          touchApiKey(db, key.apiKeyId, now(), (err) => req.log.warn({ err }, 'could not record api key use'));
          return next();
        }
        const session = await validateAccessToken(db, lucia, bearer);
        if (session) {
          req.actor = sessionActor(session, req.ip);
          return next();
        }
        const fallbackKey = bearer.startsWith('pac_') ? null : (await lookUpKey(bearer)).identity;
        if (fallbackKey) {
          req.actor = { kind: 'apiKey', apiKeyId: fallbackKey.apiKeyId, orgId: fallbackKey.orgId, role: fallbackKey.role, userId: fallbackKey.userId, ip: req.ip };
          touchApiKey(db, fallbackKey.apiKeyId, now(), (err) => req.log.warn({ err }, 'could not record api key use'));
        }
        return next();
      }
      const cookie = readCookie(req.get('cookie'), SESSION_COOKIE);
      if (cookie) {
        req.authVia = 'cookie';
        const session = await validateAccessToken(db, lucia, cookie);
        if (session) {
          req.actor = sessionActor(session, req.ip);
          if (session.fresh) res.append('Set-Cookie', sessionCookieHeader(lucia, cookie, session.rememberMe ? new Date(now().getTime() + REMEMBER_SESSION_MS) : null));
        } else {
          res.append('Set-Cookie', lucia.createBlankSessionCookie().serialize());
        }
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The Set-Cookie header for a session: a browser-session cookie, or a dated one for remember-me. */
export function sessionCookieHeader(lucia: AuthLucia, accessToken: string, expires: Date | null): string {
  const cookie = lucia.createSessionCookie(accessToken);
  // lucia adds Max-Age (400 days with `expires: false`), which would outlive the browser session
  // and take precedence over Expires: the lifetime is decided here alone.
  delete cookie.attributes.maxAge;
  if (expires) cookie.attributes.expires = expires;
  return cookie.serialize();
}
