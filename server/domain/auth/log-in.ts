// Password login. Unknown email and wrong password give the same answer after the same work (an
// argon2 verification against a dummy hash), behind the per-email brute-force limit.
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { DomainCtx } from '../context.ts';
import { AppError } from '../errors.ts';
import type { LoginInput } from './auth-schemas.ts';
import { beginLoginAttempt, clearLoginFailures } from './login-throttle.ts';
import { dummyPasswordHash, verifyPassword } from './password.ts';
import { createUserSession, type IssuedSession } from './session-store.ts';
import { findStartingOrganization, normalizeEmail, userActor } from './user-actor.ts';

export type LoginResult = {
  user: { id: string; email: string; createdAt: Date };
  session: IssuedSession;
};

export const invalidCredentials = () => new AppError('INVALID_CREDENTIALS', 'Invalid email or password');

export async function logIn(ctx: DomainCtx, input: LoginInput, meta: { userAgent?: string | null } = {}): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  await beginLoginAttempt(ctx, email);

  const [user] = await ctx.db
    .select({
      id: users.id,
      email: users.email,
      passwordHash: users.passwordHash,
      emailVerifiedAt: users.emailVerifiedAt,
      defaultOrgId: users.defaultOrgId,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !passwordOk) {
    ctx.log.info({ userId: user?.id ?? null }, 'login failed: invalid email or password');
    throw invalidCredentials();
  }
  await clearLoginFailures(ctx, email);
  if (ctx.config.requireEmailVerification && !user.emailVerifiedAt) {
    throw new AppError('EMAIL_NOT_VERIFIED', 'Please verify your email address before logging in');
  }

  const org = await findStartingOrganization(ctx.db, user);
  const rememberMe = input.rememberMe ?? false;
  const session = await createUserSession(ctx.db, ctx.lucia, {
    userId: user.id,
    activeOrgId: org?.orgId ?? null,
    rememberMe,
    ip: ctx.actor.ip ?? null,
    userAgent: meta.userAgent ?? null,
    now: ctx.now(),
  });
  await recordAudit(ctx.db, userActor(user.id, org?.orgId ?? null, org?.role ?? null, ctx.actor.ip, session.sessionId), {
    orgId: org?.orgId ?? null,
    action: 'user.login',
    resourceType: 'session',
    resourceId: null,
    metadata: { rememberMe },
  });
  return { user: { id: user.id, email: user.email, createdAt: user.createdAt }, session };
}
