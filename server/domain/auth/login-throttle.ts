// Brute-force protection for logins: at most `config.login.maxFailures` failed attempts per email
// within a sliding window of `config.login.windowMinutes`.
//
// An attempt is recorded as a failure BEFORE the password is checked and removed again when it
// succeeds. Counting after the insert means concurrent attempts see each other, so a burst of
// parallel guesses cannot slip past the limit while their password checks are still running. A
// refused attempt removes its own row, so hammering a locked address does not extend the lock.
import { and, count, desc, eq, gt, lte } from 'drizzle-orm';
import { loginFailures } from '../../../db/schema/index.ts';
import type { DomainCtx } from '../context.ts';
import { AppError } from '../errors.ts';

export type LoginAttempt = { id: string };

/** Records the attempt and throws 429 TOO_MANY_LOGIN_ATTEMPTS (with Retry-After) when locked. */
export async function beginLoginAttempt(ctx: DomainCtx, email: string): Promise<LoginAttempt> {
  const { maxFailures, windowMinutes } = ctx.config.login;
  const now = ctx.now();
  const windowMs = windowMinutes * 60_000;
  const cutoff = new Date(now.getTime() - windowMs);
  // Housekeeping: failures that left the window never count again.
  await ctx.db.delete(loginFailures).where(and(eq(loginFailures.email, email), lte(loginFailures.failedAt, cutoff)));
  const [attempt] = await ctx.db
    .insert(loginFailures)
    .values({ email, ip: ctx.actor.ip ?? null, failedAt: now })
    .returning({ id: loginFailures.id });
  const [{ n }] = await ctx.db
    .select({ n: count() })
    .from(loginFailures)
    .where(and(eq(loginFailures.email, email), gt(loginFailures.failedAt, cutoff)));
  if (Number(n) <= maxFailures) return attempt;

  await ctx.db.delete(loginFailures).where(eq(loginFailures.id, attempt.id));
  // The lock lifts when the maxFailures-th most recent failure leaves the window.
  const [pivot] = await ctx.db
    .select({ failedAt: loginFailures.failedAt })
    .from(loginFailures)
    .where(and(eq(loginFailures.email, email), gt(loginFailures.failedAt, cutoff)))
    .orderBy(desc(loginFailures.failedAt))
    .offset(maxFailures - 1)
    .limit(1);
  const retryAfterMs = pivot ? pivot.failedAt.getTime() + windowMs - now.getTime() : 1000;
  ctx.log.warn({ maxFailures, windowMinutes }, 'login refused: too many failed attempts for this email');
  throw new AppError('TOO_MANY_LOGIN_ATTEMPTS', 'Too many failed login attempts, try again later', {
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

/** The password was right: every failure of this email is forgotten. */
export async function clearLoginFailures(ctx: DomainCtx, email: string): Promise<void> {
  await ctx.db.delete(loginFailures).where(eq(loginFailures.email, email));
}
