// Confirms an email address with the single-use token from the verification mail.
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { DomainCtx } from '../context.ts';
import { AppError } from '../errors.ts';
import type { VerifyEmailInput } from './auth-schemas.ts';
import { consumeEmailToken, revokeEmailTokens } from './email-tokens.ts';
import { userActor } from './user-actor.ts';

export const invalidToken = () => new AppError('INVALID_TOKEN', 'This link is invalid, has already been used, or has expired');

export const EMAIL_VERIFIED_MESSAGE = 'Email verified successfully';

export async function verifyEmail(ctx: DomainCtx, input: VerifyEmailInput): Promise<{ user: { id: string; email: string } }> {
  const now = ctx.now();
  return ctx.db.transaction(async (tx) => {
    const userId = await consumeEmailToken(tx, { token: input.token, purpose: 'verify_email', now });
    if (!userId) throw invalidToken();
    await revokeEmailTokens(tx, { userId, purpose: 'verify_email', now });
    const [current] = await tx.select({ emailVerifiedAt: users.emailVerifiedAt }).from(users).where(eq(users.id, userId));
    const [user] = await tx
      .update(users)
      .set({ emailVerifiedAt: current?.emailVerifiedAt ?? now, updatedAt: now })
      .where(eq(users.id, userId))
      .returning({ id: users.id, email: users.email, defaultOrgId: users.defaultOrgId });
    await recordAudit(tx, userActor(user.id, user.defaultOrgId, null, ctx.actor.ip), {
      orgId: user.defaultOrgId,
      action: 'user.verify_email',
      resourceType: 'user',
      resourceId: user.id,
    });
    return { user: { id: user.id, email: user.email } };
  });
}
