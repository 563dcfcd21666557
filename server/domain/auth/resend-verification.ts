// Sends a new verification link. The caller always gets the same neutral answer, whether or not
// the account exists or is already verified (no account enumeration).
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import type { DomainCtx } from '../context.ts';
import type { EmailOnlyInput } from './auth-schemas.ts';
import { sendAuthMail, verificationMail } from './auth-mail.ts';
import { countRecentEmailTokens, EMAIL_TOKENS_PER_HOUR, issueEmailToken } from './email-tokens.ts';
import { normalizeEmail } from './user-actor.ts';

export const RESEND_VERIFICATION_MESSAGE = 'If an account with this email exists and is not verified yet, a new verification email has been sent';

export async function resendVerification(ctx: DomainCtx, input: EmailOnlyInput): Promise<void> {
  const email = normalizeEmail(input.email);
  const now = ctx.now();
  const token = await ctx.db.transaction(async (tx) => {
    const [user] = await tx
      .select({ id: users.id, emailVerifiedAt: users.emailVerifiedAt })
      .from(users)
      .where(eq(users.email, email))
      .limit(1);
    if (!user || user.emailVerifiedAt) return null;
    if ((await countRecentEmailTokens(tx, { userId: user.id, purpose: 'verify_email', now })) >= EMAIL_TOKENS_PER_HOUR) {
      ctx.log.info({ userId: user.id }, 'verification mail not sent: hourly limit reached');
      return null;
    }
    return issueEmailToken(tx, { userId: user.id, purpose: 'verify_email', now });
  });
  if (token) await sendAuthMail(ctx, verificationMail(ctx.config.publicUrl, email, token), 'verify_email');
}
