// Sessions on lucia v3. The client holds an opaque access token; the session row's id is its
// SHA-256, so stored ids cannot be replayed. A refresh token (also stored hashed) can be exchanged
// once for a new session at POST /api/auth/refresh.
// lucia provides the cookie (name, HttpOnly, SameSite=Lax, Path=/, Secure in production) and its
// adapter; sessions are created and validated below with one statement each, because a session
// has two lifetimes (24 h or 30 d with remember-me) and must outlive its access token while the
// refresh token is valid, which lucia's own validateSession does not allow.
import { DrizzlePostgreSQLAdapter } from '@lucia-auth/adapter-drizzle';
import { and, eq } from 'drizzle-orm';
import { Lucia, TimeSpan } from 'lucia';
import type { Db, DbOrTx } from '../../../db/client.ts';
import { memberships, sessions, users, type Role } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';
import { randomToken, sha256Hex } from '../tokens.ts';

export const SESSION_COOKIE = 'pixell_session';
export const SHORT_SESSION_MS = 24 * 60 * 60 * 1000;
export const REMEMBER_SESSION_MS = 30 * 24 * 60 * 60 * 1000;
export const REFRESH_TOKEN_MS = 30 * 24 * 60 * 60 * 1000;

type SessionAttributes = {
  activeOrgId: string | null;
  rememberMe: boolean;
  refreshTokenHash: string;
  refreshExpiresAt: Date;
  ip: string | null;
  userAgent: string | null;
};

declare module 'lucia' {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: SessionAttributes;
    DatabaseUserAttributes: { email: string; emailVerifiedAt: Date | null };
  }
}

export function createLucia(db: Db, config: Config) {
  const adapter = new DrizzlePostgreSQLAdapter(db as never, sessions, users);
  return new Lucia(adapter, {
    // Default period; the real expiry is set per session (see createUserSession, sessionPeriodMs).
    sessionExpiresIn: new TimeSpan(1, 'd'),
    sessionCookie: {
      name: SESSION_COOKIE,
      expires: false,
      attributes: { secure: config.isProduction, sameSite: 'lax', path: '/' },
    },
    getSessionAttributes: (a) => ({ activeOrgId: a.activeOrgId, rememberMe: a.rememberMe }),
    getUserAttributes: (a) => ({ email: a.email, emailVerifiedAt: a.emailVerifiedAt }),
  });
}

export type AuthLucia = ReturnType<typeof createLucia>;

export type IssuedSession = {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  expiresAt: Date;
  rememberMe: boolean;
};

/**
 * Creates a session for a user and returns the tokens (shown to the client once). The row is
 * written directly (one insert, expiry computed from `now`): 24 hours, or 30 days with remember-me.
 */
export async function createUserSession(
  db: DbOrTx,
  _lucia: AuthLucia,
  input: { userId: string; activeOrgId: string | null; rememberMe: boolean; ip?: string | null; userAgent?: string | null; now: Date },
): Promise<IssuedSession> {
  const accessToken = randomToken(32);
  const refreshToken = randomToken(32);
  const sessionId = sha256Hex(accessToken);
  const expiresAt = new Date(input.now.getTime() + sessionPeriodMs(input.rememberMe));
  await db.insert(sessions).values({
    id: sessionId,
    userId: input.userId,
    expiresAt,
    activeOrgId: input.activeOrgId,
    rememberMe: input.rememberMe,
    refreshTokenHash: sha256Hex(refreshToken),
    refreshExpiresAt: new Date(input.now.getTime() + REFRESH_TOKEN_MS),
    ip: input.ip ?? null,
    userAgent: input.userAgent ? input.userAgent.slice(0, 400) : null,
    createdAt: input.now,
  });
  return { accessToken, refreshToken, sessionId, expiresAt, rememberMe: input.rememberMe };
}

export type ValidatedSession = {
  sessionId: string;
  userId: string;
  email: string;
  emailVerified: boolean;
  activeOrgId: string | null;
  role: Role | null;
  expiresAt: Date;
  rememberMe: boolean;
  /** True when lucia extended the expiry: the cookie should be sent again. */
  fresh: boolean;
};

/**
 * Validates an access token (cookie value or Bearer token). Null when unknown or expired.
 *
 * One query reads the session, its user and the role in the active organization. The expiry slides
 * like lucia's: once less than half of the session's period (24 hours, or 30 days with remember-me)
 * is left, it is pushed a full period ahead and `fresh` tells the caller to send the cookie again.
 * An expired session row is kept while its refresh token is still valid, so that
 * POST /api/auth/refresh keeps working after the access token has lapsed.
 */
export async function validateAccessToken(db: Db, _lucia: AuthLucia, token: string, now: Date = new Date()): Promise<ValidatedSession | null> {
  if (!token || token.length > 200) return null;
  const sessionId = sha256Hex(token);
  const [row] = await db
    .select({
      userId: sessions.userId,
      expiresAt: sessions.expiresAt,
      refreshExpiresAt: sessions.refreshExpiresAt,
      activeOrgId: sessions.activeOrgId,
      rememberMe: sessions.rememberMe,
      email: users.email,
      emailVerifiedAt: users.emailVerifiedAt,
      role: memberships.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoin(memberships, and(eq(memberships.orgId, sessions.activeOrgId), eq(memberships.userId, sessions.userId)))
    .where(eq(sessions.id, sessionId))
    .limit(1);
  if (!row) return null;
  if (row.expiresAt.getTime() <= now.getTime()) {
    if (row.refreshExpiresAt.getTime() <= now.getTime()) await db.delete(sessions).where(eq(sessions.id, sessionId));
    return null;
  }
  const period = sessionPeriodMs(row.rememberMe);
  let expiresAt = row.expiresAt;
  let fresh = false;
  if (now.getTime() >= expiresAt.getTime() - period / 2) {
    expiresAt = new Date(now.getTime() + period);
    fresh = true;
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
  }
  const role = row.role ?? null;
  return {
    sessionId,
    userId: row.userId,
    email: row.email,
    emailVerified: row.emailVerifiedAt !== null,
    activeOrgId: role ? row.activeOrgId : null,
    role,
    expiresAt,
    rememberMe: row.rememberMe,
    fresh,
  };
}

/** How long a session lives from its last extension. */
export function sessionPeriodMs(rememberMe: boolean): number {
  return rememberMe ? REMEMBER_SESSION_MS : SHORT_SESSION_MS;
}
