// Setting and clearing the `pixell_session` cookie, for the REST routes and the tRPC procedures.
import type { Response } from 'express';
import type { AuthLucia, IssuedSession } from '../domain/auth/session-store.ts';
import { sessionCookieHeader } from './authenticate.ts';

/**
 * Sets the session cookie, replacing any Set-Cookie the authentication middleware queued for the
 * request's previous cookie. Remember-me sessions get a dated cookie (Expires = session expiry);
 * others a browser-session cookie.
 */
export function setSessionCookie(lucia: AuthLucia, res: Response, session: IssuedSession): void {
  res.setHeader('Set-Cookie', sessionCookieHeader(lucia, session.accessToken, session.rememberMe ? session.expiresAt : null));
}

/** Expires the session cookie in the browser. */
export function clearSessionCookie(lucia: AuthLucia, res: Response): void {
  res.setHeader('Set-Cookie', lucia.createBlankSessionCookie().serialize());
}
