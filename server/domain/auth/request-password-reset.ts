// Mails a password-reset link (valid 1 hour, single use; earlier open links stop working). The
// caller always gets the same neutral answer whether or not the account exists.
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import type { DomainCtx } from '../context.ts';
import type { EmailOnlyInput } from './auth-schemas.ts';
import { passwordResetMail, sendAuthMail } from './auth-mail.ts';
import { countRecentEmailTokens, EMAIL_TOKENS_PER_HOUR, issueEmailToken, revokeEmailTokens } from './email-tokens.ts';
import { normalizeEmail } from './user-actor.ts';

export const PASSWORD_RESET_REQUESTED_MESSAGE = 'If an account with this email exists, a password reset link has been sent';

export async function requestPasswordReset(ctx: DomainCtx, input: EmailOnlyInput): Promise<void> {
  const email = normalizeEmail(input.email);
  const now = ctx.now();
  const token = await ctx.db.transaction(async (tx) => {
    const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
    if (!user) return null;
    if ((await countRecentEmailTokens(tx, { userId: user.id, purpose: 'reset_password', now })) >= EMAIL_TOKENS_PER_HOUR) {
      ctx.log.info({ userId: user.id }, 'password reset mail not sent: hourly limit reached');
      return null;
    }
    await revokeEmailTokens(tx, { userId: user.id, purpose: 'reset_password', now });
    return issueEmailToken(tx, { userId: user.id, purpose: 'reset_password', now });
  });
  if (token) await sendAuthMail(ctx, passwordResetMail(ctx.config.publicUrl, email, token), 'reset_password');
}
