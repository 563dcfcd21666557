// Sessions on lucia v3. The client holds an opaque access token; the session row's id is its
// SHA-256, so stored ids cannot be replayed. A refresh token (also stored hashed) can be exchanged
// once for a new session at POST /api/auth/refresh.
import { DrizzlePostgreSQLAdapter } from '@lucia-auth/adapter-drizzle';
import { and, eq } from 'drizzle-orm';
import { Lucia, TimeSpan } from 'lucia';
import type { Db } from '../../../db/client.ts';
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
    // 24-hour sliding expiry; remember-me sessions start with 30 days (see createUserSession).
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

/** Creates a session for a user and returns the tokens (shown to the client once). */
export async function createUserSession(
  db: Db,
  lucia: AuthLucia,
  input: { userId: string; activeOrgId: string | null; rememberMe: boolean; ip?: string | null; userAgent?: string | null; now: Date },
): Promise<IssuedSession> {
  const accessToken = randomToken(32);
  const refreshToken = randomToken(32);
  const sessionId = sha256Hex(accessToken);
  const session = await lucia.createSession(
    input.userId,
    {
      activeOrgId: input.activeOrgId,
      rememberMe: input.rememberMe,
      refreshTokenHash: sha256Hex(refreshToken),
      refreshExpiresAt: new Date(input.now.getTime() + REFRESH_TOKEN_MS),
      ip: input.ip ?? null,
      userAgent: input.userAgent ? input.userAgent.slice(0, 400) : null,
    },
    { sessionId },
  );
  let expiresAt = session.expiresAt;
  if (input.rememberMe) {
    expiresAt = new Date(input.now.getTime() + REMEMBER_SESSION_MS);
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
  }
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

/** Validates an access token (cookie value or Bearer token). Null when unknown or expired. */
export async function validateAccessToken(db: Db, lucia: AuthLucia, token: string): Promise<ValidatedSession | null> {
  if (!token || token.length > 200) return null;
  const { session, user } = await lucia.validateSession(sha256Hex(token));
  if (!session || !user) return null;
  let role: Role | null = null;
  if (session.activeOrgId) {
    const [m] = await db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.orgId, session.activeOrgId), eq(memberships.userId, user.id)))
      .limit(1);
    role = m?.role ?? null;
  }
  return {
    sessionId: session.id,
    userId: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    activeOrgId: role ? session.activeOrgId : null,
    role,
    expiresAt: session.expiresAt,
    rememberMe: session.rememberMe,
    fresh: session.fresh,
  };
}
