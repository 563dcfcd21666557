// Sets a new password with the token from the reset mail. Every session of the user ends (whoever
// knew the old password is logged out), the email counts as verified (the user proved they read
// it), and the brute-force counter of the address is cleared.
import { eq } from 'drizzle-orm';
import { loginFailures, sessions, users } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { DomainCtx } from '../context.ts';
import type { ResetPasswordInput } from './auth-schemas.ts';
import { consumeEmailToken, revokeEmailTokens } from './email-tokens.ts';
import { hashPassword } from './password.ts';
import { userActor } from './user-actor.ts';
import { invalidToken } from './verify-email.ts';

export const PASSWORD_RESET_DONE_MESSAGE = 'Your password has been reset, you can log in now';

export async function resetPassword(ctx: DomainCtx, input: ResetPasswordInput): Promise<{ user: { id: string; email: string } }> {
  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const userId = await consumeEmailToken(tx, { token: input.token, purpose: 'reset_password', now });
    if (!userId) throw invalidToken();
    await revokeEmailTokens(tx, { userId, purpose: 'reset_password', now });
    const [current] = await tx.select({ emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
    const [user] = await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: current?.emailVerifiedAt ?? now, updatedAt: now })
      .where(eq(users.id, userId))
      .returning({ id: users.id, email: users.email, defaultOrgId: users.defaultOrgId });
    const ended = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    await tx.delete(loginFailures).where(eq(loginFailures.email, user.email));
    await recordAudit(tx, userActor(user.id, user.defaultOrgId, null, ctx.actor.ip), {
      orgId: user.defaultOrgId,
      action: 'user.password_reset',
      resourceType: 'user',
      resourceId: user.id,
      metadata: { sessionsEnded: ended.length },
    });
    return { user: { id: user.id, email: user.email } };
  });
}
